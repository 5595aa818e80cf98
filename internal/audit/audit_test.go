package audit

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

func TestAppendQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := openLog(t, st)
		clock := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("BST", 3600))
		l.SetClock(func() time.Time { return clock })

		in := []portal.AuditEntry{
			{Actor: "alice", Role: "investigator", Unit: "SE", ClientIP: "10.0.0.1", Action: "search",
				Objects: []string{"report:R1", "report:R2"}, Outcome: "ok", Purpose: "OP-1", Detail: `q="blue van" hits=2`},
			{Actor: "bob", Action: "report.view", Objects: []string{"report:R1", "report:R1"}, Outcome: "ok", Purpose: "OP-2",
				Time: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)},
			{Actor: "alice", Action: "report.view", Objects: []string{"report:R3"}, Outcome: "denied", Purpose: "OP-1",
				Time: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)},
			{Actor: "cli:root", Action: "audit.verify", Outcome: "ok", Detail: strings.Repeat("é", 1500)},
		}
		var got []portal.AuditEntry
		for i, e := range in {
			out, err := l.Append(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			if out.Seq != int64(i) {
				t.Errorf("entry %d got seq %d", i, out.Seq)
			}
			got = append(got, out)
		}
		if want := time.Date(2026, 3, 4, 4, 6, 7, 891000000, time.UTC); !got[0].Time.Equal(want) || got[0].Time.Location() != time.UTC {
			t.Errorf("time = %v, want %v in UTC", got[0].Time, want)
		}
		if len(got[3].Detail) > MaxDetail || !strings.HasPrefix(got[3].Detail, "éé") || len(got[3].Detail) != 2000 {
			t.Errorf("detail not cut to %d bytes at a character boundary: %d bytes", MaxDetail, len(got[3].Detail))
		}

		all, err := l.Query(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 || all[0].Seq != 3 || all[3].Seq != 0 {
			t.Fatalf("query all: %+v", all)
		}
		for _, e := range all {
			if !reflect.DeepEqual(e, got[e.Seq]) {
				t.Errorf("entry %d read back as\n%+v\nwant\n%+v", e.Seq, e, got[e.Seq])
			}
		}

		seqs := func(f Filter) []int64 {
			t.Helper()
			es, err := l.Query(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var s []int64
			for _, e := range es {
				s = append(s, e.Seq)
			}
			return s
		}
		for name, c := range map[string]struct {
			f    Filter
			want []int64
		}{
			"actor":    {Filter{Actor: "alice"}, []int64{2, 0}},
			"action":   {Filter{Action: "report.view"}, []int64{2, 1}},
			"object":   {Filter{Object: "report:R1"}, []int64{1, 0}},
			"purpose":  {Filter{Purpose: "OP-1"}, []int64{2, 0}},
			"from":     {Filter{From: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}, []int64{2, 1}},
			"to":       {Filter{To: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}, []int64{3, 0}},
			"range":    {Filter{From: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)}, []int64{1}},
			"after":    {Filter{AfterSeq: 1}, []int64{3, 2}},
			"before":   {Filter{BeforeSeq: 2}, []int64{1, 0}},
			"limit":    {Filter{Limit: 2}, []int64{3, 2}},
			"combined": {Filter{Actor: "alice", Object: "report:R3", Purpose: "OP-1"}, []int64{2}},
			"none":     {Filter{Actor: "mallory"}, nil},
		} {
			if s := seqs(c.f); !reflect.DeepEqual(s, c.want) {
				t.Errorf("%s: got %v, want %v", name, s, c.want)
			}
		}

		// Checkpoint, proofs and the canonical body fit together for an
		// outside verifier holding only the public key.
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := note.NewVerifier(l.PublicKey())
		if err != nil {
			t.Fatal(err)
		}
		opened, err := OpenCheckpoint(cp.Note, note.VerifierList(v))
		if err != nil || opened.Size != 4 || opened.Root != cp.Root || !opened.Time.Equal(cp.Time) {
			t.Fatalf("checkpoint %+v does not open as itself: %+v %v", cp, opened, err)
		}
		latest, ok, err := l.LatestCheckpoint(ctx)
		if err != nil || !ok || latest != cp {
			t.Fatalf("latest = %+v %v %v, want %+v", latest, ok, err, cp)
		}
		for _, e := range all {
			body, err := EncodeEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			var stored string
			if err := st.DB().QueryRow(st.Rebind(`SELECT body FROM audit_entries WHERE seq = ?`), e.Seq).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if string(body) != stored {
				t.Errorf("entry %d re-encodes as\n%s\nstored\n%s", e.Seq, body, stored)
			}
			p, err := l.Proof(ctx, e.Seq, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckRecord(p, cp.Size, cp.Root, e.Seq, tlog.RecordHash(body)); err != nil {
				t.Errorf("proof of %d: %v", e.Seq, err)
			}
		}
		if _, err := l.Proof(ctx, 4, 4); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("proof past the end: %v", err)
		}
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := "audit log intact: 4 entries, root " + cp.Root.String(); rep.String() != want || rep.FirstBad != -1 {
			t.Errorf("verify: %q (first bad %d), want %q", rep, rep.FirstBad, want)
		}
	})
}

func TestAppendRejects(t *testing.T) {
	st := openSQLite(t)
	l := openLog(t, st)
	ctx := context.Background()
	for _, e := range []portal.AuditEntry{
		{Action: "search"},
		{Actor: "alice"},
		{Actor: "  ", Action: "search"},
	} {
		if _, err := l.Append(ctx, e); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("append %+v: %v, want invalid", e, err)
		}
	}
	if n, _ := l.Size(ctx); n != 0 {
		t.Errorf("size %d after rejected appends", n)
	}
}

func TestEmptyLog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := openLog(t, st)
		if _, ok, err := l.LatestCheckpoint(ctx); ok || err != nil {
			t.Fatalf("latest checkpoint of an empty log: %v %v", ok, err)
		}
		if _, err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.Intact || rep.Entries != 0 {
			t.Fatalf("verify empty: %v %v", rep, err)
		}
	})
}

// Tampering through raw SQL, as someone with the database file or an
// account on the database server could. Verify must name the entry.
func TestTamper(t *testing.T) {
	type tc struct {
		name  string
		n     int  // entries to append
		cp    bool // checkpoint after appending
		do    func(t *testing.T, st *store.Store)
		bad   int64
		wants string
	}
	cases := []tc{
		{name: "flip one byte", n: 60, do: func(t *testing.T, st *store.Store) {
			var body string
			if err := st.DB().QueryRow(`SELECT body FROM audit_entries WHERE seq = 41`).Scan(&body); err != nil {
				t.Fatal(err)
			}
			b := []byte(body)
			i := strings.Index(body, `"detail":"`) + len(`"detail":"`) + 3
			b[i] ^= 0x01
			exec(t, st, `UPDATE audit_entries SET body = ? WHERE seq = 41`, string(b))
		}, bad: 41, wants: "entry 41: content does not match its hash"},
		{name: "delete the last entry", n: 100, cp: true, do: func(t *testing.T, st *store.Store) {
			// A careful attacker removes its hashes and objects too, so
			// that only the checkpoint knows.
			exec(t, st, `DELETE FROM audit_entries WHERE seq = 99`)
			exec(t, st, `DELETE FROM audit_objects WHERE seq = 99`)
			exec(t, st, `DELETE FROM audit_hashes WHERE idx >= ?`, tlog.StoredHashIndex(0, 99))
		}, bad: 99, wants: "log has 99 entries but checkpoint at 2026-03-04T05:06:07.000Z covered 100"},
		{name: "delete the last entry without checkpoint", n: 30, do: func(t *testing.T, st *store.Store) {
			exec(t, st, `DELETE FROM audit_entries WHERE seq = 29`)
		}, bad: 29, wants: "entry 29 missing"},
		{name: "delete one in the middle", n: 30, cp: true, do: func(t *testing.T, st *store.Store) {
			exec(t, st, `DELETE FROM audit_entries WHERE seq = 12`)
		}, bad: 12, wants: "entry 12 missing"},
		{name: "swap two", n: 10, do: func(t *testing.T, st *store.Store) {
			swapEntries(t, st, 3, 4)
		}, bad: 3, wants: "entries 3 and 4 out of order"},
		{name: "change an indexed column", n: 10, do: func(t *testing.T, st *store.Store) {
			exec(t, st, `UPDATE audit_entries SET actor = 'nobody' WHERE seq = 7`)
		}, bad: 7, wants: "entry 7: its indexed"},
		{name: "hide an access from the object index", n: 10, do: func(t *testing.T, st *store.Store) {
			exec(t, st, `DELETE FROM audit_objects WHERE seq = 5 AND object = 'report:R5'`)
		}, bad: 5, wants: "entry 5: its object index"},
		{name: "change a stored tree hash", n: 10, do: func(t *testing.T, st *store.Store) {
			exec(t, st, `UPDATE audit_hashes SET hash = ? WHERE idx = ?`, make([]byte, 32), tlog.StoredHashIndex(0, 6))
		}, bad: 6, wants: "entry 6: stored tree hashes do not match"},
		{name: "rewrite an entry and rebuild the tree", n: 40, cp: true, do: func(t *testing.T, st *store.Store) {
			rewriteAndRehash(t, st, 17)
		}, bad: 0, wants: "entries 0 to 39 were rewritten"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				l := openLog(t, st)
				l.SetClock(func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) })
				appendN(t, l, c.n)
				if c.cp {
					if _, err := l.Checkpoint(ctx); err != nil {
						t.Fatal(err)
					}
				}
				if rep, err := l.Verify(ctx); err != nil || !rep.Intact {
					t.Fatalf("before tampering: %v %v", rep, err)
				}
				dropGuards(t, st)
				c.do(t, st)
				rep, err := l.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Intact || rep.FirstBad != c.bad || !strings.Contains(rep.Problem, c.wants) {
					t.Errorf("got %q (first bad %d), want %q naming entry %d", rep, rep.FirstBad, c.wants, c.bad)
				}
				if !strings.HasPrefix(rep.String(), "audit log NOT intact: ") {
					t.Errorf("report line %q", rep)
				}
				t.Log(rep)
			})
		})
	}
}

// swapEntries exchanges everything stored for entries a and b but their seq.
func swapEntries(t *testing.T, st *store.Store, a, b int64) {
	t.Helper()
	type row struct {
		at, actor, action, purpose, body string
		leaf                             []byte
	}
	read := func(seq int64) row {
		var r row
		if err := st.DB().QueryRow(st.Rebind(`SELECT at, actor, action, purpose, body, leaf_hash FROM audit_entries WHERE seq = ?`), seq).
			Scan(&r.at, &r.actor, &r.action, &r.purpose, &r.body, &r.leaf); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ra, rb := read(a), read(b)
	write := func(seq int64, r row) {
		exec(t, st, `UPDATE audit_entries SET at = ?, actor = ?, action = ?, purpose = ?, body = ?, leaf_hash = ? WHERE seq = ?`,
			r.at, r.actor, r.action, r.purpose, r.body, r.leaf, seq)
	}
	write(a, rb)
	write(b, ra)
}

// rewriteAndRehash changes entry seq's detail and recomputes its leaf and
// every stored hash, leaving a log consistent in itself: only a checkpoint
// can tell.
func rewriteAndRehash(t *testing.T, st *store.Store, seq int64) {
	t.Helper()
	var body string
	if err := st.DB().QueryRow(st.Rebind(`SELECT body FROM audit_entries WHERE seq = ?`), seq).Scan(&body); err != nil {
		t.Fatal(err)
	}
	e, err := decodeEntry([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	e.Detail = "nothing to see"
	nb, _ := EncodeEntry(e)
	leaf := tlog.RecordHash(nb)
	exec(t, st, `UPDATE audit_entries SET body = ?, leaf_hash = ? WHERE seq = ?`, string(nb), leaf[:], seq)

	rows, err := st.DB().Query(`SELECT leaf_hash FROM audit_entries ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var leaves [][]byte
	for rows.Next() {
		var h []byte
		rows.Scan(&h)
		leaves = append(leaves, h)
	}
	rows.Close()
	stored := map[int64]tlog.Hash{}
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	exec(t, st, `DELETE FROM audit_hashes`)
	for i, lh := range leaves {
		var h tlog.Hash
		copy(h[:], lh)
		hs, err := tlog.StoredHashesForRecordHash(int64(i), h, r)
		if err != nil {
			t.Fatal(err)
		}
		for j, x := range hs {
			idx := tlog.StoredHashIndex(0, int64(i)) + int64(j)
			stored[idx] = x
			exec(t, st, `INSERT INTO audit_hashes (idx, hash) VALUES (?, ?)`, idx, x[:])
		}
	}
}

func TestAppendOnlyGuards(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		l := openLog(t, st)
		appendN(t, l, 3)
		for _, q := range []string{
			`UPDATE audit_entries SET actor = 'x' WHERE seq = 1`,
			`DELETE FROM audit_entries WHERE seq = 2`,
			`DELETE FROM audit_hashes`,
			`DELETE FROM audit_objects`,
		} {
			if _, err := st.DB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused", q, err)
			}
		}
		if st.Dialect() == "postgres" {
			if _, err := st.DB().Exec(`TRUNCATE audit_entries`); err == nil {
				t.Errorf("truncate allowed")
			}
		}
	})
}

func TestForeignCheckpoint(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := openLog(t, st)
		appendN(t, l, 5)
		if _, err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		// Someone with another key signs the log as it is and slips the
		// checkpoint in.
		other := openLog(t, st)
		root, err := l.TreeHash(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		text := string(tlog.FormatTree(tlog.Tree{N: 5, Hash: root})) + "time 2026-03-04T05:06:07.000Z\n"
		signed, err := note.Sign(&note.Note{Text: text}, other.sign)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, st, `INSERT INTO audit_checkpoints (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)`,
			5, root[:], string(signed), "2026-03-04T05:06:07.000000Z")
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Intact || !strings.Contains(rep.Problem, "checkpoint 2") || !strings.Contains(rep.Problem, "not signed by a trusted key") {
			t.Errorf("foreign checkpoint: %q", rep)
		}
		if _, _, err := l.LatestCheckpoint(ctx); err == nil {
			t.Errorf("latest checkpoint signed by another key accepted")
		}
		if _, err := l.Checkpoint(ctx); err == nil {
			t.Errorf("signed over a checkpoint it cannot verify")
		}
		// Once that key is trusted (a rotation, say) the log verifies.
		if err := l.TrustKey(other.PublicKey()); err != nil {
			t.Fatal(err)
		}
		if rep, err := l.Verify(ctx); err != nil || !rep.Intact {
			t.Errorf("after trusting the key: %v %v", rep, err)
		}
	})
}

func TestCheckpointRefusesRewrittenLog(t *testing.T) {
	st := openSQLite(t)
	ctx := context.Background()
	l := openLog(t, st)
	appendN(t, l, 20)
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	dropGuards(t, st)
	rewriteAndRehash(t, st, 3)
	if _, err := l.Checkpoint(ctx); err == nil || !strings.Contains(err.Error(), "no longer matches") {
		t.Errorf("checkpoint over a rewritten log: %v", err)
	}
}

// Fail closed: when the entry cannot be written Append says so and
// nothing is half written.
func TestAppendFails(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := openLog(t, st)
		appendN(t, l, 3)
		if st.Dialect() == "postgres" {
			exec(t, st, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$`)
			exec(t, st, `CREATE TRIGGER disk_full BEFORE INSERT ON audit_hashes FOR EACH ROW EXECUTE FUNCTION refuse()`)
		} else {
			exec(t, st, `CREATE TRIGGER disk_full BEFORE INSERT ON audit_hashes BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
		}
		if _, err := l.Append(ctx, entry(3)); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("append to a failing store: %v", err)
		}
		if l.Failures() != 1 {
			t.Errorf("failures = %d", l.Failures())
		}
		// The entry row written before the failure was rolled back.
		if n, err := l.Size(ctx); err != nil || n != 3 {
			t.Errorf("size %d %v after a failed append", n, err)
		}
		if rep, err := l.Verify(ctx); err != nil || !rep.Intact {
			t.Errorf("verify after failed append: %v %v", rep, err)
		}

		st.Close()
		if _, err := l.Append(ctx, entry(4)); err == nil {
			t.Fatal("append to a closed store succeeded")
		}
		if l.Failures() != 2 {
			t.Errorf("failures = %d", l.Failures())
		}
	})
}

func TestConcurrentAppends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := openLog(t, st)
		// A second Log on the same database stands for a second process
		// or node: only the database serializes the two.
		l2, err := Open(ctx, st, filepath.Join(t.TempDir(), "node2.key"))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for w := 0; w < 4; w++ {
			lw := l
			if w%2 == 1 {
				lw = l2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					if _, err := lw.Append(ctx, entry(i)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.Intact || rep.Entries != 60 {
			t.Errorf("after concurrent appends: %v %v", rep, err)
		}
	})
}

func TestKeyFile(t *testing.T) {
	st := openSQLite(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys", "audit.key")
	l1, err := Open(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", fi.Mode(), err)
	}
	l2, err := Open(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	if l1.PublicKey() != l2.PublicKey() || !strings.HasPrefix(l1.PublicKey(), keyName+"+") {
		t.Errorf("public keys %q and %q", l1.PublicKey(), l2.PublicKey())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	os.Chmod(path, 0o644)
	if _, err := Open(ctx, st, path); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("open with a world-readable key: %v", err)
	}
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"aé", 2, "a"}, {"éé", 3, "é"}, {"éé", 4, "éé"},
	} {
		if got := truncate(c.in, c.n); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
