package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// The default corpus is generated once and shared by the tests that only read it.
var defaultCorpus = func() func(t testing.TB) *Corpus {
	var c *Corpus
	return func(t testing.TB) *Corpus {
		t.Helper()
		if c == nil {
			var err error
			if c, err = New(Options{Seed: 42}); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
}()

func ndjson(t *testing.T, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteNDJSON(&buf, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	opt := Options{Seed: 7, Reports: 1500}
	a, b := ndjson(t, opt), ndjson(t, opt)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed and options gave different NDJSON")
	}
	opt.Seed = 8
	if c := ndjson(t, opt); bytes.Equal(a, c) {
		t.Fatal("different seeds gave identical NDJSON")
	}
	var t1, t2 bytes.Buffer
	if err := WriteTruthNDJSON(&t1, Options{Seed: 7, Reports: 1500}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTruthNDJSON(&t2, Options{Seed: 7, Reports: 1500}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(t1.Bytes(), t2.Bytes()) || t1.Len() == 0 {
		t.Fatal("truth file is empty or not deterministic")
	}
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)

// TestContract checks every record of the NDJSON against contract §1, as an
// importer would decode it.
func TestContract(t *testing.T) {
	data := ndjson(t, Options{Seed: 3, Reports: 5000})
	boroughNames := map[string]bool{}
	for _, b := range boroughs {
		boroughNames[b.name] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	ids := map[string]bool{}
	var n, restricted, withLoc, short, long, sexual int
	var total int
	for sc.Scan() {
		n++
		line := sc.Bytes()
		var r portal.Report
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, line)
		}
		fail := func(field, msg string) { t.Errorf("line %d (%s): %s: %s", n, r.ID, field, msg) }
		if !idRE.MatchString(r.ID) {
			fail("id", "bad charset or length")
		}
		if ids[r.ID] {
			fail("id", "duplicate")
		}
		ids[r.ID] = true
		if r.Narrative == "" || len(r.Narrative) > portal.MaxNarrativeLength {
			fail("narrative", "empty or too long")
		}
		total += len(r.Narrative)
		if len(r.Narrative) < 300 {
			short++
		}
		if len(r.Narrative) > 2000 {
			long++
		}
		if !slices.Contains(portal.DefaultOffences, r.Offence) {
			fail("offence", r.Offence)
		}
		if r.Offence == "sexual_assault" || r.Offence == "rape" || r.Offence == "indecent_exposure" || r.Offence == "voyeurism" || r.Offence == "harassment" || r.Offence == "stalking" {
			sexual++
		}
		if r.OccurredAt.IsZero() {
			fail("occurred_at", "missing")
		}
		if r.OccurredTo != nil && r.OccurredTo.Before(r.OccurredAt) {
			fail("occurred_to", "before occurred_at")
		}
		if r.ReportedAt != nil && r.ReportedAt.Before(r.OccurredAt) {
			fail("reported_at", "before occurred_at")
		}
		if (r.Lat == nil) != (r.Lon == nil) {
			fail("lat/lon", "only one present")
		}
		if r.HasLocation() {
			withLoc++
			if *r.Lat < minLat || *r.Lat > maxLat || *r.Lon < minLon || *r.Lon > maxLon {
				fail("lat/lon", "outside London")
			}
		}
		if r.VictimAge != nil && (*r.VictimAge < 16 || *r.VictimAge > 80) {
			fail("victim_age", "outside 16-80")
		}
		if !boroughNames[r.Borough] {
			fail("borough", r.Borough)
		}
		if r.LocationType == "" || r.Unit == "" {
			fail("location_type/unit", "empty")
		}
		if r.Restricted {
			restricted++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 5000 {
		t.Fatalf("got %d lines, want 5000", n)
	}
	if f := float64(restricted) / float64(n); f < 0.01 || f > 0.06 {
		t.Errorf("restricted share %.3f, want about 0.03", f)
	}
	if f := float64(withLoc) / float64(n); f < 0.85 || f > 0.97 {
		t.Errorf("share with coordinates %.3f, want most but not all", f)
	}
	if short > 0 || long > n/100 {
		t.Errorf("%d narratives under 300 chars, %d over 2000", short, long)
	}
	if mean := total / n; mean < 450 || mean > 1300 {
		t.Errorf("mean narrative length %d", mean)
	}
	if f := float64(sexual) / float64(n); f < 0.8 {
		t.Errorf("only %.2f of reports are sexual or harassment offences", f)
	}
}

func TestSeriesPlanted(t *testing.T) {
	c := defaultCorpus(t)
	if len(c.Reports) != 5000 {
		t.Fatalf("got %d reports", len(c.Reports))
	}
	s := c.Series()
	if len(s) < 40 {
		t.Fatalf("got %d series, want at least 40", len(s))
	}
	small := 0
	for l, ids := range s {
		if len(ids) < 2 || len(ids) > 15 {
			t.Errorf("series %s has %d reports", l, len(ids))
		}
		if len(ids) <= 4 {
			small++
		}
	}
	if small < len(s)/2 {
		t.Errorf("only %d of %d series have 2-4 reports; sizes should skew small", small, len(s))
	}
	// The truth file says the same as the labels.
	var buf bytes.Buffer
	if err := WriteTruthNDJSON(&buf, Options{Seed: 42}); err != nil {
		t.Fatal(err)
	}
	lines := 0
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var x struct{ ID, Series string }
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			t.Fatal(err)
		}
		if c.Labels[x.ID] != x.Series {
			t.Errorf("truth says %s in %s, labels say %q", x.ID, x.Series, c.Labels[x.ID])
		}
		lines++
	}
	if lines != len(c.Labels) {
		t.Errorf("truth has %d lines, labels %d", lines, len(c.Labels))
	}
}

func TestOutputHidesSeries(t *testing.T) {
	c := defaultCorpus(t)
	adjacent := 0
	for i := 1; i < len(c.Reports); i++ {
		a, b := c.Labels[c.Reports[i-1].ID], c.Labels[c.Reports[i].ID]
		if a != "" && a == b {
			adjacent++
		}
	}
	if adjacent > 1 {
		t.Errorf("%d adjacent pairs of the same series in output", adjacent)
	}
	// Ids of a series should not cluster: compare their spread in sorted
	// id order with the corpus size.
	ids := make([]string, len(c.Reports))
	for i, r := range c.Reports {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	rank := map[string]int{}
	for i, id := range ids {
		rank[id] = i
	}
	var spread, n float64
	for _, members := range c.Series() {
		lo, hi := len(ids), 0
		for _, id := range members {
			lo, hi = min(lo, rank[id]), max(hi, rank[id])
		}
		spread += float64(hi - lo)
		n++
	}
	if spread/n < float64(len(ids))/10 {
		t.Errorf("series ids cluster in id order (mean spread %.0f of %d)", spread/n, len(ids))
	}
}

// TestSeriesCohesion: members of a series are closer in space and time and
// share more words than random pairs of reports do.
func TestSeriesCohesion(t *testing.T) {
	c := defaultCorpus(t)
	byID := map[string]*portal.Report{}
	for i := range c.Reports {
		byID[c.Reports[i].ID] = &c.Reports[i]
	}
	type acc struct{ km, days, jac, n, nkm float64 }
	var in, out acc
	add := func(a *acc, x, y *portal.Report) {
		if x.HasLocation() && y.HasLocation() {
			a.km += km(*x.Lat, *x.Lon, *y.Lat, *y.Lon)
			a.nkm++
		}
		d := x.OccurredAt.Sub(y.OccurredAt).Hours() / 24
		if d < 0 {
			d = -d
		}
		a.days += d
		a.jac += jaccard(x.Narrative, y.Narrative)
		a.n++
	}
	for _, ids := range c.Series() {
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				add(&in, byID[ids[i]], byID[ids[j]])
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		add(&out, &c.Reports[r.IntN(len(c.Reports))], &c.Reports[r.IntN(len(c.Reports))])
	}
	inKm, outKm := in.km/in.nkm, out.km/out.nkm
	t.Logf("series pairs: %.1f km, %.0f days, jaccard %.3f; random pairs: %.1f km, %.0f days, jaccard %.3f",
		inKm, in.days/in.n, in.jac/in.n, outKm, out.days/out.n, out.jac/out.n)
	if inKm > outKm/3 {
		t.Errorf("series members %.1f km apart on average, random pairs %.1f", inKm, outKm)
	}
	if in.days/in.n > out.days/out.n/2 {
		t.Errorf("series members %.0f days apart, random pairs %.0f", in.days/in.n, out.days/out.n)
	}
	if in.jac/in.n < out.jac/out.n*1.3 {
		t.Errorf("series members share no more words (%.3f) than random pairs (%.3f)", in.jac/in.n, out.jac/out.n)
	}
}

func jaccard(a, b string) float64 {
	wa, wb := words(a), words(b)
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) > 3 {
			m[w] = true
		}
	}
	return m
}

func TestVariety(t *testing.T) {
	c := defaultCorpus(t)
	seen := map[string]bool{}
	for _, r := range c.Reports {
		seen[r.Narrative] = true
	}
	if len(seen) != len(c.Reports) {
		t.Errorf("%d duplicate narratives", len(c.Reports)-len(seen))
	}
	// The registers the brief asks for all appear.
	all := strings.Builder{}
	for _, r := range c.Reports[:2000] {
		all.WriteString(r.Narrative)
		all.WriteByte('\n')
	}
	text := all.String()
	for _, want := range []string{"IP ", "SUSP", "the victim", "approx", "hrs", "IC3", "could not see his face", "No weapon", "did not see a vehicle", "partial VRM", "n/k"} {
		if !strings.Contains(text, want) {
			t.Errorf("no narrative contains %q", want)
		}
	}
}

func TestSmallAndOptions(t *testing.T) {
	for _, n := range []int{1, 3, 10, 100} {
		c, err := New(Options{Seed: 1, Reports: n})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Reports) != n {
			t.Errorf("Reports=%d gave %d", n, len(c.Reports))
		}
		if len(c.Labels) > n/2 {
			t.Errorf("Reports=%d: %d series members, more than half", n, len(c.Labels))
		}
	}
	c, err := New(Options{Seed: 1, Reports: 500, Series: -1})
	if err != nil || len(c.Labels) != 0 {
		t.Fatalf("Series=-1: err %v, %d labels", err, len(c.Labels))
	}
	start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	c, err = New(Options{Seed: 1, Reports: 300, Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Reports {
		if r.OccurredAt.Before(start.Add(-time.Hour)) || r.OccurredAt.After(end.Add(48*time.Hour)) {
			t.Errorf("%s occurred %s, outside the window", r.ID, r.OccurredAt)
		}
	}
	if _, err := New(Options{Start: end, End: start}); err == nil {
		t.Error("End before Start: no error")
	}
	stop := errors.New("stop")
	calls := 0
	err = Generate(Options{Seed: 1, Reports: 100}, func(portal.Report, string) error {
		calls++
		if calls == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 5 {
		t.Errorf("Generate did not stop at the callback's error: %v after %d calls", err, calls)
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		err := Generate(Options{Seed: 1, Reports: 20000}, func(r portal.Report, _ string) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "reports/s")
}

func BenchmarkWriteNDJSON(b *testing.B) {
	n := 0
	start := time.Now()
	for b.Loop() {
		var w countWriter
		if err := WriteNDJSON(&w, Options{Seed: 1, Reports: 20000}); err != nil {
			b.Fatal(err)
		}
		n += 20000
		b.SetBytes(int64(w))
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "reports/s")
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

// A large corpus crosses many clock changes: no window may end before it
// begins (the importer would rightly reject it).
func TestWindowsNeverEndBeforeTheyBegin(t *testing.T) {
	err := Generate(Options{Seed: 42, Reports: 300000}, func(r portal.Report, _ string) error {
		if r.OccurredTo != nil && r.OccurredTo.Before(r.OccurredAt) {
			t.Fatalf("%s: occurred_to %v before occurred_at %v", r.ID, r.OccurredTo, r.OccurredAt)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
