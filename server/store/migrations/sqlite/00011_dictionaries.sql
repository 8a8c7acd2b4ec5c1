-- 字典维护: dictionary items get an id (for the audit trail), an enabled
-- flag (an item in use is retired, never deleted) and a version (concurrent
-- edits conflict). Labels are unique within a dictionary, as pickers show
-- only the label. SQLite cannot add a key column, so the table is rebuilt.

-- +goose Up
CREATE TABLE dict_items_new (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    code    TEXT NOT NULL,
    label   TEXT NOT NULL,
    sort    INTEGER NOT NULL DEFAULT 0,
    enabled INTEGER NOT NULL DEFAULT TRUE CHECK (enabled IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (kind, code),
    UNIQUE (kind, label)
) STRICT;
INSERT INTO dict_items_new (kind, code, label, sort)
    SELECT kind, code, label, sort FROM dict_items ORDER BY kind, sort, code;
DROP TABLE dict_items;
ALTER TABLE dict_items_new RENAME TO dict_items;

-- +goose Down
CREATE TABLE dict_items_old (
    kind  TEXT NOT NULL,
    code  TEXT NOT NULL,
    label TEXT NOT NULL,
    sort  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, code)
) STRICT;
INSERT INTO dict_items_old (kind, code, label, sort) SELECT kind, code, label, sort FROM dict_items;
DROP TABLE dict_items;
ALTER TABLE dict_items_old RENAME TO dict_items;
