package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

const seriesColumns = `id, title, rationale, status, score, evidence, created_by, changed_by,
	decided_by, decision_reason, version, created_at, updated_at`

func scanSeries(row rowScanner) (portal.Series, error) {
	var (
		s                 portal.Series
		status            string
		evidence, changed string
		created, updated  string
	)
	err := row.Scan(&s.ID, &s.Title, &s.Rationale, &status, &s.Score, &evidence, &s.CreatedBy, &changed,
		&s.DecidedBy, &s.Decision, &s.Version, &created, &updated)
	if err != nil {
		return s, err
	}
	s.Status = portal.SeriesStatus(status)
	if err := json.Unmarshal([]byte(evidence), &s.Evidence); err != nil {
		return s, fmt.Errorf("evidence: %w", err)
	}
	if err := json.Unmarshal([]byte(changed), &s.ChangedBy); err != nil {
		return s, fmt.Errorf("changed_by: %w", err)
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, err
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return s, err
	}
	return s, nil
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return "[]", nil
	}
	return string(b), nil
}

// CreateSeries stores a new series with its reports at version 1. The
// creator is added to ChangedBy (none of them may later approve it).
func (s *Store) CreateSeries(ctx context.Context, se portal.Series) (portal.Series, error) {
	if se.Status == "" {
		se.Status = portal.SeriesDraft
	}
	if se.CreatedBy == "" {
		return se, portal.Errorf(portal.EINVALID, "a series needs a creator")
	}
	if !containsString(se.ChangedBy, se.CreatedBy) {
		se.ChangedBy = append(se.ChangedBy, se.CreatedBy)
	}
	now := s.now()
	se.Version, se.CreatedAt, se.UpdatedAt = 1, now, now
	ev, err := jsonText(se.Evidence)
	if err != nil {
		return se, err
	}
	ch, err := jsonText(se.ChangedBy)
	if err != nil {
		return se, err
	}
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.Rebind(`INSERT INTO series (title, rationale, status, score, evidence,
			created_by, changed_by, decided_by, decision_reason, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			se.Title, se.Rationale, string(se.Status), se.Score, ev, se.CreatedBy, ch, se.DecidedBy,
			se.Decision, se.Version, formatTime(now), formatTime(now)).Scan(&se.ID)
		if err != nil {
			return err
		}
		added, removed, err := s.writeMembers(ctx, tx, se.ID, se.ReportIDs)
		if err != nil {
			return err
		}
		return s.writeEvent(ctx, tx, SeriesEvent{SeriesID: se.ID, At: now, Actor: se.CreatedBy, Action: "create",
			Status: se.Status, Version: se.Version, Added: added, Removed: removed})
	})
	if err != nil {
		return se, fmt.Errorf("store: create series: %w", err)
	}
	return se, nil
}

// writeMembers makes reports the series' confirmed members, in that order,
// and returns the reports it added and removed. Flagged reports that are
// not among them stay flagged; a flagged report among them is confirmed.
func (s *Store) writeMembers(ctx context.Context, tx *sql.Tx, id int64, reports []string) (added, removed []string, err error) {
	old, err := s.membersQ(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, s.Rebind(`DELETE FROM series_reports WHERE series_id = ? AND flagged = 0`), id); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for i, r := range reports {
		if seen[r] {
			continue
		}
		seen[r] = true
		if !containsString(old, r) {
			added = append(added, r)
		}
		if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO series_reports (series_id, report_id, position, flagged)
			VALUES (?, ?, ?, 0) ON CONFLICT (series_id, report_id) DO UPDATE SET position = excluded.position, flagged = 0`),
			id, r, i); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range old {
		if !seen[r] {
			removed = append(removed, r)
		}
	}
	return added, removed, nil
}

// Series returns one series with its reports, or ENOTFOUND.
func (s *Store) Series(ctx context.Context, id int64) (portal.Series, error) {
	se, err := scanSeries(s.db.QueryRowContext(ctx, s.Rebind(`SELECT `+seriesColumns+` FROM series WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return se, portal.Errorf(portal.ENOTFOUND, "series %d not found", id)
	}
	if err != nil {
		return se, fmt.Errorf("store: series %d: %w", id, err)
	}
	if se.ReportIDs, err = s.members(ctx, id); err != nil {
		return se, err
	}
	return se, nil
}

// members returns the confirmed reports of a series (not the flagged ones).
func (s *Store) members(ctx context.Context, id int64) ([]string, error) {
	return s.membersQ(ctx, s.db, id)
}

func (s *Store) membersQ(ctx context.Context, db querier, id int64) ([]string, error) {
	out, err := queryAll(ctx, s, db, `SELECT report_id FROM series_reports WHERE series_id = ? AND flagged = 0 ORDER BY position, report_id`, scanString, id)
	if err != nil {
		return nil, fmt.Errorf("store: series %d reports: %w", id, err)
	}
	if out == nil {
		out = []string{} // a series with no reports lists [], not null
	}
	return out, nil
}

// ListSeries lists series (with their reports) in the given status, or all
// when status is empty, strongest score first, then newest.
func (s *Store) ListSeries(ctx context.Context, status portal.SeriesStatus) ([]portal.Series, error) {
	q := `SELECT ` + seriesColumns + ` FROM series`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, string(status))
	}
	q += ` ORDER BY score DESC, id DESC`
	rows, err := s.db.QueryContext(ctx, s.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list series: %w", err)
	}
	var out []portal.Series
	for rows.Next() {
		se, err := scanSeries(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list series: %w", err)
		}
		out = append(out, se)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].ReportIDs, err = s.members(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateSeries writes a changed series made on version se.Version: a stale
// version is ECONFLICT. by is added to ChangedBy. It returns the series at
// its new version. The change is recorded in the history as a "change".
func (s *Store) UpdateSeries(ctx context.Context, se portal.Series, by string) (portal.Series, error) {
	return s.ChangeSeries(ctx, se, by, SeriesEvent{Actor: by, Action: "change"})
}

// ChangeSeries is UpdateSeries with the history entry spelled out: ev's
// Action and Detail (and Actor, who need not be a changer: a supervisor's
// decision leaves ChangedBy alone when by is ""). The entry's series,
// time, status, version and added and removed reports are filled in, and it
// is written in the same transaction as the change.
func (s *Store) ChangeSeries(ctx context.Context, se portal.Series, by string, ev SeriesEvent) (portal.Series, error) {
	if by != "" && !containsString(se.ChangedBy, by) {
		se.ChangedBy = append(se.ChangedBy, by)
	}
	ev2, err := jsonText(se.Evidence)
	if err != nil {
		return se, err
	}
	ch, err := jsonText(se.ChangedBy)
	if err != nil {
		return se, err
	}
	now := s.now()
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.Rebind(`UPDATE series SET title = ?, rationale = ?, status = ?,
			score = ?, evidence = ?, changed_by = ?, decided_by = ?, decision_reason = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`),
			se.Title, se.Rationale, string(se.Status), se.Score, ev2, ch, se.DecidedBy, se.Decision,
			formatTime(now), se.ID, se.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var v int64
			err := tx.QueryRowContext(ctx, s.Rebind(`SELECT version FROM series WHERE id = ?`), se.ID).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				return portal.Errorf(portal.ENOTFOUND, "series %d not found", se.ID)
			}
			return portal.Errorf(portal.ECONFLICT, "series %d was changed since version %d (now %d): reload it and make the change again", se.ID, se.Version, v)
		}
		added, removed, err := s.writeMembers(ctx, tx, se.ID, se.ReportIDs)
		if err != nil {
			return err
		}
		ev.SeriesID, ev.At, ev.Status, ev.Version, ev.Added, ev.Removed = se.ID, now, se.Status, se.Version+1, added, removed
		if ev.Action == "" {
			ev.Action = "change"
		}
		return s.writeEvent(ctx, tx, ev)
	})
	if err != nil {
		var pe *portal.Error
		if errors.As(err, &pe) {
			return se, err
		}
		return se, fmt.Errorf("store: update series %d: %w", se.ID, err)
	}
	se.Version++
	se.UpdatedAt = now
	return se, nil
}

// SeriesEvent is one entry in a series' history.
type SeriesEvent struct {
	ID       int64               `json:"-"`
	SeriesID int64               `json:"-"`
	At       time.Time           `json:"at"`
	Actor    string              `json:"actor"`
	Action   string              `json:"action"` // create, change, adopt, submit, approve, reject, dismiss
	Status   portal.SeriesStatus `json:"status"` // the status after the event
	Version  int64               `json:"version"`
	Added    []string            `json:"added,omitempty"`
	Removed  []string            `json:"removed,omitempty"`
	Detail   string              `json:"detail,omitempty"`
}

func (s *Store) writeEvent(ctx context.Context, tx *sql.Tx, ev SeriesEvent) error {
	if ev.Actor == "" {
		ev.Actor = "system"
	}
	added, err := jsonText(ev.Added)
	if err != nil {
		return err
	}
	removed, err := jsonText(ev.Removed)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.Rebind(`INSERT INTO series_events (series_id, at, actor, action, status, version, added, removed, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), ev.SeriesID, formatTime(ev.At), ev.Actor, ev.Action, string(ev.Status),
		ev.Version, added, removed, ev.Detail)
	return err
}

// SeriesHistory returns the history of a series, oldest first.
func (s *Store) SeriesHistory(ctx context.Context, id int64) ([]SeriesEvent, error) {
	rows, err := s.db.QueryContext(ctx, s.Rebind(`SELECT id, series_id, at, actor, action, status, version, added, removed, detail
		FROM series_events WHERE series_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, fmt.Errorf("store: history of series %d: %w", id, err)
	}
	defer rows.Close()
	out := []SeriesEvent{}
	for rows.Next() {
		var (
			ev                 SeriesEvent
			at, status, ad, rm string
		)
		if err := rows.Scan(&ev.ID, &ev.SeriesID, &at, &ev.Actor, &ev.Action, &status, &ev.Version, &ad, &rm, &ev.Detail); err != nil {
			return nil, fmt.Errorf("store: history of series %d: %w", id, err)
		}
		ev.Status = portal.SeriesStatus(status)
		if ev.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ad), &ev.Added); err != nil {
			return nil, fmt.Errorf("store: history of series %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(rm), &ev.Removed); err != nil {
			return nil, fmt.Errorf("store: history of series %d: %w", id, err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// DismissFlagged takes a flagged report off a series (a person judged that
// it does not fit) and records ev in its history. It does not change the
// series' version: flags are the linkage's suggestions, not its content.
// A report that is not flagged on the series is ENOTFOUND.
func (s *Store) DismissFlagged(ctx context.Context, id int64, report string, ev SeriesEvent) error {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.Rebind(`DELETE FROM series_reports WHERE series_id = ? AND report_id = ? AND flagged = 1`), id, report)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "report %s is not flagged on series %d", report, id)
		}
		var (
			status  string
			version int64
		)
		if err := tx.QueryRowContext(ctx, s.Rebind(`SELECT status, version FROM series WHERE id = ?`), id).Scan(&status, &version); err != nil {
			return err
		}
		ev.SeriesID, ev.At, ev.Status, ev.Version, ev.Removed = id, s.now(), portal.SeriesStatus(status), version, []string{report}
		if ev.Action == "" {
			ev.Action = "dismiss"
		}
		return s.writeEvent(ctx, tx, ev)
	})
	if err != nil {
		var pe *portal.Error
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("store: dismiss %s on series %d: %w", report, id, err)
	}
	return nil
}

// FlagSeriesReport adds a report to a series as flagged: the linkage found
// that a new import fits it, and a person should confirm.
func (s *Store) FlagSeriesReport(ctx context.Context, id int64, report string) error {
	_, err := s.db.ExecContext(ctx, s.Rebind(`INSERT INTO series_reports (series_id, report_id, position, flagged)
		VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM series_reports WHERE series_id = ?), 1)
		ON CONFLICT (series_id, report_id) DO NOTHING`), id, report, id)
	if err != nil {
		return fmt.Errorf("store: flag report %s on series %d: %w", report, id, err)
	}
	return nil
}

// FlaggedReports returns the reports flagged on a series and not yet
// confirmed or dismissed.
func (s *Store) FlaggedReports(ctx context.Context, id int64) ([]string, error) {
	out, err := queryAll(ctx, s, s.db, `SELECT report_id FROM series_reports WHERE series_id = ? AND flagged = 1 ORDER BY position`, scanString, id)
	if err != nil {
		return nil, fmt.Errorf("store: flagged reports of series %d: %w", id, err)
	}
	return out, nil
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
