-- Course plans (专业课计划, SPEC §5.4) and their training classes (培训班,
-- §5.5): subjects, enrollments and attendance.

-- +goose Up
CREATE TABLE plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units (id),
    year           INTEGER NOT NULL,
    course_id      INTEGER REFERENCES courses (id),
    name           TEXT NOT NULL DEFAULT '',
    audience       TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'returned', 'rejected')),
    review_comment TEXT NOT NULL DEFAULT '',
    submitted_at   INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX plans_unit_idx ON plans (unit_id, status, id);
-- The authorities' review queue: submitted plans, oldest first.
CREATE INDEX plans_status_idx ON plans (status, submitted_at, id);

-- unit_id repeats the plan's unit so every class query is scoped without a
-- join; the store keeps them equal.
CREATE TABLE classes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    name       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    location   TEXT NOT NULL DEFAULT '',
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    half_hours INTEGER NOT NULL CHECK (half_hours > 0),
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'open', 'closed', 'cancelled')),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX classes_plan_idx ON classes (plan_id, id);
CREATE INDEX classes_unit_idx ON classes (unit_id, status, id);

-- Lecturers and the head teacher are rows of class_teachers (00003).

CREATE TABLE subjects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    class_id    INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    half_hours  INTEGER NOT NULL CHECK (half_hours > 0),
    lecturer_id INTEGER REFERENCES teachers (id),
    content     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX subjects_class_idx ON subjects (class_id, id);

CREATE TABLE enrollments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    class_id   INTEGER NOT NULL REFERENCES classes (id),
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    score      INTEGER CHECK (score BETWEEN 0 AND 100),
    result     TEXT CHECK (result IN ('pass', 'fail')),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (class_id, person_id)
) STRICT;
CREATE INDEX enrollments_person_idx ON enrollments (person_id);

CREATE TABLE attendance_sessions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    class_id   INTEGER NOT NULL REFERENCES classes (id),
    date       TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (class_id, date, start_time)
) STRICT;

-- A missing mark means 普通考勤 has not been set for that session yet.
CREATE TABLE attendance_marks (
    session_id    INTEGER NOT NULL REFERENCES attendance_sessions (id) ON DELETE CASCADE,
    enrollment_id INTEGER NOT NULL REFERENCES enrollments (id),
    mark          TEXT NOT NULL CHECK (mark IN ('present', 'late', 'early', 'leave', 'absent')),
    PRIMARY KEY (session_id, enrollment_id)
) STRICT;

-- +goose Down
DROP TABLE attendance_marks;
DROP TABLE attendance_sessions;
DROP TABLE enrollments;
DROP TABLE subjects;
DROP TABLE classes;
DROP TABLE plans;
