package index

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Per-segment columns.
//
// Some questions a search asks of every hit are about one small field: its
// borough, offence, year and place type (facets), its location (a
// radius). Bleve answers them from doc values, a compressed chunk decoded
// per document. Scorch segments are immutable, so instead each segment
// gets, the first time a search needs it, an array from the segment's
// document number to the value, built from the field's term dictionary;
// a hit then costs an array read.

// columns caches the arrays of each segment (keyed by the segment itself,
// so a segment merged away is simply no longer asked for) and the value
// of each facet ordinal.
type columns struct {
	mu       sync.Mutex
	segments map[any]*segColumns
	values   [][]string          // per facet field: ordinal-1 → value
	ordinals []map[string]uint16 // per facet field: value → ordinal (0: none)
}

type segColumns struct {
	ords   [][]uint16 // per facet field, by local document number; nil until needed
	points []uint64   // the location's morton hash by local document number, noPoint if none; nil until needed
	dates  []uint64   // occurred_at as an order-preserving key (dateKey) by local document number; nil until needed
}

// noPoint marks a report without a location in segColumns.points.
const noPoint = math.MaxUint64

// matchAll is a segment automaton that accepts every term.
type matchAll struct{}

func (matchAll) Start() int               { return 0 }
func (matchAll) IsMatch(int) bool         { return true }
func (matchAll) CanMatch(int) bool        { return true }
func (matchAll) WillAlwaysMatch(int) bool { return true }
func (matchAll) Accept(int, byte) int     { return 0 }

// Which columns a search needs.
const (
	needFacets = 1 << iota
	needPoints
	needDates
)

// get returns the columns of the snapshot's segments, building those it
// lacks, with a locator from the snapshot's document numbers to them.
func (c *columns) get(snap *scorch.IndexSnapshot, need int) ([]*segColumns, *docLocator, error) {
	segs := snap.Segments()
	out := make([]*segColumns, len(segs))
	loc := &docLocator{offsets: make([]uint64, len(segs))}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.segments == nil {
		c.segments = map[any]*segColumns{}
	}
	var running uint64
	live := make(map[any]bool, len(segs))
	for i, ss := range segs {
		seg := ss.Segment()
		loc.offsets[i] = running
		running += seg.Count()
		live[seg] = true
		sc := c.segments[seg]
		if sc == nil {
			sc = &segColumns{}
			c.segments[seg] = sc
		}
		if need&needFacets != 0 && sc.ords == nil {
			ords, err := c.facetOrdinals(seg)
			if err != nil {
				return nil, nil, err
			}
			sc.ords = ords
		}
		if need&needPoints != 0 && sc.points == nil {
			pts, err := numericColumn(seg, FieldLocation, noPoint, func(v int64) uint64 { return uint64(v) })
			if err != nil {
				return nil, nil, err
			}
			sc.points = pts
		}
		if need&needDates != 0 && sc.dates == nil {
			dates, err := numericColumn(seg, FieldOccurredAt, 0, dateKey)
			if err != nil {
				return nil, nil, err
			}
			sc.dates = dates
		}
		out[i] = sc
	}
	// Forget segments merged away (once the cache holds clearly more than
	// the index has; a search on an older snapshot just rebuilds them).
	if len(c.segments) > 2*len(segs)+8 {
		for k := range c.segments {
			if !live[k] {
				delete(c.segments, k)
			}
		}
	}
	return out, loc, nil
}

// ordinal returns the ordinal of value v of facet field f, assigning the
// next one to a value not seen before. The caller holds c.mu.
func (c *columns) ordinal(f int, v string) uint16 {
	if c.ordinals == nil {
		c.ordinals = make([]map[string]uint16, len(FacetFields))
		c.values = make([][]string, len(FacetFields))
		for i := range c.ordinals {
			c.ordinals[i] = map[string]uint16{}
		}
	}
	if o, ok := c.ordinals[f][v]; ok {
		return o
	}
	if len(c.values[f]) >= 1<<16-2 {
		return 0 // far more values than a facet field has; not counted
	}
	c.values[f] = append(c.values[f], v)
	o := uint16(len(c.values[f]))
	c.ordinals[f][v] = o
	return o
}

// facetOrdinals builds a segment's arrays of facet value ordinals.
func (c *columns) facetOrdinals(seg segment.Segment) ([][]uint16, error) {
	out := make([][]uint16, len(FacetFields))
	for f, field := range FacetFields {
		ords := make([]uint16, seg.Count())
		err := eachPosting(seg, field, nil, nil, func(term []byte, n uint64) {
			if n < uint64(len(ords)) {
				ords[n] = c.ordinal(f, string(term))
			}
		})
		if err != nil {
			return nil, fmt.Errorf("index: facet column %s: %w", field, err)
		}
		out[f] = ords
	}
	return out, nil
}

// numericColumn builds a segment's array of a numeric, date or geo
// field's values, key(v) by local document number and missing where a
// document has none. Such a field is indexed prefix-coded at several
// precisions; the full-precision terms (shift 0) name the value itself (a
// location's morton hash, a date's Unix nanoseconds).
func numericColumn(seg segment.Segment, field string, missing uint64, key func(int64) uint64) ([]uint64, error) {
	col := make([]uint64, seg.Count())
	if missing != 0 {
		for i := range col {
			col[i] = missing
		}
	}
	from := []byte{numeric.ShiftStartInt64}
	to := []byte{numeric.ShiftStartInt64 + 1}
	err := eachPosting(seg, field, from, to, func(term []byte, n uint64) {
		if v, err := numeric.PrefixCoded(term).Int64(); err == nil && n < uint64(len(col)) {
			col[n] = key(v)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("index: %s column: %w", field, err)
	}
	return col, nil
}

// dateKey maps Unix nanoseconds to an unsigned key in the same order
// (dates before 1970 included); 0 is below every date.
func dateKey(nanos int64) uint64 { return uint64(nanos) ^ 1<<63 }

// eachPosting calls fn with every term of field in [from, to) (all terms
// when nil) and each document number in its postings.
func eachPosting(seg segment.Segment, field string, from, to []byte, fn func(term []byte, n uint64)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return err
	}
	it := dict.AutomatonIterator(matchAll{}, from, to)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
		if err != nil {
			return err
		}
		term := []byte(e.Term)
		if pl, err = dict.PostingsList(term, nil, pl); err != nil {
			return err
		}
		pi = pl.Iterator(false, false, false, pi)
		for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
			if err != nil {
				return err
			}
			fn(term, p.Number())
		}
	}
	return nil
}

// docLocator finds the segment and local number of a snapshot's document.
type docLocator struct {
	offsets []uint64 // each segment's first document number in the snapshot
	cur     int      // the segment of the last look-up: hits come in order
}

func (l *docLocator) locate(id []byte) (seg int, local uint64, ok bool) {
	if len(id) != 8 || len(l.offsets) == 0 {
		return 0, 0, false
	}
	n := binary.BigEndian.Uint64(id)
	if l.cur >= len(l.offsets) || n < l.offsets[l.cur] || (l.cur+1 < len(l.offsets) && n >= l.offsets[l.cur+1]) {
		l.cur = sort.Search(len(l.offsets), func(i int) bool { return l.offsets[i] > n }) - 1
		if l.cur < 0 {
			l.cur = 0
			return 0, 0, false
		}
	}
	return l.cur, n - l.offsets[l.cur], true
}
