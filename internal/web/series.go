package web

// The series workflow: an investigator drafts a series of reports believed
// to be one offender's (or adopts one the linkage proposed), prunes and
// argues it, submits it, and a supervisor who had no hand in it approves or
// rejects it with a reason. Contract §3 (the API) and §4 (who may).
//
// Restricted reports: a series that holds a report the caller may not read
// is, to that caller, not there at all: reading or changing it answers 404
// (audited as a denial) and lists leave it out. Hiding only the report's id
// would not be enough, since the evidence, the rationale and the history
// of such a series can speak of that report. Flagged reports (suggestions
// of the linkage) and report ids in the history that the caller may not read
// are left out of an otherwise readable series.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/views"
)

const (
	maxSeriesTitle     = 200
	maxSeriesRationale = 20000
	maxSeriesReason    = 5000
	maxSeriesReports   = 1000
)

// seriesJSON is one series as the API shows it.
type seriesJSON struct {
	portal.Series
	// Flagged are new reports the linkage found to fit, for a person to
	// confirm (add) or dismiss.
	Flagged []string            `json:"flagged"`
	History []store.SeriesEvent `json:"history"`
}

// seriesChange is the body of PATCH /api/v1/series/{id}; every field but
// version may be left out.
type seriesChange struct {
	Version   *int64               `json:"version"`
	Title     *string              `json:"title"`
	Rationale *string              `json:"rationale"`
	Reports   *[]string            `json:"reports"`
	Status    *portal.SeriesStatus `json:"status"` // only "draft": adopt a proposed series or rework a rejected one
}

// seriesDecision is the body of submit, approve and reject.
type seriesDecision struct {
	Version *int64 `json:"version"` // when given, a stale one is 409
	Reason  string `json:"reason"`
}

func seriesObj(id int64) string { return "series:" + strconv.FormatInt(id, 10) }

func seriesObjects(se portal.Series, extra ...string) []string {
	objs := []string{seriesObj(se.ID)}
	for _, id := range se.ReportIDs {
		objs = append(objs, "report:"+id)
	}
	for _, id := range extra {
		if !slices.Contains(se.ReportIDs, id) {
			objs = append(objs, "report:"+id)
		}
	}
	return objs
}

// refuse audits a refused series request and returns its error (or the
// audit's, failing closed).
func (s *Server) refuse(c echo.Context, action string, objs []string, err error) error {
	outcome := "error"
	if code := portal.ErrorCode(err); code == portal.EFORBIDDEN || code == portal.ENOTFOUND {
		outcome = "denied"
	}
	if aerr := s.audit(c, action, objs, outcome, portal.ErrorMessage(err)); aerr != nil {
		return aerr
	}
	return err
}

func seriesID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, portal.Errorf(portal.ENOTFOUND, "series %q not found", c.Param("id"))
	}
	return id, nil
}

// readable reports whether the session may read every report of ids that
// exists, given the reports loaded for them.
func readableAll(sess *Session, ids []string, reps map[string]portal.Report) bool {
	for _, id := range ids {
		if r, ok := reps[id]; ok && !portal.MayRead(sess.User.Role, sess.User.Unit, &r) {
			return false
		}
	}
	return true
}

// loadSeries reads series :id for action, with its reports, and refuses it
// (404, audited) when it does not exist or holds a report the session may
// not read.
func (s *Server) loadSeries(c echo.Context, action string) (portal.Series, map[string]portal.Report, error) {
	ctx := c.Request().Context()
	id, err := seriesID(c)
	if err != nil {
		return portal.Series{}, nil, s.refuse(c, action, nil, err)
	}
	se, err := s.Store.Series(ctx, id)
	if err != nil {
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			return se, nil, s.refuse(c, action, []string{seriesObj(id)}, err)
		}
		return se, nil, err
	}
	reps, err := s.Store.Reports(ctx, se.ReportIDs)
	if err != nil {
		return se, nil, err
	}
	if !readableAll(sessionOf(c), se.ReportIDs, reps) {
		s.audit(c, action, seriesObjects(se), "denied", "the series holds a report restricted to another unit")
		return se, nil, portal.Errorf(portal.ENOTFOUND, "series %d not found", id)
	}
	return se, reps, nil
}

// checkNewReports makes sure every report being added exists and may be
// read by the session: one that does not, or is restricted to another unit,
// is "not found" (audited), so its existence does not leak.
func (s *Server) checkNewReports(c echo.Context, action string, objs []string, ids []string) (map[string]portal.Report, error) {
	reps, err := s.Store.Reports(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	sess := sessionOf(c)
	for _, id := range ids {
		r, ok := reps[id]
		if !ok || !portal.MayRead(sess.User.Role, sess.User.Unit, &r) {
			return nil, s.refuse(c, action, append(objs, "report:"+id), portal.Errorf(portal.ENOTFOUND, "report %s not found", id))
		}
	}
	return reps, nil
}

func cleanIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func splitIDs(s string) []string {
	return cleanIDs(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == ';' }))
}

func validateSeriesText(title, rationale string) error {
	switch {
	case strings.TrimSpace(title) == "":
		return portal.Errorf(portal.EINVALID, "a series needs a title")
	case utf8.RuneCountInString(title) > maxSeriesTitle:
		return portal.Errorf(portal.EINVALID, "the title is longer than %d characters", maxSeriesTitle)
	case utf8.RuneCountInString(rationale) > maxSeriesRationale:
		return portal.Errorf(portal.EINVALID, "the rationale is longer than %d characters", maxSeriesRationale)
	}
	return nil
}

func validateSeriesReports(ids []string) error {
	switch {
	case len(ids) == 0:
		return portal.Errorf(portal.EINVALID, "a series needs at least one report")
	case len(ids) > maxSeriesReports:
		return portal.Errorf(portal.EINVALID, "a series holds at most %d reports", maxSeriesReports)
	}
	return nil
}

// createSeries stores a new draft of the session's user.
func (s *Server) createSeries(c echo.Context, title, rationale string, ids []string) (portal.Series, error) {
	const action = "series.create"
	ids = cleanIDs(ids)
	title, rationale = strings.TrimSpace(title), strings.TrimSpace(rationale)
	if err := validateSeriesText(title, rationale); err != nil {
		return portal.Series{}, s.refuse(c, action, nil, err)
	}
	if err := validateSeriesReports(ids); err != nil {
		return portal.Series{}, s.refuse(c, action, nil, err)
	}
	if _, err := s.checkNewReports(c, action, nil, ids); err != nil {
		return portal.Series{}, err
	}
	objs := []string{}
	for _, id := range ids {
		objs = append(objs, "report:"+id)
	}
	// Decided, not yet done: audited first (fail closed).
	if err := s.audit(c, action, objs, "ok", title); err != nil {
		return portal.Series{}, err
	}
	se, err := s.Store.CreateSeries(c.Request().Context(), portal.Series{Title: title, Rationale: rationale,
		Status: portal.SeriesDraft, ReportIDs: ids, CreatedBy: sessionOf(c).User.Username})
	if err != nil {
		s.audit(c, action, objs, "error", err.Error())
		return se, err
	}
	if err := s.audit(c, action, seriesObjects(se), "ok", fmt.Sprintf("created series %d", se.ID)); err != nil {
		return se, err
	}
	return se, nil
}

// commitSeries writes a change that has been checked: audited first (fail
// closed), then stored; a store failure (a change that raced in) is
// audited too. by joins ChangedBy unless "".
func (s *Server) commitSeries(c echo.Context, action string, se portal.Series, objs []string, by string, ev store.SeriesEvent) (portal.Series, error) {
	if err := s.audit(c, action, objs, "ok", ev.Detail); err != nil {
		return se, err
	}
	out, err := s.Store.ChangeSeries(c.Request().Context(), se, by, ev)
	if err != nil {
		s.audit(c, action, objs, "error", "not stored: "+portal.ErrorMessage(err))
		return out, err
	}
	return out, nil
}

func checkVersion(se portal.Series, v *int64) error {
	if v != nil && *v != se.Version {
		return portal.Errorf(portal.ECONFLICT, "series %d was changed since version %d (now %d): reload it and make the change again", se.ID, *v, se.Version)
	}
	return nil
}

func editable(se portal.Series) error {
	switch se.Status {
	case portal.SeriesProposed, portal.SeriesDraft, portal.SeriesRejected:
		return nil
	case portal.SeriesSubmitted:
		return portal.Errorf(portal.ECONFLICT, "series %d is submitted and waits for a supervisor's decision: it cannot be changed until then", se.ID)
	default:
		return portal.Errorf(portal.ECONFLICT, "series %d is %s: an approved series is final; start a new series to add to it", se.ID, se.Status)
	}
}

// changeSeries applies a change (API PATCH or a page form) to series :id.
func (s *Server) changeSeries(c echo.Context, ch seriesChange) (portal.Series, error) {
	action := "series.change"
	if ch.Status != nil && *ch.Status == portal.SeriesDraft {
		action = "series.adopt"
	}
	se, _, err := s.loadSeries(c, action)
	if err != nil {
		return se, err
	}
	objs := seriesObjects(se)
	if ch.Version == nil {
		return se, s.refuse(c, action, objs, portal.Errorf(portal.EINVALID, "say which version of the series the change was made on (\"version\": %d)", se.Version))
	}
	if err := checkVersion(se, ch.Version); err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	if err := editable(se); err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	if ch.Title == nil && ch.Rationale == nil && ch.Reports == nil && ch.Status == nil {
		return se, s.refuse(c, action, objs, portal.Errorf(portal.EINVALID, "nothing to change: send title, rationale, reports or status"))
	}
	var what []string
	ev := store.SeriesEvent{Actor: sessionOf(c).User.Username, Action: "change"}
	if ch.Status != nil {
		if *ch.Status != portal.SeriesDraft {
			return se, s.refuse(c, action, objs, portal.Errorf(portal.EINVALID,
				"status can only be set to draft here (adopting a proposed series or reworking a rejected one); use /submit, /approve or /reject"))
		}
		switch se.Status {
		case portal.SeriesProposed:
			what, ev.Action = append(what, "adopted"), "adopt"
		case portal.SeriesRejected:
			what, ev.Action = append(what, "reworked"), "rework"
		}
	}
	if se.Status == portal.SeriesRejected && ev.Action == "change" {
		// Changing a rejected series is reworking it.
		what, ev.Action = append(what, "reworked"), "rework"
	}
	if ch.Title != nil && strings.TrimSpace(*ch.Title) != se.Title {
		se.Title = strings.TrimSpace(*ch.Title)
		what = append(what, "title")
	}
	if ch.Rationale != nil && strings.TrimSpace(*ch.Rationale) != se.Rationale {
		se.Rationale = strings.TrimSpace(*ch.Rationale)
		what = append(what, "rationale")
	}
	if err := validateSeriesText(se.Title, se.Rationale); err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	var added []string
	if ch.Reports != nil {
		ids := cleanIDs(*ch.Reports)
		if err := validateSeriesReports(ids); err != nil {
			return se, s.refuse(c, action, objs, err)
		}
		for _, id := range ids {
			if !slices.Contains(se.ReportIDs, id) {
				added = append(added, id)
			}
		}
		if _, err := s.checkNewReports(c, action, objs, added); err != nil {
			return se, err
		}
		removed := 0
		for _, id := range se.ReportIDs {
			if !slices.Contains(ids, id) {
				removed++
			}
		}
		if len(added) > 0 || removed > 0 || !slices.Equal(ids, se.ReportIDs) {
			what = append(what, fmt.Sprintf("reports (%d added, %d removed)", len(added), removed))
		}
		objs = seriesObjects(se, ids...)
		se.ReportIDs = ids
	}
	if len(what) == 0 {
		return se, s.refuse(c, action, objs, portal.Errorf(portal.EINVALID, "nothing changed"))
	}
	if ev.Action == "adopt" || ev.Action == "rework" {
		se.Status, se.DecidedBy, se.Decision = portal.SeriesDraft, "", ""
	}
	ev.Detail = strings.Join(what, ", ")
	return s.commitSeries(c, action, se, objs, ev.Actor, ev)
}

// submitSeries sends a draft for a supervisor's decision. The submitter
// joins ChangedBy: vouching for a series is having a hand in it.
func (s *Server) submitSeries(c echo.Context, d seriesDecision) (portal.Series, error) {
	const action = "series.submit"
	se, _, err := s.loadSeries(c, action)
	if err != nil {
		return se, err
	}
	objs := seriesObjects(se)
	if err := checkVersion(se, d.Version); err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	switch {
	case se.Status == portal.SeriesProposed:
		err = portal.Errorf(portal.ECONFLICT, "series %d is a proposal: adopt it as a draft first", se.ID)
	case se.Status == portal.SeriesRejected:
		err = portal.Errorf(portal.ECONFLICT, "series %d was rejected: rework it (change it) before submitting it again", se.ID)
	case se.Status != portal.SeriesDraft:
		err = portal.Errorf(portal.ECONFLICT, "series %d is already %s", se.ID, se.Status)
	case len(se.ReportIDs) < 2:
		err = portal.Errorf(portal.EINVALID, "a series needs at least two reports before it is submitted")
	case se.Rationale == "":
		err = portal.Errorf(portal.EINVALID, "write the rationale (why these reports are one offender's) before submitting")
	}
	if err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	se.Status = portal.SeriesSubmitted
	user := sessionOf(c).User.Username
	return s.commitSeries(c, action, se, objs, user, store.SeriesEvent{Actor: user, Action: "submit", Detail: strings.TrimSpace(d.Reason)})
}

// decideSeries approves or rejects a submitted series. Only a supervisor
// (the route's permission) who never created or changed it may; a reason
// is required.
func (s *Server) decideSeries(c echo.Context, d seriesDecision, to portal.SeriesStatus) (portal.Series, error) {
	verb := "approve"
	if to == portal.SeriesRejected {
		verb = "reject"
	}
	action := "series." + verb
	se, _, err := s.loadSeries(c, action)
	if err != nil {
		return se, err
	}
	objs := seriesObjects(se)
	user := sessionOf(c).User.Username
	reason := strings.TrimSpace(d.Reason)
	switch {
	case slices.Contains(se.ChangedBy, user):
		err = portal.Errorf(portal.EFORBIDDEN, "you created, changed or submitted series %d, so you may not %s it: another supervisor must decide it", se.ID, verb)
	case se.Status != portal.SeriesSubmitted:
		err = portal.Errorf(portal.ECONFLICT, "series %d is %s: only a submitted series can be approved or rejected", se.ID, se.Status)
	case reason == "":
		err = portal.Errorf(portal.EINVALID, "give the reason for the decision")
	case utf8.RuneCountInString(reason) > maxSeriesReason:
		err = portal.Errorf(portal.EINVALID, "the reason is longer than %d characters", maxSeriesReason)
	default:
		err = checkVersion(se, d.Version)
	}
	if err != nil {
		return se, s.refuse(c, action, objs, err)
	}
	se.Status, se.DecidedBy, se.Decision = to, user, reason
	// The decider is not a changer: by is "".
	return s.commitSeries(c, action, se, objs, "", store.SeriesEvent{Actor: user, Action: verb, Detail: reason})
}

// seriesDetail gathers what a reader of series se may see: its flagged
// reports and history, with the ids of reports they may not read left out.
func (s *Server) seriesDetail(c echo.Context, se portal.Series) (flagged []string, history []store.SeriesEvent, reps map[string]portal.Report, err error) {
	ctx := c.Request().Context()
	fl, err := s.Store.FlaggedReports(ctx, se.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	history, err = s.Store.SeriesHistory(ctx, se.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	ids := slices.Clone(se.ReportIDs)
	ids = append(ids, fl...)
	for _, ev := range history {
		ids = append(ids, ev.Added...)
		ids = append(ids, ev.Removed...)
	}
	reps, err = s.Store.Reports(ctx, cleanIDs(ids))
	if err != nil {
		return nil, nil, nil, err
	}
	sess := sessionOf(c)
	may := func(id string) bool {
		r, ok := reps[id]
		return !ok || portal.MayRead(sess.User.Role, sess.User.Unit, &r)
	}
	flagged = []string{}
	for _, id := range fl {
		if _, ok := reps[id]; ok && may(id) {
			flagged = append(flagged, id)
		}
	}
	for i := range history {
		history[i].Added = slices.DeleteFunc(history[i].Added, func(id string) bool { return !may(id) })
		history[i].Removed = slices.DeleteFunc(history[i].Removed, func(id string) bool { return !may(id) })
	}
	return flagged, history, reps, nil
}

// visibleSeries lists the series in status (all when "") that the session
// may read in full.
func (s *Server) visibleSeries(c echo.Context, status portal.SeriesStatus) ([]portal.Series, error) {
	ctx := c.Request().Context()
	all, err := s.Store.ListSeries(ctx, status)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, se := range all {
		ids = append(ids, se.ReportIDs...)
	}
	reps, err := s.Store.Reports(ctx, cleanIDs(ids))
	if err != nil {
		return nil, err
	}
	sess := sessionOf(c)
	out := make([]portal.Series, 0, len(all))
	for _, se := range all {
		if readableAll(sess, se.ReportIDs, reps) {
			out = append(out, se)
		}
	}
	return out, nil
}

func listObjects(list []portal.Series) []string {
	var objs []string
	seen := map[string]bool{}
	for _, se := range list {
		for _, o := range seriesObjects(se) {
			if !seen[o] {
				seen[o] = true
				objs = append(objs, o)
			}
		}
	}
	return objs
}

func parseStatus(v string) (portal.SeriesStatus, error) {
	st := portal.SeriesStatus(v)
	switch st {
	case "", portal.SeriesProposed, portal.SeriesDraft, portal.SeriesSubmitted, portal.SeriesApproved, portal.SeriesRejected:
		return st, nil
	}
	return "", portal.Errorf(portal.EINVALID, "status must be one of proposed, draft, submitted, approved, rejected, not %q", v)
}

// decodeJSON reads a JSON body strictly: unknown fields are a 400, so a
// misspelt "reason" is not taken for a missing one.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return portal.Errorf(portal.EINVALID, "the body is not the JSON expected: %v", err)
	}
	return nil
}

// ---- API ----

// apiListSeries is GET /api/v1/series?status=&mine=true.
func (s *Server) apiListSeries(c echo.Context) error {
	status, err := parseStatus(c.QueryParam("status"))
	if err != nil {
		return s.refuse(c, "series.list", nil, err)
	}
	list, err := s.visibleSeries(c, status)
	if err != nil {
		return err
	}
	if v := c.QueryParam("mine"); v == "true" || v == "1" {
		user := sessionOf(c).User.Username
		list = slices.DeleteFunc(list, func(se portal.Series) bool { return !slices.Contains(se.ChangedBy, user) })
	}
	if err := s.audit(c, "series.list", listObjects(list), "ok", "status="+string(status)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"series": list, "total": len(list)})
}

// apiCreateSeries is POST /api/v1/series {"title", "rationale", "reports"}.
func (s *Server) apiCreateSeries(c echo.Context) error {
	var req struct {
		Title     string   `json:"title"`
		Rationale string   `json:"rationale"`
		Reports   []string `json:"reports"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return s.refuse(c, "series.create", nil, err)
	}
	se, err := s.createSeries(c, req.Title, req.Rationale, req.Reports)
	if err != nil {
		return err
	}
	return s.seriesJSON(c, http.StatusCreated, se)
}

func (s *Server) seriesJSON(c echo.Context, status int, se portal.Series) error {
	flagged, history, _, err := s.seriesDetail(c, se)
	if err != nil {
		return err
	}
	return c.JSON(status, seriesJSON{Series: se, Flagged: flagged, History: history})
}

// apiGetSeries is GET /api/v1/series/{id}.
func (s *Server) apiGetSeries(c echo.Context) error {
	se, _, err := s.loadSeries(c, "series.view")
	if err != nil {
		return err
	}
	flagged, history, _, err := s.seriesDetail(c, se)
	if err != nil {
		return err
	}
	if err := s.audit(c, "series.view", seriesObjects(se, flagged...), "ok", ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, seriesJSON{Series: se, Flagged: flagged, History: history})
}

// apiPatchSeries is PATCH /api/v1/series/{id}.
func (s *Server) apiPatchSeries(c echo.Context) error {
	var ch seriesChange
	if err := decodeJSON(c, &ch); err != nil {
		return s.refuse(c, "series.change", nil, err)
	}
	se, err := s.changeSeries(c, ch)
	if err != nil {
		return err
	}
	return s.seriesJSON(c, http.StatusOK, se)
}

func (s *Server) apiSeriesStep(step string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var d seriesDecision
		if err := decodeJSON(c, &d); err != nil {
			return s.refuse(c, "series."+step, nil, err)
		}
		se, err := s.seriesStep(c, step, d)
		if err != nil {
			return err
		}
		return s.seriesJSON(c, http.StatusOK, se)
	}
}

// ---- pages ----

// seriesListPage is GET /series?show=mine|submitted|decided|proposed|all,
// and with add=REPORT the place to add that report to a series.
func (s *Server) seriesListPage(c echo.Context) error {
	sess := sessionOf(c)
	show := c.QueryParam("show")
	if show == "" {
		show = "mine"
		if sess.User.Role.Can(portal.PermDecideSeries) {
			show = "submitted"
		}
	}
	var status portal.SeriesStatus
	switch show {
	case "mine", "all", "decided":
	case "submitted":
		status = portal.SeriesSubmitted
	case "proposed":
		status = portal.SeriesProposed
	default:
		return s.refuse(c, "series.list", nil, portal.Errorf(portal.EINVALID, "show must be mine, submitted, decided, proposed or all"))
	}
	list, err := s.visibleSeries(c, status)
	if err != nil {
		return err
	}
	user := sess.User.Username
	list = slices.DeleteFunc(list, func(se portal.Series) bool {
		switch show {
		case "mine":
			return !slices.Contains(se.ChangedBy, user) || (se.Status != portal.SeriesDraft && se.Status != portal.SeriesRejected && se.Status != portal.SeriesSubmitted)
		case "decided":
			return se.Status != portal.SeriesApproved && !(se.Status == portal.SeriesRejected && se.DecidedBy != "")
		}
		return false
	})
	if err := s.audit(c, "series.list", listObjects(list), "ok", "show="+show); err != nil {
		return err
	}
	page := views.SeriesListPage{Nav: s.nav(c), Show: show, Add: strings.TrimSpace(c.QueryParam("add"))}
	for _, se := range list {
		page.Series = append(page.Series, views.SeriesRow{ID: se.ID, Title: se.Title, Status: string(se.Status),
			Reports: len(se.ReportIDs), Version: se.Version, ChangedBy: se.ChangedBy, DecidedBy: se.DecidedBy,
			Updated: se.UpdatedAt, Editable: editable(se) == nil, Has: slices.Contains(se.ReportIDs, page.Add)})
	}
	return render(c, http.StatusOK, views.SeriesList(page))
}

// seriesPage is GET /series/:id.
func (s *Server) seriesPage(c echo.Context) error {
	se, _, err := s.loadSeries(c, "series.view")
	if err != nil {
		return err
	}
	flagged, history, reps, err := s.seriesDetail(c, se)
	if err != nil {
		return err
	}
	if err := s.audit(c, "series.view", seriesObjects(se, flagged...), "ok", ""); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.SeriesDetail(s.seriesView(c, se, flagged, history, reps)))
}

func (s *Server) seriesView(c echo.Context, se portal.Series, flagged []string, history []store.SeriesEvent, reps map[string]portal.Report) views.SeriesPage {
	sess := sessionOf(c)
	user := sess.User.Username
	p := views.SeriesPage{Nav: s.nav(c), Series: se, Editable: editable(se) == nil,
		CanDecide: sess.User.Role.Can(portal.PermDecideSeries) && se.Status == portal.SeriesSubmitted,
		IsChanger: slices.Contains(se.ChangedBy, user)}
	for _, id := range se.ReportIDs {
		row := views.SeriesReport{ID: id}
		if r, ok := reps[id]; ok {
			row.Headline, row.Restricted, row.Found = views.Headline(r), r.Restricted, true
		}
		p.Reports = append(p.Reports, row)
	}
	for _, id := range flagged {
		r := reps[id]
		p.Flagged = append(p.Flagged, views.SeriesReport{ID: id, Headline: views.Headline(r), Restricted: r.Restricted, Found: true})
	}
	for _, ev := range history {
		p.History = append(p.History, views.SeriesEventView{At: ev.At, Actor: ev.Actor, Action: ev.Action,
			Status: string(ev.Status), Version: ev.Version, Added: ev.Added, Removed: ev.Removed, Detail: ev.Detail})
	}
	return p
}

// seriesPrintPage is GET /series/:id/print: an approved series with its
// reports in full, laid out for paper. Printing is audited.
func (s *Server) seriesPrintPage(c echo.Context) error {
	const action = "series.print"
	se, reps, err := s.loadSeries(c, action)
	if err != nil {
		return err
	}
	if se.Status != portal.SeriesApproved {
		return s.refuse(c, action, seriesObjects(se), portal.Errorf(portal.ECONFLICT, "series %d is %s: only an approved series is printed", se.ID, se.Status))
	}
	_, history, _, err := s.seriesDetail(c, se)
	if err != nil {
		return err
	}
	if err := s.audit(c, action, seriesObjects(se), "ok", ""); err != nil {
		return err
	}
	p := views.SeriesPrintPage{Nav: s.nav(c), Series: se, Printed: s.Now(), By: sessionOf(c).User.Username}
	for _, id := range se.ReportIDs {
		if r, ok := reps[id]; ok {
			p.Reports = append(p.Reports, r)
		}
	}
	for _, ev := range history {
		p.History = append(p.History, views.SeriesEventView{At: ev.At, Actor: ev.Actor, Action: ev.Action,
			Status: string(ev.Status), Version: ev.Version, Added: ev.Added, Removed: ev.Removed, Detail: ev.Detail})
	}
	return render(c, http.StatusOK, views.SeriesPrint(p))
}

func formVersion(c echo.Context) *int64 {
	v, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return nil
	}
	return &v
}

func seeSeries(c echo.Context, id int64) error {
	return c.Redirect(http.StatusSeeOther, "/series/"+strconv.FormatInt(id, 10))
}

// createSeriesForm is POST /series: title, rationale, reports (ids
// separated by commas or spaces).
func (s *Server) createSeriesForm(c echo.Context) error {
	se, err := s.createSeries(c, c.FormValue("title"), c.FormValue("rationale"), splitIDs(c.FormValue("reports")))
	if err != nil {
		return err
	}
	return seeSeries(c, se.ID)
}

// editSeriesForm is POST /series/:id: title and rationale.
func (s *Server) editSeriesForm(c echo.Context) error {
	title, rationale := c.FormValue("title"), c.FormValue("rationale")
	se, err := s.changeSeries(c, seriesChange{Version: formVersion(c), Title: &title, Rationale: &rationale})
	if err != nil {
		return err
	}
	return seeSeries(c, se.ID)
}

// seriesReportsForm is POST /series/:id/reports (add report=ID, also from
// the series list reached from a report page) and POST /series/:id/remove
// (remove report=ID).
func (s *Server) seriesReportsForm(add bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := strings.TrimSpace(c.FormValue("report"))
		if id == "" {
			return s.refuse(c, "series.change", nil, portal.Errorf(portal.EINVALID, "say which report"))
		}
		// The current members, to change; loadSeries (again) inside
		// changeSeries checks access and the version.
		sid, err := seriesID(c)
		if err != nil {
			return s.refuse(c, "series.change", nil, err)
		}
		cur, err := s.Store.Series(c.Request().Context(), sid)
		if err != nil {
			return s.refuse(c, "series.change", []string{seriesObj(sid)}, err)
		}
		ids := slices.Clone(cur.ReportIDs)
		if add {
			ids = append(ids, id)
		} else {
			ids = slices.DeleteFunc(ids, func(x string) bool { return x == id })
		}
		se, err := s.changeSeries(c, seriesChange{Version: formVersion(c), Reports: &ids})
		if err != nil {
			return err
		}
		return seeSeries(c, se.ID)
	}
}

// seriesFlaggedForm is POST /series/:id/flagged: report=ID and
// do=confirm (add it to the series) or do=dismiss.
func (s *Server) seriesFlaggedForm(c echo.Context) error {
	report := strings.TrimSpace(c.FormValue("report"))
	switch c.FormValue("do") {
	case "confirm":
		return s.seriesReportsForm(true)(c)
	case "dismiss":
	default:
		return s.refuse(c, "series.change", nil, portal.Errorf(portal.EINVALID, "do must be confirm or dismiss"))
	}
	const action = "series.change"
	se, _, err := s.loadSeries(c, action)
	if err != nil {
		return err
	}
	objs := seriesObjects(se, report)
	user := sessionOf(c).User.Username
	fl, err := s.Store.FlaggedReports(c.Request().Context(), se.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(fl, report) {
		return s.refuse(c, action, objs, portal.Errorf(portal.ENOTFOUND, "report %s is not flagged on series %d", report, se.ID))
	}
	if _, err := s.checkNewReports(c, action, objs, []string{report}); err != nil {
		return err
	}
	if err := s.audit(c, action, objs, "ok", "dismissed a flagged report"); err != nil {
		return err
	}
	if err := s.Store.DismissFlagged(c.Request().Context(), se.ID, report, store.SeriesEvent{Actor: user, Action: "dismiss", Detail: "dismissed a flagged report"}); err != nil {
		return err
	}
	return seeSeries(c, se.ID)
}

// adoptSeriesForm is POST /series/:id/adopt: a proposed series becomes the
// user's draft (also a rejected one reworked).
func (s *Server) adoptSeriesForm(c echo.Context) error {
	draft := portal.SeriesDraft
	se, err := s.changeSeries(c, seriesChange{Version: formVersion(c), Status: &draft})
	if err != nil {
		return err
	}
	return seeSeries(c, se.ID)
}

// seriesStepForm is POST /series/:id/submit, /approve and /reject.
func (s *Server) seriesStepForm(step string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d := seriesDecision{Version: formVersion(c), Reason: c.FormValue("reason")}
		if d.Version == nil {
			return s.refuse(c, "series."+step, nil, portal.Errorf(portal.EINVALID, "the form did not say which version of the series it was made on"))
		}
		se, err := s.seriesStep(c, step, d)
		if err != nil {
			return err
		}
		return seeSeries(c, se.ID)
	}
}

// seriesStep moves a series one step through the workflow, for the API and
// the page alike.
func (s *Server) seriesStep(c echo.Context, step string, d seriesDecision) (portal.Series, error) {
	switch step {
	case "submit":
		return s.submitSeries(c, d)
	case "approve":
		return s.decideSeries(c, d, portal.SeriesApproved)
	}
	return s.decideSeries(c, d, portal.SeriesRejected)
}
