package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/web"
)

const auditUsage = `usage: portal audit verify
       portal audit checkpoint
       portal audit export [--format json|csv] [--actor A] [--action X] [--report ID] [--series ID] [--purpose P] [--from T] [--to T]
       portal audit verify-bundle --key KEY|--key-file FILE BUNDLE.json`

// auditMore runs the audit subcommands besides verify.
func (m *Main) auditMore(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, auditUsage)
		return exitFatal
	}
	switch args[0] {
	case "checkpoint":
		return m.auditCheckpointCmd(ctx, args[1:])
	case "export":
		return m.auditExportCmd(ctx, args[1:])
	case "verify-bundle":
		return m.auditVerifyBundleCmd(args[1:])
	}
	fmt.Fprintln(m.Stderr, auditUsage)
	return exitFatal
}

// auditCheckpointCmd signs a checkpoint of the log now and prints its note,
// for keeping somewhere the portal's administrators cannot change.
func (m *Main) auditCheckpointCmd(ctx context.Context, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(m.Stderr, auditUsage)
		return exitFatal
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	if err := m.audit(ctx, "audit.checkpoint", nil, "ok", ""); err != nil {
		return m.fail(err)
	}
	cp, err := m.Audit.Checkpoint(ctx)
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprint(m.Stdout, cp.Note)
	fmt.Fprintf(m.Stderr, "public key: %s\n", m.Audit.PublicKey())
	return exitOK
}

// auditExportCmd writes the entries that match the filter, newest first, as
// a signed bundle with inclusion proofs (json) or as CSV.
func (m *Main) auditExportCmd(ctx context.Context, args []string) int {
	fs := m.flags("audit export")
	format := fs.String("format", "json", "json (signed bundle with inclusion proofs) or csv")
	var f audit.Filter
	fs.StringVar(&f.Actor, "actor", "", "only this actor")
	fs.StringVar(&f.Action, "action", "", "only this action")
	fs.StringVar(&f.Purpose, "purpose", "", "only this purpose")
	report := fs.String("report", "", "only entries naming this report")
	series := fs.String("series", "", "only entries naming this series")
	from := fs.String("from", "", "entries at or after this time (RFC 3339 or a date)")
	to := fs.String("to", "", "entries before this time (RFC 3339, or a date: the end of it)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || (*format != "json" && *format != "csv") || (*report != "" && *series != "") {
		fmt.Fprintln(m.Stderr, auditUsage)
		return exitFatal
	}
	filter := map[string]string{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "purpose": f.Purpose, "report": *report,
		"series": *series, "from": *from, "to": *to} {
		if v != "" {
			filter[k] = v
		}
	}
	if *report != "" {
		f.Object = "report:" + *report
	}
	if *series != "" {
		f.Object = "series:" + *series
	}
	var err error
	if f.From, err = cliTime(*from, false); err != nil {
		return m.fail(err)
	}
	if f.To, err = cliTime(*to, true); err != nil {
		return m.fail(err)
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	var entries []portal.AuditEntry
	for {
		f.Limit = audit.MaxLimit
		page, err := m.Audit.Query(ctx, f)
		if err != nil {
			return m.fail(err)
		}
		entries = append(entries, page...)
		if len(page) < f.Limit || page[len(page)-1].Seq == 0 {
			break
		}
		f.BeforeSeq = page[len(page)-1].Seq
	}
	detail := fmt.Sprintf("format=%s filter=%v entries=%d", *format, filter, len(entries))
	if err := m.audit(ctx, "audit.export", nil, "ok", detail); err != nil {
		return m.fail(err)
	}
	if *format == "csv" {
		if err := web.WriteAuditCSV(m.Stdout, entries); err != nil {
			return m.fail(err)
		}
		return exitOK
	}
	b, err := m.Audit.ExportBundle(ctx, entries, filter, m.Actor)
	if err != nil {
		return m.fail(err)
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return m.fail(err)
	}
	return exitOK
}

func cliTime(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, portal.Errorf(portal.EINVALID, "time %q: use RFC 3339 or a date (2026-01-31)", v)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// auditVerifyBundleCmd checks an exported bundle with the log's public key
// alone: it needs no data directory, so it runs on the auditor's machine.
func (m *Main) auditVerifyBundleCmd(args []string) int {
	fs := m.flags("audit verify-bundle")
	key := fs.String("key", "", "the log's public key, as kept by the auditor")
	keyFile := fs.String("key-file", "", "a file holding the log's public key")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || (*key == "") == (*keyFile == "") {
		fmt.Fprintln(m.Stderr, auditUsage)
		return exitFatal
	}
	if *keyFile != "" {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return m.fail(err)
		}
		*key = strings.TrimSpace(string(b))
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return m.fail(err)
	}
	entries, err := audit.VerifyBundle(data, *key)
	if err != nil {
		fmt.Fprintln(m.Stdout, "bundle does NOT verify:", oneLine(err))
		return exitPartial
	}
	fmt.Fprintf(m.Stdout, "bundle verifies: %d entries, each proven in the signed checkpoint\n", len(entries))
	return exitOK
}
