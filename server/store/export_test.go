package store

import (
	"context"
	"database/sql"

	"jxjy/server/domain"
)

// Test-only doors into the package, for package store_test.

// Prepare reruns the migrations and the reference seed on an open store.
func (db *DB) Prepare(ctx context.Context) error { return db.prepare(ctx) }

// Exec runs a statement on the writer, as the store's own code would.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// QueryRow reads one row from the reader pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, query, args...)
}

// InsertAudit records e in its own transaction.
func (db *DB) InsertAudit(ctx context.Context, e domain.AuditEntry) error {
	return db.withTx(ctx, func(tx *sql.Tx) error { return insertAudit(ctx, tx, e) })
}

// UniqueKey and MapDBError expose the error mapping.
type UniqueKey = uniqueKey

func NewUniqueKey(table, column, field, msg string) UniqueKey {
	return uniqueKey{table: table, column: column, field: field, msg: msg}
}

var MapDBError = mapDBError
