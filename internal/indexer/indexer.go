// Package indexer keeps the search index following the store: it replays
// the store's ordered change log (the outbox) into the index in batches,
// rebuilds the index from scratch, and checks at start-up that index and
// store agree report by report.
package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// BatchSize is how many changes go into one index batch.
const BatchSize = 1000

// Indexer moves changes from a store into an index.
type Indexer struct {
	Store *store.Store
	Index *index.Index
	Log   *slog.Logger

	mu sync.Mutex // one catch-up at a time
}

// New returns an indexer for st and ix.
func New(st *store.Store, ix *index.Index, log *slog.Logger) *Indexer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Indexer{Store: st, Index: ix, Log: log}
}

// CatchUp applies every change the index has not seen yet and returns how
// many reports it indexed.
func (x *Indexer) CatchUp(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	seq, err := x.Index.Seq()
	if err != nil {
		return 0, err
	}
	total, synced := 0, true
	for {
		changes, err := x.Store.ChangesAfter(ctx, seq, BatchSize)
		if err != nil {
			return total, err
		}
		if len(changes) == 0 {
			if !synced { // the last batch was full-sized, so nobody waited for the disk yet
				return total, x.Index.Apply(ctx, nil, nil, seq, true)
			}
			return total, nil
		}
		ids := make([]string, 0, len(changes))
		seen := make(map[string]bool, len(changes))
		for _, c := range changes {
			if !seen[c.ReportID] {
				seen[c.ReportID] = true
				ids = append(ids, c.ReportID)
			}
		}
		// Only the last batch of a catch-up waits for the disk: the ones
		// before it are persisted with it, several batches to a segment.
		last := len(changes) < BatchSize
		n, err := x.apply(ctx, ids, changes[len(changes)-1].Seq, last)
		if err != nil {
			return total, err
		}
		total += n
		seq, synced = changes[len(changes)-1].Seq, last
	}
}

// apply indexes the current version of each id (removing ids the store no
// longer has) and records seq.
func (x *Indexer) apply(ctx context.Context, ids []string, seq int64, durable bool) (int, error) {
	reports, err := x.Store.Reports(ctx, ids)
	if err != nil {
		return 0, err
	}
	batch := make([]portal.Report, 0, len(reports))
	var gone []string
	for _, id := range ids {
		if r, ok := reports[id]; ok {
			batch = append(batch, r)
		} else {
			gone = append(gone, id)
		}
	}
	if err := x.Index.Apply(ctx, batch, gone, seq, durable); err != nil {
		return 0, err
	}
	return len(batch), nil
}

// Rebuild indexes every report of the store into the (fresh) index and
// sets its position to the store's last change.
func (x *Indexer) Rebuild(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	// Read the position first: a change made while we copy is replayed by
	// the next catch-up, which is harmless because indexing is idempotent.
	seq, err := x.Store.LastChange(ctx)
	if err != nil {
		return 0, err
	}
	indexed := 0
	var batch []portal.Report
	flush := func(durable bool) error {
		if err := x.Index.Apply(ctx, batch, nil, seq, durable); err != nil {
			return err
		}
		indexed += len(batch)
		batch = batch[:0]
		return nil
	}
	err = x.Store.EachReport(ctx, func(r portal.Report) error {
		batch = append(batch, r)
		if len(batch) == BatchSize {
			return flush(false)
		}
		return nil
	})
	if err != nil {
		return indexed, fmt.Errorf("indexer: rebuild: %w", err)
	}
	if err := flush(true); err != nil {
		return indexed, fmt.Errorf("indexer: rebuild: %w", err)
	}
	// A bulk load leaves hundreds of small segments (424 at 1,000,000
	// reports) that every search pays for until they are merged; merge
	// them now (2 minutes at 1M; searches keep running meanwhile).
	if err := x.Index.Compact(ctx); err != nil {
		return indexed, fmt.Errorf("indexer: rebuild: %w", err)
	}
	return indexed, nil
}

// Repair is what Reconcile found and fixed.
type Repair struct {
	Stored, Indexed      int // counts before the repair
	Missing, Stale, Gone int // reindexed because absent or older; removed because not stored
}

func (r Repair) String() string {
	return fmt.Sprintf("store %d, index %d: %d missing, %d stale, %d removed",
		r.Stored, r.Indexed, r.Missing, r.Stale, r.Gone)
}

// Reconcile catches up with the change log, then compares every report's
// version in the store with the index and repairs any difference, so that
// an index restored from an old backup or damaged by hand heals itself.
func (x *Indexer) Reconcile(ctx context.Context) (Repair, error) {
	var rep Repair
	if _, err := x.CatchUp(ctx); err != nil {
		return rep, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	stored, err := x.Store.ReportVersions(ctx)
	if err != nil {
		return rep, err
	}
	indexed, err := x.Index.Versions(ctx)
	if err != nil {
		return rep, err
	}
	rep.Stored, rep.Indexed = len(stored), len(indexed)
	var redo, gone []string
	for id, v := range stored {
		iv, ok := indexed[id]
		switch {
		case !ok:
			rep.Missing++
			redo = append(redo, id)
		case iv != v:
			rep.Stale++
			redo = append(redo, id)
		}
	}
	for id := range indexed {
		if _, ok := stored[id]; !ok {
			rep.Gone++
			gone = append(gone, id)
		}
	}
	if len(redo) == 0 && len(gone) == 0 {
		return rep, nil
	}
	seq, err := x.Index.Seq()
	if err != nil {
		return rep, err
	}
	for start := 0; start < len(redo); start += BatchSize {
		if _, err := x.apply(ctx, redo[start:min(start+BatchSize, len(redo))], seq, start+BatchSize >= len(redo) && len(gone) == 0); err != nil {
			return rep, fmt.Errorf("indexer: reconcile: %w", err)
		}
	}
	if len(gone) > 0 {
		if err := x.Index.Apply(ctx, nil, gone, seq, true); err != nil {
			return rep, fmt.Errorf("indexer: reconcile: %w", err)
		}
	}
	x.Log.Warn("index repaired to match the store", "repair", rep.String())
	return rep, nil
}
