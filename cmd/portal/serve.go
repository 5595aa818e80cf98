package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/investigation-portal/portal/internal/auth"
	"github.com/investigation-portal/portal/internal/web"
)

// serve is `portal serve`: it reconciles the index with the store, then
// serves until the context ends, following the store's change log.
func (m *Main) serve(ctx context.Context, args []string) int {
	fs := m.flags("serve")
	addr := fs.String("addr", "", "listen address (default from config, env PORTAL_ADDR)")
	demo := fs.Bool("demo", false, "load the demo corpus and demo users on a first start, and print the log-ins")
	if err := fs.Parse(args); err != nil {
		return exitFatal
	}
	listen := m.Config.Addr
	if v := m.Getenv("PORTAL_ADDR"); v != "" {
		listen = v
	}
	if *addr != "" {
		listen = *addr
	}
	if err := m.open(ctx); err != nil {
		return m.fail(err)
	}
	if *demo {
		if err := m.loadDemo(ctx, false); err != nil {
			return m.fail(err)
		}
	}
	rep, err := m.Indexer.Reconcile(ctx)
	if err != nil {
		return m.fail(fmt.Errorf("index check: %w", err))
	}
	m.Log.Info("index checked against the store", "result", rep.String())

	srv, err := m.webServer()
	if err != nil {
		return m.fail(err)
	}
	// Load the linkage engine while the server already answers: the first
	// similar-reports request would otherwise wait for it (~40 s at 100k).
	go func() {
		start := time.Now()
		if err := srv.WarmLinkage(ctx); err != nil && ctx.Err() == nil {
			m.Log.Error("linkage warm-up", "err", err)
			return
		}
		m.Log.Info("linkage engine loaded", "took", time.Since(start).Round(time.Millisecond).String())
	}()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return m.fail(err)
	}
	url := "http://" + ln.Addr().String()
	if host, port, _ := net.SplitHostPort(ln.Addr().String()); host == "127.0.0.1" || host == "::1" {
		url = "http://localhost:" + port // browsers treat localhost as secure: the __Host- cookie works
	}
	fmt.Fprintf(m.Stdout, "portal serving on %s\n", url)
	if *demo {
		m.printDemoLogins()
	}
	if m.Ready != nil {
		m.Ready(url)
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10} // a session token is at most 4 KiB; nothing needs a megabyte of headers
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	follow := time.NewTicker(2 * time.Second)
	defer follow.Stop()
	checkpoint := time.NewTicker(10 * time.Minute)
	defer checkpoint.Stop()
	for {
		select {
		case <-ctx.Done():
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := hs.Shutdown(shutdown)
			cancel()
			if _, cerr := m.Audit.Checkpoint(context.Background()); cerr != nil {
				m.Log.Error("audit checkpoint at shutdown", "err", cerr)
			}
			if err != nil {
				return m.fail(err)
			}
			return exitOK
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				return m.fail(err)
			}
			return exitOK
		case <-follow.C:
			// Changes written by another node (PostgreSQL) or by an import
			// that broke off reach this node's index here.
			if _, err := m.Indexer.CatchUp(ctx); err != nil && ctx.Err() == nil {
				m.Log.Error("index catch-up", "err", err)
			}
		case <-checkpoint.C:
			if _, err := m.Audit.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				m.Log.Error("audit checkpoint", "err", err)
			}
		}
	}
}

// webServer builds the HTTP server from the opened store, index and log.
func (m *Main) webServer() (*web.Server, error) {
	key, err := m.sessionKey()
	if err != nil {
		return nil, err
	}
	proxies, err := m.Config.trustedProxies()
	if err != nil {
		return nil, err
	}
	c := m.Config
	return web.New(&web.Server{
		Store: m.Store, Index: m.Index, Indexer: m.Indexer, Audit: m.Audit, Log: m.Log,
		Tokens:  auth.NewTokens(key, "investigation-portal", c.Session.IdleTimeout, c.Session.Lifetime, time.Now),
		Lockout: auth.LockoutPolicy{MaxFailures: c.Lockout.MaxFailures, Window: c.Lockout.Window, LockFor: c.Lockout.LockFor},
		Limiter: auth.NewLimiter(c.LoginRate.Burst, c.LoginRate.Every, time.Now),
		Config: web.Config{Offences: c.Offences, CookieSecure: c.Session.CookieSecure,
			TrustedProxies: proxies, MaxImportBytes: c.MaxImportBytes},
	}), nil
}

// sessionKey is the token key from the configuration (PORTAL_SESSION_KEY
// wins over session.key), or else the one generated and kept with the data.
func (m *Main) sessionKey() ([]byte, error) {
	if k := m.Getenv("PORTAL_SESSION_KEY"); k != "" {
		return auth.DecodeKey(k)
	}
	if m.Config.Session.Key != "" {
		return auth.DecodeKey(m.Config.Session.Key)
	}
	return auth.LoadOrCreateKey(filepath.Join(m.DataDir, "session.key"))
}
