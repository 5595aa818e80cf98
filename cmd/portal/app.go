package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/investigation-portal/portal/index"
	"github.com/investigation-portal/portal/internal/audit"
	"github.com/investigation-portal/portal/internal/indexer"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// Exit codes of the command line.
const (
	exitOK      = 0
	exitPartial = 1 // some records rejected, an unknown id, a log that does not verify
	exitFatal   = 2 // nothing could be done: bad usage, unreadable input, data directory busy
)

// Main is the program with its collaborators as exported fields, so tests
// can run it in-process (on :0) and reach the store and index it opened.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Log            *slog.Logger

	Config  Config
	DataDir string
	Store   *store.Store
	Index   *index.Index
	Indexer *indexer.Indexer
	Audit   *audit.Log
	Actor   string // who command-line accesses are audited as

	lock *dirLock
	// Ready, if set, is called by serve with the URL once it listens.
	Ready func(url string)
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

const usage = `usage: portal [--data DIR] [--config FILE] COMMAND [ARGS]

commands:
  serve [--addr HOST:PORT] [--demo]   serve the portal (--demo: load the demo data on a first start)
  demo                                load the synthetic demo corpus and demo users
  import [--format ndjson|csv] FILE|- import reports
  search [--limit N] QUERY            search reports (JSON)
  reindex                             rebuild the search index from the store
  user add NAME --role ROLE [--unit U] [--require-totp]  add a user; the password is read from stdin
  user list | disable NAME | enable NAME | unlock NAME   list or change accounts
  user role NAME ROLE [--unit U]      change a user's role (and unit); ends their sessions
  user password NAME                  set a new password, read from stdin; ends their sessions
  user totp NAME --require|--optional|--reset  the user's second factor
  audit verify                        verify the tamper-evident audit log
  audit checkpoint | export | verify-bundle  sign a checkpoint now; export entries (signed JSON or CSV); check an export
  corpus [--reports N] [--seed S] [--truth FILE]  write the synthetic corpus as NDJSON to stdout
  similar [--limit N] ID...           reports most like each ID, with reasons (NDJSON)
  series discover [--min-score F]     propose candidate series over the whole corpus (JSON)
  eval [--reports N] [--seed S] [--labels FILE] [--tune]  linkage metrics on labelled data
`

// Run runs one command and returns its exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	global := flag.NewFlagSet("portal", flag.ContinueOnError)
	global.SetOutput(m.Stderr)
	global.Usage = func() { fmt.Fprint(m.Stderr, usage) }
	dataFlag := global.String("data", "", "data directory (default ./data, env PORTAL_DATA)")
	configFlag := global.String("config", "", "configuration file (default configs/portal.yaml when present)")
	if err := global.Parse(args); err != nil {
		return exitFatal
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitFatal
	}
	configPath, explicit := *configFlag, *configFlag != ""
	if !explicit {
		configPath = "configs/portal.yaml"
	}
	cfg, err := loadConfig(configPath, explicit)
	if err != nil {
		return m.fail(err)
	}
	if v := m.Getenv("PORTAL_STORE"); v != "" {
		cfg.Store = v
	}
	m.Config = cfg
	m.DataDir = cfg.Data
	if v := m.Getenv("PORTAL_DATA"); v != "" {
		m.DataDir = v
	}
	if *dataFlag != "" {
		m.DataDir = *dataFlag
	}
	m.Actor = "cli:" + osUser()

	cmd, cmdArgs := rest[0], rest[1:]
	var code int
	switch cmd {
	case "serve":
		code = m.serve(ctx, cmdArgs)
	case "demo":
		code = m.demo(ctx, cmdArgs)
	case "import":
		code = m.importCmd(ctx, cmdArgs)
	case "search":
		code = m.searchCmd(ctx, cmdArgs)
	case "reindex":
		code = m.reindex(ctx, cmdArgs)
	case "user":
		code = m.userCmd(ctx, cmdArgs)
	case "audit":
		code = m.auditCmd(ctx, cmdArgs)
	case "corpus":
		code = m.corpusCmd(ctx, cmdArgs)
	case "similar":
		code = m.similarCmd(ctx, cmdArgs)
	case "series":
		code = m.seriesCmd(ctx, cmdArgs)
	case "eval":
		code = m.evalCmd(ctx, cmdArgs)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		code = exitOK
	default:
		fmt.Fprintf(m.Stderr, "portal: unknown command %q\n%s", cmd, usage)
		code = exitFatal
	}
	return code
}

// fail prints an error in one line and returns the exit code it calls for.
func (m *Main) fail(err error) int {
	fmt.Fprintln(m.Stderr, "portal:", oneLine(err))
	return exitFatal
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// open locks the data directory and opens the store, the index and the
// audit log, catching the index up with the store.
func (m *Main) open(ctx context.Context) error {
	if m.Store != nil {
		return nil
	}
	lock, err := lockDir(m.DataDir)
	if err != nil {
		return err
	}
	m.lock = lock
	dsn := m.Config.Store
	if dsn == "" {
		dsn = filepath.Join(m.DataDir, "portal.db")
	}
	if m.Store, err = store.Open(ctx, dsn); err != nil {
		return err
	}
	auditKey := m.Config.Audit.KeyFile
	if auditKey == "" {
		auditKey = filepath.Join(m.DataDir, "audit.key")
	}
	if m.Audit, err = audit.Open(ctx, m.Store, auditKey); err != nil {
		return err
	}
	ixPath := filepath.Join(m.DataDir, "index")
	m.Index, err = index.Open(ixPath)
	if err != nil {
		// The index is derived from the store, so one that cannot be opened
		// (built by an older version, or cut short by a crash while it was
		// being created) is rebuilt rather than left to block the portal.
		m.Log.Warn("search index cannot be used; rebuilding it from the store", "path", ixPath, "err", err)
		if err = index.Remove(ixPath); err == nil {
			m.Index, err = index.Open(ixPath)
		}
	}
	if err != nil {
		return err
	}
	if err := m.loadSynonyms(); err != nil {
		return err
	}
	m.Indexer = indexer.New(m.Store, m.Index, m.Log)
	// An import that was killed leaves the index behind the store: every
	// command reads an index that has caught up.
	if _, err := m.Indexer.CatchUp(ctx); err != nil {
		return err
	}
	return nil
}

// Close releases everything Run opened.
func (m *Main) Close() error {
	var errs []error
	if m.Index != nil {
		errs = append(errs, m.Index.Close())
		m.Index = nil
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
		m.Store = nil
	}
	errs = append(errs, m.lock.Close())
	m.lock = nil
	return errors.Join(errs...)
}

// audit records a command-line access as cli:<os user>. Like the server it
// fails closed: the caller stops when the entry cannot be written.
func (m *Main) audit(ctx context.Context, action string, objects []string, outcome, detail string) error {
	_, err := m.Audit.Append(ctx, portal.AuditEntry{Actor: m.Actor, Action: action, Objects: objects,
		Outcome: outcome, Detail: detail, Purpose: m.Getenv("PORTAL_PURPOSE")})
	if err != nil {
		return fmt.Errorf("audit log could not be written, so nothing was done: %w", err)
	}
	return nil
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
