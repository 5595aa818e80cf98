package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line in-process with its own streams.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(stdin), &out, &errb
	m.Getenv = func(k string) string { return "" }
	code = m.Run(context.Background(), args)
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const rec = `{"id":"%s","narrative":"He posed as a minicab driver and put his hand over her mouth.","offence":"sexual_assault","occurred_at":"2024-03-01T22:15:00Z"}`

func line(id string) string { return strings.Replace(rec, "%s", id, 1) }

func TestImportExitCodesAndOutput(t *testing.T) {
	data := t.TempDir()
	f := writeFile(t, "ok.ndjson", line("R1")+"\n"+line("R2")+"\n")
	code, out, errs := runCLI(t, "", "--data", data, "import", f)
	if code != 0 || out != "imported 2, updated 0, rejected 0, unchanged 0\n" || errs != "" {
		t.Fatalf("good file: %d %q %q", code, out, errs)
	}
	bad := writeFile(t, "bad.ndjson", line("R3")+"\n{\"id\":\"R4\"}\n")
	code, out, errs = runCLI(t, "", "--data", data, "import", bad)
	if code != 1 || out != "imported 1, updated 0, rejected 1, unchanged 0\n" || errs != bad+":2: narrative: missing (required); also offence: missing (required); also occurred_at: missing (required)\n" {
		t.Fatalf("some rejected: %d %q %q", code, out, errs)
	}
	code, _, errs = runCLI(t, "", "--data", data, "import", filepath.Join(data, "missing.ndjson"))
	if code != 2 || !strings.Contains(errs, "no such file") {
		t.Fatalf("unreadable: %d %q", code, errs)
	}
	code, _, _ = runCLI(t, "", "--data", data, "import", writeFile(t, "h.csv", "id,text\n1,2\n"))
	if code != 2 {
		t.Fatalf("CSV without the required columns: %d", code)
	}
	// stdin
	code, out, _ = runCLI(t, line("R2")+"\n", "--data", data, "import", "-")
	if code != 0 || out != "imported 0, updated 0, rejected 0, unchanged 1\n" {
		t.Fatalf("stdin re-import: %d %q", code, out)
	}

	code, out, _ = runCLI(t, "", "--data", data, "search", "--limit", "1", `"hand over her mouth"`)
	var res struct {
		Total int
		Hits  []struct {
			ID         string
			Score      float64
			Highlights map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Total != 3 || len(res.Hits) != 1 ||
		len(res.Hits[0].Highlights["narrative"]) == 0 {
		t.Fatalf("search: %d %s", code, out)
	}
}

func TestBusyDataDirectory(t *testing.T) {
	data := t.TempDir()
	holder := NewMain()
	holder.Stdout, holder.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	holder.DataDir = data
	holder.Config = defaultConfig()
	holder.Log = nil
	if code := holder.Run(context.Background(), []string{"--data", data, "reindex"}); code != 0 {
		t.Fatalf("reindex: %d", code)
	}
	// Keep it open as a server would.
	if err := holder.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errs := runCLI(t, "", "--data", data, "search", "x")
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "in use by process") {
		t.Fatalf("busy: %d %q", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, _ := runCLI(t, "", "frobnicate"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
	if code, _, errs := runCLI(t, "short\n", "--data", t.TempDir(), "user", "add", "bob", "--role", "investigator"); code != 2 || !strings.Contains(errs, "12") {
		t.Fatalf("short password: %d %q", code, errs)
	}
	code, out, _ := runCLI(t, "a perfectly long passphrase\n", "--data", t.TempDir(), "user", "add", "bob", "--role", "investigator", "--unit", "SOIT-East")
	if code != 0 || out != "added bob (investigator, SOIT-East)\n" {
		t.Fatalf("user add: %d %q", code, out)
	}
}

// A damaged index (here the metadata a crash while creating it can leave
// truncated) is rebuilt from the store, not a reason to refuse to start.
func TestDamagedIndexIsRebuilt(t *testing.T) {
	data := t.TempDir()
	f := writeFile(t, "ok.ndjson", line("R1")+"\n"+line("R2")+"\n")
	if code, _, errs := runCLI(t, "", "--data", data, "import", f); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if err := os.WriteFile(filepath.Join(data, "index", "index_meta.json"), []byte(`{"storage":`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "--data", data, "search", "minicab")
	var res struct{ Total int }
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 2 || !strings.Contains(errs, "rebuilding it from the store") {
		t.Fatalf("after damage: %d %q %q", code, out, errs)
	}
}
