package portal

import (
	"regexp"
	"strings"
	"time"
)

// The changes an administrator makes to an account, shared by the browser's
// user pages and `portal user` so that both mean the same thing. Each one
// that takes away access, or changes what a session may do, sets NotBefore:
// every session the user holds ends at their next request, on every node.

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// ValidateUsername accepts 2–64 lower-case letters, digits, '.', '_' and
// '-', starting with a letter or digit: names that are safe in audit entries
// ("user:NAME"), URLs and log lines without escaping.
func ValidateUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return Errorf(EINVALID, "a username has 2 to 64 lower-case letters, digits, '.', '_' or '-', and starts with a letter or digit")
	}
	return nil
}

// ValidateUnit accepts a unit name of printable text up to 64 characters.
func ValidateUnit(unit string) error {
	if len(unit) > 64 || strings.TrimSpace(unit) != unit || strings.ContainsFunc(unit, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return Errorf(EINVALID, "a unit is up to 64 characters of text without leading or trailing spaces")
	}
	return nil
}

// EndSessions voids every token issued to u until now.
func (u *User) EndSessions(now time.Time) { u.NotBefore = now }

// Disable stops u from logging in and ends their sessions.
func (u *User) Disable(now time.Time) {
	u.Disabled = true
	u.EndSessions(now)
}

// Enable lets a disabled user log in again (with a fresh failure count).
func (u *User) Enable() {
	u.Disabled = false
	u.FailedLogins, u.LastFailure, u.LockedUntil = 0, time.Time{}, time.Time{}
}

// SetRole changes u's role and unit and ends their sessions, whose tokens
// carry the old ones. It reports whether anything changed.
func (u *User) SetRole(role Role, unit string, now time.Time) (bool, error) {
	if !role.Valid() {
		return false, Errorf(EINVALID, "unknown role %q (one of investigator, supervisor, auditor, admin)", role)
	}
	if err := ValidateUnit(unit); err != nil {
		return false, err
	}
	if u.Role == role && u.Unit == unit {
		return false, nil
	}
	u.Role, u.Unit = role, unit
	u.EndSessions(now)
	return true, nil
}

// RequireTOTP makes a second factor compulsory (or optional again). Making
// it compulsory ends the user's sessions, so none that began with a
// password alone outlives the decision.
func (u *User) RequireTOTP(required bool, now time.Time) {
	if required && !u.TOTPRequired {
		u.EndSessions(now)
	}
	u.TOTPRequired = required
}

// ResetTOTP forgets u's authenticator (lost phone); they enrol again at
// their next log-in if a second factor is required. Ends their sessions.
func (u *User) ResetTOTP(now time.Time) {
	u.TOTPSecret, u.TOTPLastStep = "", 0
	u.EndSessions(now)
}

// SetPasswordHash replaces u's password (already checked against the
// policy and hashed) and ends their sessions.
func (u *User) SetPasswordHash(hash string, now time.Time) {
	u.PasswordHash = hash
	u.EndSessions(now)
}

// Status is a short description of the account's state for lists.
func (u *User) Status(now time.Time) string {
	var parts []string
	if u.Disabled {
		parts = append(parts, "disabled")
	}
	if u.Locked(now) {
		parts = append(parts, "locked")
	}
	switch {
	case u.TOTPSecret != "":
		parts = append(parts, "totp")
	case u.TOTPRequired:
		parts = append(parts, "totp-due")
	}
	if len(parts) == 0 {
		return "active"
	}
	return strings.Join(parts, ",")
}
