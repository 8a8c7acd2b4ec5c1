package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"jxjy/server"
)

// gen fills a small database, and bench drives every scenario against a
// server over it without a failed request.
func TestGenThenBench(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "gen.db")
	ctx := context.Background()
	if err := run(ctx, []string{"gen", "--db", db, "--units", "3", "--persons", "30", "--records", "200", "--big-unit", "12"}); err != nil {
		t.Fatalf("gen: %v", err)
	}
	if err := run(ctx, []string{"gen", "--db", db, "--units", "3", "--persons", "30"}); err == nil {
		t.Fatal("a second gen into the same database succeeded")
	}
	srv, err := server.Open(ctx, server.Config{DB: db, AnonymousPerMinute: -1, LoginAttemptsPerMinute: -1, Logger: newLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	err = run(ctx, []string{"bench", "--server", "http://" + l.Addr().String(), "--scenario", "all",
		"--duration", "300ms", "--concurrency", "2", "--units", "3", "--import-rows", "25"})
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	// Workers whose login fails (units 4 and 5 were never generated) are
	// failures of the run, which the others finish, not its end.
	err = run(ctx, []string{"bench", "--server", "http://" + l.Addr().String(), "--scenario", "persons",
		"--duration", "200ms", "--concurrency", "5", "--units", "5"})
	if err == nil || !strings.Contains(err.Error(), "2 requests failed") {
		t.Fatalf("bench with two workers that cannot log in: %v", err)
	}
	// The import scenario stored its files' rows, a whole number of files.
	conn, err := sql.Open("sqlite", strings.TrimPrefix(db, "sqlite://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var imported int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM records WHERE title LIKE '%压测%'`).Scan(&imported); err != nil {
		t.Fatal(err)
	}
	if imported == 0 || imported%25 != 0 {
		t.Errorf("the import scenario stored %d records, want a positive multiple of 25", imported)
	}
}

func TestBenchRefusesUnknownScenario(t *testing.T) {
	err := run(context.Background(), []string{"bench", "--scenario", "nope"})
	if !errors.Is(err, errUsage) {
		t.Fatalf("got %v, want a usage error", err)
	}
}

func TestBenchUnitScenariosNeedTheUnit(t *testing.T) {
	for _, s := range []string{"recount", "import", "all"} {
		err := run(context.Background(), []string{"bench", "--scenario", s, "--unit-account", ""})
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--unit-account") {
			t.Errorf("%s: got %v, want a usage error naming --unit-account", s, err)
		}
	}
}
