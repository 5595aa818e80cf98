package corpus

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// gen renders reports. One gen serves a whole Generate call and reuses its
// buffers, so a report costs a handful of allocations (its strings and the
// values its pointers point at).
type gen struct {
	r   *rand.Rand
	pcg *rand.PCG
	b   []byte // the narrative being written
	d   []byte // the suspect_description field
	one profile

	// The report being written.
	st                            *style
	p                             *profile
	bor                           *borough
	loc                           string
	stn, road, park, bus          string
	when                          time.Time
	to                            time.Time
	window                        bool
	age                           int
	offence                       string
	capNext                       bool
	victimSaid, suspSaid, vehSaid bool
	cands                         [4]int
}

func newGen() *gen {
	pcg := rand.NewPCG(0, 0)
	return &gen{r: rand.New(pcg), pcg: pcg, b: make([]byte, 0, 4096), d: make([]byte, 0, 512)}
}

// backing holds the values a Report's pointers point at: one allocation.
type backing struct {
	to, rep  time.Time
	lat, lon float64
	age      int
}

// render writes one report from profile p at wall-clock time when.
func (g *gen) render(out *portal.Report, id string, p *profile, series bool, when time.Time, offence string, acts []*trait) {
	r := g.r
	g.p, g.offence = p, offence
	g.victimSaid, g.suspSaid, g.vehSaid = false, false, false
	g.b, g.d = g.b[:0], g.d[:0]
	bk := &backing{}

	// Where.
	g.loc = p.locs[0]
	if len(p.locs) > 1 && r.Float64() < 0.35 {
		g.loc = p.locs[1+r.IntN(len(p.locs)-1)]
	}
	dist := p.radius * math.Sqrt(r.Float64())
	ang := r.Float64() * 2 * math.Pi
	lat, lon := offset(p.lat, p.lon, dist*math.Cos(ang), dist*math.Sin(ang))
	cands := p.home
	if !series {
		c := g.cands[:0]
		c = append(c, p.home[0])
		cands = append(c, boroughs[p.home[0]].near...)
	}
	g.bor = &boroughs[nearestOf(cands, lat, lon)]
	g.stn, g.road, g.bus = p.stn, p.road, p.bus
	if !series || r.Float64() < 0.4 {
		g.stn = oneOf(r, g.bor.stations)
	}
	if !series || r.Float64() < 0.5 {
		g.road = oneOf(r, roads)
	}
	if !series || r.Float64() < 0.4 {
		g.bus = oneOf(r, busRoutes)
	}
	g.park = oneOf(r, g.bor.parks)

	// When.
	g.when = when
	g.window = r.Float64() < 0.18
	if offence == "stalking" && r.Float64() < 0.6 {
		g.window = true
		g.to = when.Add(time.Duration(2+r.IntN(60)) * 24 * time.Hour)
	} else if g.window {
		g.to = when.Add(time.Duration(10+r.IntN(170)) * time.Minute)
	}
	end := when
	if g.window {
		end = g.to
		bk.to = london(g.to)
		// A window across the spring clock change can end "before" it
		// began in wall-clock terms; keep its real length instead.
		if at := london(when); bk.to.Before(at) {
			bk.to = at.Add(g.to.Sub(when))
		}
		out.OccurredTo = &bk.to
	}
	var delay time.Duration
	switch x := r.Float64(); {
	case x < 0.6:
		delay = time.Duration(20+r.IntN(360)) * time.Minute
	case x < 0.86:
		delay = time.Duration(6+r.IntN(66)) * time.Hour
	case x < 0.96:
		delay = time.Duration(3+r.IntN(58)) * 24 * time.Hour
	default:
		delay = time.Duration(60+r.IntN(300)) * 24 * time.Hour
	}
	bk.rep = london(end.Add(delay).Truncate(time.Minute))
	out.ReportedAt = &bk.rep

	// Who.
	g.age = p.target.ageMin + r.IntN(p.target.ageMax-p.target.ageMin+1)
	if r.Float64() < 0.9 {
		bk.age = g.age
		out.VictimAge = &bk.age
	}

	g.st = pickStyle(r)
	g.narrative(acts, delay)

	out.ID = id
	out.Narrative = string(g.b)
	out.Offence = offence
	out.OccurredAt = london(when)
	out.Borough = g.bor.name
	out.LocationType = g.loc
	if r.Float64() < 0.92 {
		bk.lat, bk.lon = round5(lat), round5(lon)
		out.Lat, out.Lon = &bk.lat, &bk.lon
	}
	if len(g.d) > 0 && r.Float64() < 0.85 {
		out.SuspectDescription = string(g.d)
	}
	out.Unit = unitFor(r, offence, g.bor.area, g.age)
	out.Restricted = r.Float64() < 0.03
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

func pickStyle(r *rand.Rand) *style {
	x := r.Float64()
	for i := range styles {
		x -= styles[i].w
		if x < 0 {
			return &styles[i].s
		}
	}
	return &styles[len(styles)-1].s
}

func unitFor(r *rand.Rand, offence, area string, age int) string {
	kind := "SOIT"
	switch {
	case age < 18 && r.Float64() < 0.7:
		kind = "CAIT"
	case offence == "stalking" || offence == "harassment":
		kind = "PPU"
		if r.Float64() < 0.3 {
			kind = "SOIT"
		}
	case offence == "robbery" || offence == "other" || offence == "attempted_kidnap":
		kind = "CID"
		if r.Float64() < 0.4 {
			kind = "SOIT"
		}
	case r.Float64() < 0.15:
		kind = "Sapphire"
	}
	return kind + "-" + area
}

// london turns a wall-clock time (coded as UTC) into London time: BST from
// the last Sunday of March to the last Sunday of October.
func london(wall time.Time) time.Time {
	y := wall.Year()
	if wall.After(lastSunday(y, time.March)) && wall.Before(lastSunday(y, time.October)) {
		return time.Date(y, wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, bst)
	}
	return time.Date(y, wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, gmt)
}

var (
	bst = time.FixedZone("BST", 3600)
	gmt = time.FixedZone("GMT", 0)
)

func lastSunday(y int, m time.Month) time.Time {
	t := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC)
	return t.AddDate(0, 0, -int(t.Weekday()))
}

// --- writing ---

// put appends s, filling placeholders and capitalising the first letter of
// a sentence.
func (g *gen) put(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '{' {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				g.putVar(s[i+1 : i+j])
				i += j
				continue
			}
		}
		if g.capNext && c != ' ' {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			g.capNext = false
		}
		g.b = append(g.b, c)
	}
}

func (g *gen) putVar(name string) {
	r := g.r
	switch name {
	case "road":
		g.put(g.road)
	case "stn":
		g.put(g.stn)
	case "park":
		g.put(g.park)
	case "bus":
		g.put(g.bus)
	case "club":
		g.put(oneOf(r, clubs))
	case "shop":
		g.put(oneOf(r, shops))
	case "app":
		g.put(oneOf(r, apps))
	case "uni":
		g.put(oneOf(r, unis))
	case "estate":
		g.put(oneOf(r, estates))
	case "area":
		g.put(g.bor.name)
	case "dir":
		g.put(oneOf(r, directions))
	case "mins":
		g.b = strconv.AppendInt(g.b, int64(3+r.IntN(15)), 10)
	case "V":
		g.put(g.victim())
		if g.st.verbose && r.Float64() < 0.6 && g.p != nil {
			g.b = append(g.b, ", a "...)
			g.b = strconv.AppendInt(g.b, int64(g.age), 10)
			g.put(oneOf(r, []string{" year old woman,", " year old female,", " y/o female,"}))
		}
	case "D":
		g.date(g.when)
	case "T":
		g.clock()
	case "A":
		g.put(oneOf(r, g.p.target.say))
	case "O":
		g.put(oneOf(r, offenceWords[g.offence]))
	default:
		g.b = append(g.b, name...)
	}
}

func (g *gen) sentence() {
	if n := len(g.b); n > 0 && g.b[n-1] != ' ' && g.b[n-1] != '\n' {
		g.b = append(g.b, ' ')
	}
	g.capNext = true
}

func (g *gen) stop() {
	if n := len(g.b); n > 0 && g.b[n-1] != '.' {
		g.b = append(g.b, '.')
	}
}

func (g *gen) victim() string {
	if g.victimSaid {
		return oneOf(g.r, g.st.victimNext)
	}
	g.victimSaid = true
	return oneOf(g.r, g.st.victim)
}

func (g *gen) suspect() string {
	if g.suspSaid {
		return oneOf(g.r, g.st.suspNext)
	}
	g.suspSaid = true
	return oneOf(g.r, g.st.susp)
}

// clause writes "SUBJECT [then] P1, P2 and P3." for the given traits.
func (g *gen) clause(ts []*trait, then bool) {
	if len(ts) == 0 {
		return
	}
	g.sentence()
	g.put(g.suspect())
	if then && g.r.Float64() < 0.5 {
		g.b = append(g.b, " then"...)
	}
	for i, t := range ts {
		switch {
		case i == 0:
			g.b = append(g.b, ' ')
		case i == len(ts)-1:
			g.b = append(g.b, " and "...)
		default:
			g.b = append(g.b, ", "...)
		}
		g.put(oneOf(g.r, t.say))
	}
	g.stop()
}

var months = []string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func (g *gen) date(t time.Time) {
	d, m, y := t.Day(), int(t.Month()), t.Year()
	switch x := g.r.IntN(6); {
	case x < 2:
		g.b = appendPad(g.b, d, 2)
		g.b = append(g.b, '/')
		g.b = appendPad(g.b, m, 2)
		g.b = append(g.b, '/')
		if x == 0 {
			g.b = strconv.AppendInt(g.b, int64(y), 10)
		} else {
			g.b = appendPad(g.b, y%100, 2)
		}
	case x < 4 || g.st.terse:
		if x == 3 {
			g.b = append(g.b, t.Weekday().String()...)
			g.b = append(g.b, ' ')
		}
		g.b = appendPad(g.b, d, 2)
		g.b = append(g.b, '/')
		g.b = appendPad(g.b, m, 2)
		g.b = append(g.b, '/')
		g.b = strconv.AppendInt(g.b, int64(y), 10)
	default:
		if x == 5 {
			g.b = append(g.b, t.Weekday().String()...)
			g.b = append(g.b, " the "...)
		}
		g.b = strconv.AppendInt(g.b, int64(d), 10)
		g.b = append(g.b, ordinal(d)...)
		g.b = append(g.b, ' ')
		g.b = append(g.b, months[m]...)
		g.b = append(g.b, ' ')
		g.b = strconv.AppendInt(g.b, int64(y), 10)
	}
}

func ordinal(d int) string {
	switch {
	case d == 11 || d == 12 || d == 13:
		return "th"
	case d%10 == 1:
		return "st"
	case d%10 == 2:
		return "nd"
	case d%10 == 3:
		return "rd"
	}
	return "th"
}

func appendPad(b []byte, n, w int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < w; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// hhmm appends a clock time in the style's manner.
func (g *gen) hhmm(t time.Time, kind int) {
	h, m := t.Hour(), t.Minute()
	switch kind {
	case 0: // 2315
		g.b = appendPad(g.b, h, 2)
		g.b = appendPad(g.b, m, 2)
	case 1: // 23:15
		g.b = appendPad(g.b, h, 2)
		g.b = append(g.b, ':')
		g.b = appendPad(g.b, m, 2)
	default: // 11.15pm
		h12 := h % 12
		if h12 == 0 {
			h12 = 12
		}
		g.b = strconv.AppendInt(g.b, int64(h12), 10)
		g.b = append(g.b, '.')
		g.b = appendPad(g.b, m, 2)
		if h < 12 {
			g.b = append(g.b, "am"...)
		} else {
			g.b = append(g.b, "pm"...)
		}
	}
}

func (g *gen) clock() {
	r := g.r
	kind := r.IntN(3)
	if g.st.terse && kind == 2 {
		kind = 0
	}
	suffix := ""
	if kind == 0 {
		suffix = oneOf(r, []string{"hrs", "hrs", " hrs", "", " hours"})
	} else if kind == 1 && r.IntN(3) == 0 {
		suffix = "hrs"
	}
	if g.window && g.to.Sub(g.when) < 12*time.Hour {
		for _, w := range []string{"approximately ", "approx ", "around ", "about ", "at "} {
			if n := len(g.b) - len(w); n >= 0 && string(g.b[n:]) == w {
				g.b = g.b[:n]
			}
		}
		g.b = append(g.b, "between "...)
		g.hhmm(g.when, kind)
		g.b = append(g.b, " and "...)
		g.hhmm(g.to, kind)
		g.b = append(g.b, suffix...)
		return
	}
	g.hhmm(g.when, kind)
	g.b = append(g.b, suffix...)
}
