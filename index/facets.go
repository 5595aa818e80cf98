package index

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
)

// Facet counting.
//
// Bleve counts facets by reading every hit's doc values (a compressed
// chunk per few documents, decoded, then a string-keyed map update per
// field): at 1,000,000 reports that was half of each search's time. The
// facet fields are keywords with few values, so instead every segment
// (immutable in scorch) gets, once, an array from document number to value
// ordinal per facet field, built from its term dictionary; a search then
// counts its hits with an array read and an increment per field. The
// counts are exact: they are taken from the stream of matching documents
// itself (the search's hits, after the visibility filter), by the
// collector that ranks them (collect.go).

// facetColumns holds the per-segment ordinal arrays and the value of each
// ordinal.
type facetColumns struct {
	mu       sync.Mutex
	segments map[any]*segColumns // by scorch segment (immutable)
	values   [][]string          // per facet field: ordinal-1 → value
	ordinals []map[string]uint16 // per facet field: value → ordinal (0: none)
}

type segColumns struct {
	ords [][]uint16 // per facet field, by local document number
}

// matchAll is a segment automaton that accepts every term.
type matchAll struct{}

func (matchAll) Start() int               { return 0 }
func (matchAll) IsMatch(int) bool         { return true }
func (matchAll) CanMatch(int) bool        { return true }
func (matchAll) WillAlwaysMatch(int) bool { return true }
func (matchAll) Accept(int, byte) int     { return 0 }

func (fc *facetColumns) ordinal(f int, v string) uint16 {
	if fc.ordinals == nil {
		fc.ordinals = make([]map[string]uint16, len(FacetFields))
		fc.values = make([][]string, len(FacetFields))
		for i := range fc.ordinals {
			fc.ordinals[i] = map[string]uint16{}
		}
	}
	if o, ok := fc.ordinals[f][v]; ok {
		return o
	}
	if len(fc.values[f]) >= 1<<16-2 {
		return 0 // far more values than a facet field has; not counted
	}
	fc.values[f] = append(fc.values[f], v)
	o := uint16(len(fc.values[f]))
	fc.ordinals[f][v] = o
	return o
}

// columns returns the arrays of the snapshot's segments (building those it
// has not seen), with each segment's first global document number.
func (fc *facetColumns) columns(snap *scorch.IndexSnapshot) ([]*segColumns, []uint64, error) {
	segs := snap.Segments()
	out := make([]*segColumns, len(segs))
	offsets := make([]uint64, len(segs))
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.segments == nil {
		fc.segments = map[any]*segColumns{}
	}
	var running uint64
	live := make(map[any]bool, len(segs))
	for i, ss := range segs {
		seg := ss.Segment()
		offsets[i] = running
		running += seg.Count()
		live[seg] = true
		if c, ok := fc.segments[seg]; ok {
			out[i] = c
			continue
		}
		c := &segColumns{ords: make([][]uint16, len(FacetFields))}
		for f, field := range FacetFields {
			ords := make([]uint16, seg.Count())
			dict, err := seg.Dictionary(field)
			if err != nil {
				return nil, nil, err
			}
			it := dict.AutomatonIterator(matchAll{}, nil, nil)
			for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
				if err != nil {
					return nil, nil, err
				}
				o := fc.ordinal(f, e.Term)
				pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
				if err != nil {
					return nil, nil, err
				}
				pi := pl.Iterator(false, false, false, nil)
				for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
					if err != nil {
						return nil, nil, err
					}
					if n := p.Number(); n < uint64(len(ords)) {
						ords[n] = o
					}
				}
			}
			c.ords[f] = ords
		}
		fc.segments[seg] = c
		out[i] = c
	}
	// Forget segments merged away (once the cache holds clearly more than
	// the index has; a search on an older snapshot just rebuilds them).
	if len(fc.segments) > 2*len(segs)+8 {
		for k := range fc.segments {
			if !live[k] {
				delete(fc.segments, k)
			}
		}
	}
	return out, offsets, nil
}

// facetCounter counts one search's hits by facet value.
type facetCounter struct {
	fc      *facetColumns
	ok      bool // the index was a scorch snapshot and the arrays were built
	cols    []*segColumns
	offsets []uint64
	counts  [][]int // per facet field, by ordinal
	cur     int     // segment of the last hit (hits come in document order)
}

func (c *facetCounter) count(d *search.DocumentMatch) {
	if len(d.IndexInternalID) != 8 {
		return
	}
	n := binary.BigEndian.Uint64(d.IndexInternalID)
	if c.cur >= len(c.offsets) || n < c.offsets[c.cur] || (c.cur+1 < len(c.offsets) && n >= c.offsets[c.cur+1]) {
		c.cur = sort.Search(len(c.offsets), func(i int) bool { return c.offsets[i] > n }) - 1
		if c.cur < 0 {
			c.cur = 0
			return
		}
	}
	local := n - c.offsets[c.cur]
	for f, ords := range c.cols[c.cur].ords {
		if local < uint64(len(ords)) {
			if o := ords[local]; o > 0 {
				for int(o) >= len(c.counts[f]) {
					c.counts[f] = append(c.counts[f], 0)
				}
				c.counts[f][o]++
			}
		}
	}
}

// result returns the counts as the API shows them: per field the top
// size values by count (ties by value), years in order.
func (c *facetCounter) result(size int) map[string][]FacetValue {
	c.fc.mu.Lock()
	defer c.fc.mu.Unlock()
	out := map[string][]FacetValue{}
	for f, field := range FacetFields {
		vals := []FacetValue{}
		for o, n := range c.counts[f] {
			if o > 0 && n > 0 && c.fc.values[f][o-1] != "" {
				vals = append(vals, FacetValue{Value: c.fc.values[f][o-1], Count: n})
			}
		}
		slices.SortFunc(vals, func(a, b FacetValue) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(vals) > size {
			vals = vals[:size]
		}
		if field == FieldYear {
			slices.SortFunc(vals, func(a, b FacetValue) int { return strings.Compare(a.Value, b.Value) })
		}
		out[field] = vals
	}
	return out
}
