package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	portal.EINVALID:      http.StatusBadRequest,
	portal.EUNAUTHORIZED: http.StatusUnauthorized,
	portal.EFORBIDDEN:    http.StatusForbidden,
	portal.ENOTFOUND:     http.StatusNotFound,
	portal.ECONFLICT:     http.StatusConflict,
	portal.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	portal.ERATELIMIT:    http.StatusTooManyRequests,
	portal.EUNAVAILABLE:  http.StatusServiceUnavailable,
	portal.EINTERNAL:     http.StatusInternalServerError,
}

// codeOf maps statuses from Echo's own errors (unknown route, body limit…)
// back to codes.
var codeOf = map[int]string{
	http.StatusBadRequest:            portal.EINVALID,
	http.StatusUnauthorized:          portal.EUNAUTHORIZED,
	http.StatusForbidden:             portal.EFORBIDDEN,
	http.StatusNotFound:              portal.ENOTFOUND,
	http.StatusMethodNotAllowed:      portal.ENOTFOUND,
	http.StatusConflict:              portal.ECONFLICT,
	http.StatusRequestEntityTooLarge: portal.ETOOLARGE,
	http.StatusTooManyRequests:       portal.ERATELIMIT,
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// handleError is Echo's error handler: every handler error ends here.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := portal.ErrorCode(err), portal.ErrorMessage(err)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if cd, ok := codeOf[he.Code]; ok {
			code = cd
			msg = strings.ToLower(http.StatusText(he.Code))
			if m, ok := he.Message.(string); ok && he.Code != http.StatusInternalServerError {
				msg = m
			}
		}
	}
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		var body apiError
		body.Error.Code, body.Error.Message = code, msg
		c.JSON(status, body)
		return
	}
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	var nav *views.Nav
	if sess := sessionOf(c); sess != nil {
		n := s.nav(c)
		nav = &n
	}
	render(c, status, views.Error(views.ErrorPage{Nav: nav, Status: status, Message: msg}))
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
