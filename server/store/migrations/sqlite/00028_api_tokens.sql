-- API tokens of institutions (issue 23): a machine delivers records with
-- one instead of a login. Only the token's hash is stored; the token is
-- shown once when created.

-- +goose Up
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash     TEXT NOT NULL UNIQUE,
    -- The institution account the token acts as.
    user_id        INTEGER NOT NULL REFERENCES users (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    revoked_at     INTEGER,
    last_used_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_institution_idx ON api_tokens (institution_id, id);

-- Every call made with a token, whatever its answer.
CREATE TABLE api_token_calls (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    token_id  INTEGER NOT NULL REFERENCES api_tokens (id),
    at        INTEGER NOT NULL,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    status    INTEGER NOT NULL,
    request_id TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX api_token_calls_token_idx ON api_token_calls (token_id, id);

-- The institution's own id of each record it delivered by the API: a
-- resend of the same external id is answered with the stored record.
CREATE TABLE institution_record_refs (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    external_id    TEXT NOT NULL,
    record_id      INTEGER NOT NULL REFERENCES records (id),
    token_id       INTEGER REFERENCES api_tokens (id),
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (institution_id, external_id)
) STRICT;
CREATE UNIQUE INDEX institution_record_refs_record_idx ON institution_record_refs (record_id);

-- +goose Down
DROP TABLE institution_record_refs;
DROP TABLE api_token_calls;
DROP TABLE api_tokens;
