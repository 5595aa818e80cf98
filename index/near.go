package index

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// nearQuery matches reports within Km of a point.
//
// Bleve's distance query runs over the geohash cells that cover the
// circle's bounding box and checks each report in them against the
// circle by decoding its doc values. In a conjunction that check runs on
// every report of the cells, not only on those the other clauses match:
// at 1,000,000 London reports, "word near:…,2km" spent most of its time
// there. This query takes the same cells (one bitmap union when
// unscored, as a filter is) and checks the distance against the segment's
// column of locations (columns.go).
type nearQuery struct {
	Lat, Lon, Km float64
}

// NearQuery matches reports within km of a point.
func NearQuery(lat, lon, km float64) *nearQuery { return &nearQuery{Lat: lat, Lon: lon, Km: km} }

// columnsKey carries the index's column cache in a search's context, for
// the queries that read columns.
type columnsKey struct{}

func withColumns(ctx context.Context, c *columns) context.Context {
	return context.WithValue(ctx, columnsKey{}, c)
}

func (q *nearQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	cols, _ := ctx.Value(columnsKey{}).(*columns)
	snap, ok := r.(*scorch.IndexSnapshot)
	if cols == nil || !ok {
		b := bleve.NewGeoDistanceQuery(q.Lon, q.Lat, strconv.FormatFloat(q.Km, 'f', -1, 64)+"km")
		b.SetField(FieldLocation)
		return b.Searcher(ctx, r, m, options)
	}
	segs, loc, err := cols.get(snap, needPoints)
	if err != nil {
		return nil, err
	}
	tlLon, tlLat, brLon, brLat, err := geo.RectFromPointDistance(q.Lon, q.Lat, q.Km*1000)
	if err != nil {
		return nil, fmt.Errorf("index: near %g,%g: %w", q.Lat, q.Lon, err)
	}
	boxes := [][4]float64{{tlLon, brLat, brLon, tlLat}} // minLon, minLat, maxLon, maxLat
	if brLon < tlLon {                                  // across the date line
		boxes = [][4]float64{{-180, brLat, brLon, tlLat}, {tlLon, brLat, 180, tlLat}}
	}
	var terms [][]byte
	for _, b := range boxes {
		on, off, err := searcher.ComputeGeoRange(ctx, 0, searcher.GeoBitsShift1Minus1, b[0], b[1], b[2], b[3], false, r, FieldLocation)
		if err != nil {
			return nil, fmt.Errorf("index: near %g,%g: %w", q.Lat, q.Lon, err)
		}
		terms = append(append(terms, on...), off...)
	}
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	cells, err := searcher.NewMultiTermSearcherBytes(ctx, r, terms, FieldLocation, 1.0, options, false)
	if err != nil {
		return nil, err
	}
	return searcher.NewFilteringSearcher(ctx, cells, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		seg, local, ok := loc.locate(d.IndexInternalID)
		if !ok || local >= uint64(len(segs[seg].points)) {
			return false
		}
		h := segs[seg].points[local]
		return h != noPoint && geo.Haversin(geo.MortonUnhashLon(h), geo.MortonUnhashLat(h), q.Lon, q.Lat) <= q.Km
	}), nil
}
