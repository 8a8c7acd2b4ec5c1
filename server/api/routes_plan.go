package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// planRoutes are the catalog (专业课程目录), 专业课计划申报 and its review,
// and the 培训班 modules. Saves and decisions are POSTs, so a retried call
// replays its answer (the Idempotency-Key) instead of meeting its own new
// version; deletes take the version read from the query.
func (a *API) planRoutes() []Route {
	signedIn := Access{Roles: []domain.Role{domain.RoleUnit, domain.RoleAuthority}}
	authority := Access{Roles: []domain.Role{domain.RoleAuthority}}
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	cs, ps, ks := a.cfg.Courses, a.cfg.Plans, a.cfg.Classes
	return []Route{
		{Method: "GET", Path: "/courses", Summary: "专业课程目录（q、specialty、enabled、limit、offset；单位只见启用的课程）", Access: signedIn, handler: a.listCourses},
		{Method: "POST", Path: "/courses", Summary: "新增专业课程（省级主管部门）", Access: authority, handler: bodyResult(http.StatusCreated, cs.CreateCourse)},
		{Method: "POST", Path: "/courses/{id}", Summary: "修改专业课程", Access: authority, handler: withIDBody(cs.UpdateCourse)},
		{Method: "POST", Path: "/courses/{id}/enable", Summary: "启用专业课程", Access: authority, handler: withIDBody(cs.EnableCourse)},
		{Method: "POST", Path: "/courses/{id}/disable", Summary: "停用专业课程", Access: authority, handler: withIDBody(cs.DisableCourse)},

		{Method: "GET", Path: "/plans", Summary: "本单位专业课计划（status、year、name、limit、offset）", Access: unit, handler: a.listPlans(ps.ListPlans)},
		{Method: "POST", Path: "/plans", Summary: "新申请专业课计划", Access: unit, handler: bodyResult(http.StatusCreated, ps.CreatePlan)},
		{Method: "GET", Path: "/plans/{id}", Summary: "专业课计划详情（含培训班、教师、科目）", Access: signedIn, handler: withID(ps.GetPlan)},
		{Method: "POST", Path: "/plans/{id}", Summary: "保存专业课计划", Access: unit, handler: withIDBody(ps.UpdatePlan)},
		{Method: "DELETE", Path: "/plans/{id}", Summary: "删除草稿计划（version）", Access: unit, handler: withIDVersion(ps.DeletePlan)},
		{Method: "POST", Path: "/plans/{id}/submit", Summary: "送审专业课计划", Access: unit, handler: withIDBody(ps.SubmitPlan)},
		{Method: "POST", Path: "/plans/{id}/classes", Summary: "新增培训班", Access: unit, handler: withIDBodyStatus(http.StatusCreated, ps.CreateClass)},
		{Method: "GET", Path: "/plan-reviews", Summary: "专业课计划审核队列（status、year、name、limit、offset）", Access: authority, handler: a.listPlans(ps.ListPlanReviews)},
		{Method: "POST", Path: "/plans/{id}/review", Summary: "审核专业课计划：同意、不同意并退案、不同意并结案", Access: authority, handler: withIDBody(ps.ReviewPlan)},

		{Method: "POST", Path: "/classes/{id}", Summary: "保存培训班", Access: unit, handler: withIDBody(ps.UpdateClass)},
		{Method: "DELETE", Path: "/classes/{id}", Summary: "删除培训班（version）", Access: unit, handler: withIDVersion(ps.DeleteClass)},
		{Method: "POST", Path: "/classes/{id}/teachers", Summary: "选入授课教师与班主任", Access: unit, handler: withIDBody(ps.SetClassTeachers)},
		{Method: "POST", Path: "/classes/{id}/subjects", Summary: "新增科目内容", Access: unit, handler: withIDBody(ps.AddSubject)},
		{Method: "DELETE", Path: "/subjects/{id}", Summary: "删除科目内容", Access: unit, handler: withID(ps.DeleteSubject)},

		{Method: "GET", Path: "/classes", Summary: "本单位已通过计划的培训班（status、year、name、limit、offset）", Access: unit, handler: a.listClasses},
		{Method: "GET", Path: "/classes/{id}", Summary: "培训班详情", Access: unit, handler: withID(ks.GetClass)},
		{Method: "POST", Path: "/class-status", Summary: "班级状态：开班、结班、取消（勾选的培训班；结束日期之前不能结班）", Access: unit, handler: bodyResult(http.StatusOK, ks.ChangeClassStatus)},
		{Method: "GET", Path: "/classes/{id}/candidates", Summary: "可录入的本单位人员（name、id_number、limit、offset）", Access: unit, handler: a.listCandidates},
		{Method: "GET", Path: "/classes/{id}/enrollments", Summary: "培训人员", Access: unit, handler: withID(ks.ListEnrollments)},
		{Method: "POST", Path: "/classes/{id}/enrollments", Summary: "录入培训人员", Access: unit, handler: withIDBody(ks.Enroll)},
		{Method: "POST", Path: "/enrollments/{id}/cancel", Summary: "取消录入", Access: unit, handler: withIDBody(ks.CancelEnrollment)},
		{Method: "POST", Path: "/classes/{id}/results", Summary: "成绩/考核结果录入", Access: unit, handler: withIDBody(ks.SaveResults)},
		{Method: "POST", Path: "/classes/{id}/sessions", Summary: "录入考勤时间", Access: unit, handler: withIDBody(ks.AddSession)},
		{Method: "GET", Path: "/classes/{id}/attendance", Summary: "考勤查看", Access: unit, handler: withID(ks.AttendanceSheet)},
		{Method: "POST", Path: "/sessions/{id}/normal", Summary: "设置普通考勤（未设置的人员记为出勤）", Access: unit, handler: withID(ks.SetNormalAttendance)},
		{Method: "POST", Path: "/sessions/{id}/marks", Summary: "设置考勤异常：迟到、早退、请假、缺勤", Access: unit, handler: withIDBody(ks.MarkAttendance)},
	}
}

func (a *API) listCourses(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.CourseFilter{Query: q.Get("q"), Specialty: q.Get("specialty"), PageRequest: page}
	switch q.Get("enabled") {
	case "":
	case "true", "false":
		on := q.Get("enabled") == "true"
		f.Enabled = &on
	default:
		return domain.Errorf(domain.CodeBadRequest, "参数 enabled 应为 true 或 false")
	}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Course], error) {
		return a.cfg.Courses.ListCourses(ctx, f)
	})(w, r)
}

func (a *API) listPlans(list func(context.Context, domain.PlanFilter) (domain.Page[domain.Plan], error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		page, err := pageParams(r)
		if err != nil {
			return err
		}
		year, err := queryInt(r, "year")
		if err != nil {
			return err
		}
		q := r.URL.Query()
		f := domain.PlanFilter{Status: domain.PlanStatus(q.Get("status")), Year: year, Name: q.Get("name"), PageRequest: page}
		return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Plan], error) { return list(ctx, f) })(w, r)
	}
}

func (a *API) listClasses(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.ClassQuery{Status: domain.ClassStatus(q.Get("status")), Year: year, Name: q.Get("name"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Class], error) {
		return a.cfg.Classes.ListClasses(ctx, f)
	})(w, r)
}

func (a *API) listCandidates(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.CandidateFilter{Name: q.Get("name"), IDNumber: q.Get("id_number"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Candidate], error) {
		return a.cfg.Classes.ListCandidates(ctx, id, f)
	})(w, r)
}
