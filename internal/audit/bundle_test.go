package audit

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestExportBundleVerifiesOutside(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, openSQLite(t))
	appendN(t, l, 40)
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 7) // after the last checkpoint: the export checkpoints again
	entries, err := l.Query(ctx, Filter{Actor: "bob"})
	if err != nil || len(entries) == 0 {
		t.Fatalf("query: %d %v", len(entries), err)
	}
	b, err := l.ExportBundle(ctx, entries, map[string]string{"actor": "bob"}, "ada")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerifyBundle(data, l.PublicKey())
	if err != nil {
		t.Fatalf("verify an untouched bundle: %v", err)
	}
	if len(got) != len(entries) || got[0].Seq != entries[0].Seq || got[0].Detail != entries[0].Detail {
		t.Fatalf("verified entries differ from the exported ones: %+v", got[0])
	}

	otherKey, _, err := note.GenerateKey(rand.Reader, "someone-else")
	if err != nil {
		t.Fatal(err)
	}
	otherV, err := verifierKey(otherKey)
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(name string, change func(b *Bundle), key, want string) {
		t.Helper()
		var c Bundle
		json.Unmarshal(data, &c)
		change(&c)
		out, _ := json.Marshal(c)
		if _, err := VerifyBundle(out, key); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, want)
		}
	}
	key := l.PublicKey()
	tamper("changed actor", func(c *Bundle) {
		c.Entries[1].Body = strings.Replace(c.Entries[1].Body, `"actor":"bob"`, `"actor":"eve"`, 1)
	}, key, "signature does not cover")
	tamper("entry left out", func(c *Bundle) { c.Entries = c.Entries[1:] }, key, "signature does not cover")
	tamper("filter changed", func(c *Bundle) { c.Filter["actor"] = "carol" }, key, "signature does not cover")
	tamper("proof changed", func(c *Bundle) { c.Entries[0].Proof[0] = c.Entries[0].Proof[1] }, key, "not in the checkpointed log")
	tamper("another key", func(*Bundle) {}, otherV, "not signed by a trusted key")

}
