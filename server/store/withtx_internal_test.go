package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

// A transaction that meets a dead connection (driver.ErrBadConn: the
// statement never left) runs once more; one that fails otherwise, or
// fails again, is not repeated.
func TestWithTxRetriesABadConnectionOnce(t *testing.T) {
	db, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "tx.db"),
		Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name  string
		fails []error
		calls int
		ok    bool
	}{
		{"bad connection, then fine", []error{driver.ErrBadConn}, 2, true},
		{"bad connection twice", []error{driver.ErrBadConn, driver.ErrBadConn}, 2, false},
		{"another failure", []error{errors.New("boom")}, 1, false},
	} {
		calls := 0
		err := db.withTx(t.Context(), func(tx *sql.Tx) error {
			calls++
			if calls <= len(tc.fails) {
				return tc.fails[calls-1]
			}
			return nil
		})
		if calls != tc.calls || (err == nil) != tc.ok {
			t.Errorf("%s: %d calls, err %v", tc.name, calls, err)
		}
	}
	// A caller that left is not served again.
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	_ = db.withTx(ctx, func(*sql.Tx) error { calls++; cancel(); return driver.ErrBadConn })
	if calls != 1 {
		t.Errorf("retried for a cancelled caller: %d calls", calls)
	}
}
