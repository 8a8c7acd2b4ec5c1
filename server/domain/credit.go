package domain

import (
	"context"
	"strings"
	"time"
)

// EntityCredit is the audit entity (and attachment owner) of a dishonesty
// entry (失信信息).
const EntityCredit = "credit"

// CreditSubject is who an entry is about: 失信人类型.
type CreditSubject string

const (
	CreditPerson CreditSubject = "person" // a unit records one of its own persons
	CreditUnit   CreditSubject = "unit"   // an authority records a unit of its region
)

// Label is the subject type's Chinese name.
func (s CreditSubject) Label() string {
	switch s {
	case CreditPerson:
		return "专业技术人员"
	case CreditUnit:
		return "法人单位"
	}
	return string(s)
}

// CreditRecord is one dishonesty entry (SPEC §5.8). For a person entry
// PersonID names the person and UnitID the unit that recorded it; for a
// unit entry UnitID names the unit and the recorder is an authority.
type CreditRecord struct {
	ID             int64         `json:"id"`
	Subject        CreditSubject `json:"subject"`
	PersonID       int64         `json:"person_id,omitempty"`
	PersonName     string        `json:"person_name,omitempty"`
	PersonIDNumber string        `json:"person_id_number,omitempty"`
	UnitID         int64         `json:"unit_id"`
	UnitName       string        `json:"unit_name"`
	AuthorityID    int64         `json:"authority_id,omitempty"` // the recording authority of a unit entry
	RecorderName   string        `json:"recorder_name"`          // the recording unit or authority
	Type           string        `json:"type"`                   // DictDishonestyType code
	TypeLabel      string        `json:"type_label"`
	Description    string        `json:"description"`
	OccurredDate   string        `json:"occurred_date"`
	Handling       string        `json:"handling"`
	ValidFrom      string        `json:"valid_from"`
	ValidTo        string        `json:"valid_to,omitempty"` // "" = no end
	DocumentNumber string        `json:"document_number"`
	// Active is whether today lies within the validity period; computed by
	// the server on its calendar.
	Active    bool      `json:"active"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectName is the person's or the unit's name, whichever the entry is about.
func (r CreditRecord) SubjectName() string {
	if r.Subject == CreditPerson {
		return r.PersonName
	}
	return r.UnitName
}

// Validity renders the period as 2026-01-01 至 2027-12-31 (or 至 长期).
func (r CreditRecord) Validity() string {
	to := r.ValidTo
	if to == "" {
		to = "长期"
	}
	return r.ValidFrom + " 至 " + to
}

// ActiveOn reports whether an entry valid from..to ("" = no end) is in
// force on day (YYYY-MM-DD): the rule behind the 失信 mark.
func ActiveOn(from, to, day string) bool {
	return from <= day && (to == "" || day <= to)
}

// CreditInput is what 录入失信信息 and 修改 send. A unit names PersonID, an
// authority UnitID; on 修改 the subject cannot change and Version must be
// the one read.
type CreditInput struct {
	PersonID       int64  `json:"person_id,omitempty"`
	UnitID         int64  `json:"unit_id,omitempty"`
	Type           string `json:"type"`
	Description    string `json:"description"`
	OccurredDate   string `json:"occurred_date"`
	Handling       string `json:"handling"`
	ValidFrom      string `json:"valid_from"`
	ValidTo        string `json:"valid_to"`
	DocumentNumber string `json:"document_number"`
	Version        int64  `json:"version,omitempty"`
}

// Normalize trims the text and converts full-width digits in dates and the
// document number, as IMEs type them.
func (in *CreditInput) Normalize() {
	in.Type = strings.TrimSpace(in.Type)
	in.Description = strings.TrimSpace(in.Description)
	in.Handling = strings.TrimSpace(in.Handling)
	in.OccurredDate = NormalizeInput(in.OccurredDate)
	in.ValidFrom = NormalizeInput(in.ValidFrom)
	in.ValidTo = NormalizeInput(in.ValidTo)
	in.DocumentNumber = NormalizeInput(in.DocumentNumber)
}

// Validate normalises in and reports every field problem at once; today
// (YYYY-MM-DD) bounds the occurred date. The subject and the type code are
// checked by the store, which knows the caller and the dictionary.
func (in *CreditInput) Validate(today string) error {
	in.Normalize()
	f := Fields{}
	f.Check(in.Type == "", "type", "请选择失信类型")
	f.Add("description", CheckText(in.Description, 1000, "失信内容"))
	if _, msg := ParseDate(in.OccurredDate); msg != "" {
		f.Add("occurred_date", msg)
	}
	f.Check(in.OccurredDate > today, "occurred_date", "发生日期不能晚于今天")
	f.Add("handling", CheckText(in.Handling, 500, "处理情况"))
	if _, msg := ParseDate(in.ValidFrom); msg != "" {
		f.Add("valid_from", msg)
	}
	if in.ValidTo != "" {
		if _, msg := ParseDate(in.ValidTo); msg != "" {
			f.Add("valid_to", msg)
		}
		f.Check(in.ValidTo < in.ValidFrom, "valid_to", "有效期止不能早于有效期起")
	}
	f.Add("document_number", checkOptional(in.DocumentNumber, 50, "文书编号"))
	return f.Err()
}

// CreditFilter narrows an entry list: Name matches part of the person's
// or unit's name, Type a dictionary code, ActiveOnly keeps entries in force.
type CreditFilter struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	ActiveOnly bool   `json:"active_only"`
	PageRequest
}

// CreditService is 信用管理: a unit's 失信信息录入 (entries about its own
// persons) and 单位失信信息查看 (entries authorities made about the unit,
// read-only), and an authority's 单位失信信息录入 (entries about units in
// its region subtree). Anything else answers not_found.
type CreditService interface {
	// ListCredit pages the entries the caller keeps: a unit's entries about
	// its persons, an authority's entries about units in its region.
	ListCredit(ctx context.Context, f CreditFilter) (Page[CreditRecord], error)
	// ListUnitCredit pages the entries about the calling unit itself.
	ListUnitCredit(ctx context.Context, f CreditFilter) (Page[CreditRecord], error)
	// GetCredit reads one entry the caller keeps or, for a unit, one about
	// itself. Errors: not_found.
	GetCredit(ctx context.Context, id int64) (CreditRecord, error)
	// CreateCredit records an entry: a unit about one of its confirmed
	// persons, an authority about an approved unit in its region.
	// Errors: invalid, not_found (person or unit out of reach, as a field
	// error), forbidden.
	CreateCredit(ctx context.Context, in CreditInput) (CreditRecord, error)
	// UpdateCredit changes an entry the caller recorded. Errors: invalid,
	// not_found, forbidden (an entry another authority recorded), conflict
	// (stale version).
	UpdateCredit(ctx context.Context, id int64, in CreditInput) (CreditRecord, error)
	// CreditUnits looks up approved units in an authority's region by part
	// of the name or the start of the USCC: the 查询 before 录入.
	CreditUnits(ctx context.Context, q UnitSearch) (Page[UnitBrief], error)
}
