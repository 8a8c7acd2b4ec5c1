package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// CertificateRenderer draws certificates as a PDF; the server wires one
// (server/certpdf).
type CertificateRenderer interface {
	// Ready reports whether certificates can be drawn (a CJK font is at
	// hand), as an unavailable *domain.Error naming the remedy.
	Ready() error
	// CheckText refuses, as an invalid *domain.Error naming the
	// character, a text the certificate font cannot show (label names
	// the text: "姓名"), so no number is issued that cannot be printed.
	CheckText(label, s string) error
	// Render draws the certificates, one A4 page each, as one PDF.
	Render(certs []domain.Certificate) ([]byte, error)
}

// CertificateService implements domain.CertificateService.
//
// Hours statistics are never stored: they are summed from the effective
// records whenever they are read (records_person_year_idx serves both the
// per-person sum and the unit list), so they cannot drift from the
// records whichever module writes them. 重新统计学时 recounts person by
// person from scratch and compares with what each valid certificate
// certified. Only a certificate keeps hours: the copy it was issued with.
type CertificateService struct {
	db  *DB
	pdf CertificateRenderer
}

var _ domain.CertificateService = (*CertificateService)(nil)

// NewCertificateService returns the certificates service drawing PDFs with pdf.
func NewCertificateService(db *DB, pdf CertificateRenderer) *CertificateService {
	return &CertificateService{db: db, pdf: pdf}
}

func init() {
	registerEntity(domain.EntityCertificate, entityAccess{check: certificateAccess})
}

var (
	errCertificateNotFound = domain.Errorf(domain.CodeNotFound, "证书不存在")
	errCertPersonNotFound  = domain.Errorf(domain.CodeNotFound, "人员不存在或不是本单位已确认的人员")
	errCertificateStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	errVerifyFailed        = domain.Errorf(domain.CodeNotFound, "证书编号或验证码不正确，未查到该证书")
	errSequenceExhausted   = domain.Errorf(domain.CodeConflict, "本年度该地区的证书编号已用完，请联系系统管理员")
)

// certRowScanner is a *sql.Row or *sql.Rows.
type certRowScanner interface{ Scan(dest ...any) error }

// certificateUnit admits an approved unit.
func certificateUnit(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Principal{}, err
	}
	if p.User.Role != domain.RoleUnit {
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "只有法人单位可以打印继续教育证书")
	}
	if !p.User.UnitActive() {
		return domain.Principal{}, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return p, nil
}

// certificateAccess guards a certificate's history: its holder, the unit
// the holder now belongs to, an authority whose region holds the issuing
// unit, and administrators read it. Nothing is attached to certificates.
func certificateAccess(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
	if write {
		return domain.Errorf(domain.CodeForbidden, "证书不能添加附件")
	}
	var personID int64
	var personUnit sql.NullInt64
	var personStatus, region string
	err := q.QueryRowContext(ctx, `SELECT c.person_id, p.unit_id, p.status, COALESCE(u.region_code, '')
		FROM certificates c JOIN persons p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id
		WHERE c.id = $1`, id).Scan(&personID, &personUnit, &personStatus, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return errCertificateNotFound
	}
	if err != nil {
		return err
	}
	u := p.User
	switch {
	case u.Role == domain.RoleAdmin:
	case u.Role == domain.RolePerson && u.PersonID == personID:
	case u.Role == domain.RoleUnit && personUnit.Int64 == u.UnitID && personStatus == string(domain.AffiliationConfirmed):
	case u.Role == domain.RoleAuthority && domain.InScope(u.RegionCode, region):
	default:
		return errCertificateNotFound
	}
	return nil
}

const certificateSelect = `SELECT c.id, c.person_id, c.unit_id, c.year, c.number, c.verification_code, c.status,
	c.person_name, c.id_number, c.unit_name, c.issuer, c.public_half_hours, c.professional_half_hours,
	c.elective_half_hours, c.issued_by_name, c.issued_at, c.void_reason, c.voided_by_name, c.voided_at,
	COALESCE(n.number, ''), c.version
	FROM certificates c LEFT JOIN certificates n ON n.id = c.replaced_by`

func scanCertificate(r certRowScanner) (domain.Certificate, error) {
	var c domain.Certificate
	var status string
	var public, professional, elective int
	var issued int64
	var voided sql.NullInt64
	err := r.Scan(&c.ID, &c.PersonID, &c.UnitID, &c.Year, &c.Number, &c.VerificationCode, &status,
		&c.Name, &c.IDNumber, &c.UnitName, &c.Issuer, &public, &professional,
		&elective, &c.IssuedBy, &issued, &c.VoidReason, &c.VoidedBy, &voided,
		&c.ReplacedBy, &c.Version)
	c.Status = domain.CertificateStatus(status)
	c.Public, c.Professional, c.Elective = domain.Hours(public), domain.Hours(professional), domain.Hours(elective)
	c.Total = c.Public + c.Professional + c.Elective
	c.IssuedAt = fromMillis(issued)
	if voided.Valid {
		t := fromMillis(voided.Int64)
		c.VoidedAt = &t
	}
	return c, err
}

func queryCertificates(ctx context.Context, q rowsQueryer, where string, args ...any) ([]domain.Certificate, error) {
	rows, err := q.QueryContext(ctx, certificateSelect+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Certificate{}
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// validCertificate is the person's valid certificate of year, if any.
func validCertificate(ctx context.Context, q rowsQueryer, personID int64, year int) (*domain.Certificate, error) {
	list, err := queryCertificates(ctx, q, `c.person_id = $1 AND c.year = $2 AND c.status = 'valid'`, personID, year)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// certPerson is a confirmed person of the calling unit.
type certPerson struct {
	id             int64
	name, idNumber string
}

func unitCertPerson(ctx context.Context, q queryer, unitID, personID int64) (certPerson, error) {
	cp := certPerson{id: personID}
	err := q.QueryRowContext(ctx, `SELECT name, id_number FROM persons
		WHERE id = $1 AND unit_id = $2 AND status = 'confirmed'`, personID, unitID).Scan(&cp.name, &cp.idNumber)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, errCertPersonNotFound
	}
	return cp, err
}

// yearHours is the person's hours of year, summed by the records module's
// one summing function, beside the year's requirement.
func yearHours(ctx context.Context, q rowsQueryer, personID int64, year int) (domain.YearHours, error) {
	years, err := sumHours(ctx, q, personID, year)
	if err != nil {
		return domain.YearHours{}, err
	}
	return *years[year], nil
}

// issuingUnit is what a certificate copies from the unit: its name, the
// region in its number, and its competent authority as the issuer (the
// province's department for a unit that has none).
func issuingUnit(ctx context.Context, q queryer, unitID int64) (name, region, issuer string, err error) {
	err = q.QueryRowContext(ctx, `SELECT u.name, COALESCE(u.region_code, ''), COALESCE(a.name, '')
		FROM units u LEFT JOIN authorities a ON a.id = u.authority_id WHERE u.id = $1`, unitID).Scan(&name, &region, &issuer)
	if err != nil {
		return "", "", "", err
	}
	if region == "" {
		region = provinceCode
	}
	if issuer == "" {
		err = q.QueryRowContext(ctx, `SELECT name FROM authorities WHERE region_code = $1`, provinceCode).Scan(&issuer)
	}
	return name, region, issuer, err
}

// drawSequence takes the next sequence number of (year, region). The
// upsert locks the counter row until the transaction ends, which also
// serialises every issue in the region and year: a transaction that has
// drawn a number sees what those before it committed.
func drawSequence(ctx context.Context, tx *sql.Tx, year int, region string) (int, error) {
	var seq int
	err := tx.QueryRowContext(ctx, `INSERT INTO certificate_counters (year, region_code, last_seq) VALUES ($1, $2, 1)
		ON CONFLICT (year, region_code) DO UPDATE SET last_seq = certificate_counters.last_seq + 1
		RETURNING last_seq`, year, region).Scan(&seq)
	return seq, err
}

// lockSequence takes the lock of (year, region) without drawing a number,
// creating the counter when the region has none yet.
func lockSequence(ctx context.Context, tx *sql.Tx, year int, region string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO certificate_counters (year, region_code, last_seq) VALUES ($1, $2, 0)
		ON CONFLICT (year, region_code) DO UPDATE SET last_seq = certificate_counters.last_seq`, year, region)
	return err
}

// newVerificationCode draws a code from domain.VerificationAlphabet; its
// 32 letters divide 256, so every letter is equally likely.
func newVerificationCode() string {
	b := make([]byte, domain.VerificationCodeLength)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = domain.VerificationAlphabet[int(b[i])%len(domain.VerificationAlphabet)]
	}
	return string(b)
}

// shortfallError refuses a certificate for a year whose requirement is
// not met, keeping the list for a batch's refusals.
type shortfallError struct {
	refusal *domain.Error
	list    []domain.Shortfall
}

func (e *shortfallError) Error() string { return e.refusal.Error() }
func (e *shortfallError) Unwrap() error { return e.refusal }

// issueCertificate issues person's certificate of year in tx, by actor
// (who and when), drawing region's next number once the hours are found
// to meet the requirement (a *shortfallError refuses otherwise, drawing
// nothing). The caller holds the region's lock (lockSequence), so its
// checks saw every print committed before, and has made sure the person
// holds no valid certificate of the year; the partial unique index backs
// that.
func issueCertificate(ctx context.Context, tx *sql.Tx, actor domain.AuditEntry, unitID int64, cp certPerson,
	year int, region string, comment string) (domain.Certificate, error) {
	unitName, _, issuer, err := issuingUnit(ctx, tx, unitID)
	if err != nil {
		return domain.Certificate{}, err
	}
	req, err := yearRequirement(ctx, tx, year)
	if err != nil {
		return domain.Certificate{}, err
	}
	hours, err := yearHours(ctx, tx, cp.id, year)
	if err != nil {
		return domain.Certificate{}, err
	}
	hours = hours.WithRequirement(req)
	if short := hours.Shortfalls(); len(short) > 0 {
		return domain.Certificate{}, &shortfallError{refusal: domain.ShortfallError(year, short), list: short}
	}
	seq, err := drawSequence(ctx, tx, year, region)
	if err != nil {
		return domain.Certificate{}, err
	}
	number, ok := domain.FormatCertificateNumber(year, region, seq)
	if !ok {
		return domain.Certificate{}, errSequenceExhausted
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO certificates (person_id, unit_id, year, number, verification_code, status,
		person_name, id_number, unit_name, issuer, public_half_hours, professional_half_hours, elective_half_hours,
		issued_by, issued_by_name, issued_at)
		VALUES ($1, $2, $3, $4, $5, 'valid', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		cp.id, unitID, year, number, newVerificationCode(), cp.name, cp.idNumber, unitName, issuer,
		int(hours.Public), int(hours.Professional), int(hours.Elective),
		nullable(actor.ActorUserID), actor.ActorName, millis(actor.At)).Scan(&id)
	if err != nil {
		return domain.Certificate{}, err
	}
	e := actor
	e.EntityType, e.EntityID, e.To, e.Comment = domain.EntityCertificate, id, string(domain.CertificateValid), comment+"，证书编号 "+number
	if err := insertAudit(ctx, tx, e); err != nil {
		return domain.Certificate{}, err
	}
	return scanCertificate(tx.QueryRowContext(ctx, certificateSelect+` WHERE c.id = $1`, id))
}

// reissue voids old (valid, at the version read) for reason and issues its
// holder a new number of the same year, in tx, by actor; the caller holds
// region's lock (lockSequence).
func reissue(ctx context.Context, tx *sql.Tx, actor domain.AuditEntry, unitID int64, old domain.Certificate,
	reason string, region string) (domain.Certificate, error) {
	cp, err := unitCertPerson(ctx, tx, unitID, old.PersonID)
	if err != nil {
		return domain.Certificate{}, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE certificates SET status = 'voided', void_reason = $1, voided_by = $2,
		voided_by_name = $3, voided_at = $4, version = version + 1
		WHERE id = $5 AND version = $6 AND status = 'valid'`,
		reason, nullable(actor.ActorUserID), actor.ActorName, millis(actor.At), old.ID, old.Version)
	if err != nil {
		return domain.Certificate{}, err
	}
	if ok, err := changedOne(res); err != nil || !ok {
		if err == nil {
			err = errCertificateStale
		}
		return domain.Certificate{}, err
	}
	out, err := issueCertificate(ctx, tx, actor, unitID, cp, old.Year, region, "重新生成证书，替换 "+old.Number)
	if err != nil {
		return domain.Certificate{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE certificates SET replaced_by = $1 WHERE id = $2`, out.ID, old.ID); err != nil {
		return domain.Certificate{}, err
	}
	e := actor
	e.EntityType, e.EntityID = domain.EntityCertificate, old.ID
	e.From, e.To = string(domain.CertificateValid), string(domain.CertificateVoided)
	e.Comment = "作废原因：" + reason + "；新证书编号 " + out.Number
	return out, insertAudit(ctx, tx, e)
}

// errIssuedMeanwhile rolls back a print that found, once it held the
// region's lock, that another request had issued the certificate.
var errIssuedMeanwhile = errors.New("store: certificate issued meanwhile")

// Print returns the person's valid certificate of the year, issuing one
// when there is none.
func (s *CertificateService) Print(ctx context.Context, r domain.PrintRequest) (domain.Certificate, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return domain.Certificate{}, err
	}
	if msg := domain.CheckCertificateYear(r.Year, s.db.thisYear()); msg != "" {
		return domain.Certificate{}, (domain.Fields{"year": msg}).Err()
	}
	if err := s.pdf.Ready(); err != nil {
		return domain.Certificate{}, err
	}
	return s.print(ctx, p, r.PersonID, r.Year)
}

func (s *CertificateService) print(ctx context.Context, p domain.Principal, personID int64, year int) (domain.Certificate, error) {
	unitID := p.User.UnitID
	cp, err := unitCertPerson(ctx, s.db.read, unitID, personID)
	if err != nil {
		return domain.Certificate{}, mapDBError(err)
	}
	if have, err := validCertificate(ctx, s.db.read, personID, year); err != nil || have != nil {
		return derefCertificate(have), mapDBError(err)
	}
	if err := s.pdf.CheckText("姓名", cp.name); err != nil {
		return domain.Certificate{}, err
	}
	var out domain.Certificate
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		_, region, _, err := issuingUnit(ctx, tx, unitID)
		if err != nil {
			return err
		}
		if err := lockSequence(ctx, tx, year, region); err != nil {
			return err
		}
		if cp, err = unitCertPerson(ctx, tx, unitID, personID); err != nil {
			return err
		}
		have, err := validCertificate(ctx, tx, personID, year)
		if err != nil {
			return err
		}
		if have != nil {
			out = *have
			return errIssuedMeanwhile
		}
		out, err = issueCertificate(ctx, tx, s.db.auditBy(p, domain.EntityCertificate, 0), unitID, cp, year, region, "打印证书")
		if err == nil {
			s.db.atCrashPoint("certificate")
		}
		return err
	})
	if errors.Is(err, errIssuedMeanwhile) {
		return out, nil
	}
	return out, err
}

func derefCertificate(c *domain.Certificate) domain.Certificate {
	if c == nil {
		return domain.Certificate{}
	}
	return *c
}

// PrintBatch prints the ticked persons in one transaction, so a batch cut
// short (a crash, a lost connection) leaves nothing behind and numbers no
// gap. Persons who cannot have a certificate are listed as refused rather
// than failing the batch; persons who already hold one get it back.
func (s *CertificateService) PrintBatch(ctx context.Context, r domain.BatchPrintRequest) (domain.BatchPrintResult, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return domain.BatchPrintResult{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.BatchPrintResult{}, err
	}
	if msg := domain.CheckCertificateYear(r.Year, s.db.thisYear()); msg != "" {
		return domain.BatchPrintResult{}, (domain.Fields{"year": msg}).Err()
	}
	if err := s.pdf.Ready(); err != nil {
		return domain.BatchPrintResult{}, err
	}
	unitID := p.User.UnitID
	var out domain.BatchPrintResult
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		out = domain.BatchPrintResult{Issued: []domain.Certificate{}, Refused: []domain.BatchRefusal{}}
		_, region, _, err := issuingUnit(ctx, tx, unitID)
		if err != nil {
			return err
		}
		// Holding the region's lock before the first check: every check
		// below sees the certificates committed by prints before this one.
		if err := lockSequence(ctx, tx, r.Year, region); err != nil {
			return err
		}
		actor := s.db.auditBy(p, domain.EntityCertificate, 0)
		seen := map[int64]bool{}
		for _, id := range r.PersonIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			cp, err := unitCertPerson(ctx, tx, unitID, id)
			if errors.Is(err, errCertPersonNotFound) {
				out.Refused = append(out.Refused, domain.BatchRefusal{PersonID: id, Message: errCertPersonNotFound.Message})
				continue
			}
			if err != nil {
				return err
			}
			have, err := validCertificate(ctx, tx, id, r.Year)
			if err != nil {
				return err
			}
			if have != nil {
				out.Issued = append(out.Issued, *have)
				continue
			}
			var unprintable *domain.Error
			if err := s.pdf.CheckText("姓名", cp.name); errors.As(err, &unprintable) {
				out.Refused = append(out.Refused, domain.BatchRefusal{PersonID: id, Name: cp.name, Message: unprintable.Message})
				continue
			}
			c, err := issueCertificate(ctx, tx, actor, unitID, cp, r.Year, region, "打印证书")
			var short *shortfallError
			if errors.As(err, &short) {
				out.Refused = append(out.Refused, domain.BatchRefusal{PersonID: id, Name: cp.name,
					Message: short.refusal.Message, Shortfalls: short.list})
				continue
			}
			if err != nil {
				return err
			}
			s.db.atCrashPoint("certificate")
			out.Issued = append(out.Issued, c)
		}
		return nil
	})
	if err != nil {
		return domain.BatchPrintResult{}, err
	}
	return out, nil
}

// Regenerate voids a valid certificate and issues the same person a new
// number for the same year, in one transaction: refused, the old one
// stays valid.
func (s *CertificateService) Regenerate(ctx context.Context, r domain.RegenerateRequest) (domain.Certificate, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return domain.Certificate{}, err
	}
	if err := r.Validate(); err != nil {
		return domain.Certificate{}, err
	}
	if err := s.pdf.Ready(); err != nil {
		return domain.Certificate{}, err
	}
	unitID := p.User.UnitID
	var out domain.Certificate
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		old, err := s.unitCertificate(ctx, tx, unitID, r.CertificateID)
		if err != nil {
			return err
		}
		_, region, _, err := issuingUnit(ctx, tx, unitID)
		if err != nil {
			return err
		}
		if err := lockSequence(ctx, tx, old.Year, region); err != nil {
			return err
		}
		// Read again under the region's lock: a concurrent regeneration
		// has committed by now.
		if old, err = s.unitCertificate(ctx, tx, unitID, r.CertificateID); err != nil {
			return err
		}
		if old.Status != domain.CertificateValid {
			return domain.Errorf(domain.CodeConflict, "证书%s已作废，请刷新后重试", old.Number)
		}
		if old.Version != r.Version {
			return errCertificateStale
		}
		out, err = reissue(ctx, tx, s.db.auditBy(p, domain.EntityCertificate, 0), unitID, old, r.Reason, region)
		return err
	})
	return out, err
}

// unitCertificate reads a certificate of one of the unit's confirmed
// persons; any other id is not_found.
func (s *CertificateService) unitCertificate(ctx context.Context, q rowsQueryer, unitID, id int64) (domain.Certificate, error) {
	list, err := queryCertificates(ctx, q, `c.id = $1 AND c.person_id IN
		(SELECT id FROM persons WHERE unit_id = $2 AND status = 'confirmed')`, id, unitID)
	if err != nil {
		return domain.Certificate{}, err
	}
	if len(list) == 0 {
		return domain.Certificate{}, errCertificateNotFound
	}
	return list[0], nil
}

// CertificateHistory lists a person's certificates of a year, newest first.
func (s *CertificateService) CertificateHistory(ctx context.Context, r domain.CertificateHistoryRequest) ([]domain.Certificate, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := unitCertPerson(ctx, s.db.read, p.User.UnitID, r.PersonID); err != nil {
		return nil, mapDBError(err)
	}
	list, err := queryCertificates(ctx, s.db.read, `c.person_id = $1 AND c.year = $2 ORDER BY c.id DESC`, r.PersonID, r.Year)
	return list, mapDBError(err)
}

// MyCertificates lists the calling person's certificates, newest first.
func (s *CertificateService) MyCertificates(ctx context.Context) ([]domain.Certificate, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.User.Role != domain.RolePerson {
		return nil, domain.Errorf(domain.CodeForbidden, "只有专业技术人员可以查看本人证书")
	}
	if p.User.PersonID == 0 {
		return nil, domain.Errorf(domain.CodeNotFound, "未找到您的人员信息")
	}
	list, err := queryCertificates(ctx, s.db.read, `c.person_id = $1 ORDER BY c.year DESC, c.id DESC`, p.User.PersonID)
	return list, mapDBError(err)
}

// CertificatePDF draws valid certificates the caller may see: a unit its
// confirmed persons', a person its own.
func (s *CertificateService) CertificatePDF(ctx context.Context, ids []int64) ([]byte, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case len(ids) == 0:
		return nil, domain.Errorf(domain.CodeInvalid, "请选择要打印的证书")
	case len(ids) > domain.MaxBatchPrint:
		return nil, domain.Errorf(domain.CodeInvalid, "一次最多打印%d份证书", domain.MaxBatchPrint)
	}
	var scope string
	var scopeID int64
	switch {
	case p.User.Role == domain.RoleUnit && p.User.UnitActive():
		scope, scopeID = `c.person_id IN (SELECT id FROM persons WHERE unit_id = $1 AND status = 'confirmed')`, p.User.UnitID
	case p.User.Role == domain.RolePerson && p.User.PersonID != 0:
		scope, scopeID = `c.person_id = $1`, p.User.PersonID
	default:
		return nil, domain.Errorf(domain.CodeForbidden, "当前角色不能打印证书")
	}
	args := []any{scopeID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	list, err := queryCertificates(ctx, s.db.read, scope+` AND c.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	byID := make(map[int64]domain.Certificate, len(list))
	for _, c := range list {
		byID[c.ID] = c
	}
	certs := make([]domain.Certificate, 0, len(ids))
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			return nil, errCertificateNotFound
		}
		if c.Status != domain.CertificateValid {
			return nil, domain.Errorf(domain.CodeConflict, "证书%s已作废，不能打印", c.Number)
		}
		certs = append(certs, c)
	}
	return s.pdf.Render(certs)
}

// Verify checks a number against its verification code. A wrong number
// and a wrong code answer alike, so the door tells nothing of which
// numbers exist.
func (s *CertificateService) Verify(ctx context.Context, r domain.VerifyRequest) (domain.Verification, error) {
	if err := r.Validate(); err != nil {
		return domain.Verification{}, err
	}
	list, err := queryCertificates(ctx, s.db.read, `c.number = $1`, r.Number)
	if err != nil {
		return domain.Verification{}, mapDBError(err)
	}
	if len(list) == 0 || subtle.ConstantTimeCompare([]byte(list[0].VerificationCode), []byte(r.Code)) != 1 {
		return domain.Verification{}, errVerifyFailed
	}
	c := list[0]
	return domain.Verification{
		Number: c.Number, Name: c.Name, MaskedID: domain.MaskIDNumber(c.IDNumber), UnitName: c.UnitName,
		Year: c.Year, Total: c.Total, Issuer: c.Issuer, IssuedAt: c.IssuedAt, Status: c.Status, VoidedAt: c.VoidedAt,
		ReplacedBy: c.ReplacedBy,
	}, nil
}

// certListSums sums each of the unit's confirmed persons' effective hours
// of the year by category: the list's own aggregate, because it filters
// and pages on the sums (the property tests hold it equal to sumHours).
const certListSums = `SELECT p.id, p.name, p.id_number,
	CAST(COALESCE(SUM(CASE WHEN r.category = 'public' THEN r.half_hours END), 0) AS BIGINT) AS pub,
	CAST(COALESCE(SUM(CASE WHEN r.category = 'professional' THEN r.half_hours END), 0) AS BIGINT) AS pro,
	CAST(COALESCE(SUM(CASE WHEN r.category = 'elective' THEN r.half_hours END), 0) AS BIGINT) AS ele,
	COUNT(r.id) AS n
	FROM persons p
	LEFT JOIN records r ON r.person_id = p.id AND r.year = $2 AND r.status = 'effective'`

// ListCertificates pages the unit's confirmed persons with the year's
// hours and their valid certificate.
func (s *CertificateService) ListCertificates(ctx context.Context, q domain.CertificateQuery) (domain.CertificateList, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return domain.CertificateList{}, err
	}
	if err := q.Validate(s.db.thisYear()); err != nil {
		return domain.CertificateList{}, err
	}
	req, err := yearRequirement(ctx, s.db.read, q.Year)
	if err != nil {
		return domain.CertificateList{}, mapDBError(err)
	}
	pr := q.PageRequest.Normalize()
	out := domain.CertificateList{Year: q.Year, Requirement: req,
		Rows: domain.Page[domain.CertificateRow]{Items: []domain.CertificateRow{}, Offset: pr.Offset}}

	args := []any{p.User.UnitID, q.Year}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"p.unit_id = $1", "p.status = 'confirmed'"}
	if q.Name != "" {
		where = append(where, `p.name LIKE `+arg("%"+certEscapeLike(q.Name)+"%")+` ESCAPE '\'`)
	}
	switch {
	case len(q.IDNumber) == 18:
		where = append(where, `p.id_number = `+arg(q.IDNumber))
	case q.IDNumber != "":
		where = append(where, `p.id_number LIKE `+arg(certEscapeLike(q.IDNumber)+"%")+` ESCAPE '\'`)
	}
	// Arguments are bound only for the conditions used: PostgreSQL
	// refuses parameters a statement does not mention.
	met := func() string {
		return `s.pub >= ` + arg(int(req.PublicMin)) + ` AND s.pro >= ` + arg(int(req.ProfessionalMin)) +
			` AND s.pub + s.pro + s.ele >= ` + arg(int(req.Total))
	}
	issued := `EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = s.id AND c.year = $2 AND c.status = 'valid')`
	state := "TRUE"
	switch q.State {
	case domain.StateMet:
		state = met()
	case domain.StateShort:
		state = "NOT (" + met() + ")"
	case domain.StateIssued:
		state = issued
	case domain.StateUnissued:
		state = met() + " AND NOT " + issued
	}
	from := `FROM (` + certListSums + ` WHERE ` + strings.Join(where, " AND ") +
		` GROUP BY p.id, p.name, p.id_number) s WHERE ` + state
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) `+from, args...).Scan(&out.Rows.Total); err != nil {
		return out, mapDBError(err)
	}
	page := `SELECT s.id, s.name, s.id_number, s.pub, s.pro, s.ele, s.n ` + from +
		` ORDER BY s.id LIMIT ` + arg(pr.Limit) + ` OFFSET ` + arg(pr.Offset)
	rows, err := s.db.read.QueryContext(ctx, page, args...)
	if err != nil {
		return out, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var row domain.CertificateRow
		var public, professional, elective int
		if err := rows.Scan(&row.PersonID, &row.Name, &row.IDNumber, &public, &professional, &elective, &row.Hours.Records); err != nil {
			return out, err
		}
		row.Hours.Year = q.Year
		row.Hours.Add(domain.CategoryPublic, domain.Hours(public))
		row.Hours.Add(domain.CategoryProfessional, domain.Hours(professional))
		row.Hours.Add(domain.CategoryElective, domain.Hours(elective))
		row.Hours = row.Hours.WithRequirement(req)
		row.Shortfalls = row.Hours.Shortfalls()
		row.Met = len(row.Shortfalls) == 0
		out.Rows.Items = append(out.Rows.Items, row)
	}
	if err := rows.Err(); err != nil {
		return out, mapDBError(err)
	}
	if err := s.attachCertificates(ctx, q.Year, out.Rows.Items); err != nil {
		return out, mapDBError(err)
	}
	return out, markDishonestRows(ctx, s.db, out.Rows.Items, certificateRowPerson)
}

// attachCertificates fills in each row's valid certificate and how many
// voided ones the year has.
func (s *CertificateService) attachCertificates(ctx context.Context, year int, rows []domain.CertificateRow) error {
	if len(rows) == 0 {
		return nil
	}
	args := []any{year}
	marks := make([]string, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		args = append(args, r.PersonID)
		marks[i] = "$" + strconv.Itoa(i+2)
		index[r.PersonID] = i
	}
	list, err := queryCertificates(ctx, s.db.read, `c.year = $1 AND c.person_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return err
	}
	for _, c := range list {
		row := &rows[index[c.PersonID]]
		if c.Status == domain.CertificateValid {
			row.Certificate = &c
		} else {
			row.Voided++
		}
	}
	return nil
}

func certEscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Recount is 重新统计学时: each person's hours counted from scratch, by
// the one summing function, batch by batch in id order (a batch's sums
// in one query).
func (s *CertificateService) Recount(ctx context.Context, r domain.RecountRequest) (domain.RecountResult, error) {
	p, err := certificateUnit(ctx)
	if err != nil {
		return domain.RecountResult{}, err
	}
	if msg := domain.CheckCertificateYear(r.Year, s.db.thisYear()); msg != "" {
		return domain.RecountResult{}, (domain.Fields{"year": msg}).Err()
	}
	limit := r.Limit
	if limit <= 0 || limit > domain.RecountBatch {
		limit = domain.RecountBatch
	}
	out := domain.RecountResult{Year: r.Year, Rows: []domain.CertificateRow{}}
	var persons []certPerson
	if r.PersonID != 0 {
		cp, err := unitCertPerson(ctx, s.db.read, p.User.UnitID, r.PersonID)
		if err != nil {
			return out, mapDBError(err)
		}
		persons, out.Total, out.Done = []certPerson{cp}, 1, true
	} else {
		if persons, out.Total, err = s.recountBatch(ctx, p.User.UnitID, r.AfterID, limit); err != nil {
			return out, mapDBError(err)
		}
		out.Done = len(persons) < limit
	}
	req, err := yearRequirement(ctx, s.db.read, r.Year)
	if err != nil {
		return out, mapDBError(err)
	}
	ids := make([]int64, len(persons))
	for i, cp := range persons {
		ids[i] = cp.id
	}
	sums, err := sumPersonsHours(ctx, s.db.read, ids, r.Year)
	if err != nil {
		return out, mapDBError(err)
	}
	for _, cp := range persons {
		row := domain.CertificateRow{PersonID: cp.id, Name: cp.name, IDNumber: cp.idNumber, Hours: sums[cp.id][r.Year].WithRequirement(req)}
		row.Shortfalls = row.Hours.Shortfalls()
		row.Met = len(row.Shortfalls) == 0
		if row.Met {
			out.Met++
		} else {
			out.Short++
		}
		out.Rows = append(out.Rows, row)
		out.NextAfterID = cp.id
	}
	if err := s.attachCertificates(ctx, r.Year, out.Rows); err != nil {
		return out, mapDBError(err)
	}
	for _, row := range out.Rows {
		if c := row.Certificate; c != nil &&
			(c.Public != row.Hours.Public || c.Professional != row.Hours.Professional || c.Elective != row.Hours.Elective) {
			out.Mismatched++
		}
	}
	return out, nil
}

// recountBatch is the unit's next limit confirmed persons after afterID,
// and how many it has in all.
func (s *CertificateService) recountBatch(ctx context.Context, unitID, afterID int64, limit int) ([]certPerson, int, error) {
	var total int
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE unit_id = $1 AND status = 'confirmed'`,
		unitID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, name, id_number FROM persons
		WHERE unit_id = $1 AND status = 'confirmed' AND id > $2 ORDER BY id LIMIT $3`, unitID, afterID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []certPerson
	for rows.Next() {
		var cp certPerson
		if err := rows.Scan(&cp.id, &cp.name, &cp.idNumber); err != nil {
			return nil, 0, err
		}
		out = append(out, cp)
	}
	return out, total, rows.Err()
}
