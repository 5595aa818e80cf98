package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement that the log had Size entries with root
// hash Root at Time. Note is the signed note text: tlog.FormatTree's three
// lines, a "time" line, a blank line and the signature; anyone holding
// PublicKey can check it with golang.org/x/mod/sumdb/note.Open.
type Checkpoint struct {
	Size int64
	Root tlog.Hash
	Time time.Time
	Note string
}

// Checkpoint signs and stores a checkpoint of the current tree. It first
// checks that the log still matches the latest checkpoint, and refuses to
// sign over a log that does not: that would bless a rewritten history.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	var cp Checkpoint
	err := l.st.InTx(ctx, func(tx *sql.Tx) error {
		if l.pg {
			// Keeps appends out while size and hashes are read; readers pass.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE audit_entries IN SHARE MODE`); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries`).Scan(&n); err != nil {
			return fmt.Errorf("size: %w", err)
		}
		r := storedReader{ctx: ctx, q: tx, rebind: l.st.Rebind}
		prev, ok, err := l.latest(ctx, tx)
		if err != nil {
			return err
		}
		if ok {
			if prev.Size > n {
				return fmt.Errorf("log has %d entries but checkpoint at %s covered %d", n, fmtTime(prev.Time), prev.Size)
			}
			h, err := tlog.TreeHash(prev.Size, r)
			if err != nil {
				return fmt.Errorf("tree hash at %d: %w", prev.Size, err)
			}
			if h != prev.Root {
				return fmt.Errorf("log no longer matches the checkpoint at %s (size %d)", fmtTime(prev.Time), prev.Size)
			}
		}
		root, err := tlog.TreeHash(n, r)
		if err != nil {
			return fmt.Errorf("tree hash at %d: %w", n, err)
		}
		t := l.now().UTC().Truncate(time.Millisecond)
		text := string(tlog.FormatTree(tlog.Tree{N: n, Hash: root})) + "time " + t.Format(bodyTime) + "\n"
		signed, err := note.Sign(&note.Note{Text: text}, l.sign)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		cp = Checkpoint{Size: n, Root: root, Time: t, Note: string(signed)}
		_, err = tx.ExecContext(ctx, l.st.Rebind(`INSERT INTO audit_checkpoints
			(tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)`),
			n, root[:], cp.Note, t.Format(columnTime))
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		return nil
	})
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint: %w", err)
	}
	return cp, nil
}

// LatestCheckpoint returns the checkpoint written last, checked against the
// trusted keys; ok is false when there is none. The values come from the
// signed text, not from the columns beside it.
func (l *Log) LatestCheckpoint(ctx context.Context) (cp Checkpoint, ok bool, err error) {
	cp, ok, err = l.latest(ctx, l.db)
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("audit: latest checkpoint: %w", err)
	}
	return cp, ok, nil
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (l *Log) latest(ctx context.Context, q rowQueryer) (Checkpoint, bool, error) {
	var (
		id   int64
		text string
	)
	err := q.QueryRowContext(ctx, `SELECT id, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&id, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, false, nil
	}
	if err != nil {
		return Checkpoint{}, false, err
	}
	cp, err := OpenCheckpoint(text, l.verifiers())
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("checkpoint %d: %w", id, err)
	}
	return cp, true, nil
}

// OpenCheckpoint checks the signature of a checkpoint's note text against
// known keys (note.VerifierList of note.NewVerifier(PublicKey())) and parses
// it. Auditors can use it on checkpoints they exported.
func OpenCheckpoint(text string, known note.Verifiers) (Checkpoint, error) {
	n, err := note.Open([]byte(text), known)
	if err != nil {
		var unknown *note.UnverifiedNoteError
		if errors.As(err, &unknown) {
			return Checkpoint{}, errors.New("not signed by a trusted key")
		}
		return Checkpoint{}, fmt.Errorf("signature: %w", err)
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	cp := Checkpoint{Size: tree.N, Root: tree.Hash, Note: text}
	lines := strings.Split(n.Text, "\n")
	for _, line := range lines[3:] {
		if s, ok := strings.CutPrefix(line, "time "); ok {
			if cp.Time, err = time.Parse(bodyTime, s); err != nil {
				return Checkpoint{}, fmt.Errorf("malformed time: %w", err)
			}
		}
	}
	if cp.Time.IsZero() {
		return Checkpoint{}, errors.New("no time line")
	}
	return cp, nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(bodyTime) }
