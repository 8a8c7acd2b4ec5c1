package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var (
	_ domain.CourseService = (*Client)(nil)
	_ domain.PlanService   = (*Client)(nil)
	_ domain.ClassService  = (*Client)(nil)
)

// classURL is path with the non-empty parameters of v and the page.
func classURL(path string, v url.Values, p domain.PageRequest) string {
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset != 0 {
		v.Set("offset", strconv.Itoa(p.Offset))
	}
	for k, vs := range v {
		if len(vs) == 1 && (vs[0] == "" || (k == "year" && vs[0] == "0")) {
			v.Del(k)
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func classIDPath(prefix string, id int64) string { return prefix + "/" + strconv.FormatInt(id, 10) }

// classGet and classPost run one call with a typed answer.
func classGet[T any](ctx context.Context, c *Client, path string) (T, error) {
	var out T
	err := c.do(ctx, call{method: http.MethodGet, path: path, out: &out})
	return out, err
}

func classPost[T any](ctx context.Context, c *Client, path string, in any) (T, error) {
	var out T
	err := c.do(ctx, call{method: http.MethodPost, path: path, in: in, out: &out})
	return out, err
}

// ListCourses implements domain.CourseService.
func (c *Client) ListCourses(ctx context.Context, f domain.CourseFilter) (domain.Page[domain.Course], error) {
	v := url.Values{"q": {f.Query}, "specialty": {f.Specialty}}
	if f.Enabled != nil {
		v.Set("enabled", strconv.FormatBool(*f.Enabled))
	}
	return classGet[domain.Page[domain.Course]](ctx, c, classURL("/courses", v, f.PageRequest))
}

// CreateCourse implements domain.CourseService.
func (c *Client) CreateCourse(ctx context.Context, in domain.CourseInput) (domain.Course, error) {
	return classPost[domain.Course](ctx, c, "/courses", in)
}

// UpdateCourse implements domain.CourseService.
func (c *Client) UpdateCourse(ctx context.Context, id int64, in domain.CourseInput) (domain.Course, error) {
	return classPost[domain.Course](ctx, c, classIDPath("/courses", id), in)
}

// EnableCourse implements domain.CourseService.
func (c *Client) EnableCourse(ctx context.Context, id int64, v domain.VersionRef) (domain.Course, error) {
	return classPost[domain.Course](ctx, c, classIDPath("/courses", id)+"/enable", v)
}

// DisableCourse implements domain.CourseService.
func (c *Client) DisableCourse(ctx context.Context, id int64, v domain.VersionRef) (domain.Course, error) {
	return classPost[domain.Course](ctx, c, classIDPath("/courses", id)+"/disable", v)
}

func planValues(q domain.PlanFilter) url.Values {
	return url.Values{"status": {string(q.Status)}, "year": {strconv.Itoa(q.Year)}, "name": {q.Name}}
}

// ListPlans implements domain.PlanService.
func (c *Client) ListPlans(ctx context.Context, q domain.PlanFilter) (domain.Page[domain.Plan], error) {
	return classGet[domain.Page[domain.Plan]](ctx, c, classURL("/plans", planValues(q), q.PageRequest))
}

// ListPlanReviews implements domain.PlanService.
func (c *Client) ListPlanReviews(ctx context.Context, q domain.PlanFilter) (domain.Page[domain.Plan], error) {
	return classGet[domain.Page[domain.Plan]](ctx, c, classURL("/plan-reviews", planValues(q), q.PageRequest))
}

// GetPlan implements domain.PlanService.
func (c *Client) GetPlan(ctx context.Context, id int64) (domain.PlanDetail, error) {
	return classGet[domain.PlanDetail](ctx, c, classIDPath("/plans", id))
}

// CreatePlan implements domain.PlanService.
func (c *Client) CreatePlan(ctx context.Context, in domain.PlanInput) (domain.Plan, error) {
	return classPost[domain.Plan](ctx, c, "/plans", in)
}

// UpdatePlan implements domain.PlanService.
func (c *Client) UpdatePlan(ctx context.Context, id int64, in domain.PlanInput) (domain.Plan, error) {
	return classPost[domain.Plan](ctx, c, classIDPath("/plans", id), in)
}

// DeletePlan implements domain.PlanService; the version travels in the
// query, as a DELETE has no body.
func (c *Client) DeletePlan(ctx context.Context, id int64, v domain.VersionRef) error {
	path := classIDPath("/plans", id) + "?version=" + strconv.FormatInt(v.Version, 10)
	return c.do(ctx, call{method: http.MethodDelete, path: path})
}

// SubmitPlan implements domain.PlanService.
func (c *Client) SubmitPlan(ctx context.Context, id int64, s domain.PlanSubmit) (domain.Plan, error) {
	return classPost[domain.Plan](ctx, c, classIDPath("/plans", id)+"/submit", s)
}

// ReviewPlan implements domain.PlanService.
func (c *Client) ReviewPlan(ctx context.Context, id int64, r domain.PlanReview) (domain.Plan, error) {
	return classPost[domain.Plan](ctx, c, classIDPath("/plans", id)+"/review", r)
}

// CreateClass implements domain.PlanService.
func (c *Client) CreateClass(ctx context.Context, planID int64, in domain.ClassInput) (domain.ClassDetail, error) {
	return classPost[domain.ClassDetail](ctx, c, classIDPath("/plans", planID)+"/classes", in)
}

// UpdateClass implements domain.PlanService.
func (c *Client) UpdateClass(ctx context.Context, id int64, in domain.ClassInput) (domain.ClassDetail, error) {
	return classPost[domain.ClassDetail](ctx, c, classIDPath("/classes", id), in)
}

// DeleteClass implements domain.PlanService.
func (c *Client) DeleteClass(ctx context.Context, id int64, v domain.VersionRef) error {
	path := classIDPath("/classes", id) + "?version=" + strconv.FormatInt(v.Version, 10)
	return c.do(ctx, call{method: http.MethodDelete, path: path})
}

// SetClassTeachers implements domain.PlanService.
func (c *Client) SetClassTeachers(ctx context.Context, id int64, t domain.ClassTeachers) (domain.ClassDetail, error) {
	return classPost[domain.ClassDetail](ctx, c, classIDPath("/classes", id)+"/teachers", t)
}

// AddSubject implements domain.PlanService.
func (c *Client) AddSubject(ctx context.Context, classID int64, in domain.SubjectInput) (domain.ClassDetail, error) {
	return classPost[domain.ClassDetail](ctx, c, classIDPath("/classes", classID)+"/subjects", in)
}

// DeleteSubject implements domain.PlanService.
func (c *Client) DeleteSubject(ctx context.Context, id int64) (domain.ClassDetail, error) {
	var out domain.ClassDetail
	err := c.do(ctx, call{method: http.MethodDelete, path: classIDPath("/subjects", id), out: &out})
	return out, err
}

// ListClasses implements domain.ClassService.
func (c *Client) ListClasses(ctx context.Context, q domain.ClassQuery) (domain.Page[domain.Class], error) {
	v := url.Values{"status": {string(q.Status)}, "year": {strconv.Itoa(q.Year)}, "name": {q.Name}}
	return classGet[domain.Page[domain.Class]](ctx, c, classURL("/classes", v, q.PageRequest))
}

// GetClass implements domain.ClassService.
func (c *Client) GetClass(ctx context.Context, id int64) (domain.ClassDetail, error) {
	return classGet[domain.ClassDetail](ctx, c, classIDPath("/classes", id))
}

// ChangeClassStatus implements domain.ClassService.
func (c *Client) ChangeClassStatus(ctx context.Context, ch domain.ClassStatusChange) (domain.ClassStatusSummary, error) {
	return classPost[domain.ClassStatusSummary](ctx, c, "/class-status", ch)
}

// ListCandidates implements domain.ClassService.
func (c *Client) ListCandidates(ctx context.Context, classID int64, f domain.CandidateFilter) (domain.Page[domain.Candidate], error) {
	v := url.Values{"name": {f.Name}, "id_number": {f.IDNumber}}
	return classGet[domain.Page[domain.Candidate]](ctx, c, classURL(classIDPath("/classes", classID)+"/candidates", v, f.PageRequest))
}

// ListEnrollments implements domain.ClassService.
func (c *Client) ListEnrollments(ctx context.Context, classID int64) ([]domain.Enrollment, error) {
	return classGet[[]domain.Enrollment](ctx, c, classIDPath("/classes", classID)+"/enrollments")
}

// Enroll implements domain.ClassService.
func (c *Client) Enroll(ctx context.Context, classID int64, r domain.EnrollRequest) ([]domain.Enrollment, error) {
	return classPost[[]domain.Enrollment](ctx, c, classIDPath("/classes", classID)+"/enrollments", r)
}

// CancelEnrollment implements domain.ClassService.
func (c *Client) CancelEnrollment(ctx context.Context, id int64, v domain.VersionRef) (domain.Enrollment, error) {
	return classPost[domain.Enrollment](ctx, c, classIDPath("/enrollments", id)+"/cancel", v)
}

// SaveResults implements domain.ClassService.
func (c *Client) SaveResults(ctx context.Context, classID int64, s domain.ResultSheet) ([]domain.Enrollment, error) {
	return classPost[[]domain.Enrollment](ctx, c, classIDPath("/classes", classID)+"/results", s)
}

// AddSession implements domain.ClassService.
func (c *Client) AddSession(ctx context.Context, classID int64, in domain.SessionInput) (domain.AttendanceSession, error) {
	return classPost[domain.AttendanceSession](ctx, c, classIDPath("/classes", classID)+"/sessions", in)
}

// SetNormalAttendance implements domain.ClassService.
func (c *Client) SetNormalAttendance(ctx context.Context, sessionID int64) (domain.AttendanceSession, error) {
	return classPost[domain.AttendanceSession](ctx, c, classIDPath("/sessions", sessionID)+"/normal", nil)
}

// MarkAttendance implements domain.ClassService.
func (c *Client) MarkAttendance(ctx context.Context, sessionID int64, r domain.MarkRequest) (domain.AttendanceSession, error) {
	return classPost[domain.AttendanceSession](ctx, c, classIDPath("/sessions", sessionID)+"/marks", r)
}

// AttendanceSheet implements domain.ClassService.
func (c *Client) AttendanceSheet(ctx context.Context, classID int64) (domain.AttendanceSheet, error) {
	return classGet[domain.AttendanceSheet](ctx, c, classIDPath("/classes", classID)+"/attendance")
}
