package store

import (
	"context"
	"embed"
	"fmt"
	"hash/crc32"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder per dialect; the versions in both folders
// must match one for one, since only the DDL differs.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrate applies pending migrations. On PostgreSQL several servers may
// start at once, so they take turns on an advisory lock named after the
// database and schema (tests migrate many schemas side by side).
func (db *DB) migrate(ctx context.Context) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == DialectPostgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		var where string
		if err := db.write.QueryRowContext(ctx,
			`SELECT current_database() || '.' || COALESCE(current_schema(), '')`).Scan(&where); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(int64(crc32.ChecksumIEEE([]byte("jxjy-migrate:"+where)))),
			lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	opts = append(opts, goose.WithDisableGlobalRegistry(true), goose.WithSlog(db.log))
	provider, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		db.log.Info("database migrated", "dialect", db.dialect, "version", r.Source.Version, "file", r.Source.Path)
	}
	return nil
}
