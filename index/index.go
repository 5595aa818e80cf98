// Package index is the portal's full-text index of report narratives, built
// on Bleve. It is derived from the store and can always be rebuilt from it:
// every batch it applies carries the store's change-log position, persisted
// atomically with the documents, so after a crash the index knows exactly
// where to resume.
//
// The reports are spread over a few Bleve indexes (shards) by a hash of
// their id, and a search runs on all of them at once: Bleve walks one
// index's postings on one goroutine, so on a machine of two cores one index
// left half of it idle while an investigator waited.
package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
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
	shards []bleve.Index
	// all is the shards as one Bleve index, for what is not worth running
	// shard by shard (highlights of a page, counts, linkage's queries).
	all      bleve.IndexAlias
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
const mappingVersion = "5" // 2: no doc values or _all on text; 3: created_at, for saved-search alerts; 4: no _all field at all; 5: shards

// shardCount is how many Bleve indexes hold the reports. A search costs
// about 1/shardCount of its time on as many idle cores; more shards than
// cores gain nothing and cost each search a merge.
const shardCount = 2

// shardOf says which shard holds the report with this id.
func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % shardCount)
}

var mappingKey = []byte("portal.mapping_version")

// ErrStale means the index on disk was built with another mapping.
var ErrStale = errors.New("index: built with an older mapping; run reindex")

// scorchConfig lets a batch return once it is searchable, before it is on
// disk: the persister then writes several batches as one segment, which is
// what makes bulk imports fast. It is safe here because the index is
// derived: the change-log position is persisted in the same snapshot as
// the documents it covers, so after a crash the index resumes from what
// actually reached the disk.
//
// A new map each time: Bleve writes the index's own path into the map it
// is given, so a shared one would send the next shard to the last one's
// files.
func scorchConfig() map[string]interface{} { return map[string]interface{}{"unsafe_batch": true} }

// Open opens the index at path, creating it if it does not exist. An
// index of another layout or mapping, or with shards missing, is stale.
func Open(path string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err == nil {
		return nil, fmt.Errorf("index: open %s: one index, not shards: %w", path, ErrStale)
	}
	var shards []bleve.Index
	fail := func(err error) (*Index, error) {
		for _, b := range shards {
			b.Close()
		}
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	created := 0
	for i := range shardCount {
		b, fresh, err := openShard(filepath.Join(path, fmt.Sprintf("shard-%d", i)))
		if err != nil {
			return fail(err)
		}
		shards = append(shards, b)
		if fresh {
			created++
		}
	}
	if created != 0 && created != shardCount {
		return fail(fmt.Errorf("%d of %d shards were missing: %w", created, shardCount, ErrStale))
	}
	return &Index{shards: shards, all: bleve.NewIndexAlias(shards...), path: path}, nil
}

// openShard opens or creates one shard, checking its mapping version.
func openShard(path string) (b bleve.Index, fresh bool, err error) {
	b, err = bleve.OpenUsing(path, scorchConfig())
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		fresh = true
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, scorchConfig())
		if err == nil {
			if err = b.SetInternal(mappingKey, []byte(mappingVersion)); err != nil {
				b.Close()
			}
		}
	}
	if err != nil {
		return nil, false, err
	}
	v, err := b.GetInternal(mappingKey)
	if err == nil && string(v) != mappingVersion {
		err = ErrStale
	}
	if err != nil {
		b.Close()
		return nil, false, err
	}
	return b, fresh, nil
}

// eachShard runs fn on every shard at once and returns the first error.
func (x *Index) eachShard(fn func(i int, b bleve.Index) error) error {
	errs := make([]error, len(x.shards))
	var wg sync.WaitGroup
	for i, b := range x.shards {
		wg.Go(func() { errs[i] = fn(i, b) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Remove deletes the index at path, so that Open creates a fresh one.
func Remove(path string) error {
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("index: remove %s: %w", path, err)
	}
	return nil
}

// Close flushes and closes the index.
func (x *Index) Close() error {
	var errs []error
	for _, b := range x.shards {
		errs = append(errs, b.Close())
	}
	return errors.Join(errs...)
}

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
// the change-log position reached, all in one batch per shard. The batch is
// searchable when Apply returns; with durable set, Apply also waits until
// it (and everything before it) is on disk.
//
// Each shard records seq with its own part of the batch, and the index's
// position is the lowest of them (Seq): after a crash between two shards'
// writes, the change log is replayed from the shard that is behind, which
// re-indexes what the other already had, changing nothing.
func (x *Index) Apply(ctx context.Context, reports []portal.Report, deleted []string, seq int64, durable bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	batches := make([]*bleve.Batch, len(x.shards))
	for i, b := range x.shards {
		batches[i] = b.NewBatch()
	}
	for i := range reports {
		if err := batches[shardOf(reports[i].ID)].Index(reports[i].ID, toDocument(&reports[i])); err != nil {
			return fmt.Errorf("index: report %s: %w", reports[i].ID, err)
		}
	}
	for _, id := range deleted {
		batches[shardOf(id)].Delete(id)
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(seq))
	err := x.eachShard(func(i int, b bleve.Index) error {
		batch := batches[i]
		batch.SetInternal(seqKey, buf[:])
		var persisted chan error
		if durable {
			persisted = make(chan error, 1)
			batch.SetPersistedCallback(func(err error) { persisted <- err })
		}
		if err := b.Batch(batch); err != nil {
			return fmt.Errorf("index: apply batch to %d: %w", seq, err)
		}
		if durable {
			if err := <-persisted; err != nil {
				return fmt.Errorf("index: persist batch to %d: %w", seq, err)
			}
		}
		return nil
	})
	x.applied.Add(1)
	return err
}

// Seq returns the change-log position the index has reached: the lowest
// of its shards'.
func (x *Index) Seq() (int64, error) {
	var low int64 = -1
	for _, b := range x.shards {
		v, err := b.GetInternal(seqKey)
		if err != nil {
			return 0, fmt.Errorf("index: seq: %w", err)
		}
		var seq int64
		if len(v) == 8 {
			seq = int64(binary.BigEndian.Uint64(v))
		}
		if low < 0 || seq < low {
			low = seq
		}
	}
	return max(low, 0), nil
}

// Count returns how many reports are indexed.
func (x *Index) Count() (int, error) {
	n, err := x.all.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return int(n), nil
}

// Versions returns every indexed report's id and version, paging through
// each shard in id order.
func (x *Index) Versions(ctx context.Context) (map[string]int64, error) {
	out := make(map[string]int64)
	for _, b := range x.shards {
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10000, 0, false)
			req.Fields = []string{FieldVersion}
			req.SortBy([]string{"_id"})
			req.SearchAfter = after
			res, err := b.SearchInContext(ctx, req)
			if err != nil {
				return nil, fmt.Errorf("index: versions: %w", err)
			}
			for _, h := range res.Hits {
				v, _ := h.Fields[FieldVersion].(float64)
				out[h.ID] = int64(v)
			}
			if len(res.Hits) < 10000 {
				break
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}
	return out, nil
}

// Path is where the index lives on disk.
func (x *Index) Path() string { return x.path }

// Compact merges each shard's segments into one. A bulk load (reindex, a
// large import) leaves hundreds of small segments, and every search pays
// for each of them (a dictionary look-up and postings set-up per term per
// segment): at 1,000,000 reports built in batches of 1000 the index had
// 424 segments. Searches keep running while it works.
func (x *Index) Compact(ctx context.Context) error {
	return x.eachShard(func(_ int, b bleve.Index) error {
		adv, err := b.Advanced()
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
	})
}

// Segments returns how many segments the index has (see Compact).
func (x *Index) Segments() int {
	n := 0
	for _, b := range x.shards {
		if st, ok := b.StatsMap()["index"].(map[string]interface{}); ok {
			if k, ok := st["num_root_filesegments"].(uint64); ok {
				n += int(k)
			}
		}
	}
	return n
}

// Bleve returns the shards as one Bleve index with term statistics, for
// packages that build their own Bleve queries (linkage).
func (x *Index) Bleve() *Shards { return &Shards{IndexAlias: x.all, x: x} }

// Shards is the index seen as one Bleve index.
type Shards struct {
	bleve.IndexAlias
	x *Index
}

// DocFreqs returns how many reports hold each term in field.
func (s *Shards) DocFreqs(ctx context.Context, field string, terms []string) ([]uint64, error) {
	out := make([]uint64, len(terms))
	for _, b := range s.x.shards {
		adv, err := b.Advanced()
		if err != nil {
			return nil, fmt.Errorf("index: doc freqs: %w", err)
		}
		r, err := adv.Reader()
		if err != nil {
			return nil, fmt.Errorf("index: doc freqs: %w", err)
		}
		for i, t := range terms {
			tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("index: doc freq of %q: %w", t, err)
			}
			out[i] += tfr.Count()
			tfr.Close()
		}
		r.Close()
	}
	return out, nil
}
