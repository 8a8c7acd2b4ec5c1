package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"jxjy/server/domain"
)

// Idempotency keys let a client retry a write over a flaky link without
// repeating it: the first request stores its response, a retry gets that
// response back.
const (
	// idempotencyTTL is how long a response is kept for replay.
	idempotencyTTL = 24 * time.Hour
	// idempotencyRenew is how often a server stamps the claims it is
	// running; idempotencyStale is when another server deems a claim
	// whose stamp stopped abandoned (its holder crashed or was killed)
	// and lets a retry run it. The transaction the first attempt ran in
	// died with it, so the retry repeats nothing.
	idempotencyRenew = time.Second
	idempotencyStale = 5 * time.Second
)

// heldClaims are the claims this store's process is running. A claim
// names its holder (DB.instance); the holder itself knows from here
// whether the request is still running, exactly, and others read the
// renewal stamp the loop below writes.
type heldClaims struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newHeldClaims() *heldClaims {
	return &heldClaims{ids: map[string]struct{}{}, stop: make(chan struct{}), done: make(chan struct{})}
}

func (h *heldClaims) hold(id string) {
	h.mu.Lock()
	h.ids[id] = struct{}{}
	h.mu.Unlock()
}

func (h *heldClaims) release(id string) {
	h.mu.Lock()
	delete(h.ids, id)
	h.mu.Unlock()
}

func (h *heldClaims) holds(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.ids[id]
	return ok
}

func (h *heldClaims) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ids)
}

// renewClaims stamps this process's running claims every
// idempotencyRenew until Close. One statement renews them all.
func (db *DB) renewClaims() {
	defer close(db.claims.done)
	tick := time.NewTicker(idempotencyRenew)
	defer tick.Stop()
	for {
		select {
		case <-db.claims.stop:
			return
		case <-tick.C:
		}
		if db.claims.count() == 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), idempotencyStale)
		_, err := db.write.ExecContext(ctx, `UPDATE idempotency_keys SET renewed_at = $1
			WHERE holder = $2 AND state = 'pending'`, millis(db.now()), db.instance)
		cancel()
		if err != nil {
			db.log.Warn("idempotency claims not renewed", "err", err)
		}
	}
}

// stopRenewing ends renewClaims; Close calls it before the pools close.
func (db *DB) stopRenewing() {
	db.claims.once.Do(func() { close(db.claims.stop) })
	<-db.claims.done
}

// InstanceID names this server process in the claims it holds (and in
// its start line in the log).
func (db *DB) InstanceID() string { return db.instance }

// abandoned reports whether a pending claim may be taken over: its holder
// is this process but no longer runs it, or another process that stopped
// renewing it.
func (db *DB) abandoned(id, holder string, renewedAt int64, now time.Time) bool {
	if holder == db.instance {
		return !db.claims.holds(id)
	}
	return renewedAt < millis(now.Add(-idempotencyStale))
}

// IdemResponse is a stored response, replayed for a repeated key.
type IdemResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// idempotencyID keys the row by scope (the caller's identity and route) and
// the client's key together, hashed so a long key fits and no two scopes
// share a key.
func idempotencyID(scope, key string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + key))
	return hex.EncodeToString(sum[:])
}

// IdempotencyBegin claims key in scope for a request whose body (and
// query) hash to requestHash. It returns (nil, nil) when the request should
// run (then Finish or Abort must follow), the stored response when one
// exists, a conflict while the same key is running, and ErrKeyReused when
// the key came with a different request before.
func (db *DB) IdempotencyBegin(ctx context.Context, scope, key, requestHash string) (*IdemResponse, error) {
	if key == "" {
		return nil, domain.Errorf(domain.CodeBadRequest, "Idempotency-Key 不能为空")
	}
	id := idempotencyID(scope, key)
	now := db.now()
	var replay *IdemResponse
	claimed := false
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if claimed { // an attempt on a dead connection held it
			db.claims.release(id)
			claimed = false
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`,
			millis(now.Add(-idempotencyTTL))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (id, state, created_at, holder, renewed_at, request_hash)
			VALUES ($1, 'pending', $2, $3, $2, $4) ON CONFLICT (id) DO NOTHING`, id, millis(now), db.instance, requestHash)
		if err != nil {
			return err
		}
		if claimed, err = changedOne(res); err != nil || claimed {
			// Held before the commit, so that no request of this process
			// can find its own running claim unheld and take it over.
			db.claims.hold(id)
			return err
		}
		var state, holder, storedHash string
		var renewedAt int64
		var r IdemResponse
		if err := tx.QueryRowContext(ctx, `SELECT state, status, content_type, body, holder, renewed_at, request_hash
			FROM idempotency_keys WHERE id = $1`, id).Scan(&state, &r.Status, &r.ContentType, &r.Body,
			&holder, &renewedAt, &storedHash); err != nil {
			return err
		}
		if storedHash != "" && requestHash != "" && storedHash != requestHash {
			return domain.ErrKeyReused
		}
		if state == "done" {
			replay = &r
			return nil
		}
		if !db.abandoned(id, holder, renewedAt, now) {
			return domain.ErrRequestInProgress
		}
		// Compare-and-set on the stamp read: of two servers taking over
		// the same abandoned claim, one wins.
		res, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET holder = $1, renewed_at = $2, created_at = $2, request_hash = $3
			WHERE id = $4 AND state = 'pending' AND holder = $5 AND renewed_at = $6`,
			db.instance, millis(now), requestHash, id, holder, renewedAt)
		if err != nil {
			return err
		}
		if claimed, err = changedOne(res); err != nil || !claimed {
			if err == nil {
				err = domain.ErrRequestInProgress
			}
			return err
		}
		db.log.Info("idempotency claim taken over", "from", holder, "stale_ms", millis(now)-renewedAt)
		db.claims.hold(id)
		return nil
	})
	if err != nil {
		if claimed {
			db.claims.release(id)
		}
		return nil, err
	}
	return replay, nil
}

// IdempotencyFinish stores the response of the request that claimed key.
func (db *DB) IdempotencyFinish(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
	defer db.claims.release(idempotencyID(scope, key))
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET state = 'done', status = $1, content_type = $2, body = $3
			WHERE id = $4 AND state = 'pending'`, status, contentType, body, idempotencyID(scope, key))
		if err != nil {
			return err
		}
		finished, err := changedOne(res)
		if err == nil && !finished {
			err = errors.New("store: idempotency key finished without a pending claim")
		}
		return err
	})
}

// IdempotencyAbort releases a claim whose request failed in a way a retry
// may fix (a 5xx), so the retry runs instead of waiting for the claim to
// go stale.
func (db *DB) IdempotencyAbort(ctx context.Context, scope, key string) error {
	defer db.claims.release(idempotencyID(scope, key))
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE id = $1 AND state = 'pending'`,
			idempotencyID(scope, key)); err != nil {
			return fmt.Errorf("store: idempotency abort: %w", err)
		}
		return nil
	})
}
