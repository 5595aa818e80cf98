package index

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/investigation-portal/portal/internal/corpus"
)

// TestShards: reports spread over every shard and each reopens with its
// own; the position is the lowest shard's, so a crash between two shards'
// writes replays from the one behind; and an index of the old one-index
// layout, or with a shard missing, is stale (rebuilt by the caller).
func TestShards(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ix")
	x, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := corpus.New(corpus.Options{Seed: 4, Reports: 400})
	for i := range c.Reports {
		c.Reports[i].Version = 1
	}
	if err := x.Apply(ctx, c.Reports, nil, 7, true); err != nil {
		t.Fatal(err)
	}
	for i, b := range x.shards {
		n, _ := b.DocCount()
		if n < 150 || n > 250 {
			t.Errorf("shard %d holds %d of 400 reports", i, n)
		}
	}
	// Shard 1 gets ahead, as if the process died before shard 0's write.
	b := x.shards[1].NewBatch()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], 9)
	b.SetInternal(seqKey, buf[:])
	if err := x.shards[1].Batch(b); err != nil {
		t.Fatal(err)
	}
	if seq, _ := x.Seq(); seq != 7 {
		t.Errorf("seq %d, want the lowest shard's 7", seq)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened, every shard has its own reports (Bleve once wrote each
	// shard's path into a shared config map, sending shard 1 to shard 0).
	x, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := x.Versions(ctx)
	if err != nil || len(vs) != 400 {
		t.Fatalf("after reopening: %d versions, %v", len(vs), err)
	}
	x.Close()

	if err := os.RemoveAll(filepath.Join(path, "shard-1")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrStale) {
		t.Errorf("a shard missing: %v, want ErrStale", err)
	}
	old := filepath.Join(t.TempDir(), "old")
	ob, err := bleve.New(old, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	ob.Close()
	if _, err := Open(old); !errors.Is(err, ErrStale) {
		t.Errorf("the one-index layout: %v, want ErrStale", err)
	}
}
