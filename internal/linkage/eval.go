package linkage

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

// Workbench is a labelled corpus loaded into an index and an engine, for
// evaluation, tuning and benchmarks.
type Workbench struct {
	Engine  *Engine
	Index   *index.Index
	Reports []portal.Report
	Labels  map[string]string // report id -> series label (members only)
}

// NewWorkbench indexes reports into a fresh index at dir and profiles them.
func NewWorkbench(ctx context.Context, e *Engine, dir string, reports []portal.Report, labels map[string]string) (*Workbench, error) {
	ix, err := index.Open(dir)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(reports); i += 2000 {
		end := min(i+2000, len(reports))
		batch := make([]portal.Report, end-i)
		copy(batch, reports[i:end])
		for k := range batch {
			if batch[k].Version == 0 {
				batch[k].Version = 1
			}
		}
		if err := ix.Apply(ctx, batch, nil, int64(end), end == len(reports)); err != nil {
			ix.Close()
			return nil, err
		}
	}
	e.AddParallel(reports)
	return &Workbench{Engine: e, Index: ix, Reports: reports, Labels: labels}, nil
}

// AddParallel profiles reports on all cores and adds them.
func (e *Engine) AddParallel(reports []portal.Report) {
	ps := make([]*Profile, len(reports))
	var wg sync.WaitGroup
	n := max(1, runtime.GOMAXPROCS(0))
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(reports); i += n {
				ps[i] = e.Analyze(&reports[i])
			}
		}()
	}
	wg.Wait()
	e.AddProfiles(ps...)
}

// Close closes the workbench's index.
func (wb *Workbench) Close() error { return wb.Index.Close() }

// Metrics are the linkage's scores against labelled data.
type Metrics struct {
	Reports   int     `json:"reports"`
	Series    int     `json:"series"`
	Queries   int     `json:"queries"` // series members used as similar-report queries
	MAP10     float64 `json:"map_at_10"`
	Recall10  float64 `json:"recall_at_10"`
	PairP     float64 `json:"pairwise_precision"`
	PairR     float64 `json:"pairwise_recall"`
	PairF1    float64 `json:"pairwise_f1"`
	BCubedP   float64 `json:"bcubed_precision"`
	BCubedR   float64 `json:"bcubed_recall"`
	BCubedF1  float64 `json:"bcubed_f1"`
	Clusters  int     `json:"clusters"`
	CandRecal float64 `json:"candidate_recall"` // labelled pairs found among candidates
	SimilarMS float64 `json:"similar_ms_p95"`
	Discover  float64 `json:"discover_seconds"`
}

// Evaluate runs similar reports for every series member and discovery over
// the corpus, and scores both against the labels.
func (wb *Workbench) Evaluate(ctx context.Context) (Metrics, error) {
	m := Metrics{Reports: len(wb.Reports)}
	series := map[string][]string{}
	for _, r := range wb.Reports {
		if l, ok := wb.Labels[r.ID]; ok {
			series[l] = append(series[l], r.ID)
		}
	}
	m.Series = len(series)
	var lat []time.Duration
	var sumAP, sumR float64
	found, total := 0, 0
	for _, r := range wb.Reports {
		l, ok := wb.Labels[r.ID]
		if !ok || len(series[l]) < 2 {
			continue
		}
		start := time.Now()
		sim, err := wb.Engine.Similar(ctx, wb.Index.Bleve(), r.ID, index.Viewer{All: true}, 10)
		if err != nil {
			return m, err
		}
		lat = append(lat, time.Since(start))
		rel := len(series[l]) - 1
		hits, ap := 0, 0.0
		for i, s := range sim.Similar {
			if wb.Labels[s.ID] == l {
				hits++
				ap += float64(hits) / float64(i+1)
			}
		}
		sumAP += ap / float64(min(rel, 10))
		sumR += float64(hits) / float64(rel)
		m.Queries++
		// Candidate recall: the labelled partners the index proposed.
		cs, err := wb.Engine.Candidates(ctx, wb.Index.Bleve(), wb.Engine.Profile(r.ID), index.Viewer{All: true}, wb.Engine.Weights.Candidates.PerReport)
		if err != nil {
			return m, err
		}
		for _, c := range cs {
			if wb.Labels[c] == l {
				found++
			}
		}
		total += rel
	}
	if m.Queries > 0 {
		m.MAP10 = round(sumAP/float64(m.Queries), 4)
		m.Recall10 = round(sumR/float64(m.Queries), 4)
		m.CandRecal = round(float64(found)/float64(total), 4)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		m.SimilarMS = round(float64(lat[len(lat)*95/100].Microseconds())/1000, 2)
	}
	start := time.Now()
	cs, err := wb.Engine.Discover(ctx, wb.Index.Bleve(), 0)
	if err != nil {
		return m, err
	}
	m.Discover = round(time.Since(start).Seconds(), 2)
	m.Clusters = len(cs)
	pred := map[string]int{}
	for i, c := range cs {
		for _, id := range c.Reports {
			pred[id] = i + 1
		}
	}
	m.PairP, m.PairR, m.PairF1 = pairwise(wb.Reports, wb.Labels, pred)
	m.BCubedP, m.BCubedR, m.BCubedF1 = bcubed(wb.Reports, wb.Labels, pred)
	return m, nil
}

// pairwise scores predicted clusters (0: alone) against true series over
// all pairs of reports placed together.
func pairwise(reports []portal.Report, labels map[string]string, pred map[string]int) (p, r, f float64) {
	truth := map[string][]string{}
	for _, rep := range reports {
		if l, ok := labels[rep.ID]; ok {
			truth[l] = append(truth[l], rep.ID)
		}
	}
	byPred := map[int][]string{}
	for id, c := range pred {
		byPred[c] = append(byPred[c], id)
	}
	tp, predPairs, truePairs := 0, 0, 0
	for _, ids := range byPred {
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				predPairs++
				if l, ok := labels[ids[i]]; ok && labels[ids[j]] == l {
					tp++
				}
			}
		}
	}
	for _, ids := range truth {
		truePairs += len(ids) * (len(ids) - 1) / 2
	}
	return prf(tp, predPairs, truePairs)
}

func prf(tp, predicted, actual int) (p, r, f float64) {
	if predicted > 0 {
		p = float64(tp) / float64(predicted)
	}
	if actual > 0 {
		r = float64(tp) / float64(actual)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return round(p, 4), round(r, 4), round(f, 4)
}

// bcubed is the B-cubed precision, recall and F1 over every report, one-offs
// being clusters of their own in the truth.
func bcubed(reports []portal.Report, labels map[string]string, pred map[string]int) (p, r, f float64) {
	tcl := func(id string) string {
		if l, ok := labels[id]; ok {
			return l
		}
		return "#" + id
	}
	pcl := func(id string) string {
		if c, ok := pred[id]; ok {
			return fmt.Sprint(c)
		}
		return "#" + id
	}
	tsize, psize, both := map[string]int{}, map[string]int{}, map[[2]string]int{}
	for _, rep := range reports {
		tsize[tcl(rep.ID)]++
		psize[pcl(rep.ID)]++
		both[[2]string{tcl(rep.ID), pcl(rep.ID)}]++
	}
	for _, rep := range reports {
		k := both[[2]string{tcl(rep.ID), pcl(rep.ID)}]
		p += float64(k) / float64(psize[pcl(rep.ID)])
		r += float64(k) / float64(tsize[tcl(rep.ID)])
	}
	n := float64(len(reports))
	p, r = p/n, r/n
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return round(p, 4), round(r, 4), round(f, 4)
}

// Tune fits the score's weights by logistic regression on the candidate
// pairs of a labelled corpus (same series or not), then picks the
// clustering thresholds that maximise pairwise F1. It changes
// wb.Engine.Weights in place.
func (wb *Workbench) Tune(ctx context.Context, logf func(string, ...any)) error {
	e := wb.Engine
	var xs [][]float64
	var ys []float64
	for _, r := range wb.Reports {
		p := e.Profile(r.ID)
		cs, err := e.Candidates(ctx, wb.Index.Bleve(), p, index.Viewer{All: true}, e.Weights.Candidates.PerReport)
		if err != nil {
			return err
		}
		e.mu.RLock()
		for _, c := range cs {
			q := e.profiles[c]
			if q == nil {
				continue
			}
			xs = append(xs, e.signals(p, q).x)
			y := 0.0
			if l, ok := wb.Labels[r.ID]; ok && wb.Labels[c] == l {
				y = 1
			}
			ys = append(ys, y)
		}
		e.mu.RUnlock()
	}
	pos := 0
	for _, y := range ys {
		pos += int(y)
	}
	logf("tuning on %d candidate pairs, %d linked", len(ys), pos)
	w, b := fitLogistic(xs, ys, 0.001, 400)
	e.Weights.setVector(w, round(b, 4))
	best, bestF := [2]float64{}, -1.0
	edges, err := e.CandidateEdges(ctx, wb.Index.Bleve(), e.IDs(), 0.1)
	if err != nil {
		return err
	}
	for _, edge := range []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8} {
		for _, link := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
			e.Weights.Cluster.Edge, e.Weights.Cluster.Link = edge, link
			cs := e.Cluster(edges)
			pred := map[string]int{}
			for i, c := range cs {
				for _, id := range c.Reports {
					pred[id] = i + 1
				}
			}
			_, _, f := pairwise(wb.Reports, wb.Labels, pred)
			if f > bestF {
				best, bestF = [2]float64{edge, link}, f
			}
		}
	}
	e.Weights.Cluster.Edge, e.Weights.Cluster.Link = best[0], best[1]
	logf("clustering: edge %.2f, link %.2f, pairwise F1 %.4f on the tuning corpus", best[0], best[1], bestF)
	return nil
}

// fitLogistic fits weights by full-batch gradient descent (Adam) with L2
// regularisation lambda, features standardised while fitting.
func fitLogistic(xs [][]float64, ys []float64, lambda float64, iters int) ([]float64, float64) {
	d := len(xs[0])
	mean, sd := make([]float64, d), make([]float64, d)
	for _, x := range xs {
		for j, v := range x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(xs))
	}
	for _, x := range xs {
		for j, v := range x {
			sd[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(len(xs)))
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	w := make([]float64, d+1) // last: bias
	m1, m2 := make([]float64, d+1), make([]float64, d+1)
	const lr, b1, b2 = 0.05, 0.9, 0.999
	g := make([]float64, d+1)
	for it := 1; it <= iters; it++ {
		clear(g)
		for i, x := range xs {
			z := w[d]
			for j, v := range x {
				z += w[j] * (v - mean[j]) / sd[j]
			}
			err := sigmoid(z) - ys[i]
			for j, v := range x {
				g[j] += err * (v - mean[j]) / sd[j]
			}
			g[d] += err
		}
		for j := range g {
			g[j] /= float64(len(xs))
			if j < d {
				g[j] += lambda * w[j]
			}
			m1[j] = b1*m1[j] + (1-b1)*g[j]
			m2[j] = b2*m2[j] + (1-b2)*g[j]*g[j]
			mh := m1[j] / (1 - math.Pow(b1, float64(it)))
			vh := m2[j] / (1 - math.Pow(b2, float64(it)))
			w[j] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	// Back to the raw scale.
	out := make([]float64, d)
	b := w[d]
	for j := range out {
		out[j] = w[j] / sd[j]
		b -= w[j] * mean[j] / sd[j]
	}
	return out, b
}
