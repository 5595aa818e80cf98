package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the hours flag reads London time wherever the server runs
	"unicode"

	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/views"
)

// Thresholds of the anomaly flags. They are deliberately simple, so that an
// auditor can check a flag by hand from the explanation it gives.
const (
	volumeFactor  = 3  // flag a user who opened this many times the median of their peers…
	volumeMinimum = 20 // …and at least this many reports
	quietFrom     = 22 // London hours [quietFrom, 24) and [0, quietTo) are unusual
	quietTo       = 6
	maxExamples   = 5
)

var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// anomalies computes the flags over entries (one period of the log).
func (s *Server) anomalies(ctx context.Context, entries []portal.AuditEntry) ([]views.AnomalyFlag, error) {
	var flags []views.AnomalyFlag
	flags = append(flags, volumeFlags(entries)...)
	bf, err := s.boroughFlags(ctx, entries)
	if err != nil {
		return nil, err
	}
	flags = append(flags, bf...)
	flags = append(flags, hourFlags(entries)...)
	names, err := s.nameVocabulary(ctx)
	if err != nil {
		return nil, err
	}
	flags = append(flags, nameSearchFlags(entries, names)...)
	return flags, nil
}

// views returns, per actor, the distinct reports they opened and their role.
func reportViews(entries []portal.AuditEntry) (map[string][]string, map[string]portal.AuditEntry) {
	seen := map[string]map[string]bool{}
	opened := map[string][]string{}
	who := map[string]portal.AuditEntry{}
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		if e.Action != "report.view" || e.Outcome != "ok" {
			continue
		}
		if seen[e.Actor] == nil {
			seen[e.Actor] = map[string]bool{}
		}
		who[e.Actor] = e
		for _, o := range e.Objects {
			if id, ok := strings.CutPrefix(o, "report:"); ok && !seen[e.Actor][id] {
				seen[e.Actor][id] = true
				opened[e.Actor] = append(opened[e.Actor], id)
			}
		}
	}
	return opened, who
}

// volumeFlags: a user who opened far more distinct reports than the median
// of the other users of the same role who opened any.
func volumeFlags(entries []portal.AuditEntry) []views.AnomalyFlag {
	opened, who := reportViews(entries)
	var flags []views.AnomalyFlag
	for actor, ids := range opened {
		role := who[actor].Role
		var peers []int
		for other, oids := range opened {
			if other != actor && who[other].Role == role {
				peers = append(peers, len(oids))
			}
		}
		if len(peers) == 0 {
			continue
		}
		med := median(peers)
		n := len(ids)
		if n < volumeMinimum || float64(n) < volumeFactor*med {
			continue
		}
		flags = append(flags, views.AnomalyFlag{Kind: "volume", Actor: actor,
			Title: fmt.Sprintf("opened %d reports, %s times the median of their peers", n, ratio(n, med)),
			Explanation: fmt.Sprintf("%s (%s) opened %d different reports in this period; the median of the %d other %ss who opened any was %s. "+
				"A user is flagged at %d times that median and at least %d reports.",
				actor, role, n, len(peers), role, strconv.FormatFloat(med, 'f', -1, 64), volumeFactor, volumeMinimum)})
	}
	sortFlags(flags)
	return flags
}

func median(xs []int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

func ratio(n int, med float64) string {
	if med == 0 {
		return "many"
	}
	return strconv.FormatFloat(float64(n)/med, 'f', 1, 64)
}

// boroughFlags: reports opened in boroughs where the user's unit owns no
// reports, the unit's usual boroughs being those of its own reports.
func (s *Server) boroughFlags(ctx context.Context, entries []portal.AuditEntry) ([]views.AnomalyFlag, error) {
	opened, who := reportViews(entries)
	var all []string
	for _, ids := range opened {
		all = append(all, ids...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	reports := map[string]portal.Report{}
	for i := 0; i < len(all); i += 500 {
		m, err := s.Store.Reports(ctx, all[i:min(i+500, len(all))])
		if err != nil {
			return nil, err
		}
		for id, r := range m {
			reports[id] = portal.Report{ID: id, Borough: r.Borough, Unit: r.Unit} // nothing else is kept
		}
	}
	usual := map[string][]string{}
	var flags []views.AnomalyFlag
	for actor, ids := range opened {
		unit := who[actor].Unit
		if unit == "" {
			continue
		}
		home, ok := usual[unit]
		if !ok {
			var err error
			if home, err = s.unitBoroughs(ctx, unit); err != nil {
				return nil, err
			}
			usual[unit] = home
		}
		if len(home) == 0 {
			continue // a unit without reports of its own has no usual area
		}
		outside := map[string]int{}
		var examples []string
		for _, id := range ids {
			r, ok := reports[id]
			if !ok || r.Borough == "" || slices.Contains(home, r.Borough) {
				continue
			}
			outside[r.Borough]++
			if len(examples) < maxExamples {
				examples = append(examples, fmt.Sprintf("report %s in %s (unit %s)", id, r.Borough, r.Unit))
			}
		}
		if len(outside) == 0 {
			continue
		}
		n, list := 0, make([]string, 0, len(outside))
		for b, k := range outside {
			n += k
			list = append(list, fmt.Sprintf("%s (%d)", b, k))
		}
		slices.Sort(list)
		flags = append(flags, views.AnomalyFlag{Kind: "borough", Actor: actor,
			Title: fmt.Sprintf("opened %d reports outside %s's boroughs", n, unit),
			Explanation: fmt.Sprintf("%s's unit %s owns reports in %s; in this period %s opened %d reports elsewhere: %s.",
				actor, unit, strings.Join(home, ", "), actor, n, strings.Join(list, ", ")),
			Examples: examples})
	}
	sortFlags(flags)
	return flags, nil
}

func (s *Server) unitBoroughs(ctx context.Context, unit string) ([]string, error) {
	rows, err := s.Store.DB().QueryContext(ctx, s.Store.Rebind(
		`SELECT DISTINCT borough FROM reports WHERE unit = ? AND borough <> '' ORDER BY borough`), unit)
	if err != nil {
		return nil, fmt.Errorf("boroughs of unit %s: %w", unit, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// hourFlags: searches and report views at night, London time.
func hourFlags(entries []portal.AuditEntry) []views.AnomalyFlag {
	count := map[string]int{}
	examples := map[string][]string{}
	for _, e := range entries {
		if (e.Action != "report.view" && e.Action != "search") || e.Outcome != "ok" {
			continue
		}
		h := e.Time.In(london).Hour()
		if h >= quietTo && h < quietFrom {
			continue
		}
		count[e.Actor]++
		if len(examples[e.Actor]) < maxExamples {
			examples[e.Actor] = append(examples[e.Actor], fmt.Sprintf("%s London time: %s %s",
				e.Time.In(london).Format("Mon 2 Jan 15:04"), e.Action, views.Objects(e.Objects)))
		}
	}
	var flags []views.AnomalyFlag
	for actor, n := range count {
		flags = append(flags, views.AnomalyFlag{Kind: "hours", Actor: actor,
			Title: fmt.Sprintf("%d searches or report views at night", n),
			Explanation: fmt.Sprintf("%s searched or opened reports %d times between %02d:00 and %02d:00 London time in this period. "+
				"Night shifts explain many of these; check against the rota.", actor, n, quietFrom, quietTo),
			Examples: examples[actor]})
	}
	sortFlags(flags)
	return flags
}

// notNames are capitalised words that often start a search but are not
// people: places, street words, titles of things, days and months. Boroughs
// in the store are added to them.
var notNames = strings.Fields(`
The A An And Or Not Near With Without In On At Of From To By For He She His Her They Him Male Female Man Woman Boy Girl
Suspect Victim Offender Driver Taxi Minicab Uber Bus Train Tube Station Stop Road Street Lane Avenue Way Close Park Green
Common Heath Hill Square Cross Bridge Market Gardens Garden Town Junction Broadway Central High Upper Lower East West North
South London City Underground Overground Night Club Pub Bar Hotel Hospital School College University Shopping Centre Car Van
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
October November December Asian Black White Mixed British European African Irish Polish English Scottish Welsh Police
`)

var nameTitles = map[string]bool{"Mr": true, "Mrs": true, "Ms": true, "Miss": true, "Dr": true, "Mx": true}

// nameVocabulary is the set of capitalised words not taken for names.
func (s *Server) nameVocabulary(ctx context.Context) (map[string]bool, error) {
	voc := map[string]bool{}
	for _, w := range notNames {
		voc[w] = true
	}
	rows, err := s.Store.DB().QueryContext(ctx, `SELECT DISTINCT borough FROM reports WHERE borough <> ''`)
	if err != nil {
		return nil, fmt.Errorf("boroughs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		for _, w := range strings.Fields(b) {
			voc[w] = true
		}
	}
	return voc, rows.Err()
}

// nameSearchFlags: searches whose query looks like a person's name — two
// capitalised words in a row that are not places or common words, or a
// title (Mr, Ms…) before a capitalised word. Officers looking up people
// they know is the misuse the log exists to catch; a name in a search is
// legitimate in an investigation, so this is a prompt to check the purpose.
func nameSearchFlags(entries []portal.AuditEntry, vocabulary map[string]bool) []views.AnomalyFlag {
	found := map[string][]string{}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Action != "search" {
			continue
		}
		q, ok := searchQuery(e.Detail)
		if !ok {
			continue
		}
		if name := personName(q, vocabulary); name != "" {
			found[e.Actor] = append(found[e.Actor], fmt.Sprintf("%s: %q (looks like %q; purpose %q)", views.AuditTime(e.Time), q, name, e.Purpose))
		}
	}
	var flags []views.AnomalyFlag
	for actor, qs := range found {
		flags = append(flags, views.AnomalyFlag{Kind: "name_search", Actor: actor,
			Title: fmt.Sprintf("%d searches for what looks like a person's name", len(qs)),
			Explanation: fmt.Sprintf("%s searched for two capitalised words that are not places or common report words, or for a title and a surname. "+
				"Check that the stated purpose covers looking up that person.", actor),
			Examples: qs[:min(len(qs), maxExamples)]})
	}
	sortFlags(flags)
	return flags
}

// searchQuery takes the query out of a search entry's detail (q="…" …).
func searchQuery(detail string) (string, bool) {
	rest, ok := strings.CutPrefix(detail, "q=")
	if !ok {
		if i := strings.Index(detail, " q="); i >= 0 {
			rest, ok = detail[i+3:], true
		}
	}
	if !ok {
		return "", false
	}
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", false
	}
	q, err := strconv.Unquote(quoted)
	return q, err == nil
}

// personName returns the part of q that looks like a person's name, or "".
func personName(q string, vocabulary map[string]bool) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' })
	capitalised := func(w string) bool {
		rs := []rune(w)
		if len(rs) < 2 || !unicode.IsUpper(rs[0]) {
			return false
		}
		for _, r := range rs[1:] {
			if unicode.IsUpper(r) { // an acronym or shouting, not a name
				return false
			}
		}
		return true
	}
	for i := 0; i+1 < len(words); i++ {
		a, b := words[i], words[i+1]
		if nameTitles[strings.TrimSuffix(a, ".")] && capitalised(b) && !vocabulary[b] {
			return a + " " + b
		}
		if capitalised(a) && capitalised(b) && !vocabulary[a] && !vocabulary[b] && !nameTitles[a] {
			return a + " " + b
		}
	}
	return ""
}

func sortFlags(flags []views.AnomalyFlag) {
	slices.SortFunc(flags, func(a, b views.AnomalyFlag) int { return strings.Compare(a.Actor, b.Actor) })
}
