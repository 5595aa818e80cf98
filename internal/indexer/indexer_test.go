package indexer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/indexer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
	"github.com/investigation-portal/portal/internal/store/storetest"
)

func rep(id, text string) portal.Report {
	return portal.Report{ID: id, Narrative: text, Offence: "stalking", OccurredAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func open(t *testing.T, st *store.Store) (*indexer.Indexer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "index")
	ix, err := index.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return indexer.New(st, ix, nil), path
}

func hits(t *testing.T, x *indexer.Indexer, q string) int {
	t.Helper()
	res, err := x.Index.Search(context.Background(), index.Request{Query: q, Viewer: index.Viewer{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func TestCatchUpFollowsTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		x, _ := open(t, st)
		var batch []portal.Report
		for i := range 2500 { // more than one index batch
			batch = append(batch, rep(string(rune('a'+i%26))+time.Duration(i).String(), "followed from the bus"))
		}
		if _, err := st.UpsertReports(ctx, batch); err != nil {
			t.Fatal(err)
		}
		n, err := x.CatchUp(ctx)
		if err != nil || n != 2500 {
			t.Fatalf("catch up indexed %d, %v", n, err)
		}
		if got := hits(t, x, "bus"); got != 2500 {
			t.Fatalf("%d hits", got)
		}
		last, _ := st.LastChange(ctx)
		if seq, _ := x.Index.Seq(); seq != last {
			t.Fatalf("index at %d, store at %d", seq, last)
		}
		// An update replaces the indexed version.
		b := batch[0]
		b.Narrative = "exposed himself in the park"
		st.UpsertReports(ctx, []portal.Report{b})
		if n, _ := x.CatchUp(ctx); n != 1 {
			t.Fatalf("second catch up indexed %d", n)
		}
		if hits(t, x, "park") != 1 || hits(t, x, "bus") != 2499 {
			t.Fatal("update not reflected")
		}
		if n, _ := x.CatchUp(ctx); n != 0 {
			t.Fatalf("idle catch up indexed %d", n)
		}
	})
}

// Reconcile heals an index that disagrees with the store however that
// happened: reports missing, older versions, reports the store never had.
func TestReconcileRepairs(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	x, _ := open(t, st)
	st.UpsertReports(ctx, []portal.Report{rep("A", "one"), rep("B", "two"), rep("C", "three")})
	if _, err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	seq, _ := x.Index.Seq()
	// Damage the index behind the indexer's back.
	stale := rep("B", "two")
	stale.Version = 0
	if err := x.Index.Apply(ctx, []portal.Report{stale, rep("GHOST", "boo")}, []string{"A"}, seq, true); err != nil {
		t.Fatal(err)
	}
	r, err := x.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Missing != 1 || r.Stale != 1 || r.Gone != 1 {
		t.Fatalf("repair = %s", r)
	}
	stored, _ := st.ReportVersions(ctx)
	indexed, _ := x.Index.Versions(ctx)
	if len(stored) != len(indexed) {
		t.Fatalf("after repair: store %v index %v", stored, indexed)
	}
	for id, v := range stored {
		if indexed[id] != v {
			t.Fatalf("after repair: %s store v%d index v%d", id, v, indexed[id])
		}
	}
	if r, _ := x.Reconcile(ctx); r.Missing+r.Stale+r.Gone != 0 {
		t.Fatalf("second reconcile still repaired: %s", r)
	}
}

func TestRebuild(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	x, _ := open(t, st)
	st.UpsertReports(ctx, []portal.Report{rep("A", "one"), rep("B", "two")})
	n, err := x.Rebuild(ctx)
	if err != nil || n != 2 {
		t.Fatalf("rebuild %d, %v", n, err)
	}
	if c, _ := x.Index.Count(); c != 2 {
		t.Fatalf("count %d", c)
	}
	if n, _ := x.CatchUp(ctx); n != 0 {
		t.Fatalf("catch up after rebuild redid %d", n)
	}
}
