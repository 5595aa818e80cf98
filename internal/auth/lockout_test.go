package auth

import (
	"testing"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

func TestLockout(t *testing.T) {
	p := DefaultLockout
	tests := []struct {
		name       string
		failures   []time.Duration // offsets from t0
		lockedAt   time.Duration   // check Locked at this offset
		wantLocked bool
	}{
		{"five in a minute", []time.Duration{0, 10e9, 20e9, 30e9, 40e9}, time.Minute, true},
		{"five within the window", []time.Duration{0, 3 * time.Minute, 6 * time.Minute, 9 * time.Minute, 14 * time.Minute}, 15 * time.Minute, true},
		{"four are not enough", []time.Duration{0, 1e9, 2e9, 3e9}, time.Minute, false},
		{"spread over more than the window", []time.Duration{0, 16 * time.Minute, 32 * time.Minute, 48 * time.Minute, 64 * time.Minute}, 65 * time.Minute, false},
		{"a pause longer than the window starts again", []time.Duration{0, 1e9, 2e9, 3e9, 20 * time.Minute, 21 * time.Minute}, 22 * time.Minute, false},
		{"the lock runs out", []time.Duration{0, 1e9, 2e9, 3e9, 4e9}, 16 * time.Minute, false},
		{"still locked just before it runs out", []time.Duration{0, 1e9, 2e9, 3e9, 4e9}, 15 * time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &portal.User{Username: "alice"}
			locks := 0
			for _, d := range tt.failures {
				if p.RecordFailure(u, t0.Add(d)) {
					locks++
				}
			}
			if got := u.Locked(t0.Add(tt.lockedAt)); got != tt.wantLocked {
				t.Fatalf("Locked = %v, want %v (user %+v)", got, tt.wantLocked, u)
			}
			if tt.wantLocked && locks != 1 {
				t.Fatalf("RecordFailure reported %d locks, want 1", locks)
			}
		})
	}
}

func TestLockoutSuccessResets(t *testing.T) {
	p := DefaultLockout
	u := &portal.User{}
	for i := range 4 {
		p.RecordFailure(u, t0.Add(time.Duration(i)*time.Second))
	}
	p.RecordSuccess(u)
	if u.FailedLogins != 0 || !u.LastFailure.IsZero() {
		t.Fatalf("after success: %+v", u)
	}
	for i := range 4 {
		if p.RecordFailure(u, t0.Add(time.Minute+time.Duration(i)*time.Second)) {
			t.Fatal("locked after 4 + success + 4 failures")
		}
	}
	if u.Locked(t0.Add(2 * time.Minute)) {
		t.Fatal("success did not reset the count")
	}
}

func TestLockoutSuccessDoesNotLiftALock(t *testing.T) {
	p := DefaultLockout
	u := &portal.User{}
	for range 5 {
		p.RecordFailure(u, t0)
	}
	p.RecordSuccess(u)
	if !u.Locked(t0.Add(time.Minute)) {
		t.Fatal("RecordSuccess lifted a lock")
	}
}

func TestLockoutNotExtendedWhileLocked(t *testing.T) {
	p := DefaultLockout
	u := &portal.User{}
	for range 5 {
		p.RecordFailure(u, t0)
	}
	until := u.LockedUntil
	if p.RecordFailure(u, t0.Add(10*time.Minute)) || !u.LockedUntil.Equal(until) {
		t.Fatalf("a failure during the lock changed it: %v -> %v", until, u.LockedUntil)
	}
	// After the lock, one failure does not relock.
	if p.RecordFailure(u, t0.Add(16*time.Minute)) || u.Locked(t0.Add(16*time.Minute)) {
		t.Fatal("one failure after a lock ran out relocked the account")
	}
}

func TestLockoutUntilAdminUnlocks(t *testing.T) {
	p := LockoutPolicy{MaxFailures: 3, Window: time.Minute}
	u := &portal.User{}
	for range 3 {
		p.RecordFailure(u, t0)
	}
	if !u.Locked(t0.AddDate(5, 0, 0)) {
		t.Fatal("a lock without LockFor ran out")
	}
	Unlock(u)
	if u.Locked(t0) || u.FailedLogins != 0 {
		t.Fatalf("after Unlock: %+v", u)
	}
}

func TestLockoutZeroPolicyIsDefault(t *testing.T) {
	u := &portal.User{}
	var p LockoutPolicy
	for i := range 5 {
		p.RecordFailure(u, t0.Add(time.Duration(i)*time.Second))
	}
	if !u.Locked(t0.Add(time.Minute)) {
		t.Fatal("the zero LockoutPolicy does not lock")
	}
}
