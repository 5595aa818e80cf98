package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/corpus"
)

// buildBinary compiles the portal once for the tests that need a real
// process to kill.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestKillDuringImport SIGKILLs an import half way, then checks that every
// report in the store is whole, that the index agrees with the store after
// a restart, and that importing the file again completes it. With
// PORTAL_FAULTS=1 (make faults) it repeats with more data and kill times.
func TestKillDuringImport(t *testing.T) {
	// Each round kills the import once the store holds this share of it.
	reports, rounds := 20000, []float64{0.3}
	if os.Getenv("PORTAL_FAULTS") != "" {
		reports = 100000
		rounds = []float64{0.05, 0.25, 0.5, 0.75, 0.95}
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "corpus.ndjson")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := corpus.WriteNDJSON(w, corpus.Options{Seed: 7, Reports: reports}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	f.Close()
	source := map[string]string{} // id → narrative
	c, _ := corpus.New(corpus.Options{Seed: 7, Reports: reports})
	for _, r := range c.Reports {
		source[r.ID] = r.Narrative
	}

	for i, share := range rounds {
		data := filepath.Join(dir, "data"+strconv.Itoa(i))
		cmd := exec.Command(bin, "--data", data, "import", file)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitForStored(t, filepath.Join(data, "portal.db"), int(share*float64(reports)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if out.Len() > 0 {
			t.Fatalf("round %d: the import finished before the kill (%q); kill sooner", i, out.String())
		}

		m := NewMain()
		m.Stdout, m.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
		m.DataDir, m.Config = data, defaultConfig()
		m.Getenv = func(string) string { return "" }
		if code := m.Run(context.Background(), []string{"--data", data, "help"}); code != 0 {
			t.Fatal("help")
		}
		ctx := context.Background()
		if err := m.open(ctx); err != nil {
			t.Fatal(err)
		}
		stored, err := m.Store.ReportVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) == 0 || len(stored) == reports {
			t.Fatalf("round %d: %d of %d stored at the kill; the test proves nothing", i, len(stored), reports)
		}
		for id := range stored {
			r, err := m.Store.Report(ctx, id)
			if err != nil || r.Narrative != source[id] {
				t.Fatalf("round %d: report %s is not what was imported (%v)", i, id, err)
			}
		}
		rep, err := m.Indexer.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		indexed, _ := m.Index.Versions(ctx)
		if len(indexed) != len(stored) {
			t.Fatalf("round %d: after restart index has %d, store %d (%s)", i, len(indexed), len(stored), rep)
		}
		t.Logf("round %d: killed at %.0f%% with %d of %d stored; restart: %s", i, share*100, len(stored), reports, rep)
		m.Close()

		// Importing the same file again completes it and changes nothing stored.
		var again bytes.Buffer
		cmd = exec.Command(bin, "--data", data, "import", file)
		cmd.Stdout = &again
		if err := cmd.Run(); err != nil {
			t.Fatalf("round %d: re-import: %v", i, err)
		}
		want := "imported " + strconv.Itoa(reports-len(stored)) + ", updated 0, rejected 0, unchanged " + strconv.Itoa(len(stored)) + "\n"
		if again.String() != want {
			t.Fatalf("round %d: re-import said %q, want %q", i, again.String(), want)
		}
		var res struct{ Total int }
		cmd = exec.Command(bin, "--data", data, "search", "--limit", "0", "")
		b, err := cmd.Output()
		if err != nil || json.Unmarshal(b, &res) != nil || res.Total != reports {
			t.Fatalf("round %d: index after re-import: %s %v", i, b, err)
		}
	}
}

// waitForStored polls the store file, read-only beside the importer (WAL
// allows it), until it holds at least n reports.
func waitForStored(t *testing.T, path string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(1000)"); err == nil {
			var count int
			err = db.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&count)
			db.Close()
			if err == nil && count >= n {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the store never reached %d reports", n)
}
