package store

import (
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// dialect holds what differs between SQLite and PostgreSQL.
type dialect struct {
	name  string
	goose goose.Dialect
	// lockOutbox is run at the start of a transaction that appends to the
	// outbox. PostgreSQL hands out sequence numbers before commit, so without
	// it a follower could read seq 7 before the transaction holding seq 6
	// commits, and skip 6 for ever. SQLite has one writer and needs nothing.
	lockOutbox string
}

var (
	sqlite   = dialect{name: "sqlite", goose: goose.DialectSQLite3}
	postgres = dialect{name: "postgres", goose: goose.DialectPostgres,
		lockOutbox: "LOCK TABLE outbox IN EXCLUSIVE MODE"}
)

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (d dialect) rebind(q string) string {
	if d.name != "postgres" || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
