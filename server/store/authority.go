package store

import (
	"context"
	"database/sql"
	"errors"

	"jxjy/server/domain"
)

// competentAuthorityID is the authority units of region code answer to:
// the nearest one up the tree (domain.CompetentAuthority); 0 when code is
// not a region with one.
func competentAuthorityID(ctx context.Context, q queryer, code string) (int64, error) {
	chain := domain.RegionChain(code)
	if chain == nil {
		return 0, nil
	}
	for len(chain) < 3 {
		chain = append(chain, chain[len(chain)-1])
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM authorities WHERE region_code IN ($1, $2, $3)
		ORDER BY level DESC LIMIT 1`, chain[0], chain[1], chain[2]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, mapDBError(err)
}

// ensureAuthority returns the authority of region code, creating it when
// the region has none yet (a county's first account). A new authority
// becomes competent for the units of its region at once: those that
// answered to an authority above it (or to none) now answer to it, so
// what they have sent to review reaches it; the authorities above still
// see it through their scope. Errors: not_found (no such region).
func ensureAuthority(ctx context.Context, tx *sql.Tx, code string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM authorities WHERE region_code = $1`, code).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, mapDBError(err)
	}
	var r domain.Region
	var cityName string
	err = tx.QueryRowContext(ctx, `SELECT r.code, r.name, r.level, COALESCE(p.name, '') FROM regions r
		LEFT JOIN regions p ON p.code = r.parent_code WHERE r.code = $1`, code).Scan(&r.Code, &r.Name, &r.Level, &cityName)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.Errorf(domain.CodeNotFound, "所选地区不存在")
	}
	if err != nil {
		return 0, mapDBError(err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO authorities (name, region_code, level) VALUES ($1, $2, $3) RETURNING id`,
		authorityName(r, cityName), r.Code, r.Level).Scan(&id); err != nil {
		return 0, mapDBError(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE units SET authority_id = $1 WHERE region_code LIKE $2
		AND (authority_id IS NULL OR authority_id IN (SELECT id FROM authorities WHERE level < $3))`,
		id, domain.ScopePrefix(r.Code)+"%", r.Level)
	return id, mapDBError(err)
}
