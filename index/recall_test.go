package index

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"

	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/portal"
)

// scanTokens normalises text the plain way: split on anything that is not
// a letter, digit or apostrophe, lower-case, drop a possessive 's, and stem
// with the analyzer's stemmer. Stop words are kept, so a scan match is a
// stricter test than the index's (which leaves a gap where they were).
func scanTokens(s string) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	})
	ts := make(analysis.TokenStream, 0, len(words))
	for _, w := range words {
		w = strings.ToLower(strings.Trim(w, "'’"))
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if w != "" {
			ts = append(ts, &analysis.Token{Term: []byte(w)})
		}
	}
	ts = porter.NewPorterStemmer().Filter(ts)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

func containsSeq(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

func plainWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return w != ""
}

// TestPhraseRecallAgainstScan: for many phrases taken from generated
// narratives, a phrase search returns every report whose narrative or
// suspect description contains the phrase (modulo case, punctuation and the
// analyzer's stemming), as found by a plain scan. Where the phrase has no
// common words and no synonyms the index may not widen the match either, so
// there the two sets must be equal.
func TestPhraseRecallAgainstScan(t *testing.T) {
	c, err := corpus.New(corpus.Options{Seed: 7, Reports: 3000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Reports {
		c.Reports[i].Version = 1
	}
	x := newTestIndex(t, c.Reports)
	type doc struct{ narrative, suspect []string }
	docs := make(map[string]doc, len(c.Reports))
	for _, r := range c.Reports {
		docs[r.ID] = doc{scanTokens(r.Narrative), scanTokens(r.SuspectDescription)}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var phrases []string
	seen := map[string]bool{}
	for tries := 0; len(phrases) < 150 && tries < 100000; tries++ {
		r := c.Reports[rng.IntN(len(c.Reports))]
		text := r.Narrative
		if r.SuspectDescription != "" && rng.IntN(4) == 0 {
			text = r.SuspectDescription
		}
		words := strings.FieldsFunc(text, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'') })
		n := 2 + rng.IntN(3)
		if len(words) < n {
			continue
		}
		start := rng.IntN(len(words) - n + 1)
		ws := words[start : start+n]
		if !slices.ContainsFunc(ws, func(w string) bool { return !plainWord(w) }) {
			p := strings.Join(ws, " ")
			content := 0
			for _, term := range positions(p) {
				if term != "" {
					content++
				}
			}
			if content >= 2 && !seen[strings.ToLower(p)] {
				seen[strings.ToLower(p)] = true
				phrases = append(phrases, p)
			}
		}
	}
	if len(phrases) < 100 {
		t.Fatalf("only %d phrases sampled", len(phrases))
	}
	exact, checked := 0, 0
	for _, p := range phrases {
		needle := scanTokens(p)
		want := map[string]bool{}
		for id, d := range docs {
			if containsSeq(d.narrative, needle) || containsSeq(d.suspect, needle) {
				want[id] = true
			}
		}
		got := map[string]bool{}
		req := Request{Query: `"` + p + `"`, Viewer: Viewer{All: true}, Limit: 1000, NoHighlight: true, Sort: SortNewest}
		var also []string
		for {
			res, err := x.Search(context.Background(), req)
			if err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			for _, h := range res.Hits {
				got[h.ID] = true
			}
			also = res.AlsoSearched
			if res.Next == "" {
				if len(got) != res.Total {
					t.Fatalf("%q: paged through %d hits of %d", p, len(got), res.Total)
				}
				break
			}
			req.After = res.Next
		}
		checked++
		var missed []string
		for id := range want {
			if !got[id] {
				missed = append(missed, id)
			}
		}
		if len(missed) > 0 {
			t.Errorf("phrase %q: %d of %d reports containing it were not found, e.g. %s", p, len(missed), len(want), missed[0])
		}
		if len(also) == 0 && slices.Equal(positions(p), needle) { // no common words dropped
			exact++
			for id := range got {
				if !want[id] {
					t.Errorf("phrase %q: %s found but does not contain it", p, id)
					break
				}
			}
		}
	}
	t.Logf("%d phrases checked against a scan of %d reports (%d compared exactly)", checked, len(docs), exact)
}

// TestQueryFormsOnCorpus compares structured query forms with a brute-force
// filter over a generated corpus.
func TestQueryFormsOnCorpus(t *testing.T) {
	c, err := corpus.New(corpus.Options{Seed: 3, Reports: 1500})
	if err != nil {
		t.Fatal(err)
	}
	x := newTestIndex(t, c.Reports)
	lat, lon := 51.5074, -0.1278
	has := func(r portal.Report, words ...string) bool {
		toks := scanTokens(r.Narrative + " . " + r.SuspectDescription)
		for _, w := range words {
			if !slices.Contains(toks, scanTokens(w)[0]) {
				return false
			}
		}
		return true
	}
	first := c.Reports[0]
	for _, tc := range []struct {
		q    string
		keep func(portal.Report) bool
	}{
		{`offence:` + first.Offence, func(r portal.Report) bool { return r.Offence == first.Offence }},
		{`borough:"` + strings.ToLower(first.Borough) + `"`, func(r portal.Report) bool { return r.Borough == first.Borough }},
		{`hour:22..03`, func(r portal.Report) bool { h := r.OccurredAt.UTC().Hour(); return h >= 22 || h <= 3 }},
		{`hour:9..17`, func(r portal.Report) bool { h := r.OccurredAt.UTC().Hour(); return h >= 9 && h <= 17 }},
		{`occurred:2024-03..2024-06`, func(r portal.Report) bool {
			return !r.OccurredAt.Before(at("2024-03-01 00:00")) && r.OccurredAt.Before(at("2024-07-01 00:00"))
		}},
		{`age:<25`, func(r portal.Report) bool { return r.VictimAge != nil && *r.VictimAge < 25 }},
		{`near:51.5074,-0.1278,3km`, func(r portal.Report) bool {
			return r.HasLocation() && haversineKm(lat, lon, *r.Lat, *r.Lon) <= 3
		}},
		{`knife -bus`, func(r portal.Report) bool { return (has(r, "knife") || has(r, "blade")) && !has(r, "bus") }},
		{`(station OR park) AND hour:0..5`, func(r portal.Report) bool {
			h := r.OccurredAt.UTC().Hour()
			return (has(r, "station") || has(r, "park")) && h <= 5
		}},
	} {
		var want []string
		for _, r := range c.Reports {
			if tc.keep(r) {
				want = append(want, r.ID)
			}
		}
		slices.Sort(want)
		got := idsAll(t, x, tc.q)
		if tc.q == `knife -bus` || strings.HasPrefix(tc.q, "(station") {
			// Text forms with synonyms widen the match: check recall only.
			for _, id := range want {
				if !slices.Contains(got, id) {
					t.Errorf("%s: missed %s", tc.q, id)
					break
				}
			}
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d hits, brute force %d", tc.q, len(got), len(want))
		}
		if len(want) == 0 {
			t.Errorf("%s: the corpus has no case for this form", tc.q)
		}
	}
}

func idsAll(t *testing.T, x *Index, q string) []string {
	t.Helper()
	req := Request{Query: q, Viewer: Viewer{All: true}, Limit: 1000, NoHighlight: true}
	var out []string
	for {
		res, err := x.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		if res.Next == "" {
			break
		}
		req.After = res.Next
	}
	slices.Sort(out)
	return out
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := (lat2-lat1)*math.Pi/180, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
