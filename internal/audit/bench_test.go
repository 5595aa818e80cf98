package audit

import (
	"context"
	"flag"
	"runtime"
	"testing"
	"time"
)

var largeN = flag.Int("audit.large", 0, "build a log of this many entries and time Verify (e.g. 1000000)")

// BenchmarkAppend measures one durable Append: the audit overhead that each
// audited request pays.
func BenchmarkAppend(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			l := openLog(b, be.open(b))
			ctx := context.Background()
			e := entry(1)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Append(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendParallel is Append under concurrent requests; appends are
// serialized, so this shows the queueing cost.
func BenchmarkAppendParallel(b *testing.B) {
	l := openLog(b, openSQLite(b))
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		e := entry(2)
		for pb.Next() {
			if _, err := l.Append(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestVerifyLarge builds a log of -audit.large entries in batches of 10,000
// and times Verify over it:
//
//	go test ./internal/audit/ -run TestVerifyLarge -v -timeout 60m -args -audit.large=1000000
func TestVerifyLarge(t *testing.T) {
	if *largeN == 0 {
		t.Skip("set -audit.large=N to run")
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			st := be.open(t)
			l := openLog(t, st)
			ctx := context.Background()
			start := time.Now()
			bulkAppend(t, l, *largeN, 10000)
			t.Logf("built %d entries in %v", *largeN, time.Since(start).Round(time.Millisecond))
			if _, err := l.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
			if be.name == "sqlite" {
				var size int64
				if err := st.DB().QueryRow(`SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size); err == nil {
					t.Logf("database %d MB", size>>20)
				}
			}
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start = time.Now()
			rep, err := l.Verify(ctx)
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Intact || rep.Entries != int64(*largeN) {
				t.Fatalf("verify: %v", rep)
			}
			t.Logf("%v", rep)
			t.Logf("verify of %d entries took %v (%.1f µs/entry); heap in use after %d MB, allocated during %d MB",
				*largeN, took.Round(time.Millisecond), float64(took.Microseconds())/float64(*largeN),
				after.HeapInuse>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}
