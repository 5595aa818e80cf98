package linkage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

func lexicon(t testing.TB) *Lexicon {
	t.Helper()
	lx, err := LoadLexicon("../../configs/mo_lexicon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return lx
}

func features(lx *Lexicon, narrative, desc string) []string {
	p := lx.Extract(&portal.Report{ID: "X", Narrative: narrative, SuspectDescription: desc, OccurredAt: time.Now()})
	return p.Features(lx)
}

// Paraphrases written for this test, not taken from the generator: each
// must find the feature.
func TestExtractParaphrases(t *testing.T) {
	lx := lexicon(t)
	cases := []struct{ text, want string }{
		{"He claimed he was her Uber and she got in the back.", "approach.minicab"},
		{"SUSP was touting for fares outside the station.", "approach.minicab"},
		{"The male purported to be a private hire driver.", "approach.minicab"},
		{"She got into what she thought was a minicab.", "approach.minicab"},
		{"He clamped his hand over her mouth so she could not scream.", "control.hand_mouth"},
		{"Suspect produced a Stanley blade.", "control.knife"},
		{"He said he had a knife in his pocket.", "control.weapon_claimed"},
		{"He kept calling her 'babes'.", "verbal.babe"},
		{"He told IP he knew where she lived.", "verbal.knew_address"},
		{"The man shouted 'give us a smile love'.", "verbal.smile"},
		{"He wore a balaclava.", "precautions.face_covered"},
		{"Male had a cobweb tattoo on the side of his neck.", "marks.tattoo_spiderweb"},
		{"She noticed he had a slight lisp.", "marks.lisp"},
		{"Suspect walked with a pronounced limp.", "marks.limp"},
		{"The male was masturbating on the top deck.", "acts.masturbation"},
		{"He groped her backside on the escalator.", "acts.touch_bottom"},
		{"He then legged it towards the estate.", "escape.ran_off"},
		{"A silver Prius, partial VRM LK19.", "vehicle.veh_prius"},
		{"IC3 male, slim, dreads", "description.eth_black"},
		{"He spoke with a Scouse accent.", "description.accent_northern"},
	}
	for _, c := range cases {
		if got := features(lx, c.text, ""); !slices.Contains(got, c.want) {
			t.Errorf("%q: want %s, got %v", c.text, c.want, got)
		}
	}
}

// Negation is not a match; a negation in another clause does not cancel one.
func TestExtractNegation(t *testing.T) {
	lx := lexicon(t)
	absent := []struct{ text, feature string }{
		{"No weapon was seen. IP did not see a knife.", "control.knife"},
		{"The suspect did not use force and never grabbed her arm.", "control.grab_arm"},
		{"IP did not see a vehicle or a car.", "escape.drove_off"},
		{"He didn't have any tattoos.", "marks.tattoo"},
		{"There was no knife involved.", "control.knife"},
		{"He was not wearing glasses.", "marks.glasses"},
	}
	for _, c := range absent {
		if got := features(lx, c.text, ""); slices.Contains(got, c.feature) {
			t.Errorf("%q: negated %s was matched (%v)", c.text, c.feature, got)
		}
	}
	present := []struct{ text, feature string }{
		{"She did not know him, but he pulled out a knife.", "control.knife"},
		{"He grabbed her by the wrist without saying anything.", "control.grab_arm"},
		{"No injuries. He had a spider web tattoo.", "marks.tattoo_spiderweb"},
	}
	for _, c := range present {
		if got := features(lx, c.text, ""); !slices.Contains(got, c.feature) {
			t.Errorf("%q: %s not matched (%v)", c.text, c.feature, got)
		}
	}
}

func TestExtractSpansAndDescription(t *testing.T) {
	lx := lexicon(t)
	r := &portal.Report{ID: "X", OccurredAt: time.Now(),
		Narrative:          "The suspect was in a white Toyota Prius, partial reg LK19. He said he was a cab driver.",
		SuspectDescription: "IC1 male, 30-35 years, 5ft 10in, stocky"}
	p := lx.Extract(r)
	if p.Height != 70 || p.AgeLo != 30 || p.AgeHi != 35 || p.VRM != "LK19" {
		t.Errorf("height %d age %d-%d vrm %q", p.Height, p.AgeLo, p.AgeHi, p.VRM)
	}
	for _, m := range p.Matches {
		src := r.Narrative
		if m.Field == "suspect_description" {
			src = r.SuspectDescription
		}
		if src[m.Start:m.End] != m.Text {
			t.Errorf("%s: span %d-%d is %q, text %q", m.Feature.Key, m.Start, m.End, src[m.Start:m.End], m.Text)
		}
	}
	if got := p.Features(lx); !slices.Contains(got, "approach.minicab") || !slices.Contains(got, "vehicle.col_white") {
		t.Errorf("features %v", got)
	}
}

func testEngine(t testing.TB) *Engine {
	w, err := LoadWeights("../../configs/linkage_weights.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(lexicon(t), w)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func at(lat, lon float64, when string) portal.Report {
	tm, _ := time.Parse(time.RFC3339, when)
	return portal.Report{Offence: "sexual_assault", OccurredAt: tm, Lat: &lat, Lon: &lon, LocationType: "street", Borough: "Lambeth"}
}

func fillers(n int) []portal.Report {
	words := []string{"bus", "train", "park", "shop", "club", "street", "estate", "station", "canal", "gym"}
	acts := []string{"grabbed her bottom", "exposed himself", "followed her", "filmed her", "asked for her number", "touched her thigh"}
	var out []portal.Report
	for i := range n {
		r := at(51.3+float64(i%17)*0.02, -0.4+float64(i%13)*0.05, "2024-01-01T20:00:00Z")
		r.OccurredAt = r.OccurredAt.AddDate(0, 0, i*3)
		r.ID = fmt.Sprintf("F%03d", i)
		r.Narrative = fmt.Sprintf("At the %s the male %s and then walked off.", words[i%len(words)], acts[i%len(acts)])
		out = append(out, r)
	}
	return out
}

// Shared rare behaviour, closeness in place and time raise the score; each
// contribution is a reason in words.
func TestScoreReasons(t *testing.T) {
	e := testEngine(t)
	a := at(51.4600, -0.1100, "2024-03-01T23:00:00Z")
	a.ID, a.Narrative = "A", "The male posed as a minicab driver and locked the doors. He had a spider web tattoo on his neck."
	b := at(51.4700, -0.1050, "2024-03-10T22:30:00Z")
	b.ID, b.Narrative = "B", "Suspect pretended to be an Uber driver, then locked the car doors. Cobweb tattoo on his neck."
	c := at(51.5800, -0.3000, "2025-06-01T09:00:00Z")
	c.ID, c.Narrative = "C", "A man exposed himself at the bus stop and ran off."
	e.Add(append(fillers(60), a, b, c)...)
	ab := e.Explain(e.Profile("A"), e.Profile("B"))
	ac := e.Explain(e.Profile("A"), e.Profile("C"))
	if ab.Score <= ac.Score {
		t.Fatalf("A-B %.3f should beat A-C %.3f", ab.Score, ac.Score)
	}
	var details []string
	for _, r := range ab.Reasons {
		details = append(details, r.Kind+"|"+r.Detail)
	}
	all := strings.Join(details, "\n")
	for _, want := range []string{"both: posed as a minicab or taxi driver", "both: spider-web tattoo", "km apart", "9 days apart", "both: locked the car doors"} {
		if !strings.Contains(all, want) {
			t.Errorf("reasons lack %q:\n%s", want, all)
		}
	}
	// Rare features weigh more than common ones.
	var rare, common float64
	for i, f := range e.Lex.Features {
		switch f.Key {
		case "marks.tattoo_spiderweb":
			rare = e.featIDF(int32(i))
		case "escape.walked_off":
			common = e.featIDF(int32(i))
		}
	}
	if rare <= common {
		t.Errorf("IDF of a rare mark %.2f <= a common escape %.2f", rare, common)
	}
}

// Clustering keeps one man's reports together and leaves the others out,
// and discovery scores at most MaxCandidates pairs per report.
func TestClusterAndNeverAllPairs(t *testing.T) {
	e := testEngine(t)
	var series []portal.Report
	for i := range 4 {
		r := at(51.46+float64(i)*0.003, -0.11, "2024-03-01T23:00:00Z")
		r.OccurredAt = r.OccurredAt.AddDate(0, 0, i*10)
		r.ID = fmt.Sprintf("S%d", i)
		r.Narrative = []string{
			"He posed as a minicab driver outside the club, locked the doors and had a spider web tattoo on his neck.",
			"Male claimed to be an Uber driver, locked the car doors. Spiderweb tattoo on neck.",
			"Suspect pretended to be a cab driver; the doors were locked. Cobweb tattoo on his neck.",
			"Said he was her taxi, then locked the doors. Spider web neck tattoo.",
		}[i]
		series = append(series, r)
	}
	all := append(fillers(300), series...)
	wb, err := NewWorkbench(context.Background(), e, t.TempDir()+"/index", all, map[string]string{"S0": "s", "S1": "s", "S2": "s", "S3": "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	before := e.PairsScored()
	cs, err := e.Discover(context.Background(), wb.Index.Bleve(), 0)
	if err != nil {
		t.Fatal(err)
	}
	scored := e.PairsScored() - before
	n := int64(len(all))
	if scored > n*MaxCandidates+n*n/20 || scored >= n*(n-1)/2 {
		t.Fatalf("discovery scored %d pairs for %d reports: not bounded by candidates", scored, n)
	}
	var got []string
	for _, c := range cs {
		if slices.Contains(c.Reports, "S0") {
			got = c.Reports
			if len(c.Evidence) == 0 {
				t.Errorf("series without evidence")
			}
		}
	}
	if !slices.Equal(got, []string{"S0", "S1", "S2", "S3"}) {
		t.Fatalf("series found %v, all clusters %v", got, cs)
	}
	// The same engine answers similar reports from candidates only.
	sim, err := e.Similar(context.Background(), wb.Index.Bleve(), "S0", index.Viewer{All: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sim.Similar {
		if !strings.HasPrefix(s.ID, "S") || s.ID == "S0" {
			t.Errorf("similar to S0: %+v", sim.Similar)
		}
	}
}
