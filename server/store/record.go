package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"jxjy/server/domain"
)

// RecordService implements domain.RecordService: continuing-education
// records declared by units, persons and institutions, and the units'
// review of the latter.
//
// Scope, in SQL (recordActor.scope) and nowhere else: a unit sees the
// records of its persons (records.unit_id) except drafts persons and
// institutions still hold; a person sees its own records except other
// declarers' drafts; an institution sees what it declared. Whatever lies
// outside answers not_found.
type RecordService struct{ db *DB }

var _ domain.RecordService = (*RecordService)(nil)

// NewRecordService returns the records service.
func NewRecordService(db *DB) *RecordService { return &RecordService{db: db} }

func init() {
	registerEntity(domain.EntityRecord, entityAccess{check: recordAccess})
}

var (
	errRecordNotFound = domain.Errorf(domain.CodeNotFound, "记录不存在")
	errRecordStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	errRecordNotOwner = domain.Errorf(domain.CodeForbidden, "只能修改自己申报的记录")
)

// recordActor is the caller with the organisation that scopes it.
type recordActor struct {
	p             domain.Principal
	unitID        int64
	personID      int64
	institutionID int64
}

// recordCaller admits the given roles: an approved unit, a person with its
// own record, an institution account.
func recordCaller(ctx context.Context, q queryer, roles ...domain.Role) (recordActor, error) {
	p, err := principal(ctx)
	if err != nil {
		return recordActor{}, err
	}
	allowed := false
	for _, r := range roles {
		allowed = allowed || r == p.User.Role
	}
	if !allowed {
		return recordActor{}, domain.Errorf(domain.CodeForbidden, "当前角色（%s）无权进行此操作", p.User.Role.Label())
	}
	return actorOf(ctx, q, p)
}

// actorOf resolves p's organisation; a role without records is forbidden.
func actorOf(ctx context.Context, q queryer, p domain.Principal) (recordActor, error) {
	a := recordActor{p: p}
	switch p.User.Role {
	case domain.RoleUnit:
		if !p.User.UnitActive() {
			return a, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
		}
		a.unitID = p.User.UnitID
	case domain.RolePerson:
		if p.User.PersonID == 0 {
			return a, domain.Errorf(domain.CodeNotFound, "未找到您的人员信息")
		}
		a.personID = p.User.PersonID
	case domain.RoleInstitution:
		var id sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT institution_id FROM users WHERE id = $1`, p.User.ID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return a, mapDBError(err)
		}
		if !id.Valid {
			return a, domain.Errorf(domain.CodeForbidden, "该账号未关联施教机构")
		}
		a.institutionID = id.Int64
	default:
		return a, domain.Errorf(domain.CodeForbidden, "当前角色（%s）无权进行此操作", p.User.Role.Label())
	}
	return a, nil
}

// source is what the actor's declarations are.
func (a recordActor) source() domain.RecordSource {
	switch a.p.User.Role {
	case domain.RoleUnit:
		return domain.SourceUnit
	case domain.RolePerson:
		return domain.SourcePerson
	}
	return domain.SourceInstitution
}

// scope is the SQL condition (on records r) of what the actor sees, with
// its one parameter numbered n.
func (a recordActor) scope(n int) (string, any) {
	ph := "$" + strconv.Itoa(n)
	switch a.p.User.Role {
	case domain.RoleUnit:
		return `r.unit_id = ` + ph + ` AND (r.source NOT IN ('person', 'institution') OR r.status <> 'draft')`, a.unitID
	case domain.RolePerson:
		return `r.person_id = ` + ph + ` AND (r.source = 'person' OR r.status <> 'draft')`, a.personID
	}
	return `r.institution_id = ` + ph + ` AND r.source = 'institution'`, a.institutionID
}

// owns reports whether the actor declared r, and so may change it while
// it is editable.
func (a recordActor) owns(r domain.Record) bool {
	switch r.Source {
	case domain.SourceUnit:
		return a.unitID != 0 && r.UnitID == a.unitID
	case domain.SourcePerson:
		return a.personID != 0 && r.PersonID == a.personID
	case domain.SourceInstitution:
		return a.institutionID != 0 && r.InstitutionID == a.institutionID
	}
	return false
}

const recordSelect = `SELECT r.id, r.person_id, p.name, p.id_number, r.unit_id, n.name, r.category, r.form,
	r.title, r.organizer, r.start_date, r.end_date, r.year, r.half_hours, r.remark, r.source, r.status,
	COALESCE(r.institution_id, 0), COALESCE(i.name, ''), COALESCE(r.class_id, 0), r.review_comment,
	r.reviewed_at, r.effective_at,
	(SELECT COUNT(*) FROM attachments t WHERE t.owner_type = 'record' AND t.owner_id = r.id),
	r.version, r.created_at, r.updated_at
	FROM records r
	JOIN persons p ON p.id = r.person_id
	JOIN units n ON n.id = r.unit_id
	LEFT JOIN institutions i ON i.id = r.institution_id`

type recordScanner interface{ Scan(dest ...any) error }

func scanRecord(s recordScanner) (domain.Record, error) {
	var r domain.Record
	var source, status string
	var halfHours int
	var reviewed, effective sql.NullInt64
	var created, updated int64
	err := s.Scan(&r.ID, &r.PersonID, &r.PersonName, &r.IDNumber, &r.UnitID, &r.UnitName, &r.Category, &r.Form,
		&r.Title, &r.Organizer, &r.StartDate, &r.EndDate, &r.Year, &halfHours, &r.Remark, &source, &status,
		&r.InstitutionID, &r.InstitutionName, &r.ClassID, &r.ReviewComment,
		&reviewed, &effective, &r.Attachments, &r.Version, &created, &updated)
	r.Hours, r.Source, r.Status = domain.Hours(halfHours), domain.RecordSource(source), domain.RecordStatus(status)
	r.ReviewedAt, r.EffectiveAt = recordTime(reviewed), recordTime(effective)
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	return r, err
}

func recordTime(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// loadRecord reads record id if the actor sees it, else not_found.
func loadRecord(ctx context.Context, q queryer, a recordActor, id int64) (domain.Record, error) {
	scope, arg := a.scope(2)
	r, err := scanRecord(q.QueryRowContext(ctx, recordSelect+` WHERE r.id = $1 AND `+scope, id, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errRecordNotFound
	}
	return r, mapDBError(err)
}

// recordAccess guards a record's attachments and history: whoever sees
// the record reads them; only its declarer changes the attachments, and
// only while the record is editable.
func recordAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	a, err := actorOf(ctx, q, p)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeModuleLocked {
			return err
		}
		return errRecordNotFound
	}
	r, err := loadRecord(ctx, q, a, id)
	if err != nil || !write {
		return err
	}
	if !a.owns(r) {
		return domain.Errorf(domain.CodeForbidden, "只能修改自己申报的记录的附件")
	}
	if !r.Status.Editable() {
		return domain.Errorf(domain.CodeConflict, "记录%s，附件不能再修改", r.Status.Label())
	}
	return nil
}

// dailyCap is the most hours a day of year earns: the requirement row's,
// or the default when the year has none.
func dailyCap(ctx context.Context, q queryer, year int) (domain.Hours, error) {
	var halfHours int
	err := q.QueryRowContext(ctx, `SELECT daily_cap_half_hours FROM requirements WHERE year = $1`, year).Scan(&halfHours)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.DefaultDailyCap, nil
	}
	if err != nil {
		return 0, err
	}
	return domain.Hours(halfHours), nil
}

// checkRecordInput validates in for the actor, reporting every field at
// once: the record's own rules with the cap of its year, who it is about
// as the role names them, and the form against its dictionary (a disabled
// form only when storedForm, the record's current one, is it).
func (s *RecordService) checkRecordInput(ctx context.Context, q queryer, a recordActor, in *domain.RecordInput, storedForm string) error {
	capHours, err := dailyCap(ctx, q, domain.RecordYear(in.EndDate))
	if err != nil {
		return err
	}
	fields := domain.Fields{}
	for k, v := range domain.FieldErrorsOf(in.Validate(s.db.idToday(), capHours)) {
		fields.Add(k, v)
	}
	switch a.p.User.Role {
	case domain.RoleUnit:
		fields.Check(in.PersonID <= 0, domain.RecordFieldPerson, "请选择人员")
	case domain.RoleInstitution:
		_, msg := domain.ParseIDNumber(in.IDNumber, s.db.idToday())
		fields.Add(domain.RecordFieldIDNumber, msg)
		fields.Add(domain.RecordFieldName, domain.CheckText(in.Name, 50, "姓名"))
	}
	msg, err := checkDictItem(ctx, q, domain.DictForm, in.Form, storedForm, "培训形式无效，请重新选择")
	if err != nil {
		return err
	}
	fields.Add(domain.RecordFieldForm, msg)
	return fields.Err()
}

// recordSubject is who a record is about and the unit that reviews it.
type recordSubject struct{ personID, unitID int64 }

// recordSubjectOf finds the person in names (already validated): a confirmed
// person of the calling unit, the calling person, or the person whose ID
// number and name an institution gave, who must belong to a unit.
func recordSubjectOf(ctx context.Context, q queryer, a recordActor, in domain.RecordInput) (recordSubject, error) {
	switch a.p.User.Role {
	case domain.RoleUnit:
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE id = $1 AND unit_id = $2 AND status = 'confirmed'`,
			in.PersonID, a.unitID).Scan(&n); err != nil {
			return recordSubject{}, err
		}
		if n == 0 {
			const msg = "人员不存在或不是本单位已确认的人员"
			return recordSubject{}, &domain.Error{Code: domain.CodeNotFound, Message: msg,
				Fields: map[string]string{domain.RecordFieldPerson: msg}}
		}
		return recordSubject{personID: in.PersonID, unitID: a.unitID}, nil
	case domain.RolePerson:
		var unitID sql.NullInt64
		var status string
		if err := q.QueryRowContext(ctx, `SELECT unit_id, status FROM persons WHERE id = $1`, a.personID).Scan(&unitID, &status); err != nil {
			return recordSubject{}, err
		}
		if status != string(domain.AffiliationConfirmed) || !unitID.Valid {
			return recordSubject{}, domain.Errorf(domain.CodeConflict, "您尚未归属单位或单位尚未确认，暂不能申报学时；请先在“个人信息”中申请加入单位")
		}
		return recordSubject{personID: a.personID, unitID: unitID.Int64}, nil
	}
	var id int64
	var name, status string
	var unitID sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, name, unit_id, status FROM persons WHERE id_number = $1`, in.IDNumber).
		Scan(&id, &name, &unitID, &status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return recordSubject{}, err
	}
	// One answer for an unknown number and a wrong name, so the form cannot
	// be used to find out who is registered.
	if err != nil || name != in.Name {
		const msg = "身份证号与姓名不匹配，请核对"
		return recordSubject{}, &domain.Error{Code: domain.CodeInvalid, Message: msg,
			Fields: map[string]string{domain.RecordFieldIDNumber: msg, domain.RecordFieldName: msg}}
	}
	if status != string(domain.AffiliationConfirmed) || !unitID.Valid {
		const msg = "该人员尚未确认所在单位，暂不能申报"
		return recordSubject{}, &domain.Error{Code: domain.CodeInvalid, Message: msg,
			Fields: map[string]string{domain.RecordFieldIDNumber: msg}}
	}
	return recordSubject{personID: id, unitID: unitID.Int64}, nil
}

// auditRecord writes one entry of a record's history.
func (s *RecordService) auditRecord(ctx context.Context, tx *sql.Tx, a recordActor, id int64, from, to domain.RecordStatus, comment string) error {
	e := s.db.auditBy(a.p, domain.EntityRecord, id)
	e.From, e.To, e.Comment = string(from), string(to), comment
	return insertAudit(ctx, tx, e)
}

// CreateRecord stores a draft declared by the caller.
func (s *RecordService) CreateRecord(ctx context.Context, in domain.RecordInput) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return domain.Record{}, err
	}
	var out domain.Record
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRecordInput(ctx, tx, a, &in, ""); err != nil {
			return err
		}
		subj, err := recordSubjectOf(ctx, tx, a, in)
		if err != nil {
			return err
		}
		id, err := insertRecord(ctx, tx, s.db.now(), newRecord{
			PersonID: subj.personID, UnitID: subj.unitID, Category: in.Category, Form: in.Form,
			Title: in.Title, Organizer: in.Organizer, StartDate: in.StartDate, EndDate: in.EndDate,
			Hours: in.Hours, Remark: in.Remark, Source: a.source(), Status: domain.RecordDraft,
			CreatedBy: a.p.User.ID, InstitutionID: a.institutionID,
		})
		if err != nil {
			return err
		}
		if err := s.auditRecord(ctx, tx, a, id, "", domain.RecordDraft, "新增记录"); err != nil {
			return err
		}
		out, err = loadRecord(ctx, tx, a, id)
		return err
	})
	return out, err
}

// editableRecord loads a record the actor declared and may still change.
func editableRecord(ctx context.Context, tx *sql.Tx, a recordActor, id, version int64) (domain.Record, error) {
	cur, err := loadRecord(ctx, tx, a, id)
	if err != nil {
		return cur, err
	}
	if !a.owns(cur) {
		return cur, errRecordNotOwner
	}
	if !cur.Status.Editable() {
		return cur, domain.Errorf(domain.CodeConflict, "记录%s，不能再修改", cur.Status.Label())
	}
	if cur.Version != version {
		return cur, errRecordStale
	}
	return cur, nil
}

// recordChanged turns an update that matched no row (its version moved
// on) into the stale-version conflict.
func recordChanged(res sql.Result) error {
	ok, err := changedOne(res)
	if err != nil {
		return err
	}
	if !ok {
		return errRecordStale
	}
	return nil
}

// UpdateRecord changes the caller's draft or returned record.
func (s *RecordService) UpdateRecord(ctx context.Context, id int64, in domain.RecordInput) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return domain.Record{}, err
	}
	var out domain.Record
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := editableRecord(ctx, tx, a, id, in.Version)
		if err != nil {
			return err
		}
		if err := s.checkRecordInput(ctx, tx, a, &in, cur.Form); err != nil {
			return err
		}
		subj, err := recordSubjectOf(ctx, tx, a, in)
		if err != nil {
			return err
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE person_id = $1 AND title = $2
			AND start_date = $3 AND status <> 'rejected' AND id <> $4`,
			subj.personID, in.Title, in.StartDate, id).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return errDuplicateRecord
		}
		res, err := tx.ExecContext(ctx, `UPDATE records SET person_id = $1, unit_id = $2, category = $3, form = $4,
			title = $5, organizer = $6, start_date = $7, end_date = $8, year = $9, half_hours = $10, remark = $11,
			version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14`,
			subj.personID, subj.unitID, in.Category, in.Form, in.Title, in.Organizer, in.StartDate, in.EndDate,
			domain.RecordYear(in.EndDate), int(in.Hours), in.Remark, millis(s.db.now()), id, in.Version)
		if classify(err) == uniqueViolation {
			return errDuplicateRecord
		}
		if err != nil {
			return err
		}
		if err := recordChanged(res); err != nil {
			return err
		}
		if err := s.auditRecord(ctx, tx, a, id, "", "", "修改记录"); err != nil {
			return err
		}
		out, err = loadRecord(ctx, tx, a, cur.ID)
		return err
	})
	return out, err
}

// DeleteRecord removes the caller's draft with its attachments. Its
// history stays in the audit trail.
func (s *RecordService) DeleteRecord(ctx context.Context, id int64, version int64) error {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadRecord(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.owns(cur) {
			return errRecordNotOwner
		}
		if cur.Status != domain.RecordDraft {
			return domain.Errorf(domain.CodeConflict, "记录%s，不能删除；只有草稿可以删除", cur.Status.Label())
		}
		if cur.Version != version {
			return errRecordStale
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE owner_type = $1 AND owner_id = $2`,
			domain.EntityRecord, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM records WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return err
		}
		if err := recordChanged(res); err != nil {
			return err
		}
		return s.auditRecord(ctx, tx, a, id, cur.Status, "", "删除记录："+cur.Title)
	})
}

// recordNext applies action to cur through its source's workflow, or explains
// why it may not happen.
func recordNext(cur domain.Record, action string) (domain.RecordStatus, error) {
	m := domain.RecordMachineFor(cur.Source)
	if m == nil {
		return "", domain.Errorf(domain.CodeConflict, "%s的记录已生效，无需办理", cur.Source.Label())
	}
	to, ok := m.Next(cur.Status, action)
	if !ok {
		return "", domain.Errorf(domain.CodeConflict, "记录%s，不能%s", cur.Status.Label(), recordActionLabel(action))
	}
	return to, nil
}

func recordActionLabel(action string) string {
	switch action {
	case domain.ActionConfirm:
		return "确认"
	case domain.ActionSubmit:
		return "送审"
	}
	return "审核"
}

// ConfirmRecord makes the unit's own draft effective: the person now holds
// its hours.
func (s *RecordService) ConfirmRecord(ctx context.Context, id int64, version int64) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit)
	if err != nil {
		return domain.Record{}, err
	}
	var out domain.Record
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadRecord(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Source.Reviewed() {
			return domain.Errorf(domain.CodeConflict, "%s的记录请在“继续教育记录认定”中审核", cur.Source.Label())
		}
		to, err := recordNext(cur, domain.ActionConfirm)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errRecordStale
		}
		now := millis(s.db.now())
		res, err := tx.ExecContext(ctx, `UPDATE records SET status = $1, effective_at = $2, version = version + 1,
			updated_at = $2 WHERE id = $3 AND version = $4`, string(to), now, id, version)
		if err != nil {
			return err
		}
		if err := recordChanged(res); err != nil {
			return err
		}
		if err := s.auditRecord(ctx, tx, a, id, cur.Status, to, "确认"); err != nil {
			return err
		}
		out, err = loadRecord(ctx, tx, a, id)
		return err
	})
	return out, err
}

// SubmitRecord sends a person's or institution's record to the person's
// unit; a returned record goes back with its corrections.
func (s *RecordService) SubmitRecord(ctx context.Context, id int64, version int64) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return domain.Record{}, err
	}
	var out domain.Record
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadRecord(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.owns(cur) {
			return errRecordNotOwner
		}
		to, err := recordNext(cur, domain.ActionSubmit)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errRecordStale
		}
		res, err := tx.ExecContext(ctx, `UPDATE records SET status = $1, review_comment = '', version = version + 1,
			updated_at = $2 WHERE id = $3 AND version = $4`, string(to), millis(s.db.now()), id, version)
		if err != nil {
			return err
		}
		if err := recordChanged(res); err != nil {
			return err
		}
		comment := "送审"
		if cur.Status == domain.RecordReturned {
			comment = "修改后重新送审"
		}
		if err := s.auditRecord(ctx, tx, a, id, cur.Status, to, comment); err != nil {
			return err
		}
		out, err = loadRecord(ctx, tx, a, id)
		return err
	})
	return out, err
}

// review moves a submitted record of the unit's persons by decision; the
// batch and the single review share it. version < 0 skips the version
// check (a batch acts on what is submitted now).
func (s *RecordService) review(ctx context.Context, tx *sql.Tx, a recordActor, cur domain.Record, d domain.RecordDecision, comment string, version int64) error {
	if !cur.Source.Reviewed() {
		return domain.Errorf(domain.CodeConflict, "%s的记录无需认定", cur.Source.Label())
	}
	to, err := recordNext(cur, string(d))
	if err != nil {
		return err
	}
	if version >= 0 && cur.Version != version {
		return errRecordStale
	}
	now := millis(s.db.now())
	var effectiveAt any
	if to == domain.RecordEffective {
		if err := notAfterToday(cur.EndDate, s.db.idToday().Format(domain.DateLayout)); err != nil {
			return err
		}
		effectiveAt = now
	}
	res, err := tx.ExecContext(ctx, `UPDATE records SET status = $1, review_comment = $2, reviewed_by = $3,
		reviewed_at = $4, effective_at = $5, version = version + 1, updated_at = $4
		WHERE id = $6 AND version = $7`,
		string(to), comment, nullable(a.p.User.ID), now, effectiveAt, cur.ID, cur.Version)
	if err != nil {
		return err
	}
	if err := recordChanged(res); err != nil {
		return err
	}
	trail := d.Label()
	if comment != "" {
		trail += "：" + comment
	}
	return s.auditRecord(ctx, tx, a, cur.ID, cur.Status, to, trail)
}

// ReviewRecord is one 审核 of a submitted record.
func (s *RecordService) ReviewRecord(ctx context.Context, id int64, r domain.RecordReview) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit)
	if err != nil {
		return domain.Record{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.Record{}, err
	}
	var out domain.Record
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadRecord(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.review(ctx, tx, a, cur, r.Decision, r.Comment, r.Version); err != nil {
			return err
		}
		out, err = loadRecord(ctx, tx, a, id)
		return err
	})
	return out, err
}

// ApproveRecords is 批量审核: every ticked institution-submitted record
// still awaiting review is approved, in one transaction; the rest are
// reported with the reason.
func (s *RecordService) ApproveRecords(ctx context.Context, b domain.RecordBatchApproval) (domain.RecordBatchSummary, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit)
	if err != nil {
		return domain.RecordBatchSummary{}, err
	}
	if err := b.Validate(); err != nil {
		return domain.RecordBatchSummary{}, err
	}
	var out domain.RecordBatchSummary
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		out = domain.RecordBatchSummary{Approved: []domain.Record{}, Skipped: []domain.Skipped{}}
		seen := map[int64]bool{}
		for _, id := range b.IDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			cur, err := loadRecord(ctx, tx, a, id)
			if domain.ErrorCode(err) == domain.CodeNotFound {
				out.Skipped = append(out.Skipped, domain.Skipped{ID: id, Reason: "记录不存在"})
				continue
			}
			if err != nil {
				return err
			}
			switch {
			case cur.Source != domain.SourceInstitution:
				out.Skipped = append(out.Skipped, domain.Skipped{ID: id, Reason: "只有施教机构提交的记录可以批量审核"})
				continue
			case cur.Status != domain.RecordSubmitted:
				out.Skipped = append(out.Skipped, domain.Skipped{ID: id, Reason: "记录" + cur.Status.Label() + "，无需审核"})
				continue
			}
			if err := s.review(ctx, tx, a, cur, domain.RecordApprove, b.Comment, -1); err != nil {
				return err
			}
			done, err := loadRecord(ctx, tx, a, id)
			if err != nil {
				return err
			}
			out.Approved = append(out.Approved, done)
			s.db.atCrashPoint("record-approval")
		}
		return nil
	})
	return out, err
}

// GetRecord reads one record the caller sees.
func (s *RecordService) GetRecord(ctx context.Context, id int64) (domain.Record, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return domain.Record{}, err
	}
	return loadRecord(ctx, s.db.read, a, id)
}

// recordEscapeLike escapes LIKE's wildcards in operator input.
func recordEscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListRecords pages what the caller sees, filtered: newest first, or the
// review queue (submitted records) oldest first; by keyset when the
// request has a cursor.
func (s *RecordService) ListRecords(ctx context.Context, f domain.RecordFilter) (domain.Page[domain.Record], error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit, domain.RolePerson, domain.RoleInstitution)
	if err != nil {
		return domain.Page[domain.Record]{}, err
	}
	if err := f.Validate(); err != nil {
		return domain.Page[domain.Record]{}, err
	}
	pr := f.PageRequest.Normalize()
	l := recordList(a, f)
	after, err := pr.Key(len(l.key(domain.Record{}))) // 2 parts for the queue, else 1
	if err != nil {
		return domain.Page[domain.Record]{}, err
	}
	out := domain.Page[domain.Record]{Items: []domain.Record{}, Offset: pageOffset(pr)}
	if err := s.db.read.QueryRowContext(ctx, l.countSQL(), l.c.args...).Scan(&out.Total); err != nil {
		return out, mapDBError(err)
	}
	query, args := l.pageSQL(pr, after)
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return out, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, r)
	}
	if err := rows.Err(); err != nil {
		return out, mapDBError(err)
	}
	out.Items, out.Next = keysetNext(out.Items, pr.Limit, l.key)
	if a.p.User.Role != domain.RoleUnit {
		return out, nil // the 失信 mark is for a unit's screens
	}
	return out, markDishonestRows(ctx, s.db, out.Items, recordPerson)
}

// recordListing is the statements of one record list: its conditions
// (only the filters given, so the planner picks the index that serves
// them) and its order, whose sort key is the cursor.
type recordListing struct {
	c       *conditions
	persons bool // a person filter: join the persons
	queue   bool // the review queue: oldest first
}

func recordList(a recordActor, f domain.RecordFilter) recordListing {
	scope, arg := a.scope(1)
	l := recordListing{c: &conditions{where: []string{scope}, args: []any{arg}}}
	if f.Source != "" {
		l.c.add(`r.source = $?`, string(f.Source))
	}
	switch f.Status {
	case "":
	case domain.RecordSubmitted:
		// A literal, so the queue's partial index (00021) applies.
		l.c.add(`r.status = 'submitted'`)
		l.queue = true
	default:
		l.c.add(`r.status = $?`, string(f.Status))
	}
	if f.Category != "" {
		l.c.add(`r.category = $?`, f.Category)
	}
	if f.Year != 0 {
		l.c.add(`r.year = $?`, f.Year)
	}
	if f.From != "" {
		l.c.add(`r.start_date >= $?`, f.From)
	}
	if f.To != "" {
		l.c.add(`r.end_date <= $?`, f.To)
	}
	if f.Person != "" {
		l.c.add(`(p.name LIKE $? ESCAPE '\' OR p.id_number LIKE $? ESCAPE '\')`,
			"%"+recordEscapeLike(f.Person)+"%", recordEscapeLike(strings.ToUpper(f.Person))+"%")
		l.persons = true
	}
	return l
}

// key is a record's sort key in the list's order.
func (l recordListing) key(r domain.Record) []int64 {
	if l.queue {
		return []int64{r.UpdatedAt.UnixMilli(), r.ID}
	}
	return []int64{r.ID}
}

func (l recordListing) countSQL() string {
	from := `SELECT COUNT(*) FROM records r`
	if l.persons {
		from += ` JOIN persons p ON p.id = r.person_id`
	}
	return from + l.c.sql()
}

// pageSQL reads a page (one row more, see keysetNext): after the cursor's
// row when there is one, else at the request's offset.
func (l recordListing) pageSQL(pr domain.PageRequest, after []int64) (string, []any) {
	c, order := l.c, ` ORDER BY r.id DESC`
	if l.queue {
		order = ` ORDER BY r.updated_at, r.id`
	}
	if after != nil {
		pr.Offset = 0
		if l.queue {
			c = c.with(`(r.updated_at, r.id) > ($?, $?)`, after[0], after[1])
		} else {
			c = c.with(`r.id < $?`, after[0])
		}
	}
	pr.Limit++
	limit, args := c.page(pr)
	return recordSelect + c.sql() + order + limit, args
}

// SearchRecordPersons pages the unit's confirmed persons for the picker.
func (s *RecordService) SearchRecordPersons(ctx context.Context, q domain.RecordPersonSearch) (domain.Page[domain.RecordPerson], error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleUnit)
	if err != nil {
		return domain.Page[domain.RecordPerson]{}, err
	}
	page := q.PageRequest.Normalize()
	text := domain.NormalizeInput(q.Query)
	where := ` FROM persons WHERE unit_id = $1 AND status = 'confirmed'
		AND ($2 = '' OR name LIKE $3 ESCAPE '\' OR id_number LIKE $4 ESCAPE '\')`
	args := []any{a.unitID, text, "%" + recordEscapeLike(text) + "%", recordEscapeLike(strings.ToUpper(text)) + "%"}
	out := domain.Page[domain.RecordPerson]{Items: []domain.RecordPerson{}, Offset: page.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&out.Total); err != nil {
		return out, mapDBError(err)
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, name, id_number, title`+where+` ORDER BY name, id LIMIT $5 OFFSET $6`,
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return out, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p domain.RecordPerson
		if err := rows.Scan(&p.ID, &p.Name, &p.IDNumber, &p.Title); err != nil {
			return out, err
		}
		out.Items = append(out.Items, p)
	}
	return out, mapDBError(rows.Err())
}

// rowsQueryer is what both pools and transactions offer for listings.
type rowsQueryer interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sumHours is one person's hours by year, as sumPersonsHours sums them.
func sumHours(ctx context.Context, q rowsQueryer, personID int64, year int) (map[int]*domain.YearHours, error) {
	all, err := sumPersonsHours(ctx, q, []int64{personID}, year)
	if err != nil {
		return nil, err
	}
	return all[personID], nil
}

// sumPersonsHours is the one place hours are summed: each person's
// effective records by year and category, for one year or (year 0) every
// year, each year beside its requirement. Every person given has an
// entry, holding year when one is given. A batch of persons is one query
// (重新统计学时 sums 200 at a time), each year's requirement one more.
func sumPersonsHours(ctx context.Context, q rowsQueryer, personIDs []int64, year int) (map[int64]map[int]*domain.YearHours, error) {
	out := make(map[int64]map[int]*domain.YearHours, len(personIDs))
	if len(personIDs) == 0 {
		return out, nil
	}
	args := []any{year}
	marks := make([]string, len(personIDs))
	for i, id := range personIDs {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
		out[id] = map[int]*domain.YearHours{}
	}
	rows, err := q.QueryContext(ctx, `SELECT person_id, year, category, CAST(SUM(half_hours) AS BIGINT), COUNT(*) FROM records
		WHERE person_id IN (`+strings.Join(marks, ", ")+`) AND status = 'effective' AND ($1 = 0 OR year = $1)
		GROUP BY person_id, year, category`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var personID int64
		var y, halfHours, n int
		var category string
		if err := rows.Scan(&personID, &y, &category, &halfHours, &n); err != nil {
			return nil, err
		}
		years := out[personID]
		if years[y] == nil {
			years[y] = &domain.YearHours{Year: y}
		}
		years[y].Add(category, domain.Hours(halfHours))
		years[y].Records += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	required := map[int]*domain.YearHours{}
	for _, years := range out {
		if year != 0 && years[year] == nil {
			years[year] = &domain.YearHours{Year: year}
		}
		for y, h := range years {
			r := required[y]
			if r == nil {
				r = &domain.YearHours{Year: y}
				if err := requirementOf(ctx, q, r); err != nil {
					return nil, err
				}
				required[y] = r
			}
			h.RequiredTotal, h.RequiredPublic, h.RequiredProfessional = r.RequiredTotal, r.RequiredPublic, r.RequiredProfessional
		}
	}
	return out, nil
}

// requirementOf fills in the year's requirement, the default (SPEC §5.7)
// when the year has no row.
func requirementOf(ctx context.Context, q queryer, y *domain.YearHours) error {
	var total, public, professional int
	err := q.QueryRowContext(ctx, `SELECT total_half_hours, public_min_half_hours, professional_min_half_hours
		FROM requirements WHERE year = $1`, y.Year).Scan(&total, &public, &professional)
	if errors.Is(err, sql.ErrNoRows) {
		total, public, professional = defaultTotalHalfHours, defaultPublicMinHalfHours, defaultProfessionalHalfHours
	} else if err != nil {
		return err
	}
	y.RequiredTotal, y.RequiredPublic, y.RequiredProfessional = domain.Hours(total), domain.Hours(public), domain.Hours(professional)
	return nil
}

// HoursByCategory is a person's hours of one year by category, from
// effective records, with the year's requirement: what certificates and
// 我的学时 show.
func (db *DB) HoursByCategory(ctx context.Context, personID int64, year int) (domain.YearHours, error) {
	years, err := sumHours(ctx, db.read, personID, year)
	if err != nil {
		return domain.YearHours{}, mapDBError(err)
	}
	return *years[year], nil
}

// MyHours is the calling person's hours per year, newest first.
func (s *RecordService) MyHours(ctx context.Context) ([]domain.YearHours, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RolePerson)
	if err != nil {
		return nil, err
	}
	years, err := sumHours(ctx, s.db.read, a.personID, 0)
	if err != nil {
		return nil, mapDBError(err)
	}
	if current := s.db.idToday().Year(); years[current] == nil {
		y := &domain.YearHours{Year: current}
		if err := requirementOf(ctx, s.db.read, y); err != nil {
			return nil, mapDBError(err)
		}
		years[current] = y
	}
	out := make([]domain.YearHours, 0, len(years))
	for _, y := range years {
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year > out[j].Year })
	return out, nil
}
