package index_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/corpus"
)

// BenchmarkApply measures indexing throughput on generated reports, in
// batches of 1,000 as the indexer sends them.
func BenchmarkApply(b *testing.B) {
	c, err := corpus.New(corpus.Options{Seed: 3, Reports: 5000})
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		ix, err := index.Open(filepath.Join(b.TempDir(), "ix"))
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < len(c.Reports); start += 1000 {
			end := min(start+1000, len(c.Reports))
			if err := ix.Apply(context.Background(), c.Reports[start:end], nil, int64(end), end == len(c.Reports)); err != nil {
				b.Fatal(err)
			}
		}
		ix.Close()
	}
	b.ReportMetric(float64(len(c.Reports)*b.N)/b.Elapsed().Seconds(), "reports/s")
}

func TestApplyKeepsPositionAndVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ix")
	ix, err := index.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := corpus.New(corpus.Options{Seed: 3, Reports: 300})
	for i := range c.Reports {
		c.Reports[i].Version = int64(i%3 + 1)
	}
	if err := ix.Apply(context.Background(), c.Reports, nil, 42, true); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// Reopened, the index knows where it stopped and every version.
	ix, err = index.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if seq, _ := ix.Seq(); seq != 42 {
		t.Fatalf("seq = %d", seq)
	}
	vs, err := ix.Versions(context.Background())
	if err != nil || len(vs) != 300 {
		t.Fatalf("versions: %d, %v", len(vs), err)
	}
	for i, r := range c.Reports {
		if vs[r.ID] != int64(i%3+1) {
			t.Fatalf("%s: version %d", r.ID, vs[r.ID])
		}
	}
}
