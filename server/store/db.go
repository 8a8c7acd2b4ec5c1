// Package store is jxjy's persistence layer and the home of its business
// rules: it implements the domain service interfaces on SQLite (one file,
// the default) and PostgreSQL (province scale, many stateless servers). Every
// query is written once, with $N placeholders, and runs on both.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialects answered by (*DB).Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Options tune Open; the zero value is ready to use.
type Options struct {
	// Now is the clock every rule reads (expiries, lockouts, "today");
	// tests replace it. Default time.Now.
	Now func() time.Time
	// Logger receives operational messages. Default slog.Default().
	Logger *slog.Logger
	// CrashPoint is a fault-injection hook for the crash-safety tests
	// only (server/crashsafety_test.go): called inside the transaction,
	// after each item is written and before the commit, of a batch review
	// ("record-approval") and of each certificate print ("certificate").
	// The test's child server blocks in it so that it can be killed
	// mid-transaction for certain, not by a lucky race. Leave it nil.
	CrashPoint func(op string)
	// StatsCacheTTL is how long a scope's statistics of a year are
	// reused (see statsCache); 0 computes them on every request.
	StatsCacheTTL time.Duration
}

// DB is an open store. SQLite gets two pools: every transaction goes to a
// single-connection writer (SQLite allows one writer at a time, so queueing
// in Go beats retrying on SQLITE_BUSY), while plain reads use a pool of
// read-only connections that WAL lets run beside the writer. On PostgreSQL
// both are the same pool.
type DB struct {
	write   *sql.DB
	read    *reader
	dialect string
	clock   func() time.Time
	log     *slog.Logger
	// crashPoint is Options.CrashPoint.
	crashPoint func(op string)
	stats      *statsCache
	// instance names this process in the idempotency claims it holds;
	// claims are the ones it is running (see heldClaims).
	instance string
	claims   *heldClaims

	closeOnce sync.Once
	closeErr  error
}

// Open connects to url, migrates the schema and seeds the reference data.
//
// Accepted URLs:
//   - sqlite:///abs/path/jxjy.db — an absolute path;
//   - sqlite://jxjy.db or sqlite://data/jxjy.db — a path relative to the
//     working directory, handy on the command line. Whatever follows
//     "sqlite://" is the file path; the directory is created if missing.
//     Query parameters are refused: the connection settings are fixed here.
//   - postgres://… or postgresql://… — handed to pgx unchanged, so any pgx
//     parameter works, and unknown ones (search_path=…) become session
//     settings.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	db := &DB{clock: opts.Now, log: opts.Logger, crashPoint: opts.CrashPoint, stats: newStatsCache(opts.StatsCacheTTL)}
	if db.clock == nil {
		db.clock = time.Now
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		err = db.openSQLite(strings.TrimPrefix(url, "sqlite://"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		err = db.openPostgres(url)
	default:
		scheme, _, _ := strings.Cut(url, ":")
		return nil, fmt.Errorf("store: unsupported database URL scheme %q (want sqlite:// or postgres://)", scheme)
	}
	if err != nil {
		return nil, err
	}
	if err := db.prepare(ctx); err != nil {
		db.closePools()
		return nil, err
	}
	db.instance, db.claims = newInstanceID(), newHeldClaims()
	go db.renewClaims()
	return db, nil
}

func (db *DB) openSQLite(path string) error {
	if path == "" || strings.ContainsAny(path, "?#") {
		return fmt.Errorf("store: sqlite URL needs a file path without parameters, got %q", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: create database directory: %w", err)
		}
	}
	// The file holds personal data: create it private before SQLite does
	// (its -wal and -shm files copy the database file's permissions).
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o600)
	if err != nil {
		return fmt.Errorf("store: create database file: %w", err)
	}
	f.Close()
	// busy_timeout covers other processes (`jxjy admin` beside a running
	// server); within one process the single writer connection serialises.
	// _txlock=immediate takes the write lock at BEGIN, so a transaction never
	// fails half-way when it first writes. temp_store(2) keeps the writer's
	// statement journals in memory: every multi-row INSERT in a transaction
	// writes one, and in a temporary file that was a third of storing a
	// 10,000-row import.
	common := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	write, err := sql.Open("sqlite", path+"?"+common+"&_pragma=journal_mode(WAL)&_pragma=temp_store(2)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	db.write, db.read, db.dialect = write, newReader(read, true), DialectSQLite
	return nil
}

func (db *DB) openPostgres(url string) error {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	// Idle connections are kept up to the pool's size: under load a
	// smaller idle limit closes connections only to open them again, and
	// each new connection costs PostgreSQL a backend process.
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db.write, db.read, db.dialect = pool, newReader(pool, false), DialectPostgres
	return nil
}

// prepare brings a freshly opened database up to date. The writer is
// migrated before the readers first connect, so they find WAL mode set.
func (db *DB) prepare(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: connect to %s: %w", db.dialect, err)
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	if err := db.seedReference(ctx); err != nil {
		return fmt.Errorf("store: seed reference data: %w", err)
	}
	return nil
}

// Dialect is DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// Ping reports whether the database answers; for health checks.
func (db *DB) Ping(ctx context.Context) error {
	return mapDBError(db.read.PingContext(ctx))
}

// Close closes the pools. On SQLite it first folds the WAL back into the
// database file, so the file alone is a complete copy after shutdown.
// Closing again returns the first close's outcome.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	db.stopRenewing()
	var errs []error
	if db.dialect == DialectSQLite {
		if _, err := db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, fmt.Errorf("store: checkpoint: %w", err))
		}
	}
	errs = append(errs, db.closePools())
	return errors.Join(errs...)
}

func (db *DB) closePools() error {
	err := db.write.Close()
	if db.read.DB != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// withTx runs fn in a write transaction, committing when fn returns nil.
// Driver errors come back mapped to domain errors (see mapDBError).
//
// A pooled connection can be dead when a transaction takes it: pgx
// closes a connection whose query a cancelled request interrupted, and
// the pool may hand it out before it notices. The driver then answers
// driver.ErrBadConn, which pgx gives only for a statement it never sent,
// and a transaction on a dead connection cannot commit; so the whole
// transaction runs once more on a fresh connection, and the operator
// sees no 500. A failed commit is never retried: whether it committed
// is unknown.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	committing, err := db.runTx(ctx, fn)
	if !committing && ctx.Err() == nil && badConn(err) {
		db.log.Warn("transaction retried on a fresh connection", "err", err)
		_, err = db.runTx(ctx, fn)
	}
	return mapDBError(err)
}

// runTx is one attempt of withTx; committing reports that err came
// from the commit.
func (db *DB) runTx(ctx context.Context, fn func(tx *sql.Tx) error) (committing bool, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return false, err
	}
	committed = true
	return true, tx.Commit()
}

// badConn reports a connection that failed before the statement left:
// database/sql's ErrBadConn, or pgconn's own word for it (BeginTx passes
// that through unconverted).
func badConn(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || err != nil && pgconn.SafeToRetry(err)
}

// newInstanceID draws the name of one open store: unique per process
// start, so a restarted server never mistakes its predecessor's claims
// for its own.
func newInstanceID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// atCrashPoint calls Options.CrashPoint, which only crash tests set.
func (db *DB) atCrashPoint(op string) {
	if db.crashPoint != nil {
		db.crashPoint(op)
	}
}

// changedOne reports whether a statement changed exactly one row.
func changedOne(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	return n == 1, err
}

// now reads the clock at the precision timestamps are stored with, so a
// time handed out equals the same time read back.
func (db *DB) now() time.Time {
	return db.clock().UTC().Truncate(time.Millisecond)
}

// millis and fromMillis convert to and from stored timestamps.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullable stores "" and 0 as NULL, for optional references.
func nullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}
