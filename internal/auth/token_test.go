package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/investigation-portal/portal/internal/portal"
)

var (
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	otherKey = []byte("fedcba9876543210fedcba9876543210")
	t0       = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestTokens() (*Tokens, *clock) {
	c := &clock{t: t0}
	return NewTokens(testKey, "portal-test", 30*time.Minute, 12*time.Hour, c.now), c
}

var alice = portal.User{ID: 7, Username: "alice", Role: portal.RoleInvestigator, Unit: "north"}

// goodClaims are the claims the server itself would issue at t0.
func goodClaims() *Claims {
	return &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    "portal-test",
			Subject:   "alice",
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(t0.Add(30 * time.Minute)),
			NotBefore: jwt.NewNumericDate(t0),
			IssuedAt:  jwt.NewNumericDate(t0),
			ID:        "jti-1",
		},
		Role:     portal.RoleInvestigator,
		Unit:     "north",
		AuthTime: jwt.NewNumericDate(t0),
		Session:  "sid-1",
	}
}

func sign(t *testing.T, m jwt.SigningMethod, key any, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejectsForgedAndBrokenTokens(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	with := func(f func(c *Claims)) *Claims { c := goodClaims(); f(c); return c }
	valid := sign(t, jwt.SigningMethodHS256, testKey, goodClaims())
	parts := strings.Split(valid, ".")

	// The payload of a valid token swapped for one naming another role,
	// keeping the original signature.
	admin, _ := json.Marshal(with(func(c *Claims) { c.Role = portal.RoleAdmin }))
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(admin) + "." + parts[2]
	// The header swapped for alg none on the valid token.
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))

	tests := []struct {
		name  string
		token string
	}{
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, goodClaims())},
		{"alg none header on a valid token", noneHeader + "." + parts[1] + "."},
		{"alg None spelled otherwise", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"None"}`)) + "." + parts[1] + "."},
		{"HS256 with another key", sign(t, jwt.SigningMethodHS256, otherKey, goodClaims())},
		{"HS384 with the right key", sign(t, jwt.SigningMethodHS384, testKey, goodClaims())},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, testKey, goodClaims())},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims())},
		{"ES256", sign(t, jwt.SigningMethodES256, ecKey, goodClaims())},
		{"HS256 keyed with an RSA public key PEM", sign(t, jwt.SigningMethodHS256, pubPEM, goodClaims())},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Issuer = "evil" }))},
		{"no issuer", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Issuer = "" }))},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other-app"} }))},
		{"no audience", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Audience = nil }))},
		{"missing exp", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.ExpiresAt = nil }))},
		{"past exp", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(t0.Add(-time.Minute)) }))},
		{"exp longer than the idle timeout", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(t0.Add(24 * time.Hour)) }))},
		{"exp beyond the absolute lifetime", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) {
			c.AuthTime = jwt.NewNumericDate(t0.Add(-12*time.Hour + 10*time.Minute))
			c.IssuedAt = jwt.NewNumericDate(t0)
		}))},
		{"session older than the absolute lifetime", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) {
			c.AuthTime = jwt.NewNumericDate(t0.Add(-12 * time.Hour))
			c.IssuedAt = jwt.NewNumericDate(t0)
		}))},
		{"missing auth_time", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.AuthTime = nil }))},
		{"auth_time in the future", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.AuthTime = jwt.NewNumericDate(t0.Add(time.Hour)) }))},
		{"missing iat", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.IssuedAt = nil }))},
		{"iat in the future", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) {
			c.IssuedAt = jwt.NewNumericDate(t0.Add(10 * time.Minute))
			c.AuthTime = c.IssuedAt
		}))},
		{"nbf in the future", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(t0.Add(10 * time.Minute)) }))},
		{"no subject", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Subject = "" }))},
		{"unknown role", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Role = "superuser" }))},
		{"no jti", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.ID = "" }))},
		{"no session id", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Session = "" }))},
		{"purpose with control characters", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Purpose = "op\nx" }))},
		{"validly signed but over 4 KiB", sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.Unit = strings.Repeat("u", 4000) }))},
		{"tampered payload", tampered},
		{"signature stripped", parts[0] + "." + parts[1] + "."},
		{"signature of another token", parts[0] + "." + parts[1] + "." + strings.Split(sign(t, jwt.SigningMethodHS256, testKey, with(func(c *Claims) { c.ID = "x" })), ".")[2]},
		{"thousands of dots", strings.Repeat(".", 5000)},
		{"a few dots", "..."},
		{"header of dots, under the size limit", strings.Repeat(".", 4000)},
		{"empty", ""},
		{"garbage", "not a token"},
		{"garbage base64", "eyJhbGciOiJIUzI1NiJ9.!!!!.????"},
		{"base64 of non-JSON", base64.RawURLEncoding.EncodeToString([]byte("hello")) + "." + parts[1] + "." + parts[2]},
		{"two segments", parts[0] + "." + parts[1]},
		{"four segments", valid + ".x"},
		{"padded base64", parts[0] + "=." + parts[1] + "." + parts[2]},
	}
	tok, _ := newTestTokens()
	if _, err := tok.Verify(valid); err != nil {
		t.Fatalf("the untampered reference token is rejected: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tok.Verify(tt.token)
			if err == nil {
				t.Fatalf("Verify accepted it: %+v", c)
			}
			if code := portal.ErrorCode(err); code != portal.EUNAUTHORIZED {
				t.Fatalf("error code %q (%v), want %q", code, err, portal.EUNAUTHORIZED)
			}
			if c != nil {
				t.Fatal("Verify returned claims with an error")
			}
			if testing.Verbose() {
				t.Log(err)
			}
		})
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tok, clk := newTestTokens()
	s, exp, err := tok.Issue(alice, clk.now(), "Op Nightjar")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(30 * time.Minute); !exp.Equal(want) {
		t.Errorf("expires %v, want %v", exp, want)
	}
	c, err := tok.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "alice" || c.Role != portal.RoleInvestigator || c.Unit != "north" ||
		c.Purpose != "Op Nightjar" || !c.AuthTime.Equal(t0) || c.ID == "" || c.Session == "" {
		t.Errorf("claims %+v", c)
	}
	if err := c.ValidFor(alice); err != nil {
		t.Errorf("ValidFor: %v", err)
	}
	// Within the leeway either side of the expiry.
	clk.advance(30*time.Minute - time.Second)
	if _, err := tok.Verify(s); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	clk.advance(time.Second + Leeway + time.Second)
	_, err = tok.Verify(s)
	if !errors.Is(err, jwt.ErrTokenExpired) || portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("after idle timeout: %v, want an expired unauthorized error", err)
	}
}

func TestIssueRejects(t *testing.T) {
	tok, clk := newTestTokens()
	if _, _, err := tok.Issue(portal.User{Username: "x", Role: "root"}, clk.now(), ""); err == nil {
		t.Error("issued a token for an invalid role")
	}
	if _, _, err := tok.Issue(alice, clk.now(), strings.Repeat("p", MaxPurposeRunes+1)); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("over-long purpose: %v", err)
	}
	if s, _, err := tok.Issue(alice, clk.now().Add(time.Hour), ""); err != nil {
		t.Errorf("auth time in the future: %v", err)
	} else if c, err := tok.Verify(s); err != nil || !c.AuthTime.Equal(clk.now()) {
		t.Errorf("auth time in the future is not clamped to now: %v", err)
	}
	if _, _, err := tok.Issue(alice, clk.now().Add(-13*time.Hour), ""); err == nil {
		t.Error("issued a token for a session past its absolute lifetime")
	}
}

func TestRefreshSlidesButNeverPassesAbsoluteLifetime(t *testing.T) {
	tok, clk := newTestTokens()
	s, _, err := tok.Issue(alice, clk.now(), "")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := tok.Verify(s)
	// Refresh every 20 minutes: alive for 11 h 40 min, session kept.
	var exp time.Time
	for i := 0; i < 35; i++ {
		clk.advance(20 * time.Minute)
		c, err := tok.Verify(s)
		if err != nil {
			t.Fatalf("after %v: %v", clk.t.Sub(t0), err)
		}
		c.Purpose = "Op Nightjar"
		if s, exp, err = tok.Refresh(c); err != nil {
			t.Fatal(err)
		}
		if exp.After(t0.Add(12 * time.Hour)) {
			t.Fatalf("refresh at %v expires %v, past the absolute lifetime", clk.t.Sub(t0), exp)
		}
	}
	// The refresh at 11 h 40 is capped at 12 h rather than 12 h 10.
	if !exp.Equal(t0.Add(12 * time.Hour)) {
		t.Fatalf("last refresh expires %v, want the absolute end %v", exp, t0.Add(12*time.Hour))
	}
	c, err := tok.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Session != first.Session || !c.AuthTime.Equal(first.AuthTime.Time) || c.ID == first.ID || c.Purpose != "Op Nightjar" {
		t.Errorf("refresh lost the session: first %+v, now %+v", first, c)
	}
	clk.advance(20*time.Minute + Leeway)
	if _, err := tok.Verify(s); err == nil {
		t.Fatal("a token is accepted past the absolute lifetime")
	}
	if _, _, err := tok.Refresh(c); err == nil {
		t.Fatal("a session is refreshed past the absolute lifetime")
	}
}

func TestValidFor(t *testing.T) {
	tok, clk := newTestTokens()
	s, _, _ := tok.Issue(alice, clk.now(), "")
	c, err := tok.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(u *portal.User)
		ok   bool
	}{
		{"unchanged", func(u *portal.User) {}, true},
		{"NotBefore before the session", func(u *portal.User) { u.NotBefore = t0.Add(-time.Hour) }, true},
		{"disabled", func(u *portal.User) { u.Disabled = true }, false},
		{"re-roled", func(u *portal.User) { u.Role = portal.RoleAdmin }, false},
		{"moved to another unit", func(u *portal.User) { u.Unit = "south" }, false},
		{"another user", func(u *portal.User) { u.Username = "bob" }, false},
		{"logged out after the session started", func(u *portal.User) { u.NotBefore = t0.Add(time.Minute) }, false},
		{"logged out in the same second", func(u *portal.User) { u.NotBefore = t0.Add(300 * time.Millisecond) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := alice
			tt.edit(&u)
			err := c.ValidFor(u)
			if tt.ok && err != nil {
				t.Fatal(err)
			}
			if !tt.ok && portal.ErrorCode(err) != portal.EUNAUTHORIZED {
				t.Fatalf("ValidFor = %v, want unauthorized", err)
			}
		})
	}
	// A token refreshed after log-out still belongs to the ended session.
	clk.advance(time.Minute)
	r, _, _ := tok.Refresh(c)
	rc, _ := tok.Verify(r)
	u := alice
	u.NotBefore = t0.Add(30 * time.Second)
	if err := rc.ValidFor(u); err == nil {
		t.Fatal("a refreshed token outlived the log-out of its session")
	}
}

func TestNewTokensRejectsShortKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewTokens accepted a 16-byte key")
		}
	}()
	NewTokens(testKey[:16], "x", time.Minute, time.Hour, nil)
}
