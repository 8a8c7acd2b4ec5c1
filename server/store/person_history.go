package store

import (
	"context"
	"database/sql"
	"errors"

	"jxjy/server/domain"
)

// Persons and teachers show their history (claims, confirmations, edits,
// 启用/禁用) through the shared history service; they keep no attachments.
func init() {
	registerEntity(domain.EntityPerson, entityAccess{check: personAccess})
	registerEntity(domain.EntityTeacher, entityAccess{check: teacherAccess})
}

var errNoPersonnelAttachments = domain.Errorf(domain.CodeForbidden, "人员与师资信息不保存附件")

// personAccess lets the person and the unit the person belongs to (or
// claims) see the record; anyone else gets not_found.
func personAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	var unitID int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(unit_id, 0) FROM persons WHERE id = $1`, id).Scan(&unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.CodeNotFound, msgPersonNotFound)
	}
	if err != nil {
		return mapDBError(err)
	}
	own := p.User.Role == domain.RolePerson && p.User.PersonID == id
	unit := p.User.Role == domain.RoleUnit && unitID != 0 && p.User.UnitID == unitID
	switch {
	case !own && !unit:
		return domain.Errorf(domain.CodeNotFound, msgPersonNotFound)
	case write:
		return errNoPersonnelAttachments
	}
	return nil
}

// teacherAccess lets only the teacher's unit see it.
func teacherAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	if p.User.Role != domain.RoleUnit {
		return domain.Errorf(domain.CodeNotFound, msgTeacherNotFound)
	}
	if _, err := unitTeacher(ctx, q, p.User.UnitID, id); err != nil {
		return err
	}
	if write {
		return errNoPersonnelAttachments
	}
	return nil
}
