package web

import "expvar"

// auditFailures counts audit writes that failed; an operator alerts on it.
var auditFailures = expvar.NewInt("portal_audit_write_failures")
