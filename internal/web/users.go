package web

// The administrators' user pages: list, create, and change accounts. Every
// change is decided, audited (failing closed) and then stored; the changes
// that take access away or change what a session may do end the user's
// sessions at once through portal.User's NotBefore (see
// internal/portal/useradmin.go, which `portal user` shares).

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, views.UsersPage{})
}

func (s *Server) renderUsers(c echo.Context, status int, page views.UsersPage) error {
	users, err := s.Store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	if err := s.audit(c, "user.list", nil, "ok", fmt.Sprintf("%d users", len(users))); err != nil {
		return err
	}
	page.Nav, page.Users, page.Now, page.Roles = s.nav(c), users, s.Now(), portal.Roles
	return render(c, status, views.Users(page))
}

// createUser is POST /users.
func (s *Server) createUser(c echo.Context) error {
	form := views.NewUserForm{
		Username:    strings.TrimSpace(c.FormValue("username")),
		Role:        portal.Role(c.FormValue("role")),
		Unit:        strings.TrimSpace(c.FormValue("unit")),
		RequireTOTP: c.FormValue("require_totp") == "yes",
	}
	password := c.FormValue("password")
	err := portal.ValidateUsername(form.Username)
	if err == nil && !form.Role.Valid() {
		err = portal.Errorf(portal.EINVALID, "choose a role")
	}
	if err == nil {
		err = portal.ValidateUnit(form.Unit)
	}
	if err == nil {
		err = auth.ValidatePassword(password, form.Username)
	}
	if err == nil {
		if _, lerr := s.Store.UserByName(c.Request().Context(), form.Username); lerr == nil {
			err = portal.Errorf(portal.ECONFLICT, "user %s already exists", form.Username)
		} else if portal.ErrorCode(lerr) != portal.ENOTFOUND {
			return lerr
		}
	}
	if err != nil {
		if portal.ErrorCode(err) == portal.EINVALID || portal.ErrorCode(err) == portal.ECONFLICT {
			return s.renderUsers(c, statusOf[portal.ErrorCode(err)], views.UsersPage{Form: form, Error: portal.ErrorMessage(err)})
		}
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u := portal.User{Username: form.Username, Role: form.Role, Unit: form.Unit, PasswordHash: hash, TOTPRequired: form.RequireTOTP}
	detail := fmt.Sprintf("role=%s unit=%q require_totp=%t", u.Role, u.Unit, u.TOTPRequired)
	if err := s.audit(c, "user.create", []string{"user:" + u.Username}, "ok", detail); err != nil {
		return err
	}
	if _, err := s.Store.CreateUser(c.Request().Context(), u); err != nil {
		s.audit(c, "user.create", []string{"user:" + u.Username}, "error", "not stored: "+portal.ErrorMessage(err))
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/users/"+u.Username+"?done=created")
}

// userPage is GET /users/:name, with a form for each change.
func (s *Server) userPage(c echo.Context) error {
	u, err := s.Store.UserByName(c.Request().Context(), c.Param("name"))
	if err != nil {
		return err
	}
	if err := s.audit(c, "user.view", []string{"user:" + u.Username}, "ok", ""); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.UserDetail(views.UserPage{
		Nav: s.nav(c), User: u, Now: s.Now(), Roles: portal.Roles, Self: u.Username == sessionOf(c).User.Username,
		Done: doneMessages[c.QueryParam("done")]}))
}

// doneMessages are the confirmations a change redirects to; a fixed set,
// so nothing from the URL is shown.
var doneMessages = map[string]string{
	"created":  "Account created.",
	"disable":  "Account disabled; the user's sessions have ended.",
	"enable":   "Account enabled.",
	"role":     "Role and unit changed; the user's sessions have ended.",
	"unlock":   "Account unlocked.",
	"totp":     "Second-factor requirement changed.",
	"reset":    "Authenticator reset; the user's sessions have ended.",
	"password": "Password reset; the user's sessions have ended.",
}

// userChange is one of the changes an admin makes on the user page.
type userChange struct {
	action string // audit action
	done   string // key into doneMessages
	// self is false for changes an admin may not make to their own account
	// (which could leave nobody able to administer the portal).
	self bool
	// apply changes u and returns the audit detail; changed false means
	// nothing to do.
	apply func(s *Server, c echo.Context, u *portal.User) (detail string, changed bool, err error)
}

var userChanges = map[string]userChange{
	"disable": {action: "user.disable", done: "disable", apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		if u.Disabled {
			return "", false, nil
		}
		u.Disable(s.Now())
		return "sessions ended", true, nil
	}},
	"enable": {action: "user.enable", done: "enable", apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		if !u.Disabled {
			return "", false, nil
		}
		u.Enable()
		return "", true, nil
	}},
	"role": {action: "user.role", done: "role", apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		from := fmt.Sprintf("%s/%q", u.Role, u.Unit)
		changed, err := u.SetRole(portal.Role(c.FormValue("role")), strings.TrimSpace(c.FormValue("unit")), s.Now())
		return fmt.Sprintf("from %s to %s/%q; sessions ended", from, u.Role, u.Unit), changed, err
	}},
	"unlock": {action: "user.unlock", done: "unlock", self: true, apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		auth.Unlock(u)
		return "", true, nil
	}},
	"totp": {action: "user.totp.require", done: "totp", self: true, apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		req := c.FormValue("require") == "yes"
		if req == u.TOTPRequired {
			return "", false, nil
		}
		u.RequireTOTP(req, s.Now())
		return fmt.Sprintf("required=%t", req), true, nil
	}},
	"totp-reset": {action: "user.totp.reset", done: "reset", apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		if u.TOTPSecret == "" {
			return "", false, nil
		}
		u.ResetTOTP(s.Now())
		return "sessions ended", true, nil
	}},
	"password": {action: "user.password.reset", done: "password", apply: func(s *Server, c echo.Context, u *portal.User) (string, bool, error) {
		pw := c.FormValue("password")
		if err := auth.ValidatePassword(pw, u.Username); err != nil {
			return "", false, err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return "", false, err
		}
		u.SetPasswordHash(hash, s.Now())
		auth.Unlock(u)
		return "sessions ended", true, nil
	}},
}

// changeUser is POST /users/:name/:change.
func (s *Server) changeUser(change string) echo.HandlerFunc {
	ch, ok := userChanges[change]
	if !ok {
		panic("web: unknown user change " + change)
	}
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		u, err := s.Store.UserByName(ctx, c.Param("name"))
		if err != nil {
			return err
		}
		obj := []string{"user:" + u.Username}
		if !ch.self && u.Username == sessionOf(c).User.Username {
			if err := s.audit(c, ch.action, obj, "denied", "an administrator may not do this to their own account"); err != nil {
				return err
			}
			return portal.Errorf(portal.EFORBIDDEN, "ask another administrator to do this to your own account")
		}
		detail, changed, err := ch.apply(s, c, &u)
		if err != nil {
			if portal.ErrorCode(err) == portal.EINVALID {
				s.audit(c, ch.action, obj, "failed", portal.ErrorMessage(err))
			}
			return err
		}
		if !changed {
			// Nothing to do, but an administrator's attempt is still on record.
			if err := s.audit(c, ch.action, obj, "ok", "no change"); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/users/"+u.Username)
		}
		if err := s.audit(c, ch.action, obj, "ok", detail); err != nil {
			return err
		}
		if err := s.Store.UpdateUser(ctx, u); err != nil {
			s.audit(c, ch.action, obj, "error", "not stored")
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/users/"+u.Username+"?done="+ch.done)
	}
}
