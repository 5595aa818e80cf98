package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

// auditAPI reads entries through GET /api/v1/audit as the auditor.
func (p *testPortal) auditAPI(token, query string) []portal.AuditEntry {
	p.t.Helper()
	r := p.do("GET", "/api/v1/audit?"+query, token, nil)
	if r.Status != http.StatusOK {
		p.t.Fatalf("GET /api/v1/audit?%s: %d %s", query, r.Status, r.Body)
	}
	var out auditAPIResponse
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		p.t.Fatalf("audit API answer: %v: %s", err, r.Body)
	}
	return out.Entries
}

// TestAuditEntryContent checks whole entries of a search and a report view
// as the auditor reads them through the API.
func TestAuditEntryContent(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He exposed himself on the night bus."), report("R2", "A man followed her off the bus."))
	ivy, ada := p.token("ivy"), p.token("ada")
	start := time.Now().UTC().Truncate(time.Millisecond)
	if r := p.do("GET", "/api/v1/search?q=bus&limit=5", ivy, nil, "X-Purpose", "Op Nightjar"); r.Status != 200 {
		t.Fatalf("search: %d %s", r.Status, r.Body)
	}
	if r := p.do("GET", "/api/v1/reports/R1", ivy, nil, "X-Purpose", "Op Nightjar"); r.Status != 200 {
		t.Fatalf("view: %d %s", r.Status, r.Body)
	}
	end := time.Now().UTC()

	check := func(e portal.AuditEntry, action string, objects []string, detail *regexp.Regexp) {
		t.Helper()
		if e.Actor != "ivy" || e.Role != "investigator" || e.Unit != "SOIT-South" || e.ClientIP != "127.0.0.1" ||
			e.Action != action || e.Outcome != "ok" || e.Purpose != "Op Nightjar" {
			t.Errorf("%s entry: %+v", action, e)
		}
		got := slices.Clone(e.Objects)
		slices.Sort(got)
		if !slices.Equal(got, objects) {
			t.Errorf("%s entry objects %v, want %v", action, e.Objects, objects)
		}
		if !detail.MatchString(e.Detail) {
			t.Errorf("%s entry detail %q does not match %s", action, e.Detail, detail)
		}
		if e.Time.Location() != time.UTC || !e.Time.Equal(e.Time.Truncate(time.Millisecond)) || e.Time.Before(start) || e.Time.After(end) {
			t.Errorf("%s entry time %v: want UTC, to the millisecond, within the request", action, e.Time)
		}
	}
	searches := p.auditAPI(ada, "actor=ivy&action=search")
	if len(searches) != 1 {
		t.Fatalf("search entries: %+v", searches)
	}
	check(searches[0], "search", []string{"report:R1", "report:R2"}, regexp.MustCompile(`^q="bus" params="q=bus" limit=5 offset=0 .*hits=2`))
	views := p.auditAPI(ada, "report=R1&action=report.view")
	if len(views) != 1 {
		t.Fatalf("view entries: %+v", views)
	}
	check(views[0], "report.view", []string{"report:R1"}, regexp.MustCompile(`^$`))

	// The raw JSON carries the time to the millisecond in UTC.
	raw := p.do("GET", "/api/v1/audit?report=R1&action=report.view", ada, nil).Body
	if !regexp.MustCompile(`"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z"`).MatchString(raw) {
		t.Errorf("entry time not UTC milliseconds in %s", raw)
	}
	// "Who accessed R1" has the search that showed it and the view; R2 only the search.
	if got := p.auditAPI(ada, "report=R2"); len(got) != 1 || got[0].Action != "search" {
		t.Errorf("entries naming R2: %+v", got)
	}
	// Time filters: nothing before the session began.
	if got := p.auditAPI(ada, "actor=ivy&to="+url.QueryEscape(start.Add(-time.Hour).Format(time.RFC3339))); len(got) != 0 {
		t.Errorf("entries before the start: %+v", got)
	}
	// The auditor's reads are in the log too.
	if got := p.auditAPI(ada, "actor=ada&action=audit.query"); len(got) < 4 {
		t.Errorf("the auditor's own reads were not audited: %+v", got)
	}
	// Paging: one entry a page, older pages by cursor.
	r := p.do("GET", "/api/v1/audit?actor=ivy&limit=1", ada, nil)
	var page auditAPIResponse
	json.Unmarshal([]byte(r.Body), &page)
	if len(page.Entries) != 1 || page.NextBefore != page.Entries[0].Seq {
		t.Fatalf("first page: %s", r.Body)
	}
	older := p.auditAPI(ada, "actor=ivy&limit=1&before="+itoa(page.NextBefore))
	if len(older) != 1 || older[0].Seq >= page.NextBefore {
		t.Fatalf("second page: %+v", older)
	}
	if r := p.do("GET", "/api/v1/audit?report=R1&series=S1", ada, nil); r.Status != http.StatusBadRequest {
		t.Errorf("report and series together: %d", r.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestNoSecretsInAuditLog logs in, fails a log-in, searches and views, then
// reads the raw audit tables for narrative text, passwords and tokens.
func TestNoSecretsInAuditLog(t *testing.T) {
	p := newTestPortal(t)
	narrative := "The suspect had a spider-web tattoo on his neck and spoke with a lisp."
	r := report("R1", narrative)
	r.SuspectDescription = "white male, thirties, shaved head, gold tooth"
	p.addReports(r)
	b := p.browser()
	b.login("ivy")
	b.request("GET", "/search?q=tattoo", nil)
	b.request("GET", "/reports/R1", nil)
	tok := p.token("sam")
	p.do("GET", "/api/v1/reports/R1", tok, nil)
	p.do("GET", "/api/v1/search?q=lisp", tok, nil)
	p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "sam", "password": "wrong-Pa55word!"})

	secrets := []string{testPassword, "wrong-Pa55word!", tok, "spider-web tattoo on his neck", "spoke with a lisp", "gold tooth", "shaved head"}
	for _, v := range b.cookies {
		secrets = append(secrets, v)
	}
	var dump strings.Builder
	for _, q := range []string{`SELECT seq, at, actor, action, purpose, body FROM audit_entries`,
		`SELECT object, seq FROM audit_objects`, `SELECT note, created_at FROM audit_checkpoints`} {
		rows, err := p.Store.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					dump.Write(x)
				case string:
					dump.WriteString(x)
				}
				dump.WriteByte('\t')
			}
			dump.WriteByte('\n')
		}
		rows.Close()
	}
	log := dump.String()
	if !strings.Contains(log, `q=\"tattoo\"`) || !strings.Contains(log, "report.view") {
		t.Fatalf("the session was not logged as expected:\n%s", log)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("the audit log holds %q", s)
		}
	}
}

// syncBuffer is a log sink the server writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAuditFailureRefusesTheAction makes every audit write fail and checks
// that report views, searches, an import and log-ins are refused with an
// error and no data, that the server log says why and that the metric rises.
func TestAuditFailureRefusesTheAction(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He exposed himself on the night bus."))
	var logs syncBuffer
	p.Server.Log = slog.New(slog.NewTextHandler(&logs, nil))
	ivy, alex := p.token("ivy"), p.token("alex")
	b := p.browser()
	b.login("ivy")
	failuresBefore := auditFailures.Value()
	size, _ := p.Audit.Size(context.Background())

	storetest.Exec(t, p.Store, `CREATE TRIGGER audit_down BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'disk full'); END`)

	refused := func(what string, r response) {
		t.Helper()
		if r.Status != http.StatusServiceUnavailable {
			t.Errorf("%s with the audit log down: %d, want 503: %s", what, r.Status, r.Body)
		}
		for _, leak := range []string{"exposed himself", "night bus", `"token"`, "R1\"", "<mark>"} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("%s with the audit log down showed %q: %s", what, leak, r.Body)
			}
		}
	}
	refused("API report view", p.do("GET", "/api/v1/reports/R1", ivy, nil))
	refused("API search", p.do("GET", "/api/v1/search?q=bus", ivy, nil))
	refused("report page", b.request("GET", "/reports/R1", nil))
	refused("search page", b.request("GET", "/search?q=bus", nil))
	refused("API log-in", p.do("POST", "/api/v1/auth/token", "", map[string]string{"username": "sam", "password": testPassword}))
	fresh := p.browser()
	csrf := fresh.csrf("/login")
	r := fresh.request("POST", "/login", url.Values{"_csrf": {csrf}, "username": {"sam"}, "password": {testPassword}, "acknowledge": {"yes"}})
	refused("form log-in", r)
	for name := range fresh.cookies {
		if strings.Contains(name, "session") {
			t.Errorf("form log-in with the audit log down set a session cookie")
		}
	}
	refused("API import", p.do("POST", "/api/v1/reports", alex,
		`{"id":"NEW1","narrative":"Followed her home.","offence":"stalking","occurred_at":"2024-01-02T03:04:05Z"}`))
	if _, err := p.Store.Report(context.Background(), "NEW1"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the import stored a report the audit log could not record: %v", err)
	}
	if got := auditFailures.Value() - failuresBefore; got < 7 {
		t.Errorf("portal_audit_write_failures rose by %d, want at least 7", got)
	}
	if !strings.Contains(logs.String(), "audit write failed") || !strings.Contains(logs.String(), "disk full") {
		t.Errorf("server log does not say the audit write failed:\n%s", logs.String())
	}
	if n, _ := p.Audit.Size(context.Background()); n != size {
		t.Errorf("log grew from %d to %d while it could not be written", size, n)
	}

	// Back up: the metric is served to admins.
	storetest.Exec(t, p.Store, `DROP TRIGGER audit_down`)
	m := p.do("GET", "/metrics", alex, nil)
	var vars map[string]any
	if err := json.Unmarshal([]byte(m.Body), &vars); err != nil || m.Status != 200 {
		t.Fatalf("/metrics: %d %s", m.Status, m.Body)
	}
	if v, _ := vars["portal_audit_write_failures"].(float64); int64(v) < auditFailures.Value() {
		t.Errorf("/metrics portal_audit_write_failures = %v, want %d", vars["portal_audit_write_failures"], auditFailures.Value())
	}
}

// TestAuditorPages walks the auditor's browser pages: landing, filters,
// who accessed a report, a timeline, verification and both exports.
func TestAuditorPages(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(report("R1", "He exposed himself on the night bus."))
	// A purpose a spreadsheet would run as a formula.
	p.do("GET", "/api/v1/reports/R1", p.token("ivy"), nil, "X-Purpose", "=HYPERLINK(\"http://x\",\"y\")")

	b := p.browser()
	tok := b.csrf("/login")
	r := b.request("POST", "/login", url.Values{"_csrf": {tok}, "username": {"ada"}, "password": {testPassword}, "acknowledge": {"yes"}})
	if r.Header.Get("Location") != "/purpose?next=/audit" {
		t.Fatalf("auditor log-in goes to %q, want the audit log", r.Header.Get("Location"))
	}
	tok = b.csrf("/purpose")
	b.request("POST", "/purpose", url.Values{"_csrf": {tok}, "purpose": {"PSD-2026-14"}, "next": {"/audit"}})
	if r := b.request("GET", "/", nil); r.Header.Get("Location") != "/audit" {
		t.Errorf("/ sends the auditor to %q", r.Header.Get("Location"))
	}
	home := b.request("GET", "/audit", nil)
	for _, want := range []string{`data-testid="audit-home"`, `data-testid="verify"`, `data-testid="public-key"`, "Not verified since the server started", `data-testid="audit-entry"`} {
		if !strings.Contains(home.Body, want) {
			t.Errorf("auditor home lacks %s: %s", want, home.Body)
		}
	}
	tok = b.csrf("/audit")
	if r := b.request("POST", "/audit/verify", url.Values{"_csrf": {tok}}); r.Status != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", r.Status, r.Body)
	}
	b.request("POST", "/audit/checkpoint", url.Values{"_csrf": {tok}})
	home = b.request("GET", "/audit", nil)
	if !strings.Contains(home.Body, `data-testid="verify-ok"`) || !strings.Contains(home.Body, "audit log intact") || !strings.Contains(home.Body, `data-testid="checkpoint-size"`) {
		t.Errorf("home after verify and checkpoint: %s", home.Body)
	}
	who := b.request("GET", "/audit/reports/R1", nil)
	if who.Status != 200 || !strings.Contains(who.Body, "report.view") || !strings.Contains(who.Body, ">ivy<") {
		t.Errorf("who accessed R1: %d %s", who.Status, who.Body)
	}
	tl := b.request("GET", "/audit/users/ivy", nil)
	if !strings.Contains(tl.Body, `class="day"`) || !strings.Contains(tl.Body, "login") {
		t.Errorf("timeline of ivy: %s", tl.Body)
	}
	if r := b.request("GET", "/audit?from=yesterday", nil); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `data-testid="audit-error"`) {
		t.Errorf("bad from: %d", r.Status)
	}

	// CSV: the formula is escaped, every other field intact.
	c := b.request("GET", "/audit/export.csv?actor=ivy", nil)
	if c.Status != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !strings.Contains(c.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", c.Status, c.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(c.Body)).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][9] != "purpose" {
		t.Fatalf("csv rows: %v %v", err, rows)
	}
	found := false
	for _, row := range rows[1:] {
		if row[6] == "report.view" {
			found = true
			if row[9] != `'=HYPERLINK("http://x","y")` {
				t.Errorf("formula purpose exported as %q", row[9])
			}
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("csv cell %q would run as a formula", cell)
			}
		}
	}
	if !found {
		t.Errorf("csv lacks the report view: %v", rows)
	}

	// JSON bundle: verifies outside the portal with the public key alone.
	j := b.request("GET", "/audit/export.json?actor=ivy", nil)
	if j.Status != 200 {
		t.Fatalf("json export: %d %s", j.Status, j.Body)
	}
	entries, err := audit.VerifyBundle([]byte(j.Body), p.Audit.PublicKey())
	if err != nil {
		t.Fatalf("exported bundle does not verify: %v", err)
	}
	if len(entries) != len(rows)-1 || entries[0].Actor != "ivy" {
		t.Errorf("bundle has %d entries, csv %d", len(entries), len(rows)-1)
	}
	if _, err := audit.VerifyBundle([]byte(strings.Replace(j.Body, `\"actor\":\"ivy\"`, `\"actor\":\"ivo\"`, 1)), p.Audit.PublicKey()); err == nil {
		t.Errorf("an altered bundle verified")
	}
	// Every one of these reads is in the log, with the auditor's purpose.
	got, _ := p.Audit.Query(context.Background(), audit.Filter{Actor: "ada"})
	acts := map[string]int{}
	for _, e := range got {
		if strings.HasPrefix(e.Action, "audit.") && e.Purpose != "PSD-2026-14" {
			t.Errorf("auditor entry without the stated purpose: %+v", e)
		}
		acts[e.Action]++
	}
	for _, a := range []string{"audit.query", "audit.verify", "audit.checkpoint", "audit.report_history", "audit.user_timeline", "audit.export"} {
		if acts[a] == 0 {
			t.Errorf("no %s entry; the auditor's entries: %v", a, acts)
		}
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+44": "'+44", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "ivy": "ivy", "": "", "a=b": "a=b"} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
