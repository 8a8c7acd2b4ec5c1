// Package servertest starts real jxjy servers for tests of the API, the
// client and the TUI, on every database the conformance suite covers.
package servertest

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"jxjy/client"
	"jxjy/server"
	"jxjy/server/store"
)

// Env is a running server over a seeded database.
type Env struct {
	DB  *store.DB
	Srv *server.Server
	URL string
}

// Start seeds the demo data into db and serves it with the captcha as
// given, until the test ends. The per-address rate limit is off: every test
// client comes from 127.0.0.1 (StartWith sets it).
func Start(t testing.TB, db *store.DB, captcha bool) *Env {
	return StartWith(t, db, server.Config{CaptchaEnabled: captcha, AnonymousPerMinute: -1})
}

// StartWith is Start with a full configuration; without a Logger the
// server logs nowhere.
func StartWith(t testing.TB, db *store.DB, cfg server.Config) *Env {
	t.Helper()
	if _, err := db.SeedDemo(t.Context()); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	ts := httptest.NewUnstartedServer(nil)
	if cfg.PublicURL == Self {
		cfg.PublicURL = "http://" + ts.Listener.Addr().String()
	}
	srv := server.New(db, cfg)
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &Env{DB: db, Srv: srv, URL: ts.URL}
}

// Self as the configuration's PublicURL is the test server's own
// address, so the QR codes of its certificates open it.
const Self = "self"

// Client returns a fresh client (its own session) for the server.
func (e *Env) Client() *client.Client {
	return client.New(e.URL, client.Options{RetryWait: 1})
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
