package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// EntityPerson is the audit entity of a professional's record and
// affiliation.
const EntityPerson = "person"

// Affiliation is whether a person belongs to a unit (SPEC §5.2).
type Affiliation string

const (
	AffiliationNone      Affiliation = "none"      // no unit
	AffiliationPending   Affiliation = "pending"   // claimed a unit, awaiting its 是/否
	AffiliationConfirmed Affiliation = "confirmed" // a member of the unit
)

// Label is the status's Chinese name.
func (a Affiliation) Label() string {
	switch a {
	case AffiliationNone:
		return "未归属单位"
	case AffiliationPending:
		return "待单位确认"
	case AffiliationConfirmed:
		return "已确认"
	}
	return string(a)
}

// Valid reports whether a is a known status.
func (a Affiliation) Valid() bool {
	return a == AffiliationNone || a == AffiliationPending || a == AffiliationConfirmed
}

// Affiliation actions, the names the audit trail and AffiliationMachine use.
const (
	ActionClaim    = "claim"    // the person claims a unit
	ActionWithdraw = "withdraw" // the person takes a pending claim back
	ActionConfirm  = "confirm"  // the unit answers 是
	ActionRefuse   = "refuse"   // the unit answers 否: the claim is released
)

// AffiliationMachine is the person's affiliation workflow. A unit adding a
// person directly stores a confirmed member; no transition moves a
// confirmed member elsewhere, so a person never changes unit silently.
var AffiliationMachine = Machine[Affiliation]{
	{Action: ActionClaim, From: []Affiliation{AffiliationNone}, To: AffiliationPending},
	{Action: ActionWithdraw, From: []Affiliation{AffiliationPending}, To: AffiliationNone},
	{Action: ActionConfirm, From: []Affiliation{AffiliationPending}, To: AffiliationConfirmed},
	{Action: ActionRefuse, From: []Affiliation{AffiliationPending}, To: AffiliationNone},
}

// Person is a professional (专业技术人员). Gender and BirthDate are always
// derived from the ID number, never typed.
type Person struct {
	ID         int64       `json:"id"`
	IDNumber   string      `json:"id_number"`
	Name       string      `json:"name"`
	Gender     string      `json:"gender"`
	BirthDate  string      `json:"birth_date"`
	Ethnicity  string      `json:"ethnicity"`
	Education  string      `json:"education"` // DictEducation code
	Degree     string      `json:"degree"`
	Specialty  string      `json:"specialty"`
	Title      string      `json:"title"`
	TitleLevel string      `json:"title_level"` // DictTitleLevel code
	Post       string      `json:"post"`
	Mobile     string      `json:"mobile"`
	Email      string      `json:"email"`
	UnitID     int64       `json:"unit_id,omitempty"`
	UnitName   string      `json:"unit_name,omitempty"`
	Status     Affiliation `json:"status"`
	HasAccount bool        `json:"has_account"`
	// Dishonest marks a person with a 失信 entry in force today; unit
	// lists fill it in (see CreditService).
	Dishonest bool `json:"dishonest,omitempty"`
	// Notice tells the unit that adding the person resolved an ID number
	// a self-registered account held (see PersonService.AddPerson).
	Notice    string    `json:"notice,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PersonInput is what a unit types in 新增 and 修改 (1.5.2). On 修改 the ID
// number cannot change, and Version must be the one read.
type PersonInput struct {
	IDNumber   string `json:"id_number"`
	Name       string `json:"name"`
	Ethnicity  string `json:"ethnicity"`
	Education  string `json:"education"`
	Degree     string `json:"degree"`
	Specialty  string `json:"specialty"`
	Title      string `json:"title"`
	TitleLevel string `json:"title_level"`
	Post       string `json:"post"`
	Mobile     string `json:"mobile"`
	Email      string `json:"email"`
	Version    int64  `json:"version,omitempty"`
	// CreateAccount makes the person's login (username = ID number) with
	// Password, to be changed at the first login. Ignored when the person
	// already has one.
	CreateAccount bool   `json:"create_account,omitempty"`
	Password      string `json:"password,omitempty"`
}

// Normalize trims every field and normalises the ID number.
func (in *PersonInput) Normalize() {
	in.IDNumber = NormalizeIDNumber(in.IDNumber)
	for _, s := range []*string{&in.Name, &in.Ethnicity, &in.Education, &in.Degree, &in.Specialty,
		&in.Title, &in.TitleLevel, &in.Post, &in.Mobile, &in.Email} {
		*s = strings.TrimSpace(*s)
	}
}

// Validate normalises in and reports every field problem at once; today
// bounds the birth date in the ID number. Dictionary codes are checked by
// the store, which holds the dictionaries.
func (in *PersonInput) Validate(today time.Time) (IDInfo, error) {
	in.Normalize()
	f := Fields{}
	info, msg := ParseIDNumber(in.IDNumber, today)
	f.Add("id_number", msg)
	f.Add("name", CheckText(in.Name, 50, "姓名"))
	f.Add("ethnicity", checkOptional(in.Ethnicity, 20, "民族"))
	f.Add("degree", checkOptional(in.Degree, 20, "学位"))
	f.Add("specialty", checkOptional(in.Specialty, 50, "所学专业"))
	f.Add("title", checkOptional(in.Title, 50, "职称"))
	f.Add("post", checkOptional(in.Post, 50, "岗位"))
	f.Check(in.Title == "" && in.TitleLevel != "", "title", "填写职称级别时请同时填写职称")
	if in.Mobile != "" {
		f.Add("mobile", CheckMobile(in.Mobile))
	}
	if in.Email != "" {
		f.Add("email", CheckEmail(in.Email))
	}
	if in.CreateAccount {
		f.Add("password", CheckPassword(in.Password))
	}
	return info, f.Err()
}

// checkOptional allows blank, else bounds the length.
func checkOptional(s string, max int, label string) string {
	if utf8.RuneCountInString(s) > max {
		return label + "过长"
	}
	return ""
}

// NormalizeIDNumber trims an ID number, turns full-width characters (an
// input method left in full-width mode) into ASCII and upper-cases the
// check character; ID numbers are stored and compared in this form.
func NormalizeIDNumber(s string) string { return strings.ToUpper(NormalizeInput(s)) }

// PersonRegistration is a person's self-registration; the login name is
// the ID number.
type PersonRegistration struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	Mobile   string `json:"mobile"`
	Password string `json:"password"`
}

// Validate normalises r and reports every field problem at once.
func (r *PersonRegistration) Validate(today time.Time) (IDInfo, error) {
	r.IDNumber = NormalizeIDNumber(r.IDNumber)
	r.Name = strings.TrimSpace(r.Name)
	r.Mobile = strings.TrimSpace(r.Mobile)
	f := Fields{}
	info, msg := ParseIDNumber(r.IDNumber, today)
	f.Add("id_number", msg)
	f.Add("name", CheckText(r.Name, 50, "姓名"))
	f.Add("mobile", CheckMobile(r.Mobile))
	f.Add("password", CheckPassword(r.Password))
	return info, f.Err()
}

// ContactUpdate is what a person may change of their own record.
type ContactUpdate struct {
	Mobile  string `json:"mobile"`
	Email   string `json:"email"`
	Version int64  `json:"version"`
}

// Validate trims the fields; the mobile is required, the e-mail optional.
func (c *ContactUpdate) Validate() error {
	c.Mobile, c.Email = strings.TrimSpace(c.Mobile), strings.TrimSpace(c.Email)
	f := Fields{}
	f.Add("mobile", CheckMobile(c.Mobile))
	if c.Email != "" {
		f.Add("email", CheckEmail(c.Email))
	}
	return f.Err()
}

// UnitBrief is what a person sees of a unit when choosing one to claim.
type UnitBrief struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	USCC       string `json:"uscc"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
}

// UnitSearch looks approved units up by part of the name or the start of
// the USCC.
type UnitSearch struct {
	Query string `json:"q"`
	PageRequest
}

// Claim asks a unit to confirm the caller as its member; Version is the
// caller's person record as read.
type Claim struct {
	UnitID  int64 `json:"unit_id"`
	Version int64 `json:"version"`
}

// Withdrawal takes back the caller's pending claim.
type Withdrawal struct {
	Version int64 `json:"version"`
}

// PersonFilter narrows a unit's person list. Name matches a prefix or any
// part; IDNumber a prefix; Title a part; Status exactly.
type PersonFilter struct {
	Name     string      `json:"name"`
	IDNumber string      `json:"id_number"`
	Title    string      `json:"title"`
	Status   Affiliation `json:"status"`
	PageRequest
}

// Decision is a unit's 是 or 否 on a claim.
type Decision string

const (
	DecisionAccept Decision = "accept" // 是: the person belongs to the unit
	DecisionRefuse Decision = "refuse" // 否: the claim is released
)

// Action is the affiliation action the decision takes.
func (d Decision) Action() (string, bool) {
	switch d {
	case DecisionAccept:
		return ActionConfirm, true
	case DecisionRefuse:
		return ActionRefuse, true
	}
	return "", false
}

// AffiliationDecision is one 是/否.
type AffiliationDecision struct {
	Decision Decision `json:"decision"`
}

// MaxBatch bounds the ids of one batch decision: a screenful or a few, not
// an unbounded transaction.
const MaxBatch = 500

// AffiliationBatch is 人员确认 over ticked rows: one decision for all.
type AffiliationBatch struct {
	IDs      []int64  `json:"ids"`
	Decision Decision `json:"decision"`
}

// Validate checks the decision and the size of the batch.
func (b AffiliationBatch) Validate() error {
	f := Fields{}
	if _, ok := b.Decision.Action(); !ok {
		f.Add("decision", "请选择“是”或“否”")
	}
	f.Check(len(b.IDs) == 0, "ids", "请先勾选人员")
	f.Check(len(b.IDs) > MaxBatch, "ids", "一次最多确认500人")
	return f.Err()
}

// Skipped is an id a batch left alone, and why.
type Skipped struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// AffiliationSummary is what a batch changed: every id given is either in
// Changed or in Skipped.
type AffiliationSummary struct {
	Decision Decision  `json:"decision"`
	Changed  []Person  `json:"changed"`
	Skipped  []Skipped `json:"skipped"`
}

// PersonService is the persons module: the person's own record and claim
// (role person), and the unit's 专业技术人员信息确认 and 维护 (role unit).
// A unit sees only persons whose record points at it (pending or
// confirmed); any other id answers not_found.
type PersonService interface {
	// RegisterPerson creates a person with a login named by the ID number;
	// the first login forces a password change. Public.
	// Errors: invalid, conflict (ID number registered, as a field error).
	RegisterPerson(ctx context.Context, r PersonRegistration) error
	// MyPerson returns the caller's own record. Errors: forbidden, not_found.
	MyPerson(ctx context.Context) (Person, error)
	// UpdateMyContact changes the caller's mobile and e-mail.
	// Errors: invalid, conflict (stale version).
	UpdateMyContact(ctx context.Context, c ContactUpdate) (Person, error)
	// SearchUnits lists approved units matching the query, by name.
	SearchUnits(ctx context.Context, q UnitSearch) (Page[UnitBrief], error)
	// ClaimUnit makes the caller's affiliation pending at an approved unit.
	// Errors: not_found (no such approved unit), conflict (already pending
	// or confirmed, or stale version).
	ClaimUnit(ctx context.Context, c Claim) (Person, error)
	// WithdrawClaim releases the caller's pending claim.
	// Errors: conflict (nothing pending, or stale version).
	WithdrawClaim(ctx context.Context, w Withdrawal) (Person, error)

	// ListPersons pages the unit's persons, filtered. Errors: invalid (status).
	ListPersons(ctx context.Context, f PersonFilter) (Page[Person], error)
	// GetPerson reads one of the unit's persons. Errors: not_found.
	GetPerson(ctx context.Context, id int64) (Person, error)
	// AddPerson stores a confirmed member (新增). Errors: invalid, conflict
	// (ID number already in this or another unit, or registered by its
	// holder: a field error on id_number).
	AddPerson(ctx context.Context, in PersonInput) (Person, error)
	// UpdatePerson changes a confirmed member (修改). Errors: invalid,
	// not_found, conflict (stale version, or not yet confirmed).
	UpdatePerson(ctx context.Context, id int64, in PersonInput) (Person, error)
	// DecideAffiliation answers one pending claim with 是 or 否.
	// Errors: invalid, not_found, conflict (not pending).
	DecideAffiliation(ctx context.Context, id int64, d AffiliationDecision) (Person, error)
	// DecideAffiliations answers many claims in one transaction; ids that
	// are not pending claims on the unit are reported as skipped.
	// Errors: invalid.
	DecideAffiliations(ctx context.Context, b AffiliationBatch) (AffiliationSummary, error)
}
