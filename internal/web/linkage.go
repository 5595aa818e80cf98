package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/linkage"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// linkageService returns the server's linkage service, made on first use
// over its store and index (not yet loaded: see Service.Sync).
func (s *Server) linkageService() (*linkage.Service, error) {
	s.linkageMu.Lock()
	defer s.linkageMu.Unlock()
	if s.Linkage == nil {
		svc, err := linkage.NewService(s.Store, s.Index)
		if err != nil {
			return nil, err
		}
		s.Linkage = svc
	}
	return s.Linkage, nil
}

// WarmLinkage loads every report into the linkage engine and builds its
// candidate lists; serve runs it in the background at start-up so that the
// first similar-reports request does not wait for it (~40 s at 100,000
// reports).
func (s *Server) WarmLinkage(ctx context.Context) error {
	svc, err := s.linkageService()
	if err != nil {
		return err
	}
	return svc.Warm(ctx)
}

// linkage returns the server's linkage service brought up to date with the
// store.
func (s *Server) linkage(c echo.Context) (*linkage.Service, error) {
	svc, err := s.linkageService()
	if err != nil {
		return nil, err
	}
	if s.Indexer != nil {
		if _, err := s.Indexer.CatchUp(c.Request().Context()); err != nil {
			return nil, err
		}
	}
	return svc, svc.Sync(c.Request().Context())
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
	// Reading the report checks the session may see it (404 otherwise).
	r, err := s.readReport(c)
	if err != nil {
		return err
	}
	sim, err := s.similar(c, r.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sim)
}

// similarPanel is the report page's panel of similar reports; an error
// shows as an empty panel rather than hiding the report.
func (s *Server) similarPanel(c echo.Context, r portal.Report) templ.Component {
	// While the start-up warm-up is still loading the reports, the page
	// says so instead of waiting for it.
	s.linkageMu.Lock()
	warming := s.Linkage != nil && !s.Linkage.Ready()
	s.linkageMu.Unlock()
	if warming {
		return views.SimilarPanelPending()
	}
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

// groupLimit is the hits a grouped search asks for when no limit is given.
const groupLimit = 100

// groupHits groups the hits of a search into candidate series, strongest
// first, each with its evidence; hits in no group come last as groups of
// one. The search page and GET /api/v1/search?group=series both use it.
func (s *Server) groupHits(c echo.Context, res *index.Result) ([]views.SeriesGroup, error) {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	svc, err := s.linkage(c)
	if err != nil {
		return nil, err
	}
	groups, err := svc.Group(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]views.SeriesGroup, 0, len(groups))
	for _, g := range groups {
		ev := g.Evidence
		if ev == nil {
			ev = []portal.Reason{}
		}
		out = append(out, views.SeriesGroup{Reports: g.Reports, Score: g.Score, Evidence: ev})
	}
	return out, nil
}

// apiSearchGrouped answers GET /api/v1/search?group=series: the hits of the
// search grouped into candidate series (groupHits).
func (s *Server) apiSearchGrouped(c echo.Context, res *index.Result) error {
	groups, err := s.groupHits(c, res)
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
		out.Groups = append(out.Groups, group{g.Reports, g.Score, g.Evidence})
	}
	return c.JSON(http.StatusOK, out)
}

// discoverPage is GET /series/discover: the state of the background
// discovery run and the proposed series the session may see in full (a
// series with a report it may not read is left out).
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
	s.linkageMu.Lock()
	svc := s.Linkage
	s.linkageMu.Unlock()
	if svc != nil {
		page.Run = discoveryState(svc.Discovery())
	}
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

func discoveryState(r linkage.DiscoveryRun) views.DiscoveryRun {
	const stamp = "2 Jan 2006 15:04:05 MST"
	out := views.DiscoveryRun{Running: r.Running, By: r.By, Series: r.Series, Err: r.Err}
	if !r.Started.IsZero() {
		out.Started = r.Started.UTC().Format(stamp)
	}
	if !r.Finished.IsZero() {
		out.Finished = r.Finished.UTC().Format(stamp)
		out.Took = r.Finished.Sub(r.Started).Round(time.Second).String()
	}
	return out
}

// discoveryTimeout bounds one background discovery run.
const discoveryTimeout = time.Hour

// runDiscovery is POST /series/discover: start clustering the corpus in
// the background (one run at a time); the run stores the candidate series
// as proposed, and the discovery page shows it running, then its result.
func (s *Server) runDiscovery(c echo.Context) error {
	min, _ := strconv.ParseFloat(c.FormValue("min_score"), 64)
	svc, err := s.linkageService()
	if err != nil {
		return err
	}
	if run := svc.Discovery(); run.Running {
		if err := s.audit(c, "series.discover", nil, "ok", fmt.Sprintf("min_score=%g; not started: a run by %s is going since %s", min, run.By, run.Started.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/series/discover")
	}
	// Bring the index up to date first, so the run sees what was imported.
	if s.Indexer != nil {
		if _, err := s.Indexer.CatchUp(c.Request().Context()); err != nil {
			return err
		}
	}
	// Decided, not yet done: the audit entry comes first (fail closed).
	if err := s.audit(c, "series.discover", nil, "ok", fmt.Sprintf("min_score=%g", min)); err != nil {
		return err
	}
	svc.StartDiscover(min, sessionOf(c).User.Username, discoveryTimeout)
	return c.Redirect(http.StatusSeeOther, "/series/discover")
}
