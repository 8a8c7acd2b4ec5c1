-- Catalog courses carry a version like every other editable row, so two
-- authorities editing one course at once get a conflict, not a silent
-- overwrite; updated_at shows when the catalog last changed.

-- +goose Up
ALTER TABLE courses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE courses ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX courses_specialty_idx ON courses (specialty, code);

-- +goose Down
DROP INDEX courses_specialty_idx;
ALTER TABLE courses DROP COLUMN updated_at;
ALTER TABLE courses DROP COLUMN version;
