package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/investigation-portal/portal/internal/auth"

	"go.yaml.in/yaml/v3"
)

// Config is configs/portal.yaml.
type Config struct {
	Data     string   `yaml:"data"`
	Store    string   `yaml:"store"`
	Addr     string   `yaml:"addr"`
	Offences []string `yaml:"offences"`
	Session  struct {
		IdleTimeout  time.Duration `yaml:"idle_timeout"`
		Lifetime     time.Duration `yaml:"lifetime"`
		CookieSecure bool          `yaml:"cookie_secure"`
		// Key signs session tokens (hex or base64, at least 32 bytes; env
		// PORTAL_SESSION_KEY). Empty: generated once and kept in the data
		// directory as session.key. Nodes sharing a store share the key.
		Key string `yaml:"key"`
	} `yaml:"session"`
	Audit struct {
		// KeyFile holds the key that signs audit checkpoints. Empty: DATA/audit.key.
		// Nodes that share one PostgreSQL store write one log, so they must
		// point at the same key file (or copies of it).
		KeyFile string `yaml:"key_file"`
	} `yaml:"audit"`
	Lockout struct {
		MaxFailures int           `yaml:"max_failures"`
		Window      time.Duration `yaml:"window"`
		LockFor     time.Duration `yaml:"lock_for"`
	} `yaml:"lockout"`
	LoginRate struct {
		Burst int           `yaml:"burst"`
		Every time.Duration `yaml:"every"`
	} `yaml:"login_rate"`
	TrustedProxies []string `yaml:"trusted_proxies"`
	MaxImportBytes int64    `yaml:"max_import_bytes"`
	// Synonyms is the synonym file applied to searches; empty means
	// configs/synonyms.txt when present.
	Synonyms string `yaml:"synonyms"`
}

// defaultConfig holds the values used when no file sets them; they match
// configs/portal.yaml.
func defaultConfig() Config {
	var c Config
	c.Data = "./data"
	c.Addr = "localhost:8080"
	c.Session.IdleTimeout = 30 * time.Minute
	c.Session.Lifetime = 12 * time.Hour
	c.Session.CookieSecure = true
	c.Lockout.MaxFailures = 5
	c.Lockout.Window = 15 * time.Minute
	c.Lockout.LockFor = 15 * time.Minute
	c.LoginRate.Burst = auth.DefaultLoginBurst
	c.LoginRate.Every = auth.DefaultLoginEvery
	c.MaxImportBytes = 512 << 20
	return c
}

// loadConfig reads path over the defaults. A missing default file is fine;
// a missing file named by the user is not.
func loadConfig(path string, explicit bool) (Config, error) {
	c := defaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) && !explicit {
			return c, nil
		}
		return c, fmt.Errorf("config: %w", err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

func (c Config) trustedProxies() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range c.TrustedProxies {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("config: trusted_proxies: %q: %w", s, err)
		}
		out = append(out, n)
	}
	return out, nil
}
