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

// SavedSearch is a search an investigator keeps and comes back to.
type SavedSearch struct {
	ID       int64
	Username string
	Name     string
	// Params is the search as a URL query string: q and the form's filters.
	Params       string
	CreatedAt    time.Time
	LastViewedAt time.Time
}

const savedColumns = `id, username, name, params, created_at, last_viewed_at`

func scanSaved(row rowScanner) (SavedSearch, error) {
	var s SavedSearch
	var created, viewed string
	if err := row.Scan(&s.ID, &s.Username, &s.Name, &s.Params, &created, &viewed); err != nil {
		return s, err
	}
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, err
	}
	if s.LastViewedAt, err = parseTime(viewed); err != nil {
		return s, err
	}
	return s, nil
}

// SaveSearch stores a new saved search for its user, viewed as of now; a
// name the user already has is an ECONFLICT error.
func (s *Store) SaveSearch(ctx context.Context, ss SavedSearch) (SavedSearch, error) {
	ss.Name = strings.TrimSpace(ss.Name)
	if ss.Name == "" || len(ss.Name) > 200 {
		return ss, portal.Errorf(portal.EINVALID, "a saved search needs a name of 1 to 200 characters")
	}
	if len(ss.Params) > 4000 {
		return ss, portal.Errorf(portal.EINVALID, "the search is too long to save")
	}
	now := s.now()
	ss.CreatedAt, ss.LastViewedAt = now, now
	err := s.db.QueryRowContext(ctx, s.Rebind(`INSERT INTO saved_searches
		(username, name, params, created_at, last_viewed_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		ss.Username, ss.Name, ss.Params, formatTime(now), formatTime(now)).Scan(&ss.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return ss, portal.Errorf(portal.ECONFLICT, "you already have a saved search called %q", ss.Name)
		}
		return ss, fmt.Errorf("store: save search: %w", err)
	}
	return ss, nil
}

// SavedSearches lists a user's saved searches by name.
func (s *Store) SavedSearches(ctx context.Context, username string) ([]SavedSearch, error) {
	out, err := queryAll(ctx, s, s.db, `SELECT `+savedColumns+` FROM saved_searches
		WHERE username = ? ORDER BY name, id`, scanSaved, username)
	if err != nil {
		return nil, fmt.Errorf("store: saved searches: %w", err)
	}
	return out, nil
}

// SavedSearch returns one of a user's saved searches; another user's is
// ENOTFOUND.
func (s *Store) SavedSearch(ctx context.Context, username string, id int64) (SavedSearch, error) {
	row := s.db.QueryRowContext(ctx, s.Rebind(`SELECT `+savedColumns+` FROM saved_searches
		WHERE id = ? AND username = ?`), id, username)
	ss, err := scanSaved(row)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, portal.Errorf(portal.ENOTFOUND, "saved search %d not found", id)
	}
	if err != nil {
		return ss, fmt.Errorf("store: saved search %d: %w", id, err)
	}
	return ss, nil
}

// MarkSearchViewed records that the user has seen the search's results as
// of now, so only reports stored later count as new.
func (s *Store) MarkSearchViewed(ctx context.Context, username string, id int64) error {
	res, err := s.db.ExecContext(ctx, s.Rebind(`UPDATE saved_searches SET last_viewed_at = ?
		WHERE id = ? AND username = ?`), formatTime(s.now()), id, username)
	if err != nil {
		return fmt.Errorf("store: mark saved search %d viewed: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return portal.Errorf(portal.ENOTFOUND, "saved search %d not found", id)
	}
	return nil
}

// DeleteSavedSearch removes one of a user's saved searches.
func (s *Store) DeleteSavedSearch(ctx context.Context, username string, id int64) error {
	res, err := s.db.ExecContext(ctx, s.Rebind(`DELETE FROM saved_searches WHERE id = ? AND username = ?`), id, username)
	if err != nil {
		return fmt.Errorf("store: delete saved search %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return portal.Errorf(portal.ENOTFOUND, "saved search %d not found", id)
	}
	return nil
}
