// Package web is the portal's Echo server: the browser pages and the JSON
// API under /api/v1. Handlers return errors; one error handler turns them
// into a status and a page or a JSON body.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/indexer"
	"github.com/investigation-portal/portal/internal/linkage"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/static"
)

// Auditor records one access; the audit log is one. Recording must be
// durable before it returns: an error means the action must not happen.
type Auditor interface {
	Append(ctx context.Context, e portal.AuditEntry) (portal.AuditEntry, error)
}

// Config is what the server needs to know beyond its collaborators.
type Config struct {
	Offences []string
	// CookieSecure marks the session cookie Secure with the __Host- prefix.
	// Browsers accept that on https and on http://localhost.
	CookieSecure bool
	// TrustedProxies are the networks whose X-Forwarded-For is believed; with
	// none the client address is the TCP peer.
	TrustedProxies []*net.IPNet
	// MaxImportBytes caps the body of an import request.
	MaxImportBytes int64
}

// Server is the portal's web server.
type Server struct {
	Echo    *echo.Echo
	Store   *store.Store
	Index   *index.Index
	Indexer *indexer.Indexer
	Tokens  *auth.Tokens
	Audit   Auditor
	// AuditLog is the reading side of the log, for the auditor's pages; when
	// unset, New takes it from Audit.
	AuditLog AuditReader
	Lockout  auth.LockoutPolicy
	Limiter  *auth.Limiter
	Config   Config
	Log      *slog.Logger
	Now      func() time.Time
	Linkage  *linkage.Service // made on first use when nil

	linkageMu sync.Mutex // guards making Linkage and its background runs
	audits    auditState // the auditor's home page's last verification
}

// New wires the routes and middleware.
func New(s *Server) *Server {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if r, ok := s.Audit.(AuditReader); ok && s.AuditLog == nil {
		s.AuditLog = r
	}
	if s.Config.MaxImportBytes == 0 {
		s.Config.MaxImportBytes = 512 << 20
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// The client address goes into every audit entry, so it is never taken
	// from a header a client can forge unless a trusted proxy set it.
	if len(s.Config.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range s.Config.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Use(middleware.RequestID())
	e.Use(s.recoverer)
	e.Use(securityHeaders)
	// Every request body is capped; only the import takes more, up to
	// MaxImportBytes (apiImport).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: func(c echo.Context) bool {
		return c.Request().Method == http.MethodPost && c.Path() == "/api/v1/reports"
	}}))
	s.Echo = e
	s.routes()
	return s
}

func (s *Server) routes() {
	e := s.Echo
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServerFS(static.FS))))

	pages := e.Group("", middleware.BodyLimit("1M"), s.csrf())
	pages.GET("/login", s.loginForm)
	pages.POST("/login", s.login)
	pages.POST("/logout", s.logout, s.session)
	pages.GET("/purpose", s.purposeForm, s.session)
	pages.POST("/purpose", s.setPurpose, s.session)
	pages.GET("/", s.home, s.session)
	pages.GET("/search", s.searchPage, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.GET("/reports/:id", s.reportPage, s.session, s.require(portal.PermReadReports), s.purpose)
	// A second factor (totp.go): every signed-in user, no purpose needed.
	pages.GET("/security", s.securityPage, s.session)
	pages.GET("/security/totp", s.totpForm, s.session)
	pages.GET("/security/totp/qr.png", s.totpQR, s.session)
	pages.POST("/security/totp", s.totpConfirm, s.session)
	// User administration (users.go).
	admin := []echo.MiddlewareFunc{s.session, s.require(portal.PermManageUsers)}
	pages.GET("/users", s.usersPage, admin...)
	pages.POST("/users", s.createUser, admin...)
	pages.GET("/users/:name", s.userPage, admin...)
	for _, change := range []string{"disable", "enable", "role", "unlock", "totp", "totp-reset", "password"} {
		pages.POST("/users/:name/"+change, s.changeUser(change), admin...)
	}
	// Search (search.go) and saved searches.
	pages.GET("/search/help", s.searchHelp, s.session, s.require(portal.PermReadReports))
	pages.GET("/search/export.csv", s.exportCSV, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.GET("/saved", s.savedSearchesPage, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.POST("/saved", s.saveSearch, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.GET("/saved/:id", s.runSavedSearch, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.POST("/saved/:id/delete", s.deleteSavedSearch, s.session, s.require(portal.PermReadReports), s.purpose)

	api := e.Group("/api/v1")
	api.POST("/auth/token", s.apiToken, middleware.BodyLimit("64K"))
	api.GET("/search", s.apiSearch, s.session, s.require(portal.PermReadReports), s.purpose)
	api.GET("/search/export", s.exportCSV, s.session, s.require(portal.PermReadReports), s.purpose)
	api.GET("/reports/:id", s.apiReport, s.session, s.require(portal.PermReadReports), s.purpose)
	api.POST("/reports", s.apiImport, s.session, s.require(portal.PermImport))
	api.GET("/reports/:id/similar", s.apiSimilar, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.GET("/series/discover", s.discoverPage, s.session, s.require(portal.PermReadReports), s.purpose)
	pages.POST("/series/discover", s.runDiscovery, s.session, s.require(portal.PermEditSeries), s.purpose)
	// The series workflow (series.go): investigators and supervisors draft,
	// change and submit; supervisors who had no hand in a series decide it.
	edit := []echo.MiddlewareFunc{s.session, s.require(portal.PermEditSeries), s.purpose}
	decide := []echo.MiddlewareFunc{s.session, s.require(portal.PermDecideSeries), s.purpose}
	api.GET("/series", s.apiListSeries, edit...)
	api.POST("/series", s.apiCreateSeries, edit...)
	api.GET("/series/:id", s.apiGetSeries, edit...)
	api.PATCH("/series/:id", s.apiPatchSeries, edit...)
	api.POST("/series/:id/submit", s.apiSeriesStep("submit"), edit...)
	api.POST("/series/:id/approve", s.apiSeriesStep("approve"), decide...)
	api.POST("/series/:id/reject", s.apiSeriesStep("reject"), decide...)
	pages.GET("/series", s.seriesListPage, edit...)
	pages.POST("/series", s.createSeriesForm, edit...)
	pages.GET("/series/:id", s.seriesPage, edit...)
	pages.POST("/series/:id", s.editSeriesForm, edit...)
	pages.GET("/series/:id/print", s.seriesPrintPage, edit...)
	pages.POST("/series/:id/reports", s.seriesReportsForm(true), edit...)
	pages.POST("/series/:id/remove", s.seriesReportsForm(false), edit...)
	pages.POST("/series/:id/flagged", s.seriesFlaggedForm, edit...)
	pages.POST("/series/:id/adopt", s.adoptSeriesForm, edit...)
	pages.POST("/series/:id/submit", s.seriesStepForm("submit"), edit...)
	pages.POST("/series/:id/approve", s.seriesStepForm("approve"), decide...)
	pages.POST("/series/:id/reject", s.seriesStepForm("reject"), decide...)
	// The auditor's pages, GET /api/v1/audit and GET /metrics (audit.go).
	s.auditRoutes(pages, api)
}

// ServeHTTP lets the server be used as an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Echo.ServeHTTP(w, r) }

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.Request().URL.Path != "/healthz" && !isStatic(c) {
			// Pages and API answers show narratives: never keep them in a cache.
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

func isStatic(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 8 && p[:8] == "/static/"
}

// recoverer turns a panic into a 500 through the error handler, logging the
// stack on the server only.
func (s *Server) recoverer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.Log.Error("panic in handler", "path", c.Request().URL.Path, "panic", r)
				err = portal.Errorf(portal.EINTERNAL, "internal error")
			}
		}()
		return next(c)
	}
}

func (s *Server) csrf() echo.MiddlewareFunc {
	name := "portal_csrf"
	if s.Config.CookieSecure {
		name = "__Host-portal_csrf"
	}
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     name,
		CookiePath:     "/",
		CookieSecure:   s.Config.CookieSecure,
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteStrictMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return portal.Errorf(portal.EFORBIDDEN, "the form has expired or did not come from this site; reload the page and try again")
		},
	})
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	return t
}
