// Package index is the portal's full-text index of report narratives, built
// on Bleve. It is derived from the store and can always be rebuilt from it:
// every batch it applies carries the store's change-log position, persisted
// atomically with the documents, so after a crash the index knows exactly
// where to resume.
package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/investigation-portal/portal/internal/portal"
)

// Index is an open search index. Its methods are safe for concurrent use.
type Index struct {
	bleve    bleve.Index
	path     string
	synonyms atomic.Pointer[Synonyms]
	// applied counts batches applied, so caches of field values know when
	// they are stale.
	applied atomic.Int64
	kwCache atomic.Pointer[kwCache]
	// columns caches, per segment, the values of the fields searches read
	// for every hit: facets and locations (columns.go).
	columns columns
}

// Field names in the index.
const (
	FieldNarrative    = "narrative"
	FieldSuspect      = "suspect_description"
	FieldOffence      = "offence"
	FieldBorough      = "borough"
	FieldLocationType = "location_type"
	FieldUnit         = "unit"
	FieldRestricted   = "restricted"
	FieldOccurredAt   = "occurred_at"
	FieldReportedAt   = "reported_at"
	FieldHour         = "hour"
	FieldYear         = "year"
	FieldLocation     = "location"
	FieldVictimAge    = "victim_age"
	FieldVersion      = "version"
	FieldCreatedAt    = "created_at" // when the store first saw the report
)

// TextFields are the free-text fields a plain query searches.
var TextFields = []string{FieldNarrative, FieldSuspect}

// seqKey is the internal key under which the last applied change-log
// position is stored.
var seqKey = []byte("portal.change_seq")

// mappingVersion changes whenever the mapping below changes, so that an
// index built with an older mapping is rebuilt rather than half-used.
const mappingVersion = "4" // 2: no doc values or _all on text; 3: created_at, for saved-search alerts; 4: no _all field at all

var mappingKey = []byte("portal.mapping_version")

// ErrStale means the index on disk was built with another mapping.
var ErrStale = errors.New("index: built with an older mapping; run reindex")

// scorchConfig lets a batch return once it is searchable, before it is on
// disk: the persister then writes several batches as one segment, which is
// what makes bulk imports fast. It is safe here because the index is
// derived: the change-log position is persisted in the same snapshot as
// the documents it covers, so after a crash the index resumes from what
// actually reached the disk.
var scorchConfig = map[string]interface{}{"unsafe_batch": true}

// Open opens the index at path, creating it if it does not exist.
func Open(path string) (*Index, error) {
	b, err := bleve.OpenUsing(path, scorchConfig)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, scorchConfig)
		if err == nil {
			err = b.SetInternal(mappingKey, []byte(mappingVersion))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	v, err := b.GetInternal(mappingKey)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	if string(v) != mappingVersion {
		b.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, ErrStale)
	}
	return &Index{bleve: b, path: path}, nil
}

// Remove deletes the index at path, so that Open creates a fresh one.
func Remove(path string) error {
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("index: remove %s: %w", path, err)
	}
	return nil
}

// Close flushes and closes the index.
func (x *Index) Close() error { return x.bleve.Close() }

// Bleve exposes the underlying index to packages that build their own
// queries on it (linkage).
func (x *Index) Bleve() bleve.Index { return x.bleve }

func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName // possessives, lower case, stop words, Porter stemming
	text.Store = true               // highlighting needs the original text
	text.IncludeTermVectors = true  // and the positions of the terms (phrases too)
	text.DocValues = false          // never sorted or faceted on: doc values would only cost space
	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = true
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	num := bleve.NewNumericFieldMapping()
	num.Store = true
	geo := bleve.NewGeoPointFieldMapping()
	geo.Store = true
	boolean := bleve.NewBooleanFieldMapping()
	boolean.Store = true

	// No field goes into Bleve's composite _all field: every query names
	// its fields, and _all would index every word a second time.
	for _, f := range []*mapping.FieldMapping{text, kw, date, num, geo, boolean} {
		f.IncludeInAll = false
	}

	doc := bleve.NewDocumentStaticMapping()
	// Without this Bleve still builds an (empty) _all composite field for
	// every document: 8% of indexing time for nothing.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	doc.AddFieldMappingsAt(FieldNarrative, text)
	doc.AddFieldMappingsAt(FieldSuspect, text)
	for _, f := range []string{FieldOffence, FieldBorough, FieldLocationType, FieldUnit, FieldYear} {
		doc.AddFieldMappingsAt(f, kw)
	}
	doc.AddFieldMappingsAt(FieldOccurredAt, date)
	doc.AddFieldMappingsAt(FieldReportedAt, date)
	doc.AddFieldMappingsAt(FieldCreatedAt, date)
	doc.AddFieldMappingsAt(FieldHour, num)
	doc.AddFieldMappingsAt(FieldVictimAge, num)
	doc.AddFieldMappingsAt(FieldVersion, num)
	doc.AddFieldMappingsAt(FieldLocation, geo)
	doc.AddFieldMappingsAt(FieldRestricted, boolean)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// document is what the index keeps of a report.
type document struct {
	Narrative    string     `json:"narrative"`
	Suspect      string     `json:"suspect_description,omitempty"`
	Offence      string     `json:"offence"`
	Borough      string     `json:"borough,omitempty"`
	LocationType string     `json:"location_type,omitempty"`
	Unit         string     `json:"unit,omitempty"`
	Restricted   bool       `json:"restricted"`
	OccurredAt   time.Time  `json:"occurred_at"`
	ReportedAt   *time.Time `json:"reported_at,omitempty"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
	Hour         float64    `json:"hour"`
	Year         string     `json:"year"`
	Location     []float64  `json:"location,omitempty"` // [lon, lat], GeoJSON order
	VictimAge    *float64   `json:"victim_age,omitempty"`
	Version      float64    `json:"version"`
}

func toDocument(r *portal.Report) document {
	d := document{
		Narrative: r.Narrative, Suspect: r.SuspectDescription, Offence: r.Offence,
		Borough: r.Borough, LocationType: r.LocationType, Unit: r.Unit, Restricted: r.Restricted,
		OccurredAt: r.OccurredAt.UTC(), ReportedAt: r.ReportedAt,
		Hour: float64(r.OccurredAt.UTC().Hour()), Year: r.OccurredAt.UTC().Format("2006"),
		Version: float64(r.Version),
	}
	if !r.CreatedAt.IsZero() {
		t := r.CreatedAt.UTC()
		d.CreatedAt = &t
	}
	if r.HasLocation() {
		d.Location = []float64{*r.Lon, *r.Lat}
	}
	if r.VictimAge != nil {
		a := float64(*r.VictimAge)
		d.VictimAge = &a
	}
	return d
}

// Apply indexes the given reports, removes the given ids and records seq as
// the change-log position reached, all in one batch. The batch is
// searchable when Apply returns; with durable set, Apply also waits until
// it (and everything before it) is on disk.
func (x *Index) Apply(ctx context.Context, reports []portal.Report, deleted []string, seq int64, durable bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := x.bleve.NewBatch()
	for i := range reports {
		if err := b.Index(reports[i].ID, toDocument(&reports[i])); err != nil {
			return fmt.Errorf("index: report %s: %w", reports[i].ID, err)
		}
	}
	for _, id := range deleted {
		b.Delete(id)
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(seq))
	b.SetInternal(seqKey, buf[:])
	var persisted chan error
	if durable {
		persisted = make(chan error, 1)
		b.SetPersistedCallback(func(err error) { persisted <- err })
	}
	if err := x.bleve.Batch(b); err != nil {
		return fmt.Errorf("index: apply batch to %d: %w", seq, err)
	}
	x.applied.Add(1)
	if durable {
		if err := <-persisted; err != nil {
			return fmt.Errorf("index: persist batch to %d: %w", seq, err)
		}
	}
	return nil
}

// Seq returns the change-log position the index has reached.
func (x *Index) Seq() (int64, error) {
	v, err := x.bleve.GetInternal(seqKey)
	if err != nil {
		return 0, fmt.Errorf("index: seq: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// Count returns how many reports are indexed.
func (x *Index) Count() (int, error) {
	n, err := x.bleve.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return int(n), nil
}

// Versions returns every indexed report's id and version, paging through
// the index in id order.
func (x *Index) Versions(ctx context.Context) (map[string]int64, error) {
	out := make(map[string]int64)
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10000, 0, false)
		req.Fields = []string{FieldVersion}
		req.SortBy([]string{"_id"})
		req.SearchAfter = after
		res, err := x.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index: versions: %w", err)
		}
		for _, h := range res.Hits {
			v, _ := h.Fields[FieldVersion].(float64)
			out[h.ID] = int64(v)
		}
		if len(res.Hits) < 10000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// Path is where the index lives on disk.
func (x *Index) Path() string { return x.path }

// Compact merges the index's segments into one. A bulk load (reindex, a
// large import) leaves hundreds of small segments, and every search pays
// for each of them (a dictionary look-up and postings set-up per term per
// segment): at 1,000,000 reports built in batches of 1000 the index had
// 424 segments. Searches keep running while it works.
func (x *Index) Compact(ctx context.Context) error {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	if err := s.ForceMerge(ctx, &opts); err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	return nil
}

// Segments returns how many segments the index has (see Compact).
func (x *Index) Segments() int {
	if st, ok := x.bleve.StatsMap()["index"].(map[string]interface{}); ok {
		if n, ok := st["num_root_filesegments"].(uint64); ok {
			return int(n)
		}
	}
	return 0
}
