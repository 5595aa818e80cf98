// Package audit is the portal's tamper-evident access log. Every entry is a
// leaf of an append-only Merkle tree (RFC 6962 hashing, in the stored-hash
// layout of golang.org/x/mod/sumdb/tlog) kept in the store's database;
// signed checkpoints (golang.org/x/mod/sumdb/note, ed25519) fix the tree's
// size and root at a time, so that Verify can name the first entry that was
// changed, removed or reordered. The package has no update or delete path.
//
// tlog and note are used rather than a hand-rolled tree because they are the
// Go checksum database's own, small, well-reviewed implementation, and the
// module already depends on golang.org/x/mod.
package audit

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// Log is an open audit log. Its methods are safe for concurrent use, and
// several processes may append to one PostgreSQL log.
type Log struct {
	st   *store.Store
	db   *sql.DB
	pg   bool
	now  func() time.Time
	sign note.Signer
	vkey string

	mu sync.Mutex // serializes appends within the process

	trustMu sync.RWMutex
	trusted []note.Verifier // the log's own key first

	failures atomic.Int64
}

// Open opens the audit log kept in st. keyPath holds the ed25519 key that
// signs checkpoints; it is created (mode 0600) when missing. Every node that
// appends to one PostgreSQL log must use the same key file.
func Open(ctx context.Context, st *store.Store, keyPath string) (*Log, error) {
	if st == nil {
		return nil, fmt.Errorf("audit: open: no store")
	}
	signer, vkey, err := loadOrCreateKey(keyPath)
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	l := &Log{st: st, db: st.DB(), pg: st.Dialect() == "postgres", now: time.Now,
		sign: signer, vkey: vkey, trusted: []note.Verifier{v}}
	// Fail at start rather than on the first request if the schema is missing.
	var n int64
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_checkpoints`).Scan(&n); err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	return l, nil
}

// PublicKey returns the note verifier key of the checkpoints, for auditors
// to keep somewhere the log's administrators cannot change.
func (l *Log) PublicKey() string { return l.vkey }

// TrustKey adds a verifier key whose checkpoints Verify accepts besides the
// log's own, such as the key used before a rotation.
func (l *Log) TrustKey(vkey string) error {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return portal.Errorf(portal.EINVALID, "audit: bad verifier key: %v", err)
	}
	l.trustMu.Lock()
	defer l.trustMu.Unlock()
	l.trusted = append(l.trusted, v)
	return nil
}

func (l *Log) verifiers() note.Verifiers {
	l.trustMu.RLock()
	defer l.trustMu.RUnlock()
	return note.VerifierList(l.trusted...)
}

// SetClock replaces the clock that stamps entries and checkpoints; tests use it.
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// Failures counts appends that could not be written since Open, for an
// alert metric: each one is an action that was refused.
func (l *Log) Failures() int64 { return l.failures.Load() }

// Append writes e to the log and returns it as stored: Seq is always the
// log's next position (any value passed is ignored), Time is set to now
// when zero and kept in UTC to the millisecond, Detail is cut to MaxDetail
// bytes. The entry is durable when Append returns nil. On any error nothing
// is written and the caller must refuse the action it describes.
func (l *Log) Append(ctx context.Context, e portal.AuditEntry) (portal.AuditEntry, error) {
	out, err := l.appendBatch(ctx, []portal.AuditEntry{e})
	if err != nil {
		return portal.AuditEntry{}, err
	}
	return out[0], nil
}

// appendBatch appends entries in one transaction, in order.
func (l *Log) appendBatch(ctx context.Context, entries []portal.AuditEntry) ([]portal.AuditEntry, error) {
	now := l.now()
	out := make([]portal.AuditEntry, len(entries))
	for i, e := range entries {
		n, err := normalize(e, now)
		if err != nil {
			l.failures.Add(1)
			return nil, err
		}
		out[i] = n
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.st.InTx(ctx, func(tx *sql.Tx) error {
		if l.pg {
			// Appenders on other nodes wait here; readers do not.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE audit_entries IN EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries`).Scan(&next); err != nil {
			return fmt.Errorf("size: %w", err)
		}
		w, err := l.newWriter(ctx, tx, len(out) > 1)
		if err != nil {
			return err
		}
		defer w.close()
		for i := range out {
			out[i].Seq = next + int64(i)
			if err := w.write(ctx, out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.failures.Add(1)
		return nil, fmt.Errorf("audit: append: %w", err)
	}
	return out, nil
}

// writer inserts entries, their objects and their stored hashes. Hashes it
// has written are kept so that a batch does not read them back. Statements
// are prepared only for batches: for one entry, preparing would cost
// PostgreSQL three more round trips than it saves.
type writer struct {
	l                     *Log
	ctx                   context.Context
	tx                    *sql.Tx
	entry, object, hashes stmt
	fresh                 map[int64]tlog.Hash
}

// stmt runs one statement, prepared or not.
type stmt struct {
	tx    *sql.Tx
	query string
	st    *sql.Stmt
}

func (s stmt) exec(ctx context.Context, args ...any) error {
	var err error
	if s.st != nil {
		_, err = s.st.ExecContext(ctx, args...)
	} else {
		_, err = s.tx.ExecContext(ctx, s.query, args...)
	}
	return err
}

func (l *Log) newWriter(ctx context.Context, tx *sql.Tx, prepare bool) (*writer, error) {
	w := &writer{l: l, ctx: ctx, tx: tx, fresh: map[int64]tlog.Hash{}}
	w.entry = stmt{tx: tx, query: l.st.Rebind(`INSERT INTO audit_entries
		(seq, at, actor, action, purpose, body, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)`)}
	w.object = stmt{tx: tx, query: l.st.Rebind(`INSERT INTO audit_objects (object, seq) VALUES (?, ?)`)}
	w.hashes = stmt{tx: tx, query: l.st.Rebind(`INSERT INTO audit_hashes (idx, hash) VALUES (?, ?)`)}
	if !prepare {
		return w, nil
	}
	for _, s := range []*stmt{&w.entry, &w.object, &w.hashes} {
		var err error
		if s.st, err = tx.PrepareContext(ctx, s.query); err != nil {
			w.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range []stmt{w.entry, w.object, w.hashes} {
		if s.st != nil {
			s.st.Close()
		}
	}
}

func (w *writer) write(ctx context.Context, e portal.AuditEntry) error {
	body, err := EncodeEntry(e)
	if err != nil {
		return err
	}
	leaf := tlog.RecordHash(body)
	hashes, err := tlog.StoredHashesForRecordHash(e.Seq, leaf, w)
	if err != nil {
		return fmt.Errorf("entry %d: tree: %w", e.Seq, err)
	}
	if err := w.entry.exec(ctx, e.Seq, e.Time.Format(columnTime), e.Actor, e.Action,
		e.Purpose, string(body), leaf[:]); err != nil {
		return fmt.Errorf("entry %d: %w", e.Seq, err)
	}
	for _, o := range objectSet(e.Objects) {
		if err := w.object.exec(ctx, o, e.Seq); err != nil {
			return fmt.Errorf("entry %d: object: %w", e.Seq, err)
		}
	}
	idx := tlog.StoredHashIndex(0, e.Seq)
	for i, h := range hashes {
		if err := w.hashes.exec(ctx, idx+int64(i), h[:]); err != nil {
			return fmt.Errorf("entry %d: hash %d: %w", e.Seq, idx+int64(i), err)
		}
		w.fresh[idx+int64(i)] = h
	}
	return nil
}

// ReadHashes implements tlog.HashReader over this transaction's writes and
// the stored hashes.
func (w *writer) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, x := range indexes {
		h, ok := w.fresh[x]
		if !ok {
			missing = append(missing, x)
			continue
		}
		out[i] = h
	}
	if len(missing) == 0 {
		return out, nil
	}
	stored, err := readHashes(w.ctx, w.tx, w.l.st.Rebind, missing)
	if err != nil {
		return nil, err
	}
	for i, x := range indexes {
		if h, ok := stored[x]; ok {
			out[i] = h
		}
	}
	return out, nil
}

// Size returns the number of entries in the log.
func (l *Log) Size(ctx context.Context) (int64, error) {
	var n int64
	if err := l.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries`).Scan(&n); err != nil {
		return 0, fmt.Errorf("audit: size: %w", err)
	}
	return n, nil
}
