-- +goose Up
-- The history of a series: every creation, change, submission and decision,
-- written in the same transaction as the change itself. added and removed
-- are JSON arrays of report ids, kept apart from the free-text detail so a
-- page can leave out the ids of reports its reader may not see.
CREATE TABLE series_events (
    id        BIGSERIAL PRIMARY KEY,
    series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    status    TEXT NOT NULL,
    version   BIGINT NOT NULL,
    added     TEXT NOT NULL DEFAULT '[]',
    removed   TEXT NOT NULL DEFAULT '[]',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX series_events_series ON series_events (series_id, id);

-- +goose Down
DROP TABLE series_events;
