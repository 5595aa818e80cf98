package index

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches documents whose field holds Terms at consecutive
// positions; "" stands for a common word the analyzer dropped, which any
// word fills.
//
// Bleve's phrase searcher does the same, but turns the term locations of
// every candidate (every report holding all the words) into maps of maps
// before it looks for the phrase: at 1,000,000 reports that was a third
// of a phrase search's time, in allocation alone. This one runs the same
// conjunction of the terms (Bleve intersects their postings bitmaps
// first) and checks positions in the flat list of locations; a match
// keeps only the locations inside the phrase, for highlighting. Both text
// fields hold one value per report, so array positions play no part.
type phraseQuery struct {
	Field string
	Terms []string
}

func (q *phraseQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	// Each distinct term once, with its offsets in the phrase.
	var terms []string
	var offsets [][]uint64
	for i, t := range q.Terms {
		if t == "" {
			continue
		}
		k := slices.Index(terms, t)
		if k < 0 {
			terms = append(terms, t)
			offsets = append(offsets, nil)
			k = len(terms) - 1
		}
		offsets[k] = append(offsets[k], uint64(i))
	}
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	groups := make([][]string, len(terms))
	for i, t := range terms {
		groups[i] = []string{t}
	}
	all, err := termGroupsSearcher(ctx, r, q.Field, groups, options)
	if err != nil {
		return nil, err
	}
	pm := &phraseMatcher{field: q.Field, terms: terms, offsets: offsets}
	return searcher.NewFilteringSearcher(ctx, all, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		return pm.match(d)
	}), nil
}

// phraseMatcher checks one search's candidates; it reuses its buffers, as
// a searcher's candidates come one at a time.
type phraseMatcher struct {
	field   string
	terms   []string
	offsets [][]uint64 // per term, its places in the phrase
	pos     [][]uint64 // per term, the candidate's positions of it
	starts  []uint64
}

// match reports whether d holds the phrase, and keeps in d only the
// locations of the phrase's occurrences.
func (m *phraseMatcher) match(d *search.DocumentMatch) bool {
	if m.pos == nil {
		m.pos = make([][]uint64, len(m.terms))
	}
	for i := range m.pos {
		m.pos[i] = m.pos[i][:0]
	}
	for _, ftl := range d.FieldTermLocations {
		if ftl.Field != m.field {
			continue
		}
		if k := slices.Index(m.terms, ftl.Term); k >= 0 {
			m.pos[k] = append(m.pos[k], ftl.Location.Pos)
		}
	}
	for i := range m.pos {
		slices.Sort(m.pos[i])
	}
	// Every occurrence of the first term, at each of its places in the
	// phrase, proposes where the phrase starts.
	m.starts = m.starts[:0]
	for _, p := range m.pos[0] {
		for _, off := range m.offsets[0] {
			if p <= off {
				continue // positions start at 1: the phrase would start before the text
			}
			start := p - off
			if m.holds(start) && !slices.Contains(m.starts, start) {
				m.starts = append(m.starts, start)
			}
		}
	}
	if len(m.starts) == 0 {
		return false
	}
	// Keep only the phrase's own locations, so highlights show the phrase
	// and not each of its words wherever it appears.
	kept := d.FieldTermLocations[:0]
	for _, ftl := range d.FieldTermLocations {
		if k := slices.Index(m.terms, ftl.Term); k >= 0 && ftl.Field == m.field && m.inPhrase(k, ftl.Location.Pos) {
			kept = append(kept, ftl)
		}
	}
	d.FieldTermLocations = kept
	return true
}

// holds reports whether every term is at each of its places in a phrase
// starting at start.
func (m *phraseMatcher) holds(start uint64) bool {
	for k, offs := range m.offsets {
		for _, off := range offs {
			if _, ok := slices.BinarySearch(m.pos[k], start+off); !ok {
				return false
			}
		}
	}
	return true
}

// inPhrase reports whether term k at pos is part of a matched occurrence.
func (m *phraseMatcher) inPhrase(k int, pos uint64) bool {
	for _, s := range m.starts {
		for _, off := range m.offsets[k] {
			if s+off == pos {
				return true
			}
		}
	}
	return false
}
