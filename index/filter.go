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
