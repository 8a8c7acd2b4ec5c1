package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// UnitApplication is a unit's role application (法人单位角色申请, SPEC §5.1)
// and, once approved, the unit's registered information (法人单位信息维护).
// Names of the region and authority are filled in for display.
type UnitApplication struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	USCC          string            `json:"uscc"`
	UnitType      string            `json:"unit_type"`
	RegionCode    string            `json:"region_code"`
	RegionName    string            `json:"region_name,omitempty"`
	AuthorityID   int64             `json:"authority_id,omitempty"`
	AuthorityName string            `json:"authority_name,omitempty"`
	LegalRep      string            `json:"legal_rep"`
	ContactPerson string            `json:"contact_person"`
	OfficePhone   string            `json:"office_phone"`
	Mobile        string            `json:"mobile"`
	Email         string            `json:"email"`
	PostalCode    string            `json:"postal_code"`
	Address       string            `json:"address"`
	Summary       string            `json:"summary"`
	Status        ApplicationStatus `json:"status"`
	// ReturnReason is the authority's reason while the application is
	// returned; it is cleared when the unit submits again.
	ReturnReason string    `json:"return_reason,omitempty"`
	Attachments  int       `json:"attachments"`
	Version      int64     `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Field keys of the application, as field errors name them.
const (
	FieldUnitName      = "name"
	FieldUSCC          = "uscc"
	FieldUnitType      = "unit_type"
	FieldRegion        = "region_code"
	FieldAuthority     = "authority_id"
	FieldLegalRep      = "legal_rep"
	FieldContactPerson = "contact_person"
	FieldOfficePhone   = "office_phone"
	FieldMobile        = "mobile"
	FieldEmail         = "email"
	FieldPostalCode    = "postal_code"
	FieldAddress       = "address"
	FieldSummary       = "summary"
	// FieldAttachments carries "no attachment" on submit; no form has it.
	FieldAttachments = "attachments"
)

// summaryMaxRunes bounds 职能简介.
const summaryMaxRunes = 1000

// CheckApplicationField validates one application field (value already
// trimmed). An empty value passes unless required: a draft may be saved
// half filled, while submitting requires every required field. The unit's
// name and USCC are always required: they are its identity. Office phone
// and the summary are optional even on submit. Picked fields (unit type,
// region) are checked against reference data by the store.
func CheckApplicationField(key, value string, required bool) string {
	switch key {
	case FieldUnitName:
		return CheckText(value, 100, "单位名称")
	case FieldUSCC:
		return CheckUSCC(NormalizeUSCC(value))
	}
	if value == "" {
		if !required {
			return ""
		}
		switch key {
		case FieldUnitType:
			return "请选择单位类型"
		case FieldRegion:
			return "请选择所属地区"
		}
		if label, ok := applicationLabels[key]; ok && key != FieldOfficePhone && key != FieldSummary {
			return "请填写" + label
		}
		return ""
	}
	switch key {
	case FieldLegalRep, FieldContactPerson:
		return CheckText(value, 50, applicationLabels[key])
	case FieldAddress:
		return CheckText(value, 200, applicationLabels[key])
	case FieldOfficePhone:
		return CheckPhone(value)
	case FieldMobile:
		return CheckMobile(value)
	case FieldEmail:
		return CheckEmail(value)
	case FieldPostalCode:
		return CheckPostalCode(value)
	case FieldSummary:
		if utf8.RuneCountInString(value) > summaryMaxRunes {
			return "职能简介不能超过1000字"
		}
	}
	return ""
}

// applicationLabels names the fields in messages and in the history.
var applicationLabels = map[string]string{
	FieldUnitName: "单位名称", FieldUSCC: "统一社会信用代码", FieldUnitType: "单位类型",
	FieldRegion: "所属地区", FieldAuthority: "主管部门", FieldLegalRep: "法定代表人",
	FieldContactPerson: "联系人", FieldOfficePhone: "办公电话", FieldMobile: "移动电话",
	FieldEmail: "电子邮箱", FieldPostalCode: "邮政编码", FieldAddress: "单位通讯地址",
	FieldSummary: "职能简介",
}

// ApplicationFieldLabel is the Chinese name of an application field.
func ApplicationFieldLabel(key string) string { return applicationLabels[key] }

// ApplicationForm is what the unit saves while its application is a draft
// or returned. Version is the one the unit read; a stale one is refused.
// The unit picks its region, not its authority: the competent authority is
// the region's nearest (CompetentAuthority), which the store sets.
type ApplicationForm struct {
	Name          string `json:"name"`
	USCC          string `json:"uscc"`
	UnitType      string `json:"unit_type"`
	RegionCode    string `json:"region_code"`
	LegalRep      string `json:"legal_rep"`
	ContactPerson string `json:"contact_person"`
	OfficePhone   string `json:"office_phone"`
	Mobile        string `json:"mobile"`
	Email         string `json:"email"`
	PostalCode    string `json:"postal_code"`
	Address       string `json:"address"`
	Summary       string `json:"summary"`
	Version       int64  `json:"version"`
}

// FormOf is the editable part of a stored application.
func FormOf(a UnitApplication) ApplicationForm {
	return ApplicationForm{
		Name: a.Name, USCC: a.USCC, UnitType: a.UnitType, RegionCode: a.RegionCode,
		LegalRep: a.LegalRep, ContactPerson: a.ContactPerson, OfficePhone: a.OfficePhone, Mobile: a.Mobile,
		Email: a.Email, PostalCode: a.PostalCode, Address: a.Address, Summary: a.Summary, Version: a.Version,
	}
}

// Normalize trims every field and upper-cases the USCC.
func (f *ApplicationForm) Normalize() {
	for _, p := range []*string{&f.Name, &f.UnitType, &f.RegionCode, &f.LegalRep, &f.ContactPerson,
		&f.OfficePhone, &f.Mobile, &f.Email, &f.PostalCode, &f.Address, &f.Summary} {
		*p = strings.TrimSpace(*p)
	}
	f.USCC = NormalizeUSCC(f.USCC)
}

func (f *ApplicationForm) values() map[string]string {
	return map[string]string{
		FieldUnitName: f.Name, FieldUSCC: f.USCC, FieldUnitType: f.UnitType, FieldRegion: f.RegionCode,
		FieldLegalRep: f.LegalRep, FieldContactPerson: f.ContactPerson,
		FieldOfficePhone: f.OfficePhone, FieldMobile: f.Mobile, FieldEmail: f.Email,
		FieldPostalCode: f.PostalCode, FieldAddress: f.Address, FieldSummary: f.Summary,
	}
}

// Validate normalises f and reports every field problem at once; submit
// requires every required field, a draft save only that what is filled in
// is valid.
func (f *ApplicationForm) Validate(submit bool) error {
	f.Normalize()
	fields := Fields{}
	for key, v := range f.values() {
		fields.Add(key, CheckApplicationField(key, v, submit))
	}
	return fields.Err()
}

// UnitInfo is 法人单位信息维护: what an approved unit may change without a
// review. Its identity (name, USCC, region, authority) is fixed once approved.
type UnitInfo struct {
	ContactPerson string `json:"contact_person"`
	OfficePhone   string `json:"office_phone"`
	Mobile        string `json:"mobile"`
	Email         string `json:"email"`
	PostalCode    string `json:"postal_code"`
	Address       string `json:"address"`
	Summary       string `json:"summary"`
	Version       int64  `json:"version"`
}

// InfoOf is the maintainable part of a stored application.
func InfoOf(a UnitApplication) UnitInfo {
	return UnitInfo{ContactPerson: a.ContactPerson, OfficePhone: a.OfficePhone, Mobile: a.Mobile,
		Email: a.Email, PostalCode: a.PostalCode, Address: a.Address, Summary: a.Summary, Version: a.Version}
}

// Validate trims the fields and applies the submit rules to each.
func (i *UnitInfo) Validate() error {
	fields := Fields{}
	for key, p := range map[string]*string{
		FieldContactPerson: &i.ContactPerson, FieldOfficePhone: &i.OfficePhone, FieldMobile: &i.Mobile,
		FieldEmail: &i.Email, FieldPostalCode: &i.PostalCode, FieldAddress: &i.Address, FieldSummary: &i.Summary,
	} {
		*p = strings.TrimSpace(*p)
		fields.Add(key, CheckApplicationField(key, *p, true))
	}
	return fields.Err()
}

// ApplicationSubmit sends the application, as last read, to its authority.
type ApplicationSubmit struct {
	Version int64 `json:"version"`
}

// Review actions on a role application (ApplicationMachine's names).
const (
	ActionSubmit  = "submit"
	ActionApprove = "approve"
	ActionReturn  = "return"
)

// ApplicationReview is an authority's decision: 同意 (approve) or 退回
// (return, with a required reason) on the version it read.
type ApplicationReview struct {
	Action  string `json:"action"`
	Version int64  `json:"version"`
	Comment string `json:"comment"`
}

// Validate requires a known action and, to return, a reason.
func (r *ApplicationReview) Validate() error {
	r.Comment = strings.TrimSpace(r.Comment)
	f := Fields{}
	switch r.Action {
	case ActionApprove:
	case ActionReturn:
		f.Check(r.Comment == "", "comment", "请填写退回原因")
	default:
		f.Add("action", "审核意见只能是同意或退回")
	}
	f.Check(utf8.RuneCountInString(r.Comment) > 500, "comment", "审核意见不能超过500字")
	return f.Err()
}

// ApplicationQuery filters the authority's review queue. Status "" means
// every application sent to review (drafts are the unit's own business).
type ApplicationQuery struct {
	Status ApplicationStatus `json:"status"`
	// Name matches part of the unit's name.
	Name string `json:"name"`
	PageRequest
}

// ScopePrefix is the GB/T 2260 code prefix shared by every region within
// scope (see InScope): "44" for the province, "4401" for a city, the whole
// code for a county. SQL filters match region codes LIKE prefix || '%'.
func ScopePrefix(scope string) string {
	switch {
	case len(scope) != 6:
		return scope
	case scope[2:] == "0000":
		return scope[:2]
	case scope[4:] == "00":
		return scope[:4]
	}
	return scope
}

// UnitApplicationService is the unit's role application and information,
// and the authority's review of applications.
//
// Scope: a unit acts on its own application only. An authority sees (and
// reviews) the applications sent to it or to an authority within its
// region subtree — the province sees every city's — never drafts; any
// other id answers not_found.
type UnitApplicationService interface {
	// MyApplication is the calling unit's application. Errors: forbidden.
	MyApplication(ctx context.Context) (UnitApplication, error)
	// SaveApplication stores a draft, partly filled if need be, while the
	// application is a draft or returned. Errors: invalid, conflict (stale
	// version, submitted or approved application, USCC taken), forbidden.
	SaveApplication(ctx context.Context, f ApplicationForm) (UnitApplication, error)
	// SubmitApplication sends a complete application with at least one
	// attachment to its authority. Errors: invalid (incomplete; field
	// "attachments" when none), conflict (stale version, wrong state).
	SubmitApplication(ctx context.Context, s ApplicationSubmit) (UnitApplication, error)
	// UpdateUnitInfo changes an approved unit's contact details at once.
	// Errors: invalid, conflict (stale version, not approved).
	UpdateUnitInfo(ctx context.Context, i UnitInfo) (UnitApplication, error)
	// ListApplications is the authority's queue. Errors: forbidden, invalid.
	ListApplications(ctx context.Context, q ApplicationQuery) (Page[UnitApplication], error)
	// GetApplication is one application in the authority's scope.
	// Errors: not_found, forbidden.
	GetApplication(ctx context.Context, id int64) (UnitApplication, error)
	// ReviewApplication approves (activating the unit) or returns a
	// submitted application. Errors: invalid, not_found, conflict (stale
	// version, not submitted), forbidden.
	ReviewApplication(ctx context.Context, id int64, r ApplicationReview) (UnitApplication, error)
}
