package portal

import "time"

// Role is what a user may do (contract §4). Each user has exactly one.
type Role string

const (
	RoleInvestigator Role = "investigator"
	RoleSupervisor   Role = "supervisor"
	RoleAuditor      Role = "auditor"
	RoleAdmin        Role = "admin"
)

// Roles lists every role, in the order the contract's table gives them.
var Roles = []Role{RoleInvestigator, RoleSupervisor, RoleAuditor, RoleAdmin}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is an account of the portal.
type User struct {
	ID           int64
	Username     string
	Role         Role
	Unit         string
	PasswordHash string // argon2id, PHC string format
	TOTPSecret   string // empty when not enrolled
	TOTPRequired bool   // an admin requires a second factor
	TOTPLastStep int64  // the last accepted TOTP time step, so a code is accepted once
	Disabled     bool
	FailedLogins int       // failures since the last success
	LastFailure  time.Time // when the latest of those failures happened; the lockout window runs from it
	LockedUntil  time.Time // zero when not locked
	NotBefore    time.Time // tokens issued before this are void (logout, disable, re-role)
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Locked reports whether the account is locked at now.
func (u *User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }
