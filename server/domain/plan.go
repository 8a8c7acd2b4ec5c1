package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Audit entities of 专业课计划申报 and the 培训班 modules.
const (
	EntityPlan  = "plan"
	EntityClass = "class"
)

// Plan review decisions, PlanMachine's action names.
const (
	PlanApprove = ActionApprove // 同意
	PlanReturn  = ActionReturn  // 不同意并退案: back to the unit to correct
	PlanReject  = "reject"      // 不同意并结案: final
)

// Plan is a unit's 专业课计划 (SPEC §5.4). Names of the unit and course are
// filled in for display; Classes and Attachments are counts.
type Plan struct {
	ID            int64      `json:"id"`
	UnitID        int64      `json:"unit_id"`
	UnitName      string     `json:"unit_name"`
	Year          int        `json:"year"`
	CourseID      int64      `json:"course_id"`
	CourseCode    string     `json:"course_code"`
	CourseName    string     `json:"course_name"`
	Name          string     `json:"name"`
	Audience      string     `json:"audience"`
	Description   string     `json:"description"`
	Status        PlanStatus `json:"status"`
	ReviewComment string     `json:"review_comment,omitempty"`
	Classes       int        `json:"classes"`
	Attachments   int        `json:"attachments"`
	Version       int64      `json:"version"`
	SubmittedAt   time.Time  `json:"submitted_at,omitzero"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// PlanInput is the plan's own form (新申请, 保存). Version is checked when
// saving an existing plan.
type PlanInput struct {
	Year        int    `json:"year"`
	CourseID    int64  `json:"course_id"`
	Name        string `json:"name"`
	Audience    string `json:"audience"`
	Description string `json:"description"`
	Version     int64  `json:"version,omitempty"`
}

// Validate trims in and reports every field problem at once; a plan is for
// last year, this year or next (thisYear is the calendar year in China).
// Whether the course exists and is enabled is the store's check.
func (in *PlanInput) Validate(thisYear int) error {
	in.Name, in.Audience = strings.TrimSpace(in.Name), strings.TrimSpace(in.Audience)
	in.Description = strings.TrimSpace(in.Description)
	f := Fields{}
	f.Check(in.Year < thisYear-1 || in.Year > thisYear+1, "year", fmt.Sprintf("年度应在%d至%d之间", thisYear-1, thisYear+1))
	f.Check(in.CourseID <= 0, "course_id", "请选择专业课程")
	f.Add("name", CheckText(in.Name, 100, "计划名称"))
	f.Add("audience", checkOptional(in.Audience, 200, "培训对象"))
	f.Add("description", checkOptional(in.Description, 1000, "计划说明"))
	return f.Err()
}

// PlanFilter filters a unit's plans, or an authority's review queue (where
// Status "" means every plan sent to review: drafts are the unit's own).
type PlanFilter struct {
	Status PlanStatus `json:"status"`
	Year   int        `json:"year"`
	// Name matches part of the plan's, the course's or (for authorities)
	// the unit's name.
	Name string `json:"name"`
	PageRequest
}

// TeacherRef is a teacher as a class shows it.
type TeacherRef struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	Enabled bool   `json:"enabled"`
}

// Class is a 培训班 of a plan (SPEC §5.4, §5.5). Enrolled counts active
// enrollments; the head teacher is HeadID (0: none chosen).
type Class struct {
	ID         int64       `json:"id"`
	PlanID     int64       `json:"plan_id"`
	UnitID     int64       `json:"unit_id"`
	PlanName   string      `json:"plan_name"`
	PlanStatus PlanStatus  `json:"plan_status"`
	Year       int         `json:"year"`
	CourseName string      `json:"course_name"`
	Name       string      `json:"name"`
	StartDate  string      `json:"start_date"`
	EndDate    string      `json:"end_date"`
	Location   string      `json:"location"`
	Capacity   int         `json:"capacity"`
	Hours      Hours       `json:"hours"`
	Status     ClassStatus `json:"status"`
	HeadID     int64       `json:"head_id,omitempty"`
	HeadName   string      `json:"head_name,omitempty"`
	Enrolled   int         `json:"enrolled"`
	Version    int64       `json:"version"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Subject is a 科目内容 of a class.
type Subject struct {
	ID           int64  `json:"id"`
	ClassID      int64  `json:"class_id"`
	Name         string `json:"name"`
	Hours        Hours  `json:"hours"`
	LecturerID   int64  `json:"lecturer_id"`
	LecturerName string `json:"lecturer_name"`
	Content      string `json:"content"`
}

// ClassDetail is a class with its lecturers and subjects.
type ClassDetail struct {
	Class
	Lecturers []TeacherRef `json:"lecturers"`
	Subjects  []Subject    `json:"subjects"`
}

// SubjectHours is the sum of the subjects' hours.
func (c ClassDetail) SubjectHours() Hours {
	var sum Hours
	for _, s := range c.Subjects {
		sum += s.Hours
	}
	return sum
}

// hasLecturer reports whether teacher id lectures in the class.
func (c ClassDetail) hasLecturer(id int64) bool {
	for _, l := range c.Lecturers {
		if l.ID == id {
			return true
		}
	}
	return false
}

// PlanDetail is a plan with its classes, as the editor and the reviewer
// see it.
type PlanDetail struct {
	Plan
	ClassList []ClassDetail `json:"class_list"`
}

// MaxClassCapacity bounds a class, and so every per-class list, which is
// why enrollments and attendance are read whole.
const MaxClassCapacity = 500

// ClassInput is a class's own fields (新增 培训班, 保存).
type ClassInput struct {
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Location  string `json:"location"`
	Capacity  int    `json:"capacity"`
	Hours     Hours  `json:"hours"`
	Version   int64  `json:"version,omitempty"`
}

// Validate trims in and reports every field problem at once.
func (in *ClassInput) Validate() error {
	in.Name, in.Location = strings.TrimSpace(in.Name), strings.TrimSpace(in.Location)
	in.StartDate, in.EndDate = NormalizeInput(in.StartDate), NormalizeInput(in.EndDate)
	f := Fields{}
	f.Add("name", CheckText(in.Name, 100, "培训班名称"))
	start, msg := ParseDate(in.StartDate)
	f.Add("start_date", msg)
	end, msg := ParseDate(in.EndDate)
	f.Add("end_date", msg)
	f.Check(!start.IsZero() && !end.IsZero() && start.After(end), "end_date", "结束日期不能早于开始日期")
	f.Add("location", CheckText(in.Location, 100, "培训地点"))
	f.Check(in.Capacity < 1 || in.Capacity > MaxClassCapacity, "capacity", fmt.Sprintf("人数上限应为1至%d", MaxClassCapacity))
	f.Add("hours", CheckHoursRange(in.Hours, MaxCourseHours))
	return f.Err()
}

// MaxLecturers bounds 选入教师.
const MaxLecturers = 50

// ClassTeachers is 选入教师 and the head teacher (班主任) together; HeadID 0
// leaves the class without one. Both must be enabled teachers of the unit.
type ClassTeachers struct {
	LecturerIDs []int64 `json:"lecturer_ids"`
	HeadID      int64   `json:"head_id"`
	Version     int64   `json:"version"`
}

// Validate drops repeated ids and bounds the list.
func (t *ClassTeachers) Validate() error {
	seen := map[int64]bool{}
	ids := t.LecturerIDs[:0:0]
	for _, id := range t.LecturerIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	t.LecturerIDs = ids
	f := Fields{}
	f.Check(len(ids) > MaxLecturers, "lecturer_ids", fmt.Sprintf("授课教师最多%d名", MaxLecturers))
	return f.Err()
}

// SubjectInput is 新增科目内容; the lecturer must be one of the class's.
type SubjectInput struct {
	Name       string `json:"name"`
	Hours      Hours  `json:"hours"`
	LecturerID int64  `json:"lecturer_id"`
	Content    string `json:"content"`
}

// Validate trims in and reports every field problem at once.
func (in *SubjectInput) Validate() error {
	in.Name, in.Content = strings.TrimSpace(in.Name), strings.TrimSpace(in.Content)
	f := Fields{}
	f.Add("name", CheckText(in.Name, 100, "科目名称"))
	f.Add("hours", CheckHoursRange(in.Hours, MaxCourseHours))
	f.Check(in.LecturerID <= 0, "lecturer_id", "请选择授课教师")
	f.Add("content", checkOptional(in.Content, 1000, "科目内容"))
	return f.Err()
}

// MsgPlanIncomplete heads the list of what keeps a plan from 送审.
const MsgPlanIncomplete = "计划尚不能送审，请按提示修改"

// SubmitProblems lists everything that keeps the plan from being sent to
// review (SPEC §5.4), at once: field keys name the class by position, such
// as "classes[0].subjects", and every message names the class.
func (d PlanDetail) SubmitProblems() Fields {
	f := Fields{}
	if len(d.ClassList) == 0 {
		f.Add("classes", "请至少新增一个培训班")
	}
	for i, c := range d.ClassList {
		key := fmt.Sprintf("classes[%d].", i)
		label := "培训班“" + c.Name + "”："
		f.Check(len(c.Lecturers) == 0, key+"lecturers", label+"请选入至少一名授课教师")
		f.Check(c.HeadID == 0, key+"head", label+"请选择班主任")
		f.Check(c.StartDate > c.EndDate, key+"dates", label+"开始日期不能晚于结束日期")
		if len(c.Subjects) == 0 {
			f.Add(key+"subjects", label+"请新增科目内容")
			continue
		}
		if sum := c.SubjectHours(); sum != c.Hours {
			f.Add(key+"subjects", fmt.Sprintf("%s科目学时合计%s，应等于培训班学时%s", label, sum, c.Hours))
		}
		for j, s := range c.Subjects {
			f.Check(!c.hasLecturer(s.LecturerID), fmt.Sprintf("%ssubjects[%d].lecturer", key, j),
				label+"科目“"+s.Name+"”的授课教师不在本班授课教师中")
		}
	}
	return f
}

// PlanSubmit sends the plan, as last read, to review.
type PlanSubmit struct {
	Version int64 `json:"version"`
}

// PlanReview is an authority's decision on the version it read: 同意,
// 不同意并退案 (return) or 不同意并结案 (reject), the last two with a reason.
type PlanReview struct {
	Action  string `json:"action"`
	Version int64  `json:"version"`
	Comment string `json:"comment"`
}

// Validate requires a known action and, to return or reject, a reason.
func (r *PlanReview) Validate() error {
	r.Comment = strings.TrimSpace(r.Comment)
	f := Fields{}
	switch r.Action {
	case PlanApprove:
	case PlanReturn, PlanReject:
		f.Check(r.Comment == "", "comment", "请填写不同意的原因")
	default:
		f.Add("action", "审核意见只能是同意、不同意并退案或不同意并结案")
	}
	f.Check(utf8.RuneCountInString(r.Comment) > 500, "comment", "审核意见不能超过500字")
	return f.Err()
}

// PlanService is 专业课计划申报 (units) and 专业课计划审核 (authorities).
//
// Scope: a unit reads and changes its own plans only. An authority reads
// and reviews the plans, never drafts, of units whose region lies within
// its own (domain.InScope); any other id answers not_found. Plans, their
// classes, teachers and subjects change only while the plan is a draft or
// returned (conflict otherwise).
type PlanService interface {
	// ListPlans pages the unit's plans, newest first. Errors: invalid.
	ListPlans(ctx context.Context, q PlanFilter) (Page[Plan], error)
	// GetPlan reads a plan with its classes (unit or reviewing authority).
	// Errors: not_found.
	GetPlan(ctx context.Context, id int64) (PlanDetail, error)
	// CreatePlan stores a draft (新申请). Errors: invalid (course missing or
	// disabled: field course_id).
	CreatePlan(ctx context.Context, in PlanInput) (Plan, error)
	// UpdatePlan saves the plan's own fields. Errors: invalid, not_found,
	// conflict (stale version, not editable).
	UpdatePlan(ctx context.Context, id int64, in PlanInput) (Plan, error)
	// DeletePlan removes a draft that was never sent to review.
	// Errors: not_found, conflict.
	DeletePlan(ctx context.Context, id int64, v VersionRef) error
	// SubmitPlan sends a complete plan to review (送审). Errors: invalid
	// (MsgPlanIncomplete with every problem of SubmitProblems), not_found,
	// conflict (stale version, not editable).
	SubmitPlan(ctx context.Context, id int64, s PlanSubmit) (Plan, error)

	// CreateClass adds a class to an editable plan. Errors: invalid,
	// not_found, conflict.
	CreateClass(ctx context.Context, planID int64, in ClassInput) (ClassDetail, error)
	// UpdateClass saves a class's own fields. Errors: invalid, not_found,
	// conflict (stale version, plan not editable).
	UpdateClass(ctx context.Context, id int64, in ClassInput) (ClassDetail, error)
	// DeleteClass removes a class with its subjects. Errors: not_found, conflict.
	DeleteClass(ctx context.Context, id int64, v VersionRef) error
	// SetClassTeachers replaces the lecturers and the head teacher.
	// Errors: invalid (a teacher disabled or not the unit's: fields
	// lecturer_ids / head_id; a lecturer still teaching a subject),
	// not_found, conflict.
	SetClassTeachers(ctx context.Context, id int64, t ClassTeachers) (ClassDetail, error)
	// AddSubject adds 科目内容 taught by one of the class's lecturers.
	// Errors: invalid, not_found, conflict.
	AddSubject(ctx context.Context, classID int64, in SubjectInput) (ClassDetail, error)
	// DeleteSubject removes one. Errors: not_found, conflict.
	DeleteSubject(ctx context.Context, id int64) (ClassDetail, error)

	// ListPlanReviews is the authority's queue, oldest submission first.
	// Errors: forbidden, invalid.
	ListPlanReviews(ctx context.Context, q PlanFilter) (Page[Plan], error)
	// ReviewPlan approves, returns or rejects a submitted plan. Approval
	// makes its classes 未开班 classes of the unit. Errors: invalid,
	// not_found, conflict (stale version, not submitted), forbidden.
	ReviewPlan(ctx context.Context, id int64, r PlanReview) (Plan, error)
}
