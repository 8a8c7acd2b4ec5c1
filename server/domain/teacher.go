package domain

import (
	"context"
	"strings"
	"time"
)

// EntityTeacher is the audit entity of a teacher (师资).
const EntityTeacher = "teacher"

// Teacher actions, as the audit trail and TeacherMachine name them.
const (
	ActionEnable  = "enable"
	ActionDisable = "disable"
)

// TeacherState is whether a teacher may be chosen for classes.
type TeacherState string

const (
	TeacherEnabled  TeacherState = "enabled"
	TeacherDisabled TeacherState = "disabled"
)

// Label is the state's Chinese name.
func (s TeacherState) Label() string {
	switch s {
	case TeacherEnabled:
		return "启用"
	case TeacherDisabled:
		return "禁用"
	}
	return string(s)
}

// TeacherMachine: 启用 and 禁用 each apply only from the other state, so a
// stale screen cannot report a change that did not happen.
var TeacherMachine = Machine[TeacherState]{
	{Action: ActionEnable, From: []TeacherState{TeacherDisabled}, To: TeacherEnabled},
	{Action: ActionDisable, From: []TeacherState{TeacherEnabled}, To: TeacherDisabled},
}

// MsgTeacherInUse refuses deleting a teacher a class has used (SPEC §5.3).
const MsgTeacherInUse = "已被培训班使用，请改为禁用"

// Teacher is one of a unit's lecturers or head teachers (师资).
type Teacher struct {
	ID        int64        `json:"id"`
	UnitID    int64        `json:"unit_id"`
	Name      string       `json:"name"`
	Gender    string       `json:"gender"`
	IDNumber  string       `json:"id_number,omitempty"`
	Title     string       `json:"title"`
	Specialty string       `json:"specialty"`
	Employer  string       `json:"employer"`
	Mobile    string       `json:"mobile"`
	Summary   string       `json:"summary"`
	State     TeacherState `json:"state"`
	Version   int64        `json:"version"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Enabled reports whether the teacher can be chosen for a class.
func (t Teacher) Enabled() bool { return t.State == TeacherEnabled }

// TeacherInput is 新增 and 修改 of a teacher; Version is checked on 修改.
type TeacherInput struct {
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	IDNumber  string `json:"id_number"`
	Title     string `json:"title"`
	Specialty string `json:"specialty"`
	Employer  string `json:"employer"`
	Mobile    string `json:"mobile"`
	Summary   string `json:"summary"`
	Version   int64  `json:"version,omitempty"`
}

// Validate normalises in and reports every field problem at once. With an
// ID number the gender is taken from it (a different typed gender is an
// error); without one the gender must be chosen.
func (in *TeacherInput) Validate(today time.Time) error {
	in.IDNumber = NormalizeIDNumber(in.IDNumber)
	for _, s := range []*string{&in.Name, &in.Gender, &in.Title, &in.Specialty, &in.Employer, &in.Mobile, &in.Summary} {
		*s = strings.TrimSpace(*s)
	}
	f := Fields{}
	f.Add("name", CheckText(in.Name, 50, "姓名"))
	if in.IDNumber != "" {
		info, msg := ParseIDNumber(in.IDNumber, today)
		f.Add("id_number", msg)
		if msg == "" {
			f.Check(in.Gender != "" && in.Gender != info.Gender, "gender", "性别与身份证号不符")
			in.Gender = info.Gender
		}
	} else {
		f.Check(in.Gender != "男" && in.Gender != "女", "gender", "请选择性别")
	}
	f.Add("title", checkOptional(in.Title, 50, "职称"))
	f.Add("specialty", checkOptional(in.Specialty, 50, "专业"))
	f.Add("employer", checkOptional(in.Employer, 100, "工作单位"))
	f.Add("summary", checkOptional(in.Summary, 1000, "简介"))
	if in.Mobile != "" {
		f.Add("mobile", CheckMobile(in.Mobile))
	}
	return f.Err()
}

// TeacherFilter narrows a unit's teacher list: Name matches any part,
// State exactly ("" for both).
type TeacherFilter struct {
	Name  string       `json:"name"`
	State TeacherState `json:"state"`
	PageRequest
}

// VersionRef names the version of the row an action was decided on.
type VersionRef struct {
	Version int64 `json:"version"`
}

// TeacherService is 师资信息维护 (1.7.1), for units only; another unit's
// teacher answers not_found.
type TeacherService interface {
	// ListTeachers pages the unit's teachers. Errors: invalid (state).
	ListTeachers(ctx context.Context, f TeacherFilter) (Page[Teacher], error)
	// EnabledTeachers pages the teachers a class may use: the unit's
	// enabled ones (the filter's State is ignored).
	EnabledTeachers(ctx context.Context, f TeacherFilter) (Page[Teacher], error)
	// GetTeacher reads one. Errors: not_found.
	GetTeacher(ctx context.Context, id int64) (Teacher, error)
	// CreateTeacher stores an enabled teacher. Errors: invalid, conflict
	// (the unit already has the ID number).
	CreateTeacher(ctx context.Context, in TeacherInput) (Teacher, error)
	// UpdateTeacher changes one. Errors: invalid, not_found, conflict.
	UpdateTeacher(ctx context.Context, id int64, in TeacherInput) (Teacher, error)
	// EnableTeacher and DisableTeacher switch whether classes may use it.
	// Errors: not_found, conflict (already so, or stale version).
	EnableTeacher(ctx context.Context, id int64, v VersionRef) (Teacher, error)
	DisableTeacher(ctx context.Context, id int64, v VersionRef) (Teacher, error)
	// DeleteTeacher removes one no class has used.
	// Errors: not_found, conflict (MsgTeacherInUse, or stale version).
	DeleteTeacher(ctx context.Context, id int64, v VersionRef) error
}
