package views

import (
	"github.com/a-h/templ"
	"net/url"
	"strings"

	"github.com/investigation-portal/portal/internal/portal"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// Headline is the one-line summary of a report in a list.
func Headline(r portal.Report) string {
	parts := []string{strings.ReplaceAll(r.Offence, "_", " ")}
	if r.Borough != "" {
		parts = append(parts, r.Borough)
	}
	if r.LocationType != "" {
		parts = append(parts, strings.ReplaceAll(r.LocationType, "_", " "))
	}
	parts = append(parts, FormatTime(r.OccurredAt))
	return strings.Join(parts, " · ")
}

// FieldLabel turns a field name into a label.
func FieldLabel(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func statusTitle(status int) string {
	switch status {
	case 400:
		return "That request could not be understood"
	case 401:
		return "Please log in"
	case 403:
		return "Not allowed"
	case 404:
		return "Not found"
	case 409:
		return "Changed by someone else"
	case 413:
		return "Too large"
	case 429:
		return "Too many requests"
	}
	return "Something went wrong"
}

// topReasons is the one-line summary of a similar report: its strongest
// reasons, so a long list can stay folded.
func topReasons(rs []portal.Reason, n int) string {
	var parts []string
	for _, r := range rs {
		if r.Weight > 0 && len(parts) < n {
			parts = append(parts, r.Detail)
		}
	}
	if len(parts) == 0 {
		return "reasons"
	}
	return strings.Join(parts, "; ")
}

// ReportURL is the page of a report. Ids may hold "/", which is escaped so
// the id stays one path segment.
func ReportURL(id string) templ.SafeURL { return templ.SafeURL("/reports/" + url.PathEscape(id)) }
