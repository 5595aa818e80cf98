package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/investigation-portal/portal/internal/portal"
)

// MaxDetail is the most bytes of AuditEntry.Detail the log keeps; longer
// details are cut at a character boundary.
const MaxDetail = 2000

// bodyTime is the time format inside an entry body: UTC, milliseconds.
const bodyTime = "2006-01-02T15:04:05.000Z"

// columnTime is the format of the indexed at column, the store's fixed-width
// format so that times sort as strings on both databases.
const columnTime = "2006-01-02T15:04:05.000000Z"

// record is the canonical form of an entry: the bytes whose tlog.RecordHash
// is the entry's leaf. Every field is always present and in this order, so an
// entry has exactly one encoding; "v" lets a later format be told apart.
type record struct {
	V        int      `json:"v"`
	Seq      int64    `json:"seq"`
	Time     string   `json:"time"`
	Actor    string   `json:"actor"`
	Role     string   `json:"role"`
	Unit     string   `json:"unit"`
	ClientIP string   `json:"client_ip"`
	Action   string   `json:"action"`
	Objects  []string `json:"objects"`
	Outcome  string   `json:"outcome"`
	Purpose  string   `json:"purpose"`
	Detail   string   `json:"detail"`
}

// EncodeEntry returns the canonical body of e as stored in the log; the
// entry's leaf in the Merkle tree is tlog.RecordHash of these bytes. Entries
// returned by Append and Query encode to exactly the bytes that were hashed,
// so an export can carry them for an outside verifier.
func EncodeEntry(e portal.AuditEntry) ([]byte, error) {
	if e.Time.IsZero() {
		return nil, fmt.Errorf("audit: encode entry %d: no time", e.Seq)
	}
	objs := e.Objects
	if objs == nil {
		objs = []string{}
	}
	r := record{V: 1, Seq: e.Seq, Time: e.Time.UTC().Format(bodyTime), Actor: e.Actor, Role: e.Role,
		Unit: e.Unit, ClientIP: e.ClientIP, Action: e.Action, Objects: objs, Outcome: e.Outcome,
		Purpose: e.Purpose, Detail: e.Detail}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("audit: encode entry %d: %w", e.Seq, err)
	}
	return b, nil
}

// decodeEntry parses a stored body. It is strict: an unknown field or a
// second format version is an error, not something to skip silently.
func decodeEntry(body []byte) (portal.AuditEntry, error) {
	var r record
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return portal.AuditEntry{}, err
	}
	if r.V != 1 {
		return portal.AuditEntry{}, fmt.Errorf("unknown entry format %d", r.V)
	}
	t, err := time.Parse(bodyTime, r.Time)
	if err != nil {
		return portal.AuditEntry{}, fmt.Errorf("time: %w", err)
	}
	e := portal.AuditEntry{Seq: r.Seq, Time: t, Actor: r.Actor, Role: r.Role, Unit: r.Unit,
		ClientIP: r.ClientIP, Action: r.Action, Outcome: r.Outcome, Purpose: r.Purpose, Detail: r.Detail}
	if len(r.Objects) > 0 {
		e.Objects = r.Objects
	}
	return e, nil
}

// normalize validates e and brings it to the form that is stored, so that
// what Append returns is what Query will later return: UTC millisecond time
// (now when unset), valid UTF-8, Detail cut to MaxDetail bytes.
func normalize(e portal.AuditEntry, now time.Time) (portal.AuditEntry, error) {
	if strings.TrimSpace(e.Actor) == "" {
		return e, portal.Errorf(portal.EINVALID, "audit entry without an actor")
	}
	if strings.TrimSpace(e.Action) == "" {
		return e, portal.Errorf(portal.EINVALID, "audit entry without an action")
	}
	if e.Time.IsZero() {
		e.Time = now
	}
	e.Time = e.Time.UTC().Truncate(time.Millisecond)
	if y := e.Time.Year(); y < 1 || y > 9999 {
		return e, portal.Errorf(portal.EINVALID, "audit entry time %v out of range", e.Time)
	}
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	e.Actor, e.Role, e.Unit, e.ClientIP = fix(e.Actor), fix(e.Role), fix(e.Unit), fix(e.ClientIP)
	e.Action, e.Outcome, e.Purpose = fix(e.Action), fix(e.Outcome), fix(e.Purpose)
	e.Detail = truncate(fix(e.Detail), MaxDetail)
	if len(e.Objects) == 0 {
		e.Objects = nil
	} else {
		objs := make([]string, len(e.Objects))
		for i, o := range e.Objects {
			objs[i] = fix(o)
		}
		e.Objects = objs
	}
	return e, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// objectSet returns the distinct objects of an entry in sorted order, the
// order in which the audit_objects index is read back.
func objectSet(objs []string) []string {
	if len(objs) == 0 {
		return nil
	}
	out := make([]string, 0, len(objs))
	seen := make(map[string]bool, len(objs))
	for _, o := range objs {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}
