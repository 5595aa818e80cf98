package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

const userColumns = `id, username, role, unit, password_hash, totp_secret, totp_required, totp_last_step,
	disabled, failed_logins, last_failure, locked_until, not_before, created_at, updated_at`

func scanUser(row rowScanner) (portal.User, error) {
	var (
		u                                                         portal.User
		role                                                      string
		totpRequired, disabled                                    int
		lastFailure, lockedUntil, notBefore, createdAt, updatedAt string
	)
	err := row.Scan(&u.ID, &u.Username, &role, &u.Unit, &u.PasswordHash, &u.TOTPSecret, &totpRequired,
		&u.TOTPLastStep, &disabled, &u.FailedLogins, &lastFailure, &lockedUntil, &notBefore, &createdAt, &updatedAt)
	if err != nil {
		return u, err
	}
	u.Role = portal.Role(role)
	u.TOTPRequired, u.Disabled = totpRequired != 0, disabled != 0
	for _, f := range []struct {
		s string
		t *time.Time
	}{{lastFailure, &u.LastFailure}, {lockedUntil, &u.LockedUntil}, {notBefore, &u.NotBefore},
		{createdAt, &u.CreatedAt}, {updatedAt, &u.UpdatedAt}} {
		if *f.t, err = parseTime(f.s); err != nil {
			return u, fmt.Errorf("user %s: %w", u.Username, err)
		}
	}
	return u, nil
}

// CreateUser adds a user; a taken username is an ECONFLICT error.
func (s *Store) CreateUser(ctx context.Context, u portal.User) (portal.User, error) {
	if !u.Role.Valid() {
		return u, portal.Errorf(portal.EINVALID, "unknown role %q", u.Role)
	}
	now := s.now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.db.QueryRowContext(ctx, s.Rebind(`INSERT INTO users (
		username, role, unit, password_hash, totp_secret, totp_required, totp_last_step, disabled,
		failed_logins, last_failure, locked_until, not_before, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Username, string(u.Role), u.Unit, u.PasswordHash, u.TOTPSecret, boolInt(u.TOTPRequired),
		u.TOTPLastStep, boolInt(u.Disabled), u.FailedLogins, formatTime(u.LastFailure),
		formatTime(u.LockedUntil), formatTime(u.NotBefore), formatTime(now), formatTime(now)).Scan(&u.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return u, portal.Errorf(portal.ECONFLICT, "user %s already exists", u.Username)
		}
		return u, fmt.Errorf("store: create user %s: %w", u.Username, err)
	}
	return u, nil
}

// UpdateUser writes every field of an existing user.
func (s *Store) UpdateUser(ctx context.Context, u portal.User) error {
	res, err := s.db.ExecContext(ctx, s.Rebind(`UPDATE users SET role = ?, unit = ?, password_hash = ?,
		totp_secret = ?, totp_required = ?,
		totp_last_step = CASE WHEN totp_last_step > ? THEN totp_last_step ELSE ? END, disabled = ?, failed_logins = ?,
		last_failure = ?, locked_until = ?, not_before = ?, updated_at = ? WHERE id = ?`),
		string(u.Role), u.Unit, u.PasswordHash, u.TOTPSecret, boolInt(u.TOTPRequired), u.TOTPLastStep, u.TOTPLastStep,
		boolInt(u.Disabled), u.FailedLogins, formatTime(u.LastFailure), formatTime(u.LockedUntil),
		formatTime(u.NotBefore), formatTime(s.now()), u.ID)
	if err != nil {
		return fmt.Errorf("store: update user %s: %w", u.Username, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return portal.Errorf(portal.ENOTFOUND, "user %s not found", u.Username)
	}
	return nil
}

// ClaimTOTPStep records step as the user's last accepted TOTP step, unless a
// step as late is already recorded: the conditional update is what makes
// "each code accepted once" hold across concurrent log-ins and nodes.
func (s *Store) ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.Rebind(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`), step, userID, step)
	if err != nil {
		return false, fmt.Errorf("store: claim totp step for user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim totp step for user %d: %w", userID, err)
	}
	return n == 1, nil
}

// UserByName returns a user, or an ENOTFOUND error.
func (s *Store) UserByName(ctx context.Context, username string) (portal.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.Rebind(`SELECT `+userColumns+` FROM users WHERE username = ?`), username))
	if errors.Is(err, sql.ErrNoRows) {
		return u, portal.Errorf(portal.ENOTFOUND, "user %s not found", username)
	}
	if err != nil {
		return u, fmt.Errorf("store: user %s: %w", username, err)
	}
	return u, nil
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]portal.User, error) {
	out, err := queryAll(ctx, s, s.db, `SELECT `+userColumns+` FROM users ORDER BY username`, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
