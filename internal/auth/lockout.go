package auth

import (
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// LockoutPolicy locks an account after repeated failed log-ins.
//
// Failures count as one run while each follows the previous one within
// Window (portal.User.LastFailure); a longer quiet spell starts the count
// again. MaxFailures in a run lock the account for LockFor, or until an
// admin calls Unlock when LockFor is zero or negative. A run is at least as
// strict as "MaxFailures within Window": any five failures inside fifteen
// minutes are also five failures each within fifteen minutes of the last,
// while a slow guesser who pauses under Window between tries is caught too.
//
// The fields it reads and writes: FailedLogins, LastFailure, LockedUntil.
// The log-in handler persists them after every attempt, and must check
// u.Locked(now) before checking the password: while locked, no password is
// tried at all (use DummyCheck for equal timing).
type LockoutPolicy struct {
	MaxFailures int
	Window      time.Duration
	LockFor     time.Duration
}

// DefaultLockout is issue 4's policy: five failures in 15 minutes lock the
// account for 15 minutes.
var DefaultLockout = LockoutPolicy{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

// lockForever stands for "until an admin unlocks": far enough for any
// deployment, near enough to be stored by every database driver.
var lockForever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func (p LockoutPolicy) orDefault() LockoutPolicy {
	if p.MaxFailures <= 0 || p.Window <= 0 {
		return DefaultLockout
	}
	return p
}

// RecordFailure counts a failed log-in (wrong password or wrong second
// factor) at now and reports whether it locked the account.
func (p LockoutPolicy) RecordFailure(u *portal.User, now time.Time) (lockedNow bool) {
	p = p.orDefault()
	if u.Locked(now) {
		// Counted for the record, but a lock is never extended by failures
		// during it: that would let anyone keep an account locked for good.
		u.FailedLogins++
		u.LastFailure = now
		return false
	}
	if !u.LockedUntil.IsZero() {
		// The lock has run out: a fresh start, not one strike from relocking.
		u.LockedUntil = time.Time{}
		u.FailedLogins = 0
	}
	if u.FailedLogins > 0 && now.Sub(u.LastFailure) > p.Window {
		u.FailedLogins = 0
	}
	u.FailedLogins++
	u.LastFailure = now
	if u.FailedLogins < p.MaxFailures {
		return false
	}
	if p.LockFor > 0 {
		u.LockedUntil = now.Add(p.LockFor)
	} else {
		u.LockedUntil = lockForever
	}
	return true
}

// RecordSuccess clears the failure count after a complete log-in. It leaves
// LockedUntil alone, so calling it by mistake during a lock does not lift it.
func (p LockoutPolicy) RecordSuccess(u *portal.User) {
	u.FailedLogins = 0
	u.LastFailure = time.Time{}
}

// Unlock is the admin's action: it lifts a lock and clears the count.
func Unlock(u *portal.User) {
	u.FailedLogins = 0
	u.LastFailure = time.Time{}
	u.LockedUntil = time.Time{}
}
