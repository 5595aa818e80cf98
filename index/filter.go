package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// filterQuery matches what its query matches without scoring it: the
// clauses on keyword, number, date and place fields (borough:, hour:,
// near:, the form's filters) decide which reports match, not how well.
//
// Unscored, Bleve runs a clause made of many terms (an hour or date range
// is a dozen numeric terms, a radius hundreds of geohash cells) as one
// union of the terms' postings bitmaps instead of merging and scoring
// each term's postings document by document; and a plain keyword term
// skips reading frequencies and norms. At 1,000,000 reports that is what
// made "word borough:X hour:22..04" and "word near:…" slower than a scan
// that tests the borough first.
//
// Scores of the reports that match are unchanged relative to each other:
// a keyword clause that every hit matches added the same amount to each.
type filterQuery struct{ query.Query }

func (q filterQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.Score = "none"
	options.IncludeTermVectors = false
	options.Explain = false
	return q.Query.Searcher(ctx, r, m, options)
}

// filter marks q as a filter (see filterQuery).
func filter(q query.Query) query.Query {
	if _, ok := q.(filterQuery); ok {
		return q
	}
	return filterQuery{q}
}

// groupFilters rewrites every conjunction in q so that its filter clauses
// (flattened out of nested conjunctions) run as one filter: unscored, a
// conjunction of keyword terms and ranges becomes a single intersection of
// bitmaps per segment, which the scored clauses then only visit, instead
// of each filter being advanced document by document beside them.
func groupFilters(q query.Query) query.Query {
	switch c := q.(type) {
	case *query.ConjunctionQuery:
		if c.BoostVal != nil {
			break
		}
		var scored, filters []query.Query
		var flatten func(qs []query.Query)
		flatten = func(qs []query.Query) {
			for _, x := range qs {
				switch x := x.(type) {
				case *query.ConjunctionQuery:
					if x.BoostVal == nil {
						flatten(x.Conjuncts)
						continue
					}
				case filterQuery:
					filters = append(filters, x.Query)
					continue
				}
				scored = append(scored, groupFilters(x))
			}
		}
		flatten(c.Conjuncts)
		switch len(filters) {
		case 0:
		case 1:
			scored = append(scored, filterQuery{filters[0]})
		default:
			scored = append(scored, filterQuery{query.NewConjunctionQuery(filters)})
		}
		if len(scored) == 1 {
			return scored[0]
		}
		return query.NewConjunctionQuery(scored)
	case *query.DisjunctionQuery:
		d := *c
		d.Disjuncts = make([]query.Query, len(c.Disjuncts))
		for i, x := range c.Disjuncts {
			d.Disjuncts[i] = groupFilters(x)
		}
		return &d
	case *query.BooleanQuery:
		b := *c
		if c.Must != nil {
			b.Must = groupFilters(c.Must)
		}
		if c.Should != nil {
			b.Should = groupFilters(c.Should)
		}
		return &b
	}
	return q
}

// textOnly returns the clauses of q that can match text, without its
// filters and exclusions, or nil if it has none: what the highlighter
// needs of a query whose hits are already known to match it. (A filter
// replaced by match-all would cost a walk over every report.)
func textOnly(q query.Query) query.Query {
	keep := func(qs []query.Query) []query.Query {
		var out []query.Query
		for _, x := range qs {
			if x = textOnly(x); x != nil {
				out = append(out, x)
			}
		}
		return out
	}
	switch c := q.(type) {
	case filterQuery, *query.MatchAllQuery, *query.MatchNoneQuery:
		return nil
	case *query.ConjunctionQuery:
		qs := keep(c.Conjuncts)
		if len(qs) == 0 {
			return nil
		}
		return query.NewConjunctionQuery(qs)
	case *query.DisjunctionQuery:
		qs := keep(c.Disjuncts)
		if len(qs) == 0 {
			return nil
		}
		return query.NewDisjunctionQuery(qs)
	case *query.BooleanQuery:
		var must, should query.Query
		if c.Must != nil {
			must = textOnly(c.Must)
		}
		if c.Should != nil {
			should = textOnly(c.Should)
		}
		switch {
		case must == nil:
			return should
		case should == nil:
			return must
		}
		return query.NewDisjunctionQuery([]query.Query{must, should})
	}
	return q
}
