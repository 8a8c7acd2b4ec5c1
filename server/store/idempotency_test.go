package store_test

import (
	"bytes"
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
		begin := func(scope, key string) (*store.IdemResponse, error) { return db.IdempotencyBegin(ctx, scope, key) }

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

		// A claim abandoned by a dead server is taken over after a while.
		c.Advance(4 * time.Minute)
		_, err = begin("user:2 POST /units", "k1")
		wantCode(t, err, domain.CodeConflict)
		c.Advance(2 * time.Minute)
		if r, err := begin("user:2 POST /units", "k1"); r != nil || err != nil {
			t.Fatalf("stale claim not taken over: %v %v", r, err)
		}

		// Responses are kept for a day.
		c.Advance(24*time.Hour - 7*time.Minute)
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
