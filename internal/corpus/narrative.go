package corpus

import (
	"strconv"
	"time"
)

// Verbal themes said at the end of an incident rather than during it.
var lateVerbal = map[string]bool{"apologised": true, "see_again": true, "dont_tell": true, "thanked": true, "knew_lived": true}

// Approaches in which he speaks to her: no "he said nothing" after these.
var talking = map[string]bool{
	"directions": true, "started_talking": true, "minicab": true, "lighter_time": true, "offered_drink": true,
	"posed_police": true, "asked_help": true, "help_shopping": true, "fake_delivery": true, "date_app_meet": true,
}

// Marks a victim only sees if she sees his face.
var faceMark = map[string]bool{
	"spiderweb_tattoo": true, "gold_tooth": true, "eyebrow_scar": true, "glasses": true, "teardrop": true,
	"missing_tooth": true, "birthmark": true, "eyebrow_piercing": true, "squint": true, "braces": true, "earring": true,
}

// narrative writes the account: opening, approach, what was said and done,
// escape, description, vehicle, negations and the admin lines.
func (g *gen) narrative(acts []*trait, delay time.Duration) {
	r, p, st := g.r, g.p, g.st
	keep := p.keep
	var sel [8]*trait

	g.sentence()
	g.put(oneOf(r, st.openers))
	if h := g.when.Hour(); st.verbose && (h >= 19 || h < 6) && r.Float64() < 0.5 {
		g.sentence()
		g.put(oneOf(r, []string{"It was dark at the time.", "The area was quiet.", "There were other people around but nobody intervened.", "She was on her own.", "She was on the phone to a friend at the time."}))
	}

	appr := subset(r, sel[:0], p.approach, keep)
	spoke := g.offence == "harassment"
	for _, a := range appr {
		spoke = spoke || talking[a.key]
	}
	g.clause(appr, false)
	var early, late []*trait
	for _, v := range p.verbal {
		if r.Float64() < keep {
			if lateVerbal[v.key] {
				late = append(late, v)
			} else {
				early = append(early, v)
			}
		}
	}
	g.clause(early, true)
	ctrl := subset(r, sel[:0], p.control, keep)
	g.clause(ctrl, true)
	var injury []string
	for _, c := range ctrl {
		if inj, ok := injuryByKey[c.key]; ok && r.Float64() < 0.6 {
			injury = inj
		}
	}
	var as [4]*trait
	a := subset(r, as[:0], acts, keep+0.15)
	if len(a) == 0 {
		a = append(a, acts[r.IntN(len(acts))])
	}
	g.clause(a, true)
	g.clause(subset(r, sel[:0], p.precaution, keep), false)
	g.clause(late, true)
	if r.Float64() < keep+0.1 {
		g.clause([]*trait{p.escape}, true)
		// "IP did not see a vehicle" would contradict "drove off".
		g.vehSaid = g.vehSaid || p.escape.key == "drove_off"
	}
	if injury != nil {
		g.sentence()
		g.put(oneOf(r, injury))
	}

	g.describe(keep)
	g.vehicle(keep)
	g.negations(len(ctrl) > 0, spoke || len(early)+len(late) > 0, injury != nil)
	g.admin(delay)
	g.finish()
}

// subset keeps each trait with probability keep: imperfect repetition.
func subset(r interface{ Float64() float64 }, dst, ts []*trait, keep float64) []*trait {
	for _, t := range ts {
		if r.Float64() < keep {
			dst = append(dst, t)
		}
	}
	return dst
}

// describe writes the suspect's description into the narrative and, in
// short form, into the suspect_description field.
func (g *gen) describe(keep float64) {
	r, p, st := g.r, g.p, g.st
	face := r.Float64() < p.faceSeen
	if !face && r.Float64() < 0.8 {
		g.sentence()
		g.put(oneOf(r, negFace))
	}
	var items [12]string
	var shorts [12]string
	n := 0
	add := func(long, short string) {
		if n < len(items) {
			items[n], shorts[n] = long, short
			n++
		}
	}
	if face && r.Float64() < keep+0.2 {
		add(oneOf(r, p.eth.say), oneOf(r, p.eth.short)+" male")
	} else if r.Float64() < 0.5 {
		add("male", "male")
	}
	if face && r.Float64() < keep+0.1 {
		add(g.ageText(), g.ageShort())
	}
	if r.Float64() < keep {
		h := g.heightText()
		add(h, h)
	}
	if r.Float64() < keep {
		add(oneOf(r, p.build.say), oneOf(r, p.build.short))
	}
	if face && r.Float64() < keep {
		add("with "+oneOf(r, p.hair.say), oneOf(r, p.hair.short))
	}
	if face && r.Float64() < keep-0.1 {
		add(oneOf(r, p.facial.say), oneOf(r, p.facial.short))
	}
	nd := n
	for _, c := range p.clothing {
		if r.Float64() < keep-0.1 {
			add(oneOf(r, c.say), oneOf(r, c.short))
		}
	}
	if n == 0 {
		if r.Float64() < 0.6 {
			g.sentence()
			g.put(oneOf(r, negDesc))
		}
	} else {
		g.sentence()
		g.put(oneOf(r, st.descIntro))
		if st.terse {
			for i := range n {
				if i > 0 {
					g.b = append(g.b, ", "...)
				}
				g.put(shorts[i])
			}
			g.stop()
		} else {
			for i := range nd {
				if i > 0 {
					if i == nd-1 {
						g.b = append(g.b, " and "...)
					} else {
						g.b = append(g.b, ", "...)
					}
				}
				g.put(items[i])
			}
			if nd == 0 {
				g.b = append(g.b, "male"...)
			}
			g.stop()
			if n > nd {
				g.sentence()
				g.put(oneOf(r, []string{"He was wearing ", "He wore ", "Clothing: ", "He had on "}))
				for i := nd; i < n; i++ {
					if i > nd {
						if i == n-1 {
							g.b = append(g.b, " and "...)
						} else {
							g.b = append(g.b, ", "...)
						}
					}
					g.put(items[i])
				}
				g.stop()
			}
		}
		for i := range n {
			if i > 0 {
				g.d = append(g.d, ", "...)
			}
			g.d = append(g.d, shorts[i]...)
		}
	}
	// Voice and marks: what a victim remembers most.
	if r.Float64() < keep-0.2 {
		g.sentence()
		g.put(g.suspect())
		g.b = append(g.b, ' ')
		g.put(oneOf(r, p.accent.say))
		g.stop()
		g.d = appendList(g.d, oneOf(r, p.accent.short))
	}
	for _, m := range p.marks {
		if faceMark[m.key] && !face {
			continue
		}
		if r.Float64() < keep+0.1 {
			g.sentence()
			if r.Float64() < 0.4 {
				g.put(oneOf(r, []string{"IP noticed that ", "IP remembers that ", "She noticed that ", "Of note, "}))
				g.put(oneOf(r, st.suspNext))
			} else {
				g.put(g.suspect())
			}
			g.b = append(g.b, ' ')
			g.put(oneOf(r, m.say))
			g.stop()
			g.d = appendList(g.d, oneOf(r, m.short))
		}
	}
}

func appendList(b []byte, s string) []byte {
	if len(b) > 0 {
		b = append(b, ", "...)
	}
	return append(b, s...)
}

// ageText is the victim's estimate of his age, often a few years out.
func (g *gen) ageText() string {
	a := g.p.age + g.r.IntN(9) - 4
	if a < 16 {
		a = 16
	}
	dec := a / 10 * 10
	switch g.r.IntN(5) {
	case 0:
		return "approx " + strconv.Itoa(a-3) + "-" + strconv.Itoa(a+3) + " years old"
	case 1:
		return "in his " + strconv.Itoa(dec) + "s"
	case 2:
		return []string{"early ", "mid ", "late "}[min((a%10)/4, 2)] + strconv.Itoa(dec) + "s"
	case 3:
		return "aged about " + strconv.Itoa(a)
	}
	return "aged " + strconv.Itoa(a-5) + " to " + strconv.Itoa(a+5)
}

func (g *gen) ageShort() string {
	a := g.p.age + g.r.IntN(7) - 3
	if a < 16 {
		a = 16
	}
	if g.r.IntN(2) == 0 {
		return strconv.Itoa(a-3) + "-" + strconv.Itoa(a+3) + "yrs"
	}
	return strconv.Itoa(a/10*10) + "s"
}

// heightText is his height as the victim judged it, up to 3" out.
func (g *gen) heightText() string {
	h := g.p.height + []int{0, 0, 0, 1, -1, 2, -2, 3, -3}[g.r.IntN(9)]
	ft, in := h/12, h%12
	switch g.r.IntN(7) {
	case 0, 1:
		return strconv.Itoa(ft) + "'" + strconv.Itoa(in)
	case 2:
		return strconv.Itoa(ft) + "ft" + strconv.Itoa(in)
	case 3:
		return "approx " + strconv.Itoa(int(float64(h)*2.54+0.5)) + "cm"
	case 4:
		if h >= 71 {
			return "about 6ft tall"
		}
		if h <= 66 {
			return "short, about " + strconv.Itoa(ft) + "'" + strconv.Itoa(in)
		}
		return "average height"
	case 5:
		return "approx " + strconv.Itoa(ft) + "ft " + strconv.Itoa(in) + "in"
	}
	return strconv.Itoa(ft) + "'" + strconv.Itoa(in) + " tall"
}

func (g *gen) vehicle(keep float64) {
	r, p := g.r, g.p
	if !p.hasVeh || r.Float64() > keep+0.15 {
		return
	}
	g.vehSaid = true
	g.sentence()
	col, mod := oneOf(r, p.vehColour.say), oneOf(r, p.vehMod.say)
	switch r.IntN(5) {
	case 0:
		g.put(g.suspect())
		g.put(" was driving a " + col + " " + mod)
	case 1:
		g.put("The vehicle is described as a " + col + " " + mod)
	case 2:
		g.put("IP believes the car was a " + col + " " + mod)
	case 3:
		g.put("Vehicle: " + col + " " + mod)
	default:
		g.put("He was in a " + col + " " + mod)
	}
	// Partial registrations, as much as she caught, sometimes a letter out.
	v := p.vrm
	switch r.IntN(7) {
	case 0:
		g.put(", partial VRM " + v[:4])
	case 1:
		g.put(", VRM possibly beginning " + v[:2])
	case 2:
		g.put(", registration ending " + v[5:])
	case 3:
		g.put(", partial reg '" + v[:2] + "' something")
	case 4:
		b := []byte(v[:4])
		b[1] = vrmLetters[r.IntN(len(vrmLetters))]
		g.put(", partial VRM " + string(b))
	default:
		g.put(". IP did not get the registration")
	}
	g.stop()
}

func (g *gen) negations(control, spoke, injured bool) {
	r := g.r
	contactOff := in(contact, g.offence)
	if !control && r.Float64() < 0.35 {
		g.sentence()
		if !contactOff && r.Float64() < 0.5 {
			g.put(oneOf(r, negForce))
		} else {
			g.put(oneOf(r, negWeapon))
		}
	}
	if !g.vehSaid && r.Float64() < 0.25 {
		g.sentence()
		g.put(oneOf(r, negVehicle))
	}
	if !spoke && r.Float64() < 0.2 {
		g.sentence()
		g.put(oneOf(r, negSpoke))
	}
	if !injured && r.Float64() < 0.3 {
		g.sentence()
		g.put(oneOf(r, negInjury))
	}
	if r.Float64() < 0.2 {
		g.sentence()
		g.put(oneOf(r, negWitness))
	}
}

func (g *gen) admin(delay time.Duration) {
	r, st := g.r, g.st
	if st.verbose || r.Float64() < 0.3 {
		g.b = append(g.b, "\n\n"...)
	}
	if st.verbose {
		g.sentence()
		g.put(oneOf(r, adminVerboseLead))
	}
	if delay > 72*time.Hour {
		g.sentence()
		g.put(oneOf(r, adminDelay))
	}
	n := st.admin[0] + r.IntN(st.admin[1]-st.admin[0]+1)
	var used [8]int
	nu := 0
	for range n {
		pool := adminCommon
		switch x := r.IntN(4); {
		case x == 0 && (g.offence == "rape" || g.offence == "sexual_assault"):
			pool = adminSexual
		case x == 1 && (g.loc == "train" || g.loc == "station" || g.loc == "bus"):
			pool = adminTransport
		case x == 2 && g.vehSaid:
			pool = adminVehicle
		}
		i := r.IntN(len(pool))
		key := i + 1000*len(pool)
		dup := false
		for _, u := range used[:nu] {
			dup = dup || u == key
		}
		if dup {
			continue
		}
		used[nu] = key
		nu++
		g.sentence()
		g.put(pool[i])
	}
}

// finish applies an officer's habits to the whole text: abbreviations,
// capitals, and the odd typo.
func (g *gen) finish() {
	r := g.r
	if g.st.terse && r.Float64() < 0.7 {
		g.abbreviate()
		if r.Float64() < 0.08 {
			for i, c := range g.b {
				if c >= 'a' && c <= 'z' {
					g.b[i] = c - ('a' - 'A')
				}
			}
		}
	}
	if r.Float64() < 0.3 {
		for range 1 + r.IntN(3) {
			g.typo()
		}
	}
	// Short accounts get the admin lines a short account usually has.
	for len(g.b) < 300 {
		g.sentence()
		g.put(oneOf(r, adminCommon))
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (g *gen) abbreviate() {
	out := make([]byte, 0, len(g.b))
	b := g.b
	for i := 0; i < len(b); {
		if !isLetter(b[i]) {
			out = append(out, b[i])
			i++
			continue
		}
		j := i
		for j < len(b) && isLetter(b[j]) {
			j++
		}
		if a, ok := abbreviations[string(b[i:j])]; ok && g.r.IntN(4) != 0 {
			out = append(out, a...)
		} else {
			out = append(out, b[i:j]...)
		}
		i = j
	}
	g.b = append(g.b[:0], out...)
}

// typo swaps, drops or doubles a letter inside a word of five or more.
func (g *gen) typo() {
	b := g.b
	for range 8 {
		i := g.r.IntN(len(b))
		for i > 0 && isLetter(b[i-1]) {
			i--
		}
		j := i
		for j < len(b) && isLetter(b[j]) {
			j++
		}
		if j-i < 5 {
			continue
		}
		k := i + 1 + g.r.IntN(j-i-2)
		switch g.r.IntN(3) {
		case 0:
			b[k], b[k+1] = b[k+1], b[k]
		case 1:
			g.b = append(b[:k], b[k+1:]...)
		default:
			g.b = append(b[:k+1], b[k:]...)
		}
		return
	}
}
