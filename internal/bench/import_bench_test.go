// Package bench holds the long benchmarks that `make bench` runs: they
// build the real binary and load generated corpora, so they are kept out
// of `make test`.
package bench

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/portal"
)

func reportsWanted() int {
	if v, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_REPORTS")); err == nil && v > 0 {
		return v
	}
	return 100000
}

func writeCorpus(b *testing.B, dir string, n int) string {
	b.Helper()
	path := filepath.Join(dir, "corpus.ndjson")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := corpus.WriteNDJSON(w, corpus.Options{Seed: 42, Reports: n}); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkImport loads 100,000 generated reports (PORTAL_BENCH_REPORTS)
// with `portal import` in a real process — the store durable (WAL,
// synchronous=FULL) and the Bleve index caught up — and, in the same run,
// the same reports into SQLite FTS5 with the same durability, as the
// baseline. It reports throughput, the import's peak resident memory and
// the size on disk per 1,000 reports.
func BenchmarkImport(b *testing.B) {
	n := reportsWanted()
	dir := b.TempDir()
	file := writeCorpus(b, dir, n)
	bin := filepath.Join(dir, "portal")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/portal").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	fi, _ := os.Stat(file)
	b.Logf("corpus: %d reports, %.1f MB NDJSON", n, float64(fi.Size())/1e6)

	for i := 0; i < b.N; i++ {
		data := filepath.Join(dir, fmt.Sprintf("data%d", i))
		cmd := exec.Command(bin, "--data", data, "import", file)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("import: %v\n%s", err, errb.String())
		}
		elapsed := time.Since(start)
		want := fmt.Sprintf("imported %d, updated 0, rejected 0, unchanged 0\n", n)
		if out.String() != want {
			b.Fatalf("import said %q", out.String())
		}
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		storeBytes := dirSize(filepath.Join(data, "portal.db")) + dirSize(filepath.Join(data, "portal.db-wal"))
		indexBytes := dirSize(filepath.Join(data, "index"))
		b.ReportMetric(float64(n)/elapsed.Seconds(), "portal-reports/s")
		b.ReportMetric(float64(rss)/1024, "portal-peak-RSS-MB")
		b.ReportMetric(float64(storeBytes)/float64(n), "store-KB/1000-reports")
		b.ReportMetric(float64(indexBytes)/float64(n), "index-KB/1000-reports")
		b.Logf("portal: %d reports in %v = %.0f reports/s, peak RSS %.0f MB, store %.1f MB, index %.1f MB",
			n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(rss)/1024,
			float64(storeBytes)/1e6, float64(indexBytes)/1e6)

		ftsElapsed, ftsBytes := loadFTS5(b, file, filepath.Join(dir, fmt.Sprintf("fts%d.db", i)))
		b.ReportMetric(float64(n)/ftsElapsed.Seconds(), "fts5-reports/s")
		b.ReportMetric(float64(ftsBytes)/float64(n), "fts5-KB/1000-reports")
		b.Logf("fts5 baseline: %d reports in %v = %.0f reports/s, %.1f MB",
			n, ftsElapsed.Round(time.Millisecond), float64(n)/ftsElapsed.Seconds(), float64(ftsBytes)/1e6)
	}
}

// loadFTS5 is the baseline: the same records parsed from the same file into
// a plain table plus an FTS5 index over narrative and suspect description,
// committed in batches of 1,000 with WAL and synchronous=FULL.
func loadFTS5(b *testing.B, file, dbPath string) (time.Duration, int64) {
	b.Helper()
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE reports (id TEXT PRIMARY KEY, body TEXT NOT NULL)`,
		`CREATE VIRTUAL TABLE reports_fts USING fts5(id UNINDEXED, narrative, suspect_description, tokenize='porter unicode61')`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	tx, _ := db.Begin()
	n := 0
	for sc.Scan() {
		var r portal.Report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO reports (id, body) VALUES (?, ?)`, r.ID, sc.Text()); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO reports_fts (id, narrative, suspect_description) VALUES (?, ?, ?)`, r.ID, r.Narrative, r.SuspectDescription); err != nil {
			b.Fatal(err)
		}
		if n++; n%1000 == 0 {
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			tx, _ = db.Begin()
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	info, _ := os.Stat(dbPath)
	return elapsed, info.Size()
}
