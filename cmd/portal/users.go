package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/portal"
)

const userUsage = `usage:
  portal user add NAME --role ROLE [--unit U] [--require-totp]   (password on stdin)
  portal user list
  portal user disable NAME
  portal user enable NAME
  portal user unlock NAME
  portal user role NAME ROLE [--unit U]
  portal user password NAME                                      (password on stdin)
  portal user totp NAME --require|--optional|--reset`

// userCmd is `portal user ...`. Every change is audited as cli:<os user>
// before it is stored, and the changes that take access away end the
// user's sessions (portal.User.NotBefore), as on the Users page.
func (m *Main) userCmd(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, userUsage)
		return exitFatal
	}
	switch args[0] {
	case "add":
		return m.userAdd(ctx, args)
	case "list":
		return m.userList(ctx, args[1:])
	case "disable", "enable", "unlock", "role", "password", "totp":
		return m.userChange(ctx, args[0], args[1:])
	}
	fmt.Fprintf(m.Stderr, "portal: unknown user command %q\n%s\n", args[0], userUsage)
	return exitFatal
}

// userList prints one account a line: name, role, unit, status.
func (m *Main) userList(ctx context.Context, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(m.Stderr, "usage: portal user list")
		return exitFatal
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	users, err := m.Store.Users(ctx)
	if err != nil {
		return m.fail(err)
	}
	if err := m.audit(ctx, "user.list", nil, "ok", fmt.Sprintf("%d users", len(users))); err != nil {
		return m.fail(err)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tUNIT\tSTATUS")
	now := time.Now()
	for _, u := range users {
		unit := u.Unit
		if unit == "" {
			unit = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Username, u.Role, unit, u.Status(now))
	}
	if err := tw.Flush(); err != nil {
		return m.fail(err)
	}
	return exitOK
}

// userChange is every `portal user VERB NAME ...` that changes an account.
func (m *Main) userChange(ctx context.Context, verb string, args []string) int {
	usage := func() int { fmt.Fprintln(m.Stderr, userUsage); return exitFatal }
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usage()
	}
	name, rest := args[0], args[1:]
	var role string
	if verb == "role" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return usage()
		}
		role, rest = rest[0], rest[1:]
	}
	fs := m.flags("user " + verb)
	unit := fs.String("unit", "", "the user's unit (role: default unchanged)")
	require := fs.Bool("require", false, "require a second factor (ends the user's sessions)")
	optional := fs.Bool("optional", false, "make the second factor optional")
	reset := fs.Bool("reset", false, "forget the user's authenticator (lost phone; ends their sessions)")
	if err := fs.Parse(rest); err != nil {
		return exitFatal
	}
	if fs.NArg() != 0 {
		return usage()
	}
	unitSet := false
	fs.Visit(func(f *flag.Flag) { unitSet = unitSet || f.Name == "unit" })
	if (verb != "role" && unitSet) || (verb != "totp" && (*require || *optional || *reset)) {
		return usage()
	}
	if verb == "totp" && btoi(*require)+btoi(*optional)+btoi(*reset) != 1 {
		return usage()
	}
	var hash string
	if verb == "password" {
		pw, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return m.fail(err)
		}
		pw = strings.TrimRight(pw, "\r\n")
		if err := auth.ValidatePassword(pw, name); err != nil {
			return m.fail(err)
		}
		if hash, err = auth.HashPassword(pw); err != nil {
			return m.fail(err)
		}
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	u, err := m.Store.UserByName(ctx, name)
	if err != nil {
		return m.fail(err)
	}
	now := time.Now()
	action, detail, changed := "user."+verb, "", true
	switch verb {
	case "disable":
		changed = !u.Disabled
		u.Disable(now)
		detail = "sessions ended"
	case "enable":
		changed = u.Disabled
		u.Enable()
	case "unlock":
		auth.Unlock(&u)
	case "role":
		newUnit := u.Unit
		if unitSet {
			newUnit = *unit
		}
		from := fmt.Sprintf("%s/%q", u.Role, u.Unit)
		if changed, err = u.SetRole(portal.Role(role), newUnit, now); err != nil {
			return m.fail(err)
		}
		detail = fmt.Sprintf("from %s to %s/%q; sessions ended", from, u.Role, u.Unit)
	case "password":
		action, detail = "user.password.reset", "sessions ended"
		u.SetPasswordHash(hash, now)
		auth.Unlock(&u)
	case "totp":
		switch {
		case *reset:
			action, detail, changed = "user.totp.reset", "sessions ended", u.TOTPSecret != ""
			u.ResetTOTP(now)
		default:
			action, detail, changed = "user.totp.require", fmt.Sprintf("required=%t", *require), u.TOTPRequired != *require
			u.RequireTOTP(*require, now)
		}
	}
	if !changed {
		fmt.Fprintf(m.Stdout, "%s: nothing to change (%s%s, %s)\n", u.Username, u.Role, unitSuffix(u.Unit), u.Status(now))
		return exitOK
	}
	if err := m.audit(ctx, action, []string{"user:" + u.Username}, "ok", detail); err != nil {
		return m.fail(err)
	}
	if err := m.Store.UpdateUser(ctx, u); err != nil {
		m.audit(ctx, action, []string{"user:" + u.Username}, "error", "not stored")
		return m.fail(err)
	}
	fmt.Fprintf(m.Stdout, "%s: %s (%s%s, %s)\n", u.Username, pastTense[verb], u.Role, unitSuffix(u.Unit), u.Status(now))
	return exitOK
}

var pastTense = map[string]string{
	"disable": "disabled, sessions ended", "enable": "enabled", "unlock": "unlocked",
	"role": "role changed, sessions ended", "password": "password set, sessions ended", "totp": "second factor changed",
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
