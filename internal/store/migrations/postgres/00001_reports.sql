-- +goose Up
-- Times are TEXT in a fixed-width UTC form (2006-01-02T15:04:05.000000Z) so
-- that they sort as strings and read the same on SQLite and PostgreSQL.
CREATE TABLE reports (
    id                  TEXT PRIMARY KEY,
    narrative           TEXT NOT NULL,
    offence             TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    occurred_to         TEXT,
    reported_at         TEXT,
    borough             TEXT NOT NULL DEFAULT '',
    location_type       TEXT NOT NULL DEFAULT '',
    lat                 DOUBLE PRECISION,
    lon                 DOUBLE PRECISION,
    suspect_description TEXT NOT NULL DEFAULT '',
    victim_age          BIGINT,
    unit                TEXT NOT NULL DEFAULT '',
    restricted          BIGINT NOT NULL DEFAULT 0,
    extra               TEXT,
    content_hash        TEXT NOT NULL,
    version             BIGINT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX reports_occurred_at ON reports (occurred_at);

-- The ordered change log the search index follows: one row per report
-- version, written in the same transaction as the report.
CREATE TABLE outbox (
    seq       BIGSERIAL PRIMARY KEY,
    report_id TEXT NOT NULL,
    version   BIGINT NOT NULL
);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_required  BIGINT NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled       BIGINT NOT NULL DEFAULT 0,
    failed_logins  BIGINT NOT NULL DEFAULT 0,
    last_failure   TEXT NOT NULL DEFAULT '',
    locked_until   TEXT NOT NULL DEFAULT '',
    not_before     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE users;
DROP TABLE outbox;
DROP TABLE reports;
