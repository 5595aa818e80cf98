package portal

import "time"

// AuditEntry is one line of the tamper-evident access log. It never holds
// narrative text, passwords or tokens.
type AuditEntry struct {
	Seq      int64     `json:"seq"` // position in the log, from 0
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"` // username, or cli:<os user>
	Role     string    `json:"role,omitempty"`
	Unit     string    `json:"unit,omitempty"`
	ClientIP string    `json:"client_ip,omitempty"`
	Action   string    `json:"action"`
	Objects  []string  `json:"objects,omitempty"` // e.g. report:R1, series:4, user:alice
	Outcome  string    `json:"outcome"`           // ok, denied, failed, error
	Purpose  string    `json:"purpose,omitempty"`
	Detail   string    `json:"detail,omitempty"` // e.g. the query and hit count; never narrative text
}
