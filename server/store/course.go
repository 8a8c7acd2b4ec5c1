package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// CourseService implements domain.CourseService: the catalog of
// professional courses (专业课程目录).
//
// Decision: every authority reads the catalog, but only the province
// authority changes it. There is one catalog for the whole province, and
// a city editing a course would change it under every other city's units.
type CourseService struct{ db *DB }

var _ domain.CourseService = (*CourseService)(nil)

// NewCourseService returns the catalog service.
func NewCourseService(db *DB) *CourseService { return &CourseService{db: db} }

var (
	errCourseNotFound = domain.Errorf(domain.CodeNotFound, "专业课程不存在")
	errCourseStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	courseCodeTaken   = uniqueKey{table: "courses", column: "code", field: "code", msg: "该课程编码已存在"}
)

const courseSelect = `SELECT id, code, name, specialty, half_hours, description, enabled, version, updated_at FROM courses`

func scanCourse(r applicationScanner) (domain.Course, error) {
	var c domain.Course
	var halfHours int
	var updated int64
	err := r.Scan(&c.ID, &c.Code, &c.Name, &c.Specialty, &halfHours, &c.Description, &c.Enabled, &c.Version, &updated)
	c.Hours, c.UpdatedAt = domain.Hours(halfHours), fromMillis(updated)
	return c, err
}

func loadCourse(ctx context.Context, q queryer, id int64) (domain.Course, error) {
	c, err := scanCourse(q.QueryRowContext(ctx, courseSelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errCourseNotFound
	}
	return c, mapDBError(err)
}

// catalogEditor admits the province authority.
func catalogEditor(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleAuthority || len(p.User.RegionCode) != 6 || p.User.RegionCode[2:] != "0000" {
		return p, domain.Errorf(domain.CodeForbidden, "专业课程目录由省级人社主管部门维护")
	}
	return p, nil
}

// ListCourses pages the catalog by code; units see enabled courses only.
func (s *CourseService) ListCourses(ctx context.Context, f domain.CourseFilter) (domain.Page[domain.Course], error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Page[domain.Course]{}, err
	}
	if p.User.Role == domain.RoleUnit {
		enabled := true
		f.Enabled = &enabled
	}
	pr := f.PageRequest.Normalize()
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Enabled != nil {
		where = append(where, "enabled = "+arg(*f.Enabled))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := planLike(q)
		where = append(where, "(name LIKE "+arg(like)+` ESCAPE '\' OR code LIKE `+arg(strings.ToUpper(like))+` ESCAPE '\')`)
	}
	if sp := strings.TrimSpace(f.Specialty); sp != "" {
		where = append(where, "specialty = "+arg(sp))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := domain.Page[domain.Course]{Items: []domain.Course{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM courses`+cond, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	rows, err := s.db.read.QueryContext(ctx, courseSelect+cond+` ORDER BY code LIMIT `+arg(pr.Limit)+` OFFSET `+arg(pr.Offset), args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, c)
	}
	return page, mapDBError(rows.Err())
}

// CreateCourse adds an enabled course.
func (s *CourseService) CreateCourse(ctx context.Context, in domain.CourseInput) (domain.Course, error) {
	p, err := catalogEditor(ctx)
	if err != nil {
		return domain.Course{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.Course{}, err
	}
	now := s.db.now()
	var out domain.Course
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO courses (code, name, specialty, half_hours, description, enabled, updated_at)
			VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING id`,
			in.Code, in.Name, in.Specialty, int(in.Hours), in.Description, millis(now)).Scan(&id); err != nil {
			return mapDBError(err, courseCodeTaken)
		}
		e := s.db.auditBy(p, domain.EntityCourse, id)
		e.To, e.Comment = "enabled", "新增课程 "+in.Code+" "+in.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadCourse(ctx, tx, id)
		return err
	})
	return out, err
}

// UpdateCourse changes a course; plans that use it show the new name.
func (s *CourseService) UpdateCourse(ctx context.Context, id int64, in domain.CourseInput) (domain.Course, error) {
	p, err := catalogEditor(ctx)
	if err != nil {
		return domain.Course{}, err
	}
	if _, err := loadCourse(ctx, s.db.read, id); err != nil {
		return domain.Course{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.Course{}, err
	}
	now := s.db.now()
	var out domain.Course
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE courses SET code = $1, name = $2, specialty = $3, half_hours = $4,
			description = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			in.Code, in.Name, in.Specialty, int(in.Hours), in.Description, millis(now), id, in.Version)
		if err := changedOrStale(res, mapDBError(err, courseCodeTaken), errCourseStale); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityCourse, id)
		e.Comment = "修改课程 " + in.Code + " " + in.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadCourse(ctx, tx, id)
		return err
	})
	return out, err
}

// EnableCourse lets new plans pick the course again.
func (s *CourseService) EnableCourse(ctx context.Context, id int64, v domain.VersionRef) (domain.Course, error) {
	return s.setEnabled(ctx, id, v, true)
}

// DisableCourse keeps new plans from picking the course.
func (s *CourseService) DisableCourse(ctx context.Context, id int64, v domain.VersionRef) (domain.Course, error) {
	return s.setEnabled(ctx, id, v, false)
}

func (s *CourseService) setEnabled(ctx context.Context, id int64, v domain.VersionRef, enabled bool) (domain.Course, error) {
	p, err := catalogEditor(ctx)
	if err != nil {
		return domain.Course{}, err
	}
	now := s.db.now()
	var out domain.Course
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadCourse(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Enabled == enabled {
			return domain.Errorf(domain.CodeConflict, "该课程已是%s状态", cur.StateLabel())
		}
		res, err := tx.ExecContext(ctx, `UPDATE courses SET enabled = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND version = $4`, enabled, millis(now), id, v.Version)
		if err := changedOrStale(res, err, errCourseStale); err != nil {
			return err
		}
		out, err = loadCourse(ctx, tx, id)
		if err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityCourse, id)
		e.From, e.To = courseState(cur.Enabled), courseState(enabled)
		e.Comment = out.StateLabel() + "课程 " + cur.Code + " " + cur.Name
		return insertAudit(ctx, tx, e)
	})
	return out, err
}

func courseState(enabled bool) string {
	if enabled {
		return "enabled"
	}
	return "disabled"
}
