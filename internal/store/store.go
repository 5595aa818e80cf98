// Package store is the portal's system of record: reports with their change
// log (the outbox the search index follows), users, series and the audit log.
// One implementation serves SQLite (the embedded default, a pure-Go driver)
// and PostgreSQL (for a force that runs several nodes); the few differences
// live in dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Store is an open store. Its methods are safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
	now     func() time.Time
}

// Open opens the store named by dsn and brings its schema up to date. A dsn
// starting with postgres:// or postgresql:// opens PostgreSQL; anything else
// is the path of a SQLite file, created if missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		d = postgres
		db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(16)
	} else {
		d = sqlite
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create %s: %w", dir, err)
			}
		}
		// WAL lets readers run beside the one writer; synchronous=FULL makes
		// a committed transaction survive a power cut; IMMEDIATE transactions
		// take the write lock up front instead of failing half way.
		q := "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)" +
			"&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err = sql.Open("sqlite", "file:"+dsn+q)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite %s: %w", dsn, err)
		}
		db.SetMaxOpenConns(8)
	}
	s := &Store{db: db, dialect: d, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect.name)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(s.dialect.goose, s.db, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the connection pool for packages that own tables of their own
// (the audit log) and for tests.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect names the database behind the store: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Rebind rewrites a query written with ? placeholders for this store's database.
func (s *Store) Rebind(q string) string { return s.dialect.rebind(q) }

// SetClock replaces the store's clock; tests use it.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// InTx runs fn in a transaction and commits it, or rolls back on error.
// On SQLite the transaction begins IMMEDIATE, holding the write lock from
// the start, so writers from other processes wait rather than fail midway.
// Packages that own tables of their own (the audit log) use it too.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Setting returns a named value from the settings table, or "" when unset.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, s.Rebind(`SELECT value FROM settings WHERE name = ?`), name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", name, err)
	}
	return v, nil
}

// PutSetting stores a named value.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	_, err := s.db.ExecContext(ctx, s.Rebind(
		`INSERT INTO settings (name, value) VALUES (?, ?)
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value`), name, value)
	if err != nil {
		return fmt.Errorf("store: put setting %s: %w", name, err)
	}
	return nil
}

// Time format of every stored time: fixed width so strings sort as times.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func formatTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// querier is what queryAll reads through: the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// queryAll runs q (written with ? placeholders) and scans every row with
// scan. The caller wraps the error with what it was reading.
func queryAll[T any](ctx context.Context, s *Store, db querier, q string, scan func(rowScanner) (T, error), args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, s.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanString(row rowScanner) (string, error) {
	var v string
	err := row.Scan(&v)
	return v, err
}
