package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestIdempotency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := clock(t, db)
		begin := func(scope, key string) (*store.IdemResponse, error) { return db.IdempotencyBegin(ctx, scope, key, "h") }

		if r, err := begin("user:1 POST /units", "k1"); r != nil || err != nil {
			t.Fatalf("first claim: %v %v", r, err)
		}
		_, err := begin("user:1 POST /units", "k1")
		if de := wantCode(t, err, domain.CodeConflict); de.Message != "相同请求正在处理，请稍候" {
			t.Fatalf("pending message %q", de.Message)
		}
		if r, err := begin("user:2 POST /units", "k1"); r != nil || err != nil {
			t.Fatalf("the same key in another scope: %v %v", r, err)
		}

		body := []byte{'{', 0, 0xff, '}'} // bytes survive as they are
		if err := db.IdempotencyFinish(ctx, "user:1 POST /units", "k1", 201, "application/json", body); err != nil {
			t.Fatal(err)
		}
		r, err := begin("user:1 POST /units", "k1")
		if err != nil || r == nil || r.Status != 201 || r.ContentType != "application/json" || !bytes.Equal(r.Body, body) {
			t.Fatalf("replay: %+v %v", r, err)
		}
		if err := db.IdempotencyFinish(ctx, "user:1 POST /units", "k1", 500, "", nil); err == nil {
			t.Fatal("finished a key twice")
		}

		// An aborted claim lets the retry run.
		if err := db.IdempotencyAbort(ctx, "user:2 POST /units", "k1"); err != nil {
			t.Fatal(err)
		}
		if r, err := begin("user:2 POST /units", "k1"); r != nil || err != nil {
			t.Fatalf("claim after abort: %v %v", r, err)
		}
		// Abort leaves finished keys alone.
		if err := db.IdempotencyAbort(ctx, "user:1 POST /units", "k1"); err != nil {
			t.Fatal(err)
		}
		if r, _ := begin("user:1 POST /units", "k1"); r == nil {
			t.Fatal("abort removed a finished response")
		}

		// A claim this process still runs is never taken over, however
		// long it takes.
		c.Advance(10 * time.Minute)
		_, err = begin("user:2 POST /units", "k1")
		wantCode(t, err, domain.CodeConflict)
		if err := db.IdempotencyAbort(ctx, "user:2 POST /units", "k1"); err != nil {
			t.Fatal(err)
		}

		// The same key with another request is refused, finished or not.
		if _, err := db.IdempotencyBegin(ctx, "user:1 POST /units", "k1", "other"); err != domain.ErrKeyReused {
			t.Fatalf("reused key with another body: %v", err)
		}
		if r, err := begin("user:3 POST /units", "k2"); r != nil || err != nil {
			t.Fatalf("claim: %v %v", r, err)
		}
		if _, err := db.IdempotencyBegin(ctx, "user:3 POST /units", "k2", "other"); err != domain.ErrKeyReused {
			t.Fatalf("reused running key with another body: %v", err)
		}
		if err := db.IdempotencyAbort(ctx, "user:3 POST /units", "k2"); err != nil {
			t.Fatal(err)
		}

		// Responses are kept for a day.
		c.Advance(24*time.Hour - 11*time.Minute)
		if r, _ := begin("user:1 POST /units", "k1"); r == nil {
			t.Fatal("response forgotten within a day")
		}
		c.Advance(2 * time.Minute)
		if r, err := begin("user:1 POST /units", "k1"); r != nil || err != nil {
			t.Fatalf("response kept past a day: %v %v", r, err)
		}

		_, err = begin("user:1", "")
		wantCode(t, err, domain.CodeBadRequest)
	})
}

// TestIdempotencyClaimOfAGoneServer: a claim names the process running it;
// another process waits while the holder renews it, and takes it over
// within seconds once the holder is gone (killed: it stops renewing).
func TestIdempotencyClaimOfAGoneServer(t *testing.T) {
	storetest.RunPair(t, func(t *testing.T, a, b *store.DB, clock *storetest.Clock) {
		ctx := t.Context()
		const scope = "user:1 POST /record-imports"
		if r, err := a.IdempotencyBegin(ctx, scope, "k", "h"); r != nil || err != nil {
			t.Fatalf("claim: %v %v", r, err)
		}
		// The holder's renewal loop keeps the claim alive on the wall
		// clock; the shared test clock moves with each renewal seen.
		sum := sha256.Sum256([]byte(scope + "\x00k"))
		stamp := func() (ms int64) {
			t.Helper()
			if err := b.QueryRow(ctx, `SELECT renewed_at FROM idempotency_keys WHERE id = $1`,
				hex.EncodeToString(sum[:])).Scan(&ms); err != nil {
				t.Fatal(err)
			}
			return ms
		}
		renewed := func() {
			t.Helper()
			before := stamp()
			deadline := time.Now().Add(5 * time.Second)
			for stamp() == before {
				if time.Now().After(deadline) {
					t.Fatal("claim not renewed within 5 s")
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		for range 3 {
			clock.Advance(3 * time.Second)
			renewed()
			if _, err := b.IdempotencyBegin(ctx, scope, "k", "h"); err != domain.ErrRequestInProgress {
				t.Fatalf("a renewed claim of another process: %v", err)
			}
		}
		if _, err := b.IdempotencyBegin(ctx, scope, "k", "other"); err != domain.ErrKeyReused {
			t.Fatalf("another body: %v", err)
		}
		// a dies: its renewals stop.
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		clock.Advance(4 * time.Second)
		if _, err := b.IdempotencyBegin(ctx, scope, "k", "h"); err != domain.ErrRequestInProgress {
			t.Fatalf("taken over before the claim went stale: %v", err)
		}
		clock.Advance(2 * time.Second)
		if r, err := b.IdempotencyBegin(ctx, scope, "k", "h"); r != nil || err != nil {
			t.Fatalf("claim of a gone server not taken over: %v %v", r, err)
		}
		if err := b.IdempotencyFinish(ctx, scope, "k", 200, "application/json", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if r, err := b.IdempotencyBegin(ctx, scope, "k", "h"); err != nil || r == nil || r.Status != 200 {
			t.Fatalf("replay after takeover: %+v %v", r, err)
		}
	})
}
