package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/portal"
)

// The route × role table: what every route registered on the server answers
// to each role and to a caller without a session, following the roles table
// of the contract (§4), not the code's permission table, so that a wrong
// entry in portal.RolePermissions fails here.
//
// ADDING A ROUTE: add one line to routeTable, keyed "METHOD /path/:param"
// exactly as registered. Most routes need only a path and one of the helpers:
//
//	"GET /audit": {path: "/audit", want: page(200, auditor)},
//	"GET /api/v1/audit": {path: "/api/v1/audit", want: api(200, auditor)},
//	"POST /series": {path: "/series", form: url.Values{...}, want: page(303, investigator, supervisor)},
//
// page(status, roles...): those roles get status, the other roles 403, a
// browser without a session is sent to /login (303). api(...): the same with
// bearer tokens, and 401 without one. Page routes are requested by a browser
// logged in through the form (with the CSRF token on posts), API routes with
// a bearer token and X-Purpose. Each case starts with a fresh log-in, so a
// route that ends the session or changes a user does not disturb the next.

var (
	investigator = portal.RoleInvestigator
	supervisor   = portal.RoleSupervisor
	auditor      = portal.RoleAuditor
	admin        = portal.RoleAdmin
)

// roleUser is the test user that speaks for each role.
var roleUser = map[portal.Role]string{investigator: "ivy", supervisor: "sam", auditor: "ada", admin: "alex"}

type expect struct {
	role map[portal.Role]int
	anon int
}

func expectFor(status, others, anon int, roles []portal.Role) expect {
	e := expect{role: map[portal.Role]int{}, anon: anon}
	for _, r := range portal.Roles {
		e.role[r] = others
		if slices.Contains(roles, r) {
			e.role[r] = status
		}
	}
	return e
}

// page: a browser page that roles may use; others 403, no session → log-in.
func page(status int, roles ...portal.Role) expect {
	return expectFor(status, http.StatusForbidden, http.StatusSeeOther, roles)
}

// api: an API call that roles may make; others 403, no token → 401.
func api(status int, roles ...portal.Role) expect {
	return expectFor(status, http.StatusForbidden, http.StatusUnauthorized, roles)
}

// open: the same answer for everyone.
func open(status int) expect { return expectFor(status, status, status, nil) }

var allRoles = portal.Roles

type routeCase struct {
	path    string     // the request path, parameters filled in
	form    url.Values // page posts: the form (the CSRF token is added)
	body    string     // API calls: the body
	prepare []string   // pages to GET first in the same browser
	want    expect
}

var ivyLogin = url.Values{"username": {"ivy"}, "password": {testPassword}, "acknowledge": {"yes"}}

var routeTable = map[string]routeCase{
	"GET /healthz":  {path: "/healthz", want: open(200)},
	"GET /static/*": {path: "/static/app.css", want: open(200)},
	"GET /login":    {path: "/login", want: open(200)},
	"POST /login":   {path: "/login", form: ivyLogin, want: open(303)},
	"POST /logout":  {path: "/logout", want: page(303, allRoles...)},
	"GET /purpose":  {path: "/purpose", want: page(200, allRoles...)},
	"POST /purpose": {path: "/purpose", form: url.Values{"purpose": {"Op Table"}}, want: page(303, allRoles...)},
	// Readers get their home page (saved searches); other roles are sent to theirs.
	"GET /": {path: "/", want: expect{role: map[portal.Role]int{investigator: 200, supervisor: 200, auditor: 303, admin: 303}, anon: 303}},

	"GET /search":      {path: "/search?q=hand", want: page(200, investigator, supervisor)},
	"GET /reports/:id": {path: "/reports/R1", want: page(200, investigator, supervisor)},

	"GET /search/help":          {path: "/search/help", want: page(200, investigator, supervisor)},
	"GET /search/export.csv":    {path: "/search/export.csv?q=hand", want: page(200, investigator, supervisor)},
	"GET /api/v1/search/export": {path: "/api/v1/search/export?q=hand", want: api(200, investigator, supervisor)},
	"GET /saved":                {path: "/saved", want: page(200, investigator, supervisor)},
	"POST /saved":               {path: "/saved", form: url.Values{"name": {"Hands"}, "q": {"hand"}}, want: page(303, investigator, supervisor)},
	"GET /saved/:id":            {path: "/saved/999999", want: page(404, investigator, supervisor)},
	"POST /saved/:id/delete":    {path: "/saved/999999/delete", want: page(404, investigator, supervisor)}, // someone else's or gone: not found

	"GET /security":             {path: "/security", want: page(200, allRoles...)},
	"GET /security/totp":        {path: "/security/totp", want: page(200, allRoles...)},
	"GET /security/totp/qr.png": {path: "/security/totp/qr.png", prepare: []string{"/security/totp"}, want: page(200, allRoles...)},
	// A wrong code: the form comes back with an error.
	"POST /security/totp": {path: "/security/totp", form: url.Values{"code": {"000000x"}}, prepare: []string{"/security/totp"}, want: page(400, allRoles...)},

	"GET /users":                   {path: "/users", want: page(200, admin)},
	"POST /users":                  {path: "/users", form: url.Values{"username": {"newbie"}, "role": {"investigator"}, "password": {"a long enough pass phrase"}}, want: page(303, admin)},
	"GET /users/:name":             {path: "/users/tina", want: page(200, admin)},
	"POST /users/:name/disable":    {path: "/users/tina/disable", want: page(303, admin)},
	"POST /users/:name/enable":     {path: "/users/tina/enable", want: page(303, admin)},
	"POST /users/:name/role":       {path: "/users/tina/role", form: url.Values{"role": {"supervisor"}, "unit": {"SOIT-East"}}, want: page(303, admin)},
	"POST /users/:name/unlock":     {path: "/users/tina/unlock", want: page(303, admin)},
	"POST /users/:name/totp":       {path: "/users/tina/totp", form: url.Values{"require": {"yes"}}, want: page(303, admin)},
	"POST /users/:name/totp-reset": {path: "/users/tina/totp-reset", want: page(303, admin)},
	"POST /users/:name/password":   {path: "/users/tina/password", form: url.Values{"password": {"another long pass phrase"}}, want: page(303, admin)},

	"GET /audit":             {path: "/audit?action=login", want: page(200, auditor)},
	"POST /audit/verify":     {path: "/audit/verify", want: page(303, auditor)},
	"POST /audit/checkpoint": {path: "/audit/checkpoint", want: page(303, auditor)},
	"GET /audit/reports":     {path: "/audit/reports?id=R1", want: page(303, auditor)},
	"GET /audit/reports/:id": {path: "/audit/reports/R1", want: page(200, auditor)},
	"GET /audit/users":       {path: "/audit/users?name=ivy", want: page(303, auditor)},
	"GET /audit/users/:name": {path: "/audit/users/ivy", want: page(200, auditor)},
	"GET /audit/anomalies":   {path: "/audit/anomalies", want: page(200, auditor)},
	"GET /audit/export.csv":  {path: "/audit/export.csv?actor=ivy", want: page(200, auditor)},
	"GET /audit/export.json": {path: "/audit/export.json?actor=ivy", want: page(200, auditor)},
	"GET /api/v1/audit":      {path: "/api/v1/audit?actor=ivy", want: api(200, auditor)},
	"GET /metrics":           {path: "/metrics", want: page(200, auditor, admin)},

	"GET /api/v1/reports/:id/similar": {path: "/api/v1/reports/R1/similar", want: api(200, investigator, supervisor)},
	"GET /series/discover":            {path: "/series/discover", want: page(200, investigator, supervisor)},
	"POST /series/discover":           {path: "/series/discover", form: url.Values{}, want: page(303, investigator, supervisor)},

	// Series (series.go): fixtures are not made here, so :id routes name a
	// series that does not exist: 404 for the roles that may, 403 before
	// that for the others.
	"GET /api/v1/series":              {path: "/api/v1/series", want: api(200, investigator, supervisor)},
	"POST /api/v1/series":             {path: "/api/v1/series", body: `{"title":"Route table","reports":["R1"]}`, want: api(201, investigator, supervisor)},
	"GET /api/v1/series/:id":          {path: "/api/v1/series/999999", want: api(404, investigator, supervisor)},
	"PATCH /api/v1/series/:id":        {path: "/api/v1/series/999999", body: `{"version":1,"title":"x"}`, want: api(404, investigator, supervisor)},
	"POST /api/v1/series/:id/submit":  {path: "/api/v1/series/999999/submit", body: `{}`, want: api(404, investigator, supervisor)},
	"POST /api/v1/series/:id/approve": {path: "/api/v1/series/999999/approve", body: `{"reason":"ok"}`, want: api(404, supervisor)},
	"POST /api/v1/series/:id/reject":  {path: "/api/v1/series/999999/reject", body: `{"reason":"no"}`, want: api(404, supervisor)},
	"GET /series":                     {path: "/series", want: page(200, investigator, supervisor)},
	"POST /series":                    {path: "/series", form: url.Values{"title": {"Route table"}, "reports": {"R1"}}, want: page(303, investigator, supervisor)},
	"GET /series/:id":                 {path: "/series/999999", want: page(404, investigator, supervisor)},
	"POST /series/:id":                {path: "/series/999999", form: url.Values{"title": {"x"}, "version": {"1"}}, want: page(404, investigator, supervisor)},
	"GET /series/:id/print":           {path: "/series/999999/print", want: page(404, investigator, supervisor)},
	"POST /series/:id/reports":        {path: "/series/999999/reports", form: url.Values{"report": {"R1"}, "version": {"1"}}, want: page(404, investigator, supervisor)},
	"POST /series/:id/remove":         {path: "/series/999999/remove", form: url.Values{"report": {"R1"}, "version": {"1"}}, want: page(404, investigator, supervisor)},
	"POST /series/:id/flagged":        {path: "/series/999999/flagged", form: url.Values{"report": {"R1"}, "do": {"dismiss"}}, want: page(404, investigator, supervisor)},
	"POST /series/:id/adopt":          {path: "/series/999999/adopt", form: url.Values{"version": {"1"}}, want: page(404, investigator, supervisor)},
	"POST /series/:id/submit":         {path: "/series/999999/submit", form: url.Values{"version": {"1"}}, want: page(404, investigator, supervisor)},
	"POST /series/:id/approve":        {path: "/series/999999/approve", form: url.Values{"version": {"1"}, "reason": {"ok"}}, want: page(404, supervisor)},
	"POST /series/:id/reject":         {path: "/series/999999/reject", form: url.Values{"version": {"1"}, "reason": {"no"}}, want: page(404, supervisor)},

	"POST /api/v1/auth/token": {path: "/api/v1/auth/token", body: `{"username":"ivy","password":"` + testPassword + `"}`, want: open(200)},
	"GET /api/v1/search":      {path: "/api/v1/search?q=hand", want: api(200, investigator, supervisor)},
	"GET /api/v1/reports/:id": {path: "/api/v1/reports/R1", want: api(200, investigator, supervisor)},
	"POST /api/v1/reports": {path: "/api/v1/reports", want: api(200, admin),
		body: `{"id":"T1","narrative":"Imported by the route table.","offence":"stalking","occurred_at":"2024-01-02T03:04:05Z"}`},
}

// registeredRoutes lists "METHOD /path" of every route on the server, but
// the not-found catch-alls Echo adds for groups.
func registeredRoutes(e *echo.Echo) []string {
	var out []string
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestEveryRouteHasAnEntryInTheRoleTable(t *testing.T) {
	p := newTestPortal(t)
	routes := registeredRoutes(p.Server.Echo)
	for _, r := range routes {
		if _, ok := routeTable[r]; !ok {
			t.Errorf("route %q is registered in server.go but has no entry in routeTable (internal/web/routes_test.go): "+
				"add a line saying what each role gets, e.g. %q: {path: ..., want: page(200, investigator, supervisor)}", r, r)
		}
	}
	for r := range routeTable {
		if !slices.Contains(routes, r) {
			t.Errorf("routeTable has an entry for %q, which is not registered: remove it or fix its key", r)
		}
	}
}

func TestEveryRouteByRole(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	p.addReports(report("R1", "He put his hand over her mouth."))
	ctx := context.Background()
	tina, err := p.Store.CreateUser(ctx, portal.User{Username: "tina", Role: portal.RoleInvestigator, Unit: "SOIT-West", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range registeredRoutes(p.Server.Echo) {
		tc, ok := routeTable[route]
		if !ok {
			continue // TestEveryRouteHasAnEntryInTheRoleTable names it
		}
		method := route[:strings.IndexByte(route, ' ')]
		for _, role := range append([]portal.Role{""}, portal.Roles...) {
			want := tc.want.anon
			who := "anonymous"
			if role != "" {
				want, who = tc.want.role[role], string(role)
			}
			// Put tina and the users the route may have created back.
			if err := p.Store.UpdateUser(ctx, tina); err != nil {
				t.Fatal(err)
			}
			p.Store.DB().Exec(`DELETE FROM users WHERE username = 'newbie'`)
			denied := rec.count("denied")

			var got response
			if strings.HasPrefix(tc.path, "/api/") {
				tok := ""
				if role != "" {
					tok = p.token(roleUser[role])
				}
				got = p.do(method, tc.path, tok, nilIfEmpty(tc.body))
			} else {
				b := p.browser()
				if role != "" {
					b.login(roleUser[role])
				} else {
					b.request("GET", "/login", nil) // a CSRF cookie, so that the session is what is tested
				}
				for _, path := range tc.prepare {
					b.request("GET", path, nil)
				}
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{}
					for k, v := range tc.form {
						form[k] = v
					}
					form.Set("_csrf", b.cookies["portal_csrf"])
				}
				got = b.request(method, tc.path, form)
			}
			if got.Status != want {
				t.Errorf("%s as %s: status %d, want %d (%.200s)", route, who, got.Status, want, got.Body)
				continue
			}
			if want == http.StatusSeeOther && role == "" && got.Header.Get("Location") != "/login" && method == http.MethodGet {
				t.Errorf("%s as anonymous: redirected to %q, want /login", route, got.Header.Get("Location"))
			}
			if want == http.StatusForbidden && rec.count("denied") == denied {
				t.Errorf("%s as %s: refused with 403 but the denial was not audited", route, who)
			}
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// auditRecorder sits between the server and its audit log and keeps a copy
// of every entry, so tests can check what was audited whatever the log's
// own query interface.
type auditRecorder struct {
	inner   Auditor
	mu      sync.Mutex
	entries []portal.AuditEntry
}

func recordAudit(p *testPortal) *auditRecorder {
	r := &auditRecorder{inner: p.Server.Audit}
	p.Server.Audit = r
	return r
}

func (r *auditRecorder) Append(ctx context.Context, e portal.AuditEntry) (portal.AuditEntry, error) {
	e, err := r.inner.Append(ctx, e)
	if err == nil {
		r.mu.Lock()
		r.entries = append(r.entries, e)
		r.mu.Unlock()
	}
	return e, err
}

func (r *auditRecorder) count(outcome string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.entries {
		if e.Outcome == outcome {
			n++
		}
	}
	return n
}

// find returns the entries with this action (and, if given, this object).
func (r *auditRecorder) find(action, object string) []portal.AuditEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []portal.AuditEntry
	for _, e := range r.entries {
		if e.Action == action && (object == "" || slices.Contains(e.Objects, object)) {
			out = append(out, e)
		}
	}
	return out
}
