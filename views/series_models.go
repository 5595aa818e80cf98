package views

import (
	"strconv"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// SeriesListPage lists series: Show is the filter (mine, submitted,
// decided, proposed, all); Add, when set, is a report to add to one of them.
type SeriesListPage struct {
	Nav    Nav
	Show   string
	Add    string
	Series []SeriesRow
}

// SeriesRow is one series in the list.
type SeriesRow struct {
	ID        int64
	Title     string
	Status    string
	Reports   int
	Version   int64
	ChangedBy []string
	DecidedBy string
	Updated   time.Time
	Editable  bool
	Has       bool // already holds the report being added
}

// SeriesPage is one series with everything needed to argue and decide it.
type SeriesPage struct {
	Nav       Nav
	Series    portal.Series
	Reports   []SeriesReport
	Flagged   []SeriesReport
	History   []SeriesEventView
	Editable  bool // proposed, draft or rejected
	CanDecide bool // a supervisor, and the series is submitted
	IsChanger bool // the user created or changed it (so may not decide it)
}

// SeriesReport is a report in (or flagged on) a series.
type SeriesReport struct {
	ID         string
	Headline   string
	Restricted bool
	Found      bool
}

// SeriesEventView is one line of a series' history.
type SeriesEventView struct {
	At      time.Time
	Actor   string
	Action  string
	Status  string
	Version int64
	Added   []string
	Removed []string
	Detail  string
}

// SeriesPrintPage is an approved series laid out for paper.
type SeriesPrintPage struct {
	Nav     Nav
	Series  portal.Series
	Reports []portal.Report
	History []SeriesEventView
	Printed time.Time
	By      string
}

func seriesURL(id int64, rest string) string { return "/series/" + strconv.FormatInt(id, 10) + rest }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func seriesShowLabel(show string) string {
	switch show {
	case "mine":
		return "My series"
	case "submitted":
		return "Awaiting decision"
	case "decided":
		return "Decided"
	case "proposed":
		return "Proposed by the linkage"
	}
	return "All series"
}

var seriesShows = []string{"mine", "submitted", "decided", "proposed", "all"}

func joinComma(xs []string) string { return strings.Join(xs, ", ") }

func addParam(add string) string {
	if add == "" {
		return ""
	}
	return "&add=" + urlQuery(add)
}
