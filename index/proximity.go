package index

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// proximityQuery matches documents whose field holds one term of every
// group, in any order, with at most Slop other words between them in all
// ("hand mouth"~3 matches "hand over her mouth" and "mouth and hand").
//
// Bleve's phrase searcher has no user-settable slop and keeps the order, so
// this runs a conjunction of term searchers with term vectors switched on
// and keeps the documents whose term positions fit in the window.
type proximityQuery struct {
	Field  string
	Groups [][]string // each group: a term and its single-word synonyms
	Slop   int
}

func (q *proximityQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	conj, err := termGroupsSearcher(ctx, r, q.Field, q.Groups, options)
	if err != nil {
		return nil, err
	}
	termGroup := map[string]int{}
	for i, g := range q.Groups {
		for _, t := range g {
			termGroup[t] = i
		}
	}
	n, window := len(q.Groups), uint64(q.Slop+len(q.Groups)-1)
	return searcher.NewFilteringSearcher(ctx, conj, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		var hits []posGroup
		for _, ftl := range d.FieldTermLocations {
			if ftl.Field != q.Field {
				continue
			}
			if g, ok := termGroup[ftl.Term]; ok {
				hits = append(hits, posGroup{ftl.Location.Pos, g})
			}
		}
		for f, tlm := range d.Locations {
			if f != q.Field {
				continue
			}
			for term, locs := range tlm {
				if g, ok := termGroup[term]; ok {
					for _, l := range locs {
						hits = append(hits, posGroup{l.Pos, g})
					}
				}
			}
		}
		return withinWindow(hits, n, window)
	}), nil
}

// termGroupsSearcher finds the documents whose field holds a term of
// every group, with the terms' locations (term vectors): the candidates of
// a proximity or phrase check. Bleve intersects the postings of a
// conjunction of plain terms before it reads any of them.
func termGroupsSearcher(ctx context.Context, r bindex.IndexReader, field string, groups [][]string, options search.SearcherOptions) (search.Searcher, error) {
	opts := options
	opts.IncludeTermVectors = true
	subs := make([]search.Searcher, 0, len(groups))
	closeAll := func() {
		for _, s := range subs {
			s.Close()
		}
	}
	for _, g := range groups {
		alts := make([]search.Searcher, 0, len(g))
		for _, term := range g {
			s, err := searcher.NewTermSearcher(ctx, r, term, field, 1.0, opts)
			if err != nil {
				for _, a := range alts {
					a.Close()
				}
				closeAll()
				return nil, err
			}
			alts = append(alts, s)
		}
		if len(alts) == 1 {
			subs = append(subs, alts[0])
			continue
		}
		d, err := searcher.NewDisjunctionSearcher(ctx, r, alts, 1, opts)
		if err != nil {
			closeAll()
			return nil, err
		}
		subs = append(subs, d)
	}
	if len(subs) == 1 {
		return subs[0], nil
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, subs, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	return conj, nil
}

type posGroup struct {
	pos   uint64
	group int
}

// withinWindow reports whether some span of at most window positions
// (last minus first) holds a hit of each of n groups at distinct positions.
func withinWindow(hits []posGroup, n int, window uint64) bool {
	slices.SortFunc(hits, func(a, b posGroup) int {
		if a.pos != b.pos {
			return int(a.pos) - int(b.pos)
		}
		return a.group - b.group
	})
	count := make([]int, n)
	have, lo := 0, 0
	for hi := range hits {
		if count[hits[hi].group] == 0 {
			have++
		}
		count[hits[hi].group]++
		for hits[hi].pos-hits[lo].pos > window {
			count[hits[lo].group]--
			if count[hits[lo].group] == 0 {
				have--
			}
			lo++
		}
		if have == n {
			return true
		}
	}
	return false
}
