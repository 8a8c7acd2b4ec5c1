// Package storetest runs a test against every database jxjy supports: a
// fresh SQLite file always, and PostgreSQL when JXJY_TEST_POSTGRES names a
// server. Store, API and client tests all use it, so a rule that holds on
// one database is shown to hold on the other.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for schema setup

	"jxjy/server/store"
)

// EnvPostgres names the environment variable holding a PostgreSQL URL,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test
// gets its own schema there, dropped afterwards.
const EnvPostgres = "JXJY_TEST_POSTGRES"

// Option adjusts the store options of every database Run opens.
type Option func(*store.Options)

// Run runs fn as subtest "sqlite" on a fresh database file and as subtest
// "postgres" on a fresh schema. Without JXJY_TEST_POSTGRES the postgres
// subtest is skipped; with it set but the server unreachable, it fails, so
// CI cannot pass by accident. Each database runs on its own Clock (see
// ClockOf) unless an option sets Now.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...Option) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openSQLite(t, opts))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openPostgres(t, opts))
	})
}

var clocks sync.Map // *store.DB → *Clock

// ClockOf returns the clock of a database opened by Run, or nil if an
// option replaced it.
func ClockOf(db *store.DB) *Clock {
	c, _ := clocks.Load(db)
	clock, _ := c.(*Clock)
	return clock
}

// options applies opts; unless one of them set Now, the database gets a
// fresh Clock.
func options(t *testing.T, opts []Option) (store.Options, *Clock) {
	o := store.Options{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
	for _, opt := range opts {
		opt(&o)
	}
	if o.Now != nil {
		return o, nil
	}
	clock := NewClock(time.Now())
	o.Now = clock.Now
	return o, clock
}

// register makes db's clock findable and closes db when the test ends.
func register(t *testing.T, db *store.DB, clock *Clock) {
	if clock != nil {
		clocks.Store(db, clock)
	}
	t.Cleanup(func() {
		clocks.Delete(db)
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
}

func openSQLite(t *testing.T, opts []Option) *store.DB {
	o, clock := options(t, opts)
	path := filepath.Join(t.TempDir(), "jxjy.db")
	db, err := store.Open(t.Context(), "sqlite://"+path, o)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	register(t, db, clock)
	return db
}

var skipNotice sync.Once

func openPostgres(t *testing.T, opts []Option) *store.DB {
	dbURL := PostgresURL(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	o, clock := options(t, opts)
	db, err := store.Open(ctx, dbURL, o)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	register(t, db, clock)
	return db
}

// PostgresURL creates a fresh schema, dropped when the test ends, and
// returns the URL of JXJY_TEST_POSTGRES with search_path set to it; it
// skips the test when the variable is unset. Tests that hand the URL to
// another process (a server they start and kill) use it directly.
func PostgresURL(t *testing.T) string {
	t.Helper()
	base := strings.TrimSpace(os.Getenv(EnvPostgres))
	if base == "" {
		skipNotice.Do(func() { t.Log(EnvPostgres + " not set: PostgreSQL suite skipped") })
		t.Skip(EnvPostgres + " not set")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v", redact(base), err)
	}
	schema := "jxjy_test_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		// The test's context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withParam(base, "search_path", schema)
}

// withParam adds a query parameter to a URL; pgx passes unknown
// parameters to the server as session settings.
func withParam(raw, key, value string) string {
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RunPair is Run with two stores over one database, each with its own
// pools and instance id, as two server processes are (or a server and
// the one that replaced it after a crash). Both read one Clock.
func RunPair(t *testing.T, fn func(t *testing.T, a, b *store.DB, clock *Clock)) {
	t.Helper()
	pair := func(t *testing.T, url string) {
		clock := NewClock(time.Now())
		var dbs [2]*store.DB
		for i := range dbs {
			db, err := store.Open(t.Context(), url, store.Options{Now: clock.Now,
				Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
			if err != nil {
				t.Fatalf("open store %d: %v", i, err)
			}
			register(t, db, clock)
			dbs[i] = db
		}
		fn(t, dbs[0], dbs[1], clock)
	}
	t.Run("sqlite", func(t *testing.T) {
		pair(t, "sqlite://"+filepath.Join(t.TempDir(), "jxjy.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		pair(t, PostgresURL(t))
	})
}
