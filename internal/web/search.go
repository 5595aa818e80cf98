package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/views"
)

// searchForm reads the search parameters of a page or API request. The API
// and the page take the same names (q, offence, borough, location_type,
// year, from, to, hour_from, hour_to, near, sort, created_after).
func searchForm(v url.Values) views.SearchForm {
	multi := func(k string) []string {
		var out []string
		for _, s := range v[k] {
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
		return out
	}
	one := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return views.SearchForm{
		Query: v.Get("q"), Offences: multi("offence"), Boroughs: multi("borough"),
		LocationTypes: multi("location_type"), Years: multi("year"),
		From: one("from"), To: one("to"), HourFrom: one("hour_from"), HourTo: one("hour_to"),
		Near: one("near"), Sort: one("sort"), CreatedAfter: one("created_after"),
		Group: one("group") == "series",
	}
}

// indexRequest turns the form into a search request; a bad value is an
// EINVALID error naming the field.
func indexRequest(f views.SearchForm, viewer index.Viewer) (index.Request, error) {
	r := index.Request{Query: f.Query, Sort: f.Sort, Viewer: viewer,
		Filters: index.Filters{Offences: f.Offences, Boroughs: f.Boroughs, LocationTypes: f.LocationTypes, Years: f.Years}}
	if f.From != "" {
		from, _, err := index.DateRange(f.From + "..")
		if err != nil {
			return r, portal.Errorf(portal.EINVALID, "from: %v", err)
		}
		r.Filters.From = from
	}
	if f.To != "" {
		_, to, err := index.DateRange(".." + f.To)
		if err != nil {
			return r, portal.Errorf(portal.EINVALID, "to: %v", err)
		}
		r.Filters.To = to
	}
	if !r.Filters.From.IsZero() && !r.Filters.To.IsZero() && !r.Filters.From.Before(r.Filters.To) {
		return r, portal.Errorf(portal.EINVALID, "from %s is after to %s", f.From, f.To)
	}
	hour := func(name, s string) (*int, error) {
		if s == "" {
			return nil, nil
		}
		h, err := strconv.Atoi(s)
		if err != nil || h < 0 || h > 23 {
			return nil, portal.Errorf(portal.EINVALID, "%s must be an hour from 0 to 23, not %q", name, s)
		}
		return &h, nil
	}
	var err error
	if r.Filters.HourFrom, err = hour("hour_from", f.HourFrom); err != nil {
		return r, err
	}
	if r.Filters.HourTo, err = hour("hour_to", f.HourTo); err != nil {
		return r, err
	}
	if f.Near != "" {
		lat, lon, km, err := index.ParseNear(f.Near)
		if err != nil {
			return r, portal.Errorf(portal.EINVALID, "near: %v", err)
		}
		r.Filters.Near = &index.Near{Lat: lat, Lon: lon, Km: km}
	}
	if f.CreatedAfter != "" {
		t, err := time.Parse(time.RFC3339Nano, f.CreatedAfter)
		if err != nil {
			return r, portal.Errorf(portal.EINVALID, "created_after must be an RFC 3339 time, not %q", f.CreatedAfter)
		}
		r.Filters.CreatedAfter = t
	}
	switch r.Sort {
	case "", index.SortRelevance, index.SortNewest, index.SortOldest:
	default:
		return r, portal.Errorf(portal.EINVALID, "sort must be relevance, newest or oldest, not %q", r.Sort)
	}
	return r, nil
}

// search runs a search for the session and audits it with the ids shown.
func (s *Server) search(c echo.Context) (*index.Result, map[string]portal.Report, index.Request, error) {
	form := searchForm(c.QueryParams())
	req, err := indexRequest(form, viewer(sessionOf(c)))
	if err != nil {
		return nil, nil, req, err
	}
	// Grouping into series wants more than a page of hits to group.
	defLimit := 10
	if form.Group {
		defLimit = groupLimit
	}
	if req.Limit, err = intParam(c, "limit", defLimit); err != nil {
		return nil, nil, req, err
	}
	if req.Offset, err = intParam(c, "offset", 0); err != nil {
		return nil, nil, req, err
	}
	req.After = c.QueryParam("after")
	req.Facets = true
	res, err := s.Index.Search(c.Request().Context(), req)
	if err != nil {
		return nil, nil, req, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	reports, err := s.Store.Reports(c.Request().Context(), ids)
	if err != nil {
		return nil, nil, req, err
	}
	detail := fmt.Sprintf("q=%q params=%q limit=%d offset=%d after=%t hits=%d",
		req.Query, form.Values().Encode(), req.Limit, req.Offset, req.After != "", res.Total)
	if err := s.audit(c, "search", reportObjects(ids), "ok", detail); err != nil {
		return nil, nil, req, err
	}
	return res, reports, req, nil
}

func reportObjects(ids []string) []string {
	objs := make([]string, len(ids))
	for i, id := range ids {
		objs[i] = "report:" + id
	}
	return objs
}

func (s *Server) searchPage(c echo.Context) error {
	form := searchForm(c.QueryParams())
	page := views.SearchPage{Nav: s.nav(c), Form: form, Limit: 10, Offences: s.Config.Offences}
	if form.Empty() && c.QueryParam("offset") == "" && c.QueryParam("after") == "" {
		return render(c, http.StatusOK, views.Search(page))
	}
	res, reports, req, err := s.search(c)
	if portal.ErrorCode(err) == portal.EINVALID {
		page.Error = portal.ErrorMessage(err)
		return render(c, http.StatusBadRequest, views.Search(page))
	}
	if err != nil {
		return err
	}
	page.Result, page.Reports, page.Offset, page.Limit, page.After = res, reports, req.Offset, max(req.Limit, 1), req.After
	page.Facets = facetLinks(form, res)
	page.Histogram = histogram(form, res)
	page.Points = mapPoints(res, reports)
	if form.Group {
		if page.Groups, err = s.groupHits(c, res); err != nil {
			return err
		}
	}
	return render(c, http.StatusOK, views.Search(page))
}

func (s *Server) apiSearch(c echo.Context) error {
	res, _, _, err := s.search(c)
	if err != nil {
		return err
	}
	if c.QueryParam("group") == "series" {
		return s.apiSearchGrouped(c, res)
	}
	return c.JSON(http.StatusOK, res)
}

var facetLabels = map[string]string{
	index.FieldOffence: "Offence", index.FieldBorough: "Borough", index.FieldYear: "Year", index.FieldLocationType: "Place",
}

// formList returns the form's list for a facet field.
func formList(f *views.SearchForm, field string) *[]string {
	switch field {
	case index.FieldOffence:
		return &f.Offences
	case index.FieldBorough:
		return &f.Boroughs
	case index.FieldYear:
		return &f.Years
	case index.FieldLocationType:
		return &f.LocationTypes
	}
	return nil
}

// facetLinks makes each facet value a link that narrows the search to it
// (or, for a value already chosen, widens it again).
func facetLinks(form views.SearchForm, res *index.Result) []views.FacetGroup {
	var out []views.FacetGroup
	for _, field := range index.FacetFields {
		g := views.FacetGroup{Field: field, Label: facetLabels[field]}
		for _, fv := range res.Facets[field] {
			f := form
			list := formList(&f, field)
			active := slices.Contains(*list, fv.Value)
			if active {
				*list = slices.DeleteFunc(slices.Clone(*list), func(s string) bool { return s == fv.Value })
			} else {
				*list = append(slices.Clone(*list), fv.Value)
			}
			g.Values = append(g.Values, views.FacetLink{Value: fv.Value, Count: fv.Count, Active: active,
				URL: "/search?" + f.Values().Encode()})
		}
		if len(g.Values) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func histogram(form views.SearchForm, res *index.Result) []views.Bar {
	years := res.Facets[index.FieldYear]
	top := 0
	for _, y := range years {
		top = max(top, y.Count)
	}
	out := make([]views.Bar, 0, len(years))
	for _, y := range years {
		f := form
		f.Years = []string{y.Value}
		out = append(out, views.Bar{Label: y.Value, Count: y.Count, Max: top, URL: "/search?" + f.Values().Encode()})
	}
	return out
}

// mapPoints places this page's hits in a 100×100 box around them.
func mapPoints(res *index.Result, reports map[string]portal.Report) []views.MapPoint {
	minLat, maxLat, minLon, maxLon := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, h := range res.Hits {
		if r, ok := reports[h.ID]; ok && r.HasLocation() {
			minLat, maxLat = min(minLat, *r.Lat), max(maxLat, *r.Lat)
			minLon, maxLon = min(minLon, *r.Lon), max(maxLon, *r.Lon)
		}
	}
	if math.IsInf(minLat, 1) {
		return nil
	}
	span := max(maxLat-minLat, (maxLon-minLon)*0.62, 0.01) // 0.62: a degree of longitude in London, in degrees of latitude
	var out []views.MapPoint
	for _, h := range res.Hits {
		if r, ok := reports[h.ID]; ok && r.HasLocation() {
			out = append(out, views.MapPoint{ID: h.ID, URL: "/reports/" + url.PathEscape(h.ID),
				X: 5 + 90*(*r.Lon-minLon)*0.62/span, Y: 95 - 90*(*r.Lat-minLat)/span})
		}
	}
	return out
}

func (s *Server) searchHelp(c echo.Context) error {
	return render(c, http.StatusOK, views.SearchHelp(views.SearchHelpPage{Nav: s.nav(c), Synonyms: s.Index.Synonyms().Groups()}))
}

// maxExport caps an export; a larger one should be narrowed first.
const maxExport = 10000

// exportCSV writes every hit of the search (up to maxExport) as CSV. The
// export is audited with every id before a byte is written.
func (s *Server) exportCSV(c echo.Context) error {
	ctx := c.Request().Context()
	form := searchForm(c.QueryParams())
	req, err := indexRequest(form, viewer(sessionOf(c)))
	if err != nil {
		return err
	}
	req.Limit, req.NoHighlight = index.MaxLimit, true
	type row struct {
		id    string
		score float64
	}
	var hits []row
	total := 0
	for len(hits) < maxExport {
		res, err := s.Index.Search(ctx, req)
		if err != nil {
			return err
		}
		total = res.Total
		for _, h := range res.Hits {
			hits = append(hits, row{h.ID, h.Score})
		}
		if res.Next == "" {
			break
		}
		req.After = res.Next
	}
	hits = hits[:min(len(hits), maxExport)]
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	reports, err := s.Store.Reports(ctx, ids)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("q=%q params=%q format=csv rows=%d total=%d", req.Query, form.Values().Encode(), len(ids), total)
	if err := s.audit(c, "export", reportObjects(ids), "ok", detail); err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "score", "offence", "occurred_at", "borough", "location_type", "unit", "restricted", "narrative", "suspect_description"})
	for _, h := range hits {
		r, ok := reports[h.id]
		if !ok {
			continue
		}
		w.Write(csvRow(r.ID, strconv.FormatFloat(h.score, 'f', 4, 64), r.Offence, r.OccurredAt.UTC().Format(time.RFC3339),
			r.Borough, r.LocationType, r.Unit, strconv.FormatBool(r.Restricted), r.Narrative, r.SuspectDescription))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="search.csv"`)
	if total > len(ids) {
		c.Response().Header().Set("X-Export-Truncated", fmt.Sprintf("%d of %d", len(ids), total))
	}
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvRow escapes cells a spreadsheet would run as a formula: a leading =,
// +, -, @, tab or carriage return gets a ' in front (OWASP's advice), so
// a narrative that starts "=HYPERLINK(…)" stays text.
func csvRow(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// ---- saved searches ----

func (s *Server) saveSearch(c echo.Context) error {
	sess := sessionOf(c)
	form := searchForm(mustParseQuery(c.FormValue("params")))
	if _, err := indexRequest(form, viewer(sess)); err != nil {
		return err
	}
	if _, err := s.Index.Parser().Parse(form.Query); err != nil {
		return err
	}
	form.CreatedAfter = "" // the alert adds its own
	ss, err := s.Store.SaveSearch(c.Request().Context(), store.SavedSearch{
		Username: sess.User.Username, Name: c.FormValue("name"), Params: form.Values().Encode()})
	if err != nil {
		return err
	}
	if err := s.audit(c, "saved_search.create", []string{fmt.Sprintf("saved_search:%d", ss.ID)}, "ok", ss.Params); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/saved")
}

func mustParseQuery(s string) url.Values {
	v, _ := url.ParseQuery(strings.TrimPrefix(s, "?"))
	return v
}

// savedViews lists the user's saved searches with how many reports stored
// since each was last viewed match it now. The counts read the index, so
// they are audited (without ids: no report is shown).
func (s *Server) savedViews(c echo.Context) ([]views.SavedSearchView, int, error) {
	sess := sessionOf(c)
	list, err := s.Store.SavedSearches(c.Request().Context(), sess.User.Username)
	if err != nil {
		return nil, 0, err
	}
	out := make([]views.SavedSearchView, 0, len(list))
	total := 0
	var objs, counts []string
	for _, ss := range list {
		form := searchForm(mustParseQuery(ss.Params))
		v := views.SavedSearchView{ID: ss.ID, Name: ss.Name, Params: ss.Params, Query: form.Query, Viewed: ss.LastViewedAt,
			RunURL: fmt.Sprintf("/saved/%d", ss.ID), DeleteTo: fmt.Sprintf("/saved/%d/delete", ss.ID)}
		req, err := indexRequest(form, viewer(sess))
		if err == nil {
			req.Filters.CreatedAfter = ss.LastViewedAt
			v.New, err = s.Index.CountMatches(c.Request().Context(), req)
		}
		if err != nil {
			v.New = -1 // the query no longer parses (a field or synonym changed); shown as such
		}
		v.NewURL = fmt.Sprintf("/saved/%d?new=1", ss.ID)
		total += max(v.New, 0)
		out = append(out, v)
		objs = append(objs, fmt.Sprintf("saved_search:%d", ss.ID))
		counts = append(counts, strconv.Itoa(v.New))
	}
	if err := s.audit(c, "saved_search.check", objs, "ok", "new="+strings.Join(counts, ",")); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func (s *Server) savedSearchesPage(c echo.Context) error {
	list, _, err := s.savedViews(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.SavedSearches(views.SavedSearchesPage{Nav: s.nav(c), Searches: list}))
}

func savedID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, portal.Errorf(portal.ENOTFOUND, "saved search %q not found", c.Param("id"))
	}
	return id, nil
}

// runSavedSearch opens a saved search: its results, with the reports new
// since the last visit marked as seen from now on.
func (s *Server) runSavedSearch(c echo.Context) error {
	id, err := savedID(c)
	if err != nil {
		return err
	}
	user := sessionOf(c).User.Username
	ss, err := s.Store.SavedSearch(c.Request().Context(), user, id)
	if err != nil {
		return err
	}
	if err := s.Store.MarkSearchViewed(c.Request().Context(), user, id); err != nil {
		return err
	}
	if c.QueryParam("new") != "" {
		// Only what arrived since the previous visit.
		form := searchForm(mustParseQuery(ss.Params))
		form.CreatedAfter = ss.LastViewedAt.UTC().Format(time.RFC3339Nano)
		form.Sort = index.SortNewest
		return c.Redirect(http.StatusSeeOther, "/search?"+form.Values().Encode())
	}
	return c.Redirect(http.StatusSeeOther, "/search?"+ss.Params)
}

func (s *Server) deleteSavedSearch(c echo.Context) error {
	id, err := savedID(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSavedSearch(c.Request().Context(), sessionOf(c).User.Username, id); err != nil {
		return err
	}
	if err := s.audit(c, "saved_search.delete", []string{fmt.Sprintf("saved_search:%d", id)}, "ok", ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/saved")
}

// home is the start page: for those who search, their saved searches with
// the count of new matches; everyone else goes to the search page as before.
func (s *Server) home(c echo.Context) error {
	sess := sessionOf(c)
	if !sess.User.Role.Can(portal.PermReadReports) {
		return c.Redirect(http.StatusSeeOther, homeFor(sess.User.Role))
	}
	return s.purpose(func(c echo.Context) error {
		list, total, err := s.savedViews(c)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, views.Home(views.HomePage{Nav: s.nav(c), Searches: list, NewTotal: total}))
	})(c)
}
