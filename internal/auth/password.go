package auth

import (
	"bufio"
	_ "embed"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/investigation-portal/portal/internal/portal"
)

// Password length limits, counted in runes (NIST SP 800-63B, OWASP ASVS 2.1).
const (
	MinPasswordRunes = 12
	MaxPasswordRunes = 128
)

// HashParams are the argon2id parameters of new hashes: OWASP's baseline
// (m=19 MiB, t=2, p=1). The 64 MiB variant costs three times the memory per
// concurrent log-in on a two-core server that also holds the Bleve index,
// while OWASP rates the two as equivalent; with a 12-character minimum and
// a block list, guessing is held back by the password policy more than by
// the extra memory. Measured on the 2-core build machine (AMD EPYC): 21 ms a
// hash, against 122 ms for m=64 MiB, t=3 (BenchmarkHashPassword). Raise them here and NeedsRehash will tell the log-in
// handler to re-hash each password at its next successful log-in.
var HashParams = argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Bounds on parameters read back from stored hashes: a corrupted or planted
// hash must not make a log-in allocate gigabytes or panic in argon2.
const (
	maxHashMemory     = 256 * 1024 // KiB
	maxHashIterations = 10
	maxHashThreads    = 16
)

// hashSlots caps concurrent argon2 runs at the number of cores: each holds
// HashParams.Memory, and a flood of log-ins must queue for the CPU rather than
// allocate 19 MiB per request until the process runs out of memory.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

func withSlot[T any](f func() T) T {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return f()
}

// HashPassword returns the argon2id hash of pw in PHC string format.
func HashPassword(pw string) (string, error) {
	p := HashParams
	var h string
	err := withSlot(func() (err error) { h, err = argon2id.CreateHash(pw, &p); return err })
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// CheckPassword reports whether pw matches hash in constant time. An error
// means the stored hash is unusable, not that the password is wrong.
func CheckPassword(hash, pw string) (bool, error) {
	params, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false, fmt.Errorf("auth: stored password hash: %w", err)
	}
	if err := checkParams(params); err != nil {
		return false, err
	}
	if len(pw) > 4*MaxPasswordRunes {
		// Still spend the time, so that a long guess is not a cheap probe.
		DummyCheck(pw[:4*MaxPasswordRunes])
		return false, nil
	}
	var ok bool
	err = withSlot(func() (err error) { ok, err = argon2id.ComparePasswordAndHash(pw, hash); return err })
	if err != nil {
		return false, fmt.Errorf("auth: compare password: %w", err)
	}
	return ok, nil
}

func checkParams(p *argon2id.Params) error {
	if p.Memory < 8*1024 || p.Memory > maxHashMemory ||
		p.Iterations < 1 || p.Iterations > maxHashIterations ||
		p.Parallelism < 1 || p.Parallelism > maxHashThreads ||
		p.SaltLength < 8 || p.KeyLength < 16 || p.KeyLength > 64 {
		return fmt.Errorf("auth: stored password hash has unsupported parameters m=%d t=%d p=%d",
			p.Memory, p.Iterations, p.Parallelism)
	}
	return nil
}

// NeedsRehash reports whether hash was made with parameters other than
// HashParams; the log-in handler re-hashes the password it just verified.
func NeedsRehash(hash string) bool {
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return true
	}
	return p.Memory != HashParams.Memory || p.Iterations != HashParams.Iterations ||
		p.Parallelism != HashParams.Parallelism || p.KeyLength != HashParams.KeyLength
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// DummyCheck spends the same time as CheckPassword against a real hash. Call
// it when the username is unknown, disabled or locked, so that the response
// time does not tell an attacker which accounts exist.
func DummyCheck(pw string) {
	dummyOnce.Do(func() {
		// Hashed once per process with the live parameters, so it can never
		// drift from what real hashes cost.
		h, err := HashPassword("dummy password for timing equality")
		if err != nil {
			panic(fmt.Sprintf("auth: dummy hash: %v", err))
		}
		dummyHash = h
	})
	withSlot(func() error { _, err := argon2id.ComparePasswordAndHash(pw, dummyHash); return err })
}

//go:embed common_passwords.txt
var commonPasswordsFile string

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 4096)
		sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			common[normalise(line)] = struct{}{}
		}
	})
	return common
}

// normalise folds case and drops white space, so "Pass Word" meets "password".
func normalise(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var errPasswordCommon = portal.Errorf(portal.EINVALID,
	"this password is too common or too easy to guess; a few unrelated words make a strong one")

// ValidatePassword applies the portal's password policy to a new password:
// 12 to 128 characters, not the username, not a common password or a common
// password with digits and symbols around it, no composition rules (NIST SP
// 800-63B 3.1.1.2). It returns a *portal.Error with code EINVALID.
func ValidatePassword(pw, username string) error {
	if !utf8.ValidString(pw) {
		return portal.Errorf(portal.EINVALID, "the password is not valid text")
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordRunes {
		return portal.Errorf(portal.EINVALID, "the password must have at least %d characters", MinPasswordRunes)
	}
	if n > MaxPasswordRunes {
		return portal.Errorf(portal.EINVALID, "the password must have at most %d characters", MaxPasswordRunes)
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return portal.Errorf(portal.EINVALID, "the password must not contain control characters")
		}
	}
	p := normalise(pw)
	if u := normalise(username); u != "" {
		if p == u || p == reverse(u) || (utf8.RuneCountInString(u) >= 4 && strings.Contains(p, u)) {
			return portal.Errorf(portal.EINVALID, "the password must not contain the username")
		}
	}
	if isCommon(p) || isCommon(unleet(p)) {
		return errPasswordCommon
	}
	if trivial(p) {
		return errPasswordCommon
	}
	return nil
}

// isCommon reports whether p is on the list, or is a listed word wrapped in
// digits and symbols ("Liverpool1892!", "2024summer", "password123456").
func isCommon(p string) bool {
	list := commonPasswords()
	if _, ok := list[p]; ok {
		return true
	}
	core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if core == "" {
		// Nothing but digits and symbols: only a pattern check can judge it,
		// and trivial does.
		return false
	}
	if _, ok := list[core]; ok {
		return true
	}
	// A listed word doubled or with its own reverse ("monkeymonkey").
	if h := len(core) / 2; len(core)%2 == 0 {
		if _, ok := list[core[:h]]; ok && (core[h:] == core[:h] || core[h:] == reverse(core[:h])) {
			return true
		}
	}
	return false
}

var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i", "|", "l", "8", "b")

// unleet undoes common substitutions inside the word, keeping a trailing run
// of digits and symbols as it is ("p@ssw0rd2024" -> "password2024").
func unleet(p string) string {
	end := len(p)
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(p[:end])
		if unicode.IsLetter(r) {
			break
		}
		end -= size
	}
	return leet.Replace(p[:end]) + p[end:]
}

// walks are keyboard rows, the alphabet and digit runs; a password made only
// of a piece of one of them, or of one short unit repeated, is trivial.
var walks = []string{
	"12345678901234567890", "09876543210987654321",
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "zaq1xsw2cde3vfr4bgt5nhy6mju7",
	"1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "qazwsxedcrfvtgbyhnujmikolp",
	"!@#$%^&*()_+", "`1234567890-=", "~!@#$%^&*()_+",
}

func trivial(p string) bool {
	if utf8.RuneCountInString(p) < MinPasswordRunes {
		return false
	}
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[r] = true
	}
	if len(distinct) <= 3 {
		return true
	}
	for period := 1; period <= len(p)/2; period++ {
		if len(p)%period == 0 && strings.Repeat(p[:period], len(p)/period) == p {
			return true
		}
	}
	for _, w := range walks {
		if strings.Contains(w, p) || strings.Contains(reverse(w), p) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// ErrPasswordCommon is the error ValidatePassword returns for a password
// that is on the list or too predictable; compare with errors.Is.
var ErrPasswordCommon error = errPasswordCommon
