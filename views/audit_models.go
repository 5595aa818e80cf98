package views

import (
	"net/url"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// AuditFilter is the auditor's filter form, as typed.
type AuditFilter struct {
	Actor, Action, Report, Series, Purpose, From, To string
}

// Query is the filter as URL query parameters, without empty ones.
func (f AuditFilter) Query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": f.Actor, "action": f.Action, "report": f.Report,
		"series": f.Series, "purpose": f.Purpose, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// AuditVerify is the result of the last verification of the log.
type AuditVerify struct {
	Intact bool
	Line   string // audit.Report.String()
	At     time.Time
	By     string
	Took   time.Duration
}

// AuditCheckpoint is the latest signed checkpoint.
type AuditCheckpoint struct {
	Size int64
	Root string
	Time time.Time
	Note string
}

// AuditPage lists entries: the auditor's home (with the state of the log),
// "who accessed this report" and one user's timeline share it.
type AuditPage struct {
	Nav     Nav
	Mode    string // "home", "report", "user"
	Title   string
	Subject string // the report id or username of the report and user modes

	// Home only.
	Verify        *AuditVerify // nil: not verified since the server started
	Verifying     bool
	Checkpoint    *AuditCheckpoint
	PublicKey     string
	WriteFailures int64

	Filter     AuditFilter
	Error      string
	Entries    []portal.AuditEntry
	OlderURL   string // next page of older entries; "" on the last
	NewestURL  string // back to the first page; "" on it
	ExportCSV  string
	ExportJSON string
}

// DayBreak returns the day of entry i when it differs from the entry
// before it, for the headings of a timeline.
func (p AuditPage) DayBreak(i int) string {
	d := p.Entries[i].Time.UTC().Format("Monday 2 January 2006")
	if i > 0 && p.Entries[i-1].Time.UTC().Format("Monday 2 January 2006") == d {
		return ""
	}
	return d
}

// AnomalyFlag is one thing in the log an auditor should look at, and why.
type AnomalyFlag struct {
	Kind        string // volume, borough, hours, name_search
	Actor       string
	Title       string
	Explanation string
	Examples    []string
}

// AnomalyPage lists the anomaly flags of a period.
type AnomalyPage struct {
	Nav       Nav
	From, To  string
	Scanned   int
	Truncated bool
	Flags     []AnomalyFlag
	Error     string
}

// AuditTime shows an entry's time as stored: UTC, to the millisecond.
func AuditTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// Objects joins an entry's objects for a table cell.
func Objects(objs []string) string { return strings.Join(objs, " ") }

// ObjectLink links an object to its access history where there is one.
func ObjectLink(obj string) string {
	if id, ok := strings.CutPrefix(obj, "report:"); ok {
		return "/audit/reports/" + url.PathEscape(id)
	}
	if name, ok := strings.CutPrefix(obj, "user:"); ok {
		return "/audit/users/" + url.PathEscape(name)
	}
	return ""
}

// UserURL is the timeline of one user.
func UserURL(name string) string { return "/audit/users/" + url.PathEscape(name) }
