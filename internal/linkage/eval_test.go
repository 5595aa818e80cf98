package linkage

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/corpus"
)

func workbench(t testing.TB, seed uint64, n int) *Workbench {
	t.Helper()
	e := testEngine(t)
	c, err := corpus.New(corpus.Options{Seed: seed, Reports: n})
	if err != nil {
		t.Fatal(err)
	}
	wb, err := NewWorkbench(context.Background(), e, t.TempDir()+"/index", c.Reports, c.Labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wb.Close() })
	return wb
}

// TestTuneAndEvaluate is the development loop: PORTAL_LINKAGE_DEV=N tunes
// on seed 1 and evaluates on seed 2, N reports each.
func TestTuneAndEvaluate(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PORTAL_LINKAGE_DEV"))
	if n == 0 {
		t.Skip("set PORTAL_LINKAGE_DEV=N")
	}
	ctx := context.Background()
	tr := workbench(t, 1, n)
	if err := tr.Tune(ctx, t.Logf); err != nil {
		t.Fatal(err)
	}
	t.Logf("weights %v bias %v", tr.Engine.Weights.Weights, tr.Engine.Weights.Bias)
	m, err := tr.Evaluate(ctx)
	t.Logf("seed 1 (tuning): %+v %v", m, err)
	te := workbench(t, 2, n)
	te.Engine.Weights = tr.Engine.Weights
	m, err = te.Evaluate(ctx)
	t.Logf("seed 2 (held out): %+v %v", m, err)
}

func TestCandidateSettings(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PORTAL_LINKAGE_CAND"))
	if n == 0 {
		t.Skip("set PORTAL_LINKAGE_CAND=N")
	}
	ctx := context.Background()
	wb := workbench(t, 2, n)
	for _, c := range []candidateWeights{
		{Terms: 40, RadiusKm: 6, WindowDays: 270, GeoBoost: 300, TimeBoost: 300},
		{Terms: 40, RadiusKm: 3, WindowDays: 270, GeoBoost: 300, TimeBoost: 300},
		{Terms: 40, RadiusKm: 0, WindowDays: 270, GeoBoost: 300, TimeBoost: 300},
		{Terms: 30, RadiusKm: 0, WindowDays: 180, GeoBoost: 100, TimeBoost: 300},
	} {
		c.PerReport = 100
		wb.Engine.Weights.Candidates = c
		found, total := 0, 0
		start := time.Now()
		for _, r := range wb.Reports {
			l, ok := wb.Labels[r.ID]
			if !ok {
				continue
			}
			cs, _ := wb.Engine.Candidates(ctx, wb.Index.Bleve(), wb.Engine.Profile(r.ID), index.Viewer{All: true}, 100)
			for _, id := range cs {
				if wb.Labels[id] == l {
					found++
				}
			}
			for _, r2 := range wb.Reports {
				if r2.ID != r.ID && wb.Labels[r2.ID] == l {
					total++
				}
			}
		}
		t.Logf("%+v recall %.4f in %v", c, float64(found)/float64(total), time.Since(start))
	}
}
