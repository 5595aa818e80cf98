// Package auth holds the portal's authentication logic: password hashing and
// policy, signed session tokens, TOTP second factors, account lockout and
// per-address rate limiting. It knows nothing of HTTP or of the store: the web
// layer loads a portal.User, calls in here, and persists what changed.
//
// A log-in handler is expected to run, in order:
//
//  1. Limiter.Allow(ClientKey(ip)) — else ERATELIMIT (429), before any hashing.
//  2. Load the user. Unknown user: DummyCheck(pw) and answer 401, so that the
//     response time does not reveal which usernames exist.
//  3. Disabled or u.Locked(now): DummyCheck(pw) and 401 (same message).
//  4. CheckPassword(u.PasswordHash, pw); on false: LockoutPolicy.RecordFailure,
//     persist, 401.
//  5. If u.TOTPSecret != "" (or u.TOTPRequired, then enrolment is due):
//     CheckTOTP(u.TOTPSecret, code, u.TOTPLastStep, now); on false:
//     RecordFailure, persist, 401; on true: persist u.TOTPLastStep = step
//     before answering, so the code cannot be replayed.
//  6. RecordSuccess, persist, Tokens.Issue(u, now, purpose).
//
// On every authenticated request: Tokens.Verify, then load the user and call
// Claims.ValidFor(u). Log-out, disabling and re-roling set u.NotBefore = now,
// which voids every session that started before it.
package auth
