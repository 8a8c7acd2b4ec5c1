package server_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"jxjy/client"
	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/store"
)

// envCrashChild names the database a re-executed test binary serves; the
// parent kills it with SIGKILL mid-operation.
const envCrashChild = "JXJY_CRASH_CHILD_DB"

// TestCrashChild is the child process of the crash tests: a real server
// over the given SQLite file until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(envCrashChild)
	if path == "" {
		t.Skip("child process of TestKillDuringImport")
	}
	srv, err := server.Open(context.Background(), server.Config{DB: "sqlite:///" + path, Demo: true, AnonymousPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".addr.tmp", []byte(l.Addr().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".addr.tmp", path+".addr"); err != nil {
		t.Fatal(err)
	}
	_ = srv.Serve(l)
}

// startChild runs the test binary as a server over path and waits for its
// address.
func startChild(t *testing.T, path string) (*exec.Cmd, string) {
	t.Helper()
	_ = os.Remove(path + ".addr")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path + ".addr"); err == nil {
			return cmd, "http://" + string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the child server did not start")
	return nil, ""
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
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	for _, stage := range []domain.ImportStage{domain.StageValidate, domain.StageStore} {
		t.Run(string(stage), func(t *testing.T) { killDuringImport(t, stage) })
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

func killDuringImport(t *testing.T, stage domain.ImportStage) {
	path := filepath.Join(t.TempDir(), "crash.db")
	child, url := startChild(t, path)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The demo data holds imported records of its own.
	seeded, seededAudit := importedRows(t, db)
	c := client.New(url, client.Options{})
	cap, err := c.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := store.DemoImportWorkbook(&file, 10000, time.Now()); err != nil {
		t.Fatal(err)
	}

	resp, err := http.DefaultClient.Do(importRequest(t, url, c.Token(), file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// Kill the server as soon as it reports writing rows.
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
		t.Fatal("the import ended before it was seen writing rows")
	}

	_, url = startChild(t, path)
	records, audited := importedRows(t, db)
	records, audited = records-seeded, audited-seededAudit
	if records != 0 {
		t.Logf("the import committed before the kill: %d records", records)
	}
	if records != audited {
		t.Fatalf("%d imported records, %d audit entries", records, audited)
	}

	// The restarted server imports the file whole, once.
	c2 := client.New(url, client.Options{})
	cap, err = c2.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	res, err := c2.ImportRecords(t.Context(), domain.ImportUpload{Name: "crash.xlsx", Size: int64(file.Len()), Body: bytes.NewReader(file.Bytes())})
	if err != nil {
		t.Fatalf("import after the restart: %v", err)
	}
	after, _ := importedRows(t, db)
	after -= seeded
	switch {
	case records == 0 && (res.Inserted == 0 || after != res.Inserted):
		t.Fatalf("%d records after a clean import of %d", after, res.Inserted)
	case records != 0 && (res.Inserted != 0 || after != records):
		// Rows the killed import should have stored were missing.
		t.Fatalf("a partial import survived the kill: %d stored, %d more now", records, res.Inserted)
	}
}
