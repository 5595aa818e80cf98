package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readHashes reads the stored hashes at indexes; a missing one is an error.
func readHashes(ctx context.Context, q queryer, rebind func(string) string, indexes []int64) (map[int64]tlog.Hash, error) {
	out := make(map[int64]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	query := `SELECT idx, hash FROM audit_hashes WHERE idx IN (?` + strings.Repeat(`, ?`, len(indexes)-1) + `)`
	rows, err := q.QueryContext(ctx, rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			x int64
			b []byte
		)
		if err := rows.Scan(&x, &b); err != nil {
			return nil, fmt.Errorf("read hashes: %w", err)
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d has %d bytes", x, len(b))
		}
		var h tlog.Hash
		copy(h[:], b)
		out[x] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	for _, x := range indexes {
		if _, ok := out[x]; !ok {
			return nil, fmt.Errorf("stored hash %d missing", x)
		}
	}
	return out, nil
}

// storedReader is a tlog.HashReader over the stored hashes.
type storedReader struct {
	ctx    context.Context
	q      queryer
	rebind func(string) string
}

func (r storedReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	m, err := readHashes(r.ctx, r.q, r.rebind, indexes)
	if err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m[x]
	}
	return out, nil
}

// frontier is a tlog.HashReader over hashes computed afresh while streaming
// the log: for each level it keeps the newest complete subtree, which is
// all that tlog.StoredHashes and tlog.TreeHash read at the log's right
// edge. Memory is O(log n).
type frontier struct {
	idx  []int64
	hash []tlog.Hash
}

// add records the hashes tlog.StoredHashes returned for leaf n: hashes[i] is
// the level-i node that leaf n completed.
func (f *frontier) add(n int64, hashes []tlog.Hash) {
	for i, h := range hashes {
		for len(f.idx) <= i {
			f.idx = append(f.idx, -1)
			f.hash = append(f.hash, tlog.Hash{})
		}
		f.idx[i] = tlog.StoredHashIndex(i, n>>uint(i))
		f.hash[i] = h
	}
}

func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		level, _ := tlog.SplitStoredHashIndex(x)
		if level >= len(f.idx) || f.idx[level] != x {
			return nil, fmt.Errorf("hash %d is not at the edge of the tree", x)
		}
		out[i] = f.hash[level]
	}
	return out, nil
}
