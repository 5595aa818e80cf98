package web

import (
	"context"
	"fmt"
	"testing"

	"github.com/investigation-portal/portal/internal/portal"
)

// noAudit is an Auditor that records nothing: the baseline for the cost of
// the audit log.
type noAudit struct{}

func (noAudit) Append(_ context.Context, e portal.AuditEntry) (portal.AuditEntry, error) {
	return e, nil
}

// BenchmarkAuditOverhead times a report view and a search over real HTTP,
// with the real audit log (durable SQLite append, Merkle hashes) and with
// no-op auditing, in one run; the difference is the audit cost per request:
//
//	go test ./internal/web/ -run '^$' -bench AuditOverhead -benchtime 2s
func BenchmarkAuditOverhead(b *testing.B) {
	for _, log := range []string{"real_log", "no_op"} {
		p := newTestPortal(b)
		for i := range 200 {
			p.addReports(report(fmt.Sprintf("R%d", i), fmt.Sprintf("He followed her from the bus stop number %d and exposed himself.", i)))
		}
		tok := p.token("ivy")
		if log == "no_op" {
			p.Server.Audit = noAudit{}
		}
		for _, req := range []struct{ name, path string }{
			{"report_view", "/api/v1/reports/R7"},
			{"search", "/api/v1/search?q=bus+stop&limit=10"},
		} {
			b.Run(req.name+"/"+log, func(b *testing.B) {
				for b.Loop() {
					if r := p.do("GET", req.path, tok, nil); r.Status != 200 {
						b.Fatalf("%s: %d %s", req.path, r.Status, r.Body)
					}
				}
			})
		}
	}
}
