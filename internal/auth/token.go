package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/investigation-portal/portal/internal/portal"
)

const (
	// Audience is the aud of every token: the portal's own API and pages.
	Audience = "investigation-portal"
	// MaxTokenBytes bounds a token before it is parsed, so a header of
	// thousands of dots or a megabyte of base64 costs nothing.
	MaxTokenBytes = 4096
	// Leeway is the clock skew tolerated on exp, nbf and iat.
	Leeway = 5 * time.Second
	// MinKeyBytes is the shortest HMAC key NewTokens accepts (RFC 7518 3.2).
	MinKeyBytes = 32
	// MaxPurposeRunes bounds the stated purpose of access.
	MaxPurposeRunes = 200

	// Defaults from issue 4: 30 minutes idle, 12 hours absolute.
	DefaultIdle     = 30 * time.Minute
	DefaultAbsolute = 12 * time.Hour
)

// Claims are what a session token says. The registered claims carry the
// username (sub), issuer, audience, expiry (the idle deadline), issue time and
// a token id; the rest is the portal's own.
type Claims struct {
	jwt.RegisteredClaims
	Role portal.Role `json:"role"`
	Unit string      `json:"unit"`
	// AuthTime is when the user last typed a password: the start of the
	// session, from which the absolute lifetime runs.
	AuthTime *jwt.NumericDate `json:"auth_time"`
	// Session is the id of the log-in, kept by Refresh while jti changes with
	// every token; audit entries can name the session.
	Session string `json:"sid"`
	// Purpose is the stated purpose of access; empty until stated.
	Purpose string `json:"purpose,omitempty"`
}

// ValidFor is the server-side half of verification, done against the user
// as the store has it now: a disabled user, a changed role or unit, or a
// session that began before the user's NotBefore (log-out, disable, re-role)
// is unauthorized. Sessions are compared by their start, so a token refreshed
// after log-out still dies with its session.
//
// auth_time has one-second precision, so a session begun in the same second
// as a revocation is refused too; a log-in immediately after log-out may
// need a second attempt, which errs on the side of ending sessions.
func (c *Claims) ValidFor(u portal.User) error {
	switch {
	case c == nil || c.AuthTime == nil || c.IssuedAt == nil:
		return unauthorized("invalid session", nil)
	case u.Username != c.Subject:
		return unauthorized("invalid session", nil)
	case u.Disabled:
		return unauthorized("the account is disabled", nil)
	case u.Role != c.Role || u.Unit != c.Unit:
		return unauthorized("the account has changed; please log in again", nil)
	case !u.NotBefore.IsZero() && (c.AuthTime.Time.Before(u.NotBefore) || c.IssuedAt.Time.Before(u.NotBefore)):
		return unauthorized("the session has ended; please log in again", nil)
	}
	return nil
}

// Tokens issues and verifies session tokens with one HMAC key.
type Tokens struct {
	key      []byte
	issuer   string
	idle     time.Duration
	absolute time.Duration
	now      func() time.Time
	parser   *jwt.Parser
}

// NewTokens returns a Tokens for key (at least MinKeyBytes; shorter panics,
// as a configuration error found at start-up), issuer, the idle timeout and
// the absolute lifetime of a session. now may be nil for time.Now.
func NewTokens(key []byte, issuer string, idle, absolute time.Duration, now func() time.Time) *Tokens {
	if len(key) < MinKeyBytes {
		panic(fmt.Sprintf("auth: token key has %d bytes, need at least %d", len(key), MinKeyBytes))
	}
	if issuer == "" || idle <= 0 || absolute < idle {
		panic("auth: NewTokens needs an issuer and 0 < idle <= absolute")
	}
	if now == nil {
		now = time.Now
	}
	t := &Tokens{key: append([]byte(nil), key...), issuer: issuer, idle: idle, absolute: absolute, now: now}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(now),
		jwt.WithStrictDecoding(),
	)
	return t
}

// Issue starts a session for user at authTime (normally now, after the
// password and second factor were checked) and returns its first token.
func (t *Tokens) Issue(user portal.User, authTime time.Time, purpose string) (string, time.Time, error) {
	if user.Username == "" || !user.Role.Valid() {
		return "", time.Time{}, fmt.Errorf("auth: issue token: user %q has no valid role %q", user.Username, user.Role)
	}
	if err := ValidatePurpose(purpose); err != nil {
		return "", time.Time{}, err
	}
	sid, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	if now := t.now(); authTime.After(now) {
		authTime = now // a session cannot start after its first token
	}
	c := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: user.Username},
		Role:             user.Role,
		Unit:             user.Unit,
		AuthTime:         jwt.NewNumericDate(authTime),
		Session:          sid,
		Purpose:          purpose,
	}
	return t.sign(c)
}

// Refresh returns a new token for the session of c — same user, role, unit,
// auth_time, session id and purpose, a new jti — whose idle deadline starts
// again now but never passes the absolute lifetime. Pass claims that Verify
// and ValidFor accepted. To record a newly stated purpose, set c.Purpose and
// refresh.
func (t *Tokens) Refresh(c *Claims) (string, time.Time, error) {
	if c == nil || c.AuthTime == nil || c.Subject == "" || c.Session == "" {
		return "", time.Time{}, unauthorized("invalid session", nil)
	}
	if err := ValidatePurpose(c.Purpose); err != nil {
		return "", time.Time{}, err
	}
	if !t.now().Before(c.AuthTime.Add(t.absolute)) {
		return "", time.Time{}, unauthorized("session expired", jwt.ErrTokenExpired)
	}
	n := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: c.Subject},
		Role:             c.Role,
		Unit:             c.Unit,
		AuthTime:         c.AuthTime,
		Session:          c.Session,
		Purpose:          c.Purpose,
	}
	return t.sign(n)
}

func (t *Tokens) sign(c *Claims) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.idle)
	if end := c.AuthTime.Add(t.absolute); end.Before(exp) {
		exp = end
	}
	if !exp.After(now) {
		return "", time.Time{}, unauthorized("session expired", jwt.ErrTokenExpired)
	}
	jti, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	c.Issuer = t.issuer
	c.Audience = jwt.ClaimStrings{Audience}
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(exp)
	c.ID = jti
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign token: %w", err)
	}
	// NumericDate has whole seconds; report the expiry the token carries.
	return s, c.ExpiresAt.Time, nil
}

// Verify checks token's signature (HS256 only, with the server's key —
// never a key named by the token), issuer, audience, expiry, issue time and
// the session's absolute lifetime, and returns its claims. Every failure is
// a *portal.Error with code EUNAUTHORIZED; errors.Is(err, jwt.ErrTokenExpired)
// tells an expired session from a bad token. Verify does not consult the
// store: call Claims.ValidFor with the current user as well.
func (t *Tokens) Verify(token string) (*Claims, error) {
	if token == "" {
		return nil, unauthorized("no session token", jwt.ErrTokenMalformed)
	}
	if len(token) > MaxTokenBytes {
		return nil, unauthorized("invalid session token", jwt.ErrTokenMalformed)
	}
	c := &Claims{}
	_, err := t.parser.ParseWithClaims(token, c, func(tok *jwt.Token) (any, error) {
		// WithValidMethods already pins HS256; checking the type as well
		// keeps this safe if the option is ever dropped.
		if _, ok := tok.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, jwt.ErrTokenSignatureInvalid
		}
		return t.key, nil
	})
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, unauthorized("session expired", err)
		}
		return nil, unauthorized("invalid session token", err)
	}
	if err := t.checkSession(c); err != nil {
		return nil, err
	}
	return c, nil
}

// checkSession applies what the JWT library does not know about: the
// portal's own claims and the absolute lifetime.
func (t *Tokens) checkSession(c *Claims) error {
	now := t.now()
	switch {
	case c.Subject == "" || c.ID == "" || c.Session == "" || !c.Role.Valid():
		return unauthorized("invalid session token", jwt.ErrTokenRequiredClaimMissing)
	case c.IssuedAt == nil || c.AuthTime == nil:
		return unauthorized("invalid session token", jwt.ErrTokenRequiredClaimMissing)
	case c.AuthTime.After(now.Add(Leeway)) || c.IssuedAt.Before(c.AuthTime.Time):
		return unauthorized("invalid session token", jwt.ErrTokenInvalidClaims)
	case c.ExpiresAt.Sub(c.IssuedAt.Time) > t.idle+Leeway:
		// Longer than this server would ever issue: shortening the idle
		// timeout in the configuration takes effect on live tokens too.
		return unauthorized("invalid session token", jwt.ErrTokenInvalidClaims)
	case c.ExpiresAt.After(c.AuthTime.Add(t.absolute + Leeway)):
		return unauthorized("invalid session token", jwt.ErrTokenInvalidClaims)
	case !now.Before(c.AuthTime.Add(t.absolute)):
		return unauthorized("session expired", jwt.ErrTokenExpired)
	}
	if err := ValidatePurpose(c.Purpose); err != nil {
		return unauthorized("invalid session token", jwt.ErrTokenInvalidClaims)
	}
	return nil
}

// ValidatePurpose checks a stated purpose of access (an operation name or a
// case reference): at most MaxPurposeRunes of printable text. Empty is valid
// here; the web layer decides where a purpose is required.
func ValidatePurpose(p string) error {
	if !utf8.ValidString(p) || utf8.RuneCountInString(p) > MaxPurposeRunes {
		return portal.Errorf(portal.EINVALID, "the purpose must be at most %d characters of text", MaxPurposeRunes)
	}
	for _, r := range p {
		if !unicode.IsPrint(r) {
			return portal.Errorf(portal.EINVALID, "the purpose must not contain control characters")
		}
	}
	return nil
}

func unauthorized(msg string, cause error) *portal.Error {
	return &portal.Error{Code: portal.EUNAUTHORIZED, Message: msg, Err: cause}
}

// randomID returns 128 random bits, URL-safe.
func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
