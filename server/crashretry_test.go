package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// killKeyedImport sends the file as a keyed import with progress lines
// and kills child with SIGKILL once the import reports it is storing.
func killKeyedImport(t *testing.T, url, token, key string, file []byte, child *exec.Cmd) {
	t.Helper()
	req := importRequest(t, url, token, file)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	killed := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"stage":"`+string(domain.StageStore)+`"`) {
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
		t.Fatal("the import ended before it was seen storing")
	}
}

// keyedImport sends the file as a keyed import and returns the answer.
func keyedImport(t *testing.T, url, token, key string, file []byte) (*http.Response, []byte) {
	t.Helper()
	req := importRequest(t, url, token, file)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// A server killed with SIGKILL while it stores an import leaves that
// request's idempotency claim pending. The client's retry with the same
// Idempotency-Key to the restarted server must not wait for the dead
// attempt (it used to wait a minute, then get 409 "相同请求正在处理"
// while the claim sat for five): the claim's holder stopped renewing it,
// so the retry takes it over within seconds and runs, and the file is
// stored exactly once.
func TestKilledImportRetriedWithTheSameKey(t *testing.T) {
	crashEngines(t, nil, func(t *testing.T, d crashDB) {
		child, url := startChild(t, d, "")
		seeded, _ := importedRows(t, d.sql)
		c := login(t, url, store.DemoUnit)
		var file bytes.Buffer
		if err := store.DemoImportWorkbook(&file, 5000, time.Now()); err != nil {
			t.Fatal(err)
		}
		const key = "crash-retry-1"
		killKeyedImport(t, url, c.Token(), key, file.Bytes(), child)
		if n := count(t, d.sql, `SELECT COUNT(*) FROM idempotency_keys WHERE state = 'pending'`); n != 1 {
			t.Fatalf("%d pending claims after the kill, want the killed import's", n)
		}

		restarted := time.Now()
		_, url = startChild(t, d, "")
		// The session survived the restart (it is in the database).
		resp, body := keyedImport(t, url, c.Token(), key, file.Bytes())
		took := time.Since(restarted)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("retry after the restart: %d %s", resp.StatusCode, body)
		}
		var res domain.ImportResult
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		after, audited := importedRows(t, d.sql)
		stored := after - seeded
		if stored == 0 || stored != res.Inserted && res.Inserted != 0 {
			t.Fatalf("retry answered %d inserted, %d records stored", res.Inserted, stored)
		}
		t.Logf("retry answered %v after the restart began: %d rows stored", took.Round(100*time.Millisecond), stored)

		// The file once more under the same key replays the answer; under
		// a new key it finds every row stored already.
		if resp, _ = keyedImport(t, url, c.Token(), key, file.Bytes()); resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("the same key after success was not replayed: %d", resp.StatusCode)
		}
		if n, a := importedRows(t, d.sql); n != after || a != audited {
			t.Fatalf("records %d→%d, audit %d→%d on a replay", after, n, audited, a)
		}
	})
}

// Two servers over one database (behind a load balancer); one is killed
// with SIGKILL mid-import. The client's retry with the same key lands on
// the other, live one, which waits while the claim is renewed by nobody,
// takes it over within seconds and stores the file once.
func TestKilledInstanceImportRetriedOnTheOther(t *testing.T) {
	crashEngines(t, nil, func(t *testing.T, d crashDB) {
		victim, urlA := startChild(t, d, "")
		_, urlB := startChild(t, d, "")
		seeded, seededAudit := importedRows(t, d.sql)
		c := login(t, urlA, store.DemoUnit)
		var file bytes.Buffer
		if err := store.DemoImportWorkbook(&file, 5000, time.Now()); err != nil {
			t.Fatal(err)
		}
		const key = "two-instances-1"
		killKeyedImport(t, urlA, c.Token(), key, file.Bytes(), victim)
		killed := time.Now()
		resp, body := keyedImport(t, urlB, c.Token(), key, file.Bytes())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("retry on the live instance: %d %s", resp.StatusCode, body)
		}
		after, audited := importedRows(t, d.sql)
		if after-seeded != audited-seededAudit {
			t.Fatalf("%d records stored, %d audit entries", after-seeded, audited-seededAudit)
		}
		var res domain.ImportResult
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		if res.Inserted != after-seeded {
			t.Fatalf("retry inserted %d, %d stored", res.Inserted, after-seeded)
		}
		t.Logf("the live instance answered %v after the kill: %d rows stored", time.Since(killed).Round(100*time.Millisecond), res.Inserted)
	})
}
