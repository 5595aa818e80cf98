package audit

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Report is the outcome of Verify.
type Report struct {
	Intact   bool
	Entries  int64     // entries found in the log
	Root     tlog.Hash // the recomputed tree root; zero when not intact
	FirstBad int64     // the first entry that does not verify; -1 when intact or when none can be named
	Problem  string    // what is wrong, naming that entry; "" when intact
}

// String is the line `portal audit verify` prints.
func (r Report) String() string {
	if r.Intact {
		return fmt.Sprintf("audit log intact: %d entries, root %s", r.Entries, r.Root)
	}
	return "audit log NOT intact: " + r.Problem
}

// Verify recomputes the log from the stored entry bodies alone and compares:
// each body with its leaf hash, its position and its indexed columns and
// objects; the tree built afresh with the stored hashes; every checkpoint's
// signature, and its root with the recomputed tree at its size; the log's
// length with the longest checkpoint. It streams the entries and keeps only
// the right edge of the tree, so memory does not grow with the log. Entries
// appended while it runs are left for the next run. The error is for a
// failure to read; a damaged log is a Report that is not Intact.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	// Checkpoints before the size: none read can then cover more entries
	// than the size read, even while others append.
	cps, cpProblem, err := l.loadCheckpoints(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	n, err := l.Size(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	v := &verification{cps: cps, firstBad: -1}
	if err := l.stream(ctx, n, v); err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	rep := Report{Entries: v.seen, FirstBad: v.firstBad, Problem: v.problem}
	if v.problem == "" {
		// The log ends early: checkpoints say it was longer, or hashes of
		// later entries remain.
		if last := v.cpLongest(); last != nil && last.size > v.pos {
			rep.FirstBad = v.pos
			rep.Problem = fmt.Sprintf("log has %d entries but checkpoint at %s covered %d (%s)",
				v.pos, fmtTime(last.time), last.size, missing(v.pos, last.size-1))
		} else if gone, err := l.tailMissing(ctx, v.pos); err != nil {
			return Report{}, fmt.Errorf("audit: verify: %w", err)
		} else if gone {
			rep.FirstBad = v.pos
			rep.Problem = fmt.Sprintf("entry %d missing: the log ends at %d entries but tree hashes of later entries remain", v.pos, v.pos)
		}
	}
	if rep.Problem == "" && cpProblem != "" {
		rep.Problem = cpProblem
	}
	if rep.Problem == "" {
		root, err := tlog.TreeHash(v.pos, &v.tree)
		if err != nil {
			return Report{}, fmt.Errorf("audit: verify: %w", err)
		}
		rep.Intact, rep.Root = true, root
	}
	return rep, nil
}

type cpInfo struct {
	id   int64
	size int64
	root tlog.Hash
	time time.Time
}

// loadCheckpoints reads every checkpoint and checks its signature. Those
// that do not verify are left out and the first is described.
func (l *Log) loadCheckpoints(ctx context.Context) ([]cpInfo, string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, note, created_at FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return nil, "", fmt.Errorf("checkpoints: %w", err)
	}
	defer rows.Close()
	known := l.verifiers()
	var (
		cps     []cpInfo
		problem string
	)
	for rows.Next() {
		var (
			id         int64
			text, when string
		)
		if err := rows.Scan(&id, &text, &when); err != nil {
			return nil, "", fmt.Errorf("checkpoints: %w", err)
		}
		cp, err := OpenCheckpoint(text, known)
		if err != nil {
			if problem == "" {
				problem = fmt.Sprintf("checkpoint %d (stored as of %s) does not verify: %v", id, when, err)
			}
			continue
		}
		cps = append(cps, cpInfo{id: id, size: cp.Size, root: cp.Root, time: cp.Time})
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("checkpoints: %w", err)
	}
	slices.SortStableFunc(cps, func(a, b cpInfo) int { return int(min(max(a.size-b.size, -1), 1)) })
	return cps, problem, nil
}

// verification is the state of one streaming pass.
type verification struct {
	tree     frontier
	pos      int64 // entries 0..pos-1 verified
	seen     int64 // entry rows read
	cps      []cpInfo
	cpNext   int   // first checkpoint not yet compared
	cpGood   int64 // size of the largest checkpoint that matched
	firstBad int64
	problem  string
}

func (v *verification) fail(seq int64, format string, args ...any) {
	v.firstBad = seq
	v.problem = fmt.Sprintf(format, args...)
}

func (v *verification) cpLongest() *cpInfo {
	if len(v.cps) == 0 {
		return nil
	}
	return &v.cps[len(v.cps)-1]
}

// checkpoints compares every checkpoint of size v.pos with the fresh tree.
func (v *verification) checkpoints() error {
	for v.cpNext < len(v.cps) && v.cps[v.cpNext].size == v.pos {
		cp := v.cps[v.cpNext]
		v.cpNext++
		h, err := tlog.TreeHash(cp.size, &v.tree)
		if err != nil {
			return err
		}
		if h != cp.root {
			// Every entry and stored hash agreed, so the whole tree was
			// rebuilt: only the checkpoints bound where.
			v.fail(v.cpGood, "entries %d to %d were rewritten: they do not match the checkpoint at %s (size %d)",
				v.cpGood, cp.size-1, fmtTime(cp.time), cp.size)
			return nil
		}
		v.cpGood = cp.size
	}
	return nil
}

// stream reads entries, stored hashes and objects below size n side by side,
// in order, and checks them.
func (l *Log) stream(ctx context.Context, n int64, v *verification) error {
	if err := v.checkpoints(); err != nil { // size 0
		return err
	}
	entries, err := l.db.QueryContext(ctx, l.st.Rebind(`SELECT seq, at, actor, action, purpose, body, leaf_hash
		FROM audit_entries WHERE seq < ? ORDER BY seq`), n)
	if err != nil {
		return fmt.Errorf("entries: %w", err)
	}
	defer entries.Close()
	hashes, err := l.db.QueryContext(ctx, l.st.Rebind(`SELECT idx, hash FROM audit_hashes WHERE idx < ? ORDER BY idx`),
		tlog.StoredHashIndex(0, n))
	if err != nil {
		return fmt.Errorf("hashes: %w", err)
	}
	defer hashes.Close()
	objects, err := l.db.QueryContext(ctx, l.st.Rebind(`SELECT seq, object FROM audit_objects WHERE seq < ? ORDER BY seq, object`), n)
	if err != nil {
		return fmt.Errorf("objects: %w", err)
	}
	defer objects.Close()
	objs := &objectCursor{rows: objects}

	var (
		seq                        int64
		at, actor, action, purpose string
		body, leaf                 sql.RawBytes
		hidx                       int64
		hbytes                     sql.RawBytes
	)
	for entries.Next() {
		if err := entries.Scan(&seq, &at, &actor, &action, &purpose, &body, &leaf); err != nil {
			return fmt.Errorf("entries: %w", err)
		}
		v.seen++
		if v.problem != "" {
			continue // only counting now
		}
		p := v.pos
		if seq != p {
			v.fail(p, "%s", missing(p, seq-1))
			continue
		}
		fresh := tlog.RecordHash(body)
		if !bytes.Equal(leaf, fresh[:]) {
			v.fail(p, "entry %d: content does not match its hash", p)
			continue
		}
		e, err := decodeEntry(body)
		if err != nil {
			v.fail(p, "entry %d: content is not a valid entry: %v", p, err)
			continue
		}
		if e.Seq != p {
			v.fail(p, "entries %d and %d out of order: entry %d holds the content of entry %d", min(p, e.Seq), max(p, e.Seq), p, e.Seq)
			continue
		}
		if at != e.Time.Format(columnTime) || actor != e.Actor || action != e.Action || purpose != e.Purpose {
			v.fail(p, "entry %d: its indexed time, actor, action or purpose does not match its content", p)
			continue
		}
		got, err := objs.take(p)
		if err != nil {
			return err
		}
		if !slices.Equal(got, objectSet(e.Objects)) {
			v.fail(p, "entry %d: its object index %q does not match its content %q", p, got, e.Objects)
			continue
		}
		want, err := tlog.StoredHashesForRecordHash(p, fresh, &v.tree)
		if err != nil {
			return fmt.Errorf("entry %d: %w", p, err)
		}
		base := tlog.StoredHashIndex(0, p)
		for i, h := range want {
			if !hashes.Next() {
				if err := hashes.Err(); err != nil {
					return fmt.Errorf("hashes: %w", err)
				}
				v.fail(p, "entry %d: its tree hashes are missing", p)
				break
			}
			if err := hashes.Scan(&hidx, &hbytes); err != nil {
				return fmt.Errorf("hashes: %w", err)
			}
			if hidx != base+int64(i) {
				v.fail(p, "entry %d: its tree hashes are missing", p)
				break
			}
			if !bytes.Equal(hbytes, h[:]) {
				v.fail(p, "entry %d: stored tree hashes do not match its content", p)
				break
			}
		}
		if v.problem != "" {
			continue
		}
		v.tree.add(p, want)
		v.pos++
		if err := v.checkpoints(); err != nil {
			return err
		}
	}
	if err := entries.Err(); err != nil {
		return fmt.Errorf("entries: %w", err)
	}
	if v.problem == "" {
		// Object rows for entries that no longer exist, or past the end.
		if stray, err := objs.rest(); err != nil {
			return err
		} else if stray >= 0 {
			v.fail(stray, "object index names entry %d, which is missing", stray)
		}
	}
	return nil
}

// tailMissing reports whether tree hashes exist beyond entry n-1 while entry
// n does not: the end of the log was deleted. Hashes are read before the
// entry so that a concurrent append cannot look like a deletion.
func (l *Log) tailMissing(ctx context.Context, n int64) (bool, error) {
	var hashes int
	if err := l.db.QueryRowContext(ctx, l.st.Rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM audit_hashes WHERE idx >= ? LIMIT 1) t`),
		tlog.StoredHashIndex(0, n)).Scan(&hashes); err != nil {
		return false, fmt.Errorf("hashes: %w", err)
	}
	if hashes == 0 {
		return false, nil
	}
	var entries int
	if err := l.db.QueryRowContext(ctx, l.st.Rebind(`SELECT COUNT(*) FROM audit_entries WHERE seq = ?`), n).Scan(&entries); err != nil {
		return false, fmt.Errorf("entries: %w", err)
	}
	return entries == 0, nil
}

// objectCursor reads audit_objects rows in (seq, object) order, one entry's
// worth at a time.
type objectCursor struct {
	rows   *sql.Rows
	peeked bool
	seq    int64
	object string
	done   bool
}

func (c *objectCursor) peek() error {
	if c.peeked || c.done {
		return nil
	}
	if !c.rows.Next() {
		c.done = true
		if err := c.rows.Err(); err != nil {
			return fmt.Errorf("objects: %w", err)
		}
		return nil
	}
	if err := c.rows.Scan(&c.seq, &c.object); err != nil {
		return fmt.Errorf("objects: %w", err)
	}
	c.peeked = true
	return nil
}

// take returns the objects indexed for entry seq; rows for earlier entries
// (which should not exist) are returned too, so that they show as a mismatch.
func (c *objectCursor) take(seq int64) ([]string, error) {
	var out []string
	for {
		if err := c.peek(); err != nil {
			return nil, err
		}
		if c.done || c.seq > seq {
			return out, nil
		}
		out = append(out, c.object)
		c.peeked = false
	}
}

// rest returns the seq of the first row not consumed, or -1.
func (c *objectCursor) rest() (int64, error) {
	if err := c.peek(); err != nil {
		return 0, err
	}
	if c.done {
		return -1, nil
	}
	return c.seq, nil
}

func missing(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d missing", from)
	}
	return fmt.Sprintf("entries %d to %d missing", from, to)
}
