package corpus

import "math/rand/v2"

// trait is one behaviour or descriptive feature within a domain, with the
// several ways different officers and victims put it into words. An
// offender profile holds traits; a report renders a subset of them, each
// in one of its phrasings.
type trait struct {
	key   string
	w     float64  // how common it is among offenders: rare traits link, common ones do not
	say   []string // phrasings: predicates after a subject, or noun phrases for descriptions
	short []string // terse forms for the suspect_description field (description domains)
	offs  []string // offences it fits; nil fits any
	locs  []string // location types it fits; nil fits any

	// Targets only: the usual hour, victim age range.
	hour           float64
	ageMin, ageMax int
}

// table is a weighted domain of traits.
type table struct {
	items []trait
	cum   []float64
}

func mk(items []trait) *table {
	t := &table{items: items, cum: make([]float64, len(items))}
	total := 0.0
	for i := range items {
		w := items[i].w
		if w == 0 {
			w = 1
		}
		total += w
		t.cum[i] = total
	}
	return t
}

// pick draws a trait by commonness.
func (t *table) pick(r *rand.Rand) *trait {
	x := r.Float64() * t.cum[len(t.cum)-1]
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if t.cum[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return &t.items[lo]
}

// pickFit draws a trait that fits the offence and location type, giving up
// (nil) after a few tries so that a rare combination cannot loop.
func (t *table) pickFit(r *rand.Rand, off, loc string) *trait {
	for range 12 {
		tr := t.pick(r)
		if tr.fits(off, loc) {
			return tr
		}
	}
	return nil
}

func (tr *trait) fits(off, loc string) bool {
	return in(tr.offs, off) && in(tr.locs, loc)
}

// in reports whether s is in list; an empty list admits anything.
func in(list []string, s string) bool {
	if len(list) == 0 || s == "" {
		return true
	}
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// contains reports whether tr is among ts.
func contains(ts []*trait, tr *trait) bool {
	for _, x := range ts {
		if x == tr {
			return true
		}
	}
	return false
}
