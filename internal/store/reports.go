package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/investigation-portal/portal/internal/portal"
)

// UpsertOutcome says what writing one report did.
type UpsertOutcome int

const (
	Inserted  UpsertOutcome = iota + 1 // a new id
	Updated                            // an existing id whose content changed
	Unchanged                          // an existing id imported again as it was
)

// UpsertResult is the outcome for one report of a batch.
type UpsertResult struct {
	ID      string
	Outcome UpsertOutcome
	Version int64
}

// UpsertReports writes a batch of validated reports in one transaction, with
// one outbox row for each report that was inserted or changed. When it
// returns nil every report of the batch is durable; on error none is written.
// A report identical to the stored one is left alone, so importing the same
// file twice changes nothing.
func (s *Store) UpsertReports(ctx context.Context, reports []portal.Report) ([]UpsertResult, error) {
	results := make([]UpsertResult, 0, len(reports))
	now := formatTime(s.now())
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if s.dialect.lockOutbox != "" {
			if _, err := tx.ExecContext(ctx, s.dialect.lockOutbox); err != nil {
				return fmt.Errorf("lock outbox: %w", err)
			}
		}
		sel, err := tx.PrepareContext(ctx, s.Rebind(`SELECT content_hash, version FROM reports WHERE id = ?`))
		if err != nil {
			return fmt.Errorf("prepare select: %w", err)
		}
		defer sel.Close()
		ins, err := tx.PrepareContext(ctx, s.Rebind(`INSERT INTO reports (
			id, narrative, offence, occurred_at, occurred_to, reported_at, borough, location_type,
			lat, lon, suspect_description, victim_age, unit, restricted, extra, content_hash,
			version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`))
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, s.Rebind(`UPDATE reports SET
			narrative = ?, offence = ?, occurred_at = ?, occurred_to = ?, reported_at = ?, borough = ?,
			location_type = ?, lat = ?, lon = ?, suspect_description = ?, victim_age = ?, unit = ?,
			restricted = ?, extra = ?, content_hash = ?, version = ?, updated_at = ?
			WHERE id = ?`))
		if err != nil {
			return fmt.Errorf("prepare update: %w", err)
		}
		defer upd.Close()
		out, err := tx.PrepareContext(ctx, s.Rebind(`INSERT INTO outbox (report_id, version) VALUES (?, ?)`))
		if err != nil {
			return fmt.Errorf("prepare outbox: %w", err)
		}
		defer out.Close()

		for i := range reports {
			r := &reports[i]
			hash, err := contentHash(r)
			if err != nil {
				return fmt.Errorf("report %s: %w", r.ID, err)
			}
			var (
				oldHash    string
				oldVersion int64
			)
			err = sel.QueryRowContext(ctx, r.ID).Scan(&oldHash, &oldVersion)
			var res UpsertResult
			switch {
			case errors.Is(err, sql.ErrNoRows):
				res = UpsertResult{ID: r.ID, Outcome: Inserted, Version: 1}
				_, err = ins.ExecContext(ctx, r.ID, r.Narrative, r.Offence, formatTime(r.OccurredAt),
					formatTimePtr(r.OccurredTo), formatTimePtr(r.ReportedAt), r.Borough, r.LocationType,
					r.Lat, r.Lon, r.SuspectDescription, r.VictimAge, r.Unit, boolInt(r.Restricted),
					extraText(r.Extra), hash, now, now)
			case err != nil:
				return fmt.Errorf("report %s: read: %w", r.ID, err)
			case oldHash == hash:
				results = append(results, UpsertResult{ID: r.ID, Outcome: Unchanged, Version: oldVersion})
				continue
			default:
				res = UpsertResult{ID: r.ID, Outcome: Updated, Version: oldVersion + 1}
				_, err = upd.ExecContext(ctx, r.Narrative, r.Offence, formatTime(r.OccurredAt),
					formatTimePtr(r.OccurredTo), formatTimePtr(r.ReportedAt), r.Borough, r.LocationType,
					r.Lat, r.Lon, r.SuspectDescription, r.VictimAge, r.Unit, boolInt(r.Restricted),
					extraText(r.Extra), hash, res.Version, now, r.ID)
			}
			if err != nil {
				return fmt.Errorf("report %s: write: %w", r.ID, err)
			}
			if _, err := out.ExecContext(ctx, r.ID, res.Version); err != nil {
				return fmt.Errorf("report %s: outbox: %w", r.ID, err)
			}
			results = append(results, res)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: upsert reports: %w", err)
	}
	return results, nil
}

// contentHash identifies a report's content, so that an identical re-import
// is recognised without comparing every column.
func contentHash(r *portal.Report) (string, error) {
	c := *r
	c.Version, c.CreatedAt, c.UpdatedAt = 0, time.Time{}, time.Time{}
	c.OccurredAt = c.OccurredAt.UTC()
	if c.OccurredTo != nil {
		t := c.OccurredTo.UTC()
		c.OccurredTo = &t
	}
	if c.ReportedAt != nil {
		t := c.ReportedAt.UTC()
		c.ReportedAt = &t
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func extraText(extra json.RawMessage) any {
	if len(extra) == 0 {
		return nil
	}
	return string(extra)
}

const reportColumns = `id, narrative, offence, occurred_at, occurred_to, reported_at, borough, location_type,
	lat, lon, suspect_description, victim_age, unit, restricted, extra, version, created_at, updated_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanReport(row rowScanner) (portal.Report, error) {
	var (
		r                                portal.Report
		occurredAt, createdAt, updatedAt string
		occurredTo, reportedAt, extra    sql.NullString
		lat, lon                         sql.NullFloat64
		victimAge                        sql.NullInt64
		restricted                       int
	)
	err := row.Scan(&r.ID, &r.Narrative, &r.Offence, &occurredAt, &occurredTo, &reportedAt, &r.Borough,
		&r.LocationType, &lat, &lon, &r.SuspectDescription, &victimAge, &r.Unit, &restricted, &extra,
		&r.Version, &createdAt, &updatedAt)
	if err != nil {
		return r, err
	}
	if r.OccurredAt, err = parseTime(occurredAt); err != nil {
		return r, fmt.Errorf("occurred_at: %w", err)
	}
	if occurredTo.Valid && occurredTo.String != "" {
		t, err := parseTime(occurredTo.String)
		if err != nil {
			return r, fmt.Errorf("occurred_to: %w", err)
		}
		r.OccurredTo = &t
	}
	if reportedAt.Valid && reportedAt.String != "" {
		t, err := parseTime(reportedAt.String)
		if err != nil {
			return r, fmt.Errorf("reported_at: %w", err)
		}
		r.ReportedAt = &t
	}
	if lat.Valid && lon.Valid {
		r.Lat, r.Lon = &lat.Float64, &lon.Float64
	}
	if victimAge.Valid {
		a := int(victimAge.Int64)
		r.VictimAge = &a
	}
	r.Restricted = restricted != 0
	if extra.Valid && extra.String != "" {
		r.Extra = json.RawMessage(extra.String)
	}
	if r.CreatedAt, err = parseTime(createdAt); err != nil {
		return r, fmt.Errorf("created_at: %w", err)
	}
	if r.UpdatedAt, err = parseTime(updatedAt); err != nil {
		return r, fmt.Errorf("updated_at: %w", err)
	}
	return r, nil
}

// Report returns one report, or an ENOTFOUND error.
func (s *Store) Report(ctx context.Context, id string) (portal.Report, error) {
	row := s.db.QueryRowContext(ctx, s.Rebind(`SELECT `+reportColumns+` FROM reports WHERE id = ?`), id)
	r, err := scanReport(row)
	if errors.Is(err, sql.ErrNoRows) {
		return r, portal.Errorf(portal.ENOTFOUND, "report %s not found", id)
	}
	if err != nil {
		return r, fmt.Errorf("store: report %s: %w", id, err)
	}
	return r, nil
}

// Reports returns the reports with the given ids that exist, keyed by id.
func (s *Store) Reports(ctx context.Context, ids []string) (map[string]portal.Report, error) {
	out := make(map[string]portal.Report, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT ` + reportColumns + ` FROM reports WHERE id IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, s.Rebind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("store: reports: %w", err)
		}
		for rows.Next() {
			r, err := scanReport(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: reports: %w", err)
			}
			out[r.ID] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: reports: %w", err)
		}
	}
	return out, nil
}

// EachReport calls fn for every report in id order, reading in pages so
// that a million reports never sit in memory together.
func (s *Store) EachReport(ctx context.Context, fn func(portal.Report) error) error {
	after := ""
	for {
		rows, err := s.db.QueryContext(ctx, s.Rebind(
			`SELECT `+reportColumns+` FROM reports WHERE id > ? ORDER BY id LIMIT 1000`), after)
		if err != nil {
			return fmt.Errorf("store: each report: %w", err)
		}
		var page []portal.Report
		for rows.Next() {
			r, err := scanReport(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: each report: %w", err)
			}
			page = append(page, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("store: each report: %w", err)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// ReportVersions returns every report's id and current version.
func (s *Store) ReportVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, version FROM reports`)
	if err != nil {
		return nil, fmt.Errorf("store: report versions: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int64)
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("store: report versions: %w", err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report versions: %w", err)
	}
	return out, nil
}

// CountReports returns how many reports are stored.
func (s *Store) CountReports(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count reports: %w", err)
	}
	return n, nil
}

// Change is one row of the outbox: report ReportID reached Version.
type Change struct {
	Seq      int64
	ReportID string
	Version  int64
}

// ChangesAfter returns up to limit outbox rows with seq > after, in order.
func (s *Store) ChangesAfter(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, s.Rebind(
		`SELECT seq, report_id, version FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes after %d: %w", after, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Seq, &c.ReportID, &c.Version); err != nil {
			return nil, fmt.Errorf("store: changes after %d: %w", after, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: changes after %d: %w", after, err)
	}
	return out, nil
}

// LastChange returns the highest outbox seq, 0 when there is none.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: last change: %w", err)
	}
	return n.Int64, nil
}
