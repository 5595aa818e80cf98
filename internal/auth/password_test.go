package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/investigation-portal/portal/internal/portal"
)

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, pw, user string
		ok             bool
	}{
		{"11 characters", "purple-kite", "alice", false},
		{"12 characters", "purple-kite9", "alice", true},
		{"12 runes, more bytes", "ĉielarkoĉielo", "alice", true},
		{"11 runes, 22 bytes", "ĉĉĉĉĉĉĉĉĉĉĉ", "alice", false},
		{"128 runes", strings.Repeat("horse battery ", 8) + "staple lanterns!", "alice", true},
		{"129 runes", strings.Repeat("horse battery ", 8) + "staple lanterns!?", "alice", false},
		{"passphrase", "correct mule seventeen lanterns", "alice", true},
		{"no composition rules", "lowercase only words here", "alice", true},
		{"username itself", "alice.henderson", "alice.henderson", false},
		{"username other case", "Alice.Henderson", "alice.henderson", false},
		{"contains username", "alice.henderson2024", "alice.henderson", false},
		{"username reversed", "nosrednehecila", "alicehenderson", false},
		{"common exact", "password123456", "alice", false},
		{"common long keyboard", "qwertyuiop12", "alice", false},
		{"common other case", "PASSWORD123456", "alice", false},
		{"common with spaces", "pass word 123456", "alice", false},
		{"word plus digits", "sunshine12345", "alice", false},
		{"season and year", "Summer2024!!", "alice", false},
		{"year and season", "2025autumn!!", "alice", false},
		{"football club and digits", "Liverpool1892", "alice", false},
		{"club and year", "ManchesterUnited99", "alice", false},
		{"leet", "P@ssw0rd2024!", "alice", false},
		{"leet word", "$unsh1ne12345", "alice", false},
		{"doubled word", "monkeymonkey", "alice", false},
		{"police word", "Police123456", "alice", false},
		{"all digits sequence", "123456789012", "alice", false},
		{"descending digits", "210987654321", "alice", false},
		{"one character", "aaaaaaaaaaaa", "alice", false},
		{"repeated unit", "abcdabcdabcd", "alice", false},
		{"keyboard walk", "asdfghjklzxc", "alice", false},
		{"column walk", "1qaz2wsx3edc", "alice", false},
		{"alphabet run", "defghijklmnop", "alice", false},
		{"control character", "hello\x00world-kite", "alice", false},
		{"invalid utf-8", "abcdefghij\xff\xfe", "alice", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.pw, tt.user)
			if tt.ok && err != nil {
				t.Fatalf("ValidatePassword(%q) = %v, want nil", tt.pw, err)
			}
			if !tt.ok {
				if err == nil {
					t.Fatalf("ValidatePassword(%q) = nil, want an error", tt.pw)
				}
				if code := portal.ErrorCode(err); code != portal.EINVALID {
					t.Fatalf("error code %q, want %q", code, portal.EINVALID)
				}
			}
		})
	}
}

func TestValidatePasswordCommonIsRecognisable(t *testing.T) {
	if err := ValidatePassword("iloveyou1234", "bob"); !errors.Is(err, ErrPasswordCommon) {
		t.Fatalf("got %v, want ErrPasswordCommon", err)
	}
}

func TestCommonListSize(t *testing.T) {
	if n := len(commonPasswords()); n < 3000 {
		t.Fatalf("common password list has %d entries, want at least 3000", n)
	}
}

func TestHashRoundTrip(t *testing.T) {
	h, err := HashPassword("correct mule seventeen lanterns")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the chosen parameters", h)
	}
	h2, _ := HashPassword("correct mule seventeen lanterns")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct mule seventeen lanterns", true},
		{"correct mule seventeen lantern", false},
		{"Correct mule seventeen lanterns", false},
		{"", false},
		{strings.Repeat("x", 10000), false},
	} {
		ok, err := CheckPassword(h, tc.pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.want {
			t.Errorf("CheckPassword(%.20q) = %v, want %v", tc.pw, ok, tc.want)
		}
	}
	if NeedsRehash(h) {
		t.Error("NeedsRehash of a fresh hash = true")
	}
}

func TestCheckPasswordBadHashes(t *testing.T) {
	for _, h := range []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuu5Q0fOe0vJ8b3K0K6j6R1j1a1a1a1a1a", // bcrypt
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", // 4 GiB
		"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",   // would panic
		"$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	} {
		ok, err := CheckPassword(h, "anything at all")
		if ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", h, ok, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	old := "$argon2id$v=19$m=65536,t=1,p=4$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	if !NeedsRehash(old) || !NeedsRehash("garbage") {
		t.Error("NeedsRehash of other parameters or garbage = false")
	}
}

func TestDummyCheckUsesLiveParameters(t *testing.T) {
	DummyCheck("x")
	if NeedsRehash(dummyHash) {
		t.Fatalf("dummy hash %q differs from HashParams, so unknown users answer at a different speed", dummyHash)
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct mule seventeen lanterns"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	h, _ := HashPassword("correct mule seventeen lanterns")
	for b.Loop() {
		if _, err := CheckPassword(h, "correct mule seventeen lanterns"); err != nil {
			b.Fatal(err)
		}
	}
}
