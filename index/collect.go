package index

import (
	"container/heap"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Collecting hits.
//
// A page of results must be in a total order, or paging with a cursor
// (search-after) skips or repeats reports of equal score: so hits are
// ranked by the sort key and then by report id. Bleve's own collector,
// given "_id" as the tie-break, reads every hit's id from its stored
// fields, which is a decompression per hit: at 1,000,000 reports that was
// about a third of a search's time (p50 56 -> 40 ms without it). topHits, put in place
// through Bleve's document-match handler hook, reads a hit's id only when
// it has to break a tie with a hit it is compared to, and otherwise
// compares scores (or the sort field) alone. It also counts the facets
// from the same stream of hits.

// topHits keeps the best size hits of a search that rank after the
// cursor, and counts every hit by facet.
type topHits struct {
	cols   *columns
	size   int
	byDate bool // rank by occurred_at instead of the score (its key is kept in HitNumber)
	desc   bool // for byDate: latest first
	after  *search.DocumentMatch
	facets *facetCounter // nil: no facets

	reader bindex.IndexReader
	pool   *search.DocumentMatchPool
	segs   []*segColumns // byDate: the snapshot's columns, and where its documents are
	loc    *docLocator
	kept   keptHits
	err    error
}

// keptHits is a heap whose root is the worst hit kept.
type keptHits struct {
	t    *topHits
	hits []*search.DocumentMatch
}

func (h *keptHits) Len() int           { return len(h.hits) }
func (h *keptHits) Less(i, j int) bool { return h.t.compare(h.hits[i], h.hits[j]) > 0 }
func (h *keptHits) Swap(i, j int)      { h.hits[i], h.hits[j] = h.hits[j], h.hits[i] }
func (h *keptHits) Push(x any)         { h.hits = append(h.hits, x.(*search.DocumentMatch)) }
func (h *keptHits) Pop() any {
	x := h.hits[len(h.hits)-1]
	h.hits = h.hits[:len(h.hits)-1]
	return x
}

// compare says whether a ranks before (<0) or after (>0) b. A tie on the
// sort key is broken by the report id, read only then.
func (t *topHits) compare(a, b *search.DocumentMatch) int {
	if !t.byDate {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
	} else if a.HitNumber != b.HitNumber {
		c := -1
		if a.HitNumber > b.HitNumber {
			c = 1
		}
		if t.desc {
			return -c
		}
		return c
	}
	return strings.Compare(t.id(a), t.id(b))
}

// id returns the hit's report id, reading it from the index the first
// time it is needed.
func (t *topHits) id(d *search.DocumentMatch) string {
	if d.ID == "" && d.IndexInternalID != nil && t.err == nil {
		id, err := t.reader.ExternalID(d.IndexInternalID)
		if err != nil {
			t.err = fmt.Errorf("index: read a hit's id: %w", err)
		}
		d.ID = id
	}
	return d.ID
}

// handler is the search.MakeDocumentMatchHandler that Bleve calls with the
// search's context before the first hit.
func (t *topHits) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	t.reader, t.pool = sctx.IndexReader, sctx.DocumentMatchPool
	t.kept = keptHits{t: t, hits: make([]*search.DocumentMatch, 0, t.size)}
	snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
	if !ok && (t.facets != nil || t.byDate) {
		return nil, false, fmt.Errorf("index: facets and date order need a scorch index")
	}
	if t.facets != nil {
		if err := t.facets.start(snap); err != nil {
			return nil, false, err
		}
	}
	if t.byDate {
		var err error
		if t.segs, t.loc, err = t.cols.get(snap, needDates); err != nil {
			return nil, false, err
		}
	}
	return func(d *search.DocumentMatch) error {
		if d == nil { // the end: every kept hit gets its id
			for _, k := range t.kept.hits {
				t.id(k)
			}
			return t.err
		}
		if t.facets != nil {
			t.facets.count(d)
		}
		if t.byDate {
			// Bleve set HitNumber for its own collector, which never
			// reads it once it has handed the hit over.
			d.HitNumber = 0
			if seg, local, ok := t.loc.locate(d.IndexInternalID); ok && local < uint64(len(t.segs[seg].dates)) {
				d.HitNumber = t.segs[seg].dates[local]
			}
		}
		if t.after != nil && t.compare(d, t.after) <= 0 {
			t.pool.Put(d)
			return t.err
		}
		if t.size == 0 {
			t.pool.Put(d)
		} else if t.kept.Len() < t.size {
			heap.Push(&t.kept, d)
		} else if t.compare(d, t.kept.hits[0]) < 0 {
			worst := t.kept.hits[0]
			t.kept.hits[0] = d
			heap.Fix(&t.kept, 0)
			t.pool.Put(worst)
		} else {
			t.pool.Put(d)
		}
		return t.err
	}, false, nil
}

// context returns ctx carrying the handler for Bleve's collector.
func (t *topHits) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(t.handler))
}

// ranked returns the kept hits best first.
func (t *topHits) ranked() []*search.DocumentMatch {
	out := make([]*search.DocumentMatch, t.kept.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&t.kept).(*search.DocumentMatch)
	}
	return out
}

// cursorKey is what a page cursor holds of its last hit: the sort key
// (the score, or the date key) and the report id.
func (t *topHits) cursorKey(d *search.DocumentMatch) (string, string) {
	if !t.byDate {
		return strconv.FormatFloat(d.Score, 'g', -1, 64), d.ID
	}
	return strconv.FormatUint(d.HitNumber, 10), d.ID
}

// setAfter makes the collector skip every hit up to and including the
// cursor's (its key and report id).
func (t *topHits) setAfter(key, id string) error {
	d := &search.DocumentMatch{ID: id}
	if !t.byDate {
		s, err := strconv.ParseFloat(key, 64)
		if err != nil {
			return err
		}
		d.Score = s
	} else {
		k, err := strconv.ParseUint(key, 10, 64)
		if err != nil {
			return err
		}
		d.HitNumber = k
	}
	t.after = d
	return nil
}
