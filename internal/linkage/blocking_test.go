package linkage

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/index"
)

// The blocking lists find a report's series partners among fillers, keep
// to what the viewer may see, never return the report itself, and pick up
// reports added after they were built.
func TestBlockingCandidates(t *testing.T) {
	e := testEngine(t)
	series := func(id, unit string, restricted bool, lat float64, day int, text string) {
		r := at(lat, -0.11, "2024-03-01T23:00:00Z")
		r.OccurredAt = r.OccurredAt.AddDate(0, 0, day)
		r.ID, r.Unit, r.Restricted, r.Narrative = id, unit, restricted, text
		e.Add(r)
	}
	e.Add(fillers(400)...)
	series("S0", "SOIT-South", false, 51.460, 0, "He posed as a minicab driver outside the club, locked the doors and had a spider web tattoo on his neck. Smelled strongly of aftershave.")
	series("S1", "SOIT-South", false, 51.463, 10, "Male claimed to be an Uber driver, locked the car doors. Spiderweb tattoo on neck, smelled strongly of aftershave.")
	series("S2", "SOIT-North", true, 51.466, 20, "Suspect pretended to be a cab driver; the doors were locked. Cobweb tattoo on his neck and he smelled strongly of aftershave.")
	ctx := context.Background()
	p := e.Profile("S0")
	all, err := e.Candidates(ctx, nil, p, index.Viewer{All: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 10 || !slices.Contains(all[:3], "S1") || !slices.Contains(all[:3], "S2") || slices.Contains(all, "S0") {
		t.Fatalf("candidates of S0: %v", all)
	}
	south, _ := e.Candidates(ctx, nil, p, index.Viewer{Unit: "SOIT-South"}, 10)
	if !slices.Contains(south, "S1") || slices.Contains(south, "S2") {
		t.Fatalf("SOIT-South sees %v: the restricted SOIT-North report must not be there", south)
	}
	north, _ := e.Candidates(ctx, nil, p, index.Viewer{Unit: "SOIT-North"}, 10)
	if !slices.Contains(north, "S2") {
		t.Fatalf("SOIT-North does not see its own restricted report: %v", north)
	}
	// Added after the lists were built; replaced; removed.
	series("S3", "SOIT-South", false, 51.461, 30, "Posed as a minicab driver again, locked the doors, spider web tattoo on the neck, strong aftershave.")
	got, _ := e.Candidates(ctx, nil, p, index.Viewer{All: true}, 5)
	if !slices.Contains(got, "S3") {
		t.Fatalf("a report added later is not a candidate: %v", got)
	}
	series("S3", "SOIT-South", false, 51.461, 30, "Another day entirely: a man exposed himself on the bus.")
	e.Remove("S1")
	got, _ = e.Candidates(ctx, nil, p, index.Viewer{All: true}, 5)
	if slices.Contains(got, "S1") || slices.Index(got, "S3") == 0 {
		t.Fatalf("removed or replaced reports still rank as before: %v", got)
	}
	n := 0
	for _, id := range got {
		if id == "S3" {
			n++
		}
	}
	if n > 1 {
		t.Fatalf("a replaced report comes back twice: %v", got)
	}
}

// Text reasons quote the words as the reports wrote them, not stems, and
// leave out report-writing boilerplate.
func TestTextReasonsQuoteWordsAsWritten(t *testing.T) {
	e := testEngine(t)
	a := at(51.46, -0.11, "2024-03-01T23:00:00Z")
	a.ID, a.Narrative = "A", "IP states that the suspect smelled of cologne. IP states that he wore a balaclava with a chequered pattern."
	b := at(51.47, -0.11, "2024-03-09T23:00:00Z")
	b.ID, b.Narrative = "B", "IP states that the male smelled of cologne. Wore a balaclava with a chequered pattern, IP states that."
	e.Add(append(fillers(200), a, b)...)
	pr := e.Explain(e.Profile("A"), e.Profile("B"))
	var text string
	for _, r := range pr.Reasons {
		if r.Kind == "text" {
			text = r.Detail
		}
	}
	if text == "" {
		t.Fatalf("no text reason: %+v", pr.Reasons)
	}
	for _, want := range []string{"cologne", "chequered"} {
		if !strings.Contains(text, want) {
			t.Errorf("text reason %q does not quote %q as written", text, want)
		}
	}
	for _, stem := range []string{"cologn ", "cologn'", "chequer ", "'ip", " ip", "state", "suspect"} {
		if strings.Contains(strings.ToLower(text)+" ", stem) {
			t.Errorf("text reason %q has a stem or boilerplate %q", text, stem)
		}
	}
}
