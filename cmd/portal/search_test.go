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

// runPortal runs one command in-process and returns its exit code and output.
func runPortal(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "PORTAL_DATA" {
				return filepath.Join(dir, "data")
			}
			return ""
		}}
	code := m.Run(context.Background(), append([]string{"--config", filepath.Join(dir, "portal.yaml")}, args...))
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// TestSearchCommandUsesTheQueryLanguage: `portal search` parses with the
// same parser and synonyms as the server.
func TestSearchCommandUsesTheQueryLanguage(t *testing.T) {
	dir := t.TempDir()
	syn, _ := filepath.Abs("../../configs/synonyms.txt")
	os.WriteFile(filepath.Join(dir, "portal.yaml"), []byte("synonyms: "+syn+"\n"), 0o600)
	data := `{"id":"C1","narrative":"He put his hand over her mouth in the minicab.","offence":"sexual_assault","occurred_at":"2024-03-02T23:15:00Z","borough":"Lambeth"}
{"id":"C2","narrative":"A taxi driver followed her.","offence":"stalking","occurred_at":"2024-03-02T12:00:00Z","borough":"Camden"}
`
	os.WriteFile(filepath.Join(dir, "r.ndjson"), []byte(data), 0o600)
	if code, out, errs := runPortal(t, dir, "import", filepath.Join(dir, "r.ndjson")); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	for _, tc := range []struct{ q, want string }{
		{`"hand mouth"~3 hour:22..04`, "C1"},
		{`taxi`, "C1 C2"},
		{`taxi -borough:lambeth`, "C2"},
	} {
		code, out, errs := runPortal(t, dir, "search", tc.q)
		if code != 0 {
			t.Fatalf("%s: %d %s", tc.q, code, errs)
		}
		var res struct {
			Total int
			Hits  []struct{ ID string }
		}
		json.Unmarshal([]byte(out), &res)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, " ") != tc.want && !(len(got) == 2 && tc.want == "C1 C2") {
			t.Errorf("%s: %v, want %s (%s)", tc.q, got, tc.want, out)
		}
	}
	code, _, errs := runPortal(t, dir, "search", "hand AND")
	if code == 0 || !strings.Contains(errs, "position 6") {
		t.Fatalf("malformed: %d %s", code, errs)
	}
}
