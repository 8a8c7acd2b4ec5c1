-- Credit entries (失信信息, SPEC §5.8) and the indexes of the queries and
-- statistics (查询统计, §5.9).

-- +goose Up
-- An entry is about a person (recorded by the person's unit) or about a
-- unit (recorded by an authority of the unit's region). unit_id is the unit
-- concerned either way: the subject unit, or the unit of the subject
-- person, so both a unit's lists are one index range. valid_to NULL means
-- no end. type is a dishonesty_type dictionary code, checked by the store.
CREATE TABLE credit_records (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_type             TEXT NOT NULL CHECK (subject_type IN ('person', 'unit')),
    person_id                INTEGER REFERENCES persons (id),
    unit_id                  INTEGER NOT NULL REFERENCES units (id),
    recorded_by_unit_id      INTEGER REFERENCES units (id),
    recorded_by_authority_id INTEGER REFERENCES authorities (id),
    type                     TEXT NOT NULL,
    description              TEXT NOT NULL,
    occurred_date            TEXT NOT NULL,
    handling                 TEXT NOT NULL DEFAULT '',
    valid_from               TEXT NOT NULL,
    valid_to                 TEXT,
    document_number          TEXT NOT NULL DEFAULT '',
    created_by               INTEGER REFERENCES users (id),
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    CHECK ((subject_type = 'person') = (person_id IS NOT NULL)),
    CHECK ((subject_type = 'person') = (recorded_by_unit_id IS NOT NULL)),
    CHECK ((subject_type = 'unit') = (recorded_by_authority_id IS NOT NULL)),
    CHECK (valid_to IS NULL OR valid_from <= valid_to)
) STRICT;
-- A unit's own entries and the entries about it, newest first.
CREATE INDEX credit_records_unit_idx ON credit_records (unit_id, subject_type, id);
-- The 失信 mark: does a person have an entry in force today?
CREATE INDEX credit_records_person_idx ON credit_records (person_id, valid_from);
-- An authority's list walks the unit entries newest first.
CREATE INDEX credit_records_subject_idx ON credit_records (subject_type, id);

-- 继续教育培训记录查询 and the statistics read a unit's effective records
-- of a year newest first, and count or sum them under any filter on their
-- own columns, from this index alone (no table reads). Categories are few
-- and common, so a category filter walks it too; a source may be rare,
-- hence its own index.
CREATE INDEX records_query_idx ON records (unit_id, status, year, id, person_id, category, half_hours, start_date, end_date);
CREATE INDEX records_unit_source_idx ON records (unit_id, status, source, id);
-- 专业课计划查询 filters a unit's approved plans by year.
CREATE INDEX plans_unit_year_idx ON plans (unit_id, status, year, id);

-- +goose Down
DROP INDEX plans_unit_year_idx;
DROP INDEX records_unit_source_idx;
DROP INDEX records_query_idx;
DROP TABLE credit_records;
