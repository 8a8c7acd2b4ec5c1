package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// TeacherService implements domain.TeacherService.
type TeacherService struct{ db *DB }

var _ domain.TeacherService = (*TeacherService)(nil)

// NewTeacherService returns the teachers service.
func NewTeacherService(db *DB) *TeacherService { return &TeacherService{db: db} }

const msgTeacherNotFound = "教师不存在"

const teacherSelect = `SELECT id, unit_id, name, gender, id_number, title, specialty, employer, mobile, summary,
	enabled, version, created_at, updated_at FROM teachers`

func scanTeacher(r personRowScanner) (domain.Teacher, error) {
	var t domain.Teacher
	var enabled bool
	var created, updated int64
	err := r.Scan(&t.ID, &t.UnitID, &t.Name, &t.Gender, &t.IDNumber, &t.Title, &t.Specialty, &t.Employer,
		&t.Mobile, &t.Summary, &enabled, &t.Version, &created, &updated)
	t.State = teacherState(enabled)
	t.CreatedAt, t.UpdatedAt = fromMillis(created), fromMillis(updated)
	return t, err
}

func teacherState(enabled bool) domain.TeacherState {
	if enabled {
		return domain.TeacherEnabled
	}
	return domain.TeacherDisabled
}

// unitTeacher reads teacher id of unit; any other id is not_found.
func unitTeacher(ctx context.Context, q queryer, unitID, id int64) (domain.Teacher, error) {
	t, err := scanTeacher(q.QueryRowContext(ctx, teacherSelect+` WHERE id = $1 AND unit_id = $2`, id, unitID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Teacher{}, domain.Errorf(domain.CodeNotFound, msgTeacherNotFound)
	}
	return t, mapDBError(err)
}

// ListTeachers pages the unit's teachers, newest first.
func (s *TeacherService) ListTeachers(ctx context.Context, f domain.TeacherFilter) (domain.Page[domain.Teacher], error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Page[domain.Teacher]{}, err
	}
	if f.State != "" && f.State != domain.TeacherEnabled && f.State != domain.TeacherDisabled {
		return domain.Page[domain.Teacher]{}, (domain.Fields{"state": "状态无效"}).Err()
	}
	pr := f.PageRequest.Normalize()
	where, args := []string{"unit_id = $1"}, []any{p.User.UnitID}
	if f.State != "" {
		args = append(args, f.State == domain.TeacherEnabled)
		where = append(where, "enabled = $"+strconv.Itoa(len(args)))
	}
	if name := strings.TrimSpace(f.Name); name != "" {
		args = append(args, personnelContains(name))
		where = append(where, `name LIKE $`+strconv.Itoa(len(args))+` ESCAPE '\'`)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	page := domain.Page[domain.Teacher]{Items: []domain.Teacher{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM teachers`+cond, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	n := len(args)
	rows, err := s.db.read.QueryContext(ctx, teacherSelect+cond+` ORDER BY id DESC LIMIT $`+strconv.Itoa(n+1)+
		` OFFSET $`+strconv.Itoa(n+2), append(args, pr.Limit, pr.Offset)...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTeacher(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, t)
	}
	return page, mapDBError(rows.Err())
}

// EnabledTeachers pages the teachers a class may use.
func (s *TeacherService) EnabledTeachers(ctx context.Context, f domain.TeacherFilter) (domain.Page[domain.Teacher], error) {
	f.State = domain.TeacherEnabled
	return s.ListTeachers(ctx, f)
}

// GetTeacher reads one of the unit's teachers.
func (s *TeacherService) GetTeacher(ctx context.Context, id int64) (domain.Teacher, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Teacher{}, err
	}
	return unitTeacher(ctx, s.db.read, p.User.UnitID, id)
}

// refuseTeacherIDNumber refuses an ID number another of the unit's
// teachers has (except teacher self).
func refuseTeacherIDNumber(ctx context.Context, tx *sql.Tx, unitID, self int64, idNumber string) error {
	if idNumber == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teachers WHERE unit_id = $1 AND id_number = $2 AND id <> $3`,
		unitID, idNumber, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		msg := "本单位已有该身份证号的教师"
		return &domain.Error{Code: domain.CodeConflict, Message: msg, Fields: map[string]string{"id_number": msg}}
	}
	return nil
}

// CreateTeacher stores an enabled teacher of the caller's unit.
func (s *TeacherService) CreateTeacher(ctx context.Context, in domain.TeacherInput) (domain.Teacher, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Teacher{}, err
	}
	if err := in.Validate(s.db.idToday()); err != nil {
		return domain.Teacher{}, err
	}
	now := s.db.now()
	var out domain.Teacher
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := refuseTeacherIDNumber(ctx, tx, p.User.UnitID, 0, in.IDNumber); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO teachers (unit_id, name, gender, id_number, title, specialty,
			employer, mobile, summary, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $10) RETURNING id`,
			p.User.UnitID, in.Name, in.Gender, in.IDNumber, in.Title, in.Specialty, in.Employer, in.Mobile,
			in.Summary, millis(now)).Scan(&id); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityTeacher, id)
		e.To, e.Comment = string(domain.TeacherEnabled), "新增教师 "+in.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = unitTeacher(ctx, tx, p.User.UnitID, id)
		return err
	})
	return out, err
}

// UpdateTeacher changes one of the unit's teachers.
func (s *TeacherService) UpdateTeacher(ctx context.Context, id int64, in domain.TeacherInput) (domain.Teacher, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Teacher{}, err
	}
	if _, err := unitTeacher(ctx, s.db.read, p.User.UnitID, id); err != nil {
		return domain.Teacher{}, err
	}
	if err := in.Validate(s.db.idToday()); err != nil {
		return domain.Teacher{}, err
	}
	now := s.db.now()
	var out domain.Teacher
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := refuseTeacherIDNumber(ctx, tx, p.User.UnitID, id, in.IDNumber); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE teachers SET name = $1, gender = $2, id_number = $3, title = $4,
			specialty = $5, employer = $6, mobile = $7, summary = $8, version = version + 1, updated_at = $9
			WHERE id = $10 AND unit_id = $11 AND version = $12`,
			in.Name, in.Gender, in.IDNumber, in.Title, in.Specialty, in.Employer, in.Mobile, in.Summary,
			millis(now), id, p.User.UnitID, in.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityTeacher, id)
		e.Comment = "修改教师信息"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = unitTeacher(ctx, tx, p.User.UnitID, id)
		return err
	})
	return out, err
}

// EnableTeacher lets classes use the teacher again.
func (s *TeacherService) EnableTeacher(ctx context.Context, id int64, v domain.VersionRef) (domain.Teacher, error) {
	return s.switchState(ctx, id, v, domain.ActionEnable)
}

// DisableTeacher keeps classes from choosing the teacher; classes that
// already have them are not changed.
func (s *TeacherService) DisableTeacher(ctx context.Context, id int64, v domain.VersionRef) (domain.Teacher, error) {
	return s.switchState(ctx, id, v, domain.ActionDisable)
}

func (s *TeacherService) switchState(ctx context.Context, id int64, v domain.VersionRef, action string) (domain.Teacher, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Teacher{}, err
	}
	now := s.db.now()
	var out domain.Teacher
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := unitTeacher(ctx, tx, p.User.UnitID, id)
		if err != nil {
			return err
		}
		to, ok := domain.TeacherMachine.Next(cur.State, action)
		if !ok {
			return domain.Errorf(domain.CodeConflict, "该教师已是%s状态", cur.State.Label())
		}
		if cur.Version != v.Version {
			return errPersonnelStale
		}
		res, err := tx.ExecContext(ctx, `UPDATE teachers SET enabled = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND unit_id = $4 AND version = $5`,
			to == domain.TeacherEnabled, millis(now), id, p.User.UnitID, v.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityTeacher, id)
		e.From, e.To, e.Comment = string(cur.State), string(to), to.Label()+"教师 "+cur.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = unitTeacher(ctx, tx, p.User.UnitID, id)
		return err
	})
	return out, err
}

// DeleteTeacher removes a teacher no class has used; one that a class has
// used stays for that class's history and can only be disabled.
func (s *TeacherService) DeleteTeacher(ctx context.Context, id int64, v domain.VersionRef) error {
	p, err := personnelUnit(ctx)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := unitTeacher(ctx, tx, p.User.UnitID, id)
		if err != nil {
			return err
		}
		if cur.Version != v.Version {
			return errPersonnelStale
		}
		var uses int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM class_teachers WHERE teacher_id = $1`, id).Scan(&uses); err != nil {
			return err
		}
		if uses > 0 {
			return domain.Errorf(domain.CodeConflict, domain.MsgTeacherInUse)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM teachers WHERE id = $1 AND unit_id = $2 AND version = $3`,
			id, p.User.UnitID, v.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityTeacher, id)
		e.From, e.Comment = string(cur.State), "删除教师 "+cur.Name
		return insertAudit(ctx, tx, e)
	})
}
