package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// Session is who is calling, verified on every request.
type Session struct {
	User    portal.User
	Claims  *auth.Claims
	API     bool   // bearer token rather than browser cookie
	Purpose string // from the token (browser) or X-Purpose (API)
}

const sessionKey = "portal.session"

func sessionOf(c echo.Context) *Session {
	s, _ := c.Get(sessionKey).(*Session)
	return s
}

func (s *Server) cookieName() string {
	if s.Config.CookieSecure {
		return "__Host-portal_session"
	}
	return "portal_session"
}

// session authenticates the request from the bearer token or the session
// cookie, and checks on the server that the user may still use it: not
// disabled, same role and unit, not logged out since.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, api := "", false
		if h := c.Request().Header.Get("Authorization"); h != "" {
			t, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return portal.Errorf(portal.EUNAUTHORIZED, "use Authorization: Bearer TOKEN")
			}
			token, api = strings.TrimSpace(t), true
		} else if isAPI(c) {
			// The API takes bearer tokens only: a cookie is sent by the
			// browser on its own, and API calls carry no CSRF token.
			return portal.Errorf(portal.EUNAUTHORIZED, "send Authorization: Bearer TOKEN (from POST /api/v1/auth/token)")
		} else if ck, err := c.Cookie(s.cookieName()); err == nil {
			token = ck.Value
		}
		if token == "" {
			return portal.Errorf(portal.EUNAUTHORIZED, "log in first")
		}
		claims, err := s.Tokens.Verify(token)
		if err != nil {
			return portal.Errorf(portal.EUNAUTHORIZED, "the session is not valid; log in again")
		}
		u, err := s.Store.UserByName(c.Request().Context(), claims.Subject)
		if err != nil {
			if portal.ErrorCode(err) == portal.ENOTFOUND {
				return portal.Errorf(portal.EUNAUTHORIZED, "the session is not valid; log in again")
			}
			return err
		}
		if err := claims.ValidFor(u); err != nil {
			return portal.Errorf(portal.EUNAUTHORIZED, "the session has ended; log in again")
		}
		sess := &Session{User: u, Claims: claims, API: api, Purpose: claims.Purpose}
		if api {
			sess.Purpose = strings.TrimSpace(c.Request().Header.Get("X-Purpose"))
			if err := auth.ValidatePurpose(sess.Purpose); err != nil {
				return err
			}
		} else if err := s.slide(c, claims); err != nil {
			return err
		}
		c.Set(sessionKey, sess)
		if enrolmentDue(u) && !enrolmentRoutes[c.Request().Method+" "+c.Path()] {
			// A second factor is required but not yet set up: the session
			// (begun with the password alone) reaches only the enrolment
			// pages and log-out. See totp.go.
			if api {
				return portal.Errorf(portal.EFORBIDDEN, "set up your authenticator in the browser first")
			}
			return c.Redirect(http.StatusSeeOther, "/security/totp")
		}
		return next(c)
	}
}

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

// slide renews the browser cookie as the user works, so the idle timeout
// counts from the last request; the absolute lifetime still holds.
func (s *Server) slide(c echo.Context, claims *auth.Claims) error {
	if claims.IssuedAt == nil || s.Now().Sub(claims.IssuedAt.Time) < time.Minute {
		return nil
	}
	token, exp, err := s.Tokens.Refresh(claims)
	if err != nil {
		return nil // past the absolute lifetime: the current token runs out on its own
	}
	s.setSessionCookie(c, token, exp)
	return nil
}

func (s *Server) setSessionCookie(c echo.Context, token string, exp time.Time) {
	c.SetCookie(&http.Cookie{
		Name: s.cookieName(), Value: token, Path: "/", Expires: exp,
		Secure: s.Config.CookieSecure, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		Secure: s.Config.CookieSecure, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// require refuses the request unless the user's role has permission p. The
// refusal is audited.
func (s *Server) require(p portal.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sess := sessionOf(c)
			if sess == nil || !sess.User.Role.Can(p) {
				s.audit(c, "access.denied", nil, "denied", "needs permission "+string(p))
				return portal.Errorf(portal.EFORBIDDEN, "your role may not do this")
			}
			return next(c)
		}
	}
}

// purpose makes sure the caller has stated why they are reading report
// data: the browser is sent to the purpose form once per session, the API
// must send X-Purpose.
func (s *Server) purpose(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := sessionOf(c)
		if sess.Purpose != "" {
			if err := auth.ValidatePurpose(sess.Purpose); err != nil {
				return err
			}
			return next(c)
		}
		if sess.API {
			return portal.Errorf(portal.EINVALID, "state the purpose of this access in the X-Purpose header (an operation name or case reference)")
		}
		return c.Redirect(http.StatusSeeOther, "/purpose?next="+urlQueryEscape(c.Request().URL.RequestURI()))
	}
}

// nav is what the layout shows about the session.
func (s *Server) nav(c echo.Context) views.Nav {
	sess := sessionOf(c)
	return views.Nav{Username: sess.User.Username, Role: sess.User.Role, Unit: sess.User.Unit,
		Purpose: sess.Purpose, CSRF: csrfToken(c)}
}

// audit records an access. Callers that must fail closed use auditOrFail.
func (s *Server) audit(c echo.Context, action string, objects []string, outcome, detail string) error {
	e := portal.AuditEntry{
		Actor: "anonymous", ClientIP: c.RealIP(), Action: action, Objects: objects,
		Outcome: outcome, Detail: detail,
	}
	if sess := sessionOf(c); sess != nil {
		e.Actor, e.Role, e.Unit, e.Purpose = sess.User.Username, string(sess.User.Role), sess.User.Unit, sess.Purpose
	}
	if _, err := s.Audit.Append(context.WithoutCancel(c.Request().Context()), e); err != nil {
		s.Log.Error("audit write failed", "action", action, "err", err)
		auditFailures.Add(1)
		return portal.Errorf(portal.EUNAVAILABLE, "the audit log could not be written, so the action was not carried out")
	}
	return nil
}

func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}
