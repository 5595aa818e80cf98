package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

func linkageReports() []portal.Report {
	a := report("M1", "The suspect posed as a minicab driver outside the club and locked the doors. He had a spider web tattoo on his neck.")
	b := report("M2", "Male pretended to be an Uber driver and offered her a lift home. She noticed a spiderweb tattoo on his neck.")
	c := report("M3", "A man exposed himself to her in the park in daylight and ran off.")
	c.Lat, c.Lon = ptr(51.60), ptr(-0.30)
	hidden := report("M4", "Claimed to be a taxi driver, spider web tattoo on his neck, locked the car doors.")
	hidden.Unit, hidden.Restricted = "SOIT-North", true
	out := []portal.Report{a, b, c, hidden}
	// Other reports, so that what M1 and M2 share is rare in the corpus.
	fillers := []string{"He followed her off the bus and asked for her number.", "A male was filming up her skirt on the escalator.",
		"The suspect grabbed her bottom in the queue at the shop.", "He sent her explicit images over AirDrop on the train.",
		"The man exposed himself at the bus stop and cycled off.", "He kept messaging her on Instagram after she blocked him.",
		"A male touched her thigh on the night bus and got off at the next stop.", "He asked her the time then grabbed her wrist."}
	for i, f := range fillers {
		r := report(fmt.Sprintf("F%d", i), f)
		r.Lat, r.Lon = ptr(51.40+float64(i)*0.03), ptr(-0.25+float64(i)*0.04)
		r.OccurredAt = r.OccurredAt.AddDate(0, -i*2, 0)
		out = append(out, r)
	}
	return out
}

func TestAPISimilarGivesReasonsAndHidesOtherUnits(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(linkageReports()...)
	tok := p.token("ivy")
	r := p.do("GET", "/api/v1/reports/M1/similar?limit=5", tok, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("similar: %d %s", r.Status, r.Body)
	}
	var got struct {
		Report  string `json:"report"`
		Similar []struct {
			ID      string          `json:"id"`
			Score   float64         `json:"score"`
			Reasons []portal.Reason `json:"reasons"`
		} `json:"similar"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Report != "M1" || len(got.Similar) == 0 || got.Similar[0].ID != "M2" {
		t.Fatalf("want M2 first: %s", r.Body)
	}
	for _, s := range got.Similar {
		if s.ID == "M1" || s.ID == "M4" {
			t.Fatalf("similar lists %s (itself, or restricted to another unit): %s", s.ID, r.Body)
		}
	}
	var kinds []string
	for _, rs := range got.Similar[0].Reasons {
		kinds = append(kinds, rs.Kind+": "+rs.Detail)
	}
	all := strings.Join(kinds, "\n")
	if !strings.Contains(all, "minicab") || !strings.Contains(all, "spider-web tattoo") {
		t.Errorf("reasons do not name the shared approach and tattoo:\n%s", all)
	}
	// Unknown and other-unit restricted reports are both 404.
	for _, id := range []string{"NOPE", "M4"} {
		if r := p.do("GET", "/api/v1/reports/"+id+"/similar", tok, nil); r.Status != http.StatusNotFound {
			t.Errorf("similar %s: %d %s", id, r.Status, r.Body)
		}
	}
	// Without a purpose: 400.
	if r := p.do("GET", "/api/v1/reports/M1/similar", tok, nil, "X-Purpose", ""); r.Status != http.StatusBadRequest {
		t.Errorf("no purpose: %d", r.Status)
	}
	// An auditor may not read reports.
	if r := p.do("GET", "/api/v1/reports/M1/similar", p.token("ada"), nil); r.Status != http.StatusForbidden {
		t.Errorf("auditor: %d", r.Status)
	}
}

func TestAPISearchGroupedIntoSeries(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(linkageReports()...)
	r := p.do("GET", "/api/v1/search?q=tattoo&group=series&limit=50", p.token("ivy"), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("grouped search: %d %s", r.Status, r.Body)
	}
	var got struct {
		Total  int `json:"total"`
		Groups []struct {
			Reports  []string        `json:"reports"`
			Evidence []portal.Reason `json:"evidence"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Groups) == 0 || len(got.Groups[0].Reports) != 2 || len(got.Groups[0].Evidence) == 0 {
		t.Fatalf("want M1 and M2 grouped first with evidence: %s", r.Body)
	}
	if strings.Contains(r.Body, "M4") {
		t.Fatalf("grouped search leaked a restricted report: %s", r.Body)
	}
}

func TestReportPageShowsSimilarPanelAndDiscoveryPage(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(linkageReports()...)
	b := p.browser()
	b.login("ivy")
	r := b.request("GET", "/reports/M1", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="similar-panel"`) || !strings.Contains(r.Body, `data-id="M2"`) {
		t.Fatalf("report page without the similar panel: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, "<mark>") {
		t.Errorf("no matching text marked side by side")
	}
	r = b.request("GET", "/series/discover", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="no-series"`) {
		t.Fatalf("discover page: %d %s", r.Status, r.Body)
	}
	form := map[string][]string{"_csrf": {b.csrf("/series/discover")}, "min_score": {"0"}}
	r = b.request("POST", "/series/discover", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("run discovery: %d %s", r.Status, r.Body)
	}
	// Discovery runs in the background: the page says so until it is done.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = b.request("GET", "/series/discover", nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="discovery-running"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(r.Body, `data-testid="discovery-done"`) {
		t.Fatalf("discovery did not finish, or the page does not say so: %s", r.Body)
	}
	// The series holds M4, restricted to SOIT-North: ivy does not see it,
	// olly (SOIT-North) does.
	if r.Status != http.StatusOK || strings.Contains(r.Body, "M4") {
		t.Fatalf("discover page leaks a restricted report to another unit: %d %s", r.Status, r.Body)
	}
	o := p.browser()
	o.login("olly")
	r = o.request("GET", "/series/discover", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="series"`) || !strings.Contains(r.Body, "M1") || !strings.Contains(r.Body, "M2") {
		t.Fatalf("discover page after a run: %d %s", r.Status, r.Body)
	}
}

func TestSearchPageGroupsHitsIntoSeries(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(linkageReports()...)
	b := p.browser()
	b.login("ivy")
	r := b.request("GET", "/search?q=tattoo", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="group-on"`) || !strings.Contains(r.Body, `name="group" value="series"`) {
		t.Fatalf("search page without the grouping toggle: %d %s", r.Status, r.Body)
	}
	r = b.request("GET", "/search?q=tattoo&group=series", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("grouped search page: %d %s", r.Status, r.Body)
	}
	i := strings.Index(r.Body, `data-testid="hit-group"`)
	if i < 0 || !strings.Contains(r.Body, `data-testid="group-off"`) {
		t.Fatalf("no candidate series among the hits: %s", r.Body)
	}
	group := r.Body[i:]
	if end := strings.Index(group, "</section>"); end > 0 {
		group = group[:end]
	}
	if !strings.Contains(group, `data-id="M1"`) || !strings.Contains(group, `data-id="M2"`) || !strings.Contains(group, `data-testid="reason"`) {
		t.Errorf("want M1 and M2 grouped with their shared evidence: %s", group)
	}
	if strings.Contains(r.Body, "M4") {
		t.Errorf("grouped search page leaked a restricted report")
	}
}

// While the start-up warm-up is loading the linkage, the report page says
// so rather than waiting for it; once warm, the panel lists the matches.
func TestReportPageWhileLinkageWarms(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(linkageReports()...)
	svc, err := p.Server.linkageService()
	if err != nil {
		t.Fatal(err)
	}
	b := p.browser()
	b.login("ivy")
	r := b.request("GET", "/reports/M1", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="similar-pending"`) {
		t.Fatalf("report page while the linkage loads: %d %s", r.Status, r.Body)
	}
	if err := p.Server.WarmLinkage(t.Context()); err != nil || !svc.Ready() {
		t.Fatalf("warm-up: %v ready=%v", err, svc.Ready())
	}
	r = b.request("GET", "/reports/M1", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `data-id="M2"`) {
		t.Fatalf("report page after the warm-up: %d %s", r.Status, r.Body)
	}
}
