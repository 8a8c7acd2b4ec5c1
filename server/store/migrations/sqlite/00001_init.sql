-- SQLite schema. Conventions shared with the PostgreSQL folder (only DDL
-- differs, every query runs unchanged on both):
--   * timestamps are INTEGER unix milliseconds UTC; calendar dates are TEXT
--     'YYYY-MM-DD';
--   * hours are INTEGER half-hours (学时 come in 0.5 steps), so sums and
--     comparisons are exact on both databases;
--   * booleans are INTEGER 0/1 here and BOOLEAN there; queries bind Go bools
--     and use TRUE/FALSE literals, which SQLite reads as 1/0;
--   * a single-column UNIQUE constraint is written inline, so PostgreSQL
--     names it <table>_<column>_key, which errors.go relies on;
--   * tables are STRICT, so a wrongly typed value fails here as it would on
--     PostgreSQL instead of being stored silently;
--   * AUTOINCREMENT, so an id is never reused after a delete (audit entries
--     and idempotent replays keep pointing at the right row).

-- +goose Up
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3)
) STRICT;
CREATE INDEX regions_parent_idx ON regions (parent_code);

CREATE TABLE authorities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL UNIQUE REFERENCES regions (code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3)
) STRICT;

CREATE TABLE dict_items (
    kind  TEXT NOT NULL,
    code  TEXT NOT NULL,
    label TEXT NOT NULL,
    sort  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, code)
) STRICT;

CREATE TABLE units (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    uscc           TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    unit_type      TEXT NOT NULL DEFAULT '',
    region_code    TEXT REFERENCES regions (code),
    authority_id   INTEGER REFERENCES authorities (id),
    legal_rep      TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    office_phone   TEXT NOT NULL DEFAULT '',
    mobile         TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    postal_code    TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    summary        TEXT NOT NULL DEFAULT '',
    return_reason  TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX units_region_idx ON units (region_code);
CREATE INDEX units_authority_status_idx ON units (authority_id, status);

CREATE TABLE institutions (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT NOT NULL,
    username_key         TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('unit', 'authority', 'person', 'institution', 'admin')),
    display_name         TEXT NOT NULL DEFAULT '',
    unit_id              INTEGER REFERENCES units (id),
    authority_id         INTEGER REFERENCES authorities (id),
    institution_id       INTEGER REFERENCES institutions (id),
    must_change_password INTEGER NOT NULL DEFAULT FALSE CHECK (must_change_password IN (0, 1)),
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX users_unit_idx ON users (unit_id);
CREATE INDEX users_authority_idx ON users (authority_id);
CREATE INDEX users_institution_idx ON users (institution_id);

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    idle_expires_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE captchas (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX captchas_expires_idx ON captchas (expires_at);

CREATE TABLE login_failures (
    username_key TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_updated_idx ON login_failures (updated_at);

CREATE TABLE requirements (
    year                        INTEGER PRIMARY KEY,
    total_half_hours            INTEGER NOT NULL CHECK (total_half_hours > 0),
    public_min_half_hours       INTEGER NOT NULL CHECK (public_min_half_hours >= 0),
    professional_min_half_hours INTEGER NOT NULL CHECK (professional_min_half_hours >= 0),
    daily_cap_half_hours        INTEGER NOT NULL CHECK (daily_cap_half_hours > 0)
) STRICT;

CREATE TABLE courses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    specialty   TEXT NOT NULL DEFAULT '',
    half_hours  INTEGER NOT NULL CHECK (half_hours > 0),
    description TEXT NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL DEFAULT TRUE CHECK (enabled IN (0, 1))
) STRICT;

CREATE TABLE audit_entries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type   TEXT NOT NULL,
    entity_id     INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    actor_name    TEXT NOT NULL DEFAULT '',
    actor_role    TEXT NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_entries_entity_idx ON audit_entries (entity_type, entity_id, id);

CREATE TABLE idempotency_keys (
    id           TEXT PRIMARY KEY,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_entries;
DROP TABLE courses;
DROP TABLE requirements;
DROP TABLE login_failures;
DROP TABLE captchas;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE institutions;
DROP TABLE units;
DROP TABLE dict_items;
DROP TABLE authorities;
DROP TABLE regions;
