package store_test

import (
	"context"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// planEnv is what the plan and class tests share: demo-unit, a unit of
// another city, demo-authority (Guangzhou), the province, and Shenzhen's
// authority, which must see nothing of Guangzhou's units.
type planEnv struct {
	db       *store.DB
	auth     *store.AuthService
	courses  *store.CourseService
	plans    *store.PlanService
	classes  *store.ClassService
	history  *store.HistoryService
	unit     context.Context
	other    context.Context
	city     context.Context
	province context.Context
	shenzhen context.Context
}

func newPlanEnv(t *testing.T, db *store.DB) *planEnv {
	t.Helper()
	seeded(t, db)
	auth := noCaptcha(db)
	e := &planEnv{db: db, auth: auth, courses: store.NewCourseService(db), plans: store.NewPlanService(db),
		classes: store.NewClassService(db), history: store.NewHistoryService(db)}
	e.unit = as(t, auth, login(t, auth, store.DemoUnit, store.DemoPassword))
	e.city = as(t, auth, login(t, auth, store.DemoAuthority, store.DemoPassword))
	e.province = as(t, auth, login(t, auth, store.DemoProvince, store.DemoPassword))

	if err := auth.RegisterUnit(t.Context(), registration("sz-plan-unit", "91440300MA5FPL4N1")); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE units SET status = 'approved', region_code = '440300'
		WHERE id = (SELECT unit_id FROM users WHERE username_key = 'sz-plan-unit')`); err != nil {
		t.Fatal(err)
	}
	e.other = as(t, auth, login(t, auth, "sz-plan-unit", "Start2026a"))
	if _, err := store.NewAdminService(db).CreateAccount(system(t), domain.NewAccount{Username: "sz-hr",
		Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "440300"}); err != nil {
		t.Fatal(err)
	}
	e.shenzhen = as(t, auth, login(t, auth, "sz-hr", "Start2026a"))
	return e
}

func (e *planEnv) id(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), query, args...).Scan(&id); err != nil {
		t.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

func (e *planEnv) courseID(t *testing.T, code string) int64 {
	return e.id(t, `SELECT id FROM courses WHERE code = $1`, code)
}

func (e *planEnv) teacherID(t *testing.T, name string) int64 {
	return e.id(t, `SELECT t.id FROM teachers t JOIN users u ON u.unit_id = t.unit_id
		WHERE u.username_key = 'demo-unit' AND t.name = $1`, name)
}

// confirmedPersons returns n confirmed members of demo-unit.
func (e *planEnv) confirmedPersons(t *testing.T, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		ids = append(ids, e.id(t, `SELECT p.id FROM persons p JOIN users u ON u.unit_id = p.unit_id
			WHERE u.username_key = 'demo-unit' AND p.status = 'confirmed' ORDER BY p.id LIMIT 1 OFFSET $1`, i))
	}
	return ids
}

// today is the store clock's date, as plans and classes compare them.
func today(t *testing.T, db *store.DB, days int) string {
	return clock(t, db).Now().AddDate(0, 0, days).Format(domain.DateLayout)
}

// draftPlan makes a plan with one complete class (16 hours, two subjects)
// and returns the plan and the class.
func (e *planEnv) draftPlan(t *testing.T, capacity int) (domain.Plan, domain.ClassDetail) {
	t.Helper()
	ctx := e.unit
	plan, err := e.plans.CreatePlan(ctx, domain.PlanInput{Year: clock(t, e.db).Now().Year(), CourseID: e.courseID(t, "GD-ZY-002"),
		Name: "大数据分析专题培训计划", Audience: "数据岗位人员"})
	if err != nil {
		t.Fatal(err)
	}
	class, err := e.plans.CreateClass(ctx, plan.ID, domain.ClassInput{Name: "大数据分析第一期", StartDate: today(t, e.db, -1),
		EndDate: today(t, e.db, 1), Location: "三楼培训室", Capacity: capacity, Hours: domain.HoursOf(16)})
	if err != nil {
		t.Fatal(err)
	}
	lecturer, head := e.teacherID(t, "周晓梅"), e.teacherID(t, "王志强")
	class, err = e.plans.SetClassTeachers(ctx, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer}, HeadID: head, Version: class.Version})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []domain.SubjectInput{
		{Name: "数据治理", Hours: domain.HoursOf(6), LecturerID: lecturer},
		{Name: "分析实务", Hours: domain.HoursOf(10), LecturerID: lecturer, Content: "上机"},
	} {
		if class, err = e.plans.AddSubject(ctx, class.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	return plan, class
}

// approvedPlan is draftPlan submitted and approved by demo-authority.
func (e *planEnv) approvedPlan(t *testing.T, capacity int) (domain.Plan, domain.ClassDetail) {
	t.Helper()
	plan, class := e.draftPlan(t, capacity)
	plan, err := e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
	if err != nil {
		t.Fatal(err)
	}
	if plan, err = e.plans.ReviewPlan(e.city, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version}); err != nil {
		t.Fatal(err)
	}
	d, err := e.classes.GetClass(e.unit, class.ID)
	if err != nil {
		t.Fatal(err)
	}
	return plan, d
}

func TestCatalogIsKeptByTheProvince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		in := domain.CourseInput{Code: "gd-zy-101", Name: "数字政府建设实务", Specialty: "公共管理", Hours: domain.HoursOf(24)}
		_, err := e.courses.CreateCourse(e.city, in)
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.courses.CreateCourse(e.unit, in)
		wantCode(t, err, domain.CodeForbidden)
		c, err := e.courses.CreateCourse(e.province, in)
		if err != nil || c.Code != "GD-ZY-101" || !c.Enabled || c.Hours != domain.HoursOf(24) {
			t.Fatalf("create: %+v %v", c, err)
		}
		_, err = e.courses.CreateCourse(e.province, in)
		wantField(t, err, domain.CodeConflict, "code", "已存在")

		in.Name, in.Version = "数字政府建设与治理", c.Version
		c, err = e.courses.UpdateCourse(e.province, c.ID, in)
		if err != nil || c.Name != "数字政府建设与治理" {
			t.Fatalf("update: %+v %v", c, err)
		}
		_, err = e.courses.UpdateCourse(e.province, c.ID, in)
		wantCode(t, err, domain.CodeConflict)
		_, err = e.courses.DisableCourse(e.province, c.ID, domain.VersionRef{Version: c.Version - 1})
		wantCode(t, err, domain.CodeConflict)
		c, err = e.courses.DisableCourse(e.province, c.ID, domain.VersionRef{Version: c.Version})
		if err != nil || c.Enabled {
			t.Fatalf("disable: %+v %v", c, err)
		}
		_, err = e.courses.DisableCourse(e.province, c.ID, domain.VersionRef{Version: c.Version})
		wantCode(t, err, domain.CodeConflict)

		units, err := e.courses.ListCourses(e.unit, domain.CourseFilter{Query: "数字政府"})
		if err != nil || units.Total != 0 {
			t.Fatalf("a unit sees a disabled course: %+v %v", units, err)
		}
		all, err := e.courses.ListCourses(e.city, domain.CourseFilter{Query: "gd-zy-10"})
		if err != nil || all.Total != 1 || all.Items[0].Enabled {
			t.Fatalf("the city reads the whole catalog: %+v %v", all, err)
		}
		_, err = e.plans.CreatePlan(e.unit, domain.PlanInput{Year: clock(t, db).Now().Year(), CourseID: c.ID, Name: "计划"})
		wantField(t, err, domain.CodeInvalid, "course_id", "已停用")
		if c, err = e.courses.EnableCourse(e.province, c.ID, domain.VersionRef{Version: c.Version}); err != nil || !c.Enabled {
			t.Fatalf("enable: %+v %v", c, err)
		}
		page, err := e.courses.ListCourses(e.unit, domain.CourseFilter{Specialty: "计算机与信息技术", PageRequest: domain.PageRequest{Limit: 2}})
		if err != nil || page.Total != 5 || len(page.Items) != 2 || page.Items[0].Code != "GD-ZY-001" {
			t.Fatalf("filter and page: %+v %v", page, err)
		}
	})
}

func TestPlanSubmitListsEveryProblem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		plan, class := e.draftPlan(t, 30)
		// A second class lacks subjects; the first one's subjects no
		// longer add up to its hours.
		second, err := e.plans.CreateClass(e.unit, plan.ID, domain.ClassInput{Name: "大数据分析第二期", StartDate: today(t, db, 10),
			EndDate: today(t, db, 11), Location: "三楼", Capacity: 20, Hours: domain.HoursOf(8)})
		if err != nil {
			t.Fatal(err)
		}
		in := domain.ClassInput{Name: class.Name, StartDate: class.StartDate, EndDate: class.EndDate, Location: class.Location,
			Capacity: class.Capacity, Hours: domain.HoursOf(20), Version: class.Version}
		if class, err = e.plans.UpdateClass(e.unit, class.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		de := wantCode(t, err, domain.CodeInvalid)
		if de.Message != domain.MsgPlanIncomplete || !strings.Contains(de.Fields["classes[0].subjects"], "应等于培训班学时20") ||
			!strings.Contains(de.Fields["classes[1].subjects"], "请新增科目内容") || de.Fields["classes[1].lecturers"] == "" ||
			de.Fields["classes[1].head"] == "" || len(de.Fields) != 4 {
			t.Fatalf("problems: %v", de.Fields)
		}
		if err := e.plans.DeleteClass(e.unit, second.ID, domain.VersionRef{Version: second.Version}); err != nil {
			t.Fatal(err)
		}
		in.Hours, in.Version = domain.HoursOf(16), class.Version
		if _, err := e.plans.UpdateClass(e.unit, class.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version - 1})
		wantCode(t, err, domain.CodeConflict)
		sent, err := e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if err != nil || sent.Status != domain.PlanSubmitted || sent.SubmittedAt.IsZero() {
			t.Fatalf("submit: %+v %v", sent, err)
		}
		// A submitted plan is frozen.
		_, err = e.plans.AddSubject(e.unit, class.ID, domain.SubjectInput{Name: "加课", Hours: 2, LecturerID: class.Lecturers[0].ID})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.plans.UpdatePlan(e.unit, plan.ID, domain.PlanInput{Year: sent.Year, CourseID: sent.CourseID, Name: "改名", Version: sent.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: sent.Version})
		wantCode(t, err, domain.CodeConflict)
		err = e.plans.DeletePlan(e.unit, plan.ID, domain.VersionRef{Version: sent.Version})
		wantCode(t, err, domain.CodeConflict)
	})
}

func TestClassTeachersMustBeEnabledTeachersOfTheUnit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		_, class := e.draftPlan(t, 30)
		lecturer, head := class.Lecturers[0].ID, class.HeadID
		disabled := e.teacherID(t, "赵国栋")
		_, err := e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer, disabled}, HeadID: head, Version: class.Version})
		wantField(t, err, domain.CodeInvalid, "lecturer_ids", "赵国栋”已禁用")
		_, err = e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer}, HeadID: disabled, Version: class.Version})
		wantField(t, err, domain.CodeInvalid, "head_id", "已禁用")
		other, err := store.NewTeacherService(db).CreateTeacher(e.other, domain.TeacherInput{Name: "外单位教师", Gender: "男"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer, other.ID}, HeadID: head, Version: class.Version})
		wantField(t, err, domain.CodeInvalid, "lecturer_ids", "不存在")
		// Dropping the lecturer of the subjects is refused.
		_, err = e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{e.teacherID(t, "陈静")}, HeadID: head, Version: class.Version})
		wantField(t, err, domain.CodeInvalid, "lecturer_ids", "仍在讲授科目")
		_, err = e.plans.AddSubject(e.unit, class.ID, domain.SubjectInput{Name: "外聘", Hours: 2, LecturerID: e.teacherID(t, "陈静")})
		wantField(t, err, domain.CodeInvalid, "lecturer_id", "本班")
		// A lecturer disabled after being chosen may stay.
		if _, err := store.NewTeacherService(db).DisableTeacher(e.unit, lecturer, domain.VersionRef{Version: e.teacherVersion(t, lecturer)}); err != nil {
			t.Fatal(err)
		}
		kept, err := e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer, e.teacherID(t, "陈静")}, HeadID: head, Version: class.Version})
		if err != nil || len(kept.Lecturers) != 2 || lecturerEnabled(kept, lecturer) || kept.HeadName != "王志强" {
			t.Fatalf("keep a disabled lecturer: %+v %v", kept, err)
		}
		_, err = e.plans.SetClassTeachers(e.unit, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer}, HeadID: head, Version: class.Version})
		wantCode(t, err, domain.CodeConflict)
		// Another unit sees none of it.
		_, err = e.plans.SetClassTeachers(e.other, class.ID, domain.ClassTeachers{Version: kept.Version})
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.plans.DeleteSubject(e.other, class.Subjects[0].ID)
		wantCode(t, err, domain.CodeNotFound)
	})
}

// lecturerEnabled reports whether lecturer id of c is enabled; a missing
// one counts as enabled, so a test expecting a disabled one fails.
func lecturerEnabled(c domain.ClassDetail, id int64) bool {
	for _, l := range c.Lecturers {
		if l.ID == id {
			return l.Enabled
		}
	}
	return true
}

func (e *planEnv) teacherVersion(t *testing.T, id int64) int64 {
	return e.id(t, `SELECT version FROM teachers WHERE id = $1`, id)
}

func TestPlanReviewRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		plan, _ := e.draftPlan(t, 30)
		// Drafts are the unit's alone.
		_, err := e.plans.GetPlan(e.city, plan.ID)
		wantCode(t, err, domain.CodeNotFound)
		plan, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if err != nil {
			t.Fatal(err)
		}

		queue, err := e.plans.ListPlanReviews(e.city, domain.PlanFilter{Status: domain.PlanSubmitted})
		if err != nil || !hasPlan(queue.Items, plan.ID) {
			t.Fatalf("the city's queue: %+v %v", queue, err)
		}
		queue, err = e.plans.ListPlanReviews(e.shenzhen, domain.PlanFilter{})
		if err != nil || queue.Total != 0 {
			t.Fatalf("another city's queue: %+v %v", queue, err)
		}
		for _, ctx := range []context.Context{e.shenzhen, e.other} {
			_, err = e.plans.GetPlan(ctx, plan.ID)
			wantCode(t, err, domain.CodeNotFound)
		}
		_, err = e.plans.ReviewPlan(e.shenzhen, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version})
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.plans.ReviewPlan(e.unit, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version})
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.plans.ListPlanReviews(e.unit, domain.PlanFilter{})
		wantCode(t, err, domain.CodeForbidden)

		d, err := e.plans.GetPlan(e.city, plan.ID)
		if err != nil || len(d.ClassList) != 1 || len(d.ClassList[0].Subjects) != 2 || d.ClassList[0].HeadName != "王志强" {
			t.Fatalf("detail: %+v %v", d, err)
		}
		_, err = e.plans.ReviewPlan(e.city, plan.ID, domain.PlanReview{Action: domain.PlanReturn, Version: plan.Version})
		wantField(t, err, domain.CodeInvalid, "comment", "原因")
		returned, err := e.plans.ReviewPlan(e.city, plan.ID, domain.PlanReview{Action: domain.PlanReturn, Version: plan.Version, Comment: "请补充培训对象"})
		if err != nil || returned.Status != domain.PlanReturned || returned.ReviewComment != "请补充培训对象" {
			t.Fatalf("return: %+v %v", returned, err)
		}
		_, err = e.plans.ReviewPlan(e.city, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: returned.Version})
		wantCode(t, err, domain.CodeConflict)

		fixed, err := e.plans.UpdatePlan(e.unit, plan.ID, domain.PlanInput{Year: plan.Year, CourseID: plan.CourseID, Name: plan.Name,
			Audience: "全体数据岗位专业技术人员", Version: returned.Version})
		if err != nil {
			t.Fatal(err)
		}
		resent, err := e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: fixed.Version})
		if err != nil || resent.Status != domain.PlanSubmitted || resent.ReviewComment != "" {
			t.Fatalf("resubmit: %+v %v", resent, err)
		}
		// The province reviews Guangzhou's units too.
		approved, err := e.plans.ReviewPlan(e.province, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: resent.Version})
		if err != nil || approved.Status != domain.PlanApproved {
			t.Fatalf("approve: %+v %v", approved, err)
		}

		h, err := e.history.History(e.unit, domain.EntityPlan, plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		for _, x := range h {
			if x.To != "" {
				moves = append(moves, x.From+">"+x.To)
			}
		}
		want := ">draft draft>submitted submitted>returned returned>submitted submitted>approved"
		if strings.Join(moves, " ") != want {
			t.Fatalf("history moves %v, want %s", moves, want)
		}
		_, err = e.history.History(e.shenzhen, domain.EntityPlan, plan.ID)
		wantCode(t, err, domain.CodeNotFound)
		if _, err := e.history.History(e.city, domain.EntityPlan, plan.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func hasPlan(plans []domain.Plan, id int64) bool {
	for _, p := range plans {
		if p.ID == id {
			return true
		}
	}
	return false
}

func TestRejectedPlanIsFinalAndDraftsCanBeDeleted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		plan, _ := e.draftPlan(t, 30)
		plan, err := e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if err != nil {
			t.Fatal(err)
		}
		plan, err = e.plans.ReviewPlan(e.city, plan.ID, domain.PlanReview{Action: domain.PlanReject, Version: plan.Version, Comment: "与已有计划重复"})
		if err != nil || plan.Status != domain.PlanRejected {
			t.Fatalf("reject: %+v %v", plan, err)
		}
		_, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		wantCode(t, err, domain.CodeConflict)

		draft, class := e.draftPlan(t, 30)
		err = e.plans.DeletePlan(e.other, draft.ID, domain.VersionRef{Version: draft.Version})
		wantCode(t, err, domain.CodeNotFound)
		if err := e.plans.DeletePlan(e.unit, draft.ID, domain.VersionRef{Version: draft.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = e.plans.GetPlan(e.unit, draft.ID)
		wantCode(t, err, domain.CodeNotFound)
		if n := count(t, db, `SELECT COUNT(*) FROM class_teachers WHERE class_id = $1`, class.ID); n != 0 {
			t.Fatalf("%d class teachers left behind", n)
		}
	})
}

func TestUnitsSeeOnlyTheirOwnPlans(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		mine, err := e.plans.ListPlans(e.unit, domain.PlanFilter{})
		if err != nil || mine.Total != 4 {
			t.Fatalf("demo plans: %+v %v", mine, err)
		}
		states := map[domain.PlanStatus]bool{}
		for _, p := range mine.Items {
			states[p.Status] = true
		}
		for _, s := range []domain.PlanStatus{domain.PlanDraft, domain.PlanSubmitted, domain.PlanApproved, domain.PlanReturned} {
			if !states[s] {
				t.Errorf("no demo plan is %s", s)
			}
		}
		theirs, err := e.plans.ListPlans(e.other, domain.PlanFilter{})
		if err != nil || theirs.Total != 0 {
			t.Fatalf("another unit: %+v %v", theirs, err)
		}
		for _, p := range mine.Items {
			_, err := e.plans.GetPlan(e.other, p.ID)
			wantCode(t, err, domain.CodeNotFound)
			_, err = e.plans.CreateClass(e.other, p.ID, domain.ClassInput{})
			wantCode(t, err, domain.CodeNotFound)
		}
		filtered, err := e.plans.ListPlans(e.unit, domain.PlanFilter{Status: domain.PlanApproved, Name: "人工智能"})
		if err != nil || filtered.Total != 1 || filtered.Items[0].Classes != 4 || filtered.Items[0].Attachments != 1 {
			t.Fatalf("filter: %+v %v", filtered, err)
		}
		_, err = e.plans.ListPlans(e.unit, domain.PlanFilter{Status: "lost"})
		wantCode(t, err, domain.CodeInvalid)
		queue, err := e.plans.ListPlanReviews(e.city, domain.PlanFilter{Status: domain.PlanSubmitted})
		if err != nil || queue.Total != 1 {
			t.Fatalf("demo queue: %+v %v", queue, err)
		}
	})
}

func TestPlanAttachmentsFollowThePlan(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		files := store.NewAttachmentService(db, 0)
		plan, _ := e.draftPlan(t, 30)
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
		upload := func(ctx context.Context, name string) error {
			_, err := files.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityPlan, OwnerID: plan.ID,
				Name: name, Size: int64(len(pdf)), Body: strings.NewReader(string(pdf))})
			return err
		}
		if err := upload(e.unit, "培训方案.pdf"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, upload(e.other, "外单位.pdf"), domain.CodeNotFound)
		_, err := files.ListAttachments(e.city, domain.EntityPlan, plan.ID)
		wantCode(t, err, domain.CodeNotFound) // a draft is the unit's alone

		plan, err = e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Attachments != 1 {
			t.Fatalf("attachments counted: %d", plan.Attachments)
		}
		wantCode(t, upload(e.unit, "补充.pdf"), domain.CodeConflict)
		wantCode(t, upload(e.city, "主管部门.pdf"), domain.CodeForbidden)
		list, err := files.ListAttachments(e.city, domain.EntityPlan, plan.ID)
		if err != nil || len(list) != 1 || list[0].Name != "培训方案.pdf" {
			t.Fatalf("the reviewer reads: %+v %v", list, err)
		}
		for _, ctx := range []context.Context{e.shenzhen, e.other} {
			_, err := files.ListAttachments(ctx, domain.EntityPlan, plan.ID)
			wantCode(t, err, domain.CodeNotFound)
		}
	})
}
