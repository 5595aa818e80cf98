package corpus

import (
	"math"
	"math/rand/v2"
)

// profile is one offender: where and when he offends, how, and what he
// looks like. A series is several reports rendered from one profile; a
// one-off report is a profile used once.
type profile struct {
	offence, offence2 string // offence2: what he escalates to, or ""
	home              []int  // boroughs of his home area
	lat, lon, radius  float64
	hour, hourSD      float64
	target            *trait
	locs              []string
	approach          []*trait
	control           []*trait
	acts, acts2       []*trait
	verbal            []*trait
	precaution        []*trait
	escape            *trait
	marks             []*trait
	eth, build, hair  *trait
	facial, accent    *trait
	clothing          []*trait
	age, height       int // years, inches
	hasVeh            bool
	vehColour, vehMod *trait
	vrm               string
	stn, road, bus    string // his habitual station, road and bus route
	faceSeen          float64
	keep              float64 // share of his traits a report repeats
}

var offenceTable = mk([]trait{
	{key: "sexual_assault", w: 34}, {key: "indecent_exposure", w: 20}, {key: "harassment", w: 12},
	{key: "voyeurism", w: 8}, {key: "stalking", w: 6}, {key: "rape", w: 8},
	{key: "attempted_kidnap", w: 3}, {key: "robbery", w: 4}, {key: "other", w: 5},
})

// hourWeights favours evenings and nights for reports with no habit.
var hourCum = func() []float64 {
	w := []float64{7, 6, 5, 4, 2, 1, 1, 2, 4, 3, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 9}
	c := make([]float64, len(w))
	t := 0.0
	for i, x := range w {
		t += x
		c[i] = t
	}
	return c
}()

func pickHour(r *rand.Rand) float64 {
	x := r.Float64() * hourCum[len(hourCum)-1]
	for i, c := range hourCum {
		if x < c {
			return float64(i) + r.Float64()
		}
	}
	return 23.5
}

func pickBorough(r *rand.Rand) int {
	x := r.Float64() * boroughCum[len(boroughCum)-1]
	for i, c := range boroughCum {
		if x < c {
			return i
		}
	}
	return len(boroughs) - 1
}

// fill draws a fresh profile into p, reusing p's slices.
func (p *profile) fill(r *rand.Rand, series bool) {
	home, approach, control, acts, acts2, verbal, prec, mk, cl, locs := p.home[:0], p.approach[:0], p.control[:0], p.acts[:0], p.acts2[:0], p.verbal[:0], p.precaution[:0], p.marks[:0], p.clothing[:0], p.locs[:0]
	*p = profile{home: home, approach: approach, control: control, acts: acts, acts2: acts2, verbal: verbal, precaution: prec, marks: mk, clothing: cl, locs: locs}

	p.offence = offenceTable.pick(r).key
	if series && r.Float64() < 0.25 {
		switch p.offence {
		case "indecent_exposure", "voyeurism", "harassment", "stalking":
			p.offence2 = "sexual_assault"
			if r.Float64() < 0.15 {
				p.offence2 = "attempted_kidnap"
			}
		}
	}

	// Home area: a borough, a centre pulled towards one or two neighbours.
	b := pickBorough(r)
	p.home = append(p.home, b)
	p.lat, p.lon = boroughs[b].lat, boroughs[b].lon
	if n := r.IntN(3); n > 0 {
		for _, nb := range boroughs[b].near[:n] {
			p.home = append(p.home, nb)
			f := 0.15 + 0.3*r.Float64()
			p.lat += (boroughs[nb].lat - boroughs[b].lat) * f / float64(n)
			p.lon += (boroughs[nb].lon - boroughs[b].lon) * f / float64(n)
		}
	}
	p.lat, p.lon = offset(p.lat, p.lon, r.NormFloat64()*0.8, r.NormFloat64()*0.8)
	p.radius = 0.4 + 2.2*r.Float64()
	if series && r.Float64() < 0.1 {
		p.radius = 3 + 3*r.Float64() // a travelling offender: bus or rail corridor
	}
	if !series {
		p.radius = 2.5
	}

	p.target = targets.pickFit(r, p.offence, "")
	if p.target == nil {
		p.target = &targets.items[1]
	}
	p.locs = append(p.locs, p.target.locs...)
	if r.Float64() < 0.7 || !series {
		p.hour = p.target.hour + r.NormFloat64()*1.2
	} else {
		p.hour = pickHour(r)
	}
	p.hourSD = 0.5 + r.Float64()
	loc := p.locs[0]

	for range 1 + r.IntN(2) {
		if t := approaches.pickFit(r, p.offence, loc); t != nil && !contains(p.approach, t) {
			p.approach = append(p.approach, t)
		}
	}
	nc := r.IntN(3)
	if !in(contact, p.offence) {
		nc = r.IntN(2) * r.IntN(2)
	}
	for range nc {
		if t := controls.pickFit(r, p.offence, loc); t != nil && !contains(p.control, t) {
			p.control = append(p.control, t)
		}
	}
	p.acts = pickActs(r, p.acts, p.offence, loc)
	if p.offence2 != "" {
		p.acts2 = pickActs(r, p.acts2, p.offence2, loc)
	}
	for range r.IntN(4) {
		if t := verbals.pickFit(r, p.offence, loc); t != nil && !contains(p.verbal, t) {
			p.verbal = append(p.verbal, t)
		}
	}
	for range r.IntN(3) {
		if t := precautions.pickFit(r, p.offence, loc); t != nil && !contains(p.precaution, t) {
			p.precaution = append(p.precaution, t)
		}
	}
	p.escape = escapes.pickFit(r, "", loc)
	if p.escape == nil {
		p.escape = &escapes.items[4]
	}
	// Distinctive marks: most offenders have none anyone notices.
	nm := 0
	switch x := r.Float64(); {
	case x < 0.45:
	case x < 0.85:
		nm = 1
	default:
		nm = 2
	}
	for range nm {
		if t := marks.pick(r); !contains(p.marks, t) {
			p.marks = append(p.marks, t)
		}
	}
	p.eth, p.build, p.hair, p.facial, p.accent = ethnicities.pick(r), builds.pick(r), hairs.pick(r), facials.pick(r), accents.pick(r)
	for range 1 + r.IntN(3) {
		if t := clothings.pick(r); !contains(p.clothing, t) {
			p.clothing = append(p.clothing, t)
		}
	}
	p.age = 17 + int(math.Abs(r.NormFloat64()*12)) + r.IntN(10)
	if p.age > 70 {
		p.age = 70
	}
	p.height = 64 + r.IntN(11) // 5'4" to 6'2"

	needsCar := p.escape.key == "drove_off" || p.offence == "attempted_kidnap"
	for _, a := range p.approach {
		if a.key == "minicab" || a.key == "kerb_crawl" {
			needsCar = true
		}
	}
	if needsCar || r.Float64() < 0.08 {
		p.hasVeh = true
		p.vehColour, p.vehMod = colours.pick(r), vehicles.pick(r)
		p.vrm = vrm(r)
	}
	b0 := &boroughs[b]
	p.stn, p.road, p.bus = oneOf(r, b0.stations), oneOf(r, roads), oneOf(r, busRoutes)
	p.faceSeen = 0.3 + 0.6*r.Float64()
	p.keep = 0.5 + 0.3*r.Float64()
}

func pickActs(r *rand.Rand, dst []*trait, off, loc string) []*trait {
	t := acts[off]
	for range 1 + r.IntN(2) {
		if a := t.pickFit(r, "", loc); a != nil && !contains(dst, a) {
			dst = append(dst, a)
		}
	}
	if len(dst) == 0 {
		dst = append(dst, &t.items[0])
	}
	return dst
}

// twin gives p the same method, place and habits as q but a different man:
// the hard case of two offenders with a similar MO in one borough.
func (p *profile) twin(r *rand.Rand, q *profile) {
	p.offence, p.offence2 = q.offence, ""
	p.home = append(p.home[:0], q.home...)
	p.lat, p.lon = offset(q.lat, q.lon, r.NormFloat64()*0.6, r.NormFloat64()*0.6)
	p.target, p.hour = q.target, q.hour+r.NormFloat64()*0.5
	p.locs = append(p.locs[:0], q.locs...)
	p.approach = append(p.approach[:0], q.approach...)
	p.acts = append(p.acts[:0], q.acts...)
	p.stn = q.stn
}

const vrmLetters = "ABCDEFGHJKLMNOPRSTUVWXY"

// vrm returns a current-style UK registration such as "LK19 XRT".
func vrm(r *rand.Rand) string {
	area := []string{"L", "Y", "E", "B", "K", "N", "R", "S", "W", "G"}
	b := []byte(oneOf(r, area))
	b = append(b, vrmLetters[r.IntN(len(vrmLetters))])
	yr := []int{15, 65, 16, 66, 17, 67, 18, 68, 19, 69, 20, 70, 21, 71, 22, 72, 23, 73}
	y := oneOf(r, yr)
	b = append(b, byte('0'+y/10), byte('0'+y%10), ' ')
	for range 3 {
		b = append(b, vrmLetters[r.IntN(len(vrmLetters))])
	}
	return string(b)
}
