package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/indexer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

// testPortal is a real server over a real SQLite store, Bleve index and
// audit log in a temp dir, reached over real HTTP.
type testPortal struct {
	t      testing.TB
	Server *Server
	Store  *store.Store
	Index  *index.Index
	Audit  *audit.Log
	HTTP   *httptest.Server
	URL    string
}

// Test users, one per role, plus an investigator of another unit.
var testUsers = []struct {
	Name string
	Role portal.Role
	Unit string
}{
	{"ivy", portal.RoleInvestigator, "SOIT-South"},
	{"sam", portal.RoleSupervisor, "SOIT-South"},
	{"ada", portal.RoleAuditor, "PSD"},
	{"alex", portal.RoleAdmin, "Central"},
	{"olly", portal.RoleInvestigator, "SOIT-North"},
}

const testPassword = "correct horse battery staple"

func newTestPortal(t testing.TB) *testPortal {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	lg, err := audit.Open(ctx, st, filepath.Join(dir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range testUsers {
		if _, err := st.CreateUser(ctx, portal.User{Username: u.Name, Role: u.Role, Unit: u.Unit, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	key := bytes.Repeat([]byte{7}, 32)
	srv := New(&Server{
		Store: st, Index: ix, Indexer: indexer.New(st, ix, nil), Audit: lg,
		Tokens:  auth.NewTokens(key, "investigation-portal", 30*time.Minute, 12*time.Hour, time.Now),
		Lockout: auth.DefaultLockout,
		Limiter: auth.NewLimiter(1000, time.Millisecond, time.Now),
		Config:  Config{Offences: portal.DefaultOffences, CookieSecure: false},
		Log:     slog.New(slog.DiscardHandler),
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testPortal{t: t, Server: srv, Store: st, Index: ix, Audit: lg, HTTP: hs, URL: hs.URL}
}

// addReports stores reports and brings the index up to date.
func (p *testPortal) addReports(reports ...portal.Report) {
	p.t.Helper()
	if _, err := p.Store.UpsertReports(context.Background(), reports); err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.Server.Indexer.CatchUp(context.Background()); err != nil {
		p.t.Fatal(err)
	}
}

// token logs a user in through the API and returns the bearer token.
func (p *testPortal) token(user string) string {
	p.t.Helper()
	resp := p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": user, "password": testPassword})
	if resp.Status != http.StatusOK {
		p.t.Fatalf("log in %s: %d %s", user, resp.Status, resp.Body)
	}
	var out struct{ Token string }
	json.Unmarshal([]byte(resp.Body), &out)
	return out.Token
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends an API request with an optional bearer token and JSON body; it
// states a purpose unless the token is empty.
func (p *testPortal) do(method, path, token string, body any, headers ...string) response {
	p.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, p.URL+path, rd)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Purpose", "Op Test")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// browser is a cookie-carrying client that logs in through the form.
type browser struct {
	p       *testPortal
	cookies map[string]string
}

func (p *testPortal) browser() *browser { return &browser{p: p, cookies: map[string]string{}} }

func (b *browser) request(method, path string, form url.Values) response {
	b.p.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.p.URL+path, rd)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		b.p.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	body, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

// csrf fetches a page and returns the form's CSRF token.
func (b *browser) csrf(path string) string {
	b.p.t.Helper()
	r := b.request("GET", path, nil)
	i := strings.Index(r.Body, `name="_csrf" value="`)
	if i < 0 {
		b.p.t.Fatalf("no CSRF token on %s (%d %s): %s", path, r.Status, r.Header.Get("Location"), r.Body)
	}
	rest := r.Body[i+len(`name="_csrf" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// login logs in through the form and states a purpose.
func (b *browser) login(user string) {
	b.p.t.Helper()
	tok := b.csrf("/login")
	r := b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {user}, "password": {testPassword}, "acknowledge": {"yes"}})
	if r.Status != http.StatusSeeOther {
		b.p.t.Fatalf("log in %s: %d %s", user, r.Status, r.Body)
	}
	tok = b.csrf("/purpose")
	r = b.request("POST", "/purpose", url.Values{"_csrf": {tok}, "purpose": {"Op Test"}, "next": {"/search"}})
	if r.Status != http.StatusSeeOther {
		b.p.t.Fatalf("purpose: %d %s", r.Status, r.Body)
	}
}

func ptr[T any](v T) *T { return &v }

// report makes a valid report.
func report(id, narrative string) portal.Report {
	return portal.Report{ID: id, Narrative: narrative, Offence: "sexual_assault",
		OccurredAt: time.Date(2024, 5, 1, 22, 30, 0, 0, time.UTC), Borough: "Lambeth", Unit: "SOIT-South",
		Lat: ptr(51.46), Lon: ptr(-0.11), VictimAge: ptr(23)}
}
