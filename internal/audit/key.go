package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// keyName names the signer in checkpoint notes.
const keyName = "portal-audit"

// loadOrCreateKey returns the note signer kept at path, creating a new
// ed25519 key there when the file does not exist. The file holds one line,
// the key in golang.org/x/mod/sumdb/note's private key format.
func loadOrCreateKey(path string) (note.Signer, string, error) {
	if path == "" {
		return nil, "", errors.New("no signing key path")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(path); err != nil {
			return nil, "", err
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read signing key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("signing key: %w", err)
	}
	// A key others can read lets them forge checkpoints; refuse, as ssh does.
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("signing key %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
	}
	skey := strings.TrimSpace(string(b))
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("signing key %s: %w", path, err)
	}
	vkey, err := verifierKey(skey)
	if err != nil {
		return nil, "", fmt.Errorf("signing key %s: %w", path, err)
	}
	return signer, vkey, nil
}

// createKey writes a new key to path atomically: a complete file appears
// under its name or nothing does. os.Link fails if another process created
// the key first, and then that key is used rather than overwritten.
func createKey(path string) error {
	skey, _, err := note.GenerateKey(rand.Reader, keyName)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create signing key: %w", err)
	}
	f, err := os.CreateTemp(dir, ".audit-key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("create signing key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("create signing key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("create signing key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("create signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create signing key: %w", err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create signing key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the new name durable; best effort on odd filesystems
		d.Close()
	}
	return nil
}

// verifierKey derives the public verifier key from a note private key
// (PRIVATE+KEY+name+hash+base64(alg||seed)); the note package has no call
// for it. The base64 may itself hold '+', hence SplitN.
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("malformed private key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("malformed private key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}
