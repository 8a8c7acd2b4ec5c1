package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// CreditService implements domain.CreditService: 失信信息录入 and
// 单位失信信息查看 for units, 单位失信信息录入 for authorities.
type CreditService struct{ db *DB }

var _ domain.CreditService = (*CreditService)(nil)

// NewCreditService returns the credit service.
func NewCreditService(db *DB) *CreditService { return &CreditService{db: db} }

func init() {
	registerEntity(domain.EntityCredit, entityAccess{check: creditAccess})
}

var (
	errCreditNotFound = domain.Errorf(domain.CodeNotFound, "失信信息不存在")
	errCreditStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	errCreditReadOnly = domain.Errorf(domain.CodeForbidden, "单位失信信息由主管部门录入，单位只能查看")
	errCreditOthers   = domain.Errorf(domain.CodeForbidden, "只能修改本部门录入的失信信息")
)

// creditToday is today's date on the calendar validity periods use.
func (db *DB) creditToday() string {
	return db.now().In(domain.ChinaTime).Format(domain.DateLayout)
}

// creditCaller admits an approved unit or an authority with a region.
func creditCaller(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	switch {
	case p.User.Role == domain.RoleUnit && !p.User.UnitActive():
		return p, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	case p.User.Role == domain.RoleUnit:
		return p, nil
	case p.User.Role == domain.RoleAuthority && p.User.RegionCode != "":
		return p, nil
	}
	return p, domain.Errorf(domain.CodeForbidden, "只有法人单位或人社主管部门可以管理失信信息")
}

// creditSelect reads an entry with the names it refers to.
const creditSelect = `SELECT c.id, c.subject_type, COALESCE(c.person_id, 0), COALESCE(p.name, ''), COALESCE(p.id_number, ''),
	c.unit_id, u.name, COALESCE(c.recorded_by_authority_id, 0), COALESCE(a.name, ru.name, ''),
	c.type, COALESCE(d.label, c.type), c.description, c.occurred_date, c.handling, c.valid_from,
	COALESCE(c.valid_to, ''), c.document_number, c.version, c.created_at, c.updated_at
	FROM credit_records c
	JOIN units u ON u.id = c.unit_id
	LEFT JOIN persons p ON p.id = c.person_id
	LEFT JOIN authorities a ON a.id = c.recorded_by_authority_id
	LEFT JOIN units ru ON ru.id = c.recorded_by_unit_id
	LEFT JOIN dict_items d ON d.kind = 'dishonesty_type' AND d.code = c.type`

func scanCredit(r interface{ Scan(...any) error }, today string) (domain.CreditRecord, error) {
	var c domain.CreditRecord
	var subject string
	var created, updated int64
	err := r.Scan(&c.ID, &subject, &c.PersonID, &c.PersonName, &c.PersonIDNumber,
		&c.UnitID, &c.UnitName, &c.AuthorityID, &c.RecorderName,
		&c.Type, &c.TypeLabel, &c.Description, &c.OccurredDate, &c.Handling, &c.ValidFrom,
		&c.ValidTo, &c.DocumentNumber, &c.Version, &created, &updated)
	c.Subject, c.CreatedAt, c.UpdatedAt = domain.CreditSubject(subject), fromMillis(created), fromMillis(updated)
	c.Active = domain.ActiveOn(c.ValidFrom, c.ValidTo, today)
	return c, err
}

// creditScope limits entries to what p may read: for a unit everything
// concerning it (its persons' entries and the entries about itself), for
// an authority the unit entries of its region subtree.
func creditScope(p domain.Principal) *conditions {
	c := &conditions{}
	if p.User.Role == domain.RoleUnit {
		c.add(`c.unit_id = $?`, p.User.UnitID)
		return c
	}
	c.add(`c.subject_type = 'unit'`)
	c.add(`u.region_code LIKE $?`, domain.ScopePrefix(p.User.RegionCode)+"%")
	return c
}

// loadCredit reads entry id if p may read it.
func (db *DB) loadCredit(ctx context.Context, q queryer, p domain.Principal, id int64) (domain.CreditRecord, error) {
	c := creditScope(p).with(`c.id = $?`, id)
	out, err := scanCredit(q.QueryRowContext(ctx, creditSelect+c.sql(), c.args...), db.creditToday())
	if errors.Is(err, sql.ErrNoRows) {
		return out, errCreditNotFound
	}
	return out, mapDBError(err)
}

// creditWritable refuses a change p may see but not make: a unit cannot
// touch entries authorities made about it, an authority only its own.
func creditWritable(p domain.Principal, c domain.CreditRecord) error {
	switch {
	case p.User.Role == domain.RoleUnit && c.Subject != domain.CreditPerson:
		return errCreditReadOnly
	case p.User.Role == domain.RoleAuthority && c.AuthorityID != p.User.AuthorityID:
		return errCreditOthers
	}
	return nil
}

// creditAccess guards an entry's attachments and history: whoever may read
// the entry sees them, whoever may change it changes them.
func creditAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	if p.User.Role != domain.RoleUnit && (p.User.Role != domain.RoleAuthority || p.User.RegionCode == "") {
		return errCreditNotFound
	}
	c := creditScope(p).with(`c.id = $?`, id)
	var subject string
	var authorityID int64
	err := q.QueryRowContext(ctx, `SELECT c.subject_type, COALESCE(c.recorded_by_authority_id, 0)
		FROM credit_records c JOIN units u ON u.id = c.unit_id`+c.sql(), c.args...).Scan(&subject, &authorityID)
	if errors.Is(err, sql.ErrNoRows) {
		return errCreditNotFound
	}
	if err != nil {
		return mapDBError(err)
	}
	if !write {
		return nil
	}
	return creditWritable(p, domain.CreditRecord{Subject: domain.CreditSubject(subject), AuthorityID: authorityID})
}

// ListCredit pages the entries the caller keeps, newest first.
func (s *CreditService) ListCredit(ctx context.Context, f domain.CreditFilter) (domain.Page[domain.CreditRecord], error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.Page[domain.CreditRecord]{}, err
	}
	c := creditScope(p)
	if p.User.Role == domain.RoleUnit {
		c.add(`c.subject_type = 'person'`)
	}
	return s.list(ctx, c, f)
}

// ListUnitCredit pages the entries authorities made about the calling unit.
func (s *CreditService) ListUnitCredit(ctx context.Context, f domain.CreditFilter) (domain.Page[domain.CreditRecord], error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.Page[domain.CreditRecord]{}, err
	}
	if p.User.Role != domain.RoleUnit {
		return domain.Page[domain.CreditRecord]{}, domain.Errorf(domain.CodeForbidden, "只有法人单位可以查看本单位失信信息")
	}
	c := &conditions{}
	c.add(`c.unit_id = $?`, p.User.UnitID)
	c.add(`c.subject_type = 'unit'`)
	return s.list(ctx, c, f)
}

// list pages entries under c and f's filters.
func (s *CreditService) list(ctx context.Context, c *conditions, f domain.CreditFilter) (domain.Page[domain.CreditRecord], error) {
	pr := f.PageRequest.Normalize()
	today := s.db.creditToday()
	if name := domain.NormalizeInput(f.Name); name != "" {
		c.add(`(p.name LIKE $? ESCAPE '\' OR (c.subject_type = 'unit' AND u.name LIKE $? ESCAPE '\'))`,
			likeContains(name), likeContains(name))
	}
	if f.Type != "" {
		c.add(`c.type = $?`, f.Type)
	}
	if f.ActiveOnly {
		c.add(`c.valid_from <= $? AND (c.valid_to IS NULL OR c.valid_to >= $?)`, today, today)
	}
	page := domain.Page[domain.CreditRecord]{Items: []domain.CreditRecord{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM credit_records c JOIN units u ON u.id = c.unit_id
		LEFT JOIN persons p ON p.id = c.person_id`+c.sql(), c.args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	limit, args := c.page(pr)
	rows, err := s.db.read.QueryContext(ctx, creditSelect+c.sql()+` ORDER BY c.id DESC`+limit, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanCredit(rows, today)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, r)
	}
	return page, mapDBError(rows.Err())
}

// GetCredit reads one entry the caller may see.
func (s *CreditService) GetCredit(ctx context.Context, id int64) (domain.CreditRecord, error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.CreditRecord{}, err
	}
	return s.db.loadCredit(ctx, s.db.read, p, id)
}

// checkCreditType refuses a type the dictionary does not hold, or a
// disabled one other than stored, the entry's current type.
func checkCreditType(ctx context.Context, q queryer, code, stored string) error {
	msg, err := checkDictItem(ctx, q, domain.DictDishonestyType, code, stored, "请选择有效的失信类型")
	if err != nil {
		return err
	}
	f := domain.Fields{}
	f.Add("type", msg)
	return f.Err()
}

// creditSubject resolves whom a new entry is about: for a unit one of its
// confirmed persons, for an authority an approved unit of its region.
func creditSubject(ctx context.Context, q queryer, p domain.Principal, in domain.CreditInput) (personID, unitID int64, err error) {
	if p.User.Role == domain.RoleUnit {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE id = $1 AND unit_id = $2 AND status = 'confirmed'`,
			in.PersonID, p.User.UnitID).Scan(&n); err != nil {
			return 0, 0, err
		}
		if n == 0 {
			return 0, 0, &domain.Error{Code: domain.CodeNotFound, Message: "人员不存在",
				Fields: map[string]string{"person_id": "请选择本单位已确认的专业技术人员"}}
		}
		return in.PersonID, p.User.UnitID, nil
	}
	var region string
	err = q.QueryRowContext(ctx, `SELECT COALESCE(region_code, '') FROM units WHERE id = $1 AND status = 'approved'`,
		in.UnitID).Scan(&region)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !domain.InScope(p.User.RegionCode, region)) {
		return 0, 0, &domain.Error{Code: domain.CodeNotFound, Message: "单位不存在",
			Fields: map[string]string{"unit_id": "请选择本辖区已通过审核的法人单位"}}
	}
	return 0, in.UnitID, err
}

// CreateCredit records an entry about one of the caller's persons (unit)
// or a unit of its region (authority).
func (s *CreditService) CreateCredit(ctx context.Context, in domain.CreditInput) (domain.CreditRecord, error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.CreditRecord{}, err
	}
	if err := in.Validate(s.db.creditToday()); err != nil {
		return domain.CreditRecord{}, err
	}
	var out domain.CreditRecord
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := checkCreditType(ctx, tx, in.Type, ""); err != nil {
			return err
		}
		personID, unitID, err := creditSubject(ctx, tx, p, in)
		if err != nil {
			return err
		}
		subject, recUnit, recAuthority := domain.CreditPerson, p.User.UnitID, int64(0)
		if p.User.Role == domain.RoleAuthority {
			subject, recUnit, recAuthority = domain.CreditUnit, 0, p.User.AuthorityID
		}
		e := s.db.auditBy(p, domain.EntityCredit, 0)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO credit_records (subject_type, person_id, unit_id,
			recorded_by_unit_id, recorded_by_authority_id, type, description, occurred_date, handling,
			valid_from, valid_to, document_number, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			string(subject), nullable(personID), unitID, nullable(recUnit), nullable(recAuthority),
			in.Type, in.Description, in.OccurredDate, in.Handling, in.ValidFrom, nullable(in.ValidTo),
			in.DocumentNumber, nullable(p.User.ID), millis(e.At)).Scan(&id); err != nil {
			return err
		}
		e.EntityID, e.Comment = id, "录入失信信息"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = s.db.loadCredit(ctx, tx, p, id)
		return err
	})
	return out, err
}

// UpdateCredit changes an entry the caller recorded, at the version read.
func (s *CreditService) UpdateCredit(ctx context.Context, id int64, in domain.CreditInput) (domain.CreditRecord, error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.CreditRecord{}, err
	}
	if err := in.Validate(s.db.creditToday()); err != nil {
		return domain.CreditRecord{}, err
	}
	var out domain.CreditRecord
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.db.loadCredit(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := creditWritable(p, cur); err != nil {
			return err
		}
		if err := checkCreditType(ctx, tx, in.Type, cur.Type); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityCredit, id)
		res, err := tx.ExecContext(ctx, `UPDATE credit_records SET type = $1, description = $2, occurred_date = $3,
			handling = $4, valid_from = $5, valid_to = $6, document_number = $7, version = version + 1, updated_at = $8
			WHERE id = $9 AND version = $10`,
			in.Type, in.Description, in.OccurredDate, in.Handling, in.ValidFrom, nullable(in.ValidTo),
			in.DocumentNumber, millis(e.At), id, in.Version)
		if err != nil {
			return err
		}
		if ok, err := changedOne(res); err != nil || !ok {
			if err == nil {
				err = errCreditStale
			}
			return err
		}
		e.Comment = "修改失信信息"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = s.db.loadCredit(ctx, tx, p, id)
		return err
	})
	return out, err
}

// CreditUnits looks up approved units of the authority's region.
func (s *CreditService) CreditUnits(ctx context.Context, q domain.UnitSearch) (domain.Page[domain.UnitBrief], error) {
	p, err := creditCaller(ctx)
	if err != nil {
		return domain.Page[domain.UnitBrief]{}, err
	}
	if p.User.Role != domain.RoleAuthority {
		return domain.Page[domain.UnitBrief]{}, domain.Errorf(domain.CodeForbidden, "只有人社主管部门可以查询辖区单位")
	}
	pr := q.PageRequest.Normalize()
	text := domain.NormalizeInput(q.Query)
	where := ` WHERE u.status = 'approved' AND u.region_code LIKE $1
		AND ($2 = '' OR u.name LIKE $3 ESCAPE '\' OR u.uscc LIKE $4 ESCAPE '\')`
	args := []any{domain.ScopePrefix(p.User.RegionCode) + "%", text, likeContains(text), likePrefix(strings.ToUpper(text))}
	page := domain.Page[domain.UnitBrief]{Items: []domain.UnitBrief{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM units u`+where, args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT u.id, u.name, u.uscc, u.region_code, COALESCE(r.name, '')
		FROM units u LEFT JOIN regions r ON r.code = u.region_code`+where+` ORDER BY u.name, u.id LIMIT $5 OFFSET $6`,
		append(args, pr.Limit, pr.Offset)...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b domain.UnitBrief
		if err := rows.Scan(&b.ID, &b.Name, &b.USCC, &b.RegionCode, &b.RegionName); err != nil {
			return page, err
		}
		page.Items = append(page.Items, b)
	}
	return page, mapDBError(rows.Err())
}

// DishonestPersons returns which of ids have an entry in force today: the
// 失信 mark every person list of a unit shows. Lists call it on their page
// of persons (at most a page, so one IN list).
func (db *DB) DishonestPersons(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	today := db.creditToday()
	args := []any{today}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT person_id FROM credit_records
		WHERE person_id IN (`+strings.Join(marks, ", ")+`) AND valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, mapDBError(rows.Err())
}

// markDishonest sets the 失信 mark on a page of persons.
func (db *DB) markDishonest(ctx context.Context, persons []domain.Person) error {
	ids := make([]int64, len(persons))
	for i, p := range persons {
		ids[i] = p.ID
	}
	flagged, err := db.DishonestPersons(ctx, ids)
	for i := range persons {
		persons[i].Dishonest = flagged[persons[i].ID]
	}
	return err
}
