-- +goose Up
-- The tamper-evident access log (internal/audit). Entries form a Merkle tree
-- in the layout of golang.org/x/mod/sumdb/tlog; body is the canonical JSON of
-- the entry and leaf_hash = tlog.RecordHash(body). at, actor, action and
-- purpose repeat fields of the body so that the auditor's filters can use an
-- index; `portal audit verify` checks they still agree with the body.
CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY, -- position in the log, from 0
    at        TEXT NOT NULL,       -- 2006-01-02T15:04:05.000000Z, millisecond precision
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    purpose   TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_purpose ON audit_entries (purpose, seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- The object ids of each entry (report:R1, series:4, user:alice), so that
-- "who accessed this report" is an index lookup.
CREATE TABLE audit_objects (
    object TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (object, seq)
) WITHOUT ROWID;
CREATE INDEX audit_objects_seq ON audit_objects (seq, object);

-- tlog stored hashes: index (tlog.StoredHashIndex) -> 32-byte hash.
CREATE TABLE audit_hashes (
    idx  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);

-- Signed checkpoints: note is the signed note text (tlog.FormatTree plus a
-- time line); tree_size, root_hash and created_at repeat it for display.
CREATE TABLE audit_checkpoints (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tree_size  INTEGER NOT NULL,
    root_hash  BLOB NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Append-only in the database too: no code path updates or deletes, and a
-- mistaken one fails loudly. (Someone with the file can drop these; the
-- Merkle tree and the signed checkpoints are what catch that.)
-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_objects_no_update BEFORE UPDATE ON audit_objects
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_objects_no_delete BEFORE DELETE ON audit_objects
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_hashes_no_update BEFORE UPDATE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_hashes_no_delete BEFORE DELETE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_hashes;
DROP TABLE audit_objects;
DROP TABLE audit_entries;
