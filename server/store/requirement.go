package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"jxjy/server/domain"
)

// RequirementService implements domain.RequirementService (学时要求设置).
type RequirementService struct{ db *DB }

var _ domain.RequirementService = (*RequirementService)(nil)

// NewRequirementService returns the yearly requirements service.
func NewRequirementService(db *DB) *RequirementService { return &RequirementService{db: db} }

func init() {
	// A requirement's history is public to everyone logged in, like the
	// requirement itself; nothing is attached to it.
	registerEntity(domain.EntityRequirement, entityAccess{
		check: func(ctx context.Context, q queryer, p domain.Principal, year int64, write bool) error {
			if write {
				return domain.Errorf(domain.CodeForbidden, "学时要求不能添加附件")
			}
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM requirements WHERE year = $1`, year).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errRequirementNotFound
			}
			return nil
		},
	})
}

var (
	errRequirementNotFound = domain.Errorf(domain.CodeNotFound, "该年度尚未设置学时要求")
	errRequirementStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	errRequirementExists   = &domain.Error{Code: domain.CodeConflict, Message: "该年度已设置学时要求，请修改已有设置",
		Fields: map[string]string{"year": "该年度已设置学时要求"}}
)

// requirementEditor admits administrators and the province authority:
// requirements hold province-wide, so city and county authorities read
// them only.
func requirementEditor(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Principal{}, err
	}
	switch {
	case p.User.Role == domain.RoleAdmin:
	case p.User.Role == domain.RoleAuthority && isProvince(p.User.RegionCode):
	default:
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "只有省级人社主管部门或系统管理员可以设置学时要求")
	}
	return p, nil
}

// isProvince reports whether a region code names a province (440000).
func isProvince(code string) bool { return len(code) == 6 && code[2:] == "0000" }

const requirementSelect = `SELECT year, total_half_hours, public_min_half_hours, professional_min_half_hours,
	daily_cap_half_hours, version, updated_at FROM requirements`

func scanRequirement(r certRowScanner) (domain.Requirement, error) {
	var q domain.Requirement
	var total, public, professional, daily int
	var updated int64
	err := r.Scan(&q.Year, &total, &public, &professional, &daily, &q.Version, &updated)
	q.Total, q.PublicMin, q.ProfessionalMin, q.DailyCap = domain.Hours(total), domain.Hours(public), domain.Hours(professional), domain.Hours(daily)
	if updated > 0 {
		q.UpdatedAt = fromMillis(updated)
	}
	return q, err
}

// yearRequirement is the requirement of year, or SPEC's default (version
// 0) when the year has none set: hours are measured the same way
// everywhere (see requirementOf).
func yearRequirement(ctx context.Context, q queryer, year int) (domain.Requirement, error) {
	r, err := scanRequirement(q.QueryRowContext(ctx, requirementSelect+` WHERE year = $1`, year))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Requirement{Year: year, Total: defaultTotalHalfHours, PublicMin: defaultPublicMinHalfHours,
			ProfessionalMin: defaultProfessionalHalfHours, DailyCap: defaultDailyCapHalfHours}, nil
	}
	return r, err
}

// Requirements lists every year's requirement, newest first.
func (s *RequirementService) Requirements(ctx context.Context) ([]domain.Requirement, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, requirementSelect+` ORDER BY year DESC`)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := []domain.Requirement{}
	for rows.Next() {
		r, err := scanRequirement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapDBError(rows.Err())
}

// CreateRequirement sets the requirement of a year that has none.
func (s *RequirementService) CreateRequirement(ctx context.Context, in domain.RequirementInput) (domain.Requirement, error) {
	p, err := requirementEditor(ctx)
	if err != nil {
		return domain.Requirement{}, err
	}
	if err := in.Validate(s.db.thisYear()); err != nil {
		return domain.Requirement{}, err
	}
	now := s.db.now()
	var out domain.Requirement
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO requirements (year, total_half_hours, public_min_half_hours,
			professional_min_half_hours, daily_cap_half_hours, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)`,
			in.Year, int(in.Total), int(in.PublicMin), int(in.ProfessionalMin), int(in.DailyCap), millis(now))
		if classify(err) == uniqueViolation {
			return errRequirementExists
		}
		if err != nil {
			return err
		}
		if out, err = scanRequirement(tx.QueryRowContext(ctx, requirementSelect+` WHERE year = $1`, in.Year)); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityRequirement, int64(in.Year))
		e.To, e.Comment = out.Summary(), "设置"+strconv.Itoa(in.Year)+"年度学时要求"
		return insertAudit(ctx, tx, e)
	})
	return out, err
}

// UpdateRequirement changes a year's requirement at the version read.
func (s *RequirementService) UpdateRequirement(ctx context.Context, in domain.RequirementInput) (domain.Requirement, error) {
	p, err := requirementEditor(ctx)
	if err != nil {
		return domain.Requirement{}, err
	}
	if err := in.Validate(s.db.thisYear()); err != nil {
		return domain.Requirement{}, err
	}
	now := s.db.now()
	var out domain.Requirement
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		old, err := scanRequirement(tx.QueryRowContext(ctx, requirementSelect+` WHERE year = $1`, in.Year))
		if errors.Is(err, sql.ErrNoRows) {
			return errRequirementNotFound
		}
		if err != nil {
			return err
		}
		changed := old.Total != in.Total || old.PublicMin != in.PublicMin || old.ProfessionalMin != in.ProfessionalMin ||
			old.DailyCap != in.DailyCap
		var issued int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE year = $1 AND status = 'valid'`, in.Year).Scan(&issued); err != nil {
			return err
		}
		if changed && issued > 0 && in.ConfirmIssued != issued {
			return &domain.Error{Code: domain.CodeConflict, Message: domain.RequirementIssuedMessage(in.Year, issued),
				Fields: map[string]string{"confirm_issued": strconv.Itoa(issued)}}
		}
		res, err := tx.ExecContext(ctx, `UPDATE requirements SET total_half_hours = $1, public_min_half_hours = $2,
			professional_min_half_hours = $3, daily_cap_half_hours = $4, version = version + 1, updated_at = $5
			WHERE year = $6 AND version = $7`,
			int(in.Total), int(in.PublicMin), int(in.ProfessionalMin), int(in.DailyCap), millis(now), in.Year, in.Version)
		if err != nil {
			return err
		}
		if ok, err := changedOne(res); err != nil || !ok {
			if err == nil {
				err = errRequirementStale
			}
			return err
		}
		if out, err = scanRequirement(tx.QueryRowContext(ctx, requirementSelect+` WHERE year = $1`, in.Year)); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityRequirement, int64(in.Year))
		e.From, e.To, e.Comment = old.Summary(), out.Summary(), "修改"+strconv.Itoa(in.Year)+"年度学时要求"
		return insertAudit(ctx, tx, e)
	})
	return out, err
}
