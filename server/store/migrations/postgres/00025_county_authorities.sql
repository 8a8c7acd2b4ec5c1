-- County authorities are now set up by their first account (the store's
-- ensureAuthority), and a unit answers to the nearest authority up the
-- tree. Earlier releases seeded one for each of Guangzhou's districts,
-- staffed by nobody; those no account, unit or 失信 entry refers to are
-- removed, so a unit's competent authority is one that can review it.
-- Regions themselves are seeded at every start (seed_reference.go): the
-- new county codes are added there, none is renumbered.

-- +goose Up
DELETE FROM authorities WHERE level = 3
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.authority_id = authorities.id)
    AND NOT EXISTS (SELECT 1 FROM units n WHERE n.authority_id = authorities.id)
    AND NOT EXISTS (SELECT 1 FROM credit_records c WHERE c.recorded_by_authority_id = authorities.id);

-- +goose Down
-- Nothing to restore: a county's authority comes back with its first account.
