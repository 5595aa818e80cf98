package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/importer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("portal "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// importCmd is `portal import`: exit 0 when every record was stored, 1 when
// some were rejected (the rest stored), 2 when nothing could be read.
func (m *Main) importCmd(ctx context.Context, args []string) int {
	fs := m.flags("import")
	format := fs.String("format", "", "ndjson or csv (default: from the file name; ndjson for -)")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(m.Stderr, "usage: portal import [--format ndjson|csv] FILE|-")
		return exitFatal
	}
	name := fs.Arg(0)
	f := importer.FormatFor(name)
	if *format != "" {
		var err error
		if f, err = importer.ParseFormat(*format); err != nil {
			return m.fail(err)
		}
	}
	var in io.Reader = m.Stdin
	label := "stdin"
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return m.fail(err)
		}
		defer file.Close()
		in, label = file, name
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	sum, err := m.importStream(ctx, in, label, f, func(e importer.RecordError) { fmt.Fprintln(m.Stderr, e.String()) })
	fmt.Fprintf(m.Stdout, "imported %d, updated %d, rejected %d, unchanged %d\n", sum.Imported, sum.Updated, sum.Rejected, sum.Unchanged)
	if len(sum.UnknownFields) > 0 {
		fmt.Fprintf(m.Stderr, "%s: kept fields the contract does not name: %s\n", label, strings.Join(sum.UnknownFields, ", "))
	}
	switch {
	case err != nil:
		m.fail(err)
		if sum.Imported+sum.Updated > 0 {
			return exitPartial
		}
		return exitFatal
	case sum.Rejected > 0:
		return exitPartial
	}
	return exitOK
}

// importStream imports one input, auditing each batch before it is written
// and the whole file after, while the index follows the store.
func (m *Main) importStream(ctx context.Context, in io.Reader, label string, f importer.Format, onError func(importer.RecordError)) (importer.Summary, error) {
	wake := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { // the index follows in parallel: the store and Bleve each get a core
		var err error
		for range wake {
			if _, e := m.Indexer.CatchUp(ctx); e != nil && err == nil {
				err = e
			}
		}
		done <- err
	}()
	im := &importer.Importer{
		Writer: m.Store, Offences: m.Config.Offences, OnError: onError, BatchSize: 1000,
		BeforeBatch: func(batch []portal.Report) error {
			ids := make([]string, len(batch))
			for i := range batch {
				ids[i] = "report:" + batch[i].ID
			}
			return m.audit(ctx, "import.write", ids, "ok", label)
		},
		OnBatch: func([]store.UpsertResult) {
			select {
			case wake <- struct{}{}:
			default:
			}
		},
	}
	sum, err := im.Import(ctx, in, label, f)
	close(wake)
	ixErr := <-done
	if _, e := m.Indexer.CatchUp(ctx); e != nil && ixErr == nil {
		ixErr = e
	}
	detail := fmt.Sprintf("%s: imported=%d updated=%d unchanged=%d rejected=%d", label, sum.Imported, sum.Updated, sum.Unchanged, sum.Rejected)
	if aerr := m.audit(ctx, "import", nil, outcome(err), detail); aerr != nil && err == nil {
		err = aerr
	}
	if ixErr != nil && err == nil {
		err = fmt.Errorf("stored, but the index could not follow (it catches up at the next start): %w", ixErr)
	}
	return sum, err
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// searchCmd is `portal search`: the contract's JSON on stdout.
func (m *Main) searchCmd(ctx context.Context, args []string) int {
	fs := m.flags("search")
	limit := fs.Int("limit", 10, "hits to return")
	offset := fs.Int("offset", 0, "hits to skip")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	q := strings.Join(fs.Args(), " ")
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	// The command line is an operator's tool on the server itself: it sees
	// every report, and says so in the audit log.
	res, err := m.Index.Search(ctx, index.Request{Query: q, Limit: *limit, Offset: *offset, Viewer: index.Viewer{All: true}})
	if err != nil {
		return m.fail(err)
	}
	objs := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		objs[i] = "report:" + h.ID
	}
	if err := m.audit(ctx, "search", objs, "ok", fmt.Sprintf("q=%q limit=%d offset=%d hits=%d", q, *limit, *offset, res.Total)); err != nil {
		return m.fail(err)
	}
	return m.printJSON(res)
}

func (m *Main) printJSON(v any) int {
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return m.fail(err)
	}
	return exitOK
}

// reindex is `portal reindex`: a fresh index built from the store.
func (m *Main) reindex(ctx context.Context, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(m.Stderr, "usage: portal reindex")
		return exitFatal
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	path := m.Index.Path()
	if err := m.Index.Close(); err != nil {
		return m.fail(err)
	}
	m.Index = nil
	if err := index.Remove(path); err != nil {
		return m.fail(err)
	}
	ix, err := index.Open(path)
	if err != nil {
		return m.fail(err)
	}
	m.Index = ix
	m.Indexer.Index = ix
	n, err := m.Indexer.Rebuild(ctx)
	if err != nil {
		return m.fail(err)
	}
	if err := m.audit(ctx, "reindex", nil, "ok", fmt.Sprintf("%d reports", n)); err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "reindexed %d reports\n", n)
	return exitOK
}

// userAdd is `portal user add NAME --role ROLE [--unit U]`, reading the
// password from stdin. userCmd (users.go) dispatches to it.
func (m *Main) userAdd(ctx context.Context, args []string) int {
	if len(args) < 2 || args[0] != "add" {
		fmt.Fprintln(m.Stderr, "usage: portal user add NAME --role ROLE [--unit U] (password on stdin)")
		return exitFatal
	}
	name := args[1]
	if err := portal.ValidateUsername(name); err != nil {
		return m.fail(err)
	}
	fs := m.flags("user add")
	role := fs.String("role", "", "investigator, supervisor, auditor or admin")
	unit := fs.String("unit", "", "the user's unit")
	requireTOTP := fs.Bool("require-totp", false, "require a second factor at log-in")
	if err := fs.Parse(args[2:]); err != nil {
		return exitFatal
	}
	if !portal.Role(*role).Valid() {
		fmt.Fprintf(m.Stderr, "portal: --role must be one of investigator, supervisor, auditor, admin\n")
		return exitFatal
	}
	if err := portal.ValidateUnit(*unit); err != nil {
		return m.fail(err)
	}
	pw, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return m.fail(err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if err := auth.ValidatePassword(pw, name); err != nil {
		return m.fail(err)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return m.fail(err)
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	if err := m.audit(ctx, "user.create", []string{"user:" + name}, "ok", "role="+*role); err != nil {
		return m.fail(err)
	}
	u, err := m.Store.CreateUser(ctx, portal.User{Username: name, Role: portal.Role(*role), Unit: *unit,
		PasswordHash: hash, TOTPRequired: *requireTOTP})
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "added %s (%s%s)\n", u.Username, u.Role, unitSuffix(u.Unit))
	return exitOK
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return ", " + u
}

// auditCmd is `portal audit verify`.
func (m *Main) auditCmd(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] != "verify" {
		return m.auditMore(ctx, args) // audit_cmd.go
	}
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(m.Stderr, "usage: portal audit verify")
		return exitFatal
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	rep, err := m.Audit.Verify(ctx)
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintln(m.Stdout, rep.String())
	// The verification is itself an access to the log.
	if err := m.audit(ctx, "audit.verify", nil, "ok", rep.String()); err != nil {
		return m.fail(err)
	}
	if !rep.Intact {
		return exitPartial
	}
	return exitOK
}

// corpusCmd writes the synthetic corpus, for benchmarks and evaluation.
func (m *Main) corpusCmd(ctx context.Context, args []string) int {
	fs := m.flags("corpus")
	n := fs.Int("reports", 5000, "how many reports")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same corpus")
	truth := fs.String("truth", "", "also write the ground truth (series membership) to this file")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	opt := corpus.Options{Seed: *seed, Reports: *n}
	w := bufio.NewWriterSize(m.Stdout, 1<<20)
	if err := corpus.WriteNDJSON(w, opt); err != nil {
		return m.fail(err)
	}
	if err := w.Flush(); err != nil {
		return m.fail(err)
	}
	if *truth != "" {
		f, err := os.Create(*truth)
		if err != nil {
			return m.fail(err)
		}
		defer f.Close()
		if err := corpus.WriteTruthNDJSON(f, opt); err != nil {
			return m.fail(err)
		}
	}
	return exitOK
}
