package linkage

import (
	"container/heap"
	"math"
	"sort"
	"sync"

	"github.com/investigation-portal/portal/index"
)

// blocks is the engine's in-memory candidate index: inverted lists over
// every report's terms and MO features, and place × time blocks, built
// once from the profiles the engine holds and kept current by
// AddProfiles. A report's candidates are the reports with the highest
// cheap score summed over those lists — an estimate of the pair score
// from the distinctive terms, the rarer features and closeness in place
// and time — so that only the best MaxCandidates are scored in full.
// Scoring with Bleve's disjunction searchers cost ~11 ms a report; these
// lists cost well under one.
type blocks struct {
	slots  []*Profile // slot -> profile; nil once removed or replaced
	slotOf map[string]int32
	norm   []float32  // per slot: text vector norm (IDF when added)
	nfeat  []float32  // per slot: log1p(feature count)
	attr   []slotAttr // per slot: what the cheap score and the viewer check read
	codes  map[string]uint16
	terms  [][]posting // term id -> reports using it
	feats  [][]int32   // feature id -> slots
	cells  map[cellKey][]cellEntry
	pool   sync.Pool // *scratch
}

// slotAttr keeps the fields read for every report a query reaches next to
// each other, so that the final pass does not chase profile pointers.
type slotAttr struct {
	offence, locType, borough, unit uint16
	restricted, dead                bool
}

// code numbers a string value (offence, place type, borough, unit); 0 is
// the empty string.
func (b *blocks) code(s string) uint16 {
	if s == "" {
		return 0
	}
	c, ok := b.codes[s]
	if !ok {
		c = uint16(len(b.codes) + 1)
		b.codes[s] = c
	}
	return c
}

// cellEntry is a report in a place × time block, with what the block's
// nearness and recency terms need, inline: reading it through the profile
// pointer cost most of a query at 100,000 reports.
type cellEntry struct {
	slot     int32
	hasLoc   bool
	lat, lon float32
	hour     float32
	days     float32 // since the Unix epoch
}

type posting struct {
	slot int32
	w    float32 // 1+log tf
}

// cellKey is a place × time block: a grid cell of about RadiusKm a side
// (or a borough, for reports without coordinates) and a window of
// WindowDays.
type cellKey struct {
	x, y, t int32
	borough string
}

// scratch is one query's accumulators, dense over slots.
type scratch struct {
	dot     []float32
	extra   []float32
	mark    []uint32
	epoch   uint32
	touched []int32
}

// ensureBlocks builds the candidate index on first use. The caller holds
// no lock.
func (e *Engine) ensureBlocks() {
	e.mu.RLock()
	ok := e.blk != nil
	e.mu.RUnlock()
	if ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.blk != nil {
		return
	}
	b := &blocks{slotOf: make(map[string]int32, len(e.profiles)), terms: make([][]posting, len(e.termName)),
		feats: make([][]int32, len(e.Lex.Features)), cells: map[cellKey][]cellEntry{}, codes: map[string]uint16{}}
	// Size the term lists first: one allocation each.
	for t, df := range e.termDF {
		if df > 1 {
			b.terms[t] = make([]posting, 0, df)
		}
	}
	ids := make([]string, 0, len(e.profiles))
	for id := range e.profiles {
		ids = append(ids, id)
	}
	sort.Strings(ids) // slots in id order: ties break the same way every run
	for _, id := range ids {
		e.blockAdd(b, e.profiles[id])
	}
	e.blk = b
}

// blockAdd adds p to the candidate index. The caller holds e.mu for writing.
func (e *Engine) blockAdd(b *blocks, p *Profile) {
	if old, ok := b.slotOf[p.ID]; ok {
		b.slots[old] = nil
		b.attr[old].dead = true
	}
	s := int32(len(b.slots))
	b.slots = append(b.slots, p)
	b.slotOf[p.ID] = s
	var na float64
	for _, t := range p.terms {
		v := float64(t.w) * e.termIDF(t.id)
		na += v * v
		if int(t.id) >= len(b.terms) {
			b.terms = append(b.terms, make([][]posting, int(t.id)+1-len(b.terms))...)
		}
		b.terms[t.id] = append(b.terms[t.id], posting{s, t.w})
	}
	b.norm = append(b.norm, float32(math.Sqrt(na)))
	b.nfeat = append(b.nfeat, float32(math.Log1p(float64(len(p.feats)))))
	b.attr = append(b.attr, slotAttr{offence: b.code(p.Offence), locType: b.code(p.LocType), borough: b.code(p.Borough),
		unit: b.code(p.Unit), restricted: p.Restricted})
	for _, f := range p.feats {
		b.feats[f] = append(b.feats[f], s)
	}
	if k, ok := e.cellOf(p); ok {
		b.cells[k] = append(b.cells[k], cellEntry{slot: s, hasLoc: p.HasLoc, lat: float32(p.Lat), lon: float32(p.Lon),
			hour: float32(p.Hour), days: float32(float64(p.When.Unix()) / 86400)})
	}
}

func (e *Engine) blockRemove(id string) {
	if e.blk == nil {
		return
	}
	if s, ok := e.blk.slotOf[id]; ok {
		e.blk.slots[s] = nil
		e.blk.attr[s].dead = true
		delete(e.blk.slotOf, id)
	}
}

const kmPerDegLat = 110.57

func (e *Engine) cellOf(p *Profile) (cellKey, bool) {
	cw := e.Weights.Candidates
	t := int32(math.Floor(float64(p.When.Unix()) / (float64(cw.WindowDays) * 86400)))
	if p.HasLoc {
		size := math.Max(cw.RadiusKm, 0.5)
		// A fixed longitude scale (London's latitude) keeps cells the same
		// for every report; the grid only has to be roughly square.
		return cellKey{x: int32(math.Floor(p.Lon * 69.4 / size)), y: int32(math.Floor(p.Lat * kmPerDegLat / size)), t: t}, true
	}
	if p.Borough != "" {
		return cellKey{borough: p.Borough, t: t}, true
	}
	return cellKey{}, false
}

func (b *blocks) scratch() *scratch {
	sc, _ := b.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if n := len(b.slots); len(sc.dot) < n {
		n += n / 8
		sc.dot = make([]float32, n)
		sc.extra = make([]float32, n)
		sc.mark = make([]uint32, n)
		sc.epoch = 0
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.mark)
		sc.epoch = 1
	}
	sc.touched = sc.touched[:0]
	return sc
}

func (sc *scratch) touch(s int32) {
	if sc.mark[s] != sc.epoch {
		sc.mark[s] = sc.epoch
		sc.dot[s], sc.extra[s] = 0, 0
		sc.touched = append(sc.touched, s)
	}
}

type termPick struct {
	id int32
	q  float64 // weight in the query: w · idf²
}

// blockCandidates returns up to k ids the viewer may see, best cheap score
// first, never p itself. The caller holds e.mu for reading.
func (e *Engine) blockCandidates(p *Profile, v index.Viewer, k int) []string {
	b := e.blk
	cw := e.Weights.Candidates
	w := e.Weights.w
	sc := b.scratch()
	defer b.pool.Put(sc)

	// Text: the report's most distinctive terms, each adding its share of
	// the dot product to every report that uses it.
	maxDF := int32(float64(e.n)*cw.maxDFShare()) + 1
	var picks []termPick
	var na float64
	for _, t := range p.terms {
		idf := e.termIDF(t.id)
		v := float64(t.w) * idf
		na += v * v
		if df := e.termDF[t.id]; df >= 2 && df <= maxDF && int(t.id) < len(b.terms) {
			picks = append(picks, termPick{t.id, v * idf})
		}
	}
	sort.Slice(picks, func(i, j int) bool {
		if picks[i].q != picks[j].q {
			return picks[i].q > picks[j].q
		}
		return picks[i].id < picks[j].id
	})
	if len(picks) > cw.blockTerms() {
		picks = picks[:cw.blockTerms()]
	}
	// Rare terms and features bring reports in; common ones only add to
	// the score of reports something rarer brought in (reaching every
	// report that says "bus" would cost more than scoring them).
	touchDF := int32(float64(e.n)*cw.touchShare()) + 1
	for _, t := range picks {
		q := float32(t.q)
		if int32(len(b.terms[t.id])) <= touchDF {
			for _, ps := range b.terms[t.id] {
				sc.touch(ps.slot)
				sc.dot[ps.slot] += q * ps.w
			}
			continue
		}
		for _, ps := range b.terms[t.id] {
			if sc.mark[ps.slot] == sc.epoch {
				sc.dot[ps.slot] += q * ps.w
			}
		}
	}
	// Features, by rarity, as the score weighs them.
	maxFeatDF := int32(float64(e.n)*cw.maxFeatShare()) + 1
	var common []int32
	for _, f := range p.feats {
		if e.featDF[f] < 2 || e.featDF[f] > maxFeatDF {
			continue
		}
		if int32(len(b.feats[f])) > touchDF {
			common = append(common, f)
			continue
		}
		add := float32(w[sigIndex[domainSignal(e.Lex.Features[f].Domain)]] * e.featIDF(f) / 5)
		for _, s := range b.feats[f] {
			sc.touch(s)
			sc.extra[s] += add
		}
	}
	// Place and time: the reports in the neighbouring blocks, with the
	// score's own nearness and recency terms.
	if key, ok := e.cellOf(p); ok {
		wNear, wSoon, wHour := float32(w[sigIndex[sigNear]]), float32(w[sigIndex[sigSoon]]), float32(w[sigIndex[sigHour]])
		cosLat := float32(math.Cos(p.Lat*math.Pi/180) * 111.32)
		pLat, pLon, pHour := float32(p.Lat), float32(p.Lon), float32(p.Hour)
		pDays := float32(float64(p.When.Unix()) / 86400)
		invGeo, invDays, invHours := float32(1/e.Weights.Scales.GeoKm), float32(1/e.Weights.Scales.Days), float32(1/e.Weights.Scales.Hours)
		for dx := int32(-1); dx <= 1; dx++ {
			for dy := int32(-1); dy <= 1; dy++ {
				if key.borough != "" && (dx != 0 || dy != 0) {
					continue
				}
				for dt := int32(-1); dt <= 1; dt++ {
					nk := cellKey{x: key.x + dx, y: key.y + dy, t: key.t + dt, borough: key.borough}
					for _, c := range b.cells[nk] {
						// Removed reports are dropped in the final pass.
						var add float32
						if p.HasLoc && c.hasLoc {
							ddx := (c.lon - pLon) * cosLat
							ddy := (c.lat - pLat) * kmPerDegLat
							add += wNear * exp32(-sqrt32(ddx*ddx+ddy*ddy)*invGeo)
						}
						add += wSoon * exp32(-abs32(c.days-pDays)*invDays)
						h := abs32(pHour - c.hour)
						if h > 12 {
							h = 24 - h
						}
						add += wHour * exp32(-h*invHours)
						sc.touch(c.slot)
						sc.extra[c.slot] += add
					}
				}
			}
		}
	}
	for _, f := range common {
		add := float32(w[sigIndex[domainSignal(e.Lex.Features[f].Domain)]] * e.featIDF(f) / 5)
		for _, s := range b.feats[f] {
			if sc.mark[s] == sc.epoch {
				sc.extra[s] += add
			}
		}
	}
	// The cheap score of each reached report, and the best k.
	wText, wCount := float32(w[sigIndex[sigText]]), float32(w[sigIndex[sigFeatureCount]])
	wOff, wLoc, wBor := float32(w[sigIndex[sigOffence]]), float32(w[sigIndex[sigLocType]]), float32(w[sigIndex[sigBorough]])
	invA := float32(0)
	if na > 0 {
		invA = float32(1 / math.Sqrt(na))
	}
	self, hasSelf := b.slotOf[p.ID]
	pOff, pLoc, pBor := b.codes[p.Offence], b.codes[p.LocType], b.codes[p.Borough]
	vUnit, vUnitKnown := b.codes[v.Unit]
	top := make(topK, 0, k+1)
	for _, s := range sc.touched {
		a := &b.attr[s]
		if a.dead || (hasSelf && s == self) {
			continue
		}
		if !v.All && a.restricted && (v.Unit == "" || !vUnitKnown || a.unit != vUnit) {
			continue
		}
		score := sc.extra[s] + wCount*b.nfeat[s]
		if n := b.norm[s]; n > 0 {
			score += wText * sc.dot[s] * invA / n
		}
		if a.offence == pOff && pOff != 0 {
			score += wOff
		}
		if a.locType == pLoc && pLoc != 0 {
			score += wLoc
		}
		if a.borough == pBor && pBor != 0 {
			score += wBor
		}
		if len(top) < k {
			heap.Push(&top, cand{s, score})
		} else if score > top[0].score || (score == top[0].score && s < top[0].slot) {
			top[0] = cand{s, score}
			heap.Fix(&top, 0)
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].score != top[j].score {
			return top[i].score > top[j].score
		}
		return top[i].slot < top[j].slot
	})
	out := make([]string, 0, len(top))
	for _, c := range top {
		if q := b.slots[c.slot]; q.ID != p.ID {
			out = append(out, q.ID)
		}
	}
	return out
}

type cand struct {
	slot  int32
	score float32
}

// topK is a min-heap: the weakest of the best k on top.
type topK []cand

func (h topK) Len() int { return len(h) }
func (h topK) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].slot > h[j].slot
}
func (h topK) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)   { *h = append(*h, x.(cand)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// exp32 is e^x for x <= 0, to about 0.1%: enough to rank candidates, and
// several times cheaper than math.Exp in the block loop.
func exp32(x float32) float32 {
	if x < -20 {
		return 0
	}
	// e^x = 2^(x·log2 e) = 2^i · 2^f, f in [0, 1)
	y := x * 1.442695
	i := float32(math.Floor(float64(y)))
	f := y - i
	// 2^f on [0,1): a cubic fit.
	p := 1 + f*(0.6957917+f*(0.2261417+f*0.0780225))
	return float32(math.Ldexp(float64(p), int(i)))
}
