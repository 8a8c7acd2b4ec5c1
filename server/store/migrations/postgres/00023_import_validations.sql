-- Validated import files awaiting 数据入库: 上传校验 keeps the
-- rows it checked here, so 数据入库 stores exactly those, on whichever
-- server instance takes the call. One per operator and kind (a new upload
-- replaces the last); rows past their expiry, and the oldest beyond the
-- service's count and byte bounds, are deleted as new ones arrive.

-- +goose Up
CREATE TABLE import_validations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id     BIGINT REFERENCES units (id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    payload     BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    -- set by 数据入库: a validation is stored at most once, and its
    -- error report stays available until it expires
    stored_at   BIGINT
);
CREATE UNIQUE INDEX import_validations_owner_key ON import_validations (user_id, kind);
CREATE INDEX import_validations_created_idx ON import_validations (created_at);

-- +goose Down
DROP TABLE import_validations;
