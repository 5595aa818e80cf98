package main

import (
	"strings"
	"testing"
)

// TestAuditExportAndVerifyBundle exports the log from the command line and
// checks the bundle with the public key alone, as an auditor would on
// another machine; an altered bundle fails.
func TestAuditExportAndVerifyBundle(t *testing.T) {
	data := t.TempDir()
	in := writeFile(t, "r.ndjson", line("X1")+"\n"+line("X2")+"\n")
	if code, _, errOut := runCLI(t, "", "--data", data, "import", in); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, note, keyLine := runCLI(t, "", "--data", data, "audit", "checkpoint")
	if code != 0 || !strings.Contains(note, "go.sum database tree") || !strings.HasPrefix(keyLine, "public key: ") {
		t.Fatalf("checkpoint: %d %q %q", code, note, keyLine)
	}
	key := strings.TrimSpace(strings.TrimPrefix(keyLine, "public key: "))
	code, bundle, errOut := runCLI(t, "", "--data", data, "audit", "export", "--action", "import.write")
	if code != 0 || !strings.Contains(bundle, `"format": "portal-audit-bundle/1"`) {
		t.Fatalf("export: %d %s %s", code, bundle, errOut)
	}
	path := writeFile(t, "bundle.json", bundle)
	code, out, _ := runCLI(t, "", "audit", "verify-bundle", "--key", key, path)
	if code != 0 || out != "bundle verifies: 1 entries, each proven in the signed checkpoint\n" {
		t.Fatalf("verify-bundle: %d %q", code, out)
	}
	bad := writeFile(t, "bad.json", strings.Replace(bundle, `report:X2`, `report:X3`, 1))
	if code, out, _ := runCLI(t, "", "audit", "verify-bundle", "--key", key, bad); code != 1 || !strings.Contains(out, "does NOT verify") {
		t.Fatalf("altered bundle: %d %q", code, out)
	}
	code, csvOut, _ := runCLI(t, "", "--data", data, "audit", "export", "--format", "csv", "--action", "import")
	if code != 0 || !strings.HasPrefix(csvOut, "seq,time,actor,") || strings.Count(csvOut, "\n") != 2 {
		t.Fatalf("csv export: %d %q", code, csvOut)
	}
	// The exports are themselves in the log, and the log still verifies.
	code, out, _ = runCLI(t, "", "--data", data, "audit", "verify")
	if code != 0 || !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("verify: %d %q", code, out)
	}
}
