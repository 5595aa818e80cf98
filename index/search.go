package index

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/investigation-portal/portal/internal/portal"
)

// Viewer says which restricted reports a search may see: those of its unit,
// or all of them when All is set (never for a person; for internal jobs).
type Viewer struct {
	Unit string
	All  bool
}

// Filters narrow a search beyond its query text; the search form's fields.
// Values within one list are alternatives; the lists must all hold.
type Filters struct {
	Offences      []string
	Boroughs      []string
	LocationTypes []string
	Years         []string
	// From and To bound occurred_at: From inclusive, To exclusive.
	From, To time.Time
	// HourFrom..HourTo (inclusive, 0-23) wraps midnight when HourFrom > HourTo.
	HourFrom, HourTo *int
	Near             *Near
	// CreatedAfter keeps reports first stored after this time (saved-search
	// alerts).
	CreatedAfter time.Time
}

// Near is a geographic radius.
type Near struct{ Lat, Lon, Km float64 }

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
)

// Request is a search.
type Request struct {
	Query   string
	Filters Filters
	Sort    string // SortRelevance (default), SortNewest, SortOldest
	Limit   int
	Offset  int
	// After is the Next cursor of the previous page: paging with it costs
	// the same however deep it goes, unlike Offset.
	After string
	// Facets asks for counts by offence, borough, year and location type.
	Facets bool
	// NoHighlight skips fragments (counts, exports of ids).
	NoHighlight bool
	Viewer      Viewer
}

// Hit is one matching report.
type Hit struct {
	ID         string              `json:"id"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

// FacetValue is one value of a facet with the number of matching reports.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is the answer to a search, in the contract's JSON shape.
type Result struct {
	Total        int                     `json:"total"`
	Hits         []Hit                   `json:"hits"`
	Facets       map[string][]FacetValue `json:"facets,omitempty"`
	AlsoSearched []string                `json:"also_searched,omitempty"`
	Notes        []string                `json:"notes,omitempty"`
	// Next is the cursor for the following page, empty on the last.
	Next string `json:"next,omitempty"`
}

// facetSize is how many values of each facet are returned.
const facetSize = 50

// MaxLimit caps a page of hits.
const MaxLimit = 1000

// FacetFields are the fields counted for facets, in display order.
var FacetFields = []string{FieldOffence, FieldBorough, FieldYear, FieldLocationType}

// SetSynonyms replaces the synonyms applied to queries; safe while searches
// run.
func (x *Index) SetSynonyms(s *Synonyms) { x.synonyms.Store(s) }

// Synonyms returns the synonyms in use.
func (x *Index) Synonyms() *Synonyms { return x.synonyms.Load() }

// Parser returns the query parser for this index: its synonyms, and keyword
// values matched regardless of case and spacing.
func (x *Index) Parser() *Parser {
	return &Parser{Synonyms: x.synonyms.Load(), Resolve: x.resolveKeyword}
}

// resolveKeyword finds the indexed value of a keyword field that equals v
// ignoring case and the difference between spaces, hyphens and
// underscores ("indecent exposure" → indecent_exposure).
func (x *Index) resolveKeyword(field, v string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return '_'
			}
			return r
		}, strings.ToLower(s))
	}
	want := norm(v)
	for _, val := range x.keywordValues(field) {
		if norm(val) == want {
			return val
		}
	}
	return v
}

// keywordValues lists a keyword field's distinct values (they are few:
// boroughs, offences, place types), cached until the index changes.
func (x *Index) keywordValues(field string) []string {
	cache := x.kwCache.Load()
	if cache != nil && cache.seq == x.applied.Load() {
		if vs, ok := cache.values[field]; ok {
			return vs
		}
	}
	var vals []string
	for _, b := range x.shards {
		if d, err := b.FieldDict(field); err == nil {
			for e, err := d.Next(); err == nil && e != nil; e, err = d.Next() {
				if !slices.Contains(vals, e.Term) {
					vals = append(vals, e.Term)
				}
			}
			d.Close()
		}
	}
	slices.Sort(vals)
	next := &kwCache{seq: x.applied.Load(), values: map[string][]string{field: vals}}
	if cache != nil && cache.seq == next.seq {
		for k, v := range cache.values {
			if k != field {
				next.values[k] = v
			}
		}
	}
	x.kwCache.Store(next)
	return vals
}

type kwCache struct {
	seq    int64
	values map[string][]string
}

// compile parses the request's query and adds its filters and the
// viewer's restrictions.
func (x *Index) compile(r Request) (*Parsed, query.Query, error) {
	parsed, err := x.Parser().Parse(r.Query)
	if err != nil {
		return nil, nil, err
	}
	return parsed, visible(groupFilters(withFilters(parsed.Query, r.Filters, x.resolveKeyword)), r.Viewer), nil
}

// Search runs a request. Restricted reports outside the viewer's unit are
// filtered inside the query, so they never count, match, facet or
// highlight.
func (x *Index) Search(ctx context.Context, r Request) (*Result, error) {
	parsed, q, err := x.compile(r)
	if err != nil {
		return nil, err
	}
	limit := r.Limit
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)
	offset := max(r.Offset, 0)
	// Bleve always sorts by score, which costs it nothing per hit; the
	// date orders come from the date column (collect.go).
	top := topHits{cols: &x.columns} // the settings every shard's collector shares
	switch r.Sort {
	case "", SortRelevance:
	case SortNewest:
		top.byDate, top.desc = true, true
	case SortOldest:
		top.byDate = true
	default:
		return nil, portal.Errorf(portal.EINVALID, "sort must be relevance, newest or oldest, not %q", r.Sort)
	}
	if r.After != "" {
		key, id, err := decodeCursor(r.After, r.Sort)
		if err != nil {
			return nil, err
		}
		if err := top.setAfter(key, id); err != nil {
			return nil, portal.Errorf(portal.EINVALID, "the page cursor is not one this server gave out")
		}
		offset = 0
	}
	// Every shard collects its best offset+limit hits, counts its facets
	// and its total; the merge keeps the best of them all.
	tops := make([]*topHits, len(x.shards))
	totals := make([]uint64, len(x.shards))
	ctx = withColumns(ctx, &x.columns)
	err = x.eachShard(func(i int, b bleve.Index) error {
		t := top
		t.size = offset + limit
		if r.Facets {
			t.facets = &facetCounter{cols: &x.columns}
		}
		tops[i] = &t
		req := bleve.NewSearchRequestOptions(q, limit, 0, false)
		req.SortBy([]string{"-_score"})
		res, err := b.SearchInContext(t.context(ctx), req)
		if err != nil {
			return fmt.Errorf("index: search %q: %w", r.Query, err)
		}
		totals[i] = res.Total
		return nil
	})
	if err != nil {
		return nil, err
	}
	var hits []*search.DocumentMatch
	var total uint64
	for i, t := range tops {
		hits = append(hits, t.ranked()...)
		total += totals[i]
	}
	slices.SortFunc(hits, tops[0].compare) // every kept hit has its id: no reads
	hits = hits[min(offset, len(hits)):min(offset+limit, len(hits))]
	out := &Result{Total: int(total), Hits: make([]Hit, 0, len(hits)),
		AlsoSearched: parsed.AlsoSearched, Notes: parsed.Notes}
	var fragments map[string]search.FieldFragmentMap
	if !r.NoHighlight {
		// Highlights need the hits' term locations, so they are made in a
		// second search over the page's hits only, not kept for each of
		// what may be 100,000 hits.
		if fragments, err = x.highlight(ctx, q, hits); err != nil {
			return nil, err
		}
	}
	for _, h := range hits {
		hl := map[string][]string{}
		for f, frags := range fragments[h.ID] {
			frags = slices.DeleteFunc(frags, func(s string) bool { return strings.TrimSpace(s) == "" })
			if len(frags) > 0 {
				hl[f] = frags
			}
		}
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Highlights: hl})
	}
	if n := len(hits); n == limit && n > 0 && (r.After != "" || offset+n < out.Total) {
		key, id := top.cursorKey(hits[n-1])
		out.Next = encodeCursor(r.Sort, key, id)
	}
	if r.Facets {
		out.Facets = mergeFacets(tops).result(facetSize)
	}
	return out, nil
}

// highlight returns the fragments of the given hits of q, by id and field,
// from a search of q's text clauses restricted to those hits (which are
// known to pass its filters).
func (x *Index) highlight(ctx context.Context, q query.Query, hits search.DocumentMatchCollection) (map[string]search.FieldFragmentMap, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	text := textOnly(q)
	if text == nil {
		return nil, nil // nothing in the query matches text
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), text), len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.Fields = TextFields
	res, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: highlight: %w", err)
	}
	out := make(map[string]search.FieldFragmentMap, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Fragments
	}
	return out, nil
}

// CountMatches returns how many reports a request matches, without hits.
func (x *Index) CountMatches(ctx context.Context, r Request) (int, error) {
	r.Limit, r.Offset, r.After, r.Facets, r.NoHighlight = 0, 0, "", false, true
	_, q, err := x.compile(r)
	if err != nil {
		return 0, err
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	res, err := x.all.SearchInContext(withColumns(ctx, &x.columns), req)
	if err != nil {
		return 0, fmt.Errorf("index: count %q: %w", r.Query, err)
	}
	return int(res.Total), nil
}

type cursor struct {
	Sort string `json:"s"`
	Key  []byte `json:"k"` // the last hit's score or date key
	ID   string `json:"i"`
}

func encodeCursor(sort, key, id string) string {
	b, _ := json.Marshal(cursor{Sort: sort, Key: []byte(key), ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (key, id string, err error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || len(c.Key) == 0 || c.ID == "" {
		return "", "", portal.Errorf(portal.EINVALID, "the page cursor is not one this server gave out")
	}
	if c.Sort != sort {
		return "", "", portal.Errorf(portal.EINVALID, "the page cursor belongs to another sort order; start again from the first page")
	}
	return string(c.Key), c.ID, nil
}

// withFilters adds the form's filters to q.
func withFilters(q query.Query, f Filters, resolve func(field, v string) string) query.Query {
	parts := []query.Query{q}
	oneOf := func(field string, vals []string) {
		var qs []query.Query
		for _, v := range vals {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if resolve != nil {
				v = resolve(field, v)
			}
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			qs = append(qs, t)
		}
		if len(qs) > 0 {
			parts = append(parts, filter(bleve.NewDisjunctionQuery(qs...)))
		}
	}
	oneOf(FieldOffence, f.Offences)
	oneOf(FieldBorough, f.Boroughs)
	oneOf(FieldLocationType, f.LocationTypes)
	oneOf(FieldYear, f.Years)
	if !f.From.IsZero() || !f.To.IsZero() {
		parts = append(parts, filter(dateQuery(FieldOccurredAt, f.From, f.To)))
	}
	if f.HourFrom != nil || f.HourTo != nil {
		lo, hi := 0, 23
		if f.HourFrom != nil {
			lo = *f.HourFrom
		}
		if f.HourTo != nil {
			hi = *f.HourTo
		}
		parts = append(parts, filter(HourRange(lo, hi)))
	}
	if f.Near != nil {
		parts = append(parts, filter(NearQuery(f.Near.Lat, f.Near.Lon, f.Near.Km)))
	}
	if !f.CreatedAfter.IsZero() {
		parts = append(parts, filter(dateQuery(FieldCreatedAt, f.CreatedAfter.Add(time.Microsecond), time.Time{})))
	}
	if len(parts) == 1 {
		return q
	}
	return bleve.NewConjunctionQuery(parts...)
}

// visible restricts q to what the viewer may see: it excludes the
// restricted reports of other units (a must-not over that small set)
// rather than conjoining every query with "unrestricted or this unit",
// which made every search walk the postings of nearly every report.
func visible(q query.Query, v Viewer) query.Query {
	if v.All {
		return q
	}
	restricted := bleve.NewBoolFieldQuery(true)
	restricted.SetField(FieldRestricted)
	var hidden query.Query = restricted
	if v.Unit != "" {
		unit := bleve.NewTermQuery(v.Unit)
		unit.SetField(FieldUnit)
		hidden = &query.BooleanQuery{Must: restricted, MustNot: unit}
	}
	return &query.BooleanQuery{Must: q, MustNot: hidden}
}
