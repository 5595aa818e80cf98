package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/internal/store/storetest"
)

// runWith runs the command line with PORTAL_STORE set.
func runWith(t *testing.T, storeURL, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(stdin), &out, &errb
	m.Getenv = func(k string) string {
		if k == "PORTAL_STORE" {
			return storeURL
		}
		return ""
	}
	code := m.Run(context.Background(), args)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// TestTwoNodesOnOnePostgres is the multi-node shape: two portal nodes with
// their own data directories (their own Bleve indexes) share one
// PostgreSQL store. What one node imports, the other finds, because each
// index follows the store's ordered change log; and both write one audit
// log that verifies.
func TestTwoNodesOnOnePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	nodeA, nodeB := t.TempDir(), t.TempDir()
	f := writeFile(t, "in.ndjson", line("PG1")+"\n"+line("PG2")+"\n")
	code, out, errs := runWith(t, dsn, "", "--data", nodeA, "import", f)
	if code != 0 || out != "imported 2, updated 0, rejected 0, unchanged 0\n" {
		t.Fatalf("import on node A: %d %q %q", code, out, errs)
	}
	// Node B has never seen these reports; its index catches up on open.
	code, out, errs = runWith(t, dsn, "", "--data", nodeB, "search", "minicab")
	var res struct{ Total int }
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 2 {
		t.Fatalf("search on node B: %d %q %q", code, out, errs)
	}
	// An update on node B reaches node A.
	upd := writeFile(t, "upd.ndjson", strings.Replace(line("PG1"), "minicab", "pedicab", 1)+"\n")
	if code, out, _ := runWith(t, dsn, "", "--data", nodeB, "import", upd); code != 0 || !strings.HasPrefix(out, "imported 0, updated 1") {
		t.Fatalf("update on node B: %d %q", code, out)
	}
	code, out, _ = runWith(t, dsn, "", "--data", nodeA, "search", "pedicab")
	if json.Unmarshal([]byte(out), &res) != nil || res.Total != 1 {
		t.Fatalf("node A after B's update: %d %q", code, out)
	}
	code, out, _ = runWith(t, dsn, "", "--data", nodeA, "audit", "verify")
	if code != 0 || !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("audit verify: %d %q", code, out)
	}
}
