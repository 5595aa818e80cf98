-- +goose Up
-- The tamper-evident access log (internal/audit). Entries form a Merkle tree
-- in the layout of golang.org/x/mod/sumdb/tlog; body is the canonical JSON of
-- the entry and leaf_hash = tlog.RecordHash(body). at, actor, action and
-- purpose repeat fields of the body so that the auditor's filters can use an
-- index; `portal audit verify` checks they still agree with the body.
-- seq is assigned by the appender under LOCK TABLE audit_entries, not by a
-- sequence, so positions have no gaps and commit in order.
CREATE TABLE audit_entries (
    seq       BIGINT PRIMARY KEY, -- position in the log, from 0
    at        TEXT NOT NULL,      -- 2006-01-02T15:04:05.000000Z, millisecond precision
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    purpose   TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL,
    leaf_hash BYTEA NOT NULL
);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_purpose ON audit_entries (purpose, seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- The object ids of each entry (report:R1, series:4, user:alice), so that
-- "who accessed this report" is an index lookup.
CREATE TABLE audit_objects (
    object TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    PRIMARY KEY (object, seq)
);
CREATE INDEX audit_objects_seq ON audit_objects (seq, object);

-- tlog stored hashes: index (tlog.StoredHashIndex) -> 32-byte hash.
CREATE TABLE audit_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL
);

-- Signed checkpoints: note is the signed note text (tlog.FormatTree plus a
-- time line); tree_size, root_hash and created_at repeat it for display.
CREATE TABLE audit_checkpoints (
    id         BIGSERIAL PRIMARY KEY,
    tree_size  BIGINT NOT NULL,
    root_hash  BYTEA NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Append-only in the database too: no code path updates or deletes, and a
-- mistaken one fails loudly. (An owner of the database can drop these; the
-- Merkle tree and the signed checkpoints are what catch that.)
-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_objects_append_only BEFORE UPDATE OR DELETE ON audit_objects
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_objects_no_truncate BEFORE TRUNCATE ON audit_objects
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_hashes_append_only BEFORE UPDATE OR DELETE ON audit_hashes
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_hashes_no_truncate BEFORE TRUNCATE ON audit_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_hashes;
DROP TABLE audit_objects;
DROP TABLE audit_entries;
DROP FUNCTION audit_append_only();
