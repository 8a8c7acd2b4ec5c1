-- Continuing-education records (继续教育记录, SPEC §5.6): the hours people
-- need. Only effective records count.

-- +goose Up
CREATE TABLE records (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    -- The unit that owns and reviews the record: the person's unit when it
    -- was declared.
    unit_id        INTEGER NOT NULL REFERENCES units (id),
    category       TEXT NOT NULL CHECK (category IN ('public', 'professional', 'elective')),
    form           TEXT NOT NULL,
    title          TEXT NOT NULL,
    organizer      TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    year           INTEGER NOT NULL,
    half_hours     INTEGER NOT NULL CHECK (half_hours > 0),
    remark         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL CHECK (source IN ('unit', 'person', 'institution', 'class', 'import')),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'effective', 'rejected', 'returned')),
    created_by     INTEGER REFERENCES users (id),
    institution_id INTEGER REFERENCES institutions (id),
    class_id       INTEGER REFERENCES classes (id),
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_by    INTEGER REFERENCES users (id),
    reviewed_at    INTEGER,
    effective_at   INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (start_date <= end_date)
) STRICT;
-- The same person, title and start date is one record (SPEC §5.6); a
-- rejected one no longer blocks a corrected declaration.
CREATE UNIQUE INDEX records_dedup_key ON records (person_id, title, start_date) WHERE status <> 'rejected';
-- A class credits each trainee exactly once, however often it is closed.
CREATE UNIQUE INDEX records_class_person_key ON records (class_id, person_id) WHERE class_id IS NOT NULL;
CREATE INDEX records_unit_status_idx ON records (unit_id, status, id);
CREATE INDEX records_person_year_idx ON records (person_id, year, status);
CREATE INDEX records_unit_year_idx ON records (unit_id, year, status);
CREATE INDEX records_institution_idx ON records (institution_id, status, id);

-- +goose Down
DROP TABLE records;
