package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

func TestPersonName(t *testing.T) {
	voc := map[string]bool{"Lambeth": true}
	for _, w := range notNames {
		voc[w] = true
	}
	for q, want := range map[string]string{
		"John Smith":                       "John Smith",
		`"Priya Patel" bus`:                "Priya Patel",
		"Mr Okafor":                        "Mr Okafor",
		"minicab driver":                   "",
		"Hampstead Heath flasher":          "",
		"Lambeth Road":                     "",
		"White Van":                        "",
		"BMW X5":                           "",
		"hand over her mouth":              "",
		"spider web tattoo Brixton Monday": "",
	} {
		if got := personName(q, voc); got != want {
			t.Errorf("personName(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestAnomalyFlags plants each kind of anomaly in the log and checks the
// page flags exactly those users, with explanations.
func TestAnomalyFlags(t *testing.T) {
	p := newTestPortal(t)
	var reps []portal.Report
	for i := range 30 {
		reps = append(reps, report(fmt.Sprintf("S%d", i), "A report.")) // SOIT-South, Lambeth
	}
	north := report("N1", "A report.")
	north.Unit, north.Borough = "SOIT-North", "Barnet"
	p.addReports(append(reps, north)...)

	ctx := context.Background()
	day := time.Now().UTC().AddDate(0, 0, -2).Truncate(24 * time.Hour)
	noon := day.Add(12 * time.Hour)
	add := func(actor, role, unit string, at time.Time, action, detail string, objs ...string) {
		t.Helper()
		if _, err := p.Audit.Append(ctx, portal.AuditEntry{Time: at, Actor: actor, Role: role, Unit: unit, ClientIP: "10.0.0.1",
			Action: action, Objects: objs, Outcome: "ok", Purpose: "Op X", Detail: detail}); err != nil {
			t.Fatal(err)
		}
	}
	// Four ordinary investigators open 2 reports each; nosy opens 25.
	for _, u := range []string{"inv1", "inv2", "inv3", "inv4"} {
		add(u, "investigator", "SOIT-South", noon, "report.view", "", "report:S1")
		add(u, "investigator", "SOIT-South", noon, "report.view", "", "report:S2")
	}
	for i := range 25 {
		add("nosy", "investigator", "SOIT-South", noon.Add(time.Duration(i)*time.Minute), "report.view", "", fmt.Sprintf("report:S%d", i))
	}
	// olly (SOIT-North, whose reports are in Barnet) opens a Lambeth report.
	add("olly", "investigator", "SOIT-North", noon, "report.view", "", "report:N1")
	add("olly", "investigator", "SOIT-North", noon, "report.view", "", "report:S3")
	// owl searches at 02:30 UTC (02:30 or 03:30 in London).
	add("owl", "investigator", "SOIT-South", day.Add(150*time.Minute), "search", `q="bus" limit=10 offset=0 hits=0`)
	// snoop searches for a name; careful searches for places and methods.
	add("snoop", "investigator", "SOIT-South", noon, "search", `q="Jane Doherty" limit=10 offset=0 hits=0`)
	add("careful", "investigator", "SOIT-South", noon, "search", `q="Hampstead Heath minicab" limit=10 offset=0 hits=0`)
	add("careful", "investigator", "SOIT-South", noon, "search", `q="Lambeth" limit=10 offset=0 hits=0`)

	b := p.browser()
	b.login("ada")
	r := b.request("GET", "/audit/anomalies", nil)
	if r.Status != 200 {
		t.Fatalf("anomalies: %d %s", r.Status, r.Body)
	}
	flagRE := regexp.MustCompile(`data-testid="flag" data-kind="([a-z_]+)" data-actor="([^"]+)"`)
	got := map[string]bool{}
	for _, m := range flagRE.FindAllStringSubmatch(r.Body, -1) {
		got[m[1]+":"+m[2]] = true
	}
	want := map[string]bool{"volume:nosy": true, "borough:olly": true, "hours:owl": true, "name_search:snoop": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("flags %v, want %v\n%s", got, want, r.Body)
	}
	for _, explain := range []string{"the median of the 5 other investigators who opened any was 2",
		"SOIT-North owns reports in Barnet", "Lambeth (1)", "Jane Doherty", "between 22:00 and 06:00 London time"} {
		if !strings.Contains(strings.ReplaceAll(r.Body, "&#34;", `"`), explain) {
			t.Errorf("anomaly page does not explain %q", explain)
		}
	}
}
