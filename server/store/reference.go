package store

import (
	"context"

	"jxjy/server/domain"
)

// ReferenceService implements domain.ReferenceService.
type ReferenceService struct{ db *DB }

var _ domain.ReferenceService = (*ReferenceService)(nil)

// NewReferenceService returns the reference-data service.
func NewReferenceService(db *DB) *ReferenceService { return &ReferenceService{db: db} }

// Reference returns regions (by code, so parents precede children),
// authorities (by region) and every dictionary (in its sort order),
// disabled items included: old data still refers to them.
func (s *ReferenceService) Reference(ctx context.Context) (domain.Reference, error) {
	ref := domain.Reference{Regions: []domain.Region{}, Authorities: []domain.Authority{}, Dictionaries: map[string][]domain.DictItem{}}
	rows, err := s.db.read.QueryContext(ctx, `SELECT code, name, COALESCE(parent_code, ''), level FROM regions ORDER BY code`)
	if err != nil {
		return domain.Reference{}, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r domain.Region
		if err := rows.Scan(&r.Code, &r.Name, &r.ParentCode, &r.Level); err != nil {
			return domain.Reference{}, err
		}
		ref.Regions = append(ref.Regions, r)
	}
	if err := rows.Err(); err != nil {
		return domain.Reference{}, mapDBError(err)
	}

	rows, err = s.db.read.QueryContext(ctx, `SELECT id, name, region_code, level FROM authorities ORDER BY region_code`)
	if err != nil {
		return domain.Reference{}, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a domain.Authority
		if err := rows.Scan(&a.ID, &a.Name, &a.RegionCode, &a.Level); err != nil {
			return domain.Reference{}, err
		}
		ref.Authorities = append(ref.Authorities, a)
	}
	if err := rows.Err(); err != nil {
		return domain.Reference{}, mapDBError(err)
	}

	rows, err = s.db.read.QueryContext(ctx, `SELECT kind, code, label, enabled FROM dict_items ORDER BY kind, sort, code`)
	if err != nil {
		return domain.Reference{}, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var it domain.DictItem
		var enabled bool
		if err := rows.Scan(&kind, &it.Code, &it.Label, &enabled); err != nil {
			return domain.Reference{}, err
		}
		it.Disabled = !enabled
		ref.Dictionaries[kind] = append(ref.Dictionaries[kind], it)
	}
	return ref, mapDBError(rows.Err())
}
