package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"jxjy/server/domain"
)

// ApplicationService implements domain.UnitApplicationService: the unit's
// role application (法人单位角色申请), its information maintenance after
// approval, and the authority's review.
//
// Scope rule: an application is reviewed by the competent authority the
// unit chose, and seen (and reviewable) by every authority whose region
// subtree contains that authority's region, so the province may step in
// for a city; an authority of another city never sees it (not_found).
// Drafts belong to the unit alone.
type ApplicationService struct{ db *DB }

var _ domain.UnitApplicationService = (*ApplicationService)(nil)

// NewApplicationService returns the role-application service.
func NewApplicationService(db *DB) *ApplicationService { return &ApplicationService{db: db} }

func init() {
	registerEntity(domain.EntityUnit, entityAccess{beforeApproval: true, check: applicationAccess})
}

var (
	errApplicationNotFound = domain.Errorf(domain.CodeNotFound, "单位角色申请不存在")
	errApplicationStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
)

// applicationAccess guards a role application's attachments and history:
// the unit itself may change them while it holds the application; the
// authorities that may review it see them.
func applicationAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	var status, authorityRegion string
	err := q.QueryRowContext(ctx, `SELECT u.status, COALESCE(a.region_code, '') FROM units u
		LEFT JOIN authorities a ON a.id = u.authority_id WHERE u.id = $1`, id).Scan(&status, &authorityRegion)
	if errors.Is(err, sql.ErrNoRows) {
		return errApplicationNotFound
	}
	if err != nil {
		return mapDBError(err)
	}
	st := domain.ApplicationStatus(status)
	switch {
	case p.User.Role == domain.RoleUnit && p.User.UnitID == id:
		if write && !st.Editable() {
			return domain.Errorf(domain.CodeConflict, "申请%s，附件不能再修改", st.Label())
		}
		return nil
	case reviewable(p, st, authorityRegion):
		if write {
			return domain.Errorf(domain.CodeForbidden, "主管部门不能修改单位的附件")
		}
		return nil
	}
	return errApplicationNotFound
}

// reviewable reports whether authority p may see an application in state
// st sent to the authority of authorityRegion.
func reviewable(p domain.Principal, st domain.ApplicationStatus, authorityRegion string) bool {
	return p.User.Role == domain.RoleAuthority && st != domain.ApplicationDraft &&
		authorityRegion != "" && domain.InScope(p.User.RegionCode, authorityRegion)
}

// applicationUnit is the calling unit.
func applicationUnit(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleUnit || p.User.UnitID == 0 {
		return p, domain.Errorf(domain.CodeForbidden, "只有法人单位可以进行此操作")
	}
	return p, nil
}

// applicationAuthority is the calling authority.
func applicationAuthority(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleAuthority || p.User.RegionCode == "" {
		return p, domain.Errorf(domain.CodeForbidden, "只有人社主管部门可以审核单位角色申请")
	}
	return p, nil
}

const applicationSelect = `SELECT u.id, u.name, u.uscc, u.unit_type, COALESCE(u.region_code, ''), COALESCE(r.name, ''),
	COALESCE(u.authority_id, 0), COALESCE(a.name, ''), u.legal_rep, u.contact_person, u.office_phone, u.mobile,
	u.email, u.postal_code, u.address, u.summary, u.status, u.return_reason, u.version, u.updated_at,
	(SELECT COUNT(*) FROM attachments t WHERE t.owner_type = 'unit' AND t.owner_id = u.id)
	FROM units u
	LEFT JOIN regions r ON r.code = u.region_code
	LEFT JOIN authorities a ON a.id = u.authority_id`

type applicationScanner interface{ Scan(dest ...any) error }

func scanApplication(r applicationScanner) (domain.UnitApplication, error) {
	var a domain.UnitApplication
	var status string
	var updated int64
	err := r.Scan(&a.ID, &a.Name, &a.USCC, &a.UnitType, &a.RegionCode, &a.RegionName,
		&a.AuthorityID, &a.AuthorityName, &a.LegalRep, &a.ContactPerson, &a.OfficePhone, &a.Mobile,
		&a.Email, &a.PostalCode, &a.Address, &a.Summary, &status, &a.ReturnReason, &a.Version, &updated,
		&a.Attachments)
	a.Status, a.UpdatedAt = domain.ApplicationStatus(status), fromMillis(updated)
	return a, err
}

// loadApplication returns the application of unit id, or not_found.
func loadApplication(ctx context.Context, q queryer, id int64) (domain.UnitApplication, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, applicationSelect+` WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errApplicationNotFound
	}
	return a, mapDBError(err)
}

// authorityRegionOf is the region of the application's authority, "" when
// it has none.
func authorityRegionOf(ctx context.Context, q queryer, authorityID int64) (string, error) {
	if authorityID == 0 {
		return "", nil
	}
	var region string
	err := q.QueryRowContext(ctx, `SELECT region_code FROM authorities WHERE id = $1`, authorityID).Scan(&region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return region, mapDBError(err)
}

// MyApplication returns the calling unit's application.
func (s *ApplicationService) MyApplication(ctx context.Context) (domain.UnitApplication, error) {
	p, err := applicationUnit(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	return loadApplication(ctx, s.db.read, p.User.UnitID)
}

// applicationChanged turns an update that matched no row (its version
// moved on) into the stale-version conflict.
func applicationChanged(res sql.Result) error {
	ok, err := changedOne(res)
	if err != nil {
		return err
	}
	if !ok {
		return errApplicationStale
	}
	return nil
}

// heldRefusal explains why the unit may not change its application now.
func heldRefusal(st domain.ApplicationStatus) error {
	return domain.Errorf(domain.CodeConflict, "申请%s，不能再修改", st.Label())
}

// SaveApplication stores the draft; every filled field must be valid.
func (s *ApplicationService) SaveApplication(ctx context.Context, f domain.ApplicationForm) (domain.UnitApplication, error) {
	p, err := applicationUnit(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	if err := f.Validate(false); err != nil {
		return domain.UnitApplication{}, err
	}
	var out domain.UnitApplication
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadApplication(ctx, tx, p.User.UnitID)
		if err != nil {
			return err
		}
		if !cur.Status.Editable() {
			return heldRefusal(cur.Status)
		}
		if cur.Version != f.Version {
			return errApplicationStale
		}
		fields := domain.Fields{}
		if err := checkApplicationRefs(ctx, tx, f, cur, fields); err != nil {
			return err
		}
		if err := fields.Err(); err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE uscc = $1 AND id <> $2`,
			f.USCC, cur.ID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &domain.Error{Code: domain.CodeConflict, Message: msgFieldsTaken, Fields: map[string]string{usccTaken.field: usccTaken.msg}}
		}
		authority, err := competentAuthorityID(ctx, tx, f.RegionCode)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE units SET name = $1, uscc = $2, unit_type = $3, region_code = $4,
			authority_id = $5, legal_rep = $6, contact_person = $7, office_phone = $8, mobile = $9, email = $10,
			postal_code = $11, address = $12, summary = $13, version = version + 1, updated_at = $14
			WHERE id = $15 AND version = $16`,
			f.Name, f.USCC, f.UnitType, nullable(f.RegionCode), nullable(authority), f.LegalRep, f.ContactPerson,
			f.OfficePhone, f.Mobile, f.Email, f.PostalCode, f.Address, f.Summary, millis(s.db.now()), cur.ID, f.Version)
		if err != nil {
			return mapDBError(err, usccTaken)
		}
		if err := applicationChanged(res); err != nil {
			return err
		}
		out, err = loadApplication(ctx, tx, cur.ID)
		return err
	})
	return out, err
}

// checkApplicationRefs checks the picked fields against reference data:
// a known unit type (enabled, or the one cur already stores) and a city or
// county. Problems go into fields.
func checkApplicationRefs(ctx context.Context, q queryer, f domain.ApplicationForm, cur domain.UnitApplication, fields domain.Fields) error {
	msg, err := checkDictItem(ctx, q, domain.DictUnitType, f.UnitType, cur.UnitType, "单位类型无效，请重新选择")
	if err != nil {
		return err
	}
	fields.Add(domain.FieldUnitType, msg)
	if f.RegionCode != "" {
		var level int
		err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, f.RegionCode).Scan(&level)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fields.Add(domain.FieldRegion, "所属地区无效，请重新选择")
		case err != nil:
			return err
		case level < 2:
			fields.Add(domain.FieldRegion, "所属地区请选择地级市或区县")
		}
	}
	return nil
}

// SubmitApplication sends a complete application with an attachment.
func (s *ApplicationService) SubmitApplication(ctx context.Context, sub domain.ApplicationSubmit) (domain.UnitApplication, error) {
	p, err := applicationUnit(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	var out domain.UnitApplication
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadApplication(ctx, tx, p.User.UnitID)
		if err != nil {
			return err
		}
		to, ok := domain.ApplicationMachine.Next(cur.Status, domain.ActionSubmit)
		if !ok {
			return domain.Errorf(domain.CodeConflict, "申请%s，不能送审", cur.Status.Label())
		}
		if cur.Version != sub.Version {
			return errApplicationStale
		}
		form := domain.FormOf(cur)
		fields := domain.Fields{}
		for k, v := range domain.FieldErrorsOf(form.Validate(true)) {
			fields.Add(k, v)
		}
		if err := checkApplicationRefs(ctx, tx, form, cur, fields); err != nil {
			return err
		}
		fields.Check(cur.Attachments == 0, domain.FieldAttachments, "请至少上传一个附件（如营业执照扫描件）")
		if len(fields) > 0 {
			return &domain.Error{Code: domain.CodeInvalid, Message: "申请信息不完整，请按提示补充后再送审", Fields: fields}
		}
		// A draft saved before its county had an authority goes to the one
		// competent now.
		authority, err := competentAuthorityID(ctx, tx, cur.RegionCode)
		if err != nil {
			return err
		}
		now := s.db.now()
		res, err := tx.ExecContext(ctx, `UPDATE units SET status = $1, return_reason = '', authority_id = $2,
			version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5`,
			string(to), authority, millis(now), cur.ID, sub.Version)
		if err != nil {
			return err
		}
		if err := applicationChanged(res); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityUnit, cur.ID)
		e.At, e.From, e.To, e.Comment = now, string(cur.Status), string(to), "送审"
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadApplication(ctx, tx, cur.ID)
		return err
	})
	return out, err
}

// infoFields are the fields of 法人单位信息维护, in form order.
var infoFields = []string{domain.FieldContactPerson, domain.FieldOfficePhone, domain.FieldMobile,
	domain.FieldEmail, domain.FieldPostalCode, domain.FieldAddress, domain.FieldSummary}

func infoValues(i domain.UnitInfo) map[string]string {
	return map[string]string{
		domain.FieldContactPerson: i.ContactPerson, domain.FieldOfficePhone: i.OfficePhone,
		domain.FieldMobile: i.Mobile, domain.FieldEmail: i.Email, domain.FieldPostalCode: i.PostalCode,
		domain.FieldAddress: i.Address, domain.FieldSummary: i.Summary,
	}
}

// UpdateUnitInfo saves an approved unit's contact details at once; the
// history names the fields that changed.
func (s *ApplicationService) UpdateUnitInfo(ctx context.Context, i domain.UnitInfo) (domain.UnitApplication, error) {
	p, err := applicationUnit(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	if err := i.Validate(); err != nil {
		return domain.UnitApplication{}, err
	}
	var out domain.UnitApplication
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadApplication(ctx, tx, p.User.UnitID)
		if err != nil {
			return err
		}
		if cur.Status != domain.ApplicationApproved {
			return domain.Errorf(domain.CodeConflict, "单位角色申请通过后才能维护单位信息")
		}
		if cur.Version != i.Version {
			return errApplicationStale
		}
		before, after := infoValues(domain.InfoOf(cur)), infoValues(i)
		var changed []string
		for _, k := range infoFields {
			if before[k] != after[k] {
				changed = append(changed, domain.ApplicationFieldLabel(k))
			}
		}
		out = cur
		if len(changed) == 0 {
			return nil
		}
		now := s.db.now()
		res, err := tx.ExecContext(ctx, `UPDATE units SET contact_person = $1, office_phone = $2, mobile = $3,
			email = $4, postal_code = $5, address = $6, summary = $7, version = version + 1, updated_at = $8
			WHERE id = $9 AND version = $10`,
			i.ContactPerson, i.OfficePhone, i.Mobile, i.Email, i.PostalCode, i.Address, i.Summary,
			millis(now), cur.ID, i.Version)
		if err != nil {
			return err
		}
		if err := applicationChanged(res); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityUnit, cur.ID)
		e.At, e.Comment = now, "修改单位信息："+strings.Join(changed, "、")
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadApplication(ctx, tx, cur.ID)
		return err
	})
	return out, err
}

// escapeApplicationLike escapes LIKE's wildcards in operator input.
func escapeApplicationLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListApplications is the authority's queue, oldest submission first
// while looking at submitted ones, newest change first otherwise.
func (s *ApplicationService) ListApplications(ctx context.Context, q domain.ApplicationQuery) (domain.Page[domain.UnitApplication], error) {
	p, err := applicationAuthority(ctx)
	if err != nil {
		return domain.Page[domain.UnitApplication]{}, err
	}
	switch q.Status {
	case "", domain.ApplicationSubmitted, domain.ApplicationApproved, domain.ApplicationReturned:
	default:
		return domain.Page[domain.UnitApplication]{}, (domain.Fields{"status": "只能按已送审、已通过或已退回筛选"}).Err()
	}
	page := q.PageRequest.Normalize()
	name := strings.TrimSpace(q.Name)
	where := ` WHERE a.region_code LIKE $1 AND u.status <> 'draft' AND ($2 = '' OR u.status = $2)
		AND ($3 = '' OR u.name LIKE $4 ESCAPE '\')`
	args := []any{domain.ScopePrefix(p.User.RegionCode) + "%", string(q.Status), name, "%" + escapeApplicationLike(name) + "%"}
	out := domain.Page[domain.UnitApplication]{Items: []domain.UnitApplication{}, Offset: page.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM units u JOIN authorities a ON a.id = u.authority_id`+where,
		args...).Scan(&out.Total); err != nil {
		return out, mapDBError(err)
	}
	order := ` ORDER BY u.updated_at DESC, u.id DESC`
	if q.Status == domain.ApplicationSubmitted {
		order = ` ORDER BY u.updated_at, u.id`
	}
	rows, err := s.db.read.QueryContext(ctx, applicationSelect+where+order+` LIMIT $5 OFFSET $6`,
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return out, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, a)
	}
	return out, mapDBError(rows.Err())
}

// GetApplication returns one application the caller may see.
func (s *ApplicationService) GetApplication(ctx context.Context, id int64) (domain.UnitApplication, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	if err := applicationAccess(ctx, s.db.read, p, id, false); err != nil {
		return domain.UnitApplication{}, err
	}
	return loadApplication(ctx, s.db.read, id)
}

// ReviewApplication approves or returns a submitted application.
func (s *ApplicationService) ReviewApplication(ctx context.Context, id int64, r domain.ApplicationReview) (domain.UnitApplication, error) {
	p, err := applicationAuthority(ctx)
	if err != nil {
		return domain.UnitApplication{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.UnitApplication{}, err
	}
	var out domain.UnitApplication
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		region, err := authorityRegionOf(ctx, tx, cur.AuthorityID)
		if err != nil {
			return err
		}
		if !reviewable(p, cur.Status, region) {
			return errApplicationNotFound
		}
		to, ok := domain.ApplicationMachine.Next(cur.Status, r.Action)
		if !ok {
			return domain.Errorf(domain.CodeConflict, "该申请%s，不能再审核", cur.Status.Label())
		}
		if cur.Version != r.Version {
			return errApplicationStale
		}
		reason, comment := "", r.Comment
		if r.Action == domain.ActionReturn {
			reason = r.Comment
		} else if comment == "" {
			comment = "同意"
		}
		now := s.db.now()
		res, err := tx.ExecContext(ctx, `UPDATE units SET status = $1, return_reason = $2, version = version + 1,
			updated_at = $3 WHERE id = $4 AND version = $5`, string(to), reason, millis(now), id, r.Version)
		if err != nil {
			return err
		}
		if err := applicationChanged(res); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityUnit, id)
		e.At, e.From, e.To, e.Comment = now, string(cur.Status), string(to), comment
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = loadApplication(ctx, tx, id)
		return err
	})
	return out, err
}
