-- Certificates (继续教育证书, SPEC §5.7) and versioned yearly requirements.

-- +goose Up
-- 学时要求设置 edits a year's requirement like any other record: with its
-- version, so two authorities cannot overwrite each other silently.
ALTER TABLE requirements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE requirements ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

-- One counter per year and region hands out certificate sequence numbers.
-- It is taken with an upsert that locks the row until the transaction
-- ends, so concurrent prints (and server instances) never draw the same
-- number, and a number drawn by a transaction that rolls back was never
-- issued. Counters only grow: a voided number is never issued again.
CREATE TABLE certificate_counters (
    year        INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    last_seq    INTEGER NOT NULL,
    PRIMARY KEY (year, region_code)
) STRICT;

-- The holder's name, ID number, unit, issuer and hours are copies taken at
-- issue: a reprint shows exactly what was certified.
CREATE TABLE certificates (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id               INTEGER NOT NULL REFERENCES persons (id),
    unit_id                 INTEGER NOT NULL REFERENCES units (id),
    year                    INTEGER NOT NULL,
    number                  TEXT NOT NULL UNIQUE,
    verification_code       TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('valid', 'voided')),
    person_name             TEXT NOT NULL,
    id_number               TEXT NOT NULL,
    unit_name               TEXT NOT NULL,
    issuer                  TEXT NOT NULL,
    public_half_hours       INTEGER NOT NULL,
    professional_half_hours INTEGER NOT NULL,
    elective_half_hours     INTEGER NOT NULL,
    issued_by               INTEGER REFERENCES users (id),
    issued_by_name          TEXT NOT NULL,
    issued_at               INTEGER NOT NULL,
    void_reason             TEXT NOT NULL DEFAULT '',
    voided_by               INTEGER REFERENCES users (id),
    voided_by_name          TEXT NOT NULL DEFAULT '',
    voided_at               INTEGER,
    replaced_by             INTEGER REFERENCES certificates (id),
    version                 INTEGER NOT NULL DEFAULT 1,
    CHECK ((status = 'voided') = (voided_at IS NOT NULL))
) STRICT;
-- A person holds at most one valid certificate a year.
CREATE UNIQUE INDEX certificates_person_year_valid_key ON certificates (person_id, year) WHERE status = 'valid';
CREATE INDEX certificates_person_year_idx ON certificates (person_id, year, id);

-- +goose Down
DROP TABLE certificates;
DROP TABLE certificate_counters;
ALTER TABLE requirements DROP COLUMN updated_at;
ALTER TABLE requirements DROP COLUMN version;
