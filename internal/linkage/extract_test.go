package linkage

import (
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/corpus"
)

func TestExtractSample(t *testing.T) {
	lx, err := LoadLexicon("../../configs/mo_lexicon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := corpus.New(corpus.Options{Seed: 3, Reports: 2000})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := 0
	for i := range c.Reports {
		p := lx.Extract(&c.Reports[i])
		n += len(p.feats)
		if i < 3 {
			t.Logf("%s\n%s\n%v h=%d age=%d-%d vrm=%s", c.Reports[i].Narrative, c.Reports[i].SuspectDescription, p.Features(lx), p.Height, p.AgeLo, p.AgeHi, p.VRM)
		}
	}
	t.Logf("%d reports, %.1f features each, %v per report", len(c.Reports), float64(n)/float64(len(c.Reports)), time.Since(start)/time.Duration(len(c.Reports)))
}
