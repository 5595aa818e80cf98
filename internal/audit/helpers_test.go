package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// backend is one database the suite runs against.
type backend struct {
	name string
	open func(t testing.TB) *store.Store
}

// backends returns SQLite always and PostgreSQL when PORTAL_TEST_POSTGRES_URL
// is set; each test gets a fresh SQLite file or a fresh PostgreSQL schema.
func backends() []backend {
	bs := []backend{{name: "sqlite", open: openSQLite}}
	if os.Getenv("PORTAL_TEST_POSTGRES_URL") != "" {
		bs = append(bs, backend{name: "postgres", open: openPostgres})
	}
	return bs
}

func forEachBackend(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open(t)) })
	}
}

func openSQLite(t testing.TB) *store.Store {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t testing.TB) *store.Store {
	base := os.Getenv("PORTAL_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("PORTAL_TEST_POSTGRES_URL not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "audit_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends it as a run-time parameter
	u.RawQuery = q.Encode()
	st, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	return st
}

func openLog(t testing.TB, st *store.Store) *Log {
	t.Helper()
	l, err := Open(context.Background(), st, filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// entry returns a plausible entry number i.
func entry(i int) portal.AuditEntry {
	actors := []string{"alice", "bob", "carol"}
	actions := []string{"report.view", "search", "series.create", "login"}
	return portal.AuditEntry{
		Actor:    actors[i%len(actors)],
		Role:     "investigator",
		Unit:     "SE-PPU",
		ClientIP: "10.0.0.7",
		Action:   actions[i%len(actions)],
		Objects:  []string{fmt.Sprintf("report:R%d", i%17), "series:4"},
		Outcome:  "ok",
		Purpose:  fmt.Sprintf("OP-%d", i%5),
		Detail:   fmt.Sprintf(`q="blue van" hits=%d`, i),
	}
}

func appendN(t testing.TB, l *Log, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		if _, err := l.Append(ctx, entry(i)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

// bulkAppend writes n entries in large transactions through the same writer
// as Append; for building big logs quickly.
func bulkAppend(t testing.TB, l *Log, n, batch int) {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	buf := make([]portal.AuditEntry, 0, batch)
	for i := 0; i < n; i++ {
		e := entry(i)
		e.Time = base.Add(time.Duration(i) * time.Second)
		buf = append(buf, e)
		if len(buf) == batch || i == n-1 {
			if _, err := l.appendBatch(ctx, buf); err != nil {
				t.Fatalf("bulk append at %d: %v", i, err)
			}
			buf = buf[:0]
		}
	}
}

// exec runs raw SQL as an attacker with database access would.
func exec(t testing.TB, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().Exec(st.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dropGuards removes the append-only triggers, the first step of tampering.
func dropGuards(t testing.TB, st *store.Store) {
	t.Helper()
	if st.Dialect() == "postgres" {
		for _, tbl := range []string{"audit_entries", "audit_objects", "audit_hashes", "audit_checkpoints"} {
			exec(t, st, `ALTER TABLE `+tbl+` DISABLE TRIGGER USER`)
		}
		return
	}
	for _, tbl := range []string{"audit_entries", "audit_objects", "audit_hashes", "audit_checkpoints"} {
		exec(t, st, `DROP TRIGGER `+tbl+`_no_update`)
		exec(t, st, `DROP TRIGGER `+tbl+`_no_delete`)
	}
}
