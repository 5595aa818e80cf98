package index

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

func ptr[T any](v T) *T { return &v }

type rep struct {
	id, narrative, suspect, offence, borough, place, unit string
	when                                                  time.Time
	lat, lon                                              float64
	age                                                   int
	restricted                                            bool
}

func (r rep) report() portal.Report {
	p := portal.Report{ID: r.id, Narrative: r.narrative, SuspectDescription: r.suspect, Offence: r.offence,
		Borough: r.borough, LocationType: r.place, Unit: r.unit, OccurredAt: r.when, Restricted: r.restricted,
		Version: 1, CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if p.Offence == "" {
		p.Offence = "sexual_assault"
	}
	if p.Unit == "" {
		p.Unit = "SOIT-South"
	}
	if r.lat != 0 {
		p.Lat, p.Lon = ptr(r.lat), ptr(r.lon)
	}
	if r.age != 0 {
		p.VictimAge = ptr(r.age)
	}
	return p
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small hand-written corpus where each report exists to make
// one query form pass or fail.
var fixture = []rep{
	{id: "F1", narrative: "The male put his hand over her mouth and pushed her against a wall.", borough: "Lambeth", place: "street",
		when: at("2024-03-02 23:15"), lat: 51.4607, lon: -0.1160, age: 22},
	{id: "F2", narrative: "He posed as a minicab driver outside the club and offered her a lift.", borough: "Southwark", place: "club",
		when: at("2024-05-10 02:40"), lat: 51.5010, lon: -0.0900, age: 19, offence: "attempted_kidnap"},
	{id: "F3", narrative: "A taxi driver locked the doors and touched her leg.", borough: "Camden", place: "vehicle",
		when: at("2023-11-20 01:05"), lat: 51.5390, lon: -0.1420, age: 31},
	{id: "F4", narrative: "Male exposed himself near the station and ran off.", suspect: "White male, spider-web tattoo on his neck, lisp",
		borough: "Lambeth", place: "station", offence: "indecent_exposure", when: at("2024-04-01 12:30"), lat: 51.4640, lon: -0.1140, age: 45},
	{id: "F5", narrative: "Her mouth was covered by his gloved hand while he dragged her into the alley.", borough: "Hackney", place: "street",
		when: at("2024-06-30 22:00"), lat: 51.5450, lon: -0.0550, age: 24},
	{id: "F6", narrative: "Suspect followed the victim from the bus stop to her home on a pushbike.", borough: "Croydon", place: "home",
		when: at("2025-01-15 17:45"), lat: 51.3720, lon: -0.1000, age: 17, offence: "stalking"},
	{id: "F7", narrative: "The suspect threatened her with a blade and took her phone.", borough: "Lambeth", place: "park",
		when: at("2024-03-20 04:10"), lat: 51.4500, lon: -0.1200, age: 29, offence: "robbery"},
	{id: "F8", narrative: "Restricted: a serving officer put his hand over her mouth.", borough: "Lambeth", place: "home",
		when: at("2024-03-05 23:30"), lat: 51.4610, lon: -0.1150, unit: "SOIT-South", restricted: true},
	{id: "F9", narrative: "Another unit's restricted case: hand over her mouth in a minicab.", borough: "Barnet", place: "vehicle",
		when: at("2024-03-06 21:00"), unit: "SOIT-North", restricted: true},
}

func newTestIndex(t testing.TB, reports []portal.Report) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), "ix"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	syn, err := LoadSynonyms("../configs/synonyms.txt")
	if err != nil {
		t.Fatal(err)
	}
	x.SetSynonyms(syn)
	for start := 0; start < len(reports); start += 1000 {
		if err := x.Apply(context.Background(), reports[start:min(start+1000, len(reports))], nil, int64(start+1), true); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func fixtureIndex(t *testing.T) *Index {
	rs := make([]portal.Report, len(fixture))
	for i, r := range fixture {
		rs[i] = r.report()
	}
	return newTestIndex(t, rs)
}

func ids(t *testing.T, x *Index, r Request) []string {
	t.Helper()
	if r.Limit == 0 {
		r.Limit = 100
	}
	res, err := x.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("search %q: %v", r.Query, err)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	if res.Total != len(out) {
		t.Fatalf("search %q: total %d but %d hits", r.Query, res.Total, len(out))
	}
	slices.Sort(out)
	return out
}

func TestQueryForms(t *testing.T) {
	x := fixtureIndex(t)
	south := Viewer{Unit: "SOIT-South"}
	for _, tc := range []struct {
		q    string
		want string // sorted ids, space separated
	}{
		{``, "F1 F2 F3 F4 F5 F6 F7 F8"},
		{`mouth`, "F1 F5 F8"},
		{`MOUTH hand`, "F1 F5 F8"},
		{`"hand over her mouth"`, "F1 F8"},
		{`"Hand, over her MOUTH!"`, "F1 F8"}, // case and punctuation
		{`"hands over her mouths"`, "F1 F8"}, // stemming
		{`"hand mouth"~3`, "F1 F8"},          // hand .. over her .. mouth: 2 words between
		{`"mouth hand"~3`, "F1 F8"},          // any order
		{`"hand mouth"~1`, ""},               // too far apart
		{`"mouth hand"~5`, "F1 F5 F8"},       // mouth was covered by his gloved hand: 4 between
		{`"hand mouth"~0`, ""},
		{`mouth AND wall`, "F1"},
		{`mouth wall`, "F1"},
		{`mouth OR blade`, "F1 F5 F7 F8"},
		{`mouth NOT wall`, "F5 F8"},
		{`mouth -wall`, "F5 F8"},
		{`mouth -"against a wall"`, "F5 F8"},
		{`NOT mouth`, "F2 F3 F4 F6 F7"},
		{`(mouth OR lift) AND (club OR alley)`, "F2 F5"},
		{`(mouth OR lift) (club OR alley)`, "F2 F5"},
		{`mouth OR lift club`, "F1 F2 F5 F8"}, // AND binds tighter than OR
		{`suspect:tattoo`, "F4"},
		{`suspect:(neck lisp)`, "F4"},
		{`narrative:tattoo`, ""},
		{`narrative:"spider-web tattoo"`, ""},
		{`suspect:"spider-web tattoo"`, "F4"},
		{`offence:robbery`, "F7"},
		{`offence:"indecent exposure"`, "F4"},
		{`offence:stalking,robbery`, "F6 F7"},
		{`borough:lambeth`, "F1 F4 F7 F8"},
		{`borough:Lambeth mouth`, "F1 F8"},
		{`location:station`, "F4"},
		{`year:2023`, "F3"},
		{`year:2024..2025 taxi`, "F2"}, // taxi finds minicab; F3 is 2023
		{`mini*`, "F2"},
		{`tatt*`, "F4"},
		{`minicap~1`, "F2"},
		{`occurred:2024-03`, "F1 F7 F8"},
		{`occurred:2024-03..2024-04`, "F1 F4 F7 F8"},
		{`occurred:2024-03-02`, "F1"},
		{`occurred:>=2025`, "F6"},
		{`occurred:<2024`, "F3"},
		{`occurred:..2023-12`, "F3"},
		{`age:<20`, "F2 F6"},
		{`age:20..24`, "F1 F5"},
		{`age:>=45`, "F4"},
		{`hour:22..04`, "F1 F2 F3 F5 F7 F8"}, // wraps midnight
		{`hour:23..00`, "F1 F8"},
		{`hour:12..18`, "F4 F6"},
		{`hour:<2`, "F3"},
		{`near:51.4607,-0.1160,1.5km`, "F1 F4 F7 F8"}, // F7 is 1.2 km away
		{`near:51.4607,-0.1160,1km`, "F1 F4 F8"},
		{`near:51.4607,-0.1160,500m`, "F1 F4 F8"}, // F4 is 390 m away
		{`near:51.4607,-0.1160,300m`, "F1 F8"},
		{`near:51.4607,-0.1160,0.1km`, "F1 F8"},
		{`the mouth`, "F1 F5 F8"}, // a stop word does not empty the query
		{`10:30`, ""},             // a time is a word, not a field
		{`ex-partner`, ""},
	} {
		got := strings.Join(ids(t, x, Request{Query: tc.q, Viewer: south}), " ")
		if got != tc.want {
			t.Errorf("%-40s got [%s], want [%s]", tc.q, got, tc.want)
		}
	}
}

func TestSynonymsAndAlsoSearched(t *testing.T) {
	x := fixtureIndex(t)
	v := Viewer{Unit: "SOIT-South"}
	for _, tc := range []struct {
		q, want, also string
	}{
		{`taxi`, "F2 F3", "minicab"},
		{`minicabs`, "F2 F3", "taxi"},
		{`"minicab driver"`, "F2 F3", "taxi"},
		{`"private hire driver"`, "F2 F3", "minicab"},
		{`knife`, "F7", "blade"},
		{`bicycle`, "F6", "pushbike"},
		{`"taxi driver"~2`, "F2 F3", "minicab"},
	} {
		res, err := x.Search(context.Background(), Request{Query: tc.q, Viewer: v, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: got %v, want %s", tc.q, got, tc.want)
		}
		if !slices.Contains(res.AlsoSearched, tc.also) {
			t.Errorf("%s: also searched %v, want it to include %q", tc.q, res.AlsoSearched, tc.also)
		}
	}
	// Without synonyms the same query is narrower: they come from the file,
	// at query time.
	x.SetSynonyms(nil)
	if got := ids(t, x, Request{Query: "taxi", Viewer: v}); !slices.Equal(got, []string{"F3"}) {
		t.Errorf("taxi without synonyms: %v", got)
	}
}

func TestMalformedQueriesPointAtTheProblem(t *testing.T) {
	x := fixtureIndex(t)
	for _, tc := range []struct{ q, want string }{
		{`"hand over`, `position 1 ("\"hand over")`},
		{`mouth AND`, `position 7`},
		{`AND mouth`, `position 1`},
		{`mouth OR`, `OR needs something`},
		{`(mouth OR hand`, `this '(' is never closed`},
		{`mouth)`, `position 6 (")"): a ')' without`},
		{`()`, `empty parentheses`},
		{`colour:red`, `unknown field "colour"`},
		{`occurred:2024-13`, `not a date`},
		{`occurred:2024-06..2024-03`, `is empty`},
		{`age:abc`, `not a whole number`},
		{`hour:25..03`, `0..23`},
		{`near:51.4,-0.1`, `near:LAT,LON,DISTANCE`},
		{`near:91,0,1km`, `latitude`},
		{`near:51,0,-2km`, `distance`},
		{`"hand mouth"~x`, `~ takes a number`},
		{`minicab~5`, `edit distance`},
		{`m*`, `at least 2 letters`},
		{`*cab`, `wildcards only`},
		{`borough:`, `needs a value`},
		{`suspect: tattoo`, `needs a value`},
		{`mouth - hand`, `no letters or digits`},
		{`""`, `empty phrase`},
		{`NOT`, `NOT needs something`},
	} {
		_, err := x.Search(context.Background(), Request{Query: tc.q, Viewer: Viewer{Unit: "SOIT-South"}})
		if err == nil {
			t.Errorf("%s: no error", tc.q)
			continue
		}
		if portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("%s: code %s (%v), want invalid", tc.q, portal.ErrorCode(err), err)
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "position") {
			t.Errorf("%s: error %q, want it to contain %q and a position", tc.q, err, tc.want)
		}
	}
}

func TestFiltersFacetsSortAndPaging(t *testing.T) {
	x := fixtureIndex(t)
	v := Viewer{Unit: "SOIT-South"}
	h22, h4 := 22, 4
	got := ids(t, x, Request{Viewer: v, Filters: Filters{HourFrom: &h22, HourTo: &h4, Boroughs: []string{"lambeth"}}})
	if strings.Join(got, " ") != "F1 F7 F8" {
		t.Errorf("hour 22..4 in Lambeth: %v", got)
	}
	got = ids(t, x, Request{Viewer: v, Filters: Filters{Near: &Near{Lat: 51.4607, Lon: -0.1160, Km: 0.3},
		From: at("2024-03-01 00:00"), To: at("2024-04-01 00:00")}})
	if strings.Join(got, " ") != "F1 F8" {
		t.Errorf("near + March: %v", got)
	}
	got = ids(t, x, Request{Viewer: v, Filters: Filters{Offences: []string{"robbery", "stalking"}, Years: []string{"2025"}}})
	if strings.Join(got, " ") != "F6" {
		t.Errorf("offence + year: %v", got)
	}

	res, err := x.Search(context.Background(), Request{Query: "mouth OR minicab", Viewer: v, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	facet := func(field string) map[string]int {
		m := map[string]int{}
		for _, fv := range res.Facets[field] {
			m[fv.Value] = fv.Count
		}
		return m
	}
	// F1, F5, F8, F2, F3 (taxi); F9 is another unit's restricted report.
	if b := facet(FieldBorough); b["Lambeth"] != 2 || b["Hackney"] != 1 || b["Barnet"] != 0 || res.Total != 5 {
		t.Errorf("borough facet %v, total %d", b, res.Total)
	}
	if y := facet(FieldYear); y["2024"] != 4 || y["2023"] != 1 {
		t.Errorf("year facet %v", y)
	}

	// Newest first, paged two at a time with the cursor, visits everything once.
	var seen []string
	var last time.Time
	req := Request{Viewer: v, Sort: SortNewest, Limit: 2}
	for page := 0; page < 10; page++ {
		res, err := x.Search(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			for _, f := range fixture {
				if f.id == h.ID {
					if !last.IsZero() && f.when.After(last) {
						t.Errorf("%s out of date order", h.ID)
					}
					last = f.when
				}
			}
			seen = append(seen, h.ID)
		}
		if res.Next == "" {
			break
		}
		req.After = res.Next
	}
	if len(seen) != 8 || seen[0] != "F6" {
		t.Errorf("paging newest first: %v", seen)
	}
	if _, err := x.Search(context.Background(), Request{Viewer: v, Sort: SortOldest, After: req.After}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("cursor of another sort: %v", err)
	}
}

func TestRestrictedNeverCounted(t *testing.T) {
	x := fixtureIndex(t)
	for _, tc := range []struct {
		v    Viewer
		want string
	}{
		{Viewer{Unit: "SOIT-South"}, "F1 F8"},
		{Viewer{Unit: "SOIT-North"}, "F1 F9"},
		{Viewer{Unit: ""}, "F1"},
		{Viewer{All: true}, "F1 F8 F9"},
	} {
		got := ids(t, x, Request{Query: `"hand over her mouth"`, Viewer: tc.v})
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%+v: %v, want %s", tc.v, got, tc.want)
		}
		res, err := x.Search(context.Background(), Request{Query: `"hand over her mouth"`, Viewer: tc.v, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, fv := range res.Facets[FieldBorough] {
			n += fv.Count
		}
		if n != res.Total {
			t.Errorf("%+v: facets count %d reports, total %d", tc.v, n, res.Total)
		}
	}
}

// TestPagingThroughTies pages through a result in which most hits have the
// same score, in every sort order, with both the cursor and offsets: every
// hit must come exactly once and in the order of one unpaged search,
// which ranks equal keys by report id.
func TestPagingThroughTies(t *testing.T) {
	var rs []portal.Report
	for i := range 57 {
		r := rep{id: fmt.Sprintf("T%03d", (i*37)%57), narrative: "He followed her from the bus stop.",
			when: at("2024-01-01 10:00").Add(time.Duration(i%5) * time.Hour)}
		if i%10 == 0 {
			r.narrative = "He followed her, and followed her again, from the bus stop."
		}
		rs = append(rs, r.report())
	}
	x := newTestIndex(t, rs)
	ctx := context.Background()
	v := Viewer{Unit: "SOIT-South"}
	for _, sort := range []string{SortRelevance, SortNewest, SortOldest} {
		all, err := x.Search(ctx, Request{Query: "followed", Sort: sort, Limit: 100, Viewer: v, NoHighlight: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Hits) != 57 || all.Total != 57 {
			t.Fatalf("%s: %d hits, total %d", sort, len(all.Hits), all.Total)
		}
		var want []string
		for i, h := range all.Hits {
			want = append(want, h.ID)
			if i > 0 && sort == SortRelevance {
				prev := all.Hits[i-1]
				if prev.Score < h.Score || (prev.Score == h.Score && prev.ID > h.ID) {
					t.Errorf("relevance order: %s (%g) before %s (%g)", prev.ID, prev.Score, h.ID, h.Score)
				}
			}
		}
		if sort == SortRelevance && !slices.Contains(want[:6], "T000") {
			t.Errorf("the reports saying it twice should rank first: %v", want[:6])
		}
		var cursor, offset []string
		req := Request{Query: "followed", Sort: sort, Limit: 4, Viewer: v}
		for range 30 {
			res, err := x.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				cursor = append(cursor, h.ID)
			}
			if res.Next == "" {
				break
			}
			req.After = res.Next
		}
		for off := 0; off < 57; off += 4 {
			res, err := x.Search(ctx, Request{Query: "followed", Sort: sort, Limit: 4, Offset: off, Viewer: v})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				offset = append(offset, h.ID)
			}
		}
		if !slices.Equal(cursor, want) {
			t.Errorf("%s: paging with the cursor gave\n%v\nwant\n%v", sort, cursor, want)
		}
		if !slices.Equal(offset, want) {
			t.Errorf("%s: paging with offsets gave\n%v\nwant\n%v", sort, offset, want)
		}
	}
}
