package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Viewer says which restricted reports a search may see: those of its unit,
// or all of them when All is set (never for a person; for internal jobs).
type Viewer struct {
	Unit string
	All  bool
}

// Request is a search.
type Request struct {
	Query  string
	Limit  int
	Offset int
	Viewer Viewer
}

// Hit is one matching report.
type Hit struct {
	ID         string              `json:"id"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

// Result is the answer to a search, in the contract's JSON shape.
type Result struct {
	Total int   `json:"total"`
	Hits  []Hit `json:"hits"`
}

// MaxLimit caps a page of hits.
const MaxLimit = 1000

// Search runs a request. Restricted reports outside the viewer's unit are
// filtered inside the query, so they never count, match or highlight.
func (x *Index) Search(ctx context.Context, r Request) (*Result, error) {
	q, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	limit := r.Limit
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)
	req := bleve.NewSearchRequestOptions(visible(q, r.Viewer), limit, max(r.Offset, 0), false)
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.Fields = TextFields
	req.SortBy([]string{"-_score", "_id"})
	res, err := x.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", r.Query, err)
	}
	out := &Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		hl := h.Fragments
		if hl == nil {
			hl = map[string][]string{}
		}
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Highlights: hl})
	}
	return out, nil
}

// visible restricts q to what the viewer may see.
func visible(q query.Query, v Viewer) query.Query {
	if v.All {
		return q
	}
	open := bleve.NewBoolFieldQuery(false)
	open.SetField(FieldRestricted)
	parts := []query.Query{open}
	if v.Unit != "" {
		unit := bleve.NewTermQuery(v.Unit)
		unit.SetField(FieldUnit)
		parts = append(parts, unit)
	}
	return bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(parts...))
}
