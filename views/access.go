package views

import (
	"strconv"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// View models of the access-control pages: the Security page (second
// factor) and the administrators' user pages.

// CanManageUsers says whether the nav shows the Users link; the server
// checks the permission on every request regardless.
func (n *Nav) CanManageUsers() bool { return n.Role.Can(portal.PermManageUsers) }

// SecurityPage shows the state of the user's own second factor.
type SecurityPage struct {
	Nav      Nav
	Enrolled bool
	Required bool
	Done     bool
}

// TOTPEnrolPage shows a new authenticator secret and asks for a code.
type TOTPEnrolPage struct {
	Nav    Nav
	Secret string
	Due    bool // required and not yet set up: nothing else is reachable
	Error  string
}

// SecretGroups splits a base32 secret into groups of four for typing.
func (p TOTPEnrolPage) SecretGroups() string {
	var b strings.Builder
	for i := 0; i < len(p.Secret); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Secret[i:min(i+4, len(p.Secret))])
	}
	return b.String()
}

// UsersPage lists the accounts, with a form to create one.
type UsersPage struct {
	Nav   Nav
	Users []portal.User
	Roles []portal.Role
	Now   time.Time
	Form  NewUserForm
	Error string
}

// NewUserForm is what was typed into the create form (never the password).
type NewUserForm struct {
	Username    string
	Role        portal.Role
	Unit        string
	RequireTOTP bool
}

// UserPage is one account with a form for each change.
type UserPage struct {
	Nav   Nav
	User  portal.User
	Roles []portal.Role
	Now   time.Time
	Self  bool // the admin's own account: some changes are not offered
	Done  string
}

func itoa(n int) string { return strconv.Itoa(n) }
