package audit

// TEMPORARY until the audit branch merges.

import (
	"context"
	"sync"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

type Log struct {
	mu      sync.Mutex
	Entries []portal.AuditEntry
}

type Report struct{ Intact bool }

func (r Report) String() string { return "placeholder" }

type Checkpoint struct{}

func Open(ctx context.Context, st *store.Store, keyPath string) (*Log, error) { return &Log{}, nil }
func (l *Log) Append(ctx context.Context, e portal.AuditEntry) (portal.AuditEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = int64(len(l.Entries))
	e.Time = time.Now()
	l.Entries = append(l.Entries, e)
	return e, nil
}
func (l *Log) Verify(ctx context.Context) (Report, error)         { return Report{true}, nil }
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) { return Checkpoint{}, nil }
