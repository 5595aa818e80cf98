// Package portal is the vocabulary of the investigation portal: the report,
// the series, users and roles, audit entries and the error codes that every
// other package speaks. It imports nothing but the standard library.
package portal

import (
	"errors"
	"fmt"
)

// Error codes. One table in internal/web maps each to an HTTP status and the
// command line maps them to exit codes, so packages never pick statuses.
const (
	EINVALID      = "invalid"      // bad input from the caller
	ENOTFOUND     = "not_found"    // no such object, or the caller may not know it exists
	ECONFLICT     = "conflict"     // a stale version or a duplicate
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ETOOLARGE     = "too_large"    // request body over a limit
	ERATELIMIT    = "rate_limited" // too many requests
	EUNAVAILABLE  = "unavailable"  // the data directory is held by another process
	EINTERNAL     = "internal"     // anything else; its message is never shown
)

// Error is an application error with a code that callers can act on and a
// message that is safe to show to the user.
type Error struct {
	Code    string
	Message string
	Err     error // the cause, for logs; never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's message,
// or a generic text for internal errors so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}
