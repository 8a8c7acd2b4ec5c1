package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// PersonService implements domain.PersonService.
type PersonService struct{ db *DB }

var _ domain.PersonService = (*PersonService)(nil)

// NewPersonService returns the persons service.
func NewPersonService(db *DB) *PersonService { return &PersonService{db: db} }

// Messages of the persons module.
const (
	msgPersonnelStale   = "数据已被他人修改，请刷新后重试"
	msgPersonNotFound   = "人员不存在"
	msgNoOwnRecord      = "未找到您的人员信息"
	msgUnitNotClaimable = "单位不存在或尚未通过审核"
	msgNotPendingHere   = "不是本单位待确认的人员"
	msgNotPending       = "该人员不是待确认状态"
	msgConfirmFirst     = "该人员尚未确认，请先在“专业技术人员信息确认”中确认"
)

var (
	errPersonnelStale = domain.Errorf(domain.CodeConflict, msgPersonnelStale)
	idNumberTaken     = uniqueKey{table: "persons", column: "id_number", field: "id_number", msg: "该身份证号已登记"}
)

// idToday is the date in China as UTC midnight, the form ParseIDNumber
// compares birth dates with: someone born today in China is valid even
// while it is still yesterday in UTC.
func (db *DB) idToday() time.Time {
	y, m, d := db.now().In(domain.ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// personSelect reads a person with the name of its unit.
const personSelect = `SELECT p.id, p.id_number, p.name, p.gender, p.birth_date, p.ethnicity, p.education,
	p.degree, p.specialty, p.title, p.title_level, p.post, p.mobile, p.email,
	COALESCE(p.unit_id, 0), COALESCE(n.name, ''), p.status, p.user_id IS NOT NULL, p.version,
	p.created_at, p.updated_at
	FROM persons p LEFT JOIN units n ON n.id = p.unit_id`

// personRowScanner is a *sql.Row or *sql.Rows.
type personRowScanner interface{ Scan(dest ...any) error }

func scanPerson(r personRowScanner) (domain.Person, error) {
	var p domain.Person
	var status string
	var created, updated int64
	err := r.Scan(&p.ID, &p.IDNumber, &p.Name, &p.Gender, &p.BirthDate, &p.Ethnicity, &p.Education,
		&p.Degree, &p.Specialty, &p.Title, &p.TitleLevel, &p.Post, &p.Mobile, &p.Email,
		&p.UnitID, &p.UnitName, &status, &p.HasAccount, &p.Version, &created, &updated)
	p.Status, p.CreatedAt, p.UpdatedAt = domain.Affiliation(status), fromMillis(created), fromMillis(updated)
	return p, err
}

// loadPerson reads person id, or answers not_found with msg.
func loadPerson(ctx context.Context, q queryer, id int64, msg string) (domain.Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, personSelect+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Person{}, domain.Errorf(domain.CodeNotFound, "%s", msg)
	}
	return p, mapDBError(err)
}

// personCaller admits a person account with its own record.
func personCaller(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Principal{}, err
	}
	if p.User.Role != domain.RolePerson {
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "只有专业技术人员可以执行此操作")
	}
	if p.User.PersonID == 0 {
		return domain.Principal{}, domain.Errorf(domain.CodeNotFound, msgNoOwnRecord)
	}
	return p, nil
}

// personnelUnit admits a unit whose role application is approved; the unit
// id it carries scopes every read and write.
func personnelUnit(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Principal{}, err
	}
	if p.User.Role != domain.RoleUnit {
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "只有法人单位可以执行此操作")
	}
	if !p.User.UnitActive() {
		return domain.Principal{}, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return p, nil
}

// personnelContains and personnelPrefix build LIKE patterns (with ESCAPE '\')
// that match s literally.
func personnelContains(s string) string { return "%" + personnelEscapeLike(s) + "%" }

func personnelPrefix(s string) string { return personnelEscapeLike(s) + "%" }

func personnelEscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// RegisterPerson creates a person and its login, named by the ID number.
func (s *PersonService) RegisterPerson(ctx context.Context, r domain.PersonRegistration) error {
	info, err := r.Validate(s.db.idToday())
	if err != nil {
		return err
	}
	hash := secret.HashPassword(r.Password)
	now := s.db.now()
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		var userID sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM persons WHERE id_number = $1`, r.IDNumber).Scan(&userID)
		switch {
		case err == nil && userID.Valid:
			return idNumberConflict("该身份证号已注册，请直接登录")
		case err == nil:
			return idNumberConflict("该身份证号已由单位登记，请联系所在单位为您开通登录账号")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		taken, err := usernameExists(ctx, tx, r.IDNumber)
		if err != nil {
			return err
		}
		if taken {
			return idNumberConflict("该身份证号已注册，请直接登录")
		}
		uid, err := insertUser(ctx, tx, domain.User{
			Username: r.IDNumber, Role: domain.RolePerson, DisplayName: r.Name, MustChangePassword: true,
		}, hash, 0, now)
		if err != nil {
			return asIDNumberError(err)
		}
		var personID int64
		err = tx.QueryRowContext(ctx, `INSERT INTO persons (id_number, name, gender, birth_date, mobile, status,
			user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			r.IDNumber, r.Name, info.Gender, info.Birth.Format(domain.DateLayout), r.Mobile,
			string(domain.AffiliationNone), uid, millis(now)).Scan(&personID)
		if err != nil {
			return mapDBError(err, idNumberTaken)
		}
		return insertAudit(ctx, tx, domain.AuditEntry{
			EntityType: domain.EntityPerson, EntityID: personID,
			ActorUserID: uid, ActorName: r.Name, ActorRole: domain.RolePerson,
			At: now, To: string(domain.AffiliationNone), Comment: "个人注册",
		})
	})
}

func idNumberConflict(msg string) error {
	return &domain.Error{Code: domain.CodeConflict, Message: msg, Fields: map[string]string{"id_number": msg}}
}

// asIDNumberError moves a taken-username error to the ID number field,
// which is the username of a person.
func asIDNumberError(err error) error {
	if msg, ok := domain.FieldErrorsOf(err)[usernameTaken.field]; ok {
		return idNumberConflict(msg)
	}
	return err
}

// MyPerson returns the caller's own record.
func (s *PersonService) MyPerson(ctx context.Context) (domain.Person, error) {
	p, err := personCaller(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	return loadPerson(ctx, s.db.read, p.User.PersonID, msgNoOwnRecord)
}

// UpdateMyContact changes the caller's mobile and e-mail.
func (s *PersonService) UpdateMyContact(ctx context.Context, c domain.ContactUpdate) (domain.Person, error) {
	p, err := personCaller(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	if err := c.Validate(); err != nil {
		return domain.Person{}, err
	}
	now := s.db.now()
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE persons SET mobile = $1, email = $2, version = version + 1, updated_at = $3
			WHERE id = $4 AND version = $5`, c.Mobile, c.Email, millis(now), p.User.PersonID, c.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPerson, p.User.PersonID)
		e.Comment = "修改联系方式"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPerson(ctx, tx, p.User.PersonID, msgNoOwnRecord)
		return err
	})
	return out, err
}

// SearchUnits lists approved units whose name contains the query or
// whose USCC starts with it.
func (s *PersonService) SearchUnits(ctx context.Context, q domain.UnitSearch) (domain.Page[domain.UnitBrief], error) {
	if _, err := personCaller(ctx); err != nil {
		return domain.Page[domain.UnitBrief]{}, err
	}
	pr := q.PageRequest.Normalize()
	text := strings.TrimSpace(q.Query)
	where := `WHERE n.status = 'approved' AND (n.name LIKE $1 ESCAPE '\' OR n.uscc LIKE $2 ESCAPE '\')`
	args := []any{personnelContains(text), personnelPrefix(domain.NormalizeUSCC(text))}
	page := domain.Page[domain.UnitBrief]{Items: []domain.UnitBrief{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM units n `+where, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT n.id, n.name, n.uscc, COALESCE(n.region_code, ''), COALESCE(r.name, '')
		FROM units n LEFT JOIN regions r ON r.code = n.region_code `+where+` ORDER BY n.id LIMIT $3 OFFSET $4`,
		append(args, pr.Limit, pr.Offset)...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u domain.UnitBrief
		if err := rows.Scan(&u.ID, &u.Name, &u.USCC, &u.RegionCode, &u.RegionName); err != nil {
			return page, err
		}
		page.Items = append(page.Items, u)
	}
	return page, mapDBError(rows.Err())
}

// ClaimUnit makes the caller's affiliation pending at an approved unit.
func (s *PersonService) ClaimUnit(ctx context.Context, c domain.Claim) (domain.Person, error) {
	p, err := personCaller(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	now := s.db.now()
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		var unitName string
		err := tx.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1 AND status = 'approved'`, c.UnitID).Scan(&unitName)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.CodeNotFound, msgUnitNotClaimable)
		}
		if err != nil {
			return err
		}
		e, err := s.checkOwnMove(ctx, tx, p, c.Version, domain.ActionClaim)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET unit_id = $1, claimed_at = $2, status = $3,
			version = version + 1, updated_at = $2 WHERE id = $4 AND version = $5`,
			c.UnitID, millis(now), e.To, p.User.PersonID, c.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e.Comment = "申请加入单位：" + unitName
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPerson(ctx, tx, p.User.PersonID, msgNoOwnRecord)
		return err
	})
	return out, err
}

// WithdrawClaim releases the caller's pending claim.
func (s *PersonService) WithdrawClaim(ctx context.Context, w domain.Withdrawal) (domain.Person, error) {
	p, err := personCaller(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	now := s.db.now()
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		e, err := s.checkOwnMove(ctx, tx, p, w.Version, domain.ActionWithdraw)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET unit_id = NULL, claimed_at = NULL, status = $1,
			version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			e.To, millis(now), p.User.PersonID, w.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e.Comment = "撤回加入单位申请"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPerson(ctx, tx, p.User.PersonID, msgNoOwnRecord)
		return err
	})
	return out, err
}

// checkOwnMove checks that action may move the caller's affiliation and
// that version is the one stored, and returns the audit entry of the move.
func (s *PersonService) checkOwnMove(ctx context.Context, tx *sql.Tx, p domain.Principal, version int64, action string) (domain.AuditEntry, error) {
	var status string
	var current int64
	err := tx.QueryRowContext(ctx, `SELECT status, version FROM persons WHERE id = $1`, p.User.PersonID).Scan(&status, &current)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.AuditEntry{}, domain.Errorf(domain.CodeNotFound, msgNoOwnRecord)
	}
	if err != nil {
		return domain.AuditEntry{}, err
	}
	from := domain.Affiliation(status)
	to, ok := domain.AffiliationMachine.Next(from, action)
	if !ok {
		return domain.AuditEntry{}, ownRefusal(from, action)
	}
	if current != version {
		return domain.AuditEntry{}, errPersonnelStale
	}
	e := s.db.auditBy(p, domain.EntityPerson, p.User.PersonID)
	e.From, e.To = string(from), string(to)
	return e, nil
}

// personnelChanged turns an update that matched no row into a stale-version
// conflict.
func personnelChanged(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	ok, err := changedOne(res)
	if err == nil && !ok {
		return errPersonnelStale
	}
	return err
}

// ownRefusal explains why a person cannot claim or withdraw now.
func ownRefusal(from domain.Affiliation, action string) error {
	switch {
	case action == domain.ActionClaim && from == domain.AffiliationPending:
		return domain.Errorf(domain.CodeConflict, "您已申请加入一个单位，请等待单位确认，或撤回申请后再选择其他单位")
	case action == domain.ActionClaim && from == domain.AffiliationConfirmed:
		return domain.Errorf(domain.CodeConflict, "您已是单位确认的人员，不能再申请加入其他单位")
	}
	return domain.Errorf(domain.CodeConflict, "没有待确认的加入单位申请")
}

// ListPersons pages the unit's persons, newest first; by keyset on id
// when the request has a cursor.
func (s *PersonService) ListPersons(ctx context.Context, f domain.PersonFilter) (domain.Page[domain.Person], error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Page[domain.Person]{}, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return domain.Page[domain.Person]{}, (domain.Fields{"status": "状态无效"}).Err()
	}
	pr := f.PageRequest.Normalize()
	after, err := pr.Key(1)
	if err != nil {
		return domain.Page[domain.Person]{}, err
	}
	cond, args := personListFilter(p.User.UnitID, f)
	page := domain.Page[domain.Person]{Items: []domain.Person{}, Offset: pageOffset(pr)}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons p`+cond, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	query, args := personPageSQL(cond, args, pr, after)
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		person, err := scanPerson(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, person)
	}
	if err := rows.Err(); err != nil {
		return page, mapDBError(err)
	}
	page.Items, page.Next = keysetNext(page.Items, pr.Limit, func(p domain.Person) []int64 { return []int64{p.ID} })
	return page, s.db.markDishonest(ctx, page.Items)
}

// personListFilter is the WHERE clause of a unit's person list and its
// arguments; unit_id leads every condition, so each filter runs on the
// unit's own index range.
func personListFilter(unitID int64, f domain.PersonFilter) (string, []any) {
	where, args := []string{"p.unit_id = $1"}, []any{unitID}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if name := strings.TrimSpace(f.Name); name != "" {
		add(`p.name LIKE $? ESCAPE '\'`, personnelContains(name))
	}
	// A whole ID number is one index lookup; a part is a prefix.
	switch id := domain.NormalizeIDNumber(f.IDNumber); {
	case len(id) == 18:
		add(`p.id_number = $?`, id)
	case id != "":
		add(`p.id_number LIKE $? ESCAPE '\'`, personnelPrefix(id))
	}
	if title := strings.TrimSpace(f.Title); title != "" {
		add(`p.title LIKE $? ESCAPE '\'`, personnelContains(title))
	}
	if f.Status != "" {
		add(`p.status = $?`, string(f.Status))
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// personPageSQL selects one page under cond and its arguments: after the
// row whose id is after[0] when there is a cursor (the unit's index range
// from that id down), else at the request's offset. It reads one row
// more than the page, to tell whether another follows.
func personPageSQL(cond string, args []any, pr domain.PageRequest, after []int64) (string, []any) {
	args = append([]any(nil), args...)
	offset := pr.Offset
	if after != nil {
		args = append(args, after[0])
		cond += ` AND p.id < $` + strconv.Itoa(len(args))
		offset = 0
	}
	n := len(args)
	return personSelect + cond + ` ORDER BY p.id DESC LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2),
		append(args, pr.Limit+1, offset)
}

// GetPerson reads one of the unit's persons.
func (s *PersonService) GetPerson(ctx context.Context, id int64) (domain.Person, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	return s.unitPerson(ctx, s.db.read, p.User.UnitID, id)
}

// unitPerson reads person id if it points at unit; any other id is
// not_found, whoever it belongs to.
func (s *PersonService) unitPerson(ctx context.Context, q queryer, unitID, id int64) (domain.Person, error) {
	person, err := scanPerson(q.QueryRowContext(ctx, personSelect+` WHERE p.id = $1 AND p.unit_id = $2`, id, unitID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Person{}, domain.Errorf(domain.CodeNotFound, msgPersonNotFound)
	}
	return person, mapDBError(err)
}

// checkCodes reports dictionary codes the dictionaries do not hold, or
// disabled ones cur (the stored person; zero when adding) does not hold.
func (s *PersonService) checkCodes(ctx context.Context, q queryer, in domain.PersonInput, cur domain.Person) error {
	f := domain.Fields{}
	for _, c := range []struct{ kind, code, stored, field, msg string }{
		{domain.DictEducation, in.Education, cur.Education, "education", "请选择有效的学历"},
		{domain.DictTitleLevel, in.TitleLevel, cur.TitleLevel, "title_level", "请选择有效的职称级别"},
	} {
		msg, err := checkDictItem(ctx, q, c.kind, c.code, c.stored, c.msg)
		if err != nil {
			return err
		}
		f.Add(c.field, msg)
	}
	return f.Err()
}

// AddPerson stores a confirmed member of the caller's unit, with a login
// when asked for one.
func (s *PersonService) AddPerson(ctx context.Context, in domain.PersonInput) (domain.Person, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	info, err := in.Validate(s.db.idToday())
	if err != nil {
		return domain.Person{}, err
	}
	var hash string
	if in.CreateAccount {
		hash = secret.HashPassword(in.Password)
	}
	now := s.db.now()
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkCodes(ctx, tx, in, domain.Person{}); err != nil {
			return err
		}
		adopted, err := s.adoptSelfRegistered(ctx, tx, p, in, info, hash, now)
		if err != nil || adopted.ID != 0 {
			out = adopted
			return err
		}
		if err := refuseExisting(ctx, tx, p.User.UnitID, in.IDNumber); err != nil {
			return err
		}
		var userID int64
		if in.CreateAccount {
			taken, err := usernameExists(ctx, tx, in.IDNumber)
			if err != nil {
				return err
			}
			if taken {
				return idNumberConflict("该身份证号已有登录账号")
			}
			if userID, err = insertUser(ctx, tx, domain.User{Username: in.IDNumber, Role: domain.RolePerson,
				DisplayName: in.Name, MustChangePassword: true}, hash, 0, now); err != nil {
				return asIDNumberError(err)
			}
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO persons (id_number, name, gender, birth_date, ethnicity, education,
			degree, specialty, title, title_level, post, mobile, email, unit_id, status, user_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			in.IDNumber, in.Name, info.Gender, info.Birth.Format(domain.DateLayout), in.Ethnicity, in.Education,
			in.Degree, in.Specialty, in.Title, in.TitleLevel, in.Post, in.Mobile, in.Email,
			p.User.UnitID, string(domain.AffiliationConfirmed), nullable(userID), millis(now)).Scan(&id)
		if err != nil {
			return mapDBError(err, idNumberTaken)
		}
		e := s.db.auditBy(p, domain.EntityPerson, id)
		e.To, e.Comment = string(domain.AffiliationConfirmed), "单位新增人员"
		if in.CreateAccount {
			e.Comment += "，开通登录账号"
		}
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPerson(ctx, tx, id, msgPersonNotFound)
		return err
	})
	return out, err
}

// adoptSelfRegistered resolves the unit adding an ID number that a
// self-registered account, in no unit, holds. Such an account is
// unverified: anyone can register any ID number under any name, so it
// never blocks the employer. If the names agree the person registered
// themselves and simply joins the unit, login kept; if they differ the
// account is a squatter's, and the unit's record wins: the account is
// voided (login renamed away and unusable, sessions ended), audited with
// the name it used, and the ID number is free for the real person's
// login. A person in a unit, or claiming one, is never moved this way
// (refuseExisting). It returns the zero Person when there is nothing to
// adopt.
func (s *PersonService) adoptSelfRegistered(ctx context.Context, tx *sql.Tx, p domain.Principal, in domain.PersonInput,
	info domain.IDInfo, hash string, now time.Time) (domain.Person, error) {
	var id int64
	var name, status string
	var userID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, name, status, user_id FROM persons WHERE id_number = $1`,
		in.IDNumber).Scan(&id, &name, &status, &userID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && status != string(domain.AffiliationNone) {
		return domain.Person{}, nil
	}
	if err != nil {
		return domain.Person{}, err
	}
	squatted := userID.Valid && name != in.Name
	var notice, comment string
	switch {
	case squatted:
		if err := voidAccount(ctx, tx, userID.Int64); err != nil {
			return domain.Person{}, err
		}
		userID = sql.NullInt64{}
		notice = "该身份证号曾被他人以“" + name + "”自行注册，该账号与单位登记不符，已停用（已记录）"
		comment = "单位新增人员；自行注册账号姓名（" + name + "）与单位登记不符，账号已停用"
	case userID.Valid:
		notice = "该人员此前已自行注册，姓名一致，已并入本单位，原登录账号保留"
		comment = "单位新增人员；本人已自行注册，姓名一致，账号保留"
	default:
		comment = "单位新增人员"
	}
	if in.CreateAccount && !userID.Valid {
		uid, err := insertUser(ctx, tx, domain.User{Username: in.IDNumber, Role: domain.RolePerson,
			DisplayName: in.Name, MustChangePassword: true}, hash, 0, now)
		if err != nil {
			return domain.Person{}, asIDNumberError(err)
		}
		userID = sql.NullInt64{Int64: uid, Valid: true}
		comment += "，开通登录账号"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET name = $1, gender = $2, birth_date = $3, ethnicity = $4,
		education = $5, degree = $6, specialty = $7, title = $8, title_level = $9, post = $10, mobile = $11,
		email = $12, unit_id = $13, status = $14, user_id = $15, version = version + 1, updated_at = $16
		WHERE id = $17`, in.Name, info.Gender, info.Birth.Format(domain.DateLayout), in.Ethnicity, in.Education,
		in.Degree, in.Specialty, in.Title, in.TitleLevel, in.Post, in.Mobile, in.Email, p.User.UnitID,
		string(domain.AffiliationConfirmed), userID, millis(now), id); err != nil {
		return domain.Person{}, err
	}
	e := s.db.auditBy(p, domain.EntityPerson, id)
	e.From, e.To, e.Comment = string(domain.AffiliationNone), string(domain.AffiliationConfirmed), comment
	if err := insertAudit(ctx, tx, e); err != nil {
		return domain.Person{}, err
	}
	out, err := loadPerson(ctx, tx, id, msgPersonNotFound)
	out.Notice = notice
	return out, err
}

// voidAccount makes a squatter's login unusable: renamed out of the ID
// number's way, a password no hash matches, its sessions ended.
func voidAccount(ctx context.Context, tx *sql.Tx, userID int64) error {
	voided := "voided-" + strconv.FormatInt(userID, 10)
	if _, err := tx.ExecContext(ctx, `UPDATE users SET username = $1, username_key = $1, password_hash = '!'
		WHERE id = $2`, voided, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// refuseExisting explains why an ID number already on record in a unit
// cannot be added by unit: a person never moves between units silently.
func refuseExisting(ctx context.Context, q queryer, unitID int64, idNumber string) error {
	var owner int64
	var status string
	err := q.QueryRowContext(ctx, `SELECT COALESCE(unit_id, 0), status FROM persons WHERE id_number = $1`, idNumber).Scan(&owner, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case owner == unitID && status == string(domain.AffiliationPending):
		return idNumberConflict("该人员已申请加入本单位，请在“专业技术人员信息确认”中确认")
	case owner == unitID:
		return idNumberConflict("本单位已有该人员，请勿重复添加")
	}
	// A person in no unit was adopted before this (adoptSelfRegistered).
	return idNumberConflict("该身份证号已属于其他单位，不能添加")
}

// UpdatePerson changes a confirmed member of the caller's unit.
func (s *PersonService) UpdatePerson(ctx context.Context, id int64, in domain.PersonInput) (domain.Person, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	current, err := s.unitPerson(ctx, s.db.read, p.User.UnitID, id)
	if err != nil {
		return domain.Person{}, err
	}
	if _, err := in.Validate(s.db.idToday()); err != nil {
		return domain.Person{}, err
	}
	if in.IDNumber != current.IDNumber {
		return domain.Person{}, (domain.Fields{"id_number": "身份证号不可修改"}).Err()
	}
	var hash string
	if in.CreateAccount && !current.HasAccount {
		hash = secret.HashPassword(in.Password)
	}
	now := s.db.now()
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.unitPerson(ctx, tx, p.User.UnitID, id)
		if err != nil {
			return err
		}
		if cur.Status != domain.AffiliationConfirmed {
			return domain.Errorf(domain.CodeConflict, msgConfirmFirst)
		}
		if cur.Version != in.Version {
			return errPersonnelStale
		}
		if err := s.checkCodes(ctx, tx, in, cur); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET name = $1, ethnicity = $2, education = $3, degree = $4,
			specialty = $5, title = $6, title_level = $7, post = $8, mobile = $9, email = $10,
			version = version + 1, updated_at = $11 WHERE id = $12 AND unit_id = $13 AND version = $14`,
			in.Name, in.Ethnicity, in.Education, in.Degree, in.Specialty, in.Title, in.TitleLevel, in.Post,
			in.Mobile, in.Email, millis(now), id, p.User.UnitID, in.Version)
		if err := personnelChanged(res, err); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityPerson, id)
		e.Comment = "修改人员信息"
		if err := s.syncAccount(ctx, tx, cur, in, hash, now); err != nil {
			return err
		}
		if hash != "" {
			e.Comment += "，开通登录账号"
		}
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadPerson(ctx, tx, id, msgPersonNotFound)
		return err
	})
	return out, err
}

// syncAccount keeps the login's display name with the person's name, or
// makes the login when hash is set.
func (s *PersonService) syncAccount(ctx context.Context, tx *sql.Tx, cur domain.Person, in domain.PersonInput, hash string, now time.Time) error {
	if cur.HasAccount {
		_, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1
			WHERE id = (SELECT user_id FROM persons WHERE id = $2)`, in.Name, cur.ID)
		return err
	}
	if hash == "" {
		return nil
	}
	taken, err := usernameExists(ctx, tx, cur.IDNumber)
	if err != nil {
		return err
	}
	if taken {
		return idNumberConflict("该身份证号已有登录账号")
	}
	uid, err := insertUser(ctx, tx, domain.User{Username: cur.IDNumber, Role: domain.RolePerson,
		DisplayName: in.Name, MustChangePassword: true}, hash, 0, now)
	if err != nil {
		return asIDNumberError(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE persons SET user_id = $1 WHERE id = $2`, uid, cur.ID)
	return err
}

// DecideAffiliation answers one claim; unlike a batch, a claim that is not
// pending here is an error.
func (s *PersonService) DecideAffiliation(ctx context.Context, id int64, d domain.AffiliationDecision) (domain.Person, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.Person{}, err
	}
	action, ok := d.Decision.Action()
	if !ok {
		return domain.Person{}, (domain.Fields{"decision": "请选择“是”或“否”"}).Err()
	}
	var out domain.Person
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		changed, refusal, err := s.decide(ctx, tx, p, id, action)
		if err != nil {
			return err
		}
		if refusal != nil {
			return refusal
		}
		out = changed
		return nil
	})
	return out, err
}

// DecideAffiliations answers many claims in one transaction.
func (s *PersonService) DecideAffiliations(ctx context.Context, b domain.AffiliationBatch) (domain.AffiliationSummary, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.AffiliationSummary{}, err
	}
	if err := b.Validate(); err != nil {
		return domain.AffiliationSummary{}, err
	}
	action, _ := b.Decision.Action()
	sum := domain.AffiliationSummary{Decision: b.Decision, Changed: []domain.Person{}, Skipped: []domain.Skipped{}}
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		seen := map[int64]bool{}
		for _, id := range b.IDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			changed, refusal, err := s.decide(ctx, tx, p, id, action)
			if err != nil {
				return err
			}
			if refusal != nil {
				sum.Skipped = append(sum.Skipped, domain.Skipped{ID: id, Reason: domain.ErrorMessage(refusal)})
				continue
			}
			sum.Changed = append(sum.Changed, changed)
		}
		return nil
	})
	if err != nil {
		return domain.AffiliationSummary{}, err
	}
	return sum, nil
}

// decide moves one pending claim on the caller's unit. A claim it may not
// move comes back as refusal (not_found outside the unit, conflict when not
// pending); err is a failure that must roll the transaction back.
func (s *PersonService) decide(ctx context.Context, tx *sql.Tx, p domain.Principal, id int64, action string) (changed domain.Person, refusal, err error) {
	cur, err := s.unitPerson(ctx, tx, p.User.UnitID, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Person{}, domain.Errorf(domain.CodeNotFound, msgNotPendingHere), nil
	}
	if err != nil {
		return domain.Person{}, nil, err
	}
	to, ok := domain.AffiliationMachine.Next(cur.Status, action)
	if !ok {
		return domain.Person{}, domain.Errorf(domain.CodeConflict, msgNotPending), nil
	}
	now := s.db.now()
	release, comment := "", "单位确认：属于本单位"
	if to == domain.AffiliationNone {
		release, comment = ", unit_id = NULL, claimed_at = NULL", "单位确认：不属于本单位，申请已退回"
	}
	res, err := tx.ExecContext(ctx, `UPDATE persons SET status = $1, version = version + 1, updated_at = $2`+release+`
		WHERE id = $3 AND unit_id = $4 AND status = $5`,
		string(to), millis(now), id, p.User.UnitID, string(cur.Status))
	if err := personnelChanged(res, err); err != nil {
		return domain.Person{}, nil, err
	}
	e := s.db.auditBy(p, domain.EntityPerson, id)
	e.From, e.To, e.Comment = string(cur.Status), string(to), comment
	if err := insertAudit(ctx, tx, e); err != nil {
		return domain.Person{}, nil, err
	}
	changed, err = loadPerson(ctx, tx, id, msgPersonNotFound)
	return changed, nil, err
}
