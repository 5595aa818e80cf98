package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/portal"
)

// segmentedIndex indexes n generated reports (version 1, units alternating
// between SOIT-South and SOIT-North) in batches of batch, so the index has
// many segments.
func segmentedIndex(t *testing.T, seed uint64, n, batch int) (*Index, *corpus.Corpus) {
	t.Helper()
	c, err := corpus.New(corpus.Options{Seed: seed, Reports: n})
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(filepath.Join(t.TempDir(), "ix"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	for i := range c.Reports {
		c.Reports[i].Version = 1
		c.Reports[i].Unit = []string{"SOIT-South", "SOIT-North"}[i%2]
	}
	for start := 0; start < len(c.Reports); start += batch {
		if err := x.Apply(context.Background(), c.Reports[start:min(start+batch, n)], nil, int64(start+1), false); err != nil {
			t.Fatal(err)
		}
	}
	return x, c
}

// TestFacetCountsMatchBleve checks the per-segment facet arrays against
// Bleve's own doc-value facets, over an index of many segments in which
// reports were then changed (moved to another borough, restricted) and
// deleted, for several queries and viewers, and again after the segments
// were merged.
func TestFacetCountsMatchBleve(t *testing.T) {
	ctx := context.Background()
	x, c := segmentedIndex(t, 3, 3000, 200)
	// Changes after the facet arrays of the first segments were built.
	check := func(stage string) {
		t.Helper()
		for _, q := range []string{"", "male", `"the suspect"`, "hand mouth", "offence:exposure", "borough:Lambeth OR borough:Camden"} {
			for _, v := range []Viewer{{Unit: "SOIT-South"}, {Unit: "SOIT-North"}, {}, {All: true}} {
				res, err := x.Search(ctx, Request{Query: q, Facets: true, Viewer: v, NoHighlight: true})
				if err != nil {
					t.Fatal(err)
				}
				parsed, err := x.Parser().Parse(q)
				if err != nil {
					t.Fatal(err)
				}
				req := bleve.NewSearchRequestOptions(visible(parsed.Query, v), 0, 0, false)
				for _, f := range FacetFields {
					req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
				}
				want, err := x.all.SearchInContext(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != int(want.Total) {
					t.Fatalf("%s %q %+v: total %d, Bleve %d", stage, q, v, res.Total, want.Total)
				}
				for _, f := range FacetFields {
					var w []string
					for _, tf := range want.Facets[f].Terms.Terms() {
						if tf.Term != "" {
							w = append(w, fmt.Sprintf("%s=%d", tf.Term, tf.Count))
						}
					}
					var g []string
					for _, fv := range res.Facets[f] {
						g = append(g, fmt.Sprintf("%s=%d", fv.Value, fv.Count))
					}
					slices.Sort(w)
					slices.Sort(g)
					if !reflect.DeepEqual(g, w) {
						t.Fatalf("%s %q %+v: facet %s\n got  %s\n want %s", stage, q, v, f, strings.Join(g, " "), strings.Join(w, " "))
					}
				}
			}
		}
	}
	check("fresh")
	var changed []portal.Report
	for i := 0; i < len(c.Reports); i += 7 {
		r := c.Reports[i]
		r.Borough, r.Restricted, r.Version = "Camden", i%2 == 0, 2
		changed = append(changed, r)
	}
	var deleted []string
	for i := 3; i < len(c.Reports); i += 11 {
		deleted = append(deleted, c.Reports[i].ID)
	}
	if err := x.Apply(ctx, changed, deleted, 100000, true); err != nil {
		t.Fatal(err)
	}
	check("changed")
	if err := x.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}
