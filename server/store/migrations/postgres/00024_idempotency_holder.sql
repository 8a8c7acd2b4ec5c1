-- A claim names the server process holding it (holder: the instance id a
-- store draws when it opens) and when that process last renewed it, so a
-- retry after a crash takes over within seconds instead of waiting out a
-- fixed timeout; request_hash refuses a reused key with a different body.
-- Claims from before this migration keep their old five-minute grace.

-- +goose Up
ALTER TABLE idempotency_keys ADD COLUMN holder TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN renewed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
UPDATE idempotency_keys SET renewed_at = created_at + 295000;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN request_hash;
ALTER TABLE idempotency_keys DROP COLUMN renewed_at;
ALTER TABLE idempotency_keys DROP COLUMN holder;
