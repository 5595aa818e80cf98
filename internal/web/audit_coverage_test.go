package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// routeAudit says how TestEveryRouteIsAudited drives one route and what it
// must find in the audit log afterwards.
type routeAudit struct {
	Path   string     // the request that exercises the route (":id" filled in, query added)
	As     string     // a user allowed to use it; "" for a request without a session
	Denied string     // a user whose role is refused; "" when every signed-in user may
	Form   url.Values // body of a browser POST; the CSRF token is added
	Body   string     // body of an API POST
	Action string     // the action the allowed request writes
	Exempt string     // instead of Action: why the allowed request writes nothing
}

// routeAudits lists every route. ADDING A ROUTE? Add a line here: the path to
// request, who may and who may not use it, and the action it audits. A route
// that shows no report or audit data and changes nothing may be Exempt, with
// the reason. Denials are always checked for an "access.denied" entry.
var routeAudits = map[string]routeAudit{
	"GET /healthz":  {Path: "/healthz", Exempt: "liveness probe, no data"},
	"GET /static/*": {Path: "/static/app.css", Exempt: "stylesheet and scripts"},
	"GET /login":    {Path: "/login", Exempt: "the empty log-in form"},
	"GET /":         {Path: "/", As: "ivy", Exempt: "redirects to the landing page"},
	"GET /purpose":  {Path: "/purpose", As: "ivy", Exempt: "the form, showing only the user's own purpose"},
	"POST /login":   {Path: "/login", Action: "login", Form: url.Values{"username": {"ivy"}, "password": {testPassword}, "acknowledge": {"yes"}}},
	"POST /logout": {Path: "/logout", As: "olly", // not ivy: her later log-ins in the same second would be refused
		Action: "logout", Form: url.Values{}},
	"POST /purpose":    {Path: "/purpose", As: "ivy", Action: "purpose.set", Form: url.Values{"purpose": {"Op Other"}, "next": {"/search"}}},
	"GET /search":      {Path: "/search?q=hand", As: "ivy", Denied: "ada", Action: "search"},
	"GET /reports/:id": {Path: "/reports/R1", As: "ivy", Denied: "ada", Action: "report.view"},

	"POST /api/v1/auth/token": {Path: "/api/v1/auth/token", Action: "login", Body: `{"username":"ivy","password":"` + testPassword + `"}`},
	"GET /api/v1/search":      {Path: "/api/v1/search?q=hand", As: "ivy", Denied: "ada", Action: "search"},
	"GET /api/v1/reports/:id": {Path: "/api/v1/reports/R1", As: "ivy", Denied: "alex", Action: "report.view"},
	"POST /api/v1/reports":    {Path: "/api/v1/reports", As: "alex", Denied: "ivy", Action: "import", Body: `{"id":"N1","narrative":"Followed her home.","offence":"stalking","occurred_at":"2024-01-02T03:04:05Z"}`},
	"GET /api/v1/audit":       {Path: "/api/v1/audit?actor=ivy", As: "ada", Denied: "ivy", Action: "audit.query"},
	"GET /metrics":            {Path: "/metrics", As: "alex", Denied: "ivy", Action: "metrics.read"},
	"GET /audit":              {Path: "/audit?action=login", As: "ada", Denied: "ivy", Action: "audit.query"},
	"POST /audit/verify":      {Path: "/audit/verify", As: "ada", Denied: "sam", Action: "audit.verify", Form: url.Values{}},
	"POST /audit/checkpoint":  {Path: "/audit/checkpoint", As: "ada", Denied: "sam", Action: "audit.checkpoint", Form: url.Values{}},
	"GET /audit/reports":      {Path: "/audit/reports?id=R1", As: "ada", Denied: "ivy", Exempt: "redirects to /audit/reports/:id"},
	"GET /audit/reports/:id":  {Path: "/audit/reports/R1", As: "ada", Denied: "ivy", Action: "audit.report_history"},
	"GET /audit/users":        {Path: "/audit/users?name=ivy", As: "ada", Denied: "ivy", Exempt: "redirects to /audit/users/:name"},
	"GET /audit/users/:name":  {Path: "/audit/users/ivy", As: "ada", Denied: "ivy", Action: "audit.user_timeline"},
	"GET /audit/anomalies":    {Path: "/audit/anomalies", As: "ada", Denied: "alex", Action: "audit.anomalies"},
	"GET /audit/export.csv":   {Path: "/audit/export.csv?actor=ivy", As: "ada", Denied: "ivy", Action: "audit.export"},
	"GET /audit/export.json":  {Path: "/audit/export.json?actor=ivy", As: "ada", Denied: "ivy", Action: "audit.export"},

	"GET /api/v1/reports/:id/similar": {Path: "/api/v1/reports/R1/similar", As: "ivy", Denied: "ada", Action: "report.similar"},
	"GET /series/discover":            {Path: "/series/discover", As: "ivy", Denied: "ada", Action: "series.list"},
	"POST /series/discover":           {Path: "/series/discover", As: "ivy", Denied: "ada", Action: "series.discover", Form: url.Values{}},

	// Series: each changing route has its own fixture series (see
	// seriesFixtures), since the routes run in any order.
	"GET /api/v1/series":              {Path: "/api/v1/series", As: "ivy", Denied: "ada", Action: "series.list"},
	"POST /api/v1/series":             {Path: "/api/v1/series", As: "ivy", Denied: "alex", Action: "series.create", Body: `{"title":"Audited","reports":["R1"]}`},
	"GET /api/v1/series/:id":          {Path: "/api/v1/series/1", As: "ivy", Denied: "ada", Action: "series.view"},
	"PATCH /api/v1/series/:id":        {Path: "/api/v1/series/2", As: "ivy", Denied: "ada", Action: "series.change", Body: `{"version":1,"title":"Changed"}`},
	"POST /api/v1/series/:id/submit":  {Path: "/api/v1/series/9/submit", As: "ivy", Denied: "ada", Action: "series.submit", Body: `{}`},
	"POST /api/v1/series/:id/approve": {Path: "/api/v1/series/10/approve", As: "sam", Denied: "ivy", Action: "series.approve", Body: `{"reason":"Convincing."}`},
	"POST /api/v1/series/:id/reject":  {Path: "/api/v1/series/11/reject", As: "sam", Denied: "ivy", Action: "series.reject", Body: `{"reason":"Not one man."}`},
	"GET /series":                     {Path: "/series?show=all", As: "ivy", Denied: "ada", Action: "series.list"},
	"POST /series":                    {Path: "/series", As: "ivy", Denied: "ada", Action: "series.create", Form: url.Values{"title": {"Audited"}, "reports": {"R1"}}},
	"GET /series/:id":                 {Path: "/series/1", As: "ivy", Denied: "ada", Action: "series.view"},
	"POST /series/:id":                {Path: "/series/3", As: "ivy", Denied: "ada", Action: "series.change", Form: url.Values{"title": {"Changed"}, "rationale": {"r"}, "version": {"1"}}},
	"GET /series/:id/print":           {Path: "/series/14/print", As: "ivy", Denied: "alex", Action: "series.print"},
	"POST /series/:id/reports":        {Path: "/series/4/reports", As: "ivy", Denied: "ada", Action: "series.change", Form: url.Values{"report": {"R2"}, "version": {"1"}}},
	"POST /series/:id/remove":         {Path: "/series/5/remove", As: "ivy", Denied: "ada", Action: "series.change", Form: url.Values{"report": {"R2"}, "version": {"1"}}},
	"POST /series/:id/flagged":        {Path: "/series/6/flagged", As: "ivy", Denied: "ada", Action: "series.change", Form: url.Values{"report": {"R2"}, "do": {"dismiss"}}},
	"POST /series/:id/adopt":          {Path: "/series/7/adopt", As: "ivy", Denied: "ada", Action: "series.adopt", Form: url.Values{"version": {"1"}}},
	"POST /series/:id/submit":         {Path: "/series/8/submit", As: "ivy", Denied: "ada", Action: "series.submit", Form: url.Values{"version": {"1"}}},
	"POST /series/:id/approve":        {Path: "/series/12/approve", As: "sam", Denied: "ivy", Action: "series.approve", Form: url.Values{"version": {"1"}, "reason": {"Convincing."}}},
	"POST /series/:id/reject":         {Path: "/series/13/reject", As: "sam", Denied: "ivy", Action: "series.reject", Form: url.Values{"version": {"1"}, "reason": {"Not one man."}}},

	"GET /search/help":          {Path: "/search/help", As: "ivy", Denied: "ada", Exempt: "the query language's help text, no report data"},
	"GET /search/export.csv":    {Path: "/search/export.csv?q=hand", As: "ivy", Denied: "ada", Action: "export"},
	"GET /api/v1/search/export": {Path: "/api/v1/search/export?q=hand", As: "ivy", Denied: "alex", Action: "export"},
	"GET /saved":                {Path: "/saved", As: "ivy", Denied: "ada", Action: "saved_search.check"},
	"POST /saved":               {Path: "/saved", As: "ivy", Denied: "ada", Action: "saved_search.create", Form: url.Values{"name": {"Hands"}, "q": {"hand"}}},
	"GET /saved/:id":            {Path: "/saved/1", As: "sam", Denied: "ada", Exempt: "redirects to /search, which is audited"},
	"POST /saved/:id/delete":    {Path: "/saved/2/delete", As: "sam", Denied: "ada", Action: "saved_search.delete", Form: url.Values{}},

	"GET /security":             {Path: "/security", As: "ivy", Exempt: "the user's own security settings"},
	"GET /security/totp":        {Path: "/security/totp", As: "ivy", Exempt: "a new secret for the user's own enrolment, which is audited when confirmed"},
	"GET /security/totp/qr.png": {Path: "/security/totp/qr.png", Exempt: "the picture of that secret; needs the form first, so not driven here"},
	"POST /security/totp":       {Path: "/security/totp", Exempt: "needs the enrolment form first; TestRequiredTOTPMeansEnrolBeforeAnythingElse checks both totp.enrol entries"},

	"GET /users":                   {Path: "/users", As: "alex", Denied: "ivy", Action: "user.list"},
	"GET /users/:name":             {Path: "/users/tina", As: "alex", Denied: "ivy", Action: "user.view"},
	"POST /users":                  {Path: "/users", As: "alex", Denied: "ivy", Action: "user.create", Form: url.Values{"username": {"newbie"}, "role": {"investigator"}, "password": {"a long enough pass phrase"}}},
	"POST /users/:name/disable":    {Path: "/users/tina/disable", As: "alex", Denied: "ivy", Action: "user.disable", Form: url.Values{}},
	"POST /users/:name/enable":     {Path: "/users/tina/enable", As: "alex", Denied: "ivy", Action: "user.enable", Form: url.Values{}},
	"POST /users/:name/role":       {Path: "/users/tina/role", As: "alex", Denied: "ivy", Action: "user.role", Form: url.Values{"role": {"supervisor"}, "unit": {"SOIT-East"}}},
	"POST /users/:name/unlock":     {Path: "/users/tina/unlock", As: "alex", Denied: "ivy", Action: "user.unlock", Form: url.Values{}},
	"POST /users/:name/totp":       {Path: "/users/tina/totp", As: "alex", Denied: "ivy", Action: "user.totp.require", Form: url.Values{"require": {"yes"}}},
	"POST /users/:name/totp-reset": {Path: "/users/tina/totp-reset", As: "alex", Denied: "ivy", Action: "user.totp.reset", Form: url.Values{}},
	"POST /users/:name/password":   {Path: "/users/tina/password", As: "alex", Denied: "ivy", Action: "user.password.reset", Form: url.Values{"password": {"another long pass phrase"}}},
}

// TestEveryRouteIsAudited drives every registered route once as a user who
// may use it and once as one who may not, and checks that each request left
// an entry naming its action (or a denial) in the audit log.
func TestEveryRouteIsAudited(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He put his hand over her mouth."))
	ctx := context.Background()
	if _, err := p.Store.CreateUser(ctx, portal.User{Username: "tina", Role: portal.RoleInvestigator, Unit: "SOIT-West", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"To run", "To delete"} { // ids 1 and 2
		if _, err := p.Store.SaveSearch(ctx, store.SavedSearch{Username: "sam", Name: name, Params: "q=hand"}); err != nil {
			t.Fatal(err)
		}
	}
	seriesFixtures(t, p)
	var missing []string
	for _, r := range p.Server.Echo.Routes() {
		if strings.HasPrefix(r.Method, "echo_") { // Echo's own not-found catch-alls
			continue
		}
		key := r.Method + " " + r.Path
		ra, ok := routeAudits[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			p := &testPortal{t: t, Server: p.Server, Store: p.Store, Index: p.Index, Audit: p.Audit, HTTP: p.HTTP, URL: p.URL}
			if ra.Exempt == "" || ra.As != "" {
				status, entries := p.driveRoute(t, r.Method, ra, ra.As)
				switch {
				case status >= 400:
					t.Errorf("%s as %q: status %d; the table's request must be one the route allows", key, ra.As, status)
				case ra.Exempt != "":
				case !hasEntry(entries, ra.Action, ""):
					t.Errorf("%s as %q wrote no %q entry to the audit log; it wrote %v", key, ra.As, ra.Action, actions(entries))
				}
			}
			if ra.Denied != "" {
				status, entries := p.driveRoute(t, r.Method, ra, ra.Denied)
				if status != http.StatusForbidden {
					t.Errorf("%s as %q: status %d, want 403", key, ra.Denied, status)
				}
				if !hasEntry(entries, "access.denied", ra.Denied) {
					t.Errorf("%s refused to %q without an access.denied entry; the log has %v", key, ra.Denied, actions(entries))
				}
			}
		})
	}
	slices.Sort(missing)
	for _, key := range missing {
		t.Errorf("route %s is not in routeAudits (audit_coverage_test.go): add a line saying how to drive it and which action it audits", key)
	}
}

// driveRoute sends the table's request as user and returns the status and
// the entries the request added to the log.
func (p *testPortal) driveRoute(t *testing.T, method string, ra routeAudit, user string) (int, []portal.AuditEntry) {
	t.Helper()
	var (
		status int
		before int64
	)
	size := func() int64 {
		n, err := p.Audit.Size(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if strings.HasPrefix(ra.Path, "/api/") {
		tok := ""
		if user != "" {
			tok = p.token(user)
		}
		before = size()
		var body any
		if ra.Body != "" {
			body = ra.Body
		}
		status = p.do(method, ra.Path, tok, body).Status
	} else {
		b := p.browser()
		if user != "" {
			b.login(user)
		}
		var form url.Values
		if method == http.MethodPost {
			form = url.Values{}
			for k, v := range ra.Form {
				form[k] = v
			}
			page := "/purpose"
			if user == "" {
				page = "/login"
			}
			form.Set("_csrf", b.csrf(page))
		}
		before = size()
		status = b.request(method, ra.Path, form).Status
	}
	f := audit.Filter{Limit: audit.MaxLimit}
	if before > 0 {
		f.AfterSeq = before - 1
	}
	entries, err := p.Audit.Query(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return status, entries
}

func hasEntry(entries []portal.AuditEntry, action, actor string) bool {
	for _, e := range entries {
		if e.Action == action && (actor == "" || e.Actor == actor) {
			return true
		}
	}
	return false
}

func actions(entries []portal.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Actor + ":" + e.Action + ":" + e.Outcome
	}
	return out
}

// seriesFixtures makes series 1 to 14 for the series rows of routeAudits,
// each in the state its route needs, and report R2 beside R1.
func seriesFixtures(t *testing.T, p *testPortal) {
	t.Helper()
	ctx := context.Background()
	p.addReports(report("R2", "He grabbed her wrist at the bus stop."))
	make := func(status portal.SeriesStatus, reports ...string) {
		t.Helper()
		se := portal.Series{Title: "Fixture", Rationale: "r", Status: status, ReportIDs: reports, CreatedBy: "ivy"}
		if status == portal.SeriesProposed {
			se.CreatedBy = "linkage"
		}
		if status == portal.SeriesApproved {
			se.DecidedBy, se.Decision = "sam", "ok"
		}
		if _, err := p.Store.CreateSeries(ctx, se); err != nil {
			t.Fatal(err)
		}
	}
	d, sub := portal.SeriesDraft, portal.SeriesSubmitted
	make(d, "R1", "R2")                     // 1: read
	make(d, "R1", "R2")                     // 2: PATCH
	make(d, "R1", "R2")                     // 3: edit form
	make(d, "R1")                           // 4: add R2
	make(d, "R1", "R2")                     // 5: remove R2
	make(d, "R1")                           // 6: dismiss flagged R2
	make(portal.SeriesRejected, "R1", "R2") // 7: adopt (rework); not a proposal, which POST /series/discover would supersede
	make(d, "R1", "R2")                     // 8: submit (form)
	make(d, "R1", "R2")                     // 9: submit (API)
	make(sub, "R1", "R2")                   // 10: approve (API)
	make(sub, "R1", "R2")                   // 11: reject (API)
	make(sub, "R1", "R2")                   // 12: approve (form)
	make(sub, "R1", "R2")                   // 13: reject (form)
	make(portal.SeriesApproved, "R1", "R2") // 14: print
	if err := p.Store.FlagSeriesReport(ctx, 6, "R2"); err != nil {
		t.Fatal(err)
	}
}
