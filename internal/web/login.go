package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func (s *Server) loginForm(c echo.Context) error {
	return render(c, http.StatusOK, views.Login(views.LoginPage{CSRF: csrfToken(c)}))
}

// authenticate checks a username, password and TOTP code, applying the rate
// limit and the lockout, and audits the outcome. It is shared by the log-in
// form and the token API.
//
// enrol says whether the caller can take the user to the enrolment page
// (the browser): a user who must use a second factor but has none set up
// then logs in with the password alone into a session that reaches only
// the enrolment pages (see totp.go). The token API refuses such a user.
func (s *Server) authenticate(c echo.Context, username, password, code string, enrol bool) (portal.User, error) {
	ctx := c.Request().Context()
	if !s.Limiter.Allow(auth.ClientKey(c.RealIP())) {
		s.audit(c, "login", []string{"user:" + username}, "rate_limited", "")
		return portal.User{}, portal.Errorf(portal.ERATELIMIT, "too many log-in attempts from your address; wait a minute")
	}
	// One message for every failure, locked accounts included, so that
	// answers do not tell which usernames exist.
	fail := portal.Errorf(portal.EUNAUTHORIZED, "wrong username, password or code (after repeated failures an account is locked for a while)")
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		if portal.ErrorCode(err) != portal.ENOTFOUND {
			return u, err
		}
		auth.DummyCheck(password) // same time as a real check: no user enumeration
		if err := s.audit(c, "login", []string{"user:" + username}, "failed", "unknown user"); err != nil {
			return u, err
		}
		return u, fail
	}
	now := s.Now()
	if u.Disabled {
		auth.DummyCheck(password)
		s.audit(c, "login", []string{"user:" + username}, "failed", "account disabled")
		return u, fail
	}
	if u.Locked(now) {
		auth.DummyCheck(password)
		s.audit(c, "login", []string{"user:" + username}, "failed", "account locked")
		return u, fail
	}
	ok, err := auth.CheckPassword(u.PasswordHash, password)
	if err != nil {
		return u, err
	}
	reason, detail := "wrong password", ""
	switch {
	case !ok:
	case u.TOTPSecret != "":
		step, good := auth.CheckTOTP(u.TOTPSecret, code, u.TOTPLastStep, now)
		if good {
			// Claimed in the store before anything else, so two log-ins
			// racing with one code cannot both pass.
			good, err = s.claimTOTPStep(ctx, &u, step)
			if err != nil {
				return u, err
			}
		}
		if !good {
			ok, reason = false, "wrong or reused authenticator code"
		}
	case u.TOTPRequired && !enrol:
		// The password was right: no failure is counted, but no token
		// either until a second factor is set up in the browser.
		if err := s.audit(c, "login", []string{"user:" + username}, "failed", "second factor required but not enrolled"); err != nil {
			return u, err
		}
		return u, portal.Errorf(portal.EUNAUTHORIZED, "a second factor is required: log in with a browser once to set up your authenticator")
	case u.TOTPRequired:
		detail = "second factor enrolment due"
	}
	if !ok {
		locked := s.Lockout.RecordFailure(&u, now)
		if err := s.Store.UpdateUser(ctx, u); err != nil {
			return u, err
		}
		if locked {
			s.audit(c, "account.lock", []string{"user:" + username}, "ok", "after repeated failures")
		}
		if err := s.audit(c, "login", []string{"user:" + username}, "failed", reason); err != nil {
			return u, err
		}
		return u, fail
	}
	s.Lockout.RecordSuccess(&u)
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return u, err
	}
	c.Set(sessionKey, &Session{User: u})
	if err := s.audit(c, "login", []string{"user:" + username}, "ok", detail); err != nil {
		return u, err
	}
	return u, nil
}

func (s *Server) login(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	page := views.LoginPage{CSRF: csrfToken(c), Username: username}
	if c.FormValue("acknowledge") != "yes" {
		page.Error = "Please confirm that you understand your use is monitored and audited."
		return render(c, http.StatusBadRequest, views.Login(page))
	}
	u, err := s.authenticate(c, username, c.FormValue("password"), c.FormValue("totp"), true)
	if err != nil {
		switch portal.ErrorCode(err) {
		case portal.EUNAUTHORIZED, portal.ERATELIMIT:
			page.Error = portal.ErrorMessage(err)
			return render(c, statusOf[portal.ErrorCode(err)], views.Login(page))
		}
		return err
	}
	token, exp, err := s.issue(u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, exp)
	if enrolmentDue(u) {
		return c.Redirect(http.StatusSeeOther, "/security/totp")
	}
	return c.Redirect(http.StatusSeeOther, "/purpose?next="+homeFor(u.Role))
}

func (s *Server) logout(c echo.Context) error {
	sess := sessionOf(c)
	u := sess.User
	// Ending every token issued until now ends this session at once, on
	// this node and on any other that reads the same store.
	u.NotBefore = s.Now()
	// Audited before the change is stored, like every other change.
	if err := s.audit(c, "logout", []string{"user:" + u.Username}, "ok", ""); err != nil {
		return err
	}
	if err := s.Store.UpdateUser(c.Request().Context(), u); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) purposeForm(c echo.Context) error {
	sess := sessionOf(c)
	return render(c, http.StatusOK, views.Purpose(views.PurposePage{
		Nav: s.nav(c), Next: safeNext(c.QueryParam("next")), Purpose: sess.Purpose}))
}

func (s *Server) setPurpose(c echo.Context) error {
	sess := sessionOf(c)
	purpose := strings.TrimSpace(c.FormValue("purpose"))
	next := safeNext(c.FormValue("next"))
	if purpose == "" || auth.ValidatePurpose(purpose) != nil {
		return render(c, http.StatusBadRequest, views.Purpose(views.PurposePage{Nav: s.nav(c), Next: next,
			Purpose: purpose, Error: "Give an operation name or case reference (up to 200 characters)."}))
	}
	sess.Purpose = purpose
	if err := s.audit(c, "purpose.set", nil, "ok", ""); err != nil {
		return err
	}
	claims := *sess.Claims
	claims.Purpose = purpose
	token, exp, err := s.Tokens.Refresh(&claims)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, exp)
	return c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/search"
	}
	return next
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

func (s *Server) apiToken(c echo.Context) error {
	var req tokenRequest
	if err := c.Bind(&req); err != nil {
		return portal.Errorf(portal.EINVALID, "send {\"username\", \"password\"} as JSON")
	}
	u, err := s.authenticate(c, strings.TrimSpace(req.Username), req.Password, req.TOTP, false)
	if err != nil {
		return err
	}
	token, exp, err := s.issue(u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"token": token, "expires_at": exp.UTC()})
}

// issue starts a session for u. Tokens carry whole seconds, and a session
// that began in the same second as the user's NotBefore (a log-out or an
// admin's change a moment ago) would be void at once; so such a log-in
// waits for the next second, at most one.
func (s *Server) issue(u portal.User) (string, time.Time, error) {
	now := s.Now()
	if !u.NotBefore.IsZero() && now.Truncate(time.Second).Before(u.NotBefore) {
		wait := u.NotBefore.Truncate(time.Second).Add(time.Second).Sub(now)
		if wait > time.Second {
			// NotBefore lies in the future (clock skew between nodes):
			// the session could not start anyway.
			return "", time.Time{}, portal.Errorf(portal.EUNAUTHORIZED, "the session could not start; try again in a moment")
		}
		time.Sleep(wait)
		now = s.Now()
	}
	return s.Tokens.Issue(u, now, "")
}

// homeFor is where each role starts: investigators and supervisors at the
// search, auditors at the audit log, admins at the users.
func homeFor(r portal.Role) string {
	switch {
	case r.Can(portal.PermReadReports):
		return "/search"
	case r.Can(portal.PermAudit):
		return "/audit"
	case r.Can(portal.PermManageUsers):
		return "/users"
	}
	return "/security"
}
