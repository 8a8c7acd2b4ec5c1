package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// PlanService implements domain.PlanService: a unit's 专业课计划申报 with
// its classes, teachers and subjects, and the authorities' 专业课计划审核.
//
// Scope rule: a plan is reviewed by every authority whose region subtree
// holds the unit's region (the city of the unit, and the province); drafts
// are the unit's alone. Anything else answers not_found.
type PlanService struct{ db *DB }

var _ domain.PlanService = (*PlanService)(nil)

// NewPlanService returns the plans service.
func NewPlanService(db *DB) *PlanService { return &PlanService{db: db} }

func init() {
	registerEntity(domain.EntityPlan, entityAccess{check: planAccess})
	registerEntity(domain.EntityClass, entityAccess{check: classAccess})
}

const msgStale = "数据已被他人修改，请刷新后重试"

var (
	errPlanNotFound    = domain.Errorf(domain.CodeNotFound, "专业课计划不存在")
	errClassNotFound   = domain.Errorf(domain.CodeNotFound, "培训班不存在")
	errSubjectNotFound = domain.Errorf(domain.CodeNotFound, "科目内容不存在")
	errPlanStale       = domain.Errorf(domain.CodeConflict, msgStale)
)

// planQueryer is a transaction or a pool: what loaders read with.
type planQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// argList numbers query arguments as they are added, for filters built
// clause by clause.
type argList []any

func (a *argList) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// planLike and planLikePrefix build LIKE patterns (ESCAPE '\') matching s
// literally.
func planLike(s string) string { return "%" + planEscapeLike(s) + "%" }

func planLikePrefix(s string) string { return planEscapeLike(s) + "%" }

func planEscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// changedOrStale turns a versioned statement's outcome into stale when it
// changed no row.
func changedOrStale(res sql.Result, err error, stale error) error {
	if err != nil {
		return err
	}
	ok, err := changedOne(res)
	if err != nil {
		return err
	}
	if !ok {
		return stale
	}
	return nil
}

// forUpdate locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; on SQLite the single writer already runs write transactions
// one at a time.
func (db *DB) forUpdate() string {
	if db.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// planUnit admits an approved unit.
func planUnit(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleUnit {
		return p, domain.Errorf(domain.CodeForbidden, "只有法人单位可以执行此操作")
	}
	if !p.User.UnitActive() {
		return p, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return p, nil
}

// planReviewer admits an authority.
func planReviewer(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleAuthority || p.User.RegionCode == "" {
		return p, domain.Errorf(domain.CodeForbidden, "只有人社主管部门可以审核专业课计划")
	}
	return p, nil
}

// planScope is what access rules need to know of a plan.
type planScope struct {
	id, unitID int64
	status     domain.PlanStatus
	region     string // the unit's
	version    int64
	courseID   int64
}

func loadPlanScope(ctx context.Context, q queryer, id int64, lock string) (planScope, error) {
	ps := planScope{id: id}
	var status string
	err := q.QueryRowContext(ctx, `SELECT p.unit_id, p.status, COALESCE(u.region_code, ''), p.version, COALESCE(p.course_id, 0)
		FROM plans p JOIN units u ON u.id = p.unit_id WHERE p.id = $1`+lock, id).
		Scan(&ps.unitID, &status, &ps.region, &ps.version, &ps.courseID)
	ps.status = domain.PlanStatus(status)
	if errors.Is(err, sql.ErrNoRows) {
		return ps, errPlanNotFound
	}
	return ps, mapDBError(err)
}

// visibleTo reports whether p may read the plan: its unit, or an authority
// over the unit's region once the plan has been sent to review.
func (ps planScope) visibleTo(p domain.Principal) bool {
	switch p.User.Role {
	case domain.RoleUnit:
		return p.User.UnitID == ps.unitID
	case domain.RoleAuthority:
		return ps.status != domain.PlanDraft && ps.region != "" && domain.InScope(p.User.RegionCode, ps.region)
	}
	return false
}

// editableBy answers nil when unit p may change the plan now.
func (ps planScope) editableBy(p domain.Principal) error {
	if p.User.Role != domain.RoleUnit || p.User.UnitID != ps.unitID {
		return errPlanNotFound
	}
	if !ps.status.Editable() {
		return domain.Errorf(domain.CodeConflict, "计划%s，不能再修改", ps.status.Label())
	}
	return nil
}

// planAccess guards a plan's attachments and history: the unit changes
// its attachments while the plan is editable; reviewing authorities read.
func planAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	ps, err := loadPlanScope(ctx, q, id, "")
	if err != nil {
		return err
	}
	if !ps.visibleTo(p) {
		return errPlanNotFound
	}
	if !write {
		return nil
	}
	if p.User.Role != domain.RoleUnit {
		return domain.Errorf(domain.CodeForbidden, "主管部门不能修改单位计划的附件")
	}
	if !ps.status.Editable() {
		return domain.Errorf(domain.CodeConflict, "计划%s，附件不能再修改", ps.status.Label())
	}
	return nil
}

// classAccess guards a class's history, which whoever sees its plan reads;
// classes have no attachments of their own.
func classAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	var planID int64
	err := q.QueryRowContext(ctx, `SELECT plan_id FROM classes WHERE id = $1`, id).Scan(&planID)
	if errors.Is(err, sql.ErrNoRows) {
		return errClassNotFound
	}
	if err != nil {
		return mapDBError(err)
	}
	if err := planAccess(ctx, q, p, planID, false); err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return errClassNotFound
		}
		return err
	}
	if write {
		return domain.Errorf(domain.CodeForbidden, "培训班的附件请上传到所属计划")
	}
	return nil
}

const planSelect = `SELECT p.id, p.unit_id, u.name, p.year, COALESCE(p.course_id, 0), COALESCE(c.code, ''),
	COALESCE(c.name, ''), p.name, p.audience, p.description, p.status, p.review_comment,
	(SELECT COUNT(*) FROM classes k WHERE k.plan_id = p.id),
	(SELECT COUNT(*) FROM attachments t WHERE t.owner_type = 'plan' AND t.owner_id = p.id),
	p.version, COALESCE(p.submitted_at, 0), p.created_at, p.updated_at
	FROM plans p JOIN units u ON u.id = p.unit_id LEFT JOIN courses c ON c.id = p.course_id`

func scanPlan(r applicationScanner) (domain.Plan, error) {
	var p domain.Plan
	var status string
	var submitted, created, updated int64
	err := r.Scan(&p.ID, &p.UnitID, &p.UnitName, &p.Year, &p.CourseID, &p.CourseCode, &p.CourseName,
		&p.Name, &p.Audience, &p.Description, &status, &p.ReviewComment, &p.Classes, &p.Attachments,
		&p.Version, &submitted, &created, &updated)
	p.Status, p.CreatedAt, p.UpdatedAt = domain.PlanStatus(status), fromMillis(created), fromMillis(updated)
	if submitted != 0 {
		p.SubmittedAt = fromMillis(submitted)
	}
	return p, err
}

func loadPlan(ctx context.Context, q queryer, id int64) (domain.Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, planSelect+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errPlanNotFound
	}
	return p, mapDBError(err)
}

const classSelect = `SELECT k.id, k.plan_id, k.unit_id, p.name, p.status, p.year, COALESCE(c.name, ''),
	k.name, k.start_date, k.end_date, k.location, k.capacity, k.half_hours, k.status,
	COALESCE(h.teacher_id, 0), COALESCE(t.name, ''),
	(SELECT COUNT(*) FROM enrollments e WHERE e.class_id = k.id AND e.status = 'active'),
	k.version, k.updated_at
	FROM classes k JOIN plans p ON p.id = k.plan_id
	LEFT JOIN courses c ON c.id = p.course_id
	LEFT JOIN class_teachers h ON h.class_id = k.id AND h.role = 'head'
	LEFT JOIN teachers t ON t.id = h.teacher_id`

func scanClass(r applicationScanner) (domain.Class, error) {
	var k domain.Class
	var planStatus, status string
	var halfHours int
	var updated int64
	err := r.Scan(&k.ID, &k.PlanID, &k.UnitID, &k.PlanName, &planStatus, &k.Year, &k.CourseName,
		&k.Name, &k.StartDate, &k.EndDate, &k.Location, &k.Capacity, &halfHours, &status,
		&k.HeadID, &k.HeadName, &k.Enrolled, &k.Version, &updated)
	k.PlanStatus, k.Status = domain.PlanStatus(planStatus), domain.ClassStatus(status)
	k.Hours, k.UpdatedAt = domain.Hours(halfHours), fromMillis(updated)
	return k, err
}

// loadClassDetails reads the classes matching cond (on classes k, with
// args) with their lecturers and subjects, in id order.
func loadClassDetails(ctx context.Context, q planQueryer, cond string, args ...any) ([]domain.ClassDetail, error) {
	out := []domain.ClassDetail{}
	index := map[int64]int{}
	rows, err := q.QueryContext(ctx, classSelect+` WHERE `+cond+` ORDER BY k.id`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanClass(rows)
		if err != nil {
			return nil, err
		}
		index[k.ID] = len(out)
		out = append(out, domain.ClassDetail{Class: k, Lecturers: []domain.TeacherRef{}, Subjects: []domain.Subject{}})
	}
	if err := rows.Err(); err != nil {
		return nil, mapDBError(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	lecturers, err := q.QueryContext(ctx, `SELECT ct.class_id, t.id, t.name, t.title, t.enabled
		FROM class_teachers ct JOIN teachers t ON t.id = ct.teacher_id
		WHERE ct.role = 'lecturer' AND ct.class_id IN (SELECT k.id FROM classes k WHERE `+cond+`)
		ORDER BY t.id`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer lecturers.Close()
	for lecturers.Next() {
		var classID int64
		var t domain.TeacherRef
		if err := lecturers.Scan(&classID, &t.ID, &t.Name, &t.Title, &t.Enabled); err != nil {
			return nil, err
		}
		if i, ok := index[classID]; ok {
			out[i].Lecturers = append(out[i].Lecturers, t)
		}
	}
	if err := lecturers.Err(); err != nil {
		return nil, mapDBError(err)
	}
	subjects, err := q.QueryContext(ctx, `SELECT s.id, s.class_id, s.name, s.half_hours, COALESCE(s.lecturer_id, 0),
		COALESCE(t.name, ''), s.content
		FROM subjects s LEFT JOIN teachers t ON t.id = s.lecturer_id
		WHERE s.class_id IN (SELECT k.id FROM classes k WHERE `+cond+`) ORDER BY s.id`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer subjects.Close()
	for subjects.Next() {
		var s domain.Subject
		var halfHours int
		if err := subjects.Scan(&s.ID, &s.ClassID, &s.Name, &halfHours, &s.LecturerID, &s.LecturerName, &s.Content); err != nil {
			return nil, err
		}
		s.Hours = domain.Hours(halfHours)
		if i, ok := index[s.ClassID]; ok {
			out[i].Subjects = append(out[i].Subjects, s)
		}
	}
	return out, mapDBError(subjects.Err())
}

func loadClassDetail(ctx context.Context, q planQueryer, id int64) (domain.ClassDetail, error) {
	list, err := loadClassDetails(ctx, q, "k.id = $1", id)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if len(list) == 0 {
		return domain.ClassDetail{}, errClassNotFound
	}
	return list[0], nil
}

func loadPlanDetail(ctx context.Context, q planQueryer, id int64) (domain.PlanDetail, error) {
	p, err := loadPlan(ctx, q, id)
	if err != nil {
		return domain.PlanDetail{}, err
	}
	classes, err := loadClassDetails(ctx, q, "k.plan_id = $1", id)
	return domain.PlanDetail{Plan: p, ClassList: classes}, err
}

// thisYear is the calendar year in China.
func (db *DB) thisYear() int { return db.now().In(domain.ChinaTime).Year() }

// planFilter turns q into a WHERE clause after the given conditions.
func planFilter(q domain.PlanFilter, where []string, args *argList, withUnitName bool) (string, error) {
	switch q.Status {
	case "", domain.PlanDraft, domain.PlanSubmitted, domain.PlanApproved, domain.PlanReturned, domain.PlanRejected:
	default:
		return "", (domain.Fields{"status": "计划状态无效"}).Err()
	}
	if q.Status != "" {
		where = append(where, "p.status = "+args.add(string(q.Status)))
	}
	if q.Year != 0 {
		where = append(where, "p.year = "+args.add(q.Year))
	}
	if name := strings.TrimSpace(q.Name); name != "" {
		like := args.add(planLike(name))
		clause := "p.name LIKE " + like + ` ESCAPE '\' OR c.name LIKE ` + like + ` ESCAPE '\'`
		if withUnitName {
			clause += " OR u.name LIKE " + like + ` ESCAPE '\'`
		}
		where = append(where, "("+clause+")")
	}
	return " WHERE " + strings.Join(where, " AND "), nil
}

func (s *PlanService) listPlans(ctx context.Context, cond string, args argList, order string, pr domain.PageRequest) (domain.Page[domain.Plan], error) {
	pr = pr.Normalize()
	page := domain.Page[domain.Plan]{Items: []domain.Plan{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans p JOIN units u ON u.id = p.unit_id
		LEFT JOIN courses c ON c.id = p.course_id`+cond, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	limit, offset := args.add(pr.Limit), args.add(pr.Offset)
	rows, err := s.db.read.QueryContext(ctx, planSelect+cond+` ORDER BY `+order+` LIMIT `+limit+` OFFSET `+offset, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, p)
	}
	return page, mapDBError(rows.Err())
}

// ListPlans pages the unit's own plans, newest first.
func (s *PlanService) ListPlans(ctx context.Context, q domain.PlanFilter) (domain.Page[domain.Plan], error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Page[domain.Plan]{}, err
	}
	var args argList
	cond, err := planFilter(q, []string{"p.unit_id = " + args.add(p.User.UnitID)}, &args, false)
	if err != nil {
		return domain.Page[domain.Plan]{}, err
	}
	return s.listPlans(ctx, cond, args, "p.id DESC", q.PageRequest)
}

// ListPlanReviews pages the plans sent to review from units in the
// authority's region subtree, oldest submission first.
func (s *PlanService) ListPlanReviews(ctx context.Context, q domain.PlanFilter) (domain.Page[domain.Plan], error) {
	p, err := planReviewer(ctx)
	if err != nil {
		return domain.Page[domain.Plan]{}, err
	}
	var args argList
	where := []string{"p.status <> 'draft'", "u.region_code LIKE " + args.add(planLikePrefix(domain.ScopePrefix(p.User.RegionCode))) + ` ESCAPE '\'`}
	cond, err := planFilter(q, where, &args, true)
	if err != nil {
		return domain.Page[domain.Plan]{}, err
	}
	return s.listPlans(ctx, cond, args, "COALESCE(p.submitted_at, 0), p.id", q.PageRequest)
}

// GetPlan reads a plan its unit or a reviewing authority may see.
func (s *PlanService) GetPlan(ctx context.Context, id int64) (domain.PlanDetail, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.PlanDetail{}, err
	}
	switch p.User.Role {
	case domain.RoleUnit:
		_, err = planUnit(ctx)
	case domain.RoleAuthority:
		_, err = planReviewer(ctx)
	default:
		err = domain.Errorf(domain.CodeForbidden, "当前角色无权查看专业课计划")
	}
	if err != nil {
		return domain.PlanDetail{}, err
	}
	ps, err := loadPlanScope(ctx, s.db.read, id, "")
	if err != nil {
		return domain.PlanDetail{}, err
	}
	if !ps.visibleTo(p) {
		return domain.PlanDetail{}, errPlanNotFound
	}
	return loadPlanDetail(ctx, s.db.read, id)
}

// checkCourse answers a field error unless course id exists and is
// enabled; keep is a course the plan already has, which may stay even if
// it was disabled since.
func checkCourse(ctx context.Context, q queryer, id, keep int64) error {
	var enabled bool
	err := q.QueryRowContext(ctx, `SELECT enabled FROM courses WHERE id = $1`, id).Scan(&enabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return (domain.Fields{"course_id": "所选专业课程不存在"}).Err()
	case err != nil:
		return err
	case !enabled && id != keep:
		return (domain.Fields{"course_id": "所选专业课程已停用，请重新选择"}).Err()
	}
	return nil
}

// CreatePlan stores a new draft (新申请).
func (s *PlanService) CreatePlan(ctx context.Context, in domain.PlanInput) (domain.Plan, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Plan{}, err
	}
	if err := in.Validate(s.db.thisYear()); err != nil {
		return domain.Plan{}, err
	}
	now := s.db.now()
	var out domain.Plan
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := checkCourse(ctx, tx, in.CourseID, 0); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO plans (unit_id, year, course_id, name, audience, description,
			status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $7) RETURNING id`,
			p.User.UnitID, in.Year, in.CourseID, in.Name, in.Audience, in.Description, millis(now)).Scan(&id); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPlan, id)
		e.To, e.Comment = string(domain.PlanDraft), "新申请："+in.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPlan(ctx, tx, id)
		return err
	})
	return out, err
}

// ownPlan answers not_found unless plan id is unit p's; checked before
// the input, so another unit's id never learns more than that.
func (s *PlanService) ownPlan(ctx context.Context, p domain.Principal, id int64) error {
	ps, err := loadPlanScope(ctx, s.db.read, id, "")
	if err != nil {
		return err
	}
	if ps.unitID != p.User.UnitID {
		return errPlanNotFound
	}
	return nil
}

// ownClass answers not_found unless class id is unit p's.
func ownClass(ctx context.Context, q queryer, p domain.Principal, id int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE id = $1 AND unit_id = $2`, id, p.User.UnitID).Scan(&n); err != nil {
		return mapDBError(err)
	}
	if n == 0 {
		return errClassNotFound
	}
	return nil
}

// lockEditablePlan locks plan id for the rest of tx and checks that unit p
// may change it now.
func (s *PlanService) lockEditablePlan(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64) (planScope, error) {
	ps, err := loadPlanScope(ctx, tx, id, s.db.forUpdate())
	if err != nil {
		return ps, err
	}
	return ps, ps.editableBy(p)
}

// UpdatePlan saves the plan's own fields.
func (s *PlanService) UpdatePlan(ctx context.Context, id int64, in domain.PlanInput) (domain.Plan, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Plan{}, err
	}
	if err := s.ownPlan(ctx, p, id); err != nil {
		return domain.Plan{}, err
	}
	if err := in.Validate(s.db.thisYear()); err != nil {
		return domain.Plan{}, err
	}
	now := s.db.now()
	var out domain.Plan
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		ps, err := s.lockEditablePlan(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := checkCourse(ctx, tx, in.CourseID, ps.courseID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE plans SET year = $1, course_id = $2, name = $3, audience = $4,
			description = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			in.Year, in.CourseID, in.Name, in.Audience, in.Description, millis(now), id, in.Version)
		if err := changedOrStale(res, err, errPlanStale); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPlan, id)
		e.Comment = "保存计划：" + in.Name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPlan(ctx, tx, id)
		return err
	})
	return out, err
}

// DeletePlan removes a draft never sent to review, with its classes and
// attachments; its audit trail stays.
func (s *PlanService) DeletePlan(ctx context.Context, id int64, v domain.VersionRef) error {
	p, err := planUnit(ctx)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		ps, err := s.lockEditablePlan(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ps.status != domain.PlanDraft {
			return domain.Errorf(domain.CodeConflict, "计划%s，不能删除", ps.status.Label())
		}
		if ps.version != v.Version {
			return errPlanStale
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM class_teachers
			WHERE class_id IN (SELECT id FROM classes WHERE plan_id = $1)`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE owner_type = 'plan' AND owner_id = $1`, id); err != nil {
			return err
		}
		var name string
		if err := tx.QueryRowContext(ctx, `DELETE FROM plans WHERE id = $1 RETURNING name`, id).Scan(&name); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPlan, id)
		e.From, e.Comment = string(ps.status), "删除计划："+name
		return insertAudit(ctx, tx, e)
	})
}

// SubmitPlan sends a complete plan to review; every problem is reported at
// once.
func (s *PlanService) SubmitPlan(ctx context.Context, id int64, sub domain.PlanSubmit) (domain.Plan, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Plan{}, err
	}
	now := s.db.now()
	var out domain.Plan
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		ps, err := s.lockEditablePlan(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if ps.version != sub.Version {
			return errPlanStale
		}
		d, err := loadPlanDetail(ctx, tx, id)
		if err != nil {
			return err
		}
		problems := d.SubmitProblems()
		var enabled bool
		switch err := tx.QueryRowContext(ctx, `SELECT enabled FROM courses WHERE id = $1`, ps.courseID).Scan(&enabled); {
		case errors.Is(err, sql.ErrNoRows):
			problems.Add("course_id", "请选择专业课程")
		case err != nil:
			return err
		case !enabled:
			problems.Add("course_id", "专业课程“"+d.CourseName+"”已停用，请重新选择")
		}
		if len(problems) > 0 {
			return &domain.Error{Code: domain.CodeInvalid, Message: domain.MsgPlanIncomplete, Fields: problems}
		}
		to, _ := domain.PlanMachine.Next(ps.status, domain.ActionSubmit)
		res, err := tx.ExecContext(ctx, `UPDATE plans SET status = $1, review_comment = '', submitted_at = $2,
			version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			string(to), millis(now), id, sub.Version)
		if err := changedOrStale(res, err, errPlanStale); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPlan, id)
		e.From, e.To, e.Comment = string(ps.status), string(to), "送审"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPlan(ctx, tx, id)
		return err
	})
	return out, err
}

// ReviewPlan records an authority's decision on a submitted plan.
func (s *PlanService) ReviewPlan(ctx context.Context, id int64, r domain.PlanReview) (domain.Plan, error) {
	p, err := planReviewer(ctx)
	if err != nil {
		return domain.Plan{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.Plan{}, err
	}
	now := s.db.now()
	var out domain.Plan
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		ps, err := loadPlanScope(ctx, tx, id, s.db.forUpdate())
		if err != nil {
			return err
		}
		if !ps.visibleTo(p) {
			return errPlanNotFound
		}
		to, ok := domain.PlanMachine.Next(ps.status, r.Action)
		if !ok {
			return domain.Errorf(domain.CodeConflict, "计划当前为“%s”，不能审核", ps.status.Label())
		}
		if ps.version != r.Version {
			return errPlanStale
		}
		res, err := tx.ExecContext(ctx, `UPDATE plans SET status = $1, review_comment = $2, version = version + 1,
			updated_at = $3 WHERE id = $4 AND version = $5`, string(to), r.Comment, millis(now), id, r.Version)
		if err := changedOrStale(res, err, errPlanStale); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPlan, id)
		e.From, e.To, e.Comment = string(ps.status), string(to), reviewComment(r)
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPlan(ctx, tx, id)
		return err
	})
	return out, err
}

// reviewComment is the history's line for a decision: its name, and the
// reviewer's words when there are any.
func reviewComment(r domain.PlanReview) string {
	label := map[string]string{domain.PlanApprove: "同意", domain.PlanReturn: "不同意并退案", domain.PlanReject: "不同意并结案"}[r.Action]
	if r.Comment == "" {
		return label
	}
	return label + "：" + r.Comment
}

// editableClass locks the plan of class id and checks that p may change
// it; it returns the class as stored.
func (s *PlanService) editableClass(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64) (domain.ClassDetail, error) {
	var planID int64
	err := tx.QueryRowContext(ctx, `SELECT plan_id FROM classes WHERE id = $1 AND unit_id = $2`, id, p.User.UnitID).Scan(&planID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ClassDetail{}, errClassNotFound
	}
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if _, err := s.lockEditablePlan(ctx, tx, p, planID); err != nil {
		return domain.ClassDetail{}, err
	}
	return loadClassDetail(ctx, tx, id)
}

// auditPlanChange notes a change to a plan's classes in the plan's trail.
func (s *PlanService) auditPlanChange(ctx context.Context, tx *sql.Tx, p domain.Principal, planID int64, comment string) error {
	e := s.db.auditBy(p, domain.EntityPlan, planID)
	e.Comment = comment
	return insertAudit(ctx, tx, e)
}

// CreateClass adds a class to an editable plan.
func (s *PlanService) CreateClass(ctx context.Context, planID int64, in domain.ClassInput) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if err := s.ownPlan(ctx, p, planID); err != nil {
		return domain.ClassDetail{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.ClassDetail{}, err
	}
	now := s.db.now()
	var out domain.ClassDetail
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockEditablePlan(ctx, tx, p, planID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO classes (plan_id, unit_id, name, start_date, end_date, location,
			capacity, half_hours, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9) RETURNING id`,
			planID, p.User.UnitID, in.Name, in.StartDate, in.EndDate, in.Location, in.Capacity, int(in.Hours),
			millis(now)).Scan(&id); err != nil {
			return err
		}
		if err := s.auditPlanChange(ctx, tx, p, planID, "新增培训班："+in.Name); err != nil {
			return err
		}
		out, err = loadClassDetail(ctx, tx, id)
		return err
	})
	return out, err
}

// UpdateClass saves a class's own fields.
func (s *PlanService) UpdateClass(ctx context.Context, id int64, in domain.ClassInput) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if err := ownClass(ctx, s.db.read, p, id); err != nil {
		return domain.ClassDetail{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.ClassDetail{}, err
	}
	now := s.db.now()
	var out domain.ClassDetail
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.editableClass(ctx, tx, p, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE classes SET name = $1, start_date = $2, end_date = $3, location = $4,
			capacity = $5, half_hours = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			in.Name, in.StartDate, in.EndDate, in.Location, in.Capacity, int(in.Hours), millis(now), id, in.Version)
		if err := changedOrStale(res, err, errPlanStale); err != nil {
			return err
		}
		if err := s.auditPlanChange(ctx, tx, p, cur.PlanID, "修改培训班："+in.Name); err != nil {
			return err
		}
		out, err = loadClassDetail(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteClass removes a class with its teachers and subjects.
func (s *PlanService) DeleteClass(ctx context.Context, id int64, v domain.VersionRef) error {
	p, err := planUnit(ctx)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.editableClass(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if cur.Version != v.Version {
			return errPlanStale
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM class_teachers WHERE class_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM classes WHERE id = $1`, id); err != nil {
			return err
		}
		return s.auditPlanChange(ctx, tx, p, cur.PlanID, "删除培训班："+cur.Name)
	})
}

// SetClassTeachers replaces the lecturers and the head teacher. Newly
// chosen teachers must be enabled teachers of the unit; one already on the
// class may stay though disabled since, as a disabled teacher's past
// classes are not changed.
func (s *PlanService) SetClassTeachers(ctx context.Context, id int64, t domain.ClassTeachers) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if err := t.Validate(); err != nil {
		return domain.ClassDetail{}, err
	}
	now := s.db.now()
	var out domain.ClassDetail
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.editableClass(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if cur.Version != t.Version {
			return errPlanStale
		}
		keep := map[int64]bool{cur.HeadID: cur.HeadID != 0}
		for _, l := range cur.Lecturers {
			keep[l.ID] = true
		}
		f := domain.Fields{}
		names, err := s.checkTeachers(ctx, tx, p.User.UnitID, t, keep, f)
		if err != nil {
			return err
		}
		chosen := map[int64]bool{}
		for _, l := range t.LecturerIDs {
			chosen[l] = true
		}
		for _, sub := range cur.Subjects {
			if sub.LecturerID != 0 && !chosen[sub.LecturerID] {
				f.Add("lecturer_ids", "教师“"+sub.LecturerName+"”仍在讲授科目“"+sub.Name+"”，请先删除该科目")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM class_teachers WHERE class_id = $1`, id); err != nil {
			return err
		}
		for _, l := range t.LecturerIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO class_teachers (class_id, teacher_id, role) VALUES ($1, $2, 'lecturer')`, id, l); err != nil {
				return err
			}
		}
		if t.HeadID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO class_teachers (class_id, teacher_id, role) VALUES ($1, $2, 'head')`, id, t.HeadID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE classes SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3`,
			millis(now), id, t.Version)
		if err := changedOrStale(res, err, errPlanStale); err != nil {
			return err
		}
		lecturers := make([]string, 0, len(t.LecturerIDs))
		for _, l := range t.LecturerIDs {
			lecturers = append(lecturers, names[l])
		}
		comment := "培训班“" + cur.Name + "”选入教师：" + strings.Join(lecturers, "、")
		if t.HeadID != 0 {
			comment += "；班主任：" + names[t.HeadID]
		}
		if err := s.auditPlanChange(ctx, tx, p, cur.PlanID, comment); err != nil {
			return err
		}
		out, err = loadClassDetail(ctx, tx, id)
		return err
	})
	return out, err
}

// checkTeachers records in f every chosen teacher that is not an enabled
// teacher of the unit (unless kept from before) and returns their names.
func (s *PlanService) checkTeachers(ctx context.Context, tx *sql.Tx, unitID int64, t domain.ClassTeachers, keep map[int64]bool, f domain.Fields) (map[int64]string, error) {
	ids := append([]int64{}, t.LecturerIDs...)
	if t.HeadID != 0 {
		ids = append(ids, t.HeadID)
	}
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	args := argList{unitID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = args.add(id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name, enabled FROM teachers WHERE unit_id = $1 AND id IN (`+
		strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	enabled := map[int64]bool{}
	for rows.Next() {
		var id int64
		var name string
		var on bool
		if err := rows.Scan(&id, &name, &on); err != nil {
			return nil, err
		}
		names[id], enabled[id] = name, on
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	check := func(field string, id int64) {
		name, found := names[id]
		switch {
		case !found:
			f.Add(field, "所选教师不存在")
		case !enabled[id] && !keep[id]:
			f.Add(field, "教师“"+name+"”已禁用，不能选择")
		}
	}
	for _, id := range t.LecturerIDs {
		check("lecturer_ids", id)
	}
	if t.HeadID != 0 {
		check("head_id", t.HeadID)
	}
	return names, nil
}

// AddSubject adds 科目内容 taught by one of the class's lecturers.
func (s *PlanService) AddSubject(ctx context.Context, classID int64, in domain.SubjectInput) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return domain.ClassDetail{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.ClassDetail{}, err
	}
	now := s.db.now()
	var out domain.ClassDetail
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.editableClass(ctx, tx, p, classID)
		if err != nil {
			return err
		}
		lecturer := ""
		for _, l := range cur.Lecturers {
			if l.ID == in.LecturerID {
				lecturer = l.Name
			}
		}
		if lecturer == "" {
			return (domain.Fields{"lecturer_id": "请从本班已选入的授课教师中选择"}).Err()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subjects (class_id, name, half_hours, lecturer_id, content, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, classID, in.Name, int(in.Hours), in.LecturerID, in.Content, millis(now)); err != nil {
			return err
		}
		comment := "培训班“" + cur.Name + "”新增科目：" + in.Name + "（" + in.Hours.String() + "学时，" + lecturer + "）"
		if err := s.auditPlanChange(ctx, tx, p, cur.PlanID, comment); err != nil {
			return err
		}
		out, err = loadClassDetail(ctx, tx, classID)
		return err
	})
	return out, err
}

// DeleteSubject removes one subject of an editable plan's class.
func (s *PlanService) DeleteSubject(ctx context.Context, id int64) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	var out domain.ClassDetail
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		var classID int64
		var name string
		err := tx.QueryRowContext(ctx, `SELECT s.class_id, s.name FROM subjects s JOIN classes k ON k.id = s.class_id
			WHERE s.id = $1 AND k.unit_id = $2`, id, p.User.UnitID).Scan(&classID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return errSubjectNotFound
		}
		if err != nil {
			return err
		}
		cur, err := s.editableClass(ctx, tx, p, classID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subjects WHERE id = $1`, id); err != nil {
			return err
		}
		if err := s.auditPlanChange(ctx, tx, p, cur.PlanID, "培训班“"+cur.Name+"”删除科目："+name); err != nil {
			return err
		}
		out, err = loadClassDetail(ctx, tx, classID)
		return err
	})
	return out, err
}
