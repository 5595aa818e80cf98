package web

import (
	"context"
	"encoding/csv"
	"expvar"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// AuditReader is what the auditor's pages need of the log beyond Append;
// *audit.Log is one. A server whose Auditor is not one (a benchmark's no-op)
// answers the auditor's pages with "unavailable".
type AuditReader interface {
	Query(ctx context.Context, f audit.Filter) ([]portal.AuditEntry, error)
	Verify(ctx context.Context) (audit.Report, error)
	Checkpoint(ctx context.Context) (audit.Checkpoint, error)
	LatestCheckpoint(ctx context.Context) (audit.Checkpoint, bool, error)
	PublicKey() string
	ExportBundle(ctx context.Context, entries []portal.AuditEntry, filter map[string]string, by string) (audit.Bundle, error)
}

// Limits of the auditor's views.
const (
	auditPageSize  = 50
	auditAPILimit  = 100
	maxAuditExport = 100_000 // entries in one export; a larger one must be narrowed
	maxAnomalyScan = 200_000 // entries the anomaly flags read in one period
)

// auditState is what the auditor's home page remembers between requests:
// the last verification, which may take a while on a large log.
type auditState struct {
	mu        sync.Mutex
	last      *views.AuditVerify
	verifying bool
}

func (s *Server) auditState() *auditState { return &s.audits }

// auditRoutes adds the auditor's pages, the audit API and the metrics.
func (s *Server) auditRoutes(pages, api *echo.Group) {
	auditor := []echo.MiddlewareFunc{s.session, s.require(portal.PermAudit), s.purpose}
	pages.GET("/audit", s.auditHome, auditor...)
	pages.POST("/audit/verify", s.auditVerify, auditor...)
	pages.POST("/audit/checkpoint", s.auditCheckpoint, auditor...)
	pages.GET("/audit/reports", s.auditReportLookup, auditor...)
	pages.GET("/audit/reports/:id", s.auditReportPage, auditor...)
	pages.GET("/audit/users", s.auditUserLookup, auditor...)
	pages.GET("/audit/users/:name", s.auditUserPage, auditor...)
	pages.GET("/audit/anomalies", s.auditAnomalies, auditor...)
	pages.GET("/audit/export.csv", s.auditExportCSV, auditor...)
	pages.GET("/audit/export.json", s.auditExportJSON, auditor...)
	// The API states its purpose in X-Purpose when it has one; the contract
	// does not ask for one here, so it is recorded but not required.
	api.GET("/audit", s.apiAudit, s.session, s.require(portal.PermAudit))
	s.Echo.GET("/metrics", s.metrics, s.session, s.requireAny(portal.PermAudit, portal.PermManageUsers))
}

// requireAny is require for routes open to several permissions.
func (s *Server) requireAny(ps ...portal.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if sess := sessionOf(c); sess != nil {
				for _, p := range ps {
					if sess.User.Role.Can(p) {
						return next(c)
					}
				}
			}
			names := make([]string, len(ps))
			for i, p := range ps {
				names[i] = string(p)
			}
			s.audit(c, "access.denied", nil, "denied", "needs permission "+strings.Join(names, " or "))
			return portal.Errorf(portal.EFORBIDDEN, "your role may not do this")
		}
	}
}

func (s *Server) auditReader() (AuditReader, error) {
	if s.AuditLog == nil {
		return nil, portal.Errorf(portal.EUNAVAILABLE, "this server's audit log cannot be read")
	}
	return s.AuditLog, nil
}

// auditQuery is a parsed filter: what the log is asked, the form as typed,
// and the parameters as a sorted description for the audit entry of the read.
type auditQuery struct {
	filter audit.Filter
	form   views.AuditFilter
}

// parseAuditFilter reads the filter from the query string. from and to take
// RFC 3339, 2006-01-02T15:04 or a date; a date as "to" means the end of it.
func parseAuditFilter(c echo.Context) (auditQuery, error) {
	q := auditQuery{form: views.AuditFilter{
		Actor: strings.TrimSpace(c.QueryParam("actor")), Action: strings.TrimSpace(c.QueryParam("action")),
		Report: strings.TrimSpace(c.QueryParam("report")), Series: strings.TrimSpace(c.QueryParam("series")),
		Purpose: strings.TrimSpace(c.QueryParam("purpose")),
		From:    strings.TrimSpace(c.QueryParam("from")), To: strings.TrimSpace(c.QueryParam("to")),
	}}
	f := &q.filter
	f.Actor, f.Action, f.Purpose = q.form.Actor, q.form.Action, q.form.Purpose
	switch {
	case q.form.Report != "" && q.form.Series != "":
		return q, portal.Errorf(portal.EINVALID, "filter by a report or by a series, not both at once")
	case q.form.Report != "":
		f.Object = "report:" + q.form.Report
	case q.form.Series != "":
		f.Object = "series:" + q.form.Series
	}
	var err error
	if f.From, err = parseWhen("from", q.form.From, false); err != nil {
		return q, err
	}
	if f.To, err = parseWhen("to", q.form.To, true); err != nil {
		return q, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return q, portal.Errorf(portal.EINVALID, "from must be before to")
	}
	if v := c.QueryParam("before"); v != "" {
		if f.BeforeSeq, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeSeq < 1 {
			return q, portal.Errorf(portal.EINVALID, "before must be an entry number ≥ 1, not %q", v)
		}
	}
	return q, nil
}

func parseWhen(name, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Time{}, portal.Errorf(portal.EINVALID, "%s must be a date (2026-01-31) or a time (2026-01-31T08:00, RFC 3339 or UTC), not %q", name, v)
}

// describe is the filter in an audit entry's detail.
func (q auditQuery) describe() string {
	v := q.form.Query()
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q ", k, v.Get(k))
	}
	if q.filter.BeforeSeq > 0 {
		fmt.Fprintf(&b, "before=%d ", q.filter.BeforeSeq)
	}
	return b.String()
}

// objects names what the filter is about, so that reading the history of a
// report or a user shows in that report's or user's own history.
func (q auditQuery) objects() []string {
	var out []string
	if q.filter.Object != "" {
		out = append(out, q.filter.Object)
	}
	if q.filter.Actor != "" {
		out = append(out, "user:"+q.filter.Actor)
	}
	return out
}

// page reads one page of entries, newest first, and the cursor of the next.
func (s *Server) auditPage(ctx context.Context, r AuditReader, f audit.Filter, size int) ([]portal.AuditEntry, int64, error) {
	f.Limit = size + 1
	entries, err := r.Query(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(entries) > size {
		entries = entries[:size]
		next = entries[size-1].Seq
	}
	return entries, next, nil
}

// auditAll reads every entry that matches f, newest first, up to max.
func auditAll(ctx context.Context, r AuditReader, f audit.Filter, max int) ([]portal.AuditEntry, bool, error) {
	var out []portal.AuditEntry
	for {
		f.Limit = min(audit.MaxLimit, max-len(out)+1)
		got, err := r.Query(ctx, f)
		if err != nil {
			return nil, false, err
		}
		out = append(out, got...)
		if len(out) > max {
			return out[:max], true, nil
		}
		if len(got) < f.Limit {
			return out, false, nil
		}
		f.BeforeSeq = got[len(got)-1].Seq
		if f.BeforeSeq == 0 {
			return out, false, nil
		}
	}
}

func (s *Server) auditHome(c echo.Context) error {
	return s.auditList(c, "home", "Audit log", nil)
}

func (s *Server) auditReportLookup(c echo.Context) error {
	id := strings.TrimSpace(c.QueryParam("id"))
	if id == "" {
		return portal.Errorf(portal.EINVALID, "give a report id")
	}
	return c.Redirect(http.StatusSeeOther, "/audit/reports/"+url.PathEscape(id))
}

func (s *Server) auditUserLookup(c echo.Context) error {
	name := strings.TrimSpace(c.QueryParam("name"))
	if name == "" {
		return portal.Errorf(portal.EINVALID, "give a username")
	}
	return c.Redirect(http.StatusSeeOther, "/audit/users/"+url.PathEscape(name))
}

// auditReportPage answers "who accessed this report": every entry that
// names it — views, searches that showed it, imports that changed it.
func (s *Server) auditReportPage(c echo.Context) error {
	id, err := reportIDParam(c)
	if err != nil {
		return err
	}
	return s.auditList(c, "report", "Who accessed report "+id, func(q *auditQuery) {
		q.form.Report, q.form.Series, q.filter.Object = id, "", "report:"+id
	})
}

// auditUserPage is one user's activity, newest first, by day.
func (s *Server) auditUserPage(c echo.Context) error {
	name := c.Param("name")
	return s.auditList(c, "user", "Activity of "+name, func(q *auditQuery) {
		q.form.Actor, q.filter.Actor = name, name
	})
}

// auditList serves the three listing pages. The read is audited after the
// entries are read and before any is shown.
func (s *Server) auditList(c echo.Context, mode, title string, fix func(*auditQuery)) error {
	r, err := s.auditReader()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	page := views.AuditPage{Nav: s.nav(c), Mode: mode, Title: title}
	if mode != "home" {
		page.Subject = strings.TrimPrefix(title, "Who accessed report ")
	}
	q, perr := parseAuditFilter(c)
	if fix != nil {
		fix(&q)
	}
	page.Filter = q.form
	status := http.StatusOK
	if perr != nil {
		if portal.ErrorCode(perr) != portal.EINVALID {
			return perr
		}
		page.Error, status = portal.ErrorMessage(perr), http.StatusBadRequest
	} else {
		entries, next, err := s.auditPage(ctx, r, q.filter, auditPageSize)
		if err != nil {
			return err
		}
		page.Entries = entries
		base := c.Request().URL.Path + "?" + q.form.Query().Encode()
		if next > 0 {
			page.OlderURL = base + "&before=" + strconv.FormatInt(next, 10)
		}
		if q.filter.BeforeSeq > 0 {
			page.NewestURL = base
		}
	}
	exportQuery := q.form.Query().Encode()
	page.ExportCSV, page.ExportJSON = "/audit/export.csv?"+exportQuery, "/audit/export.json?"+exportQuery
	if mode == "home" {
		st := s.auditState()
		st.mu.Lock()
		page.Verify, page.Verifying = st.last, st.verifying
		st.mu.Unlock()
		if cp, ok, err := r.LatestCheckpoint(ctx); err != nil {
			page.Error = strings.TrimSpace(page.Error + " The latest checkpoint could not be read: " + err.Error())
		} else if ok {
			page.Checkpoint = &views.AuditCheckpoint{Size: cp.Size, Root: cp.Root.String(), Time: cp.Time, Note: cp.Note}
		}
		page.PublicKey = r.PublicKey()
		page.WriteFailures = auditFailures.Value()
	}
	action := map[string]string{"home": "audit.query", "report": "audit.report_history", "user": "audit.user_timeline"}[mode]
	if err := s.audit(c, action, q.objects(), outcomeOf(perr), q.describe()+"shown="+strconv.Itoa(len(page.Entries))); err != nil {
		return err
	}
	return render(c, status, views.Audit(page))
}

// auditVerify runs Verify now and shows the result on the home page.
func (s *Server) auditVerify(c echo.Context) error {
	r, err := s.auditReader()
	if err != nil {
		return err
	}
	st := s.auditState()
	st.mu.Lock()
	if st.verifying {
		st.mu.Unlock()
		return c.Redirect(http.StatusSeeOther, "/audit")
	}
	st.verifying = true
	st.mu.Unlock()
	defer func() { st.mu.Lock(); st.verifying = false; st.mu.Unlock() }()
	start := s.Now()
	rep, err := r.Verify(context.WithoutCancel(c.Request().Context()))
	if err != nil {
		s.audit(c, "audit.verify", nil, "error", err.Error())
		return err
	}
	v := &views.AuditVerify{Intact: rep.Intact, Line: rep.String(), At: s.Now(), By: sessionOf(c).User.Username, Took: s.Now().Sub(start).Round(time.Millisecond)}
	if !rep.Intact {
		s.Log.Error("audit log does not verify", "problem", rep.Problem)
	}
	if err := s.audit(c, "audit.verify", nil, "ok", rep.String()); err != nil {
		return err
	}
	st.mu.Lock()
	st.last = v
	st.mu.Unlock()
	return c.Redirect(http.StatusSeeOther, "/audit")
}

func (s *Server) auditCheckpoint(c echo.Context) error {
	r, err := s.auditReader()
	if err != nil {
		return err
	}
	// Audited first, so that the checkpoint covers its own request.
	if err := s.audit(c, "audit.checkpoint", nil, "ok", ""); err != nil {
		return err
	}
	if _, err := r.Checkpoint(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/audit")
}

// exportEntries reads the whole filtered view for an export.
func (s *Server) exportEntries(c echo.Context) (AuditReader, auditQuery, []portal.AuditEntry, error) {
	r, err := s.auditReader()
	if err != nil {
		return nil, auditQuery{}, nil, err
	}
	q, err := parseAuditFilter(c)
	if err != nil {
		return nil, q, nil, err
	}
	q.filter.BeforeSeq = 0 // an export is the whole view, not one page
	entries, more, err := auditAll(c.Request().Context(), r, q.filter, maxAuditExport)
	if err != nil {
		return nil, q, nil, err
	}
	if more {
		return nil, q, nil, portal.Errorf(portal.ETOOLARGE, "more than %d entries match; narrow the filter (a shorter period) and export in parts", maxAuditExport)
	}
	return r, q, entries, nil
}

func exportName(now time.Time, ext string) string {
	return "audit-" + now.UTC().Format("20060102T150405Z") + "." + ext
}

// auditExportCSV writes the filtered view as CSV for a spreadsheet. Cells
// that a spreadsheet would run as a formula are escaped.
func (s *Server) auditExportCSV(c echo.Context) error {
	_, q, entries, err := s.exportEntries(c)
	if err != nil {
		return err
	}
	if err := s.audit(c, "audit.export", q.objects(), "ok", "format=csv "+q.describe()+"entries="+strconv.Itoa(len(entries))); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+exportName(s.Now(), "csv")+`"`)
	c.Response().WriteHeader(http.StatusOK)
	return WriteAuditCSV(c.Response(), entries)
}

// WriteAuditCSV writes entries as CSV with a header row, escaping cells a
// spreadsheet would run as formulas; the command line exports with it too.
func WriteAuditCSV(w interface{ Write([]byte) (int, error) }, entries []portal.AuditEntry) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time", "actor", "role", "unit", "client_ip", "action", "objects", "outcome", "purpose", "detail"})
	for _, e := range entries {
		row := []string{strconv.FormatInt(e.Seq, 10), views.AuditTime(e.Time), e.Actor, e.Role, e.Unit, e.ClientIP,
			e.Action, views.Objects(e.Objects), e.Outcome, e.Purpose, e.Detail}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a cell as a formula (OWASP CSV
// injection): a cell starting with = + - @ or a tab or carriage return gets
// a leading apostrophe. Entry fields come from users (queries, purposes,
// usernames typed at log-in), so they can hold anything.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// auditExportJSON writes the filtered view as a signed bundle with each
// entry's inclusion proof against a checkpoint signed for the export.
func (s *Server) auditExportJSON(c echo.Context) error {
	r, q, entries, err := s.exportEntries(c)
	if err != nil {
		return err
	}
	if err := s.audit(c, "audit.export", q.objects(), "ok", "format=json "+q.describe()+"entries="+strconv.Itoa(len(entries))); err != nil {
		return err
	}
	params := map[string]string{}
	for k, v := range q.form.Query() {
		params[k] = v[0]
	}
	b, err := r.ExportBundle(c.Request().Context(), entries, params, sessionOf(c).User.Username)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+exportName(s.Now(), "json")+`"`)
	return c.JSON(http.StatusOK, b)
}

// auditAPIResponse is the answer of GET /api/v1/audit: entries newest first
// and, when there are more, the cursor for the next page (?before=).
type auditAPIResponse struct {
	Entries    []portal.AuditEntry `json:"entries"`
	NextBefore int64               `json:"next_before,omitempty"`
}

func (s *Server) apiAudit(c echo.Context) error {
	r, err := s.auditReader()
	if err != nil {
		return err
	}
	q, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", auditAPILimit)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), audit.MaxLimit)
	entries, next, err := s.auditPage(c.Request().Context(), r, q.filter, limit)
	if err != nil {
		return err
	}
	if err := s.audit(c, "audit.query", q.objects(), "ok", q.describe()+"shown="+strconv.Itoa(len(entries))); err != nil {
		return err
	}
	if entries == nil {
		entries = []portal.AuditEntry{}
	}
	return c.JSON(http.StatusOK, auditAPIResponse{Entries: entries, NextBefore: next})
}

// metrics serves the expvar variables (portal_audit_write_failures among
// them) to admins and auditors; the read is audited like any other.
func (s *Server) metrics(c echo.Context) error {
	if err := s.audit(c, "metrics.read", nil, "ok", ""); err != nil {
		return err
	}
	expvar.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}

// auditAnomalies computes the anomaly flags of a period from the log.
func (s *Server) auditAnomalies(c echo.Context) error {
	r, err := s.auditReader()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	now := s.Now().UTC()
	page := views.AnomalyPage{Nav: s.nav(c), From: c.QueryParam("from"), To: c.QueryParam("to")}
	if page.From == "" {
		page.From = now.AddDate(0, 0, -30).Format("2006-01-02")
	}
	if page.To == "" {
		page.To = now.Format("2006-01-02")
	}
	from, ferr := parseWhen("from", page.From, false)
	to, terr := parseWhen("to", page.To, true)
	status := http.StatusOK
	if err := cmpErr(ferr, terr); err != nil {
		page.Error, status = portal.ErrorMessage(err), http.StatusBadRequest
	} else {
		entries, truncated, err := auditAll(ctx, r, audit.Filter{From: from, To: to}, maxAnomalyScan)
		if err != nil {
			return err
		}
		page.Scanned, page.Truncated = len(entries), truncated
		if page.Flags, err = s.anomalies(ctx, entries); err != nil {
			return err
		}
	}
	kinds := map[string]int{}
	for _, f := range page.Flags {
		kinds[f.Kind]++
	}
	if err := s.audit(c, "audit.anomalies", nil, "ok", fmt.Sprintf("from=%q to=%q scanned=%d flags=%v", page.From, page.To, page.Scanned, kinds)); err != nil {
		return err
	}
	return render(c, status, views.Anomalies(page))
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
