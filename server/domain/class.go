package domain

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Class status actions, ClassMachine's names (班级状态: 开班, 结班, 取消).
const (
	ClassActionOpen   = "open"
	ClassActionClose  = "close"
	ClassActionCancel = "cancel"
)

// ClassActionLabel is the action's Chinese name.
func ClassActionLabel(action string) string {
	switch action {
	case ClassActionOpen:
		return "开班"
	case ClassActionClose:
		return "结班"
	case ClassActionCancel:
		return "取消"
	}
	return action
}

// ClassRefusal says why action cannot apply to a class in state s, or ""
// when ClassMachine allows it.
func ClassRefusal(s ClassStatus, action string) string {
	if _, ok := ClassMachine.Next(s, action); ok {
		return ""
	}
	switch {
	case action != ClassActionOpen && action != ClassActionClose && action != ClassActionCancel:
		return "未知的班级操作"
	case s == ClassClosed:
		return "培训班已结班，不能" + ClassActionLabel(action)
	case s == ClassCancelled:
		return "培训班已取消，不能" + ClassActionLabel(action)
	case action == ClassActionOpen:
		return "培训班已开班"
	}
	return "培训班尚未开班，不能结班"
}

// ClassQuery filters the unit's classes of approved plans (the 培训班 modules).
type ClassQuery struct {
	Status ClassStatus `json:"status"`
	Year   int         `json:"year"`
	// Name matches part of the class's or the plan's name.
	Name string `json:"name"`
	PageRequest
}

// ClassStatusChange is 班级状态 over ticked classes: one action for all.
type ClassStatusChange struct {
	IDs    []int64 `json:"ids"`
	Action string  `json:"action"`
}

// Validate checks the action and the size of the batch.
func (c ClassStatusChange) Validate() error {
	f := Fields{}
	switch c.Action {
	case ClassActionOpen, ClassActionClose, ClassActionCancel:
	default:
		f.Add("action", "请选择开班、结班或取消")
	}
	f.Check(len(c.IDs) == 0, "ids", "请先勾选培训班")
	f.Check(len(c.IDs) > MaxBatch, "ids", fmt.Sprintf("一次最多处理%d个培训班", MaxBatch))
	return f.Err()
}

// ClassStatusSummary is what a 班级状态 batch did: every id given is
// either changed or skipped with the reason. Credited counts the records
// closing created; Notes name passing trainees not credited because they
// already hold a record of the same training.
type ClassStatusSummary struct {
	Action   string    `json:"action"`
	Changed  []Class   `json:"changed"`
	Skipped  []Skipped `json:"skipped"`
	Credited int       `json:"credited"`
	Notes    []string  `json:"notes"`
}

// EnrollmentStatus is whether a trainee is still in the class.
type EnrollmentStatus string

const (
	EnrollmentActive    EnrollmentStatus = "active"
	EnrollmentCancelled EnrollmentStatus = "cancelled"
)

// Label is the status's Chinese name.
func (s EnrollmentStatus) Label() string {
	if s == EnrollmentCancelled {
		return "已取消"
	}
	return "已录入"
}

// Result is a trainee's 考核结果.
type Result string

const (
	ResultNone Result = ""
	ResultPass Result = "pass" // 合格
	ResultFail Result = "fail" // 不合格
)

// Label is the result's Chinese name.
func (r Result) Label() string {
	switch r {
	case ResultPass:
		return "合格"
	case ResultFail:
		return "不合格"
	}
	return "未录入"
}

// Enrollment is one trainee of a class (培训人员录入) with the assessment.
type Enrollment struct {
	ID         int64            `json:"id"`
	ClassID    int64            `json:"class_id"`
	PersonID   int64            `json:"person_id"`
	PersonName string           `json:"person_name"`
	IDNumber   string           `json:"id_number"`
	Title      string           `json:"title"`
	Status     EnrollmentStatus `json:"status"`
	Score      *int             `json:"score"`
	Result     Result           `json:"result"`
	Version    int64            `json:"version"`
	CreatedAt  time.Time        `json:"created_at"`
	Dishonest  bool             `json:"dishonest,omitempty"` // the person has an active 失信 entry
}

// ScoreText is the score for display, "" when none.
func (e Enrollment) ScoreText() string {
	if e.Score == nil {
		return ""
	}
	return strconv.Itoa(*e.Score)
}

// Candidate is a confirmed member of the unit as 详细 lists them for a
// class; Enrolled marks an active enrollment in that class.
type Candidate struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	IDNumber  string `json:"id_number"`
	Title     string `json:"title"`
	Post      string `json:"post"`
	Enrolled  bool   `json:"enrolled"`
	Dishonest bool   `json:"dishonest,omitempty"` // the person has an active 失信 entry
}

// CandidateFilter narrows the candidates: Name matches part of the name,
// IDNumber a prefix.
type CandidateFilter struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	PageRequest
}

// EnrollRequest is 录入 of ticked persons; all are enrolled or none.
type EnrollRequest struct {
	PersonIDs []int64 `json:"person_ids"`
}

// Validate requires at least one person and bounds the batch.
func (r EnrollRequest) Validate() error {
	f := Fields{}
	f.Check(len(r.PersonIDs) == 0, "person_ids", "请先勾选人员")
	f.Check(len(r.PersonIDs) > MaxClassCapacity, "person_ids", fmt.Sprintf("一次最多录入%d人", MaxClassCapacity))
	return f.Err()
}

// ResultEntry is one trainee's 成绩 and 考核结果 on the version read; a nil
// score and ResultNone clear them.
type ResultEntry struct {
	EnrollmentID int64  `json:"enrollment_id"`
	Score        *int   `json:"score"`
	Result       Result `json:"result"`
	Version      int64  `json:"version"`
}

// ResultSheet is 成绩/考核结果录入 for a class, saved together.
type ResultSheet struct {
	Entries []ResultEntry `json:"entries"`
}

// Validate reports every entry's problems at once, keyed like
// "entries[2].score".
func (s ResultSheet) Validate() error {
	f := Fields{}
	f.Check(len(s.Entries) == 0, "entries", "没有要保存的成绩")
	f.Check(len(s.Entries) > MaxClassCapacity, "entries", "成绩条目过多")
	for i, e := range s.Entries {
		key := fmt.Sprintf("entries[%d].", i)
		f.Check(e.Score != nil && (*e.Score < 0 || *e.Score > 100), key+"score", "成绩应为0至100的整数")
		f.Check(e.Result != ResultNone && e.Result != ResultPass && e.Result != ResultFail, key+"result", "考核结果只能是合格或不合格")
	}
	return f.Err()
}

// AttendanceMark is a trainee's mark for one session (考勤).
type AttendanceMark string

const (
	MarkNone    AttendanceMark = "" // 普通考勤 not yet set
	MarkPresent AttendanceMark = "present"
	MarkLate    AttendanceMark = "late"
	MarkEarly   AttendanceMark = "early"
	MarkLeave   AttendanceMark = "leave"
	MarkAbsent  AttendanceMark = "absent"
)

// Marks lists the marks an operator can set, in menu order.
var Marks = []AttendanceMark{MarkPresent, MarkLate, MarkEarly, MarkLeave, MarkAbsent}

// Label is the mark's Chinese name.
func (m AttendanceMark) Label() string {
	switch m {
	case MarkPresent:
		return "出勤"
	case MarkLate:
		return "迟到"
	case MarkEarly:
		return "早退"
	case MarkLeave:
		return "请假"
	case MarkAbsent:
		return "缺勤"
	}
	return "未设置"
}

// Valid reports whether m is a mark an operator can set.
func (m AttendanceMark) Valid() bool {
	for _, x := range Marks {
		if m == x {
			return true
		}
	}
	return false
}

// Attended reports whether the trainee was there: late arrivals and early
// leavers were, if not for all of it.
func (m AttendanceMark) Attended() bool {
	return m == MarkPresent || m == MarkLate || m == MarkEarly
}

// AttendanceSession is one 考勤时间 of a class.
type AttendanceSession struct {
	ID      int64  `json:"id"`
	ClassID int64  `json:"class_id"`
	Date    string `json:"date"`
	Start   string `json:"start"` // HH:MM
	End     string `json:"end"`
	Marked  int    `json:"marked"` // trainees with a mark
}

var clockRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// SessionInput is 录入考勤时间.
type SessionInput struct {
	Date  string `json:"date"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// Validate normalises in and reports every field problem at once; the
// store checks the date against the class's period.
func (in *SessionInput) Validate() error {
	in.Date, in.Start, in.End = NormalizeInput(in.Date), NormalizeInput(in.Start), NormalizeInput(in.End)
	f := Fields{}
	_, msg := ParseDate(in.Date)
	f.Add("date", msg)
	f.Check(!clockRe.MatchString(in.Start), "start", "开始时间应为 HH:MM")
	f.Check(!clockRe.MatchString(in.End), "end", "结束时间应为 HH:MM")
	f.Check(clockRe.MatchString(in.Start) && clockRe.MatchString(in.End) && in.Start >= in.End, "end", "结束时间应晚于开始时间")
	return f.Err()
}

// MarkRequest sets one mark for some trainees of a session (the
// exceptions after 普通考勤).
type MarkRequest struct {
	EnrollmentIDs []int64        `json:"enrollment_ids"`
	Mark          AttendanceMark `json:"mark"`
}

// Validate requires a mark and at least one trainee.
func (r MarkRequest) Validate() error {
	f := Fields{}
	f.Check(!r.Mark.Valid(), "mark", "请选择考勤结果")
	f.Check(len(r.EnrollmentIDs) == 0, "enrollment_ids", "请先勾选人员")
	f.Check(len(r.EnrollmentIDs) > MaxClassCapacity, "enrollment_ids", "勾选人数过多")
	return f.Err()
}

// AttendanceRow is one trainee's line of the sheet: Marks follow the
// sheet's sessions.
type AttendanceRow struct {
	EnrollmentID int64            `json:"enrollment_id"`
	PersonName   string           `json:"person_name"`
	IDNumber     string           `json:"id_number"`
	Status       EnrollmentStatus `json:"status"`
	Marks        []AttendanceMark `json:"marks"`
	Dishonest    bool             `json:"dishonest,omitempty"` // the person has an active 失信 entry
}

// Tally counts the sessions the trainee has a mark for and those attended.
func (r AttendanceRow) Tally() (attended, recorded int) {
	for _, m := range r.Marks {
		if m != MarkNone {
			recorded++
		}
		if m.Attended() {
			attended++
		}
	}
	return attended, recorded
}

// Rate is the attendance rate over the sessions recorded for the
// trainee, as "87.5%", or "—" before any.
func (r AttendanceRow) Rate() string {
	attended, recorded := r.Tally()
	if recorded == 0 {
		return "—"
	}
	pct := strconv.FormatFloat(float64(attended)*100/float64(recorded), 'f', 1, 64)
	return strings.TrimSuffix(pct, ".0") + "%"
}

// AttendanceSheet is 考勤查看: every trainee (active ones first) against
// every session of the class, in date order.
type AttendanceSheet struct {
	Sessions []AttendanceSession `json:"sessions"`
	Rows     []AttendanceRow     `json:"rows"`
}

// ClassService is the 培训班 modules of a unit (1.4): 培训班设置,
// 培训班考勤设置 and 培训人员录入, over the classes of its approved plans.
// Another unit's class, enrollment or session answers not_found.
type ClassService interface {
	// ListClasses pages the unit's classes of approved plans, newest plan
	// first. Errors: invalid (status).
	ListClasses(ctx context.Context, q ClassQuery) (Page[Class], error)
	// GetClass reads one of the unit's classes (of any plan) with its
	// teachers and subjects. Errors: not_found.
	GetClass(ctx context.Context, id int64) (ClassDetail, error)
	// ChangeClassStatus applies 开班, 结班 or 取消 to each class it can and
	// says why it skipped the others (ClassRefusal; 结班 also needs a
	// result for every active trainee). Closing credits every passing
	// trainee with one effective record, exactly once. Errors: invalid.
	ChangeClassStatus(ctx context.Context, c ClassStatusChange) (ClassStatusSummary, error)

	// ListCandidates pages the unit's confirmed persons for 详细.
	ListCandidates(ctx context.Context, classID int64, f CandidateFilter) (Page[Candidate], error)
	// ListEnrollments lists the class's trainees, active first (a class
	// holds at most MaxClassCapacity). Errors: not_found.
	ListEnrollments(ctx context.Context, classID int64) ([]Enrollment, error)
	// Enroll adds persons to an open class, all or none. Errors: invalid,
	// not_found (a person not a confirmed member of the unit), conflict
	// (class not open, over capacity, already enrolled).
	Enroll(ctx context.Context, classID int64, r EnrollRequest) ([]Enrollment, error)
	// CancelEnrollment takes a trainee out until the class is closed.
	// Errors: not_found, conflict (stale version, already cancelled, class
	// closed or cancelled).
	CancelEnrollment(ctx context.Context, id int64, v VersionRef) (Enrollment, error)
	// SaveResults stores 成绩 and 考核结果 of an open class's active
	// trainees. Errors: invalid, not_found, conflict (stale version, class
	// not open, trainee cancelled).
	SaveResults(ctx context.Context, classID int64, s ResultSheet) ([]Enrollment, error)

	// AddSession records 考勤时间 on an open class, within its period.
	// Errors: invalid, not_found, conflict (class not open, same start).
	AddSession(ctx context.Context, classID int64, in SessionInput) (AttendanceSession, error)
	// SetNormalAttendance (设置普通考勤) marks present every active trainee
	// without a mark for the session. Errors: not_found, conflict.
	SetNormalAttendance(ctx context.Context, sessionID int64) (AttendanceSession, error)
	// MarkAttendance sets one mark for some active trainees of a session.
	// Errors: invalid, not_found, conflict (class not open).
	MarkAttendance(ctx context.Context, sessionID int64, r MarkRequest) (AttendanceSession, error)
	// AttendanceSheet is 考勤查看. Errors: not_found.
	AttendanceSheet(ctx context.Context, classID int64) (AttendanceSheet, error)
}
