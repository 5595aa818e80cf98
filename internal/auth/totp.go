package auth

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings every authenticator app understands (RFC 6238 defaults).
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1 // steps either side of now, for clock drift and typing time
	qrPixels   = 256
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// NewTOTP makes a new second-factor secret for username: the base32 secret
// to store in portal.User.TOTPSecret, the otpauth:// URL and a PNG QR code of
// it for the enrolment page. Store the secret only once the user has typed a
// code from it (CheckTOTP with lastStep 0), so a failed scan cannot lock
// them out.
func NewTOTP(issuer, username string) (secret, otpauthURL string, qrPNG []byte, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: username,
		Period:      totpPeriod,
		SecretSize:  20, // 160 bits, RFC 4226's recommendation for SHA-1
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: new TOTP secret: %w", err)
	}
	img, err := key.Image(qrPixels, qrPixels)
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// CheckTOTP reports whether code is the one-time code of secret for the
// time step of now, or one step either side, and returns the step it
// matched. A step at or before lastStep is never accepted, so each code
// works once: on success the caller must store step as the user's
// TOTPLastStep before answering. Spaces in code are ignored.
func CheckTOTP(secret, code string, lastStep int64, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits.Length() || strings.Trim(code, "0123456789") != "" || secret == "" {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false // a secret that does not decode
		}
		// Keep the latest matching step, so that no code of an earlier
		// step stays usable after this one.
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}
