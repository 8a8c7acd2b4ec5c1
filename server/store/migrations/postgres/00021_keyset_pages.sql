-- Keyset pages of a unit's and an institution's record lists
-- (domain.PageRequest.After): each page is a range of one of these
-- indexes, from the cursor on in the list's order, however deep it is.
-- (The person lists and 继续教育培训记录查询 already had theirs:
-- persons (unit_id, id), (unit_id, status, id); records (unit_id, status, id).)

-- +goose Up
-- A unit's whole list, and its person filter, newest first.
CREATE INDEX records_unit_id_idx ON records (unit_id, id);
-- A unit's declarations of one source (信息录入), newest first.
CREATE INDEX records_unit_source_id_idx ON records (unit_id, source, id);
-- The review queue, oldest first; only submitted records are in it.
CREATE INDEX records_review_queue_idx ON records (unit_id, updated_at, id) WHERE status = 'submitted';
-- An institution's declarations, newest first.
CREATE INDEX records_institution_list_idx ON records (institution_id, id) WHERE source = 'institution';

-- +goose Down
DROP INDEX records_institution_list_idx;
DROP INDEX records_review_queue_idx;
DROP INDEX records_unit_source_id_idx;
DROP INDEX records_unit_id_idx;
