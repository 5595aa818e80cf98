package linkage

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// Profile is what the linkage knows of one report: its MO features, the
// suspect's measurable description and the report's place and time.
type Profile struct {
	ID         string
	Matches    []Match
	feats      []int32 // feature indexes into Lexicon.Features, sorted, unique
	HasLoc     bool
	Lat, Lon   float64
	When       time.Time
	Hour       float64 // hour of day, 0-24
	Offence    string
	LocType    string
	Borough    string
	Unit       string
	Restricted bool
	Height     int    // inches, 0 unknown
	AgeLo      int    // suspect age range, 0 unknown
	AgeHi      int    //
	VRM        string // partial or full registration, upper case without spaces
	terms      []termWeight
	norm       float64 // of the IDF-weighted terms, when normGen is the engine's gen
	normGen    int64
}

type termWeight struct {
	id int32
	w  float32 // raw (1+log tf), IDF applied at scoring time
}

// Extract builds a report's profile: MO features from the narrative and
// suspect description, and the structured description.
func (lx *Lexicon) Extract(r *portal.Report) *Profile {
	p := &Profile{ID: r.ID, When: r.OccurredAt, Offence: r.Offence, LocType: r.LocationType,
		Borough: r.Borough, Unit: r.Unit, Restricted: r.Restricted}
	if r.OccurredTo != nil && r.OccurredTo.After(r.OccurredAt) && r.OccurredTo.Sub(r.OccurredAt) < 48*time.Hour {
		p.When = r.OccurredAt.Add(r.OccurredTo.Sub(r.OccurredAt) / 2)
	}
	u := r.OccurredAt.UTC()
	p.Hour = float64(u.Hour()) + float64(u.Minute())/60
	if r.HasLocation() {
		p.HasLoc, p.Lat, p.Lon = true, *r.Lat, *r.Lon
	}
	p.Matches = append(lx.Find("narrative", r.Narrative), lx.Find("suspect_description", r.SuspectDescription)...)
	idx := make(map[*Feature]int32, len(lx.Features))
	for i, f := range lx.Features {
		idx[f] = int32(i)
	}
	seen := map[int32]bool{}
	for _, m := range p.Matches {
		i := idx[m.Feature]
		if !seen[i] {
			seen[i] = true
			p.feats = append(p.feats, i)
		}
	}
	sortInt32(p.feats)
	desc := r.SuspectDescription
	narr, _ := normalize(r.Narrative)
	dnorm, _ := normalize(desc)
	p.Height = height(dnorm)
	if p.Height == 0 {
		p.Height = height(narr)
	}
	p.AgeLo, p.AgeHi = ageRange(dnorm)
	if p.AgeLo == 0 {
		p.AgeLo, p.AgeHi = ageRange(suspectSentences(narr))
	}
	p.VRM = vrmOf(narr)
	return p
}

// Features returns the keys of the profile's features.
func (p *Profile) Features(lx *Lexicon) []string {
	out := make([]string, len(p.feats))
	for i, f := range p.feats {
		out[i] = lx.Features[f].Key
	}
	return out
}

func sortInt32(xs []int32) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

var (
	feetRE = regexp.MustCompile(`\b([4-7])\s*(?:'|ft|foot|feet|f)\s*(?:(1[01]|[0-9])\s*(?:"|''|in|ins|inch|inches)?)?`)
	cmRE   = regexp.MustCompile(`\b(1[4-9][0-9]|20[0-9])\s*cm\b`)
)

// height finds a stated height in inches.
func height(s string) int {
	if m := feetRE.FindStringSubmatch(s); m != nil {
		ft, _ := strconv.Atoi(m[1])
		in := 0
		if m[2] != "" {
			in, _ = strconv.Atoi(m[2])
		}
		if h := ft*12 + in; h >= 54 && h <= 84 {
			return h
		}
	}
	if m := cmRE.FindStringSubmatch(s); m != nil {
		cm, _ := strconv.Atoi(m[1])
		return int(math.Round(float64(cm) / 2.54))
	}
	return 0
}

var (
	ageRangeRE  = regexp.MustCompile(`\b([1-7][0-9])\s*(?:-|to)\s*([1-7][0-9])\s*(?:yrs|years|yo|y/o|year)?`)
	ageDecadeRE = regexp.MustCompile(`\b(?:(early|mid|late)[- ]?)?([2-7]0)'?s\b`)
	ageTeensRE  = regexp.MustCompile(`\b(?:(early|mid|late)[- ]?)?teens\b`)
	ageOneRE    = regexp.MustCompile(`\b(?:aged?|approx\.?|about|around)?\s*([1-7][0-9])\s*(?:yrs|years old|year old|y/o|yo)\b`)
)

// ageRange finds the suspect's stated age as a range of years.
func ageRange(s string) (int, int) {
	if s == "" {
		return 0, 0
	}
	if m := ageRangeRE.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a <= b && b-a <= 20 {
			return a, b
		}
	}
	if m := ageDecadeRE.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "early":
			return d, d + 4
		case "mid":
			return d + 3, d + 7
		case "late":
			return d + 6, d + 9
		}
		return d, d + 9
	}
	if m := ageTeensRE.FindStringSubmatch(s); m != nil {
		switch m[1] {
		case "late":
			return 17, 19
		case "early":
			return 13, 15
		}
		return 13, 19
	}
	if m := ageOneRE.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		return a - 2, a + 2
	}
	return 0, 0
}

// suspectSentences keeps the sentences of a narrative that describe the
// suspect, not the victim, so that "a 30 y/o female" is not his age.
func suspectSentences(norm string) string {
	var b strings.Builder
	for _, s := range strings.Split(norm, ". ") {
		if strings.Contains(s, "female") || strings.Contains(s, "woman") || strings.Contains(s, "victim") || strings.Contains(s, "girl") || strings.Contains(s, " she ") || strings.HasPrefix(s, "she ") {
			continue
		}
		if strings.Contains(s, "desc") || strings.Contains(s, "susp") || strings.Contains(s, "male") || strings.Contains(s, "he was") || strings.Contains(s, " man") || strings.Contains(s, "aged") {
			b.WriteString(s)
			b.WriteString(". ")
		}
	}
	return b.String()
}

var (
	vrmRE     = regexp.MustCompile(`\b(?:vrm|reg|registration|index|plate|number plate|partial)\b[^.]{0,40}?\b([a-z]{2}[0-9]{2})(?:\s?([a-z]{3}))?\b`)
	vrmHeadRE = regexp.MustCompile(`\b(?:vrm|reg|registration|plate)\b[^.]{0,25}?(?:start(?:ing|s|ed)?|begin(?:ning|s)?|with|was|of|')\s*'?([a-z]{1,2}[0-9]{0,2})'?\s*(?:something|\.|,|$|and)`)
)

// vrmOf finds a full or partial vehicle registration.
func vrmOf(norm string) string {
	if m := vrmRE.FindStringSubmatch(norm); m != nil {
		return strings.ToUpper(m[1] + m[2])
	}
	if m := vrmHeadRE.FindStringSubmatch(norm); m != nil && len(m[1]) >= 2 {
		return strings.ToUpper(m[1])
	}
	return ""
}
