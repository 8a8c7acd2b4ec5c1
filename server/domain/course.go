package domain

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// EntityCourse is the audit entity of a catalog course.
const EntityCourse = "course"

// Course is one entry of the authorities' catalog of professional courses
// (专业课程目录); a unit's plan picks one.
type Course struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Specialty   string    `json:"specialty"` // 专业领域
	Hours       Hours     `json:"hours"`
	Description string    `json:"description"`
	Enabled     bool      `json:"enabled"`
	Version     int64     `json:"version"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// StateLabel is 启用 or 停用.
func (c Course) StateLabel() string {
	if c.Enabled {
		return "启用"
	}
	return "停用"
}

// MaxCourseHours bounds a course's (and a class's) hours.
const MaxCourseHours = Hours(1000) // 500 学时

var courseCodeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9\-]{1,19}$`)

// CourseInput is 新增 and 修改 of a catalog course; Version is checked on 修改.
type CourseInput struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Specialty   string `json:"specialty"`
	Hours       Hours  `json:"hours"`
	Description string `json:"description"`
	Version     int64  `json:"version,omitempty"`
}

// Validate normalises in (code upper-cased, full-width folded) and reports
// every field problem at once.
func (in *CourseInput) Validate() error {
	in.Code = strings.ToUpper(NormalizeInput(in.Code))
	in.Name, in.Specialty = strings.TrimSpace(in.Name), strings.TrimSpace(in.Specialty)
	in.Description = strings.TrimSpace(in.Description)
	f := Fields{}
	switch {
	case in.Code == "":
		f.Add("code", "请填写课程编码")
	case !courseCodeRe.MatchString(in.Code):
		f.Add("code", "课程编码应为2-20位字母、数字或-")
	}
	f.Add("name", CheckText(in.Name, 100, "课程名称"))
	f.Add("specialty", CheckText(in.Specialty, 50, "专业领域"))
	f.Add("hours", CheckHoursRange(in.Hours, MaxCourseHours))
	f.Add("description", checkOptional(in.Description, 1000, "课程简介"))
	return f.Err()
}

// CheckHoursRange requires 0 < h ≤ limit.
func CheckHoursRange(h, limit Hours) string {
	switch {
	case h <= 0:
		return "学时应大于0"
	case h > limit:
		return "学时不能超过" + limit.String()
	}
	return ""
}

// CourseFilter narrows the catalog: Query matches part of the code or the
// name, Specialty exactly; Enabled nil lists both states.
type CourseFilter struct {
	Query     string `json:"q"`
	Specialty string `json:"specialty"`
	Enabled   *bool  `json:"enabled"`
	PageRequest
}

// CourseService is the catalog. Every signed-in role reads it (units see
// only enabled courses, whatever the filter says); only the province
// authority changes it, because one catalog serves every city.
type CourseService interface {
	// ListCourses pages the catalog by code.
	ListCourses(ctx context.Context, f CourseFilter) (Page[Course], error)
	// CreateCourse adds an enabled course. Errors: forbidden, invalid,
	// conflict (code taken, as a field error).
	CreateCourse(ctx context.Context, in CourseInput) (Course, error)
	// UpdateCourse changes one. Errors: forbidden, invalid, not_found,
	// conflict (stale version, code taken).
	UpdateCourse(ctx context.Context, id int64, in CourseInput) (Course, error)
	// EnableCourse and DisableCourse switch whether new plans may pick it;
	// plans that already did keep it. Errors: forbidden, not_found,
	// conflict (already so, stale version).
	EnableCourse(ctx context.Context, id int64, v VersionRef) (Course, error)
	DisableCourse(ctx context.Context, id int64, v VersionRef) (Course, error)
}
