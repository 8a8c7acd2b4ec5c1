-- Attachments, shared by every workflow: an owner is (owner_type, owner_id),
-- owner_type being the owner's audit entity type. The file itself is kept
-- here, so every server instance serves it; listings never read content.

-- +goose Up
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_type    TEXT NOT NULL,
    owner_id      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size > 0),
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    uploaded_by   INTEGER REFERENCES users (id),
    uploader_name TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_owner_idx ON attachments (owner_type, owner_id, id);

-- +goose Down
DROP TABLE attachments;
