package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// The reader prepares a statement text once and answers every later call
// with it, with each call's own arguments; past the cache's bound it
// still answers, unprepared; a statement that does not prepare reports
// its error from both doors.
func TestReaderReusesStatementsWithinItsBound(t *testing.T) {
	pool, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := newReader(pool, true)
	defer r.Close()
	ctx := t.Context()
	for i := range 3 {
		var got int
		if err := r.QueryRowContext(ctx, `SELECT $1 + 1`, i).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("SELECT %d + 1 = %d, %v", i, got, err)
		}
	}
	if len(r.stmts) != 1 {
		t.Fatalf("%d statements cached for one text, want 1", len(r.stmts))
	}
	for i := range maxCachedStatements + 5 {
		rows, err := r.QueryContext(ctx, fmt.Sprintf(`SELECT %d, $1`, i), "x")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		var s string
		if !rows.Next() || rows.Scan(&n, &s) != nil || n != i || s != "x" {
			t.Fatalf("query %d answered %d %q", i, n, s)
		}
		rows.Close()
	}
	if len(r.stmts) != maxCachedStatements {
		t.Fatalf("%d statements cached, want the bound %d", len(r.stmts), maxCachedStatements)
	}
	if err := r.QueryRowContext(ctx, `SELECT FROM nowhere`).Scan(new(int)); err == nil {
		t.Fatal("a malformed statement answered a row")
	}
	if _, err := r.QueryContext(ctx, `SELECT FROM nowhere`); err == nil {
		t.Fatal("a malformed statement answered rows")
	}
}
