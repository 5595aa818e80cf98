package views

import (
	"net/url"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/portal"
)

// SearchForm is what the search form holds, as typed.
type SearchForm struct {
	Query         string
	Offences      []string
	Boroughs      []string
	LocationTypes []string
	Years         []string
	From, To      string // YYYY-MM-DD, YYYY-MM or YYYY
	HourFrom      string // 0-23
	HourTo        string
	Near          string // LAT,LON,KM
	Sort          string
	CreatedAfter  string // RFC 3339: only reports stored after (saved-search alerts)
	Group         bool   // show the hits grouped into candidate series (group=series)
}

// Values is the form as URL parameters, without paging.
func (f SearchForm) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Query)
	for _, x := range f.Offences {
		v.Add("offence", x)
	}
	for _, x := range f.Boroughs {
		v.Add("borough", x)
	}
	for _, x := range f.LocationTypes {
		v.Add("location_type", x)
	}
	for _, x := range f.Years {
		v.Add("year", x)
	}
	set("from", f.From)
	set("to", f.To)
	set("hour_from", f.HourFrom)
	set("hour_to", f.HourTo)
	set("near", f.Near)
	if f.Sort != "" && f.Sort != index.SortRelevance {
		v.Set("sort", f.Sort)
	}
	set("created_after", f.CreatedAfter)
	if f.Group {
		v.Set("group", "series")
	}
	return v
}

// Empty says whether the form asks for nothing.
func (f SearchForm) Empty() bool { return len(f.Values()) == 0 }

// SearchPage is the search form and its results.
type SearchPage struct {
	Nav     Nav
	Form    SearchForm
	Error   string
	Result  *index.Result
	Reports map[string]portal.Report // the hits' reports, for their headlines
	Offset  int
	Limit   int
	After   string
	// Options for the form's selects.
	Offences []string
	Facets   []FacetGroup
	// Histogram is the hits by year (from the year facet).
	Histogram []Bar
	// Points are the hits on this page that have a location, projected
	// into a 100×100 box for a small map.
	Points []MapPoint
	// Groups are the hits grouped into candidate series (Form.Group):
	// strongest first, hits in no series last as groups of one.
	Groups []SeriesGroup
}

// GroupURL switches between the grouped and the flat list of these hits.
func (p SearchPage) GroupURL(group bool) string {
	f := p.Form
	f.Group = group
	return "/search?" + f.Values().Encode()
}

// hitsOf is the hits of a group, in the order of the results.
func (p SearchPage) hitsOf(g SeriesGroup) []index.Hit {
	var out []index.Hit
	for _, h := range p.Result.Hits {
		for _, id := range g.Reports {
			if h.ID == id {
				out = append(out, h)
				break
			}
		}
	}
	return out
}

// Params is the search as a URL query string, without paging.
func (p SearchPage) Params() string { return p.Form.Values().Encode() }

// HasPrev and HasNext drive the paging links.
func (p SearchPage) HasPrev() bool { return p.Offset > 0 || p.After != "" }
func (p SearchPage) HasNext() bool { return p.Result != nil && p.Result.Next != "" }

// FirstURL is the first page of these results.
func (p SearchPage) FirstURL() string { return "/search?" + p.Params() }

// NextURL is the page after this one.
func (p SearchPage) NextURL() string {
	v := p.Form.Values()
	v.Set("after", p.Result.Next)
	return "/search?" + v.Encode()
}

// ExportURL downloads these results as CSV.
func (p SearchPage) ExportURL() string { return "/search/export.csv?" + p.Params() }

// SortURL is these results in another order.
func (p SearchPage) SortURL(sort string) string {
	f := p.Form
	f.Sort = sort
	return "/search?" + f.Values().Encode()
}

// FacetGroup is one facet: a field's values among the hits.
type FacetGroup struct {
	Field  string
	Label  string
	Values []FacetLink
}

// FacetLink narrows the search to one value (or, when Active, removes it).
type FacetLink struct {
	Value  string
	Count  int
	URL    string
	Active bool
}

// Bar is one bar of a histogram.
type Bar struct {
	Label string
	Count int
	Max   int
	URL   string
}

// MapPoint is a hit placed on the small map.
type MapPoint struct {
	ID   string
	X, Y float64
	URL  string
}

// SavedSearchView is a saved search with its count of new matches.
type SavedSearchView struct {
	ID       int64
	Name     string
	Params   string
	Query    string
	New      int
	Viewed   time.Time
	RunURL   string
	NewURL   string
	DeleteTo string
}

// SavedSearchesPage lists the user's saved searches.
type SavedSearchesPage struct {
	Nav      Nav
	Searches []SavedSearchView
	Error    string
}

// HomePage is an investigator's start page.
type HomePage struct {
	Nav      Nav
	Searches []SavedSearchView
	NewTotal int
}

// SearchHelpPage documents the query language.
type SearchHelpPage struct {
	Nav      Nav
	Synonyms [][]string
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p SearchPage) withoutCreatedAfter() string {
	f := p.Form
	f.CreatedAfter = ""
	return "/search?" + f.Values().Encode()
}
