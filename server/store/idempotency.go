package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"jxjy/server/domain"
)

// Idempotency keys let a client retry a write over a flaky link without
// repeating it: the first request stores its response, a retry gets that
// response back.
const (
	// idempotencyTTL is how long a response is kept for replay.
	idempotencyTTL = 24 * time.Hour
	// idempotencyStale is when a pending key is deemed abandoned (its
	// server died mid-request) and a retry may run it again; no request
	// takes this long.
	idempotencyStale = 5 * time.Minute
)

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

// IdempotencyBegin claims key in scope. It returns (nil, nil) when the
// request should run (then Finish or Abort must follow), the stored
// response when one exists, and a conflict while the same key is running.
func (db *DB) IdempotencyBegin(ctx context.Context, scope, key string) (*IdemResponse, error) {
	if key == "" {
		return nil, domain.Errorf(domain.CodeBadRequest, "Idempotency-Key 不能为空")
	}
	id := idempotencyID(scope, key)
	now := db.now()
	var replay *IdemResponse
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`,
			millis(now.Add(-idempotencyTTL))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (id, state, created_at)
			VALUES ($1, 'pending', $2) ON CONFLICT (id) DO NOTHING`, id, millis(now))
		if err != nil {
			return err
		}
		if claimed, err := changedOne(res); err != nil || claimed {
			return err
		}
		var state string
		var r IdemResponse
		if err := tx.QueryRowContext(ctx, `SELECT state, status, content_type, body FROM idempotency_keys WHERE id = $1`,
			id).Scan(&state, &r.Status, &r.ContentType, &r.Body); err != nil {
			return err
		}
		if state == "done" {
			replay = &r
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = $1
			WHERE id = $2 AND state = 'pending' AND created_at < $3`, millis(now), id, millis(now.Add(-idempotencyStale)))
		if err != nil {
			return err
		}
		if takenOver, err := changedOne(res); err != nil || takenOver {
			return err
		}
		return domain.ErrRequestInProgress
	})
	if err != nil {
		return nil, err
	}
	return replay, nil
}

// IdempotencyFinish stores the response of the request that claimed key.
func (db *DB) IdempotencyFinish(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
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
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE id = $1 AND state = 'pending'`,
			idempotencyID(scope, key)); err != nil {
			return fmt.Errorf("store: idempotency abort: %w", err)
		}
		return nil
	})
}
