package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
)

type seriesOut struct {
	portal.Series
	Flagged []string `json:"flagged"`
	History []struct {
		Actor   string   `json:"actor"`
		Action  string   `json:"action"`
		Status  string   `json:"status"`
		Version int64    `json:"version"`
		Added   []string `json:"added"`
		Removed []string `json:"removed"`
		Detail  string   `json:"detail"`
	} `json:"history"`
}

func decodeSeries(t *testing.T, r response) seriesOut {
	t.Helper()
	var out seriesOut
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("decode %d %s: %v", r.Status, r.Body, err)
	}
	return out
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

func errorCode(r response) string {
	var e apiError
	json.Unmarshal([]byte(r.Body), &e)
	return e.Error.Code
}

// seriesReports are four reports of one man, readable in SOIT-South.
func seriesReports(p *testPortal) {
	p.addReports(
		report("R1", "He posed as a minicab driver outside the club and grabbed her wrist."),
		report("R2", "A man claiming to be a cab driver offered her a lift and held her wrist."),
		report("R3", "Minicab driver, grabbed her by the wrist, told her to smile."),
		report("R4", "He said he was a taxi driver and pinned her arm."),
	)
}

// addSupervisor adds a second supervisor of SOIT-South who has had no hand
// in anything.
func addSupervisor(t *testing.T, p *testPortal, name string) {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.CreateUser(context.Background(), portal.User{Username: name, Role: portal.RoleSupervisor, Unit: "SOIT-South", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
}

func TestSeriesWorkflowDraftSubmitApprove(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	seriesReports(p)
	ivy, sam, olly, ada, alex := p.token("ivy"), p.token("sam"), p.token("olly"), p.token("ada"), p.token("alex")

	r := p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "Minicab man", "rationale": "Same pretext, same grip.", "reports": []string{"R1", "R2"}})
	wantStatus(t, "create", r, http.StatusCreated)
	se := decodeSeries(t, r)
	if se.Status != portal.SeriesDraft || se.Version != 1 || fmt.Sprint(se.ReportIDs) != "[R1 R2]" || fmt.Sprint(se.ChangedBy) != "[ivy]" {
		t.Fatalf("created %+v", se.Series)
	}
	path := fmt.Sprintf("/api/v1/series/%d", se.ID)

	// A change names its version; a stale one is 409, a missing one 400.
	wantStatus(t, "patch without version", p.do("PATCH", path, ivy, map[string]any{"title": "x"}), http.StatusBadRequest)
	r = p.do("PATCH", path, ivy, map[string]any{"version": 1, "reports": []string{"R1", "R2", "R3"}})
	wantStatus(t, "patch", r, http.StatusOK)
	if se = decodeSeries(t, r); se.Version != 2 || len(se.ReportIDs) != 3 {
		t.Fatalf("after patch %+v", se.Series)
	}
	r = p.do("PATCH", path, ivy, map[string]any{"version": 1, "title": "Stale"})
	wantStatus(t, "stale patch", r, http.StatusConflict)
	if errorCode(r) != portal.ECONFLICT || !strings.Contains(r.Body, "reload") {
		t.Errorf("stale patch: %s", r.Body)
	}

	// Nothing can be decided before it is submitted.
	wantStatus(t, "approve a draft", p.do("POST", path+"/approve", sam, map[string]any{"reason": "fine"}), http.StatusConflict)
	r = p.do("POST", path+"/submit", ivy, map[string]any{"version": 2})
	wantStatus(t, "submit", r, http.StatusOK)
	if se = decodeSeries(t, r); se.Status != portal.SeriesSubmitted || se.Version != 3 {
		t.Fatalf("after submit %+v", se.Series)
	}
	// Submitted is locked.
	wantStatus(t, "patch submitted", p.do("PATCH", path, ivy, map[string]any{"version": 3, "title": "Late"}), http.StatusConflict)

	// Only supervisors decide: investigators (even of another unit), the
	// auditor and the admin are refused, and the refusals are audited.
	denied := rec.count("denied")
	for who, tok := range map[string]string{"ivy": ivy, "olly": olly, "ada": ada, "alex": alex} {
		for _, step := range []string{"approve", "reject"} {
			r := p.do("POST", path+"/"+step, tok, map[string]any{"reason": "fine"})
			wantStatus(t, who+" "+step, r, http.StatusForbidden)
		}
	}
	if rec.count("denied") < denied+8 {
		t.Errorf("refused decisions were not all audited: %d denials more", rec.count("denied")-denied)
	}
	// A reason is required.
	for _, body := range []map[string]any{{}, {"reason": "   "}} {
		r = p.do("POST", path+"/approve", sam, body)
		wantStatus(t, "approve without reason", r, http.StatusBadRequest)
	}
	// A misspelt field is an error, not a missing reason.
	wantStatus(t, "approve with reasons", p.do("POST", path+"/approve", sam, map[string]any{"reasons": "x"}), http.StatusBadRequest)
	r = p.do("POST", path+"/approve", sam, map[string]any{"reason": "Distinctive pretext and grip in all three; CCTV places the same car.", "version": 3})
	wantStatus(t, "approve", r, http.StatusOK)
	se = decodeSeries(t, r)
	if se.Status != portal.SeriesApproved || se.DecidedBy != "sam" || !strings.Contains(se.Decision, "CCTV") || slices.Contains(se.ChangedBy, "sam") {
		t.Fatalf("after approve %+v", se.Series)
	}
	// Decided is final.
	wantStatus(t, "approve twice", p.do("POST", path+"/approve", sam, map[string]any{"reason": "again"}), http.StatusConflict)
	wantStatus(t, "reject approved", p.do("POST", path+"/reject", sam, map[string]any{"reason": "no"}), http.StatusConflict)
	wantStatus(t, "patch approved", p.do("PATCH", path, ivy, map[string]any{"version": 4, "title": "Later"}), http.StatusConflict)

	// The history tells the story.
	r = p.do("GET", path, sam, nil)
	wantStatus(t, "get", r, http.StatusOK)
	se = decodeSeries(t, r)
	var story []string
	for _, ev := range se.History {
		story = append(story, ev.Actor+":"+ev.Action+":"+ev.Status)
	}
	if strings.Join(story, " ") != "ivy:create:draft ivy:change:draft ivy:submit:submitted sam:approve:approved" {
		t.Errorf("history %v", story)
	}
	if fmt.Sprint(se.History[1].Added) != "[R3]" {
		t.Errorf("the change should show R3 added: %+v", se.History[1])
	}

	// The list filters by status.
	r = p.do("GET", "/api/v1/series?status=approved", ivy, nil)
	wantStatus(t, "list", r, http.StatusOK)
	var list struct{ Series []portal.Series }
	json.Unmarshal([]byte(r.Body), &list)
	if len(list.Series) != 1 || list.Series[0].ID != se.ID {
		t.Errorf("approved list %s", r.Body)
	}
	r = p.do("GET", "/api/v1/series?status=draft", ivy, nil)
	json.Unmarshal([]byte(r.Body), &list)
	if len(list.Series) != 0 {
		t.Errorf("draft list %s", r.Body)
	}
	wantStatus(t, "bad status", p.do("GET", "/api/v1/series?status=done", ivy, nil), http.StatusBadRequest)
	// Series list report ids: a purpose is required.
	wantStatus(t, "no purpose", p.do("GET", "/api/v1/series", ivy, nil, "X-Purpose", ""), http.StatusBadRequest)

	// Every step was audited with the series and its reports.
	obj := fmt.Sprintf("series:%d", se.ID)
	for _, action := range []string{"series.create", "series.change", "series.submit", "series.approve", "series.view", "series.list"} {
		found := false
		for _, e := range rec.find(action, obj) {
			if e.Outcome == "ok" && slices.Contains(e.Objects, "report:R1") {
				found = true
			}
		}
		if !found {
			t.Errorf("no ok %s entry naming %s and report:R1", action, obj)
		}
	}
	if es := rec.find("series.approve", obj); len(es) == 0 || es[len(es)-1].Detail == "" || es[len(es)-1].Actor != "sam" {
		t.Errorf("approval entry %+v", es)
	}
}

func TestSeriesChangerMayNotDecide(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	seriesReports(p)
	addSupervisor(t, p, "sid")
	ivy, sam, sid := p.token("ivy"), p.token("sam"), p.token("sid")

	// Sam (a supervisor) has a hand in the series by changing it.
	se := decodeSeries(t, p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "Bus stop", "reports": []string{"R1", "R2"}}))
	path := fmt.Sprintf("/api/v1/series/%d", se.ID)
	wantStatus(t, "sam changes", p.do("PATCH", path, sam, map[string]any{"version": 1, "rationale": "Same words."}), http.StatusOK)
	wantStatus(t, "submit", p.do("POST", path+"/submit", ivy, map[string]any{}), http.StatusOK)
	for _, step := range []string{"approve", "reject"} {
		r := p.do("POST", path+"/"+step, sam, map[string]any{"reason": "I know this one"})
		wantStatus(t, "sam "+step+"s what he changed", r, http.StatusForbidden)
		if !strings.Contains(r.Body, "another supervisor") {
			t.Errorf("the refusal should say why: %s", r.Body)
		}
	}
	if es := rec.find("series.approve", fmt.Sprintf("series:%d", se.ID)); len(es) == 0 || es[0].Outcome != "denied" || es[0].Actor != "sam" {
		t.Errorf("sam's refused approval was not audited as denied: %+v", es)
	}

	// The creator, once a supervisor, may not decide either; nor may the
	// one who submitted.
	se2 := decodeSeries(t, p.do("POST", "/api/v1/series", sam, map[string]any{"title": "Sam's own", "rationale": "r", "reports": []string{"R3", "R4"}}))
	path2 := fmt.Sprintf("/api/v1/series/%d", se2.ID)
	wantStatus(t, "sid submits", p.do("POST", path2+"/submit", sid, map[string]any{"version": 1}), http.StatusOK)
	wantStatus(t, "creator approves", p.do("POST", path2+"/approve", sam, map[string]any{"reason": "mine"}), http.StatusForbidden)
	wantStatus(t, "submitter approves", p.do("POST", path2+"/approve", sid, map[string]any{"reason": "I sent it"}), http.StatusForbidden)

	// A supervisor with no hand in it may.
	r := p.do("POST", path+"/approve", sid, map[string]any{"reason": "Agreed."})
	wantStatus(t, "sid approves", r, http.StatusOK)
	if got := decodeSeries(t, r); got.DecidedBy != "sid" || fmt.Sprint(got.ChangedBy) != "[ivy sam]" {
		t.Errorf("decided %+v", got.Series)
	}
}

func TestSeriesRejectReworkAdopt(t *testing.T) {
	p := newTestPortal(t)
	seriesReports(p)
	ctx := context.Background()
	ivy, sam := p.token("ivy"), p.token("sam")

	se := decodeSeries(t, p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "Park", "rationale": "r", "reports": []string{"R1", "R2"}}))
	path := fmt.Sprintf("/api/v1/series/%d", se.ID)
	wantStatus(t, "submit", p.do("POST", path+"/submit", ivy, nil), http.StatusOK)
	r := p.do("POST", path+"/reject", sam, map[string]any{"reason": "R2 is a different build of man."})
	wantStatus(t, "reject", r, http.StatusOK)
	se = decodeSeries(t, r)
	if se.Status != portal.SeriesRejected || se.Decision == "" {
		t.Fatalf("rejected %+v", se.Series)
	}
	wantStatus(t, "submit rejected", p.do("POST", path+"/submit", ivy, nil), http.StatusConflict)
	// Reworking: a change to a rejected series makes it a draft again.
	r = p.do("PATCH", path, ivy, map[string]any{"version": se.Version, "reports": []string{"R1", "R3"}})
	wantStatus(t, "rework", r, http.StatusOK)
	se = decodeSeries(t, r)
	if se.Status != portal.SeriesDraft || se.Decision != "" || se.DecidedBy != "" {
		t.Fatalf("reworked %+v", se.Series)
	}
	if last := se.History[len(se.History)-1]; last.Action != "rework" || fmt.Sprint(last.Removed) != "[R2]" {
		t.Errorf("rework event %+v", last)
	}
	wantStatus(t, "resubmit", p.do("POST", path+"/submit", ivy, nil), http.StatusOK)

	// A proposed series is pruned and adopted.
	prop, err := p.Store.CreateSeries(ctx, portal.Series{Title: "Candidate series 1", Status: portal.SeriesProposed,
		ReportIDs: []string{"R1", "R2", "R4"}, Score: 0.9, Evidence: []portal.Reason{{Kind: "mo:approach", Detail: "posed as a minicab driver", Weight: 1}}, CreatedBy: "linkage"})
	if err != nil {
		t.Fatal(err)
	}
	pp := fmt.Sprintf("/api/v1/series/%d", prop.ID)
	wantStatus(t, "submit proposed", p.do("POST", pp+"/submit", ivy, nil), http.StatusConflict)
	r = p.do("PATCH", pp, ivy, map[string]any{"version": 1, "reports": []string{"R1", "R2"}})
	wantStatus(t, "prune", r, http.StatusOK)
	if got := decodeSeries(t, r); got.Status != portal.SeriesProposed || len(got.ReportIDs) != 2 {
		t.Fatalf("pruned %+v", got.Series)
	}
	wantStatus(t, "status submitted by patch", p.do("PATCH", pp, ivy, map[string]any{"version": 2, "status": "submitted"}), http.StatusBadRequest)
	r = p.do("PATCH", pp, ivy, map[string]any{"version": 2, "status": "draft", "rationale": "Kept the two minicab reports."})
	wantStatus(t, "adopt", r, http.StatusOK)
	got := decodeSeries(t, r)
	if got.Status != portal.SeriesDraft || !slices.Contains(got.ChangedBy, "ivy") || got.Evidence[0].Detail != "posed as a minicab driver" {
		t.Fatalf("adopted %+v", got.Series)
	}
	if last := got.History[len(got.History)-1]; last.Action != "adopt" {
		t.Errorf("adopt event %+v", last)
	}
	// Creating needs a title and known reports.
	wantStatus(t, "no title", p.do("POST", "/api/v1/series", ivy, map[string]any{"reports": []string{"R1"}}), http.StatusBadRequest)
	wantStatus(t, "no reports", p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "x"}), http.StatusBadRequest)
	wantStatus(t, "unknown report", p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "x", "reports": []string{"NOPE"}}), http.StatusNotFound)
	wantStatus(t, "missing series", p.do("GET", "/api/v1/series/424242", ivy, nil), http.StatusNotFound)
	wantStatus(t, "bad id", p.do("GET", "/api/v1/series/abc", ivy, nil), http.StatusNotFound)
}

// A series holding a report restricted to another unit is, to a reader of
// that other unit, not there: 404 on read and change, absent from lists.
// Flagged reports and history entries the reader may not see are left out
// of a series they may read.
func TestSeriesRestrictedReportsDoNotLeak(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	seriesReports(p)
	south := report("S9", "Restricted: he wore a zebra-striped balaclava.")
	south.Restricted = true
	north := report("N9", "Restricted north: zebra mask again.")
	north.Restricted, north.Unit = true, "SOIT-North"
	p.addReports(south, north)
	ivy, olly := p.token("ivy"), p.token("olly")

	se := decodeSeries(t, p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "Zebra", "reports": []string{"R1", "S9"}}))
	path := fmt.Sprintf("/api/v1/series/%d", se.ID)
	for what, r := range map[string]response{
		"get":    p.do("GET", path, olly, nil),
		"patch":  p.do("PATCH", path, olly, map[string]any{"version": 1, "title": "mine"}),
		"submit": p.do("POST", path+"/submit", olly, nil),
	} {
		wantStatus(t, "olly "+what, r, http.StatusNotFound)
		if strings.Contains(r.Body, "S9") || strings.Contains(r.Body, "Zebra") {
			t.Errorf("olly %s leaked: %s", what, r.Body)
		}
	}
	r := p.do("GET", "/api/v1/series", olly, nil)
	if strings.Contains(r.Body, "S9") || strings.Contains(r.Body, "Zebra") {
		t.Errorf("list leaked to olly: %s", r.Body)
	}
	if es := rec.find("series.view", fmt.Sprintf("series:%d", se.ID)); len(es) == 0 || es[0].Outcome != "denied" || es[0].Actor != "olly" {
		t.Errorf("olly's refused view not audited as denied: %+v", es)
	}
	// Nor can a restricted report be put in a series by someone who may
	// not read it: it is "not found", as if it did not exist.
	r = p.do("POST", "/api/v1/series", olly, map[string]any{"title": "x", "reports": []string{"R1", "S9"}})
	wantStatus(t, "olly creates with S9", r, http.StatusNotFound)
	mine := decodeSeries(t, p.do("POST", "/api/v1/series", olly, map[string]any{"title": "North", "reports": []string{"R1", "N9"}}))
	wantStatus(t, "ivy adds N9", p.do("PATCH", path, ivy, map[string]any{"version": 1, "reports": []string{"R1", "S9", "N9"}}), http.StatusNotFound)
	wantStatus(t, "ivy reads olly's", p.do("GET", fmt.Sprintf("/api/v1/series/%d", mine.ID), ivy, nil), http.StatusNotFound)

	// A series olly may read, with N9 in its history and flagged on it:
	// ivy sees the series but not N9.
	shared := decodeSeries(t, p.do("POST", "/api/v1/series", olly, map[string]any{"title": "Shared", "reports": []string{"R1", "R2", "N9"}}))
	sp := fmt.Sprintf("/api/v1/series/%d", shared.ID)
	wantStatus(t, "olly prunes N9", p.do("PATCH", sp, olly, map[string]any{"version": 1, "reports": []string{"R1", "R2"}}), http.StatusOK)
	if err := p.Store.FlagSeriesReport(context.Background(), shared.ID, "N9"); err != nil {
		t.Fatal(err)
	}
	if err := p.Store.FlagSeriesReport(context.Background(), shared.ID, "R3"); err != nil {
		t.Fatal(err)
	}
	r = p.do("GET", sp, ivy, nil)
	wantStatus(t, "ivy reads shared", r, http.StatusOK)
	if strings.Contains(r.Body, "N9") {
		t.Errorf("ivy sees N9 in the shared series: %s", r.Body)
	}
	if got := decodeSeries(t, r); fmt.Sprint(got.Flagged) != "[R3]" {
		t.Errorf("ivy's flagged %v", got.Flagged)
	}
	b := p.browser()
	b.login("ivy")
	page := b.request("GET", fmt.Sprintf("/series/%d", shared.ID), nil)
	wantStatus(t, "ivy's page", page, http.StatusOK)
	if strings.Contains(page.Body, "N9") || !strings.Contains(page.Body, `data-testid="flagged-report" data-id="R3"`) {
		t.Errorf("ivy's page of the shared series: N9 shown or R3 not flagged:\n%s", page.Body)
	}
	// Olly sees both.
	r = p.do("GET", sp, olly, nil)
	if got := decodeSeries(t, r); fmt.Sprint(got.Flagged) != "[N9 R3]" || !strings.Contains(r.Body, "N9") {
		t.Errorf("olly's flagged %v", got.Flagged)
	}
	ob := p.browser()
	ob.login("olly")
	wantStatus(t, "olly's page of ivy's series", ob.request("GET", path[len("/api/v1"):], nil), http.StatusNotFound)
}

func TestSeriesChangeFailsClosed(t *testing.T) {
	p := newTestPortal(t)
	seriesReports(p)
	ivy := p.token("ivy")
	se := decodeSeries(t, p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "T", "rationale": "r", "reports": []string{"R1", "R2"}}))
	path := fmt.Sprintf("/api/v1/series/%d", se.ID)
	rec := &recorder{next: p.Server.Audit, fail: true}
	p.Server.Audit = rec
	for what, r := range map[string]response{
		"get":    p.do("GET", path, ivy, nil),
		"list":   p.do("GET", "/api/v1/series", ivy, nil),
		"patch":  p.do("PATCH", path, ivy, map[string]any{"version": 1, "title": "Changed"}),
		"submit": p.do("POST", path+"/submit", ivy, nil),
		"create": p.do("POST", "/api/v1/series", ivy, map[string]any{"title": "New", "reports": []string{"R3"}}),
	} {
		wantStatus(t, what+" with the audit log down", r, http.StatusServiceUnavailable)
		if strings.Contains(r.Body, "R1") {
			t.Errorf("%s showed data with the audit log down: %s", what, r.Body)
		}
	}
	got, err := p.Store.Series(context.Background(), se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "T" || got.Status != portal.SeriesDraft || got.Version != 1 {
		t.Errorf("changed without an audit entry: %+v", got)
	}
	if list, _ := p.Store.ListSeries(context.Background(), ""); len(list) != 1 {
		t.Errorf("created without an audit entry: %d series", len(list))
	}
}

// The pages: from a report to a new series, edit, submit, a supervisor's
// decision, and the printed approved series.
func TestSeriesPages(t *testing.T) {
	p := newTestPortal(t)
	rec := recordAudit(p)
	seriesReports(p)
	ivy := p.browser()
	ivy.login("ivy")

	rp := ivy.request("GET", "/reports/R1", nil)
	if !strings.Contains(rp.Body, `href="/series?show=mine&amp;add=R1"`) || !strings.Contains(rp.Body, `data-testid="nav-series"`) {
		t.Fatalf("report page has no add-to-series link or Series nav:\n%s", rp.Body)
	}
	lp := ivy.request("GET", "/series?show=mine&add=R1", nil)
	wantStatus(t, "list page", lp, http.StatusOK)
	if !strings.Contains(lp.Body, `data-testid="adding"`) || !strings.Contains(lp.Body, `name="reports" value="R1"`) {
		t.Fatalf("list page does not offer to add R1:\n%s", lp.Body)
	}
	post := func(b *browser, path string, form url.Values) response {
		t.Helper()
		form.Set("_csrf", b.cookies["portal_csrf"])
		return b.request("POST", path, form)
	}
	r := post(ivy, "/series", url.Values{"title": {"Minicab man"}, "reports": {"R1, R2"}, "rationale": {""}})
	wantStatus(t, "create form", r, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	var id int64
	if _, err := fmt.Sscanf(loc, "/series/%d", &id); err != nil {
		t.Fatalf("redirect %q", loc)
	}
	// Adding from the list page (reached from a report) and on the page.
	lp = ivy.request("GET", "/series?show=mine&add=R3", nil)
	if !strings.Contains(lp.Body, `data-testid="add-here"`) {
		t.Fatalf("no add button:\n%s", lp.Body)
	}
	wantStatus(t, "add R3", post(ivy, loc+"/reports", url.Values{"report": {"R3"}, "version": {"1"}}), http.StatusSeeOther)
	wantStatus(t, "add R4 on a stale version", post(ivy, loc+"/reports", url.Values{"report": {"R4"}, "version": {"1"}}), http.StatusConflict)
	wantStatus(t, "remove R3", post(ivy, loc+"/remove", url.Values{"report": {"R3"}, "version": {"2"}}), http.StatusSeeOther)
	wantStatus(t, "submit without rationale", post(ivy, loc+"/submit", url.Values{"version": {"3"}}), http.StatusBadRequest)
	wantStatus(t, "edit", post(ivy, loc, url.Values{"title": {"Minicab man"}, "rationale": {"Same pretext and grip."}, "version": {"3"}}), http.StatusSeeOther)
	sp := ivy.request("GET", loc, nil)
	for _, want := range []string{`data-testid="series-report" data-id="R1"`, "sexual assault · Lambeth", "Same pretext and grip.", `data-testid="submit"`, `data-action="create"`, "removed R3"} {
		if !strings.Contains(sp.Body, want) {
			t.Errorf("series page lacks %q", want)
		}
	}
	if strings.Contains(sp.Body, `data-testid="decide"`) {
		t.Errorf("an investigator is offered the decision")
	}
	wantStatus(t, "submit", post(ivy, loc+"/submit", url.Values{"version": {"4"}}), http.StatusSeeOther)
	wantStatus(t, "ivy approves (form)", post(ivy, loc+"/approve", url.Values{"version": {"5"}, "reason": {"mine"}}), http.StatusForbidden)
	wantStatus(t, "print before approval", ivy.request("GET", loc+"/print", nil), http.StatusConflict)

	sam := p.browser()
	sam.login("sam")
	lp = sam.request("GET", "/series", nil) // a supervisor's default: awaiting decision
	if !strings.Contains(lp.Body, fmt.Sprintf(`data-testid="series-row" data-id="%d"`, id)) {
		t.Fatalf("the submitted series is not awaiting sam's decision:\n%s", lp.Body)
	}
	sp = sam.request("GET", loc, nil)
	if !strings.Contains(sp.Body, `data-testid="approve"`) || !strings.Contains(sp.Body, `data-testid="reject"`) {
		t.Fatalf("sam is not offered the decision:\n%s", sp.Body)
	}
	wantStatus(t, "approve without reason (form)", post(sam, loc+"/approve", url.Values{"version": {"5"}, "reason": {""}}), http.StatusBadRequest)
	wantStatus(t, "approve (form)", post(sam, loc+"/approve", url.Values{"version": {"5"}, "reason": {"Convincing."}}), http.StatusSeeOther)
	sp = sam.request("GET", loc, nil)
	if !strings.Contains(sp.Body, `data-testid="print"`) || !strings.Contains(sp.Body, "Convincing.") {
		t.Errorf("approved page lacks print link or decision:\n%s", sp.Body)
	}
	pr := ivy.request("GET", loc+"/print", nil)
	wantStatus(t, "print", pr, http.StatusOK)
	for _, want := range []string{"posed as a minicab driver outside the club", `data-testid="print-report" data-id="R2"`, "Convincing.", "Printed"} {
		if !strings.Contains(pr.Body, want) {
			t.Errorf("printed series lacks %q", want)
		}
	}
	if es := rec.find("series.print", fmt.Sprintf("series:%d", id)); len(es) != 2 || es[0].Outcome != "error" ||
		es[1].Outcome != "ok" || es[1].Actor != "ivy" || !slices.Contains(es[1].Objects, "report:R2") {
		t.Errorf("printing not audited: %+v", es)
	}

	// A supervisor who changed a series is told, not offered the decision.
	other := post(sam, "/series", url.Values{"title": {"Sam's"}, "reports": {"R3 R4"}, "rationale": {"r"}})
	oloc := other.Header.Get("Location")
	wantStatus(t, "sam submits his own", post(sam, oloc+"/submit", url.Values{"version": {"1"}}), http.StatusSeeOther)
	sp = sam.request("GET", oloc, nil)
	if !strings.Contains(sp.Body, `data-testid="may-not-decide"`) || strings.Contains(sp.Body, `data-testid="approve"`) {
		t.Errorf("sam's own series page:\n%s", sp.Body)
	}
	// Auditors and admins do not see the nav link and are refused.
	ada := p.browser()
	ada.login("ada")
	if r := ada.request("GET", "/series", nil); r.Status != http.StatusForbidden || strings.Contains(r.Body, `data-testid="nav-series"`) {
		t.Errorf("auditor on /series: %d", r.Status)
	}
}

func TestSeriesFlaggedConfirmAndDismiss(t *testing.T) {
	p := newTestPortal(t)
	seriesReports(p)
	ctx := context.Background()
	ivy := p.browser()
	ivy.login("ivy")
	se, err := p.Store.CreateSeries(ctx, portal.Series{Title: "Flags", ReportIDs: []string{"R1", "R2"}, CreatedBy: "ivy"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"R3", "R4"} {
		if err := p.Store.FlagSeriesReport(ctx, se.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	loc := fmt.Sprintf("/series/%d", se.ID)
	form := func(v url.Values) url.Values { v.Set("_csrf", ivy.cookies["portal_csrf"]); return v }
	wantStatus(t, "page", ivy.request("GET", loc, nil), http.StatusOK)
	wantStatus(t, "confirm R3", ivy.request("POST", loc+"/flagged", form(url.Values{"report": {"R3"}, "do": {"confirm"}, "version": {"1"}})), http.StatusSeeOther)
	wantStatus(t, "dismiss R4", ivy.request("POST", loc+"/flagged", form(url.Values{"report": {"R4"}, "do": {"dismiss"}})), http.StatusSeeOther)
	wantStatus(t, "dismiss R4 again", ivy.request("POST", loc+"/flagged", form(url.Values{"report": {"R4"}, "do": {"dismiss"}})), http.StatusNotFound)
	got, _ := p.Store.Series(ctx, se.ID)
	fl, _ := p.Store.FlaggedReports(ctx, se.ID)
	if fmt.Sprint(got.ReportIDs) != "[R1 R2 R3]" || len(fl) != 0 {
		t.Errorf("after confirm and dismiss: %v flagged %v", got.ReportIDs, fl)
	}
}

func TestSeriesAdoptPage(t *testing.T) {
	p := newTestPortal(t)
	seriesReports(p)
	ctx := context.Background()
	se, err := p.Store.CreateSeries(ctx, portal.Series{Title: "Candidate series 1", Status: portal.SeriesProposed,
		ReportIDs: []string{"R1", "R2", "R4"}, Score: 0.9, Evidence: []portal.Reason{{Kind: "mo:approach", Detail: "posed as a minicab driver", Weight: 1}}, CreatedBy: "linkage"})
	if err != nil {
		t.Fatal(err)
	}
	ivy := p.browser()
	ivy.login("ivy")
	loc := fmt.Sprintf("/series/%d", se.ID)
	page := ivy.request("GET", loc, nil)
	for _, want := range []string{`data-testid="adopt"`, "posed as a minicab driver", `data-testid="remove"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("proposed series page lacks %q", want)
		}
	}
	form := func(v url.Values) url.Values { v.Set("_csrf", ivy.cookies["portal_csrf"]); return v }
	wantStatus(t, "prune R4", ivy.request("POST", loc+"/remove", form(url.Values{"report": {"R4"}, "version": {"1"}})), http.StatusSeeOther)
	wantStatus(t, "adopt", ivy.request("POST", loc+"/adopt", form(url.Values{"version": {"2"}})), http.StatusSeeOther)
	got, _ := p.Store.Series(ctx, se.ID)
	if got.Status != portal.SeriesDraft || fmt.Sprint(got.ReportIDs) != "[R1 R2]" || !slices.Contains(got.ChangedBy, "ivy") {
		t.Errorf("adopted %+v", got)
	}
	if lp := ivy.request("GET", "/series?show=mine", nil); !strings.Contains(lp.Body, fmt.Sprintf(`data-id="%d"`, se.ID)) {
		t.Errorf("the adopted series is not among ivy's")
	}
}
