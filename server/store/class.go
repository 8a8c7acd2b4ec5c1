package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"jxjy/server/domain"
)

// ClassService implements domain.ClassService: 培训班设置, 培训班考勤设置
// and 培训人员录入 over the unit's classes. Every write locks the class row
// first, so capacity, state and results are checked against what no other
// request can change until the write commits.
type ClassService struct{ db *DB }

var _ domain.ClassService = (*ClassService)(nil)

// NewClassService returns the classes service.
func NewClassService(db *DB) *ClassService { return &ClassService{db: db} }

var (
	errEnrollmentNotFound = domain.Errorf(domain.CodeNotFound, "培训人员不存在")
	errSessionNotFound    = domain.Errorf(domain.CodeNotFound, "考勤时间不存在")
	errClassStale         = domain.Errorf(domain.CodeConflict, msgStale)
)

// classForWrite locks class id of unit p and returns it; classes of plans
// not approved are not 培训班 yet, so they answer not_found here.
func (s *ClassService) classForWrite(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64) (domain.Class, error) {
	var locked int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM classes WHERE id = $1 AND unit_id = $2`+s.db.forUpdate(),
		id, p.User.UnitID).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Class{}, errClassNotFound
	}
	if err != nil {
		return domain.Class{}, err
	}
	k, err := scanClass(tx.QueryRowContext(ctx, classSelect+` WHERE k.id = $1 AND k.unit_id = $2`, id, p.User.UnitID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && k.PlanStatus != domain.PlanApproved) {
		return domain.Class{}, errClassNotFound
	}
	return k, err
}

// requireOpen refuses work that needs an open class, saying why.
func requireOpen(k domain.Class, doing string) error {
	if k.Status == domain.ClassOpen {
		return nil
	}
	return domain.Errorf(domain.CodeConflict, "培训班“%s”%s，不能%s（仅已开班的培训班可以%s）", k.Name, k.Status.Label(), doing, doing)
}

func (s *ClassService) auditClass(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64, from, to, comment string) error {
	e := s.db.auditBy(p, domain.EntityClass, id)
	e.From, e.To, e.Comment = from, to, comment
	return insertAudit(ctx, tx, e)
}

// ListClasses pages the unit's classes of approved plans.
func (s *ClassService) ListClasses(ctx context.Context, q domain.ClassQuery) (domain.Page[domain.Class], error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Page[domain.Class]{}, err
	}
	switch q.Status {
	case "", domain.ClassPending, domain.ClassOpen, domain.ClassClosed, domain.ClassCancelled:
	default:
		return domain.Page[domain.Class]{}, (domain.Fields{"status": "班级状态无效"}).Err()
	}
	var args argList
	where := []string{"k.unit_id = " + args.add(p.User.UnitID), "p.status = 'approved'"}
	if q.Status != "" {
		where = append(where, "k.status = "+args.add(string(q.Status)))
	}
	if q.Year != 0 {
		where = append(where, "p.year = "+args.add(q.Year))
	}
	if name := strings.TrimSpace(q.Name); name != "" {
		like := args.add(planLike(name))
		where = append(where, "(k.name LIKE "+like+` ESCAPE '\' OR p.name LIKE `+like+` ESCAPE '\')`)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	pr := q.PageRequest.Normalize()
	page := domain.Page[domain.Class]{Items: []domain.Class{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes k JOIN plans p ON p.id = k.plan_id`+cond,
		args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	limit, offset := args.add(pr.Limit), args.add(pr.Offset)
	rows, err := s.db.read.QueryContext(ctx, classSelect+cond+` ORDER BY k.start_date DESC, k.id DESC LIMIT `+limit+` OFFSET `+offset, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanClass(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, k)
	}
	return page, mapDBError(rows.Err())
}

// GetClass reads one of the unit's classes, of any plan.
func (s *ClassService) GetClass(ctx context.Context, id int64) (domain.ClassDetail, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassDetail{}, err
	}
	if err := ownClass(ctx, s.db.read, p, id); err != nil {
		return domain.ClassDetail{}, err
	}
	return loadClassDetail(ctx, s.db.read, id)
}

// ChangeClassStatus applies one action to every ticked class it can.
func (s *ClassService) ChangeClassStatus(ctx context.Context, c domain.ClassStatusChange) (domain.ClassStatusSummary, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.ClassStatusSummary{}, err
	}
	if err := c.Validate(); err != nil {
		return domain.ClassStatusSummary{}, err
	}
	var out domain.ClassStatusSummary
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		out = domain.ClassStatusSummary{Action: c.Action, Changed: []domain.Class{}, Skipped: []domain.Skipped{}, Notes: []string{}}
		// Classes are locked in id order, so two batches never wait on
		// each other in a circle.
		ids := uniqueIDs(c.IDs)
		slices.Sort(ids)
		for _, id := range ids {
			reason, err := s.changeOne(ctx, tx, p, id, c.Action, &out)
			if err != nil {
				return err
			}
			if reason != "" {
				out.Skipped = append(out.Skipped, domain.Skipped{ID: id, Reason: reason})
			}
		}
		return nil
	})
	return out, err
}

// changeOne moves class id, or returns why it did not.
func (s *ClassService) changeOne(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64, action string, out *domain.ClassStatusSummary) (string, error) {
	k, err := s.classForWrite(ctx, tx, p, id)
	if errors.Is(err, errClassNotFound) {
		return "培训班不存在", nil
	}
	if err != nil {
		return "", err
	}
	if why := domain.ClassRefusal(k.Status, action); why != "" {
		return "“" + k.Name + "”：" + why, nil
	}
	if action == domain.ClassActionClose {
		// Closing credits hours dated the class's end: not before it.
		if today := s.db.idToday().Format(domain.DateLayout); k.EndDate > today {
			return fmt.Sprintf("“%s”：培训班%s结束，结束前不能结班（结班时为合格学员记入的学时以结束日期为准，不能晚于今天）", k.Name, k.EndDate), nil
		}
		var missing int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrollments
			WHERE class_id = $1 AND status = 'active' AND result IS NULL`, id).Scan(&missing); err != nil {
			return "", err
		}
		if missing > 0 {
			return fmt.Sprintf("“%s”：有%d名学员未录入考核结果，不能结班", k.Name, missing), nil
		}
	}
	to, _ := domain.ClassMachine.Next(k.Status, action)
	now := s.db.now()
	res, err := tx.ExecContext(ctx, `UPDATE classes SET status = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND status = $4`, string(to), millis(now), id, string(k.Status))
	if err := changedOrStale(res, err, errClassStale); err != nil {
		return "", err
	}
	comment := domain.ClassActionLabel(action)
	if action == domain.ClassActionClose {
		credited, notes, err := creditClass(ctx, tx, s.db.auditBy(p, "", 0), k)
		if err != nil {
			return "", err
		}
		out.Credited += credited
		out.Notes = append(out.Notes, notes...)
		comment += fmt.Sprintf("，%d名合格学员记入%s学时", credited, k.Hours)
	}
	if err := s.auditClass(ctx, tx, p, id, string(k.Status), string(to), comment); err != nil {
		return "", err
	}
	k, err = s.classForWrite(ctx, tx, p, id)
	if err != nil {
		return "", err
	}
	out.Changed = append(out.Changed, k)
	return "", nil
}

// creditClass gives each passing trainee of closing class k one effective
// record, audited as actor; a trainee who already holds a record of the
// same title and start date keeps that one (noted, not doubled).
func creditClass(ctx context.Context, tx *sql.Tx, actor domain.AuditEntry, k domain.Class) (int, []string, error) {
	var unitName string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, k.UnitID).Scan(&unitName); err != nil {
		return 0, nil, err
	}
	type trainee struct {
		personID int64
		name     string
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.person_id, ps.name FROM enrollments e JOIN persons ps ON ps.id = e.person_id
		WHERE e.class_id = $1 AND e.status = 'active' AND e.result = 'pass' ORDER BY e.id`, k.ID)
	if err != nil {
		return 0, nil, err
	}
	var passing []trainee
	for rows.Next() {
		var t trainee
		if err := rows.Scan(&t.personID, &t.name); err != nil {
			rows.Close()
			return 0, nil, err
		}
		passing = append(passing, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	credited, notes := 0, []string{}
	for _, t := range passing {
		id, err := insertRecord(ctx, tx, actor.At, newRecord{
			PersonID: t.personID, UnitID: k.UnitID, Category: domain.CategoryProfessional, Form: "training",
			Title: k.Name, Organizer: unitName, StartDate: k.StartDate, EndDate: k.EndDate, Hours: k.Hours,
			Remark: "专业课计划“" + k.PlanName + "”培训班结班记入", Source: domain.SourceClass,
			Status: domain.RecordEffective, CreatedBy: actor.ActorUserID, ClassID: k.ID,
		})
		if errors.Is(err, errDuplicateRecord) {
			notes = append(notes, t.name+"已有相同培训内容和开始日期的记录，未重复记入")
			continue
		}
		if err != nil {
			return 0, nil, err
		}
		e := actor
		e.EntityType, e.EntityID = EntityRecord, id
		e.To, e.Comment = string(domain.RecordEffective), "培训班“"+k.Name+"”结班记入学时"
		if err := insertAudit(ctx, tx, e); err != nil {
			return 0, nil, err
		}
		credited++
	}
	return credited, notes, nil
}

// ListCandidates pages the unit's confirmed persons for a class.
func (s *ClassService) ListCandidates(ctx context.Context, classID int64, f domain.CandidateFilter) (domain.Page[domain.Candidate], error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Page[domain.Candidate]{}, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return domain.Page[domain.Candidate]{}, err
	}
	var args argList
	where := []string{"ps.unit_id = " + args.add(p.User.UnitID), "ps.status = 'confirmed'"}
	if name := strings.TrimSpace(f.Name); name != "" {
		where = append(where, "ps.name LIKE "+args.add(planLike(name))+` ESCAPE '\'`)
	}
	if idn := domain.NormalizeIDNumber(domain.NormalizeInput(f.IDNumber)); idn != "" {
		where = append(where, "ps.id_number LIKE "+args.add(planLikePrefix(idn))+` ESCAPE '\'`)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	pr := f.PageRequest.Normalize()
	page := domain.Page[domain.Candidate]{Items: []domain.Candidate{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons ps`+cond, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	class, limit, offset := args.add(classID), args.add(pr.Limit), args.add(pr.Offset)
	rows, err := s.db.read.QueryContext(ctx, `SELECT ps.id, ps.name, ps.id_number, ps.title, ps.post,
		EXISTS (SELECT 1 FROM enrollments e WHERE e.class_id = `+class+` AND e.person_id = ps.id AND e.status = 'active')
		FROM persons ps`+cond+` ORDER BY ps.id LIMIT `+limit+` OFFSET `+offset, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c domain.Candidate
		if err := rows.Scan(&c.PersonID, &c.Name, &c.IDNumber, &c.Title, &c.Post, &c.Enrolled); err != nil {
			return page, err
		}
		page.Items = append(page.Items, c)
	}
	if err := rows.Err(); err != nil {
		return page, mapDBError(err)
	}
	return page, markDishonestRows(ctx, s.db, page.Items, candidatePerson)
}

const enrollmentSelect = `SELECT e.id, e.class_id, e.person_id, ps.name, ps.id_number, ps.title, e.status,
	e.score, COALESCE(e.result, ''), e.version, e.created_at
	FROM enrollments e JOIN persons ps ON ps.id = e.person_id`

func scanEnrollment(r applicationScanner) (domain.Enrollment, error) {
	var e domain.Enrollment
	var status, result string
	var score sql.NullInt64
	var created int64
	err := r.Scan(&e.ID, &e.ClassID, &e.PersonID, &e.PersonName, &e.IDNumber, &e.Title, &status,
		&score, &result, &e.Version, &created)
	e.Status, e.Result, e.CreatedAt = domain.EnrollmentStatus(status), domain.Result(result), fromMillis(created)
	if score.Valid {
		v := int(score.Int64)
		e.Score = &v
	}
	return e, err
}

// loadEnrollments lists a class's trainees, active first.
func loadEnrollments(ctx context.Context, q planQueryer, classID int64) ([]domain.Enrollment, error) {
	rows, err := q.QueryContext(ctx, enrollmentSelect+` WHERE e.class_id = $1
		ORDER BY CASE e.status WHEN 'active' THEN 0 ELSE 1 END, e.id`, classID)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := []domain.Enrollment{}
	for rows.Next() {
		e, err := scanEnrollment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapDBError(rows.Err())
}

// ListEnrollments lists a class's trainees.
func (s *ClassService) ListEnrollments(ctx context.Context, classID int64) ([]domain.Enrollment, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return nil, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return nil, err
	}
	out, err := loadEnrollments(ctx, s.db.read, classID)
	if err != nil {
		return nil, err
	}
	return out, markDishonestRows(ctx, s.db, out, enrollmentPerson)
}

// Enroll adds confirmed members to an open class, all or none; the class
// row is locked first, so capacity holds under concurrent enrollments.
func (s *ClassService) Enroll(ctx context.Context, classID int64, r domain.EnrollRequest) ([]domain.Enrollment, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(r.PersonIDs)
	now := s.db.now()
	var out []domain.Enrollment
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		k, err := s.classForWrite(ctx, tx, p, classID)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "录入人员"); err != nil {
			return err
		}
		names, err := confirmedMembers(ctx, tx, p.User.UnitID, ids)
		if err != nil {
			return err
		}
		existing := map[int64]domain.EnrollmentStatus{}
		rows, err := tx.QueryContext(ctx, `SELECT person_id, status FROM enrollments WHERE class_id = $1`, classID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var pid int64
			var st string
			if err := rows.Scan(&pid, &st); err != nil {
				rows.Close()
				return err
			}
			existing[pid] = domain.EnrollmentStatus(st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var already []string
		for _, id := range ids {
			if existing[id] == domain.EnrollmentActive {
				already = append(already, names[id])
			}
		}
		if len(already) > 0 {
			return domain.Errorf(domain.CodeConflict, "%s已在本班，请勿重复录入", strings.Join(already, "、"))
		}
		if k.Enrolled+len(ids) > k.Capacity {
			return domain.Errorf(domain.CodeConflict, "名额不足：人数上限%d人，已录入%d人，本次勾选%d人", k.Capacity, k.Enrolled, len(ids))
		}
		enrolled := make([]string, 0, len(ids))
		for _, id := range ids {
			var err error
			if _, had := existing[id]; had {
				_, err = tx.ExecContext(ctx, `UPDATE enrollments SET status = 'active', score = NULL, result = NULL,
					version = version + 1, updated_at = $1 WHERE class_id = $2 AND person_id = $3`, millis(now), classID, id)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO enrollments (class_id, person_id, status, created_at, updated_at)
					VALUES ($1, $2, 'active', $3, $3)`, classID, id, millis(now))
			}
			if err != nil {
				return err
			}
			enrolled = append(enrolled, names[id])
		}
		if err := s.auditClass(ctx, tx, p, classID, "", "", "录入培训人员："+strings.Join(enrolled, "、")); err != nil {
			return err
		}
		all, err := loadEnrollments(ctx, tx, classID)
		if err != nil {
			return err
		}
		chosen := map[int64]bool{}
		for _, id := range ids {
			chosen[id] = true
		}
		for _, e := range all {
			if chosen[e.PersonID] {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// confirmedMembers returns the names of persons ids, all of whom must be
// confirmed members of the unit (else not_found: another unit's person is
// not even named).
func confirmedMembers(ctx context.Context, tx *sql.Tx, unitID int64, ids []int64) (map[int64]string, error) {
	args := argList{unitID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = args.add(id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM persons WHERE unit_id = $1 AND status = 'confirmed'
		AND id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(names) != len(ids) {
		return nil, domain.Errorf(domain.CodeNotFound, "所选人员不存在或不是本单位已确认的专业技术人员")
	}
	return names, nil
}

// enrollmentForWrite locks the class of enrollment id and returns both.
func (s *ClassService) enrollmentForWrite(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64) (domain.Enrollment, domain.Class, error) {
	var classID int64
	err := tx.QueryRowContext(ctx, `SELECT e.class_id FROM enrollments e JOIN classes k ON k.id = e.class_id
		WHERE e.id = $1 AND k.unit_id = $2`, id, p.User.UnitID).Scan(&classID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Enrollment{}, domain.Class{}, errEnrollmentNotFound
	}
	if err != nil {
		return domain.Enrollment{}, domain.Class{}, err
	}
	k, err := s.classForWrite(ctx, tx, p, classID)
	if err != nil {
		return domain.Enrollment{}, domain.Class{}, err
	}
	e, err := scanEnrollment(tx.QueryRowContext(ctx, enrollmentSelect+` WHERE e.id = $1`, id))
	return e, k, err
}

// CancelEnrollment takes a trainee out of an open class.
func (s *ClassService) CancelEnrollment(ctx context.Context, id int64, v domain.VersionRef) (domain.Enrollment, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.Enrollment{}, err
	}
	now := s.db.now()
	var out domain.Enrollment
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		e, k, err := s.enrollmentForWrite(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "取消录入"); err != nil {
			return err
		}
		if e.Status != domain.EnrollmentActive {
			return domain.Errorf(domain.CodeConflict, "%s的录入已取消", e.PersonName)
		}
		res, err := tx.ExecContext(ctx, `UPDATE enrollments SET status = 'cancelled', score = NULL, result = NULL,
			version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3`, millis(now), id, v.Version)
		if err := changedOrStale(res, err, errClassStale); err != nil {
			return err
		}
		if err := s.auditClass(ctx, tx, p, k.ID, "", "", "取消录入："+e.PersonName); err != nil {
			return err
		}
		out, err = scanEnrollment(tx.QueryRowContext(ctx, enrollmentSelect+` WHERE e.id = $1`, id))
		return err
	})
	return out, err
}

// SaveResults stores scores and results of an open class's trainees.
func (s *ClassService) SaveResults(ctx context.Context, classID int64, sheet domain.ResultSheet) ([]domain.Enrollment, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return nil, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return nil, err
	}
	if err := sheet.Validate(); err != nil {
		return nil, err
	}
	now := s.db.now()
	var out []domain.Enrollment
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		k, err := s.classForWrite(ctx, tx, p, classID)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "录入成绩"); err != nil {
			return err
		}
		current, err := loadEnrollments(ctx, tx, classID)
		if err != nil {
			return err
		}
		byID := map[int64]domain.Enrollment{}
		for _, e := range current {
			byID[e.ID] = e
		}
		for _, entry := range sheet.Entries {
			e, ok := byID[entry.EnrollmentID]
			switch {
			case !ok:
				return errEnrollmentNotFound
			case e.Status != domain.EnrollmentActive:
				return domain.Errorf(domain.CodeConflict, "%s的录入已取消，不能录入成绩", e.PersonName)
			case e.Version != entry.Version:
				return domain.Errorf(domain.CodeConflict, "%s的成绩已被他人修改，请刷新后重试", e.PersonName)
			}
			var result any
			if entry.Result != domain.ResultNone {
				result = string(entry.Result)
			}
			var score any
			if entry.Score != nil {
				score = *entry.Score
			}
			res, err := tx.ExecContext(ctx, `UPDATE enrollments SET score = $1, result = $2, version = version + 1,
				updated_at = $3 WHERE id = $4 AND version = $5`, score, result, millis(now), e.ID, entry.Version)
			if err := changedOrStale(res, err, errClassStale); err != nil {
				return err
			}
		}
		comment := fmt.Sprintf("录入成绩/考核结果：%d人", len(sheet.Entries))
		if err := s.auditClass(ctx, tx, p, classID, "", "", comment); err != nil {
			return err
		}
		out, err = loadEnrollments(ctx, tx, classID)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The results screen redraws from this answer, marks included.
	return out, markDishonestRows(ctx, s.db, out, enrollmentPerson)
}

const sessionSelect = `SELECT s.id, s.class_id, s.date, s.start_time, s.end_time,
	(SELECT COUNT(*) FROM attendance_marks m WHERE m.session_id = s.id)
	FROM attendance_sessions s`

func scanSession(r applicationScanner) (domain.AttendanceSession, error) {
	var a domain.AttendanceSession
	err := r.Scan(&a.ID, &a.ClassID, &a.Date, &a.Start, &a.End, &a.Marked)
	return a, err
}

// AddSession records 考勤时间 on an open class, within its period.
func (s *ClassService) AddSession(ctx context.Context, classID int64, in domain.SessionInput) (domain.AttendanceSession, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.AttendanceSession{}, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return domain.AttendanceSession{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.AttendanceSession{}, err
	}
	now := s.db.now()
	var out domain.AttendanceSession
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		k, err := s.classForWrite(ctx, tx, p, classID)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "录入考勤"); err != nil {
			return err
		}
		if in.Date < k.StartDate || in.Date > k.EndDate {
			return (domain.Fields{"date": "考勤日期应在培训期间（" + k.StartDate + " 至 " + k.EndDate + "）内"}).Err()
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance_sessions WHERE class_id = $1 AND date = $2
			AND start_time < $3 AND end_time > $4`, classID, in.Date, in.End, in.Start).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return (domain.Fields{"start": "与本班当天已有的考勤时间重叠"}).Err()
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO attendance_sessions (class_id, date, start_time, end_time, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, classID, in.Date, in.Start, in.End, millis(now)).Scan(&id); err != nil {
			return err
		}
		if err := s.auditClass(ctx, tx, p, classID, "", "", "录入考勤时间："+in.Date+" "+in.Start+"-"+in.End); err != nil {
			return err
		}
		out, err = scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE s.id = $1`, id))
		return err
	})
	return out, err
}

// sessionForWrite locks the class of session id and returns both.
func (s *ClassService) sessionForWrite(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64) (domain.AttendanceSession, domain.Class, error) {
	var classID int64
	err := tx.QueryRowContext(ctx, `SELECT s.class_id FROM attendance_sessions s JOIN classes k ON k.id = s.class_id
		WHERE s.id = $1 AND k.unit_id = $2`, id, p.User.UnitID).Scan(&classID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.AttendanceSession{}, domain.Class{}, errSessionNotFound
	}
	if err != nil {
		return domain.AttendanceSession{}, domain.Class{}, err
	}
	k, err := s.classForWrite(ctx, tx, p, classID)
	if err != nil {
		return domain.AttendanceSession{}, domain.Class{}, err
	}
	a, err := scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE s.id = $1`, id))
	return a, k, err
}

// SetNormalAttendance marks present every active trainee without a mark.
func (s *ClassService) SetNormalAttendance(ctx context.Context, sessionID int64) (domain.AttendanceSession, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.AttendanceSession{}, err
	}
	var out domain.AttendanceSession
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		a, k, err := s.sessionForWrite(ctx, tx, p, sessionID)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "设置考勤"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO attendance_marks (session_id, enrollment_id, mark)
			SELECT $1, e.id, 'present' FROM enrollments e
			WHERE e.class_id = $2 AND e.status = 'active'
			AND NOT EXISTS (SELECT 1 FROM attendance_marks m WHERE m.session_id = $1 AND m.enrollment_id = e.id)`,
			sessionID, k.ID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		comment := fmt.Sprintf("设置普通考勤：%s %s-%s，%d人出勤", a.Date, a.Start, a.End, n)
		if err := s.auditClass(ctx, tx, p, k.ID, "", "", comment); err != nil {
			return err
		}
		out, err = scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE s.id = $1`, sessionID))
		return err
	})
	return out, err
}

// MarkAttendance sets one mark for some active trainees of a session.
func (s *ClassService) MarkAttendance(ctx context.Context, sessionID int64, r domain.MarkRequest) (domain.AttendanceSession, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.AttendanceSession{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.AttendanceSession{}, err
	}
	var out domain.AttendanceSession
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		a, k, err := s.sessionForWrite(ctx, tx, p, sessionID)
		if err != nil {
			return err
		}
		if err := requireOpen(k, "设置考勤"); err != nil {
			return err
		}
		trainees, err := loadEnrollments(ctx, tx, k.ID)
		if err != nil {
			return err
		}
		byID := map[int64]domain.Enrollment{}
		for _, e := range trainees {
			byID[e.ID] = e
		}
		var names []string
		for _, id := range uniqueIDs(r.EnrollmentIDs) {
			e, ok := byID[id]
			if !ok {
				return errEnrollmentNotFound
			}
			if e.Status != domain.EnrollmentActive {
				return domain.Errorf(domain.CodeConflict, "%s的录入已取消，不能设置考勤", e.PersonName)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance_marks (session_id, enrollment_id, mark) VALUES ($1, $2, $3)
				ON CONFLICT (session_id, enrollment_id) DO UPDATE SET mark = excluded.mark`, sessionID, id, string(r.Mark)); err != nil {
				return err
			}
			names = append(names, e.PersonName)
		}
		comment := "考勤 " + a.Date + " " + a.Start + "-" + a.End + "：" + strings.Join(names, "、") + " " + r.Mark.Label()
		if err := s.auditClass(ctx, tx, p, k.ID, "", "", comment); err != nil {
			return err
		}
		out, err = scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE s.id = $1`, sessionID))
		return err
	})
	return out, err
}

// AttendanceSheet is every trainee against every session of the class.
func (s *ClassService) AttendanceSheet(ctx context.Context, classID int64) (domain.AttendanceSheet, error) {
	p, err := planUnit(ctx)
	if err != nil {
		return domain.AttendanceSheet{}, err
	}
	if err := ownClass(ctx, s.db.read, p, classID); err != nil {
		return domain.AttendanceSheet{}, err
	}
	sheet := domain.AttendanceSheet{Sessions: []domain.AttendanceSession{}, Rows: []domain.AttendanceRow{}}
	rows, err := s.db.read.QueryContext(ctx, sessionSelect+` WHERE s.class_id = $1 ORDER BY s.date, s.start_time`, classID)
	if err != nil {
		return sheet, mapDBError(err)
	}
	col := map[int64]int{}
	for rows.Next() {
		a, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return sheet, err
		}
		col[a.ID] = len(sheet.Sessions)
		sheet.Sessions = append(sheet.Sessions, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sheet, mapDBError(err)
	}
	trainees, err := loadEnrollments(ctx, s.db.read, classID)
	if err != nil {
		return sheet, err
	}
	if err := markDishonestRows(ctx, s.db, trainees, enrollmentPerson); err != nil {
		return sheet, err
	}
	line := map[int64]int{}
	for _, e := range trainees {
		line[e.ID] = len(sheet.Rows)
		sheet.Rows = append(sheet.Rows, domain.AttendanceRow{EnrollmentID: e.ID, PersonName: e.PersonName,
			IDNumber: e.IDNumber, Status: e.Status, Marks: make([]domain.AttendanceMark, len(sheet.Sessions)),
			Dishonest: e.Dishonest})
	}
	marks, err := s.db.read.QueryContext(ctx, `SELECT m.session_id, m.enrollment_id, m.mark FROM attendance_marks m
		JOIN attendance_sessions s ON s.id = m.session_id WHERE s.class_id = $1`, classID)
	if err != nil {
		return sheet, mapDBError(err)
	}
	defer marks.Close()
	for marks.Next() {
		var sid, eid int64
		var mark string
		if err := marks.Scan(&sid, &eid, &mark); err != nil {
			return sheet, err
		}
		if r, ok := line[eid]; ok {
			sheet.Rows[r].Marks[col[sid]] = domain.AttendanceMark(mark)
		}
	}
	return sheet, mapDBError(marks.Err())
}
