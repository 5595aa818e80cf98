package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/investigation-portal/portal/internal/portal"
)

// Query limits.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// Filter selects entries; zero fields do not filter.
type Filter struct {
	Actor   string
	Action  string
	Object  string // one of the entry's Objects, e.g. "report:R1"
	Purpose string
	From    time.Time // entries at or after From
	To      time.Time // entries before To
	// AfterSeq > 0 keeps entries with Seq > AfterSeq (entries appended since
	// one already seen); BeforeSeq > 0 keeps entries with Seq < BeforeSeq,
	// the cursor for the next, older page of a newest-first listing.
	AfterSeq  int64
	BeforeSeq int64
	Limit     int // DefaultLimit when 0, at most MaxLimit
}

// Query returns the entries that match f, newest (highest Seq) first. The
// entries are decoded from the hashed bodies, so they encode (EncodeEntry)
// to exactly the bytes of their leaves.
func (l *Log) Query(ctx context.Context, f Filter) ([]portal.AuditEntry, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Purpose != "" {
		add("purpose = ?", f.Purpose)
	}
	if f.Object != "" {
		add("seq IN (SELECT seq FROM audit_objects WHERE object = ?)", f.Object)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC().Format(columnTime))
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC().Format(columnTime))
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	limit := f.Limit
	switch {
	case limit < 0:
		return nil, portal.Errorf(portal.EINVALID, "negative limit %d", limit)
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	q := `SELECT seq, body FROM audit_entries`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, limit)
	rows, err := l.db.QueryContext(ctx, l.st.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: query: %w", err)
	}
	defer rows.Close()
	var out []portal.AuditEntry
	for rows.Next() {
		var (
			seq  int64
			body []byte
		)
		if err := rows.Scan(&seq, &body); err != nil {
			return nil, fmt.Errorf("audit: query: %w", err)
		}
		e, err := decodeEntry(body)
		if err != nil {
			return nil, fmt.Errorf("audit: query: entry %d: %w", seq, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: query: %w", err)
	}
	return out, nil
}

// Proof returns the inclusion proof of entry seq in the tree of the first
// size entries; with a checkpoint of that size and the entry's canonical
// body (EncodeEntry) anyone can check it with tlog.CheckRecord.
func (l *Log) Proof(ctx context.Context, seq, size int64) (tlog.RecordProof, error) {
	n, err := l.Size(ctx)
	if err != nil {
		return nil, err
	}
	if seq < 0 || size <= seq || size > n {
		return nil, portal.Errorf(portal.EINVALID, "no entry %d in a log of %d entries (the log has %d)", seq, size, n)
	}
	p, err := tlog.ProveRecord(size, seq, storedReader{ctx: ctx, q: l.db, rebind: l.st.Rebind})
	if err != nil {
		return nil, fmt.Errorf("audit: proof of %d in %d: %w", seq, size, err)
	}
	return p, nil
}

// TreeHash returns the root hash of the first size entries, from the stored
// hashes (Verify is what checks those against the entries).
func (l *Log) TreeHash(ctx context.Context, size int64) (tlog.Hash, error) {
	n, err := l.Size(ctx)
	if err != nil {
		return tlog.Hash{}, err
	}
	if size < 0 || size > n {
		return tlog.Hash{}, portal.Errorf(portal.EINVALID, "no tree of %d entries (the log has %d)", size, n)
	}
	h, err := tlog.TreeHash(size, storedReader{ctx: ctx, q: l.db, rebind: l.st.Rebind})
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("audit: tree hash at %d: %w", size, err)
	}
	return h, nil
}
