package web

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/linkage"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

var linkageOnce sync.Mutex

// linkage returns the server's linkage service, made on first use over its
// store and index, and brought up to date with the store.
func (s *Server) linkage(c echo.Context) (*linkage.Service, error) {
	linkageOnce.Lock()
	if s.Linkage == nil {
		svc, err := linkage.NewService(s.Store, s.Index)
		if err != nil {
			linkageOnce.Unlock()
			return nil, err
		}
		s.Linkage = svc
	}
	linkageOnce.Unlock()
	if s.Indexer != nil {
		if _, err := s.Indexer.CatchUp(c.Request().Context()); err != nil {
			return nil, err
		}
	}
	return s.Linkage, s.Linkage.Sync(c.Request().Context())
}

// similar ranks the reports like id that the session may see, and audits
// the ids it is about to show.
func (s *Server) similar(c echo.Context, id string) (*linkage.Similar, error) {
	limit, err := intParam(c, "limit", 10)
	if err != nil {
		return nil, err
	}
	svc, err := s.linkage(c)
	if err != nil {
		return nil, err
	}
	sim, err := svc.Similar(c.Request().Context(), id, viewer(sessionOf(c)), limit)
	if err != nil {
		return nil, err
	}
	objs := []string{"report:" + id}
	for _, x := range sim.Similar {
		objs = append(objs, "report:"+x.ID)
	}
	if err := s.audit(c, "report.similar", objs, "ok", fmt.Sprintf("limit=%d", limit)); err != nil {
		return nil, err
	}
	return sim, nil
}

// apiSimilar is GET /api/v1/reports/:id/similar: one line of `portal similar`.
func (s *Server) apiSimilar(c echo.Context) error {
	id := c.Param("id")
	// Reading the report checks the session may see it (404 otherwise).
	if _, err := s.readReport(c, id); err != nil {
		return err
	}
	sim, err := s.similar(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sim)
}

// similarPanel is the report page's panel of similar reports; an error
// shows as an empty panel rather than hiding the report.
func (s *Server) similarPanel(c echo.Context, r portal.Report) templ.Component {
	sim, err := s.similar(c, r.ID)
	if err != nil {
		s.Log.Warn("similar reports", "report", r.ID, "err", err)
		return views.SimilarPanel(nil)
	}
	ids := make([]string, len(sim.Similar))
	for i, x := range sim.Similar {
		ids[i] = x.ID
	}
	reps, err := s.Store.Reports(c.Request().Context(), ids)
	if err != nil {
		return views.SimilarPanel(nil)
	}
	rows := make([]views.SimilarRow, 0, len(sim.Similar))
	for _, x := range sim.Similar {
		o := reps[x.ID]
		row := views.SimilarRow{ID: x.ID, Headline: views.Headline(o), Score: x.Score, Reasons: x.Reasons}
		for _, m := range s.Linkage.Engine.SharedSpans(&r, &o) {
			row.Matches = append(row.Matches, views.SideBySide{Label: m.Label,
				This: views.Snippet(m.This), That: views.Snippet(m.That)})
		}
		rows = append(rows, row)
	}
	return views.SimilarPanel(rows)
}

// apiSearchGrouped answers GET /api/v1/search?group=series: the hits of the
// search grouped into candidate series, strongest first, each with its
// evidence; hits in no group come last as groups of one.
func (s *Server) apiSearchGrouped(c echo.Context, res *index.Result) error {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	svc, err := s.linkage(c)
	if err != nil {
		return err
	}
	groups, err := svc.Group(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	type group struct {
		Reports  []string        `json:"reports"`
		Score    float64         `json:"score"`
		Evidence []portal.Reason `json:"evidence"`
	}
	out := struct {
		Total  int         `json:"total"`
		Hits   []index.Hit `json:"hits"`
		Groups []group     `json:"groups"`
	}{Total: res.Total, Hits: res.Hits, Groups: []group{}}
	for _, g := range groups {
		ev := g.Evidence
		if ev == nil {
			ev = []portal.Reason{}
		}
		out.Groups = append(out.Groups, group{g.Reports, g.Score, ev})
	}
	return c.JSON(http.StatusOK, out)
}

// discoverPage is GET /series/discover: the proposed series the session
// may see in full (a series with a report it may not read is left out).
func (s *Server) discoverPage(c echo.Context) error {
	ctx := c.Request().Context()
	sess := sessionOf(c)
	all, err := s.Store.ListSeries(ctx, portal.SeriesProposed)
	if err != nil {
		return err
	}
	var ids []string
	for _, se := range all {
		ids = append(ids, se.ReportIDs...)
	}
	reps, err := s.Store.Reports(ctx, ids)
	if err != nil {
		return err
	}
	page := views.DiscoverPage{Nav: s.nav(c), CanRun: sess.User.Role.Can(portal.PermEditSeries)}
	var objs []string
	for _, se := range all {
		ok := true
		for _, id := range se.ReportIDs {
			if r, found := reps[id]; found && !portal.MayRead(sess.User.Role, sess.User.Unit, &r) {
				ok = false
			}
		}
		if ok {
			page.Series = append(page.Series, views.SeriesGroup{ID: se.ID, Reports: se.ReportIDs, Score: se.Score, Evidence: se.Evidence})
			objs = append(objs, "series:"+strconv.FormatInt(se.ID, 10))
		}
	}
	if err := s.audit(c, "series.list", objs, "ok", "proposed"); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Discover(page))
}

// runDiscovery is POST /series/discover: cluster the corpus and store the
// candidate series as proposed.
func (s *Server) runDiscovery(c echo.Context) error {
	min, _ := strconv.ParseFloat(c.FormValue("min_score"), 64)
	svc, err := s.linkage(c)
	if err != nil {
		return err
	}
	// Decided, not yet done: the audit entry comes first (fail closed).
	if err := s.audit(c, "series.discover", nil, "ok", fmt.Sprintf("min_score=%g", min)); err != nil {
		return err
	}
	if _, err := svc.Discover(c.Request().Context(), min, sessionOf(c).User.Username); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/series/discover")
}
