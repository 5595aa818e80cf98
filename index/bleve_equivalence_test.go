package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/investigation-portal/portal/internal/portal"
)

// TestOwnSearchersMatchBleve checks the searchers that replace Bleve's own
// for speed (phraseQuery, nearQuery, the collector that ranks hits by
// score or by the date column) against Bleve's phrase, term and
// geo-distance queries and its sorts, over an index of many
// segments in which reports were then changed and deleted: the same
// reports must match, and the hits must come in the same order as Bleve
// sorts them (score, then id).
func TestOwnSearchersMatchBleve(t *testing.T) {
	ctx := context.Background()
	x, c := segmentedIndex(t, 5, 3000, 300)
	var changed []portal.Report
	for i := 0; i < len(c.Reports); i += 13 {
		r := c.Reports[i]
		r.Narrative, r.Version = "He put his hand over her mouth and his hand on her hand.", 2
		changed = append(changed, r)
	}
	var deleted []string
	for i := 5; i < len(c.Reports); i += 17 {
		deleted = append(deleted, c.Reports[i].ID)
	}
	if err := x.Apply(ctx, changed, deleted, 100000, true); err != nil {
		t.Fatal(err)
	}

	all := Viewer{All: true}
	same := func(label string, q string, ref query.Query) {
		t.Helper()
		sort, bleveSort := SortRelevance, []string{"-_score", "_id"}
		switch label {
		case "newest":
			sort, bleveSort = SortNewest, []string{"-" + FieldOccurredAt, "_id"}
		case "oldest":
			sort, bleveSort = SortOldest, []string{FieldOccurredAt, "_id"}
		}
		res, err := x.Search(ctx, Request{Query: q, Viewer: all, Limit: MaxLimit, NoHighlight: true, Sort: sort})
		if err != nil {
			t.Fatalf("%s %q: %v", label, q, err)
		}
		req := bleve.NewSearchRequestOptions(ref, MaxLimit, 0, false)
		req.SortBy(bleveSort)
		want, err := x.all.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != int(want.Total) {
			t.Fatalf("%s %q: %d hits, Bleve %d", label, q, res.Total, want.Total)
		}
		var got, exp []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		for _, h := range want.Hits {
			exp = append(exp, h.ID)
		}
		if label == "radius" { // unscored (Bleve scores it): compare the sets
			if res.Total > MaxLimit {
				return // the top MaxLimit differ by score; the totals agreed
			}
			slices.Sort(got)
			slices.Sort(exp)
		}
		for i := range min(len(got), len(exp)) {
			if got[i] != exp[i] {
				t.Fatalf("%s %q: hit %d is %s, Bleve's %s", label, q, i, got[i], exp[i])
			}
		}
		if len(got) != len(exp) {
			t.Fatalf("%s %q: %d hits, Bleve %d", label, q, len(got), len(exp))
		}
	}

	rng := rand.New(rand.NewPCG(5, 5))
	phrases := []string{"hand over her mouth", "hand on her hand", "his hand"}
	for len(phrases) < 120 {
		r := c.Reports[rng.IntN(len(c.Reports))]
		words := strings.FieldsFunc(r.Narrative, func(r rune) bool { return !unicode.IsLetter(r) })
		k := 2 + rng.IntN(3)
		if len(words) < k {
			continue
		}
		s := rng.IntN(len(words) - k + 1)
		phrases = append(phrases, strings.ToLower(strings.Join(words[s:s+k], " ")))
	}
	x.SetSynonyms(nil)
	for _, p := range phrases {
		terms := positions(p)
		if len(terms) < 2 {
			continue
		}
		var ref []query.Query
		for _, f := range TextFields {
			ref = append(ref, bleve.NewPhraseQuery(terms, f))
		}
		same("phrase", `"`+p+`"`, bleve.NewDisjunctionQuery(ref...))
	}

	// Date orders come from the date column, ties broken by id.
	for _, p := range phrases[:30] {
		ts := positions(p)
		if len(ts) == 0 {
			continue
		}
		w := ts[0]
		var ref []query.Query
		for _, f := range TextFields {
			tq := bleve.NewTermQuery(w)
			tq.SetField(f)
			ref = append(ref, tq)
		}
		same("newest", w, bleve.NewDisjunctionQuery(ref...))
		same("oldest", w, bleve.NewDisjunctionQuery(ref...))
	}

	for n := 0; n < 40; {
		r := c.Reports[rng.IntN(len(c.Reports))]
		if !r.HasLocation() {
			continue
		}
		n++
		km := []float64{0.2, 0.5, 1, 3}[n%4]
		ref := bleve.NewGeoDistanceQuery(*r.Lon, *r.Lat, strconv.FormatFloat(km, 'f', -1, 64)+"km")
		ref.SetField(FieldLocation)
		same("radius", fmt.Sprintf("near:%.6f,%.6f,%gkm", *r.Lat, *r.Lon, km), ref)
	}
}

// TestPhraseHighlightsOnlyThePhrase: the words of a phrase are marked
// where they make the phrase, not wherever else they appear.
func TestPhraseHighlightsOnlyThePhrase(t *testing.T) {
	x := newTestIndex(t, []portal.Report{rep{id: "H1",
		narrative: "Her hand was cold. Later he put his hand over her mouth in the park.", when: at("2024-01-01 10:00")}.report()})
	res, err := x.Search(context.Background(), Request{Query: `"hand over her mouth"`, Viewer: Viewer{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	frag := strings.Join(res.Hits[0].Highlights[FieldNarrative], " … ")
	if !strings.Contains(frag, "<mark>hand</mark> over her <mark>mouth</mark>") || strings.Contains(frag, "<mark>hand</mark> was cold") {
		t.Errorf("highlight %q", frag)
	}
}
