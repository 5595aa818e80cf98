package main

import (
	"context"
	"fmt"
	"io"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/corpus"
	"github.com/investigation-portal/portal/internal/importer"
	"github.com/investigation-portal/portal/internal/portal"
)

// demoUsers are the demo log-ins, one per role. They exist only in a data
// directory loaded with `portal demo` or `serve --demo`; no other path
// creates an account with a known password.
var demoUsers = []struct {
	Name, Password string
	Role           portal.Role
	Unit           string
}{
	{"ivy.investigator", "demo-investigator-pass", portal.RoleInvestigator, "SOIT-South"},
	{"sam.supervisor", "demo-supervisor-pass", portal.RoleSupervisor, "SOIT-South"},
	{"ada.auditor", "demo-auditor-pass", portal.RoleAuditor, "Professional Standards"},
	{"alex.admin", "demo-admin-pass-2026", portal.RoleAdmin, "Central"},
}

// DemoReports is how many reports the demo corpus has.
const DemoReports = 6000

// demo is `portal demo`.
func (m *Main) demo(ctx context.Context, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(m.Stderr, "usage: portal demo")
		return exitFatal
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	if err := m.loadDemo(ctx, true); err != nil {
		return m.fail(err)
	}
	m.printDemoLogins()
	return exitOK
}

// loadDemo imports the demo corpus and creates the demo users. Unless
// always is set it does nothing when the store already holds reports, so
// `make run` loads the demo only on a first start.
func (m *Main) loadDemo(ctx context.Context, always bool) error {
	n, err := m.Store.CountReports(ctx)
	if err != nil {
		return err
	}
	if n > 0 && !always {
		return nil
	}
	fmt.Fprintf(m.Stdout, "loading the synthetic demo corpus (%d reports)…\n", DemoReports)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(corpus.WriteNDJSON(pw, corpus.Options{Seed: 1, Reports: DemoReports})) }()
	sum, err := m.importStream(ctx, pr, "demo corpus", importer.NDJSON, nil)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(m.Stdout, "demo corpus: imported %d, updated %d, unchanged %d\n", sum.Imported, sum.Updated, sum.Unchanged)
	for _, d := range demoUsers {
		if _, err := m.Store.UserByName(ctx, d.Name); err == nil {
			continue
		}
		hash, err := auth.HashPassword(d.Password)
		if err != nil {
			return err
		}
		if err := m.audit(ctx, "user.create", []string{"user:" + d.Name}, "ok", "demo user, role="+string(d.Role)); err != nil {
			return err
		}
		if _, err := m.Store.CreateUser(ctx, portal.User{Username: d.Name, Role: d.Role, Unit: d.Unit, PasswordHash: hash}); err != nil {
			return fmt.Errorf("demo user %s: %w", d.Name, err)
		}
	}
	return nil
}

func (m *Main) printDemoLogins() {
	fmt.Fprintln(m.Stdout, "demo log-ins (demo data only; never use these passwords elsewhere):")
	for _, d := range demoUsers {
		fmt.Fprintf(m.Stdout, "  %-10s %-18s password %s\n", d.Role, d.Name, d.Password)
	}
}
