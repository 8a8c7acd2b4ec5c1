package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Audit entity types of this area: a certificate (继续教育证书), and a
// year's requirement (学时要求), whose entity id is the year.
const (
	EntityCertificate = "certificate"
	EntityRequirement = "requirement"
)

// Requirement is what a year asks of every professional (SPEC §5.7): a
// total, minimums for public and professional courses (elective hours count
// only toward the total) and the most hours one day of training earns.
type Requirement struct {
	Year            int       `json:"year"`
	Total           Hours     `json:"total"`
	PublicMin       Hours     `json:"public_min"`
	ProfessionalMin Hours     `json:"professional_min"`
	DailyCap        Hours     `json:"daily_cap"`
	Version         int64     `json:"version"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Summary is the requirement in one line, as the audit trail records it.
func (r Requirement) Summary() string {
	return fmt.Sprintf("总学时%s，公需科目≥%s，专业科目≥%s，每日上限%s", r.Total, r.PublicMin, r.ProfessionalMin, r.DailyCap)
}

// Requirement limits: a year is between these, hours per day at most a day.
const (
	RequirementFirstYear = 2000
	maxYearTotal         = Hours(1000 * 2)
	maxDailyCap          = Hours(24 * 2)
)

// RequirementInput is what 学时要求设置 saves. Version is the one read
// when updating; it is ignored when creating a new year.
type RequirementInput struct {
	Year            int   `json:"year"`
	Total           Hours `json:"total"`
	PublicMin       Hours `json:"public_min"`
	ProfessionalMin Hours `json:"professional_min"`
	DailyCap        Hours `json:"daily_cap"`
	Version         int64 `json:"version,omitempty"`
	// ConfirmIssued confirms a change of a year whose certificates were
	// issued: it must equal how many are valid (RequirementIssuedError).
	ConfirmIssued int `json:"confirm_issued,omitempty"`
}

// RequirementIssuedMessage is the refusal of a change to a year with
// issued certificates that the caller has not confirmed for their number.
func RequirementIssuedMessage(year, issued int) string {
	return fmt.Sprintf("%d年度已发放%d张有效的继续教育证书。修改学时要求后，这些证书仍按发放时的要求有效，不会作废；"+
		"但学时统计、“我的学时”是否达标将按新要求计算。确认修改请在提交时确认这%d张证书", year, issued, issued)
}

// Validate reports every field problem at once; thisYear (in China) bounds
// the year: requirements are set ahead by at most one year.
func (in RequirementInput) Validate(thisYear int) error {
	f := Fields{}
	f.Check(in.Year < RequirementFirstYear || in.Year > thisYear+1, "year",
		fmt.Sprintf("年度应在%d至%d之间", RequirementFirstYear, thisYear+1))
	f.Check(in.Total <= 0, "total", "总学时应大于0")
	f.Check(in.Total > maxYearTotal, "total", "总学时不能超过"+maxYearTotal.String())
	f.Check(in.PublicMin < 0, "public_min", "公需科目学时不能为负数")
	f.Check(in.ProfessionalMin < 0, "professional_min", "专业科目学时不能为负数")
	if in.PublicMin >= 0 && in.ProfessionalMin >= 0 && in.Total > 0 {
		f.Check(in.PublicMin > in.Total, "public_min", "公需科目学时不能超过总学时")
		f.Check(in.ProfessionalMin > in.Total, "professional_min", "专业科目学时不能超过总学时")
		f.Check(in.PublicMin+in.ProfessionalMin > in.Total, "professional_min", "公需科目与专业科目学时之和不能超过总学时")
	}
	f.Check(in.DailyCap <= 0, "daily_cap", "每日学时上限应大于0")
	f.Check(in.DailyCap > maxDailyCap, "daily_cap", "每日学时上限不能超过24")
	return f.Err()
}

// RequirementService is 学时要求设置. Everyone logged in reads the
// requirements (hours statistics are measured against them); the province
// authority and administrators change them — they are province-wide, so a
// city or county authority only reads.
type RequirementService interface {
	// Requirements lists every year's requirement, newest first.
	// Errors: unauthenticated.
	Requirements(ctx context.Context) ([]Requirement, error)
	// CreateRequirement sets the requirement of a year that has none.
	// Errors: forbidden, invalid, conflict (the year already has one, as a
	// field error on year).
	CreateRequirement(ctx context.Context, in RequirementInput) (Requirement, error)
	// UpdateRequirement changes a year's requirement. A year with valid
	// certificates changes only when in.ConfirmIssued is their number;
	// they stay valid as issued. Errors: forbidden, invalid, not_found (no
	// requirement for the year), conflict (stale version; certificates
	// issued and not confirmed: RequirementIssuedMessage, with the number
	// in the field confirm_issued).
	UpdateRequirement(ctx context.Context, in RequirementInput) (Requirement, error)
}

// WithRequirement fills in the year's requirement, so Met and Shortfalls
// measure against it.
func (y YearHours) WithRequirement(r Requirement) YearHours {
	y.RequiredTotal, y.RequiredPublic, y.RequiredProfessional = r.Total, r.PublicMin, r.ProfessionalMin
	return y
}

// Shortfall is how many hours one part of a requirement still lacks.
// Category is CategoryPublic, CategoryProfessional or ShortfallTotal.
type Shortfall struct {
	Category string `json:"category"`
	Missing  Hours  `json:"missing"`
}

// ShortfallTotal names the total in a Shortfall.
const ShortfallTotal = "total"

// Label is the part's Chinese name.
func (s Shortfall) Label() string {
	switch s.Category {
	case CategoryPublic:
		return "公需科目"
	case CategoryProfessional:
		return "专业科目"
	case ShortfallTotal:
		return "总学时"
	}
	return s.Category
}

// Shortfalls lists what the year's requirement still lacks, public and
// professional first and the total last; empty when it is met.
func (y YearHours) Shortfalls() []Shortfall {
	var out []Shortfall
	add := func(category string, have, need Hours) {
		if have < need {
			out = append(out, Shortfall{Category: category, Missing: need - have})
		}
	}
	add(CategoryPublic, y.Public, y.RequiredPublic)
	add(CategoryProfessional, y.Professional, y.RequiredProfessional)
	add(ShortfallTotal, y.Total, y.RequiredTotal)
	return out
}

// ShortfallText is the shortfall as the operator reads it:
// "公需科目还差4学时，总学时还差10学时".
func ShortfallText(list []Shortfall) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = s.Label() + "还差" + s.Missing.String() + "学时"
	}
	return strings.Join(parts, "，")
}

// ShortfallError is the refusal to issue a certificate for a year whose
// requirement is not met; Fields carry the missing hours by part.
func ShortfallError(year int, list []Shortfall) *Error {
	fields := make(map[string]string, len(list))
	for _, s := range list {
		fields[s.Category] = "还差" + s.Missing.String() + "学时"
	}
	return &Error{Code: CodeConflict,
		Message: fmt.Sprintf("未达到%d年度学时要求，不能打印证书：%s", year, ShortfallText(list)),
		Fields:  fields}
}

// CertificateStatus is a certificate's state: valid until a regeneration
// voids it; a voided number is kept and never issued again.
type CertificateStatus string

const (
	CertificateValid  CertificateStatus = "valid"
	CertificateVoided CertificateStatus = "voided"
)

// Label is the status's Chinese name.
func (s CertificateStatus) Label() string {
	switch s {
	case CertificateValid:
		return "有效"
	case CertificateVoided:
		return "已作废"
	}
	return string(s)
}

// Certificate is one issued 继续教育证书. The holder's name, ID number,
// unit, issuer and hours are copied at issue, so every later print shows
// exactly what was certified.
type Certificate struct {
	ID               int64             `json:"id"`
	PersonID         int64             `json:"person_id"`
	UnitID           int64             `json:"unit_id"`
	Year             int               `json:"year"`
	Number           string            `json:"number"`
	VerificationCode string            `json:"verification_code"`
	Status           CertificateStatus `json:"status"`
	Name             string            `json:"name"`
	IDNumber         string            `json:"id_number"`
	UnitName         string            `json:"unit_name"`
	Issuer           string            `json:"issuer"` // the issuing authority
	Public           Hours             `json:"public"`
	Professional     Hours             `json:"professional"`
	Elective         Hours             `json:"elective"`
	Total            Hours             `json:"total"`
	IssuedBy         string            `json:"issued_by"` // who printed it first
	IssuedAt         time.Time         `json:"issued_at"`
	VoidReason       string            `json:"void_reason,omitempty"`
	VoidedBy         string            `json:"voided_by,omitempty"`
	VoidedAt         *time.Time        `json:"voided_at,omitempty"`
	ReplacedBy       string            `json:"replaced_by,omitempty"` // the number that replaced a voided one
	Version          int64             `json:"version"`
}

// ContentTypePDF is the media type of a certificate PDF.
const ContentTypePDF = "application/pdf"

// CertificateNumberPrefix starts every number: Guangdong (广东).
const CertificateNumberPrefix = "GD"

// maxCertificateSeq is the last sequence a six-digit number holds.
const maxCertificateSeq = 999999

// FormatCertificateNumber builds a number: GD, the year, the issuing
// unit's region code and a six-digit sequence per year and region, e.g.
// GD2025440106000123 (18 characters). ok is false when the sequence no
// longer fits.
func FormatCertificateNumber(year int, region string, seq int) (number string, ok bool) {
	if seq < 1 || seq > maxCertificateSeq {
		return "", false
	}
	return fmt.Sprintf("%s%04d%s%06d", CertificateNumberPrefix, year, region, seq), true
}

// VerificationAlphabet is what verification codes are made of: digits and
// capitals without the look-alikes 0 O 1 I.
const VerificationAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// VerificationCodeLength is the length of a verification code.
const VerificationCodeLength = 8

// NormalizeCertificateNumber and NormalizeVerificationCode accept what
// people type or copy: full-width characters, lower case, spaces and dashes.
func NormalizeCertificateNumber(s string) string { return normalizeCode(s) }

// NormalizeVerificationCode: see NormalizeCertificateNumber.
func NormalizeVerificationCode(s string) string { return normalizeCode(s) }

func normalizeCode(s string) string {
	s = strings.ToUpper(NormalizeInput(s))
	return strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s)
}

// MaskIDNumber hides the birth date and sequence of an ID number on
// public answers: 440106********2517.
func MaskIDNumber(id string) string {
	if utf8.RuneCountInString(id) != 18 {
		return strings.Repeat("*", utf8.RuneCountInString(id))
	}
	return id[:6] + strings.Repeat("*", 8) + id[14:]
}

// CertificateState filters the printing list.
type CertificateState string

const (
	StateAll      CertificateState = ""
	StateMet      CertificateState = "met"      // 已达标
	StateShort    CertificateState = "short"    // 未达标
	StateIssued   CertificateState = "issued"   // 已发证 (holds a valid certificate)
	StateUnissued CertificateState = "unissued" // 已达标未发证
)

// Label is the filter's Chinese name.
func (s CertificateState) Label() string {
	switch s {
	case StateAll:
		return "全部"
	case StateMet:
		return "已达标"
	case StateShort:
		return "未达标"
	case StateIssued:
		return "已发证"
	case StateUnissued:
		return "达标未发证"
	}
	return string(s)
}

// CertificateStates lists the filters in the order the screen cycles them.
var CertificateStates = []CertificateState{StateAll, StateMet, StateShort, StateIssued, StateUnissued}

// CertificateQuery selects the unit's confirmed persons for one year.
type CertificateQuery struct {
	Year     int              `json:"year"`
	Name     string           `json:"name,omitempty"`      // part of the name
	IDNumber string           `json:"id_number,omitempty"` // the ID number or its start
	State    CertificateState `json:"state,omitempty"`
	PageRequest
}

// Validate checks the year and the state filter; thisYear is the year in China.
func (q *CertificateQuery) Validate(thisYear int) error {
	q.Name, q.IDNumber = strings.TrimSpace(q.Name), NormalizeIDNumber(NormalizeInput(q.IDNumber))
	f := Fields{}
	f.Add("year", CheckCertificateYear(q.Year, thisYear))
	valid := false
	for _, s := range CertificateStates {
		valid = valid || s == q.State
	}
	f.Check(!valid, "state", "筛选条件无效")
	return f.Err()
}

// CheckCertificateYear requires a year from the first requirement year to
// the current one: hours of a future year do not exist yet.
func CheckCertificateYear(year, thisYear int) string {
	if year < RequirementFirstYear || year > thisYear {
		return fmt.Sprintf("年度应在%d至%d之间", RequirementFirstYear, thisYear)
	}
	return ""
}

// CertificateRow is one person of the printing list: the year's hours
// measured against the requirement, and the valid certificate if one was
// issued.
type CertificateRow struct {
	PersonID    int64        `json:"person_id"`
	Name        string       `json:"name"`
	IDNumber    string       `json:"id_number"`
	Hours       YearHours    `json:"hours"`
	Met         bool         `json:"met"`
	Shortfalls  []Shortfall  `json:"shortfalls,omitempty"`
	Certificate *Certificate `json:"certificate,omitempty"`
	Voided      int          `json:"voided"`              // voided certificates of the year, kept in history
	Dishonest   bool         `json:"dishonest,omitempty"` // the person has an active 失信 entry
}

// CertificateList is one page of the printing list with the requirement
// it measures against (SPEC's default for a year that has none set:
// Version 0).
type CertificateList struct {
	Year        int                  `json:"year"`
	Requirement Requirement          `json:"requirement"`
	Rows        Page[CertificateRow] `json:"rows"`
}

// RecountRequest is 重新统计学时: one person (PersonID), or the whole
// unit in batches of persons after AfterID in id order, so a large unit
// shows progress.
type RecountRequest struct {
	Year     int   `json:"year"`
	PersonID int64 `json:"person_id,omitempty"`
	AfterID  int64 `json:"after_id,omitempty"`
	Limit    int   `json:"limit,omitempty"`
}

// RecountBatch is the most persons one recount call counts.
const RecountBatch = 200

// RecountResult is one batch of a recount. Rows are counted from scratch
// from the effective records; Mismatched counts persons whose valid
// certificate shows other hours than the records now give (a sign to
// regenerate it).
type RecountResult struct {
	Year        int              `json:"year"`
	Rows        []CertificateRow `json:"rows"`
	Total       int              `json:"total"`         // persons to count in all
	NextAfterID int64            `json:"next_after_id"` // where the next batch starts
	Done        bool             `json:"done"`
	Met         int              `json:"met"`
	Short       int              `json:"short"`
	Mismatched  int              `json:"mismatched"`
}

// PrintRequest asks for a person's certificate of a year.
type PrintRequest struct {
	PersonID int64 `json:"person_id"`
	Year     int   `json:"year"`
}

// MaxBatchPrint bounds a batch print and a combined PDF.
const MaxBatchPrint = 200

// BatchPrintRequest is 打印 with several persons ticked.
type BatchPrintRequest struct {
	Year      int     `json:"year"`
	PersonIDs []int64 `json:"person_ids"`
}

// Validate checks the list's size.
func (b BatchPrintRequest) Validate() error {
	f := Fields{}
	f.Check(len(b.PersonIDs) == 0, "person_ids", "请勾选要打印证书的人员")
	f.Check(len(b.PersonIDs) > MaxBatchPrint, "person_ids", fmt.Sprintf("一次最多打印%d人", MaxBatchPrint))
	return f.Err()
}

// BatchRefusal is a person a batch print could not certify, and why.
type BatchRefusal struct {
	PersonID   int64       `json:"person_id"`
	Name       string      `json:"name,omitempty"`
	Message    string      `json:"message"`
	Shortfalls []Shortfall `json:"shortfalls,omitempty"`
}

// BatchPrintResult lists the certificates to print, in request order, and
// the persons refused.
type BatchPrintResult struct {
	Issued  []Certificate  `json:"issued"`
	Refused []BatchRefusal `json:"refused"`
}

// RegenerateRequest is 重新生成证书并打印: the valid certificate (its
// version as read) is voided for Reason and a new number issued.
type RegenerateRequest struct {
	CertificateID int64  `json:"certificate_id"`
	Version       int64  `json:"version"`
	Reason        string `json:"reason"`
}

// VoidReasonMax bounds the reason for voiding, in characters.
const VoidReasonMax = 200

// Validate requires a reason.
func (r *RegenerateRequest) Validate() error {
	r.Reason = strings.TrimSpace(r.Reason)
	f := Fields{}
	f.Add("reason", CheckText(r.Reason, VoidReasonMax, "作废原因"))
	return f.Err()
}

// CertificateHistoryRequest names a person's certificates of one year.
type CertificateHistoryRequest struct {
	PersonID int64 `json:"person_id"`
	Year     int   `json:"year"`
}

// VerifyRequest is what anyone types to check a certificate.
type VerifyRequest struct {
	Number string `json:"number"`
	Code   string `json:"code"`
}

// Validate normalises and checks the two codes' shapes.
func (v *VerifyRequest) Validate() error {
	v.Number, v.Code = NormalizeCertificateNumber(v.Number), NormalizeVerificationCode(v.Code)
	f := Fields{}
	f.Check(v.Number == "", "number", "请填写证书编号")
	f.Check(v.Number != "" && (len(v.Number) != 18 || !strings.HasPrefix(v.Number, CertificateNumberPrefix)),
		"number", "证书编号应为GD开头的18位编号")
	f.Check(v.Code == "", "code", "请填写验证码")
	f.Check(v.Code != "" && len(v.Code) != VerificationCodeLength, "code", fmt.Sprintf("验证码应为%d位", VerificationCodeLength))
	return f.Err()
}

// Verification is the public answer about a certificate: enough to tell
// it is genuine, with the ID number masked.
type Verification struct {
	Number   string            `json:"number"`
	Name     string            `json:"name"`
	MaskedID string            `json:"masked_id"`
	UnitName string            `json:"unit_name"`
	Year     int               `json:"year"`
	Total    Hours             `json:"total"`
	Issuer   string            `json:"issuer"`
	IssuedAt time.Time         `json:"issued_at"`
	Status   CertificateStatus `json:"status"`
	VoidedAt *time.Time        `json:"voided_at,omitempty"`
	// ReplacedBy is the number that replaced a voided certificate.
	ReplacedBy string `json:"replaced_by,omitempty"`
}

// CertificateService is 继续教育证书打印 for units, 我的证书 for persons and
// the public verification.
//
// Scope: a unit works on its confirmed persons (any other person id, and
// certificates of anyone else, answer not_found); a person reads its own
// certificates.
type CertificateService interface {
	// ListCertificates pages the unit's confirmed persons with their hours
	// of the year and their valid certificate. Errors: invalid, forbidden.
	ListCertificates(ctx context.Context, q CertificateQuery) (CertificateList, error)
	// Recount is 重新统计学时 for one person or one batch of the unit.
	// Errors: invalid, not_found (person), forbidden.
	Recount(ctx context.Context, r RecountRequest) (RecountResult, error)
	// Print returns the person's valid certificate of the year, issuing
	// one with a new number when there is none. Errors: not_found,
	// conflict (requirement not met: the shortfall by part), unavailable
	// (the server cannot draw certificates: no CJK font), forbidden.
	Print(ctx context.Context, r PrintRequest) (Certificate, error)
	// PrintBatch prints each person like Print; refusals do not stop the
	// others. Errors: invalid, unavailable, forbidden.
	PrintBatch(ctx context.Context, r BatchPrintRequest) (BatchPrintResult, error)
	// Regenerate voids a valid certificate and issues a new number for the
	// same person and year. Errors: invalid (reason), not_found, conflict
	// (stale version, already void, requirement no longer met),
	// unavailable, forbidden.
	Regenerate(ctx context.Context, r RegenerateRequest) (Certificate, error)
	// CertificateHistory lists a person's certificates of a year, voided
	// ones included, newest first. Errors: not_found, forbidden.
	CertificateHistory(ctx context.Context, r CertificateHistoryRequest) ([]Certificate, error)
	// MyCertificates lists the calling person's certificates, newest
	// first. Errors: forbidden, not_found (no person record).
	MyCertificates(ctx context.Context) ([]Certificate, error)
	// CertificatePDF draws the valid certificates ids as one A4 PDF, a page
	// each, in the order given. Errors: invalid (no ids, too many),
	// not_found, conflict (a voided certificate), unavailable (no CJK font).
	CertificatePDF(ctx context.Context, ids []int64) ([]byte, error)
	// Verify checks a number and its verification code; no login needed.
	// Errors: invalid, not_found (no such pair: the same answer for a
	// wrong number and a wrong code), rate_limited.
	Verify(ctx context.Context, r VerifyRequest) (Verification, error)
}
