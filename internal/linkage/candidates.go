package linkage

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

// Searcher is what linkage needs of the search index: Bleve searches over
// every report and the term statistics of more-like-this queries.
// index.Index.Bleve gives it.
type Searcher interface {
	SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error)
	DocCount() (uint64, error)
	DocFreqs(ctx context.Context, field string, terms []string) ([]uint64, error)
}

// MaxCandidates caps the pairs scored for one report: candidates come from
// a more-like-this query on the index, never from comparing all pairs.
const MaxCandidates = 100

// Candidates returns the reports most like p, at most k (MaxCandidates):
// from the engine's blocking lists (blocking.go) unless the weights'
// candidates.source is "index". The viewer's restrictions apply. p itself
// is never returned.
func (e *Engine) Candidates(ctx context.Context, bx Searcher, p *Profile, v index.Viewer, k int) ([]string, error) {
	if k <= 0 || k > MaxCandidates {
		k = MaxCandidates
	}
	if e.Weights.Candidates.Source == "index" {
		return e.IndexCandidates(ctx, bx, p, v, k)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.ensureBlocks()
	e.rlockFresh()
	defer e.mu.RUnlock()
	return e.blockCandidates(p, v, k), nil
}

// IndexCandidates asks the Bleve index for the reports most like p: its
// distinctive words (weighted by their rarity in the index's own term
// dictionary), the places near it and the weeks around it, the viewer's
// restrictions inside the query.
func (e *Engine) IndexCandidates(ctx context.Context, bx Searcher, p *Profile, v index.Viewer, k int) ([]string, error) {
	q, err := e.moreLikeThis(ctx, bx, p)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(visibleTo(q, v), k, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := bx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("linkage: candidates for %s: %w", p.ID, err)
	}
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out, nil
}

type mltTerm struct {
	term string
	w    float64
}

// moreLikeThis builds the candidate query for p.
func (e *Engine) moreLikeThis(ctx context.Context, bx Searcher, p *Profile) (query.Query, error) {
	n, err := bx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("linkage: index: %w", err)
	}
	e.mu.RLock()
	names := make([]string, 0, len(p.terms))
	tws := make([]float64, 0, len(p.terms))
	for _, t := range p.terms {
		if s := e.termName[t.id]; !strings.Contains(s, " ") {
			names = append(names, s)
			tws = append(tws, float64(t.w))
		}
	}
	e.mu.RUnlock()
	dfs := make([]uint64, len(names))
	for _, f := range index.TextFields {
		fdfs, err := bx.DocFreqs(ctx, f, names)
		if err != nil {
			return nil, fmt.Errorf("linkage: %w", err)
		}
		for i, df := range fdfs {
			dfs[i] = max(dfs[i], df)
		}
	}
	var terms []mltTerm
	for i, s := range names {
		df := dfs[i]
		// A word only this report uses links nothing; one in every fifth
		// report is not distinctive.
		if df < 2 || df > n/10+1 {
			continue
		}
		terms = append(terms, mltTerm{s, tws[i] * math.Log(float64(n+1)/float64(df+1))})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].w != terms[j].w {
			return terms[i].w > terms[j].w
		}
		return terms[i].term < terms[j].term
	})
	cw := e.Weights.Candidates
	if len(terms) > cw.Terms {
		terms = terms[:cw.Terms]
	}
	var should []query.Query
	for _, t := range terms {
		for _, f := range index.TextFields {
			tq := bleve.NewTermQuery(t.term)
			tq.SetField(f)
			tq.SetBoost(t.w)
			should = append(should, tq)
		}
	}
	if p.HasLoc && cw.RadiusKm > 0 {
		g := bleve.NewGeoDistanceQuery(p.Lon, p.Lat, fmt.Sprintf("%gkm", cw.RadiusKm))
		g.SetField(index.FieldLocation)
		g.SetBoost(e.Weights.Candidates.geoBoost())
		should = append(should, g)
	}
	if p.Borough != "" && cw.RadiusKm == 0 {
		// The borough stands in for the geo window: a posting list, where
		// a distance query must check every point it finds.
		bq := bleve.NewTermQuery(p.Borough)
		bq.SetField(index.FieldBorough)
		bq.SetBoost(e.Weights.Candidates.geoBoost())
		should = append(should, bq)
	}
	win := time.Duration(cw.WindowDays) * 24 * time.Hour
	if p.HasLoc && cw.RadiusKm > 0 {
		// Near in place and time together: one offender's habit. A time
		// window alone would match a quarter of the corpus, too many to score.
		g := bleve.NewGeoDistanceQuery(p.Lon, p.Lat, fmt.Sprintf("%gkm", cw.RadiusKm))
		g.SetField(index.FieldLocation)
		d := bleve.NewDateRangeQuery(p.When.Add(-win), p.When.Add(win))
		d.SetField(index.FieldOccurredAt)
		both := bleve.NewConjunctionQuery(g, d)
		both.SetBoost(cw.timeBoost())
		should = append(should, both)
	} else if p.Borough != "" {
		bq := bleve.NewTermQuery(p.Borough)
		bq.SetField(index.FieldBorough)
		d := bleve.NewDateRangeQuery(p.When.Add(-win), p.When.Add(win))
		d.SetField(index.FieldOccurredAt)
		both := bleve.NewConjunctionQuery(bq, d)
		both.SetBoost(cw.timeBoost())
		should = append(should, both)
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(should...)
	b.AddMustNot(bleve.NewDocIDQuery([]string{p.ID}))
	return b, nil
}

func (c candidateWeights) geoBoost() float64 {
	if c.GeoBoost == 0 {
		return 3
	}
	return c.GeoBoost
}

func (c candidateWeights) timeBoost() float64 {
	if c.TimeBoost == 0 {
		return 1
	}
	return c.TimeBoost
}

// visibleTo restricts q to what the viewer may see (as index.Search does).
func visibleTo(q query.Query, v index.Viewer) query.Query {
	if v.All {
		return q
	}
	open := bleve.NewBoolFieldQuery(false)
	open.SetField(index.FieldRestricted)
	parts := []query.Query{open}
	if v.Unit != "" {
		unit := bleve.NewTermQuery(v.Unit)
		unit.SetField(index.FieldUnit)
		parts = append(parts, unit)
	}
	return bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(parts...))
}

// Similar is one report's ranked list of similar reports.
type Similar struct {
	Report  string        `json:"report"`
	Similar []SimilarItem `json:"similar"`
}

// SimilarItem is one similar report with its reasons.
type SimilarItem struct {
	ID      string          `json:"id"`
	Score   float64         `json:"score"`
	Reasons []portal.Reason `json:"reasons"`
}

// Similar ranks the reports most like id, best first, never id itself,
// each with its reasons. Unknown ids are ENOTFOUND.
func (e *Engine) Similar(ctx context.Context, bx Searcher, id string, v index.Viewer, limit int) (*Similar, error) {
	p := e.Profile(id)
	if p == nil {
		return nil, portal.Errorf(portal.ENOTFOUND, "report %s not found", id)
	}
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxCandidates)
	ids, err := e.Candidates(ctx, bx, p, v, e.Weights.Candidates.PerReport)
	if err != nil {
		return nil, err
	}
	type scored struct {
		q *Profile
		s float64
	}
	var ss []scored
	e.rlockFresh()
	for _, c := range ids {
		q := e.profiles[c]
		if q == nil {
			continue
		}
		ss = append(ss, scored{q, e.score(p, q)})
	}
	e.mu.RUnlock()
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].s != ss[j].s {
			return ss[i].s > ss[j].s
		}
		return ss[i].q.ID < ss[j].q.ID
	})
	out := &Similar{Report: id, Similar: []SimilarItem{}}
	for _, s := range ss[:min(limit, len(ss))] {
		pr := e.Explain(p, s.q)
		out.Similar = append(out.Similar, SimilarItem{ID: s.q.ID, Score: round(pr.Score, 4), Reasons: pr.Reasons})
	}
	return out, nil
}
