// Package storetest opens real stores for tests: a SQLite file in a temp
// directory, and a PostgreSQL schema of its own when
// PORTAL_TEST_POSTGRES_URL is set (CI always sets it).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/store"
)

// PostgresURL returns the test database URL, or "" when PostgreSQL tests
// should be skipped.
func PostgresURL() string { return os.Getenv("PORTAL_TEST_POSTGRES_URL") }

// SQLite opens a store in a fresh SQLite file, closed when the test ends.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var schemaSeq atomic.Int64

// Postgres opens a store in a new PostgreSQL schema, dropped when the test
// ends. It skips the test when PostgreSQL is not configured.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	dsn := PostgresDSN(t)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// PostgresDSN creates a fresh schema and returns a URL whose connections
// use it; the schema is dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("PORTAL_TEST_POSTGRES_URL not set")
	}
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a subtest against every store that can run here.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// Exec runs raw SQL written with ? placeholders, for tests that tamper.
func Exec(t testing.TB, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().Exec(st.Rebind(q), args...); err != nil {
		t.Fatalf("exec %s: %v", strings.TrimSpace(q), err)
	}
}
