package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/importer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// reportIDParam is the :id of a report route. Report ids may hold "/"
// (CRIS/2024/0012345), so links escape it as %2F and Echo, which routes on
// the escaped path, hands it over still escaped.
func reportIDParam(c echo.Context) (string, error) {
	id, err := url.PathUnescape(c.Param("id"))
	if err != nil {
		return "", portal.Errorf(portal.ENOTFOUND, "report %q not found", c.Param("id"))
	}
	return id, nil
}

// viewer is what the session may see of restricted reports.
func viewer(sess *Session) index.Viewer { return index.Viewer{Unit: sess.User.Unit} }

// readReport loads the report named by the route's :id, if the session may
// read it; a restricted report of another unit is "not found", so its
// existence does not leak.
func (s *Server) readReport(c echo.Context) (portal.Report, error) {
	id, err := reportIDParam(c)
	if err != nil {
		return portal.Report{}, err
	}
	sess := sessionOf(c)
	r, err := s.Store.Report(c.Request().Context(), id)
	if err == nil && !portal.MayRead(sess.User.Role, sess.User.Unit, &r) {
		s.audit(c, "report.view", []string{"report:" + id}, "denied", "restricted to another unit")
		err = portal.Errorf(portal.ENOTFOUND, "report %s not found", id)
	}
	if err != nil {
		return r, err
	}
	return r, s.audit(c, "report.view", []string{"report:" + id}, "ok", "")
}

func (s *Server) reportPage(c echo.Context) error {
	r, err := s.readReport(c)
	if err != nil {
		return err
	}
	sess := sessionOf(c)
	return render(c, http.StatusOK, views.Report(views.ReportPage{
		Nav: s.nav(c), Report: r, ShowVictim: sess.User.Role.Can(portal.PermVictim), ExtraFields: extraFields(r), Similar: s.similarPanel(c, r)}))
}

func (s *Server) apiReport(c echo.Context) error {
	r, err := s.readReport(c)
	if err != nil {
		return err
	}
	if !sessionOf(c).User.Role.Can(portal.PermVictim) {
		r.VictimAge = nil
	}
	return c.JSON(http.StatusOK, r)
}

func extraFields(r portal.Report) []views.Field {
	if len(r.Extra) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(r.Extra, &m) != nil {
		return nil
	}
	out := make([]views.Field, 0, len(m))
	for k, v := range m {
		val := fmt.Sprint(v)
		if b, err := json.Marshal(v); err == nil && !isString(v) {
			val = string(b)
		}
		out = append(out, views.Field{Name: k, Value: val})
	}
	slices.SortFunc(out, func(a, b views.Field) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func isString(v any) bool { _, ok := v.(string); return ok }

func intParam(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, portal.Errorf(portal.EINVALID, "%s must be a whole number ≥ 0, not %q", name, v)
	}
	return n, nil
}

// importResponse is the API's answer to an import, the same counts as the
// command line's.
type importResponse struct {
	importer.Summary
	Errors []string `json:"errors"`
}

func (s *Server) apiImport(c echo.Context) error {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.Config.MaxImportBytes)
	im := &importer.Importer{Writer: s.Store, Offences: s.Config.Offences,
		// Each batch is audited before it is written, so that no report
		// changes when the audit log cannot say so (fail closed).
		BeforeBatch: func(batch []portal.Report) error {
			objs := make([]string, len(batch))
			for i := range batch {
				objs[i] = "report:" + batch[i].ID
			}
			return s.audit(c, "import.write", objs, "ok", "request")
		}}
	format := importer.NDJSON
	if strings.Contains(req.Header.Get("Content-Type"), "csv") {
		format = importer.CSV
	}
	sum, err := im.Import(req.Context(), req.Body, "request", format)
	// Whatever was committed must reach the index and the audit log, even
	// when the body broke off half way.
	if _, ierr := s.Indexer.CatchUp(req.Context()); ierr != nil {
		s.Log.Error("index catch-up after import", "err", ierr)
	}
	detail := fmt.Sprintf("imported=%d updated=%d unchanged=%d rejected=%d", sum.Imported, sum.Updated, sum.Unchanged, sum.Rejected)
	objs := make([]string, 0, len(sum.Changed))
	for _, id := range sum.Changed {
		objs = append(objs, "report:"+id)
	}
	if aerr := s.audit(c, "import", objs, outcomeOf(err), detail); aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errorsAs(err, &mbe) {
			return portal.Errorf(portal.ETOOLARGE, "the import is larger than %d bytes; split it (%s stored before the limit)",
				s.Config.MaxImportBytes, detail)
		}
		return err
	}
	resp := importResponse{Summary: sum, Errors: make([]string, len(sum.Errors))}
	for i, e := range sum.Errors {
		resp.Errors[i] = e.String()
	}
	status := http.StatusOK
	if sum.Rejected > 0 && sum.Imported+sum.Updated+sum.Unchanged == 0 {
		status = http.StatusBadRequest
	}
	return c.JSON(status, resp)
}

func outcomeOf(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}
