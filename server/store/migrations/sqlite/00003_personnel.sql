-- Persons (专业技术人员, SPEC §5.2) and teachers (师资, §5.3).

-- +goose Up
-- A person belongs to at most one unit: pending while the unit has not yet
-- answered the claim, confirmed once it has (or when the unit added the
-- person itself). gender and birth_date are copies of what the ID number
-- says, kept for filters and sorting; the store always derives them.
CREATE TABLE persons (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    id_number   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    gender      TEXT NOT NULL CHECK (gender IN ('男', '女')),
    birth_date  TEXT NOT NULL,
    ethnicity   TEXT NOT NULL DEFAULT '',
    education   TEXT NOT NULL DEFAULT '',
    degree      TEXT NOT NULL DEFAULT '',
    specialty   TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    title_level TEXT NOT NULL DEFAULT '',
    post        TEXT NOT NULL DEFAULT '',
    mobile      TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER REFERENCES units (id),
    status      TEXT NOT NULL DEFAULT 'none' CHECK (status IN ('none', 'pending', 'confirmed')),
    user_id     INTEGER UNIQUE REFERENCES users (id),
    claimed_at  INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK ((status = 'none') = (unit_id IS NULL))
) STRICT;
-- Every unit list is scoped by unit_id and paged newest first; the status
-- index serves 专业技术人员信息确认 (pending claims) and the status filter.
CREATE INDEX persons_unit_idx ON persons (unit_id, id);
CREATE INDEX persons_unit_status_idx ON persons (unit_id, status, id);
CREATE INDEX persons_unit_name_idx ON persons (unit_id, name);
CREATE INDEX persons_unit_title_idx ON persons (unit_id, title);

CREATE TABLE teachers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    name       TEXT NOT NULL,
    gender     TEXT NOT NULL CHECK (gender IN ('男', '女')),
    id_number  TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    specialty  TEXT NOT NULL DEFAULT '',
    employer   TEXT NOT NULL DEFAULT '',
    mobile     TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL DEFAULT '',
    enabled    INTEGER NOT NULL DEFAULT TRUE CHECK (enabled IN (0, 1)),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teachers_unit_idx ON teachers (unit_id, enabled, id);
CREATE UNIQUE INDEX teachers_unit_id_number_key ON teachers (unit_id, id_number) WHERE id_number <> '';

-- Which teachers a class uses, as lecturer or head teacher. The classes
-- table comes with the classes feature, which adds the foreign key on
-- class_id; a teacher with any row here can no longer be deleted.
CREATE TABLE class_teachers (
    class_id   INTEGER NOT NULL,
    teacher_id INTEGER NOT NULL REFERENCES teachers (id),
    role       TEXT NOT NULL CHECK (role IN ('lecturer', 'head')),
    PRIMARY KEY (class_id, teacher_id, role)
) STRICT;
CREATE INDEX class_teachers_teacher_idx ON class_teachers (teacher_id);

-- +goose Down
DROP TABLE class_teachers;
DROP TABLE teachers;
DROP TABLE persons;
