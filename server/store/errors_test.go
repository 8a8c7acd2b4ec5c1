package store_test

import (
	"errors"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// TestDriverErrorsMap provokes real violations on each database and checks
// that both drivers' errors map alike.
func TestDriverErrorsMap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		usernameKey := store.NewUniqueKey("users", "username_key", "username", "用户名已被使用")
		otherKey := store.NewUniqueKey("users", "username", "login", "x")

		// Primary key (SQLite 1555, PostgreSQL 23505).
		err := db.Exec(ctx, `INSERT INTO regions (code, name, level) VALUES ('440000', '重复', 1)`)
		if err == nil {
			t.Fatal("duplicate primary key accepted")
		}
		if de := wantCode(t, store.MapDBError(err), domain.CodeConflict); len(de.Fields) != 0 {
			t.Fatalf("primary key mapped to fields %v", de.Fields)
		}

		// Unique column (SQLite 2067, PostgreSQL 23505), named and unnamed.
		insert := `INSERT INTO users (username, username_key, password_hash, role, created_at, password_changed_at)
			VALUES ($1, $2, 'x', 'admin', 0, 0)`
		if err := db.Exec(ctx, insert, "first", "dup"); err != nil {
			t.Fatal(err)
		}
		err = db.Exec(ctx, insert, "second", "dup")
		if err == nil {
			t.Fatal("duplicate unique key accepted")
		}
		wantField(t, store.MapDBError(err, otherKey, usernameKey), domain.CodeConflict, "username", "用户名已被使用")
		if de := wantCode(t, store.MapDBError(err, otherKey), domain.CodeConflict); len(de.Fields) != 0 {
			t.Fatalf("a violation matched the wrong key: %v", de.Fields)
		}

		// Foreign key (SQLite 787, PostgreSQL 23503), inserting and deleting.
		err = db.Exec(ctx, `INSERT INTO authorities (name, region_code, level) VALUES ('无', '999999', 2)`)
		if err == nil {
			t.Fatal("dangling foreign key accepted")
		}
		wantCode(t, store.MapDBError(err), domain.CodeConflict)
		err = db.Exec(ctx, `DELETE FROM regions WHERE code = '440100'`)
		if err == nil {
			t.Fatal("deleted a referenced row")
		}
		wantCode(t, store.MapDBError(err), domain.CodeConflict)

		// Anything else passes through.
		err = db.Exec(ctx, `INSERT INTO nowhere VALUES (1)`)
		if err == nil || store.MapDBError(err) != err || domain.ErrorCode(store.MapDBError(err)) != domain.CodeInternal {
			t.Fatalf("a syntax error mapped to %v", store.MapDBError(err))
		}
		de := domain.Errorf(domain.CodeNotFound, "x")
		if !errors.Is(store.MapDBError(de), de) || store.MapDBError(nil) != nil {
			t.Fatal("domain errors and nil must pass through")
		}
	})
}
