package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/linkage"
	"github.com/investigation-portal/portal/internal/portal"
)

// linkage returns the linkage service over the open store and index.
func (m *Main) linkage(ctx context.Context) (*linkage.Service, error) {
	if err := m.open(ctx); err != nil {
		return nil, err
	}
	if _, err := m.Indexer.CatchUp(ctx); err != nil {
		return nil, err
	}
	svc, err := linkage.NewService(m.Store, m.Index)
	if err != nil {
		return nil, err
	}
	return svc, svc.Sync(ctx)
}

// similarCmd is `portal similar [--limit N] ID...`: one NDJSON line per id;
// exit 1 when an id is unknown (the others are still printed).
func (m *Main) similarCmd(ctx context.Context, args []string) int {
	fs := m.flags("similar")
	limit := fs.Int("limit", 10, "similar reports per id")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(m.Stderr, "usage: portal similar [--limit N] ID...")
		return exitFatal
	}
	svc, err := m.linkage(ctx)
	if err != nil {
		return m.fail(err)
	}
	code := exitOK
	enc := json.NewEncoder(m.Stdout)
	for _, id := range fs.Args() {
		sim, err := svc.Similar(ctx, id, index.Viewer{All: true}, *limit)
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			if err := m.audit(ctx, "report.similar", []string{"report:" + id}, "not_found", ""); err != nil {
				return m.fail(err)
			}
			fmt.Fprintf(m.Stderr, "portal: report %s not found\n", id)
			code = exitPartial
			continue
		}
		if err != nil {
			return m.fail(err)
		}
		objs := []string{"report:" + id}
		for _, s := range sim.Similar {
			objs = append(objs, "report:"+s.ID)
		}
		if err := m.audit(ctx, "report.similar", objs, "ok", fmt.Sprintf("limit=%d", *limit)); err != nil {
			return m.fail(err)
		}
		if err := enc.Encode(sim); err != nil {
			return m.fail(err)
		}
	}
	return code
}

// seriesCmd is `portal series discover [--min-score F]`.
func (m *Main) seriesCmd(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "discover" {
		fmt.Fprintln(m.Stderr, "usage: portal series discover [--min-score F]")
		return exitFatal
	}
	fs := m.flags("series discover")
	minScore := fs.Float64("min-score", 0, "keep candidate series scoring at least this (0-1)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitFatal
	}
	svc, err := m.linkage(ctx)
	if err != nil {
		return m.fail(err)
	}
	ss, err := svc.Discover(ctx, *minScore, m.Actor)
	if err != nil {
		return m.fail(err)
	}
	type out struct {
		ID       int64           `json:"id"`
		Reports  []string        `json:"reports"`
		Score    float64         `json:"score"`
		Evidence []portal.Reason `json:"evidence"`
	}
	res := struct {
		Series []out `json:"series"`
	}{Series: []out{}}
	var objs []string
	for _, s := range ss {
		res.Series = append(res.Series, out{s.ID, s.ReportIDs, s.Score, s.Evidence})
		objs = append(objs, fmt.Sprintf("series:%d", s.ID))
	}
	if err := m.audit(ctx, "series.discover", objs, "ok", fmt.Sprintf("min_score=%g series=%d", *minScore, len(ss))); err != nil {
		return m.fail(err)
	}
	return m.printJSON(res)
}

// evalCmd is `portal eval`: similar-report and series-discovery metrics on a
// labelled corpus — the generator's (--reports, --seed) or, with --labels,
// the reports in the data directory scored against a force's labels
// (NDJSON lines {"id": ..., "series": ...}). --tune fits the weights on the
// corpus instead and writes them to --weights.
func (m *Main) evalCmd(ctx context.Context, args []string) int {
	fs := m.flags("eval")
	n := fs.Int("reports", 5000, "reports in the generated corpus")
	seed := fs.Uint64("seed", 2, "generator seed (the weights are tuned on seed 1)")
	labels := fs.String("labels", "", "labels NDJSON for the reports in --data")
	tune := fs.Bool("tune", false, "fit the weights on this corpus and write them")
	out := fs.String("weights", "configs/linkage_weights.yaml", "where --tune writes the weights")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	e, err := linkage.Load()
	if err != nil {
		return m.fail(err)
	}
	var reports []portal.Report
	var lab map[string]string
	if *labels != "" {
		if lab, err = readLabels(*labels); err != nil {
			return m.fail(err)
		}
		if err := m.open(ctx); err != nil {
			return m.fail(err)
		}
		if err := m.Store.EachReport(ctx, func(r portal.Report) error { reports = append(reports, r); return nil }); err != nil {
			return m.fail(err)
		}
		if err := m.audit(ctx, "linkage.eval", nil, "ok", fmt.Sprintf("labels=%s reports=%d", *labels, len(reports))); err != nil {
			return m.fail(err)
		}
	} else {
		c, err := corpus.New(corpus.Options{Seed: *seed, Reports: *n})
		if err != nil {
			return m.fail(err)
		}
		reports, lab = c.Reports, c.Labels
	}
	dir, err := os.MkdirTemp("", "portal-eval-")
	if err != nil {
		return m.fail(err)
	}
	defer os.RemoveAll(dir)
	wb, err := linkage.NewWorkbench(ctx, e, filepath.Join(dir, "index"), reports, lab)
	if err != nil {
		return m.fail(err)
	}
	defer wb.Close()
	if *tune {
		logf := func(f string, a ...any) { fmt.Fprintf(m.Stderr, f+"\n", a...) }
		if err := wb.Tune(ctx, logf); err != nil {
			return m.fail(err)
		}
		e.Weights.Tuned = fmt.Sprintf("portal eval --tune --reports %d --seed %d", *n, *seed)
		if *labels != "" {
			e.Weights.Tuned = "portal eval --tune --labels " + *labels
		}
		if err := e.Weights.Save(*out); err != nil {
			return m.fail(err)
		}
		fmt.Fprintf(m.Stderr, "weights written to %s\n", *out)
	}
	met, err := wb.Evaluate(ctx)
	if err != nil {
		return m.fail(err)
	}
	return m.printJSON(met)
}

func readLabels(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l struct {
			ID     string `json:"id"`
			Series string `json:"series"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.ID == "" {
			return nil, fmt.Errorf("%s:%d: want {\"id\", \"series\"}", path, line)
		}
		if l.Series != "" {
			out[l.ID] = l.Series
		}
	}
	return out, sc.Err()
}
