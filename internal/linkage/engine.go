package linkage

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/investigation-portal/portal/internal/portal"
)

// Engine holds every report's profile and the corpus statistics that make
// rare features and terms weigh more. It is safe for concurrent use; Add
// keeps it current as reports arrive.
type Engine struct {
	Lex     *Lexicon
	Weights *Weights

	analyzer analysis.Analyzer

	mu       sync.RWMutex
	profiles map[string]*Profile
	featDF   []int32
	termID   map[string]int32
	termName []string
	termDF   []int32
	termSeen []uint8          // reports analysed with the term, up to 2
	surface  map[int32]string // a term as written, kept once two reports use it
	boiler   map[string]bool  // stems of the lexicon's boilerplate
	n        int
	blk      *blocks // candidate index, built on first use (blocking.go)

	// Cached rarity weights and text norms, valid while statGen == gen
	// (gen counts changes); otherwise they are computed as needed.
	gen, statGen int64
	idfc         []float64
	featIDFc     []float64

	// scored counts pair scorings, so tests can check that nothing
	// compares all pairs.
	scored countingInt
}

// countingInt is atomic: every scored pair counts, from every core.
type countingInt struct{ n atomic.Int64 }

func (c *countingInt) add(k int64) { c.n.Add(k) }
func (c *countingInt) get() int64  { return c.n.Load() }

// NewEngine returns an empty engine with the given vocabulary and weights.
func NewEngine(lx *Lexicon, w *Weights) (*Engine, error) {
	a, err := registry.NewCache().AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		return nil, fmt.Errorf("linkage: analyzer: %w", err)
	}
	e := &Engine{Lex: lx, Weights: w, analyzer: a, profiles: map[string]*Profile{},
		featDF: make([]int32, len(lx.Features)), termID: map[string]int32{},
		surface: map[int32]string{}, boiler: map[string]bool{}}
	for _, b := range lx.Boilerplate {
		for _, t := range a.Analyze([]byte(b)) {
			e.boiler[string(t.Term)] = true
		}
	}
	return e, nil
}

// Load returns an engine with the lexicon and weights from configs (see
// LoadLexicon, LoadWeights).
func Load() (*Engine, error) {
	lx, err := LoadLexicon("")
	if err != nil {
		return nil, err
	}
	w, err := LoadWeights("")
	if err != nil {
		return nil, err
	}
	return NewEngine(lx, w)
}

// PairsScored is how many report pairs the engine has scored so far.
func (e *Engine) PairsScored() int64 { return e.scored.get() }

// Len is the number of reports the engine knows.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.n
}

// Profile returns a report's profile, or nil.
func (e *Engine) Profile(id string) *Profile {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.profiles[id]
}

// IDs returns the ids of every known report (in no particular order).
func (e *Engine) IDs() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]string, 0, len(e.profiles))
	for id := range e.profiles {
		out = append(out, id)
	}
	return out
}

// Analyze extracts a profile without adding it to the engine.
func (e *Engine) Analyze(r *portal.Report) *Profile {
	p := e.Lex.Extract(r)
	p.terms = e.terms(r)
	return p
}

type rawTerm struct {
	s  string
	tf int
}

// terms are the report's analysed words (the index's English analyzer) and
// adjacent word pairs, so that "gold chain" counts for more than "gold".
func (e *Engine) terms(r *portal.Report) []termWeight {
	counts := map[string]int{}
	// written keeps each term's first occurrence as written (byte offsets
	// into the text), so that reasons quote "aftershave", not "aftershav".
	written := map[string][2]int{}
	for k, text := range []string{r.Narrative, r.SuspectDescription} {
		ts := e.analyzer.Analyze([]byte(text))
		prev, prevPos, prevStart := "", -10, 0
		for _, t := range ts {
			s := string(t.Term)
			if len(s) < 2 || isDigits(s) {
				prev = ""
				continue
			}
			counts[s]++
			if _, ok := written[s]; !ok {
				written[s] = [2]int{k<<30 | t.Start, t.End}
			}
			if prev != "" && t.Position-prevPos <= 2 {
				bi := prev + " " + s
				counts[bi]++
				if _, ok := written[bi]; !ok {
					written[bi] = [2]int{k<<30 | prevStart, t.End}
				}
			}
			prev, prevPos, prevStart = s, t.Position, t.Start
		}
	}
	texts := [2]string{r.Narrative, r.SuspectDescription}
	e.mu.Lock()
	out := make([]termWeight, 0, len(counts))
	for s, tf := range counts {
		id, ok := e.termID[s]
		if !ok {
			id = int32(len(e.termName))
			e.termID[s] = id
			e.termName = append(e.termName, s)
			e.termDF = append(e.termDF, 0)
			e.termSeen = append(e.termSeen, 0)
		}
		// Only a term two reports use can be a shared reason: keep the
		// written form from then on (most terms are never shared).
		if e.termSeen[id] < 2 {
			e.termSeen[id]++
			if e.termSeen[id] == 2 {
				if _, ok := e.surface[id]; !ok {
					sp := written[s]
					text := texts[sp[0]>>30]
					e.surface[id] = strings.ToLower(strings.Join(strings.Fields(text[sp[0]&(1<<30-1):sp[1]]), " "))
				}
			}
		}
		out = append(out, termWeight{id: id, w: float32(1 + math.Log(float64(tf)))})
	}
	e.mu.Unlock()
	sortTerms(out)
	return out
}

func sortTerms(ts []termWeight) {
	// insertion sort is too slow for long narratives; use a simple quicksort
	if len(ts) < 2 {
		return
	}
	p := ts[len(ts)/2].id
	i, j := 0, len(ts)-1
	for i <= j {
		for ts[i].id < p {
			i++
		}
		for ts[j].id > p {
			j--
		}
		if i <= j {
			ts[i], ts[j] = ts[j], ts[i]
			i++
			j--
		}
	}
	sortTerms(ts[:j+1])
	sortTerms(ts[i:])
}

// written is a term as a report wrote it (the stem when none is kept).
// The caller holds e.mu.
func (e *Engine) written(id int32) string {
	if s, ok := e.surface[id]; ok {
		return s
	}
	return e.termName[id]
}

// quotable says whether a shared term is worth quoting to an investigator:
// not report-writing boilerplate, not a pair of words across a sentence or
// clause break. The caller holds e.mu.
func (e *Engine) quotable(id int32) bool {
	for _, w := range strings.Fields(e.termName[id]) {
		if e.boiler[w] {
			return false
		}
	}
	return !strings.ContainsAny(e.written(id), ".,;:!?()[]/")
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Add profiles reports and adds them, replacing earlier versions.
func (e *Engine) Add(reports ...portal.Report) {
	ps := make([]*Profile, len(reports))
	for i := range reports {
		ps[i] = e.Analyze(&reports[i])
	}
	e.AddProfiles(ps...)
}

// AddProfiles adds profiles made by Analyze.
func (e *Engine) AddProfiles(ps ...*Profile) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	for _, p := range ps {
		if old, ok := e.profiles[p.ID]; ok {
			e.count(old, -1)
		} else {
			e.n++
		}
		e.profiles[p.ID] = p
		e.count(p, 1)
		if e.blk != nil {
			e.blockAdd(e.blk, p)
		}
	}
}

// Remove forgets a report.
func (e *Engine) Remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	if old, ok := e.profiles[id]; ok {
		e.count(old, -1)
		delete(e.profiles, id)
		e.blockRemove(id)
		e.n--
	}
}

func (e *Engine) count(p *Profile, d int32) {
	for _, f := range p.feats {
		e.featDF[f] += d
	}
	for _, t := range p.terms {
		e.termDF[t.id] += d
	}
}

// featIDF is the rarity weight of a feature: log(N/df), at least 0.
func (e *Engine) featIDF(f int32) float64 {
	if e.statGen == e.gen && e.featIDFc != nil {
		return e.featIDFc[f]
	}
	df := float64(e.featDF[f])
	return math.Max(0, math.Log((float64(e.n)+1)/(df+1)))
}

func (e *Engine) termIDF(t int32) float64 {
	if e.statGen == e.gen && int(t) < len(e.idfc) {
		return e.idfc[t]
	}
	df := float64(e.termDF[t])
	return math.Max(0, math.Log((float64(e.n)+1)/(df+1)))
}

// norm is the length of a profile's IDF-weighted term vector. The caller
// holds e.mu.
func (e *Engine) norm(p *Profile) float64 {
	if p.normGen == e.gen && e.statGen == e.gen {
		return p.norm
	}
	var n float64
	for _, t := range p.terms {
		v := float64(t.w) * e.termIDF(t.id)
		n += v * v
	}
	return math.Sqrt(n)
}

// rlockFresh read-locks the engine with the rarity weights and norms
// cached for the current corpus: scoring a pair then takes no logarithms.
// After a change, the first reader recomputes them (a few milliseconds
// for the terms, a pass over the profiles for the norms).
func (e *Engine) rlockFresh() {
	e.mu.RLock()
	if e.statGen == e.gen {
		return
	}
	e.mu.RUnlock()
	e.mu.Lock()
	if e.statGen != e.gen {
		e.statGen = -1 // compute from the counts, not the stale cache
		idf := make([]float64, len(e.termDF))
		for t := range idf {
			idf[t] = e.termIDF(int32(t))
		}
		fidf := make([]float64, len(e.featDF))
		for f := range fidf {
			fidf[f] = e.featIDF(int32(f))
		}
		e.idfc, e.featIDFc, e.statGen = idf, fidf, e.gen
		for _, p := range e.profiles {
			p.normGen = -1
			p.norm = e.norm(p)
			p.normGen = e.gen
		}
	}
	e.mu.Unlock()
	e.mu.RLock()
}
