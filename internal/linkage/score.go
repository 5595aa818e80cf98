package linkage

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/investigation-portal/portal/internal/portal"
)

// description groups whose features exclude each other: two reports that
// each name one, but not the same one, disagree about the man.
var clashGroups = [][]string{
	{"description.eth_white", "description.eth_med", "description.eth_black", "description.eth_asian", "description.eth_east_asian", "description.eth_arab", "description.eth_mixed"},
	{"description.build_slim", "description.build_medium", "description.build_heavy", "description.build_athletic"},
	{"description.hair_bald", "description.hair_long", "description.hair_blond", "description.hair_ginger", "description.hair_locs"},
	{"description.beard", "description.clean_shaven", "description.goatee"},
}

// pairSignals are the computed signals of one pair plus what the reasons need.
type pairSignals struct {
	x       []float64
	shared  []int32 // shared features
	text    []sharedTerm
	km      float64 // -1 unknown
	days    float64
	hours   float64
	clashes []string
}

type sharedTerm struct {
	id     int32
	weight float64 // contribution to the cosine
}

func domainSignal(d string) string {
	switch d {
	case "description":
		return sigLooks
	case "marks":
		return sigMarks
	case "clothing":
		return sigClothing
	case "vehicle":
		return sigVehicle
	}
	return sigBehaviour
}

var sigIndex = func() map[string]int {
	m := map[string]int{}
	for i, s := range Signals {
		m[s] = i
	}
	return m
}()

// signals computes a pair's signals with what the reasons need. The
// caller holds e.mu for reading.
func (e *Engine) signals(a, b *Profile) pairSignals { return e.pairSignals(a, b, true) }

// score is a pair's probability, without the reasons' details.
func (e *Engine) score(a, b *Profile) float64 {
	return sigmoid(e.Weights.logit(e.pairSignals(a, b, false).x))
}

func (e *Engine) pairSignals(a, b *Profile, detail bool) pairSignals {
	e.scored.add(1)
	x := make([]float64, len(Signals))
	var ps pairSignals
	// Shared features, by rarity.
	i, j := 0, 0
	for i < len(a.feats) && j < len(b.feats) {
		switch {
		case a.feats[i] < b.feats[j]:
			i++
		case a.feats[i] > b.feats[j]:
			j++
		default:
			f := a.feats[i]
			if detail {
				ps.shared = append(ps.shared, f)
			}
			x[sigIndex[domainSignal(e.Lex.Features[f].Domain)]] += e.featIDF(f) / 5
			i++
			j++
		}
	}
	x[sigIndex[sigFeatureCount]] = math.Log1p(float64(len(a.feats))) + math.Log1p(float64(len(b.feats)))
	for g := range clashGroups {
		var ina, inb, both bool
		for _, f := range a.feats {
			if e.Lex.clash[f] == int8(g) {
				ina = true
				if b.has(f) {
					both = true
				}
			}
		}
		for _, f := range b.feats {
			if e.Lex.clash[f] == int8(g) {
				inb = true
			}
		}
		if ina && inb && !both {
			x[sigIndex[sigLooksClash]]++
			if detail {
				ps.clashes = append(ps.clashes, clashGroups[g][0][strings.IndexByte(clashGroups[g][0], '.')+1:])
			}
		}
	}
	// Text.
	var dot float64
	i, j = 0, 0
	na, nb := e.norm(a), e.norm(b)
	for i < len(a.terms) && j < len(b.terms) {
		switch {
		case a.terms[i].id < b.terms[j].id:
			i++
		case a.terms[i].id > b.terms[j].id:
			j++
		default:
			idf := e.termIDF(a.terms[i].id)
			v := float64(a.terms[i].w) * float64(b.terms[j].w) * idf * idf
			dot += v
			if detail {
				ps.text = append(ps.text, sharedTerm{a.terms[i].id, v})
			}
			i++
			j++
		}
	}
	if na > 0 && nb > 0 {
		n := na * nb
		x[sigIndex[sigText]] = dot / n
		for k := range ps.text {
			ps.text[k].weight /= n
		}
	}
	// Place and time.
	ps.km = -1
	if a.HasLoc && b.HasLoc {
		ps.km = haversine(a.Lat, a.Lon, b.Lat, b.Lon)
		x[sigIndex[sigNear]] = math.Exp(-ps.km / e.Weights.Scales.GeoKm)
		x[sigIndex[sigFar]] = math.Min(ps.km, 30) / 30
	} else {
		x[sigIndex[sigNoLoc]] = 1
	}
	ps.days = math.Abs(a.When.Sub(b.When).Hours()) / 24
	x[sigIndex[sigSoon]] = math.Exp(-ps.days / e.Weights.Scales.Days)
	x[sigIndex[sigLate]] = math.Min(ps.days, 730) / 730
	ps.hours = math.Abs(a.Hour - b.Hour)
	if ps.hours > 12 {
		ps.hours = 24 - ps.hours
	}
	x[sigIndex[sigHour]] = math.Exp(-ps.hours / e.Weights.Scales.Hours)
	if a.LocType != "" && a.LocType == b.LocType {
		x[sigIndex[sigLocType]] = 1
	}
	if a.Offence == b.Offence {
		x[sigIndex[sigOffence]] = 1
	}
	if a.Borough != "" && a.Borough == b.Borough {
		x[sigIndex[sigBorough]] = 1
	}
	if a.Height > 0 && b.Height > 0 {
		d := math.Abs(float64(a.Height - b.Height))
		x[sigIndex[sigHeightDiff]] = math.Min(1, math.Max(0, d-2)/6)
	}
	if a.AgeLo > 0 && b.AgeLo > 0 {
		gap := math.Max(0, math.Max(float64(a.AgeLo-b.AgeHi), float64(b.AgeLo-a.AgeHi)))
		x[sigIndex[sigAgeGap]] = math.Min(1, gap/10)
	}
	if a.VRM != "" && b.VRM != "" {
		if strings.HasPrefix(a.VRM, b.VRM) || strings.HasPrefix(b.VRM, a.VRM) {
			x[sigIndex[sigVRM]] = 1
		} else if len(a.VRM) >= 4 && len(b.VRM) >= 4 {
			x[sigIndex[sigVRMClash]] = 1
		}
	}
	ps.x = x
	return ps
}

func (p *Profile) has(f int32) bool {
	for _, x := range p.feats {
		if x == f {
			return true
		}
	}
	return false
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logit is the weighted sum of a pair's signals.
func (w *Weights) logit(x []float64) float64 {
	z := w.Bias
	for i, v := range x {
		z += w.w[i] * v
	}
	return z
}

// Pair is one scored pair of reports.
type Pair struct {
	A, B    string
	Score   float64 // probability-like, 0..1: larger is more alike
	Reasons []portal.Reason
}

// ScoreIDs scores two known reports, or returns ok=false.
func (e *Engine) ScoreIDs(a, b string) (float64, bool) {
	e.rlockFresh()
	defer e.mu.RUnlock()
	pa, pb := e.profiles[a], e.profiles[b]
	if pa == nil || pb == nil {
		return 0, false
	}
	return e.score(pa, pb), true
}

// Explain scores a pair and says why, strongest reasons first. Texts, when
// given, let the shared words be quoted as written rather than as stems.
func (e *Engine) Explain(a, b *Profile) Pair {
	e.rlockFresh()
	defer e.mu.RUnlock()
	ps := e.signals(a, b)
	return Pair{A: a.ID, B: b.ID, Score: sigmoid(e.Weights.logit(ps.x)), Reasons: e.reasons(a, b, ps)}
}

func (e *Engine) reasons(a, b *Profile, ps pairSignals) []portal.Reason {
	w := e.Weights
	var out []portal.Reason
	add := func(kind, detail string, weight float64) {
		if math.Abs(weight) >= 0.005 {
			out = append(out, portal.Reason{Kind: kind, Detail: detail, Weight: round(weight, 3)})
		}
	}
	// Shared features, one reason each, with the words each report used.
	for _, f := range ps.shared {
		ft := e.Lex.Features[f]
		sig := domainSignal(ft.Domain)
		wa, wb := matchText(a, ft), matchText(b, ft)
		detail := "both: " + ft.Label
		if wa != "" && wb != "" {
			if strings.EqualFold(wa, wb) {
				detail += fmt.Sprintf(" (%q)", wa)
			} else {
				detail += fmt.Sprintf(" (%q / %q)", wa, wb)
			}
		}
		add(kindFor(ft.Domain), detail, w.w[sigIndex[sig]]*e.featIDF(f)/5)
	}
	// Text: the distinctive phrases and words they share.
	if t := ps.x[sigIndex[sigText]]; t > 0 {
		sort.Slice(ps.text, func(i, j int) bool {
			if ps.text[i].weight != ps.text[j].weight {
				return ps.text[i].weight > ps.text[j].weight
			}
			return ps.text[i].id < ps.text[j].id
		})
		var phrases, words []string
		for _, st := range ps.text {
			if !e.quotable(st.id) {
				continue
			}
			s := e.written(st.id)
			if strings.Contains(e.termName[st.id], " ") {
				if len(phrases) < 3 && !coveredBy(s, phrases) {
					phrases = append(phrases, s)
				}
			} else if len(words) < 8 {
				words = append(words, s)
			}
		}
		// Words the quoted phrases already say are not repeated.
		words = slices.DeleteFunc(words, func(s string) bool { return coveredBy(s, phrases) })
		words = words[:min(len(words), 5)]
		detail := fmt.Sprintf("narratives alike (%.0f%% of distinctive wording shared)", 100*t)
		if len(phrases) > 0 {
			detail = "shared distinctive phrase: '" + strings.Join(phrases, "', '") + "'"
			if len(phrases) > 1 {
				detail = "shared distinctive phrases: '" + strings.Join(phrases, "', '") + "'"
			}
			if len(words) > 0 {
				detail += "; words: " + strings.Join(words, ", ")
			}
		} else if len(words) > 0 {
			detail = "shared distinctive words: " + strings.Join(words, ", ")
		}
		add("text", detail, w.w[sigIndex[sigText]]*t)
	}
	if ps.km >= 0 {
		add("distance", fmtKm(ps.km)+" apart", w.w[sigIndex[sigNear]]*ps.x[sigIndex[sigNear]]+w.w[sigIndex[sigFar]]*ps.x[sigIndex[sigFar]])
	} else {
		add("distance", "location of one report not recorded", w.w[sigIndex[sigNoLoc]])
	}
	add("time", fmtDays(ps.days)+" apart", w.w[sigIndex[sigSoon]]*ps.x[sigIndex[sigSoon]]+w.w[sigIndex[sigLate]]*ps.x[sigIndex[sigLate]])
	add("time_of_day", fmt.Sprintf("times of day %s apart (%s and %s)", fmtHours(ps.hours), clock(a.Hour), clock(b.Hour)), w.w[sigIndex[sigHour]]*ps.x[sigIndex[sigHour]])
	if ps.x[sigIndex[sigLocType]] > 0 {
		add("location_type", "both at a "+strings.ReplaceAll(a.LocType, "_", " "), w.w[sigIndex[sigLocType]])
	}
	if ps.x[sigIndex[sigOffence]] > 0 {
		add("offence", "both recorded as "+strings.ReplaceAll(a.Offence, "_", " "), w.w[sigIndex[sigOffence]])
	}
	if ps.x[sigIndex[sigBorough]] > 0 {
		add("borough", "both in "+a.Borough, w.w[sigIndex[sigBorough]])
	}
	if v := ps.x[sigIndex[sigHeightDiff]]; v > 0 {
		add("description", fmt.Sprintf("heights differ: %s and %s", feetInches(a.Height), feetInches(b.Height)), w.w[sigIndex[sigHeightDiff]]*v)
	} else if a.Height > 0 && b.Height > 0 {
		add("description", fmt.Sprintf("similar height: %s and %s", feetInches(a.Height), feetInches(b.Height)), 0.01)
	}
	if v := ps.x[sigIndex[sigAgeGap]]; v > 0 {
		add("description", fmt.Sprintf("ages differ: %d-%d and %d-%d", a.AgeLo, a.AgeHi, b.AgeLo, b.AgeHi), w.w[sigIndex[sigAgeGap]]*v)
	}
	for _, c := range ps.clashes {
		add("description", "descriptions disagree on "+clashName(c), w.w[sigIndex[sigLooksClash]])
	}
	if ps.x[sigIndex[sigVRM]] > 0 {
		add("vehicle", fmt.Sprintf("registrations match: %s and %s", a.VRM, b.VRM), w.w[sigIndex[sigVRM]])
	}
	if ps.x[sigIndex[sigVRMClash]] > 0 {
		add("vehicle", fmt.Sprintf("different registrations: %s and %s", a.VRM, b.VRM), w.w[sigIndex[sigVRMClash]])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	return out
}

func coveredBy(s string, phrases []string) bool {
	for _, p := range phrases {
		for _, w := range strings.Fields(p) {
			if w == s {
				return true
			}
		}
		if strings.Contains(p, s) || strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func kindFor(domain string) string {
	switch domain {
	case "description", "marks", "clothing":
		return "description"
	case "vehicle":
		return "vehicle"
	}
	return "mo:" + domain
}

func clashName(g string) string {
	switch {
	case strings.HasPrefix(g, "eth"):
		return "ethnic appearance"
	case strings.HasPrefix(g, "build"):
		return "build"
	case strings.HasPrefix(g, "hair"):
		return "hair"
	}
	return "facial hair"
}

func matchText(p *Profile, f *Feature) string {
	for _, m := range p.Matches {
		if m.Feature == f {
			return m.Text
		}
	}
	return ""
}

func fmtKm(km float64) string {
	if km < 1 {
		return fmt.Sprintf("%.0f m", math.Round(km*100)*10)
	}
	return fmt.Sprintf("%.1f km", km)
}

func fmtDays(d float64) string {
	switch {
	case d < 1:
		return fmt.Sprintf("%.0f hours", d*24)
	case d < 1.5:
		return "1 day"
	}
	return fmt.Sprintf("%.0f days", d)
}

func fmtHours(h float64) string {
	if h < 1 {
		return fmt.Sprintf("%.0f minutes", h*60)
	}
	return fmt.Sprintf("%.1f hours", h)
}

func clock(h float64) string {
	m := int(math.Round(h * 60))
	return fmt.Sprintf("%02d:%02d", (m/60)%24, m%60)
}

func feetInches(in int) string { return fmt.Sprintf("%d'%d\"", in/12, in%12) }

// Snippet is a piece of text with the matched words in Match.
type Snippet struct{ Before, Match, After string }

// SpanPair shows where two reports say the same thing.
type SpanPair struct {
	Label      string
	This, That Snippet
}

// SharedSpans finds the features two reports share and quotes each
// report's words for them with some context, for a side-by-side view.
func (e *Engine) SharedSpans(a, b *portal.Report) []SpanPair {
	ma, mb := e.Lex.Extract(a).Matches, e.Lex.Extract(b).Matches
	var out []SpanPair
	for _, x := range ma {
		for _, y := range mb {
			if x.Feature == y.Feature {
				out = append(out, SpanPair{Label: x.Feature.Label, This: snippetOf(a, x), That: snippetOf(b, y)})
				break
			}
		}
	}
	return out
}

func snippetOf(r *portal.Report, m Match) Snippet {
	text := r.Narrative
	if m.Field == "suspect_description" {
		text = r.SuspectDescription
	}
	lo, hi := max(0, m.Start-60), min(len(text), m.End+60)
	for lo > 0 && lo < m.Start && text[lo-1] != ' ' {
		lo++
	}
	for hi < len(text) && hi > m.End && text[hi] != ' ' {
		hi--
	}
	s := Snippet{Before: text[lo:m.Start], Match: text[m.Start:m.End], After: text[m.End:hi]}
	if lo > 0 {
		s.Before = "…" + s.Before
	}
	if hi < len(text) {
		s.After += "…"
	}
	return s
}
