package web

// Enrolling a second factor (TOTP).
//
// A user sets up an authenticator from the Security page: the server makes
// a secret, shows it as a QR code (a PNG from /security/totp/qr.png) and as
// text, and stores it only once the user has typed a code from it. Until
// then the secret lives in a short-lived, HttpOnly, SameSite=Strict cookie
// bound to the username, so that any node can show the QR code and check
// the code; the store never holds a secret nobody has proven they hold.
//
// When an administrator requires a second factor for a user who has none,
// that user's sessions end; at the next log-in the password alone opens a
// session that reaches only the enrolment pages and log-out (the session
// middleware redirects everything else there, and the token API refuses
// the user until then). Confirming a code turns it into a normal session.
// The trade-off is that whoever knows the password at that moment can
// enrol: require the second factor when the account is created
// (`portal user add --require-totp`, or the box on the Users page), before
// the password has been used anywhere.

import (
	"bytes"
	"context"
	"encoding/base32"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// totpIssuer is the name authenticator apps show for the account.
const totpIssuer = "Investigation portal"

// totpPendingFor is how long a shown secret may be confirmed.
const totpPendingFor = 10 * time.Minute

// enrolmentDue reports whether u must set up a second factor before doing
// anything else.
func enrolmentDue(u portal.User) bool { return u.TOTPRequired && u.TOTPSecret == "" }

// enrolmentRoutes are what a session with enrolment due may reach.
var enrolmentRoutes = map[string]bool{
	"GET /security":             true,
	"GET /security/totp":        true,
	"GET /security/totp/qr.png": true,
	"POST /security/totp":       true,
	"POST /logout":              true,
}

func (s *Server) totpCookieName() string {
	if s.Config.CookieSecure {
		return "__Host-portal_totp"
	}
	return "portal_totp"
}

// pendingSecret returns the secret shown to this user and not yet
// confirmed, or "".
func (s *Server) pendingSecret(c echo.Context, username string) string {
	ck, err := c.Cookie(s.totpCookieName())
	if err != nil {
		return ""
	}
	name, secret, ok := strings.Cut(ck.Value, ":")
	if !ok || name != username {
		return ""
	}
	// Only secrets of the size NewTOTP makes: a hand-made cookie cannot
	// plant a short, guessable one.
	if b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(b) != 20 {
		return ""
	}
	return secret
}

func (s *Server) setPendingSecret(c echo.Context, username, secret string) {
	c.SetCookie(&http.Cookie{
		Name: s.totpCookieName(), Value: username + ":" + secret, Path: "/", MaxAge: int(totpPendingFor / time.Second),
		Secure: s.Config.CookieSecure, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearPendingSecret(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: s.totpCookieName(), Value: "", Path: "/", MaxAge: -1,
		Secure: s.Config.CookieSecure, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// securityPage shows the state of the user's second factor.
func (s *Server) securityPage(c echo.Context) error {
	u := sessionOf(c).User
	return render(c, http.StatusOK, views.Security(views.SecurityPage{
		Nav: s.nav(c), Enrolled: u.TOTPSecret != "", Required: u.TOTPRequired, Done: c.QueryParam("done") == "totp"}))
}

// totpForm shows a new secret (or the one already shown) to enrol.
func (s *Server) totpForm(c echo.Context) error {
	u := sessionOf(c).User
	if u.TOTPSecret != "" {
		return c.Redirect(http.StatusSeeOther, "/security")
	}
	secret := s.pendingSecret(c, u.Username)
	if secret == "" {
		var err error
		if secret, _, _, err = auth.NewTOTP(totpIssuer, u.Username); err != nil {
			return err
		}
		s.setPendingSecret(c, u.Username, secret)
	}
	return render(c, http.StatusOK, views.TOTPEnrol(views.TOTPEnrolPage{
		Nav: s.nav(c), Secret: secret, Due: enrolmentDue(u)}))
}

// totpQR serves the QR code of the pending secret.
func (s *Server) totpQR(c echo.Context) error {
	u := sessionOf(c).User
	secret := s.pendingSecret(c, u.Username)
	if u.TOTPSecret != "" || secret == "" {
		return portal.Errorf(portal.ENOTFOUND, "no authenticator set-up in progress; open the Security page again")
	}
	key, err := otp.NewKeyFromURL(otpauthURL(u.Username, secret))
	if err != nil {
		return fmt.Errorf("totp qr: %w", err)
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return fmt.Errorf("totp qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("totp qr: %w", err)
	}
	return c.Blob(http.StatusOK, "image/png", buf.Bytes())
}

// otpauthURL is the Key URI every authenticator app reads (the same
// parameters auth.NewTOTP uses).
func otpauthURL(username, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", totpIssuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	return (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + username, RawQuery: v.Encode()}).String()
}

// totpConfirm stores the pending secret once the user has typed a code
// from it. The code's time step is stored too, so it cannot log in again.
func (s *Server) totpConfirm(c echo.Context) error {
	sess := sessionOf(c)
	u := sess.User
	if u.TOTPSecret != "" {
		return portal.Errorf(portal.ECONFLICT, "an authenticator is already set up; an administrator can reset it")
	}
	secret := s.pendingSecret(c, u.Username)
	if secret == "" {
		return c.Redirect(http.StatusSeeOther, "/security/totp")
	}
	step, ok := auth.CheckTOTP(secret, c.FormValue("code"), 0, s.Now())
	if !ok {
		if err := s.audit(c, "totp.enrol", []string{"user:" + u.Username}, "failed", "wrong code"); err != nil {
			return err
		}
		return render(c, http.StatusBadRequest, views.TOTPEnrol(views.TOTPEnrolPage{
			Nav: s.nav(c), Secret: secret, Due: enrolmentDue(u),
			Error: "That code did not match. Check the time on your phone and type the code now shown."}))
	}
	u.TOTPSecret, u.TOTPLastStep = secret, step
	if err := s.audit(c, "totp.enrol", []string{"user:" + u.Username}, "ok", ""); err != nil {
		return err
	}
	if err := s.Store.UpdateUser(c.Request().Context(), u); err != nil {
		return err
	}
	s.clearPendingSecret(c)
	if enrolmentDue(sess.User) {
		return c.Redirect(http.StatusSeeOther, "/purpose?next="+homeFor(sess.User.Role))
	}
	return c.Redirect(http.StatusSeeOther, "/security?done=totp")
}

// claimTOTPStep records step as u's last accepted TOTP step unless a step
// as late was already recorded (by a log-in racing with this one, on this
// node or another): then the code has been used and ok is false.
func (s *Server) claimTOTPStep(ctx context.Context, u *portal.User, step int64) (ok bool, err error) {
	ok, err = s.Store.ClaimTOTPStep(ctx, u.ID, step)
	if ok {
		u.TOTPLastStep = step
	}
	return ok, err
}
