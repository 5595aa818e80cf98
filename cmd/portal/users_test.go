package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
	"github.com/investigation-portal/portal/internal/store"
)

// run runs one command in-process against dir and returns its exit code
// and output.
func run(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), append([]string{"--data", dir}, args...))
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

func userIn(t *testing.T, dir, name string) portal.User {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	must := func(want int, stdin string, args ...string) string {
		t.Helper()
		code, out, errOut := run(t, dir, stdin, args...)
		if code != want {
			t.Fatalf("portal %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out + errOut
	}
	must(0, "a long enough pass phrase\n", "user", "add", "ivy", "--role", "investigator", "--unit", "SOIT-South")
	must(2, "password\n", "user", "add", "sam", "--role", "supervisor") // a common password
	must(2, "a long enough pass phrase\n", "user", "add", "Bad Name", "--role", "supervisor")

	before := time.Now().Add(-time.Second)
	out := must(0, "", "user", "role", "ivy", "supervisor")
	if u := userIn(t, dir, "ivy"); u.Role != portal.RoleSupervisor || u.Unit != "SOIT-South" || u.NotBefore.Before(before) {
		t.Fatalf("after role (unit kept): %+v\n%s", u, out)
	}
	must(0, "", "user", "role", "ivy", "investigator", "--unit", "SOIT-North")
	if u := userIn(t, dir, "ivy"); u.Role != portal.RoleInvestigator || u.Unit != "SOIT-North" {
		t.Fatalf("after role --unit: %+v", u)
	}
	must(2, "", "user", "role", "ivy", "superuser")
	must(2, "", "user", "disable", "nobody")

	must(0, "", "user", "disable", "ivy")
	if u := userIn(t, dir, "ivy"); !u.Disabled {
		t.Fatal("not disabled")
	}
	if out := must(0, "", "user", "list"); !strings.Contains(out, "ivy") || !strings.Contains(out, "disabled") || !strings.Contains(out, "SOIT-North") {
		t.Fatalf("list: %s", out)
	}
	must(0, "", "user", "enable", "ivy")

	st, _ := store.Open(context.Background(), filepath.Join(dir, "portal.db"))
	u, _ := st.UserByName(context.Background(), "ivy")
	u.FailedLogins, u.LockedUntil = 5, time.Now().Add(time.Hour)
	st.UpdateUser(context.Background(), u)
	st.Close()
	must(0, "", "user", "unlock", "ivy")
	if u := userIn(t, dir, "ivy"); u.Locked(time.Now()) || u.FailedLogins != 0 {
		t.Fatalf("still locked: %+v", u)
	}

	must(0, "", "user", "totp", "ivy", "--require")
	if u := userIn(t, dir, "ivy"); !u.TOTPRequired {
		t.Fatal("totp not required")
	}
	must(2, "", "user", "totp", "ivy")
	must(0, "another long pass phrase\n", "user", "password", "ivy")
	if ok, _ := auth.CheckPassword(userIn(t, dir, "ivy").PasswordHash, "another long pass phrase"); !ok {
		t.Fatal("password not changed")
	}
	must(2, "", "user", "frobnicate", "ivy")
}

// TestNoDefaultPasswords guards "no default passwords outside demo mode":
// the only code that creates accounts is the demo loader (portal demo,
// serve --demo), `portal user add` (password from stdin) and the admin's
// create form (password typed by the admin). A new call of CreateUser
// anywhere else fails here until it is reviewed and added.
func TestNoDefaultPasswords(t *testing.T) {
	allowed := map[string]bool{
		"cmd/portal/demo.go":      true, // demo users, only with `portal demo` / `serve --demo`
		"cmd/portal/commands.go":  true, // user add: the password comes from stdin
		"internal/web/users.go":   true, // the admin's form: the password is typed
		"internal/store/users.go": true, // the definition
	}
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "storetest") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "CreateUser" && !allowed[filepath.ToSlash(rel)] {
				t.Errorf("%s: creates accounts (CreateUser); only the demo and admin-typed passwords may", fset.Position(sel.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The demo loader runs only for `portal demo` and `serve --demo`.
	code, out, _ := run(t, t.TempDir(), "", "user", "list")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("a fresh data directory has accounts: %s", out)
	}
}
