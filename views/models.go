// Package views holds the portal's pages as templ components and the view
// models they are rendered from. Handlers fill a model; components only
// format it.
package views

import (
	"fmt"
	"time"

	"github.com/a-h/templ"

	"github.com/investigation-portal/portal/internal/portal"
)

// Nav is what every signed-in page shows about the session.
type Nav struct {
	Username string
	Role     portal.Role
	Unit     string
	Purpose  string
	CSRF     string
}

// LoginPage is the sign-in form.
type LoginPage struct {
	CSRF     string
	Username string
	Error    string
	NeedTOTP bool
}

// PurposePage asks what the user is working on before any report is shown.
type PurposePage struct {
	Nav     Nav
	Next    string
	Purpose string
	Error   string
}

// ReportPage is one report.
type ReportPage struct {
	Nav         Nav
	Report      portal.Report
	ShowVictim  bool
	ExtraFields []Field
	Similar     templ.Component // the similar-reports panel, or nil
}

// Field is a name and a value shown in a table.
type Field struct{ Name, Value string }

// ErrorPage is shown for errors in the browser.
type ErrorPage struct {
	Nav     *Nav
	Status  int
	Message string
}

// FormatTime shows a time the way analysts read them: UTC, to the minute.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Mon 2 Jan 2006 15:04 UTC")
}

// FormatScore shows a relevance score briefly.
func FormatScore(f float64) string { return fmt.Sprintf("%.2f", f) }
