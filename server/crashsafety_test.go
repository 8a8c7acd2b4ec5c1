package server_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"jxjy/client"
	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// The crash tests re-execute the test binary as a server (TestCrashChild)
// and kill it with SIGKILL mid-operation. The child learns what to serve
// from these variables.
const (
	// envCrashDB is the database URL the child serves.
	envCrashDB = "JXJY_CRASH_CHILD_DB"
	// envCrashDir is where the child writes its address, and its marker
	// when it reaches the crash point.
	envCrashDir = "JXJY_CRASH_CHILD_DIR"
	// envCrashAt is "op:n": the child stops, inside the transaction, at
	// the n-th store.Options.CrashPoint call of op and waits to be killed.
	envCrashAt = "JXJY_CRASH_CHILD_AT"
)

// Files in the child's directory.
const (
	addrFile   = "addr"
	markerFile = "crashpoint"
)

// TestCrashChild is the child process of the crash tests: a real server
// over the given database until it is killed.
func TestCrashChild(t *testing.T) {
	dbURL, dir := os.Getenv(envCrashDB), os.Getenv(envCrashDir)
	if dbURL == "" {
		t.Skip("child process of the TestKill… crash tests")
	}
	opts := store.Options{}
	if at := os.Getenv(envCrashAt); at != "" {
		op, n, _ := strings.Cut(at, ":")
		stopAt, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envCrashAt, at, err)
		}
		var calls atomic.Int64
		opts.CrashPoint = func(got string) {
			if got != op || calls.Add(1) != stopAt {
				return
			}
			if err := os.WriteFile(filepath.Join(dir, markerFile), []byte(at), 0o600); err != nil {
				t.Error(err)
			}
			// Hold the transaction open until the parent's SIGKILL.
			select {}
		}
	}
	db, err := store.Open(context.Background(), dbURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(db, server.Config{AnonymousPerMinute: -1})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := filepath.Join(dir, addrFile)
	if err := os.WriteFile(addr+".tmp", []byte(l.Addr().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(addr+".tmp", addr); err != nil {
		t.Fatal(err)
	}
	_ = srv.Serve(l)
}

// crashDB is a database the crash tests kill servers over: the URL the
// child serves, the test's own connection to read what survived (tables
// unqualified: on PostgreSQL its search_path is the test's schema) and
// the directory of the child's files.
type crashDB struct {
	url string
	sql *sql.DB
	dir string
}

// crashEngines runs fn on SQLite and, when JXJY_TEST_POSTGRES is set, on
// a fresh PostgreSQL schema, each holding the demo data and whatever
// prepare adds (prepare may be nil).
func crashEngines(t *testing.T, prepare func(t *testing.T, db *store.DB), fn func(t *testing.T, d crashDB)) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	run := func(t *testing.T, dbURL, readURL, driver string) {
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		db, err := store.Open(t.Context(), dbURL, store.Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SeedDemo(t.Context()); err != nil {
			t.Fatal(err)
		}
		if prepare != nil {
			prepare(t, db)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		read, err := sql.Open(driver, readURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { read.Close() })
		dir := t.TempDir()
		fn(t, crashDB{url: dbURL, sql: read, dir: dir})
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "crash.db")
		run(t, "sqlite://"+path, "file:"+path+"?mode=ro", "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL := storetest.PostgresURL(t)
		run(t, dbURL, dbURL, "pgx")
	})
}

// startChild runs the test binary as a server over d, stopping at the
// crash point at ("op:n", or "" for none), and waits for its address.
func startChild(t *testing.T, d crashDB, at string) (*exec.Cmd, string) {
	t.Helper()
	addr := filepath.Join(d.dir, addrFile)
	_ = os.Remove(addr)
	_ = os.Remove(filepath.Join(d.dir, markerFile))
	log, err := os.CreateTemp(d.dir, "child-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), envCrashDB+"="+d.url, envCrashDir+"="+d.dir, envCrashAt+"="+at)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			if b, err := os.ReadFile(log.Name()); err == nil {
				t.Logf("child server's log:\n%s", b)
			}
		}
		log.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(addr); err == nil {
			return cmd, "http://" + string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the child server did not start")
	return nil, ""
}

// killAtCrashPoint waits until the child is inside the operation's
// transaction, stopped at its crash point, and kills it with SIGKILL.
// done delivers the end of the operation's request: if it ends first,
// the operation finished before the crash point and the test fails.
func killAtCrashPoint(t *testing.T, d crashDB, child *exec.Cmd, done <-chan error) {
	t.Helper()
	marker := filepath.Join(d.dir, markerFile)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the operation ended (%v) before the child reached its crash point", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never reached its crash point")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if err := <-done; err == nil {
		t.Fatal("the operation's request succeeded although the server was killed mid-transaction")
	}
}

// login signs username in at the server (the child runs without captcha).
func login(t *testing.T, url, username string) *client.Client {
	t.Helper()
	c := client.New(url, client.Options{})
	cap, err := c.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: username, Password: store.DemoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	return c
}

func importRequest(t *testing.T, url, tok string, file []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/api/v1/record-import?name=crash.xlsx", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", domain.ContentTypeXLSX)
	req.Header.Set("Accept", "application/x-ndjson")
	req.Header.Set("Accept-Encoding", "identity") // progress lines as they are written
	return req
}

// A server killed with SIGKILL in the middle of a 10,000-row import (while
// it checks the rows in the import's transaction, or while it writes them)
// holds, after a restart, either none of the rows or all of them, and
// exactly one audit entry per stored record.
func TestKillDuringImport(t *testing.T) {
	for _, stage := range []domain.ImportStage{domain.StageValidate, domain.StageStore} {
		t.Run(string(stage), func(t *testing.T) {
			crashEngines(t, nil, func(t *testing.T, d crashDB) { killDuringImport(t, d, stage) })
		})
	}
}

// importedRows counts the records imports stored and their audit entries.
func importedRows(t *testing.T, db *sql.DB) (records, audited int) {
	t.Helper()
	if err := db.QueryRow(`SELECT COUNT(*) FROM records WHERE source = 'import'`).Scan(&records); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'record' AND comment LIKE '批量申报入库%'`).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	return records, audited
}

func killDuringImport(t *testing.T, d crashDB, stage domain.ImportStage) {
	child, url := startChild(t, d, "")
	// The demo data holds imported records of its own.
	seeded, seededAudit := importedRows(t, d.sql)
	c := login(t, url, store.DemoUnit)
	var file bytes.Buffer
	if err := store.DemoImportWorkbook(&file, 10000, time.Now()); err != nil {
		t.Fatal(err)
	}

	resp, err := http.DefaultClient.Do(importRequest(t, url, c.Token(), file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// Kill the server as soon as it reports the stage: the import's
	// progress stream is the signal that it is inside its transaction.
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	killed := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"stage":"`+string(stage)+`"`) {
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	resp.Body.Close()
	_ = child.Wait()
	if !killed {
		t.Fatalf("the import ended before it was seen at stage %s", stage)
	}

	_, url = startChild(t, d, "")
	records, audited := importedRows(t, d.sql)
	records, audited = records-seeded, audited-seededAudit
	if records != 0 {
		t.Logf("the import committed before the kill: %d records", records)
	}
	if records != audited {
		t.Fatalf("%d imported records, %d audit entries", records, audited)
	}

	// The restarted server imports the file whole, once.
	c2 := login(t, url, store.DemoUnit)
	res, err := c2.ImportRecords(t.Context(), domain.ImportUpload{Name: "crash.xlsx", Size: int64(file.Len()), Body: bytes.NewReader(file.Bytes())})
	if err != nil {
		t.Fatalf("import after the restart: %v", err)
	}
	after, _ := importedRows(t, d.sql)
	after -= seeded
	switch {
	case records == 0 && (res.Inserted == 0 || after != res.Inserted):
		t.Fatalf("%d records after a clean import of %d", after, res.Inserted)
	case records != 0 && (res.Inserted != 0 || after != records):
		// Rows the killed import should have stored were missing.
		t.Fatalf("a partial import survived the kill: %d stored, %d more now", records, res.Inserted)
	}
}
