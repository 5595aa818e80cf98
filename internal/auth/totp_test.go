package auth

import (
	"bytes"
	"image/png"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewTOTP(t *testing.T) {
	secret, u, qr, err := NewTOTP("Investigation Portal", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 20 bytes in base32
		t.Errorf("secret %q", secret)
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "otpauth" || pu.Query().Get("secret") != secret || pu.Query().Get("issuer") != "Investigation Portal" {
		t.Errorf("otpauth URL %q", u)
	}
	if _, err := png.Decode(bytes.NewReader(qr)); err != nil {
		t.Errorf("QR code is not a PNG: %v", err)
	}
	s2, _, _, _ := NewTOTP("Investigation Portal", "alice")
	if s2 == secret {
		t.Error("two enrolments got the same secret")
	}
	if _, _, _, err := NewTOTP("Investigation Portal", ""); err == nil {
		t.Error("enrolled an empty username")
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, _, _, err := NewTOTP("portal", "alice")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 14, 9, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	code := codeAt(t, secret, now)

	got, ok := CheckTOTP(secret, code, 0, now)
	if !ok || got != step {
		t.Fatalf("fresh code: step %d ok %v, want step %d", got, ok, step)
	}
	// Replay: the same code again, even within its own 30 seconds.
	if _, ok := CheckTOTP(secret, code, got, now.Add(5*time.Second)); ok {
		t.Fatal("a code was accepted twice")
	}
	// An older code after a newer one was used.
	if _, ok := CheckTOTP(secret, codeAt(t, secret, now.Add(-30*time.Second)), got, now); ok {
		t.Fatal("a code of an earlier step was accepted after a later one")
	}
	// The next step's code is fine once it comes.
	if s, ok := CheckTOTP(secret, codeAt(t, secret, now.Add(30*time.Second)), got, now.Add(30*time.Second)); !ok || s != step+1 {
		t.Fatalf("next code: %d %v", s, ok)
	}

	tests := []struct {
		name string
		code string
		at   time.Duration // when the server checks, relative to the code's time
		ok   bool
	}{
		{"same step", code, 0, true},
		{"phone a step behind", code, 30 * time.Second, true},
		{"phone a step ahead", code, -30 * time.Second, true},
		{"two steps late", code, 60 * time.Second, false},
		{"two steps early", code, -60 * time.Second, false},
		{"with a space", code[:3] + " " + code[3:], 0, true},
		{"wrong code", wrongCode(code), 0, false},
		{"five digits", code[:5], 0, false},
		{"seven digits", code + "0", 0, false},
		{"letters", "abcdef", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := CheckTOTP(secret, tt.code, 0, now.Add(tt.at)); ok != tt.ok {
				t.Fatalf("CheckTOTP = %v, want %v", ok, tt.ok)
			}
		})
	}
	if _, ok := CheckTOTP("not base32!", "123456", 0, now); ok {
		t.Error("a broken secret accepted a code")
	}
	if _, ok := CheckTOTP("", code, 0, now); ok {
		t.Error("an empty secret accepted a code")
	}
}

func wrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}
