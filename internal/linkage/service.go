package linkage

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// Service keeps an engine current with the store (following the same
// change log as the index) and stores what discovery proposes.
type Service struct {
	Engine *Engine
	Store  *store.Store
	Index  *index.Index

	mu     sync.Mutex
	seq    int64
	loaded bool

	runMu sync.Mutex
	run   DiscoveryRun
}

// NewService returns a service over the store and index with the default
// lexicon and weights (configs/).
func NewService(st *store.Store, ix *index.Index) (*Service, error) {
	e, err := Load()
	if err != nil {
		return nil, err
	}
	return &Service{Engine: e, Store: st, Index: ix}, nil
}

// Sync brings the engine up to date: every report on the first call, then
// the reports changed since. Reports that are new to an already loaded
// engine are checked against stored series (LinkNew).
func (s *Service) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, err := s.Store.LastChange(ctx)
	if err != nil {
		return err
	}
	if !s.loaded {
		var batch []portal.Report
		err := s.Store.EachReport(ctx, func(r portal.Report) error {
			batch = append(batch, r)
			if len(batch) == 5000 {
				s.Engine.AddParallel(batch)
				batch = nil
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("linkage: load reports: %w", err)
		}
		s.Engine.AddParallel(batch)
		s.loaded, s.seq = true, last
		return nil
	}
	for s.seq < last {
		chs, err := s.Store.ChangesAfter(ctx, s.seq, 1000)
		if err != nil {
			return err
		}
		if len(chs) == 0 {
			break
		}
		ids := make([]string, 0, len(chs))
		var fresh []string
		for _, c := range chs {
			ids = append(ids, c.ReportID)
			if s.Engine.Profile(c.ReportID) == nil {
				fresh = append(fresh, c.ReportID)
			}
		}
		reps, err := s.Store.Reports(ctx, ids)
		if err != nil {
			return err
		}
		var add []portal.Report
		for _, id := range ids {
			if r, ok := reps[id]; ok {
				add = append(add, r)
			} else {
				s.Engine.Remove(id)
			}
		}
		s.Engine.AddParallel(add)
		s.seq = chs[len(chs)-1].Seq
		if err := s.linkNew(ctx, fresh); err != nil {
			return err
		}
	}
	return nil
}

// linkNew flags new reports on the proposed, draft and adopted series they
// fit: their mean score with the series' members reaches Cluster.Link.
func (s *Service) linkNew(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	all, err := s.Store.ListSeries(ctx, "")
	if err != nil {
		return err
	}
	for _, se := range all {
		if se.Status == portal.SeriesRejected || len(se.ReportIDs) == 0 {
			continue
		}
		for _, id := range ids {
			if containsStr(se.ReportIDs, id) {
				continue
			}
			sum, n := 0.0, 0
			for _, m := range se.ReportIDs {
				if sc, ok := s.Engine.ScoreIDs(id, m); ok {
					sum += sc
					n++
				}
			}
			if n > 0 && sum/float64(n) >= s.Engine.Weights.Cluster.Link {
				if err := s.Store.FlagSeriesReport(ctx, se.ID, id); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Similar syncs and ranks the reports most like id for the viewer.
func (s *Service) Similar(ctx context.Context, id string, v index.Viewer, limit int) (*Similar, error) {
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	return s.Engine.Similar(ctx, s.bleve(), id, v, limit)
}

// Discover clusters the corpus and stores each candidate series as a
// proposed series created by `by`. Earlier proposals nobody took up are
// replaced: a proposed series is the linkage's, a draft a person's.
func (s *Service) Discover(ctx context.Context, minScore float64, by string) ([]portal.Series, error) {
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	cs, err := s.Engine.Discover(ctx, s.bleve(), minScore)
	if err != nil {
		return nil, err
	}
	old, err := s.Store.ListSeries(ctx, portal.SeriesProposed)
	if err != nil {
		return nil, err
	}
	for _, o := range old {
		o.Status = portal.SeriesRejected
		o.Decision = "superseded by a later discovery run"
		if _, err := s.Store.UpdateSeries(ctx, o, ""); err != nil {
			return nil, err
		}
	}
	out := make([]portal.Series, 0, len(cs))
	for i, c := range cs {
		se, err := s.Store.CreateSeries(ctx, portal.Series{
			Title:     fmt.Sprintf("Candidate series %d (%d reports)", i+1, len(c.Reports)),
			Rationale: "proposed by series discovery",
			Status:    portal.SeriesProposed, ReportIDs: c.Reports, Score: c.Score, Evidence: c.Evidence,
			CreatedBy: by,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, nil
}

// Group syncs and groups a list of reports (search hits) into candidate
// series.
func (s *Service) Group(ctx context.Context, ids []string) ([]Cluster, error) {
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	return s.Engine.Group(ids), nil
}

// bleve is the index's Bleve handle, nil without an index (the blocking
// candidates do not need one).
func (s *Service) bleve() Searcher {
	if s.Index == nil {
		return nil
	}
	return s.Index.Bleve()
}

// Ready says whether the engine has loaded every report (Sync has run once).
func (s *Service) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded
}

// Warm loads every report and builds the candidate lists, so that the
// first similar-reports request does not pay for it (serve calls it in
// the background at start-up).
func (s *Service) Warm(ctx context.Context) error {
	if err := s.Sync(ctx); err != nil {
		return err
	}
	s.Engine.ensureBlocks()
	return nil
}

// DiscoveryRun is the state of the background discovery: one at a time.
type DiscoveryRun struct {
	Running  bool
	By       string
	MinScore float64
	Started  time.Time
	Finished time.Time // zero while running or before the first run
	Series   int       // proposed series stored by the last finished run
	Err      string    // why the last run failed
}

// StartDiscover runs Discover in the background unless a run is already
// going; it returns the run's state and whether this call started it.
func (s *Service) StartDiscover(minScore float64, by string, timeout time.Duration) (DiscoveryRun, bool) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.run.Running {
		return s.run, false
	}
	s.run = DiscoveryRun{Running: true, By: by, MinScore: minScore, Started: time.Now()}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		var out []portal.Series
		err := func() (err error) {
			// A panic here would take the whole server down with it.
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("linkage: discovery failed: %v", r)
				}
			}()
			out, err = s.Discover(ctx, minScore, by)
			return err
		}()
		s.runMu.Lock()
		defer s.runMu.Unlock()
		s.run.Running, s.run.Finished, s.run.Series = false, time.Now(), len(out)
		if err != nil {
			s.run.Err = err.Error()
		}
	}()
	return s.run, true
}

// Discovery is the state of the current or last background discovery.
func (s *Service) Discovery() DiscoveryRun {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.run
}
