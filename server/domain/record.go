package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// EntityRecord is the audit entity, and the attachment owner type, of a
// continuing-education record (继续教育记录).
const EntityRecord = "record"

// DefaultDailyCap is the most hours one day of training earns when the
// year has no requirement row (SPEC §5.6: 8 a day).
const DefaultDailyCap Hours = 8 * 2

// Record is one continuing-education record (SPEC §5.6). UnitID is the
// unit that owns and reviews it: the person's unit when it was declared.
// Names are filled in for display.
type Record struct {
	ID              int64        `json:"id"`
	PersonID        int64        `json:"person_id"`
	PersonName      string       `json:"person_name"`
	IDNumber        string       `json:"id_number"`
	UnitID          int64        `json:"unit_id"`
	UnitName        string       `json:"unit_name"`
	Category        string       `json:"category"` // DictCategory code
	Form            string       `json:"form"`     // DictForm code
	Title           string       `json:"title"`
	Organizer       string       `json:"organizer"`
	StartDate       string       `json:"start_date"`
	EndDate         string       `json:"end_date"`
	Year            int          `json:"year"` // of the end date
	Hours           Hours        `json:"hours"`
	Remark          string       `json:"remark"`
	Source          RecordSource `json:"source"`
	Status          RecordStatus `json:"status"`
	InstitutionID   int64        `json:"institution_id,omitempty"`
	InstitutionName string       `json:"institution_name,omitempty"`
	ClassID         int64        `json:"class_id,omitempty"`
	// ReviewComment is the unit's last word on a submitted record (the
	// reason of a return or a rejection); cleared when it is submitted
	// again. The history keeps every one.
	ReviewComment string     `json:"review_comment,omitempty"`
	ReviewedAt    *time.Time `json:"reviewed_at,omitempty"`
	EffectiveAt   *time.Time `json:"effective_at,omitempty"`
	Attachments   int        `json:"attachments"`
	Version       int64      `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// Dishonest marks the person's active 失信 entry in a unit's lists.
	Dishonest bool `json:"dishonest,omitempty"`
}

// Editable reports whether the declarer may still change the record and
// its attachments: a draft, or a submission the unit sent back.
func (s RecordStatus) Editable() bool { return s == RecordDraft || s == RecordReturned }

// Reviewed reports whether records from source go through the unit's
// 继续教育记录认定 (SubmittedRecordMachine) rather than being confirmed by
// their unit (UnitRecordMachine) or stored effective (classes, imports).
func (s RecordSource) Reviewed() bool { return s == SourcePerson || s == SourceInstitution }

// RecordMachineFor is the workflow of records from source; classes and
// imports store effective records, which no action moves.
func RecordMachineFor(s RecordSource) Machine[RecordStatus] {
	switch s {
	case SourceUnit:
		return UnitRecordMachine
	case SourcePerson, SourceInstitution:
		return SubmittedRecordMachine
	}
	return nil
}

// Field keys of a record form, as field errors name them.
const (
	RecordFieldPerson    = "person_id" // the unit's choice of one of its persons
	RecordFieldIDNumber  = "id_number" // an institution names the person by ID number …
	RecordFieldName      = "name"      // … and name, which must match
	RecordFieldCategory  = "category"
	RecordFieldForm      = "form"
	RecordFieldTitle     = "title"
	RecordFieldOrganizer = "organizer"
	RecordFieldStart     = "start_date"
	RecordFieldEnd       = "end_date"
	RecordFieldHours     = "hours"
	RecordFieldRemark    = "remark"
)

// Length limits of the record's text fields, in characters.
const (
	RecordTitleMax     = 200
	RecordOrganizerMax = 100
	RecordRemarkMax    = 500
)

// RecordInput is what a declarer types (添加培训记录, 学时申报). Who the
// record is about depends on the role: a unit picks PersonID among its
// confirmed persons, an institution gives IDNumber and Name, a person
// declares for itself and leaves all three empty. On updates Version must
// be the one read.
type RecordInput struct {
	PersonID  int64  `json:"person_id,omitempty"`
	IDNumber  string `json:"id_number,omitempty"`
	Name      string `json:"name,omitempty"`
	Category  string `json:"category"`
	Form      string `json:"form"`
	Title     string `json:"title"`
	Organizer string `json:"organizer"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Hours     Hours  `json:"hours"`
	Remark    string `json:"remark"`
	Version   int64  `json:"version,omitempty"`
}

// Normalize trims every field and converts full-width characters in the
// identifiers and dates (as IMEs and spreadsheets produce them).
func (in *RecordInput) Normalize() {
	in.IDNumber = NormalizeIDNumber(NormalizeInput(in.IDNumber))
	in.StartDate, in.EndDate = NormalizeInput(in.StartDate), NormalizeInput(in.EndDate)
	in.Category, in.Form = strings.TrimSpace(in.Category), strings.TrimSpace(in.Form)
	for _, s := range []*string{&in.Name, &in.Title, &in.Organizer, &in.Remark} {
		*s = strings.TrimSpace(*s)
	}
}

// Validate normalises in and checks the record's own fields against the
// rules of SPEC §5.6: dates not after today (the China date), start not
// after end, hours above zero and within dailyCap for each day. Who the
// record is about, the form's dictionary code and duplicates are the
// store's to check.
func (in *RecordInput) Validate(today time.Time, dailyCap Hours) error {
	in.Normalize()
	f := Fields{}
	f.Add(RecordFieldCategory, CheckRecordCategory(in.Category))
	f.Check(in.Form == "", RecordFieldForm, "请选择培训形式")
	f.Add(RecordFieldTitle, CheckText(in.Title, RecordTitleMax, "培训内容"))
	f.Add(RecordFieldOrganizer, checkOptional(in.Organizer, RecordOrganizerMax, "主办单位"))
	f.Add(RecordFieldRemark, checkOptional(in.Remark, RecordRemarkMax, "备注"))
	startMsg, endMsg := CheckRecordDates(in.StartDate, in.EndDate, today)
	f.Add(RecordFieldStart, startMsg)
	f.Add(RecordFieldEnd, endMsg)
	if startMsg == "" && endMsg == "" {
		f.Add(RecordFieldHours, CheckRecordHours(in.Hours, in.StartDate, in.EndDate, dailyCap))
	} else {
		f.Add(RecordFieldHours, CheckRecordHours(in.Hours, "", "", 0))
	}
	return f.Err()
}

// CheckRecordCategory requires one of the three categories.
func CheckRecordCategory(code string) string {
	switch code {
	case CategoryPublic, CategoryProfessional, CategoryElective:
		return ""
	case "":
		return "请选择科目类别"
	}
	return "科目类别无效，请重新选择"
}

// CheckRecordDates validates a record's period: both dates real, start not
// after end, end not after today. It returns the messages for the start
// and the end date.
func CheckRecordDates(start, end string, today time.Time) (startMsg, endMsg string) {
	s, startMsg := ParseDate(start)
	e, endMsg := ParseDate(end)
	if startMsg != "" {
		startMsg = strings.Replace(startMsg, "日期", "开始日期", 1)
	}
	if endMsg != "" {
		endMsg = strings.Replace(endMsg, "日期", "结束日期", 1)
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if startMsg == "" && s.After(day) {
		startMsg = "开始日期不能晚于今天"
	}
	if endMsg == "" && e.After(day) {
		endMsg = "结束日期不能晚于今天"
	}
	if startMsg == "" && endMsg == "" && s.After(e) {
		endMsg = "结束日期不能早于开始日期"
	}
	return startMsg, endMsg
}

// RecordDays is the number of calendar days from start to end inclusive,
// or 0 when the dates are invalid or reversed.
func RecordDays(start, end string) int {
	s, m1 := ParseDate(start)
	e, m2 := ParseDate(end)
	if m1 != "" || m2 != "" || s.After(e) {
		return 0
	}
	return int(e.Sub(s).Hours()/24) + 1
}

// RecordYear is the year a record counts for: its end date's, or 0 when
// the date is not valid.
func RecordYear(end string) int {
	e, msg := ParseDate(NormalizeInput(end))
	if msg != "" {
		return 0
	}
	return e.Year()
}

// CheckRecordHours requires hours above zero and, when the period is
// valid and dailyCap is positive, at most dailyCap for each of its days.
func CheckRecordHours(h Hours, start, end string, dailyCap Hours) string {
	switch {
	case h == 0:
		return "请填写学时"
	case h < 0:
		return "学时应大于0"
	}
	days := RecordDays(start, end)
	if days == 0 || dailyCap <= 0 {
		return ""
	}
	if limit := dailyCap * Hours(days); h > limit {
		return fmt.Sprintf("学时超过上限：每天最多%s学时，%d天最多%s学时", dailyCap, days, limit)
	}
	return ""
}

// RecordFilter narrows a list of records. Person matches part of the name
// or the start of the ID number; From and To bound the training period
// (start date on or after From, end date on or before To).
type RecordFilter struct {
	Person   string       `json:"person"`
	Source   RecordSource `json:"source"`
	Status   RecordStatus `json:"status"`
	Category string       `json:"category"`
	Year     int          `json:"year"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	PageRequest
}

// Validate normalises the filter and checks its codes and dates.
func (f *RecordFilter) Validate() error {
	f.Person = NormalizeInput(f.Person)
	f.From, f.To = NormalizeInput(f.From), NormalizeInput(f.To)
	fields := Fields{}
	switch f.Source {
	case "", SourceUnit, SourcePerson, SourceInstitution, SourceClass, SourceImport:
	default:
		fields.Add("source", "来源无效")
	}
	switch f.Status {
	case "", RecordDraft, RecordSubmitted, RecordEffective, RecordRejected, RecordReturned:
	default:
		fields.Add("status", "状态无效")
	}
	if f.Category != "" {
		fields.Add("category", CheckRecordCategory(f.Category))
	}
	fields.Check(f.Year < 0 || f.Year > 9999, "year", "年度无效")
	for key, v := range map[string]string{"from": f.From, "to": f.To} {
		if v != "" {
			if _, msg := ParseDate(v); msg != "" {
				fields.Add(key, msg)
			}
		}
	}
	return fields.Err()
}

// RecordDecision is the unit's verdict on a submitted record (1.6.3).
type RecordDecision string

const (
	RecordApprove RecordDecision = "approve" // 同意: the record takes effect
	RecordReject  RecordDecision = "reject"  // 不同意并结案: final
	RecordReturn  RecordDecision = "return"  // 不同意并退案: back to the submitter
)

// RecordDecisions lists the verdicts in the manual's order.
var RecordDecisions = []RecordDecision{RecordApprove, RecordReject, RecordReturn}

// Label is the decision as the manual words it.
func (d RecordDecision) Label() string {
	switch d {
	case RecordApprove:
		return "同意"
	case RecordReject:
		return "不同意并结案"
	case RecordReturn:
		return "不同意并退案"
	}
	return string(d)
}

// RecordReviewCommentMax bounds a review comment.
const RecordReviewCommentMax = 500

// RecordReview is one 审核 on the version the unit read. A reason is
// required to reject or return.
type RecordReview struct {
	Decision RecordDecision `json:"decision"`
	Comment  string         `json:"comment"`
	Version  int64          `json:"version"`
}

// Validate trims the comment and checks the decision and the reason.
func (r *RecordReview) Validate() error {
	r.Comment = strings.TrimSpace(r.Comment)
	f := Fields{}
	switch r.Decision {
	case RecordApprove:
	case RecordReject, RecordReturn:
		f.Check(r.Comment == "", "comment", "请填写不同意的理由")
	default:
		f.Add("decision", "请选择同意、不同意并结案或不同意并退案")
	}
	f.Check(utf8.RuneCountInString(r.Comment) > RecordReviewCommentMax, "comment", "审核意见不能超过500字")
	return f.Err()
}

// RecordBatchApproval is 批量审核: approve the ticked records, which must
// be institution-submitted, in one transaction.
type RecordBatchApproval struct {
	IDs     []int64 `json:"ids"`
	Comment string  `json:"comment"`
}

// Validate trims the comment and bounds the batch.
func (b *RecordBatchApproval) Validate() error {
	b.Comment = strings.TrimSpace(b.Comment)
	f := Fields{}
	f.Check(len(b.IDs) == 0, "ids", "请先勾选记录")
	f.Check(len(b.IDs) > MaxBatch, "ids", fmt.Sprintf("一次最多审核%d条记录", MaxBatch))
	f.Check(utf8.RuneCountInString(b.Comment) > RecordReviewCommentMax, "comment", "审核意见不能超过500字")
	return f.Err()
}

// RecordBatchSummary is what a batch did: every id given is either in
// Approved or in Skipped, with the reason.
type RecordBatchSummary struct {
	Approved []Record  `json:"approved"`
	Skipped  []Skipped `json:"skipped"`
}

// RecordPerson is a confirmed member of the unit, as the person picker of
// 添加培训记录 shows it.
type RecordPerson struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Title    string `json:"title"`
}

// RecordPersonSearch looks the unit's confirmed persons up by part of the
// name or the start of the ID number.
type RecordPersonSearch struct {
	Query string `json:"q"`
	PageRequest
}

// YearHours is a person's hours of one year by category, from effective
// records only, beside the year's requirement (SPEC §5.7).
type YearHours struct {
	Year         int   `json:"year"`
	Public       Hours `json:"public"`
	Professional Hours `json:"professional"`
	Elective     Hours `json:"elective"`
	Total        Hours `json:"total"`
	Records      int   `json:"records"` // effective records counted

	RequiredTotal        Hours `json:"required_total"`
	RequiredPublic       Hours `json:"required_public"`
	RequiredProfessional Hours `json:"required_professional"`
}

// Add counts h hours of category.
func (y *YearHours) Add(category string, h Hours) {
	switch category {
	case CategoryPublic:
		y.Public += h
	case CategoryProfessional:
		y.Professional += h
	case CategoryElective:
		y.Elective += h
	}
	y.Total += h
}

// Met reports whether the year's requirement is fulfilled.
func (y YearHours) Met() bool {
	return y.Total >= y.RequiredTotal && y.Public >= y.RequiredPublic && y.Professional >= y.RequiredProfessional
}

// RecordService is the records module: a unit's 继续教育记录申报 and
// 继续教育记录认定, a person's 学时申报 and 我的学时, an institution's 学时申报
// and 申报查询.
//
// Scope: a unit sees the records it owns (its persons' records), but not
// the drafts persons and institutions have not sent yet; a person sees
// its own records but other declarers' drafts; an institution sees the
// records it declared. Any other id answers not_found.
type RecordService interface {
	// ListRecords pages the records the caller sees, filtered; submitted
	// ones oldest first (a queue), others newest first.
	// Errors: invalid (filter), forbidden.
	ListRecords(ctx context.Context, f RecordFilter) (Page[Record], error)
	// GetRecord reads one record. Errors: not_found.
	GetRecord(ctx context.Context, id int64) (Record, error)
	// CreateRecord stores a draft declared by the caller. Errors: invalid,
	// not_found (person_id: not a confirmed person of the unit), conflict
	// (duplicate, or a person without a confirmed unit), forbidden.
	CreateRecord(ctx context.Context, in RecordInput) (Record, error)
	// UpdateRecord changes the caller's draft or returned record.
	// Errors: as CreateRecord, and not_found, conflict (stale version,
	// no longer editable).
	UpdateRecord(ctx context.Context, id int64, in RecordInput) (Record, error)
	// DeleteRecord removes the caller's draft and its attachments.
	// Errors: not_found, conflict (not a draft, stale version).
	DeleteRecord(ctx context.Context, id int64, version int64) error
	// ConfirmRecord makes a unit's own draft effective (确认).
	// Errors: not_found, conflict (not a unit draft, stale version).
	ConfirmRecord(ctx context.Context, id int64, version int64) (Record, error)
	// SubmitRecord sends a person's or institution's draft or returned
	// record to the person's unit. Errors: not_found, conflict.
	SubmitRecord(ctx context.Context, id int64, version int64) (Record, error)
	// ReviewRecord approves, rejects or returns a submitted record of the
	// unit's persons. Errors: invalid, not_found, conflict.
	ReviewRecord(ctx context.Context, id int64, r RecordReview) (Record, error)
	// ApproveRecords approves ticked institution-submitted records in one
	// transaction; others are reported as skipped. Errors: invalid.
	ApproveRecords(ctx context.Context, b RecordBatchApproval) (RecordBatchSummary, error)
	// SearchRecordPersons pages the unit's confirmed persons for the
	// person picker. Errors: forbidden.
	SearchRecordPersons(ctx context.Context, q RecordPersonSearch) (Page[RecordPerson], error)
	// MyHours is the calling person's hours per year, newest first: every
	// year with an effective record, and the current year.
	// Errors: forbidden, not_found (no person record).
	MyHours(ctx context.Context) ([]YearHours, error)
}
