// Package corpus generates the portal's deterministic synthetic corpus:
// London crime-report narratives in officers' own styles, with planted
// series of reports by the same offender and their ground-truth labels.
// It feeds the demo data, the tests and benchmarks of other packages, and
// the linkage evaluation.
//
// Each planted offender has a profile (home area, hours, target, approach,
// control, acts, words, precautions, escape, vehicle, marks, looks); each of
// his reports repeats a random 50-80% of it, in varied wording and with the
// victim's errors. One-off reports are drawn from the same behaviour pools,
// so common behaviours are common and distinctive ones rare.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// Options choose the corpus. The zero value gives the default corpus.
type Options struct {
	Seed    uint64    // same seed + options => byte-identical output
	Reports int       // total reports, default 5000
	Series  int       // planted series, default max(40, Reports/120); negative for none
	Start   time.Time // default 2023-01-01 UTC
	End     time.Time // default 2025-12-31 UTC
}

func (o Options) withDefaults() Options {
	if o.Reports <= 0 {
		o.Reports = 5000
	}
	if o.Series == 0 {
		o.Series = max(40, o.Reports/120)
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.End.IsZero() {
		o.End = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return o
}

// member is one planted series report: its output position, its series and
// when it happened.
type member struct {
	pos    int
	series int
	when   time.Time
	late   bool // after the offender escalated
}

type plan struct {
	opt     Options
	days    int
	series  []profile
	labels  []string
	members []member // sorted by pos
	ids     idPerm
}

// Seed salts, so the plan and the reports draw from unrelated streams.
const (
	saltPlan   = 0x5EED_C0FF_EE00_0001
	saltReport = 0x5EED_C0FF_EE00_0002
	saltID     = 0x5EED_C0FF_EE00_0003
)

var sizeWeights = []float64{0, 0, 30, 22, 15, 10, 7, 5, 4, 3, 2, 2, 1.5, 1, 1, 1} // index = size

func newPlan(opt Options) (*plan, error) {
	opt = opt.withDefaults()
	if !opt.End.After(opt.Start) {
		return nil, fmt.Errorf("corpus: End %s is not after Start %s", opt.End, opt.Start)
	}
	pl := &plan{opt: opt, days: int(opt.End.Sub(opt.Start).Hours() / 24)}
	pl.ids = newIDPerm(opt.Seed^saltID, opt.Reports)
	r := rand.New(rand.NewPCG(opt.Seed, saltPlan))

	// Sizes: mostly pairs and threes, a few long runs, and the first two
	// series long so that the demo always has something to find. Planted
	// reports never exceed half the corpus.
	var sizes []int
	budget, sum := opt.Reports/2, 0
	for i := range max(opt.Series, 0) {
		s := pickSize(r)
		switch i {
		case 0:
			s = 12 + r.IntN(4)
		case 1:
			s = 8 + r.IntN(4)
		}
		if sum+s > budget {
			s = budget - sum
		}
		if s < 2 {
			break
		}
		sizes = append(sizes, s)
		sum += s
	}

	taken := make(map[int]int32, sum)
	for si, size := range sizes {
		var p profile
		p.fill(r, true)
		// Every eighth series copies the previous one's method and place
		// with a different man: two offenders a linker must tell apart.
		if si%8 == 5 {
			p.twin(r, &pl.series[si-1])
		}
		pl.series = append(pl.series, p)
		pl.labels = append(pl.labels, fmt.Sprintf("S%03d", si+1))

		// Weeks to months, with his habitual hour.
		span := 14 + r.IntN(240)
		if span > pl.days {
			span = pl.days
		}
		start := r.IntN(pl.days - span + 1)
		offs := make([]int, size)
		for k := range offs {
			offs[k] = start + r.IntN(span+1)
		}
		sort.Ints(offs)
		for k, d := range offs {
			h := p.hour + r.NormFloat64()*p.hourSD
			when := opt.Start.AddDate(0, 0, d).Add(time.Duration(h * float64(time.Hour))).Truncate(5 * time.Minute)
			if r.IntN(3) == 0 {
				when = when.Add(time.Duration(r.IntN(5)) * time.Minute)
			}
			pos := pl.place(r, taken, int32(si))
			pl.members = append(pl.members, member{pos: pos, series: si, when: when, late: p.offence2 != "" && k >= size/2})
		}
	}
	sort.Slice(pl.members, func(i, j int) bool { return pl.members[i].pos < pl.members[j].pos })
	return pl, nil
}

func pickSize(r *rand.Rand) int {
	total := 0.0
	for _, w := range sizeWeights {
		total += w
	}
	x := r.Float64() * total
	for s, w := range sizeWeights {
		x -= w
		if x < 0 {
			return s
		}
	}
	return 2
}

// place picks a free output position not next to another report of the
// same series, so that a series never shows as a run of lines.
func (pl *plan) place(r *rand.Rand, taken map[int]int32, s int32) int {
	n := pl.opt.Reports
	for try := 0; ; try++ {
		pos := r.IntN(n)
		if _, ok := taken[pos]; ok {
			continue
		}
		if try < 1000 {
			if t, ok := taken[pos-1]; ok && t == s {
				continue
			}
			if t, ok := taken[pos+1]; ok && t == s {
				continue
			}
		}
		taken[pos] = s
		return pos
	}
}

// Generate streams opt.Reports reports to fn in a stable order, each with
// its series label ("S001", ...) or "" for a one-off. Series members are
// scattered through the output and their ids say nothing of the series.
func Generate(opt Options, fn func(r portal.Report, label string) error) error {
	pl, err := newPlan(opt)
	if err != nil {
		return err
	}
	return pl.run(fn)
}

func (pl *plan) run(fn func(r portal.Report, label string) error) error {
	opt := pl.opt
	g := newGen()
	next := 0
	var idb []byte
	for pos := range opt.Reports {
		g.pcg.Seed(opt.Seed^saltReport, uint64(pos))
		r := g.r
		var rep portal.Report
		label := ""
		var p *profile
		var when time.Time
		var off string
		var acts []*trait
		series := false
		if next < len(pl.members) && pl.members[next].pos == pos {
			m := pl.members[next]
			next++
			p, series, when, label = &pl.series[m.series], true, m.when, pl.labels[m.series]
			off, acts = p.offence, p.acts
			if m.late {
				off, acts = p.offence2, p.acts2
			}
		} else {
			p = &g.one
			p.fill(r, false)
			// One report in forty borrows a planted offender's place and
			// method but not his looks: a hard negative for linkage.
			if len(pl.series) > 0 && r.IntN(40) == 0 {
				p.twin(r, &pl.series[r.IntN(len(pl.series))])
			}
			d := r.IntN(pl.days + 1)
			h := pickHour(r)
			if r.IntN(2) == 0 {
				h = p.hour + r.NormFloat64()*1.5
			}
			when = opt.Start.AddDate(0, 0, d).Add(time.Duration(h * float64(time.Hour))).Truncate(5 * time.Minute)
			off, acts = p.offence, p.acts
		}
		idb = pl.ids.appendID(idb[:0], r, pos, when)
		g.render(&rep, string(idb), p, series, when, off, acts)
		if err := fn(rep, label); err != nil {
			return err
		}
	}
	return nil
}

// Corpus is a generated corpus held in memory.
type Corpus struct {
	Reports []portal.Report
	Labels  map[string]string // report id -> series label, only for series members
}

// New generates the corpus into memory.
func New(opt Options) (*Corpus, error) {
	c := &Corpus{Labels: make(map[string]string)}
	if n := opt.withDefaults().Reports; n > 0 {
		c.Reports = make([]portal.Report, 0, n)
	}
	err := Generate(opt, func(r portal.Report, label string) error {
		c.Reports = append(c.Reports, r)
		if label != "" {
			c.Labels[r.ID] = label
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Series returns each series label with its report ids in output order.
func (c *Corpus) Series() map[string][]string {
	m := make(map[string][]string)
	for _, r := range c.Reports {
		if l, ok := c.Labels[r.ID]; ok {
			m[l] = append(m[l], r.ID)
		}
	}
	return m
}
