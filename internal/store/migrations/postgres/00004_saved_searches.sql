-- +goose Up
-- A search an investigator keeps: its parameters as a URL query string (q
-- and the form's filters), and when its owner last looked at its results,
-- so that reports stored since then can be shown as new.
CREATE TABLE saved_searches (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL,
    name           TEXT NOT NULL,
    params         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_viewed_at TEXT NOT NULL,
    UNIQUE (username, name)
);

-- +goose Down
DROP TABLE saved_searches;
