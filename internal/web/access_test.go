package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pquerna/otp/totp"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
)

// testKey is the harness's token key (harness_test.go).
var testKey = bytes.Repeat([]byte{7}, 32)

// claimsFor are the claims the server itself would issue to ivy now.
func claimsFor(now time.Time) *auth.Claims {
	return &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "investigation-portal", Subject: "ivy", Audience: jwt.ClaimStrings{auth.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(10 * time.Minute)), NotBefore: jwt.NewNumericDate(now),
			IssuedAt: jwt.NewNumericDate(now), ID: "jti-forged",
		},
		Role: portal.RoleInvestigator, Unit: "SOIT-South", AuthTime: jwt.NewNumericDate(now), Session: "sid-forged",
	}
}

func signed(t *testing.T, m jwt.SigningMethod, key any, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestForgedAndBrokenTokensGet401(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He put his hand over her mouth."))
	now := time.Now()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	// The control: claims like these, signed with the server's key, work.
	good := signed(t, jwt.SigningMethodHS256, testKey, claimsFor(now))
	if r := p.do("GET", "/api/v1/search?q=hand", good, nil); r.Status != http.StatusOK {
		t.Fatalf("control token refused: %d %s", r.Status, r.Body)
	}

	with := func(f func(c *auth.Claims)) *auth.Claims { c := claimsFor(now); f(c); return c }
	cases := map[string]string{
		"alg none":                  signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsFor(now)),
		"HS256 with RSA public key": signed(t, jwt.SigningMethodHS256, pubPEM, claimsFor(now)),
		"RS256 with RSA key":        signed(t, jwt.SigningMethodRS256, rsaKey, claimsFor(now)),
		"HS512 with the right key":  signed(t, jwt.SigningMethodHS512, testKey, claimsFor(now)),
		"wrong key":                 signed(t, jwt.SigningMethodHS256, bytes.Repeat([]byte{8}, 32), claimsFor(now)),
		"wrong issuer":              signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.Issuer = "evil" })),
		"wrong audience":            signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.Audience = jwt.ClaimStrings{"other-app"} })),
		"no audience":               signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.Audience = nil })),
		"no exp":                    signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.ExpiresAt = nil })),
		"past exp": signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) {
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
			c.IssuedAt, c.NotBefore, c.AuthTime = jwt.NewNumericDate(now.Add(-20*time.Minute)), jwt.NewNumericDate(now.Add(-20*time.Minute)), jwt.NewNumericDate(now.Add(-20*time.Minute))
		})),
		"exp far away":        signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(30 * 24 * time.Hour)) })),
		"role raised":         signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.Role = portal.RoleAdmin })),
		"unknown user":        signed(t, jwt.SigningMethodHS256, testKey, with(func(c *auth.Claims) { c.Subject = "mallory" })),
		"tampered payload":    tamper(good),
		"thousands of dots":   strings.Repeat(".", 5000),
		"3000 dots":           strings.Repeat(".", 3000),
		"garbage":             "not-a-token",
		"empty bearer":        "",
		"huge base64 segment": strings.Repeat("A", 100_000) + ".e30.sig",
	}
	for name, tok := range cases {
		r := p.do("GET", "/api/v1/search?q=hand", "", nil, "Authorization", "Bearer "+tok, "X-Purpose", "Op Test")
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `"code":"unauthorized"`) {
			t.Errorf("%s: %d %s, want 401", name, r.Status, r.Body)
		}
		// The same token as a browser cookie is refused too.
		if tok != "" && len(tok) < 8000 {
			b := p.browser()
			b.cookies["portal_session"] = tok
			if r := b.request("GET", "/search?q=hand", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
				t.Errorf("%s as cookie: %d to %q, want a redirect to /login", name, r.Status, r.Header.Get("Location"))
			}
		}
	}
	for name, h := range map[string]string{"Basic auth": "Basic aXZ5OnB3", "no scheme": good} {
		if r := p.do("GET", "/api/v1/search?q=hand", "", nil, "Authorization", h, "X-Purpose", "Op Test"); r.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, r.Status)
		}
	}
}

// tamper flips the role in a token's payload, keeping its signature.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	payload, _ := jwt.NewParser().DecodeSegment(parts[1])
	payload = bytes.Replace(payload, []byte(`"investigator"`), []byte(`"admin"`), 1)
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

func TestTokensEndWithLogoutDisableAndReRole(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	p.addReports(report("R1", "He put his hand over her mouth."))
	search := func(tok string) int { return p.do("GET", "/api/v1/search?q=hand", tok, nil).Status }

	// Log-out in the browser ends the browser session and every token.
	tok := p.token("ivy")
	b := p.browser()
	b.login("ivy")
	cookie := b.cookies["portal_session"]
	r := b.request("POST", "/logout", url.Values{"_csrf": {b.cookies["portal_csrf"]}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %s", r.Status, r.Header.Get("Location"))
	}
	if got := search(tok); got != http.StatusUnauthorized {
		t.Errorf("API token after log-out: %d, want 401", got)
	}
	old := p.browser()
	old.cookies["portal_session"] = cookie
	if r := old.request("GET", "/search?q=hand", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("cookie reused after log-out: %d to %q", r.Status, r.Header.Get("Location"))
	}
	// Logging in again at once works (same second as the log-out).
	if got := search(p.token("ivy")); got != http.StatusOK {
		t.Errorf("new log-in after log-out: %d", got)
	}

	// An admin disables ivy: her token dies, she cannot log in.
	tok = p.token("ivy")
	adminB := p.browser()
	adminB.login("alex")
	post := func(path string, form url.Values) response {
		t.Helper()
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", adminB.cookies["portal_csrf"])
		r := adminB.request("POST", path, form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		return r
	}
	post("/users/ivy/disable", nil)
	if got := search(tok); got != http.StatusUnauthorized {
		t.Errorf("token of a disabled user: %d, want 401", got)
	}
	if r := p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": testPassword}); r.Status != http.StatusUnauthorized {
		t.Errorf("disabled user logged in: %d", r.Status)
	}
	post("/users/ivy/enable", nil)
	tok = p.token("ivy")

	// Re-roled to auditor: the old token (investigator) dies at once.
	post("/users/ivy/role", url.Values{"role": {"auditor"}, "unit": {"PSD"}})
	if got := search(tok); got != http.StatusUnauthorized {
		t.Errorf("token after re-role: %d, want 401", got)
	}
	if got := search(p.token("ivy")); got != http.StatusForbidden {
		t.Errorf("auditor ivy searched: %d, want 403", got)
	}
	for _, action := range []string{"user.disable", "user.enable", "user.role"} {
		es := rec.find(action, "user:ivy")
		if len(es) != 1 || es[0].Actor != "alex" || es[0].Outcome != "ok" {
			t.Errorf("%s audited as %+v", action, es)
		}
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	login := func(pw string) response {
		return p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": pw})
	}
	for i := 0; i < 5; i++ {
		if r := login("wrong password number " + string(rune('a'+i))); r.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.Status)
		}
	}
	r := login(testPassword)
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("right password on a locked account: %d %s", r.Status, r.Body)
	}
	// Locked or wrong: the same answer, so a lock does not reveal the name.
	unknown := p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "nobody", "password": "x"})
	if unknown.Body != r.Body {
		t.Errorf("locked account answers differently from an unknown one:\n%s\n%s", r.Body, unknown.Body)
	}
	if len(rec.find("account.lock", "user:ivy")) != 1 {
		t.Errorf("lock not audited")
	}
	// The lock holds in the browser too.
	b := p.browser()
	tok := b.csrf("/login")
	if r := b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {"ivy"}, "password": {testPassword}, "acknowledge": {"yes"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("browser log-in while locked: %d", r.Status)
	}
	// An admin unlocks.
	a := p.browser()
	a.login("alex")
	if r := a.request("POST", "/users/ivy/unlock", url.Values{"_csrf": {a.cookies["portal_csrf"]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("unlock: %d %s", r.Status, r.Body)
	}
	if r := login(testPassword); r.Status != http.StatusOK {
		t.Fatalf("after unlock: %d %s", r.Status, r.Body)
	}
}

func TestCSRFRefusesSignedInForms(t *testing.T) {
	p := newTestPortal(t)
	b := p.browser()
	b.login("alex")
	for _, tc := range []struct{ path, token string }{
		{"/logout", ""}, {"/logout", "forged"}, {"/users/ivy/disable", ""}, {"/purpose", "x"},
	} {
		form := url.Values{"purpose": {"Op X"}}
		if tc.token != "" {
			form.Set("_csrf", tc.token)
		}
		if r := b.request("POST", tc.path, form); r.Status != http.StatusForbidden {
			t.Errorf("POST %s with CSRF token %q: %d, want 403", tc.path, tc.token, r.Status)
		}
	}
	if u, _ := p.Store.UserByName(context.Background(), "ivy"); u.Disabled {
		t.Fatal("a form without a CSRF token disabled a user")
	}
	// The session survived: the refused log-out did nothing.
	if r := b.request("GET", "/users", nil); r.Status != http.StatusOK {
		t.Fatalf("session after refused forms: %d", r.Status)
	}
	// The API does not take the browser's cookie (it has no CSRF token).
	r := b.request("POST", "/api/v1/reports", url.Values{})
	if r.Status != http.StatusUnauthorized {
		t.Errorf("API call with the session cookie: %d, want 401", r.Status)
	}
}

// clock is a settable time for the session lifetime tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func withClock(p *testPortal) *clock {
	c := &clock{t: time.Now()}
	p.Server.Now = c.Now
	p.Server.Tokens = auth.NewTokens(testKey, "investigation-portal", 30*time.Minute, 12*time.Hour, c.Now)
	return c
}

func TestCookieSessionIdleTimeoutAndAbsoluteLifetime(t *testing.T) {
	p := newTestPortal(t)
	clk := withClock(p)
	p.addReports(report("R1", "He put his hand over her mouth."))
	ok := func(b *browser) bool {
		r := b.request("GET", "/search?q=hand", nil)
		return r.Status == http.StatusOK
	}

	// Idle: each request slides the 30 minutes on; 31 quiet minutes end it.
	b := p.browser()
	b.login("ivy")
	for i := 0; i < 3; i++ {
		clk.advance(25 * time.Minute)
		if !ok(b) {
			t.Fatalf("session ended after %d × 25 active minutes", i+1)
		}
	}
	clk.advance(31 * time.Minute)
	if ok(b) {
		t.Fatal("session outlived 31 idle minutes")
	}

	// Absolute: active every 20 minutes, the session still ends at 12 hours.
	b = p.browser()
	b.login("ivy")
	elapsed := time.Duration(0)
	for elapsed+20*time.Minute < 12*time.Hour {
		clk.advance(20 * time.Minute)
		elapsed += 20 * time.Minute
		if !ok(b) {
			t.Fatalf("active session ended after %v", elapsed)
		}
	}
	clk.advance(12*time.Hour - elapsed + time.Second)
	if ok(b) {
		t.Fatal("session outlived its 12-hour absolute lifetime")
	}
}

func TestRequestSizeLimits(t *testing.T) {
	p := newTestPortal(t)
	p.Server.Config.MaxImportBytes = 4 << 10
	big := strings.Repeat("x", 2<<20)
	b := p.browser()
	tok := b.csrf("/login")
	r := b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {"ivy"}, "password": {big}, "acknowledge": {"yes"}})
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB log-in form: %d, want 413", r.Status)
	}
	if r := p.do("POST", "/api/v1/auth/token", "", `{"username":"ivy","password":"`+strings.Repeat("x", 100<<10)+`"}`); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("100 KiB token request: %d, want 413", r.Status)
	}
	line := `{"id":"%d","narrative":"` + strings.Repeat("word ", 100) + `","offence":"stalking","occurred_at":"2024-01-02T03:04:05Z"}` + "\n"
	if r := p.do("POST", "/api/v1/reports", p.token("alex"), strings.Repeat(line, 20)); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("import over MaxImportBytes: %d, want 413 (%s)", r.Status, r.Body)
	}
}

func TestForwardedForIsIgnoredFromUntrustedPeers(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": testPassword}, "X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.9")
	es := rec.find("login", "user:ivy")
	if len(es) != 1 || es[0].ClientIP != "127.0.0.1" {
		t.Fatalf("client address from a forged header: %+v", es)
	}
	// Nor does a forged header give a fresh rate-limit bucket.
	p.Server.Limiter = auth.NewLimiter(2, time.Hour, nil)
	var last int
	for i := 0; i < 3; i++ {
		last = p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": "nope"}, "X-Forwarded-For", "198.51.100."+string(rune('1'+i))).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("third attempt with rotating X-Forwarded-For: %d, want 429", last)
	}

	// Behind a configured proxy the header is believed.
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	rec2 := &auditRecorder{inner: p.Audit}
	s2 := New(&Server{Store: p.Store, Index: p.Index, Indexer: p.Server.Indexer, Audit: rec2, Tokens: p.Server.Tokens,
		Lockout: auth.DefaultLockout, Limiter: auth.NewLimiter(100, time.Millisecond, nil), Log: slog.New(slog.DiscardHandler),
		Config: Config{Offences: portal.DefaultOffences, TrustedProxies: []*net.IPNet{loopback}}})
	hs := httptest.NewServer(s2)
	defer hs.Close()
	req, _ := http.NewRequest("POST", hs.URL+"/api/v1/auth/token", strings.NewReader(`{"username":"sam","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if es := rec2.find("login", "user:sam"); len(es) != 1 || es[0].ClientIP != "203.0.113.9" {
		t.Fatalf("client address behind a trusted proxy: %+v", es)
	}
}

func TestRequiredTOTPMeansEnrolBeforeAnythingElse(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	p.addReports(report("R1", "He put his hand over her mouth."))
	old := p.token("ivy")

	a := p.browser()
	a.login("alex")
	if r := a.request("POST", "/users/ivy/totp", url.Values{"_csrf": {a.cookies["portal_csrf"]}, "require": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("require totp: %d %s", r.Status, r.Body)
	}
	if r := p.do("GET", "/api/v1/search?q=hand", old, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("password-only token after a second factor was required: %d", r.Status)
	}
	// The API gives no token until the authenticator is set up.
	r := p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": testPassword})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "browser") {
		t.Errorf("token API before enrolment: %d %s", r.Status, r.Body)
	}
	// The browser log-in leads to the enrolment page, and only there.
	b := p.browser()
	tok := b.csrf("/login")
	r = b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {"ivy"}, "password": {testPassword}, "acknowledge": {"yes"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/security/totp" {
		t.Fatalf("log-in with enrolment due: %d to %q", r.Status, r.Header.Get("Location"))
	}
	for _, path := range []string{"/search?q=hand", "/reports/R1", "/purpose", "/"} {
		if r := b.request("GET", path, nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/security/totp" {
			t.Errorf("GET %s before enrolment: %d to %q", path, r.Status, r.Header.Get("Location"))
		}
	}
	page := b.request("GET", "/security/totp", nil)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="totp-due"`) {
		t.Fatalf("enrolment page: %d %s", page.Status, page.Body)
	}
	secret := strings.ReplaceAll(between(page.Body, `data-testid="totp-secret">`, "<"), " ", "")
	if len(secret) != 32 {
		t.Fatalf("secret on the page: %q", secret)
	}
	qr := b.request("GET", "/security/totp/qr.png", nil)
	if qr.Status != http.StatusOK || qr.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(qr.Body, "\x89PNG") {
		t.Fatalf("QR code: %d %s", qr.Status, qr.Header.Get("Content-Type"))
	}
	if u, _ := p.Store.UserByName(context.Background(), "ivy"); u.TOTPSecret != "" {
		t.Fatal("secret stored before a code confirmed it")
	}
	if r := b.request("POST", "/security/totp", url.Values{"_csrf": {b.cookies["portal_csrf"]}, "code": {"000000"}}); r.Status != http.StatusBadRequest {
		t.Errorf("wrong enrolment code: %d", r.Status)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	r = b.request("POST", "/security/totp", url.Values{"_csrf": {b.cookies["portal_csrf"]}, "code": {code}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/purpose") {
		t.Fatalf("confirm: %d to %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	if len(rec.find("totp.enrol", "user:ivy")) != 2 { // the wrong code, then the right one
		t.Errorf("enrolment audited as %+v", rec.find("totp.enrol", "user:ivy"))
	}
	// The same browser session now works normally.
	tok = b.csrf("/purpose")
	b.request("POST", "/purpose", url.Values{"_csrf": {tok}, "purpose": {"Op Test"}, "next": {"/search"}})
	if r := b.request("GET", "/search?q=hand", nil); r.Status != http.StatusOK {
		t.Fatalf("search after enrolment: %d", r.Status)
	}

	// From now on the password alone is not enough, and each code works once:
	// the enrolment code is spent; the next step's code works, then is spent.
	tokenWith := func(code string) int {
		return p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "ivy", "password": testPassword, "totp": code}).Status
	}
	if got := tokenWith(""); got != http.StatusUnauthorized {
		t.Errorf("password without a code: %d", got)
	}
	if got := tokenWith(code); got != http.StatusUnauthorized {
		t.Errorf("the enrolment code logged in again: %d", got)
	}
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if got := tokenWith(next); got != http.StatusOK {
		t.Errorf("a fresh code: %d", got)
	}
	if got := tokenWith(next); got != http.StatusUnauthorized {
		t.Errorf("a code used twice: %d", got)
	}
}

func TestUserAdministrationPages(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	a := p.browser()
	a.login("alex")
	create := func(form url.Values) response {
		form.Set("_csrf", a.cookies["portal_csrf"])
		return a.request("POST", "/users", form)
	}
	r := create(url.Values{"username": {"nina"}, "role": {"investigator"}, "unit": {"SOIT-East"}, "password": {"password123"}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `data-testid="user-error"`) {
		t.Errorf("weak password accepted: %d", r.Status)
	}
	r = create(url.Values{"username": {"Nina Smith"}, "role": {"investigator"}, "password": {"a long enough pass phrase"}})
	if r.Status != http.StatusBadRequest {
		t.Errorf("bad username accepted: %d", r.Status)
	}
	r = create(url.Values{"username": {"ivy"}, "role": {"investigator"}, "password": {"a long enough pass phrase"}})
	if r.Status != http.StatusConflict {
		t.Errorf("duplicate username: %d", r.Status)
	}
	r = create(url.Values{"username": {"nina"}, "role": {"investigator"}, "unit": {"SOIT-East"}, "password": {"a long enough pass phrase"}, "require_totp": {"yes"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users/nina?done=created" {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	u, err := p.Store.UserByName(context.Background(), "nina")
	if err != nil || u.Role != portal.RoleInvestigator || u.Unit != "SOIT-East" || !u.TOTPRequired {
		t.Fatalf("created user: %+v %v", u, err)
	}
	if ok, _ := auth.CheckPassword(u.PasswordHash, "a long enough pass phrase"); !ok {
		t.Fatal("password not stored")
	}
	if es := rec.find("user.create", "user:nina"); len(es) != 1 || es[0].Actor != "alex" || strings.Contains(es[0].Detail, "pass phrase") {
		t.Errorf("creation audited as %+v", es)
	}
	list := a.request("GET", "/users", nil)
	if !strings.Contains(list.Body, `data-user="nina"`) || !strings.Contains(list.Body, "totp-due") {
		t.Errorf("list: %s", list.Body)
	}
	// A new password ends the user's sessions.
	tok := p.token("ivy")
	if r := a.request("POST", "/users/ivy/password", url.Values{"_csrf": {a.cookies["portal_csrf"]}, "password": {"a brand new pass phrase"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("password reset: %d", r.Status)
	}
	if r := p.do("GET", "/api/v1/search?q=x", tok, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("token after password reset: %d", r.Status)
	}
	// An admin cannot disable or demote themselves (nobody might be left).
	for _, change := range []string{"disable", "role"} {
		r := a.request("POST", "/users/alex/"+change, url.Values{"_csrf": {a.cookies["portal_csrf"]}, "role": {"investigator"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("admin %s on self: %d", change, r.Status)
		}
	}
	if u, _ := p.Store.UserByName(context.Background(), "alex"); u.Disabled || u.Role != portal.RoleAdmin {
		t.Fatal("admin changed their own account")
	}
	if r := a.request("GET", "/users/nobody", nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown user page: %d", r.Status)
	}
	// The nav shows Users to admins only.
	if !strings.Contains(list.Body, `data-testid="nav-users"`) {
		t.Error("no Users link for the admin")
	}
	i := p.browser()
	i.login("olly")
	if r := i.request("GET", "/security", nil); strings.Contains(r.Body, `data-testid="nav-users"`) || !strings.Contains(r.Body, `data-testid="nav-security"`) {
		t.Error("nav links wrong for an investigator")
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestBrowserHardeningHeadersAndPurposeInAudit(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	p.addReports(report("R1", "He put his hand over her mouth."))
	b := p.browser()
	r := b.request("GET", "/login", nil)
	h := r.Header
	if csp := h.Get("Content-Security-Policy"); csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "img-src 'self' data:") {
		t.Errorf("CSP: %q", csp)
	}
	if !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("HSTS %q, Referrer-Policy %q", h.Get("Strict-Transport-Security"), h.Get("Referrer-Policy"))
	}
	if !strings.Contains(r.Body, `data-testid="banner"`) || !strings.Contains(r.Body, `name="acknowledge"`) {
		t.Error("no log-in banner to acknowledge")
	}
	// Without acknowledging the banner there is no log-in.
	tok := b.csrf("/login")
	if r := b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {"ivy"}, "password": {testPassword}}); r.Status != http.StatusBadRequest {
		t.Errorf("log-in without acknowledging the banner: %d", r.Status)
	}
	// The stated purpose goes with every audit entry of the access.
	b.login("ivy")
	b.request("GET", "/reports/R1", nil)
	p.do("GET", "/api/v1/reports/R1", p.token("sam"), nil, "X-Purpose", "Case 4711")
	views := rec.find("report.view", "report:R1")
	if len(views) != 2 || views[0].Purpose != "Op Test" || views[1].Purpose != "Case 4711" {
		t.Errorf("report views audited as %+v", views)
	}
	if r := p.do("GET", "/api/v1/reports/R1", p.token("sam"), nil, "X-Purpose", "Op\u0085Evil"); r.Status != http.StatusBadRequest {
		t.Errorf("control characters in X-Purpose: %d", r.Status)
	}
}
