package linkage

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

// Cluster is a candidate series: reports likely to be one offender's.
type Cluster struct {
	Reports  []string        `json:"reports"`
	Score    float64         `json:"score"`
	Evidence []portal.Reason `json:"evidence"`
}

// Edge is a scored candidate pair.
type Edge struct {
	A, B  string
	Score float64
}

// CandidateEdges scores every report against at most PerReport candidates
// from the index, using all cores, and returns the pairs scoring at least
// minScore, each once.
func (e *Engine) CandidateEdges(ctx context.Context, bx Searcher, ids []string, minScore float64) ([]Edge, error) {
	sort.Strings(ids)
	var (
		mu    sync.Mutex
		edges = map[[2]string]float64{}
		wg    sync.WaitGroup
		first error
		next  = make(chan string)
	)
	workers := max(1, runtime.GOMAXPROCS(0))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				p := e.Profile(id)
				if p == nil {
					continue
				}
				cs, err := e.Candidates(ctx, bx, p, index.Viewer{All: true}, e.Weights.Candidates.PerReport)
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					continue
				}
				var local []Edge
				e.rlockFresh()
				for _, c := range cs {
					q := e.profiles[c]
					if q == nil {
						continue
					}
					if s := e.score(p, q); s >= minScore {
						local = append(local, Edge{p.ID, c, s})
					}
				}
				e.mu.RUnlock()
				mu.Lock()
				for _, ed := range local {
					k := pairKey(ed.A, ed.B)
					edges[k] = math.Max(edges[k], ed.Score)
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- id
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]Edge, 0, len(edges))
	for k, s := range edges {
		out = append(out, Edge{k[0], k[1], s})
	}
	sortEdges(out)
	return out, nil
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

func sortEdges(es []Edge) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Score != es[j].Score {
			return es[i].Score > es[j].Score
		}
		if es[i].A != es[j].A {
			return es[i].A < es[j].A
		}
		return es[i].B < es[j].B
	})
}

// Cluster groups reports by average linkage over the given edges: the
// strongest pair first, two groups merging only when the mean score of all
// their cross pairs reaches Cluster.Link (pairs without an edge are scored
// directly; groups are small). Each report ends in at most one cluster;
// clusters of one are dropped.
func (e *Engine) Cluster(edges []Edge) []Cluster {
	w := e.Weights.Cluster
	group := map[string]*[]string{}
	get := func(id string) *[]string {
		g, ok := group[id]
		if !ok {
			g = &[]string{id}
			group[id] = g
		}
		return g
	}
	known := make(map[[2]string]float64, len(edges))
	for _, ed := range edges {
		known[pairKey(ed.A, ed.B)] = ed.Score
	}
	score := func(a, b string) float64 {
		if s, ok := known[pairKey(a, b)]; ok {
			return s
		}
		s, _ := e.ScoreIDs(a, b)
		known[pairKey(a, b)] = s
		return s
	}
	for _, ed := range edges {
		if ed.Score < w.Edge {
			break
		}
		ga, gb := get(ed.A), get(ed.B)
		if ga == gb || len(*ga)+len(*gb) > w.Max {
			continue
		}
		sum := 0.0
		for _, a := range *ga {
			for _, b := range *gb {
				sum += score(a, b)
			}
		}
		if sum/float64(len(*ga)*len(*gb)) < w.Link {
			continue
		}
		*ga = append(*ga, *gb...)
		for _, id := range *gb {
			group[id] = ga
		}
	}
	seen := map[*[]string]bool{}
	var out []Cluster
	for _, g := range group {
		if seen[g] || len(*g) < 2 {
			continue
		}
		seen[g] = true
		ids := append([]string(nil), (*g)...)
		sort.Strings(ids)
		sum, n := 0.0, 0
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				sum += score(ids[i], ids[j])
				n++
			}
		}
		out = append(out, Cluster{Reports: ids, Score: round(sum/float64(n), 4)})
	}
	sort.Slice(out, func(i, j int) bool {
		si := out[i].Score * math.Log2(1+float64(len(out[i].Reports)))
		sj := out[j].Score * math.Log2(1+float64(len(out[j].Reports)))
		if si != sj {
			return si > sj
		}
		return out[i].Reports[0] < out[j].Reports[0]
	})
	return out
}

// Discover clusters the whole corpus into candidate series with evidence,
// strongest first, keeping those whose score reaches minScore.
func (e *Engine) Discover(ctx context.Context, bx Searcher, minScore float64) ([]Cluster, error) {
	edges, err := e.CandidateEdges(ctx, bx, e.IDs(), e.Weights.Cluster.Edge)
	if err != nil {
		return nil, err
	}
	cs := e.Cluster(edges)
	out := cs[:0]
	for _, c := range cs {
		if c.Score >= minScore {
			c.Evidence = e.Evidence(c.Reports)
			out = append(out, c)
		}
	}
	return out, nil
}

// Group clusters a list of reports (the hits of a search) among themselves:
// every pair of the list is scored, so the list is capped at MaxGroup.
// Reports in no group come back as groups of one, after the others.
func (e *Engine) Group(ids []string) []Cluster {
	if len(ids) > MaxGroup {
		ids = ids[:MaxGroup]
	}
	var edges []Edge
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if s, ok := e.ScoreIDs(ids[i], ids[j]); ok && s >= e.Weights.Cluster.Edge {
				edges = append(edges, Edge{ids[i], ids[j], s})
			}
		}
	}
	sortEdges(edges)
	cs := e.Cluster(edges)
	in := map[string]bool{}
	for i := range cs {
		cs[i].Evidence = e.Evidence(cs[i].Reports)
		for _, id := range cs[i].Reports {
			in[id] = true
		}
	}
	for _, id := range ids {
		if !in[id] {
			cs = append(cs, Cluster{Reports: []string{id}})
		}
	}
	return cs
}

// MaxGroup caps the hits grouped into series.
const MaxGroup = 200

// Evidence says why a set of reports hangs together: the behaviours and
// descriptors most of them share, the distances and the span of time.
func (e *Engine) Evidence(ids []string) []portal.Reason {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var ps []*Profile
	for _, id := range ids {
		if p := e.profiles[id]; p != nil {
			ps = append(ps, p)
		}
	}
	if len(ps) < 2 {
		return nil
	}
	count := map[int32]int{}
	for _, p := range ps {
		for _, f := range p.feats {
			count[f]++
		}
	}
	var out []portal.Reason
	need := max(2, (len(ps)+1)/2)
	for f, c := range count {
		if c < need {
			continue
		}
		ft := e.Lex.Features[f]
		wt := e.Weights.w[sigIndex[domainSignal(ft.Domain)]] * e.featIDF(f) / 5 * float64(c) / float64(len(ps))
		out = append(out, portal.Reason{Kind: kindFor(ft.Domain), Detail: fmt.Sprintf("%d of %d reports: %s", c, len(ps), ft.Label), Weight: round(wt, 3)})
	}
	// Distinctive words most of them use.
	tc := map[int32]int{}
	for _, p := range ps {
		for _, t := range p.terms {
			tc[t.id]++
		}
	}
	type tw struct {
		id int32
		c  int
		w  float64
	}
	var terms []tw
	for id, c := range tc {
		if c >= need && strings.Contains(e.termName[id], " ") && e.quotable(id) {
			if idf := e.termIDF(id); idf > 4 {
				terms = append(terms, tw{id, c, idf * float64(c)})
			}
		}
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i].w > terms[j].w })
	for _, t := range terms[:min(3, len(terms))] {
		out = append(out, portal.Reason{Kind: "text", Detail: fmt.Sprintf("%d of %d reports use the phrase '%s'", t.c, len(ps), e.written(t.id)), Weight: round(e.Weights.w[sigIndex[sigText]]*t.w/100, 3)})
	}
	// Place and time.
	maxKm, located := 0.0, 0
	for i, a := range ps {
		if !a.HasLoc {
			continue
		}
		located++
		for _, b := range ps[i+1:] {
			if b.HasLoc {
				maxKm = math.Max(maxKm, haversine(a.Lat, a.Lon, b.Lat, b.Lon))
			}
		}
	}
	if located >= 2 {
		out = append(out, portal.Reason{Kind: "distance", Detail: fmt.Sprintf("%d located reports all within %s of each other", located, fmtKm(maxKm)), Weight: round(e.Weights.w[sigIndex[sigNear]]*math.Exp(-maxKm/e.Weights.Scales.GeoKm), 3)})
	}
	first, last := ps[0].When, ps[0].When
	hours := make([]float64, 0, len(ps))
	for _, p := range ps {
		if p.When.Before(first) {
			first = p.When
		}
		if p.When.After(last) {
			last = p.When
		}
		hours = append(hours, p.Hour)
	}
	days := last.Sub(first).Hours() / 24
	out = append(out, portal.Reason{Kind: "time", Detail: fmt.Sprintf("over %s, %s to %s", fmtDays(days), first.Format("2 Jan 2006"), last.Format("2 Jan 2006")), Weight: round(e.Weights.w[sigIndex[sigSoon]]*math.Exp(-days/e.Weights.Scales.Days), 3)})
	sort.Float64s(hours)
	if spread := hours[len(hours)-1] - hours[0]; spread <= 4 {
		out = append(out, portal.Reason{Kind: "time_of_day", Detail: fmt.Sprintf("all between %s and %s", clock(hours[0]), clock(hours[len(hours)-1])), Weight: round(e.Weights.w[sigIndex[sigHour]]*math.Exp(-spread/2/e.Weights.Scales.Hours), 3)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Detail < out[j].Detail
	})
	return out
}
