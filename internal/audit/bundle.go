package audit

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/investigation-portal/portal/internal/portal"
)

// BundleFormat names the export format; VerifyBundle refuses others.
const BundleFormat = "portal-audit-bundle/1"

// exportHeader opens the text of a bundle's signature note. It can never
// parse as a tlog tree, so a bundle signature is never taken for a checkpoint.
const exportHeader = "portal audit export"

// Bundle is a filtered view of the log that can be checked away from the
// portal: each entry's canonical body with its inclusion proof against the
// checkpoint carried in the bundle, the checkpoint's public key, and a
// signature by the same key over the filter and the list of entries.
type Bundle struct {
	Format     string            `json:"format"`
	ExportedAt time.Time         `json:"exported_at"`
	ExportedBy string            `json:"exported_by"`
	Filter     map[string]string `json:"filter"`
	PublicKey  string            `json:"public_key"`
	Checkpoint string            `json:"checkpoint"` // signed note (OpenCheckpoint)
	Entries    []BundleEntry     `json:"entries"`
	Signature  string            `json:"signature"` // signed note over digest()
}

// BundleEntry is one entry: Body is the exact bytes whose tlog.RecordHash is
// the entry's leaf, Proof the base64 hashes of tlog.ProveRecord.
type BundleEntry struct {
	Seq   int64    `json:"seq"`
	Body  string   `json:"body"`
	Proof []string `json:"proof"`
}

// ExportBundle signs a checkpoint of the whole log as it is now and returns
// entries (as Query returned them) with their inclusion proofs against it.
// Append the audit entry of the export first, so that the checkpoint covers
// it too.
func (l *Log) ExportBundle(ctx context.Context, entries []portal.AuditEntry, filter map[string]string, by string) (Bundle, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return Bundle{}, err
	}
	b := Bundle{Format: BundleFormat, ExportedAt: l.now().UTC().Truncate(time.Millisecond), ExportedBy: by,
		Filter: filter, PublicKey: l.vkey, Checkpoint: cp.Note, Entries: make([]BundleEntry, 0, len(entries))}
	if b.Filter == nil {
		b.Filter = map[string]string{}
	}
	for _, e := range entries {
		body, err := EncodeEntry(e)
		if err != nil {
			return Bundle{}, err
		}
		proof, err := l.Proof(ctx, e.Seq, cp.Size)
		if err != nil {
			return Bundle{}, err
		}
		ps := make([]string, len(proof))
		for i, h := range proof {
			ps[i] = base64.StdEncoding.EncodeToString(h[:])
		}
		b.Entries = append(b.Entries, BundleEntry{Seq: e.Seq, Body: string(body), Proof: ps})
	}
	signed, err := note.Sign(&note.Note{Text: b.digest(cp)}, l.sign)
	if err != nil {
		return Bundle{}, fmt.Errorf("audit: sign export: %w", err)
	}
	b.Signature = string(signed)
	return b, nil
}

// digest is the signed text: what was exported, by whom, under which
// checkpoint, and a hash of every entry in order.
func (b *Bundle) digest(cp Checkpoint) string {
	h := sha256.New()
	for _, e := range b.Entries {
		fmt.Fprintf(h, "%d\n%d\n%s\n", e.Seq, len(e.Body), e.Body)
	}
	keys := make([]string, 0, len(b.Filter))
	for k := range b.Filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	f := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(f, "%q=%q\n", k, b.Filter[k])
	}
	return fmt.Sprintf("%s\nformat %s\ntime %s\nby %s\ncheckpoint %d %s\nfilter %s\nentries %d %s\n",
		exportHeader, b.Format, b.ExportedAt.UTC().Format(bodyTime), strconv.Quote(b.ExportedBy),
		cp.Size, cp.Root, hex.EncodeToString(f.Sum(nil)), len(b.Entries), hex.EncodeToString(h.Sum(nil)))
}

// VerifyBundle checks an exported bundle against publicKey, the log's
// verifier key as the auditor kept it (not the key inside the bundle, which
// whoever altered the bundle could have replaced): the checkpoint's
// signature, the bundle's signature over its filter and entries, and each
// entry's inclusion proof. It returns the decoded entries.
func VerifyBundle(data []byte, publicKey string) ([]portal.AuditEntry, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("audit bundle: %w", err)
	}
	if b.Format != BundleFormat {
		return nil, fmt.Errorf("audit bundle: format %q, want %q", b.Format, BundleFormat)
	}
	v, err := note.NewVerifier(strings.TrimSpace(publicKey))
	if err != nil {
		return nil, fmt.Errorf("audit bundle: public key: %w", err)
	}
	known := note.VerifierList(v)
	cp, err := OpenCheckpoint(b.Checkpoint, known)
	if err != nil {
		return nil, fmt.Errorf("audit bundle: checkpoint: %w", err)
	}
	sig, err := note.Open([]byte(b.Signature), known)
	if err != nil {
		return nil, fmt.Errorf("audit bundle: signature: %w", err)
	}
	if sig.Text != b.digest(cp) {
		return nil, errors.New("audit bundle: the signature does not cover this bundle's filter, entries or checkpoint")
	}
	out := make([]portal.AuditEntry, 0, len(b.Entries))
	for i, be := range b.Entries {
		e, err := decodeEntry([]byte(be.Body))
		if err != nil {
			return nil, fmt.Errorf("audit bundle: entry %d: %w", be.Seq, err)
		}
		if e.Seq != be.Seq {
			return nil, fmt.Errorf("audit bundle: entry %d holds the content of entry %d", be.Seq, e.Seq)
		}
		proof := make(tlog.RecordProof, len(be.Proof))
		for j, s := range be.Proof {
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(raw) != tlog.HashSize {
				return nil, fmt.Errorf("audit bundle: entry %d: malformed proof", be.Seq)
			}
			copy(proof[j][:], raw)
		}
		if err := tlog.CheckRecord(proof, cp.Size, cp.Root, be.Seq, tlog.RecordHash([]byte(be.Body))); err != nil {
			return nil, fmt.Errorf("audit bundle: entry %d (#%d in the bundle) is not in the checkpointed log: %w", be.Seq, i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}
