-- +goose Up
-- Series of reports believed to be one offender's: proposed by the linkage
-- or drafted by a person, then submitted, approved or rejected. version is
-- for optimistic locking: a change names the version it was made on.
CREATE TABLE series (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT NOT NULL DEFAULT '',
    rationale       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    score           REAL NOT NULL DEFAULT 0,
    evidence        TEXT NOT NULL DEFAULT '[]',
    created_by      TEXT NOT NULL,
    changed_by      TEXT NOT NULL DEFAULT '[]',
    decided_by      TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX series_status ON series (status);

-- Membership, in the order the series lists its reports. flagged marks a
-- report the linkage added to an existing series after it was made (a new
-- import that fits), for a person to confirm.
CREATE TABLE series_reports (
    series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    report_id TEXT NOT NULL,
    position  INTEGER NOT NULL,
    flagged   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (series_id, report_id)
);
CREATE INDEX series_reports_report ON series_reports (report_id);

-- +goose Down
DROP TABLE series_reports;
DROP TABLE series;
