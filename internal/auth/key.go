package auth

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyBytes is the size of a generated token key.
const KeyBytes = 32

// LoadOrCreateKey returns the token key stored at path, creating it with
// KeyBytes random bytes and mode 0600 when it does not exist. Creation is
// atomic and first-wins: the key is written and synced to a temporary file
// that is then linked into place, so a crash leaves no half-written key and
// two processes starting together end up with the same one. An existing key
// that is short or readable by group or others is an error, not silently
// replaced: replacing it would end every session, and loose permissions mean
// someone else may hold it.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, KeyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: generate key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tokenkey-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("auth: create key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return nil, fmt.Errorf("auth: create key: %w", err)
	}
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: write key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: sync key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("auth: write key: %w", err)
	}
	// Link fails if another process got there first; rename would replace
	// its key under it.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKey(path)
		}
		// Some file systems have no hard links; fall back to rename, which
		// is still atomic.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return nil, fmt.Errorf("auth: install key: %w", err)
		}
	}
	syncDir(dir)
	return key, nil
}

func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("auth: key file %s has mode %04o; it must be readable by its owner only (chmod 600)", path, st.Mode().Perm())
	}
	if st.Size() != KeyBytes {
		return nil, fmt.Errorf("auth: key file %s has %d bytes, want %d", path, st.Size(), KeyBytes)
	}
	key := make([]byte, KeyBytes)
	if _, err := f.ReadAt(key, 0); err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	return key, nil
}

// syncDir makes the new directory entry durable; errors are ignored because
// not every platform can fsync a directory, and the key is already safe in
// its file.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// DecodeKey decodes a key given in configuration, as standard or URL-safe
// base64 or as hex, and requires at least MinKeyBytes of it.
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var key []byte
	var err error
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString,
		base64.StdEncoding.DecodeString,
		base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString,
		base64.RawURLEncoding.DecodeString,
	} {
		if key, err = dec(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token key in configuration is neither hex nor base64")
	}
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("auth: token key in configuration has %d bytes, need at least %d", len(key), MinKeyBytes)
	}
	return key, nil
}
