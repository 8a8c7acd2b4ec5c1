package client_test

import (
	"strings"
	"testing"
	"time"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func signedIn(t *testing.T, env *servertest.Env, user string) *client.Client {
	t.Helper()
	c := env.Client()
	mustLogin(t, c, user, store.DemoPassword)
	return c
}

func teacherNamed(t *testing.T, c *client.Client, name string) domain.Teacher {
	t.Helper()
	page, err := c.ListTeachers(t.Context(), domain.TeacherFilter{Name: name})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("teacher %s: %+v %v", name, page, err)
	}
	return page.Items[0]
}

func day(n int) string { return time.Now().AddDate(0, 0, n).Format(domain.DateLayout) }

// TestPlanToCreditsOverHTTP is the acceptance walk through the client:
// a plan is built, refused, returned, fixed and approved; its class is
// opened, filled, marked, assessed and closed, and passing trainees hold
// records.
func TestPlanToCreditsOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := t.Context()
		unit, city := signedIn(t, env, store.DemoUnit), signedIn(t, env, store.DemoAuthority)

		courses, err := unit.ListCourses(ctx, domain.CourseFilter{Query: "网络与信息安全"})
		if err != nil || len(courses.Items) != 1 {
			t.Fatalf("catalog: %+v %v", courses, err)
		}
		disabled := false
		off, err := city.ListCourses(ctx, domain.CourseFilter{Enabled: &disabled})
		if err != nil || off.Total != 0 {
			t.Fatalf("disabled courses: %+v %v", off, err)
		}
		plan, err := unit.CreatePlan(ctx, domain.PlanInput{Year: time.Now().Year(), CourseID: courses.Items[0].ID,
			Name: "网络安全 & 运维 培训计划", Audience: "运维人员"})
		if err != nil {
			t.Fatal(err)
		}
		class, err := unit.CreateClass(ctx, plan.ID, domain.ClassInput{Name: "安全运维实训班", StartDate: day(-1), EndDate: day(0),
			Location: "五楼", Capacity: 10, Hours: domain.HoursOf(8)})
		if err != nil {
			t.Fatal(err)
		}
		lecturer, head := teacherNamed(t, unit, "黄伟"), teacherNamed(t, unit, "王志强")
		_, err = unit.SetClassTeachers(ctx, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer.ID, teacherNamed(t, unit, "孙丽").ID},
			HeadID: head.ID, Version: class.Version})
		if f := domain.FieldErrorsOf(err); !strings.Contains(f["lecturer_ids"], "已禁用") {
			t.Fatalf("a disabled teacher: %v", err)
		}
		if class, err = unit.SetClassTeachers(ctx, class.ID, domain.ClassTeachers{LecturerIDs: []int64{lecturer.ID}, HeadID: head.ID, Version: class.Version}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []domain.SubjectInput{{Name: "等保测评", Hours: domain.HoursOf(3), LecturerID: lecturer.ID}, {Name: "应急演练", Hours: domain.HoursOf(3), LecturerID: lecturer.ID}} {
			if class, err = unit.AddSubject(ctx, class.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		_, err = unit.SubmitPlan(ctx, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if f := domain.FieldErrorsOf(err); !strings.Contains(f["classes[0].subjects"], "科目学时合计6，应等于培训班学时8") {
			t.Fatalf("hours that do not add up: %v", err)
		}
		if class, err = unit.DeleteSubject(ctx, class.Subjects[1].ID); err != nil || len(class.Subjects) != 1 {
			t.Fatalf("delete subject: %+v %v", class, err)
		}
		if class, err = unit.AddSubject(ctx, class.ID, domain.SubjectInput{Name: "应急演练", Hours: domain.HoursOf(5), LecturerID: lecturer.ID}); err != nil {
			t.Fatal(err)
		}
		if plan, err = unit.SubmitPlan(ctx, plan.ID, domain.PlanSubmit{Version: plan.Version}); err != nil {
			t.Fatal(err)
		}

		queue, err := city.ListPlanReviews(ctx, domain.PlanFilter{Status: domain.PlanSubmitted, Name: "安全 & 运维"})
		if err != nil || queue.Total != 1 || queue.Items[0].ID != plan.ID {
			t.Fatalf("queue filtered by a name with & and spaces: %+v %v", queue, err)
		}
		if plan, err = city.ReviewPlan(ctx, plan.ID, domain.PlanReview{Action: domain.PlanReturn, Version: plan.Version, Comment: "请补充培训对象范围"}); err != nil {
			t.Fatal(err)
		}
		if plan, err = unit.UpdatePlan(ctx, plan.ID, domain.PlanInput{Year: plan.Year, CourseID: plan.CourseID, Name: plan.Name,
			Audience: "本单位运维、安全岗位人员", Version: plan.Version}); err != nil {
			t.Fatal(err)
		}
		if plan, err = unit.SubmitPlan(ctx, plan.ID, domain.PlanSubmit{Version: plan.Version}); err != nil {
			t.Fatal(err)
		}
		if plan, err = city.ReviewPlan(ctx, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version}); err != nil || plan.Status != domain.PlanApproved {
			t.Fatalf("approve: %+v %v", plan, err)
		}
		detail, err := city.GetPlan(ctx, plan.ID)
		if err != nil || len(detail.ClassList) != 1 || detail.ClassList[0].HeadName != "王志强" {
			t.Fatalf("reviewer's detail: %+v %v", detail, err)
		}

		listed, err := unit.ListClasses(ctx, domain.ClassQuery{Status: domain.ClassPending, Name: "安全运维"})
		if err != nil || listed.Total != 1 {
			t.Fatalf("pending class: %+v %v", listed, err)
		}
		sum, err := unit.ChangeClassStatus(ctx, domain.ClassStatusChange{IDs: []int64{class.ID}, Action: domain.ClassActionOpen})
		if err != nil || len(sum.Changed) != 1 {
			t.Fatalf("open: %+v %v", sum, err)
		}
		candidates, err := unit.ListCandidates(ctx, class.ID, domain.CandidateFilter{PageRequest: domain.PageRequest{Limit: 5}})
		if err != nil || len(candidates.Items) != 5 {
			t.Fatalf("candidates: %+v %v", candidates, err)
		}
		var ids []int64
		for _, c := range candidates.Items {
			ids = append(ids, c.PersonID)
		}
		trainees, err := unit.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: ids})
		if err != nil || len(trainees) != 5 {
			t.Fatalf("enroll: %+v %v", trainees, err)
		}
		for _, span := range [][2]string{{"09:00", "12:00"}, {"14:00", "17:00"}} {
			s, err := unit.AddSession(ctx, class.ID, domain.SessionInput{Date: class.StartDate, Start: span[0], End: span[1]})
			if err == nil {
				_, err = unit.SetNormalAttendance(ctx, s.ID)
			}
			if err == nil {
				_, err = unit.MarkAttendance(ctx, s.ID, domain.MarkRequest{EnrollmentIDs: []int64{trainees[1].ID}, Mark: domain.MarkLate})
			}
			if err != nil {
				t.Fatalf("session %s: %v", span[0], err)
			}
		}
		sheet, err := unit.AttendanceSheet(ctx, class.ID)
		if err != nil || len(sheet.Sessions) != 2 || sheet.Rows[1].Marks[0] != domain.MarkLate || sheet.Rows[1].Rate() != "100%" {
			t.Fatalf("sheet: %+v %v", sheet, err)
		}
		cancelled, err := unit.CancelEnrollment(ctx, trainees[4].ID, domain.VersionRef{Version: trainees[4].Version})
		if err != nil || cancelled.Status != domain.EnrollmentCancelled {
			t.Fatalf("cancel: %+v %v", cancelled, err)
		}
		rows, err := unit.ListEnrollments(ctx, class.ID)
		if err != nil {
			t.Fatal(err)
		}
		var results domain.ResultSheet
		for i, r := range rows[:4] {
			score := 90 - i*15
			result := domain.ResultPass
			if score < 60 {
				result = domain.ResultFail
			}
			results.Entries = append(results.Entries, domain.ResultEntry{EnrollmentID: r.ID, Score: &score, Result: result, Version: r.Version})
		}
		if _, err := unit.SaveResults(ctx, class.ID, results); err != nil {
			t.Fatal(err)
		}
		sum, err = unit.ChangeClassStatus(ctx, domain.ClassStatusChange{IDs: []int64{class.ID}, Action: domain.ClassActionClose})
		if err != nil || len(sum.Changed) != 1 || sum.Credited != 3 {
			t.Fatalf("close: %+v %v", sum, err)
		}
		records, err := unit.ListRecords(ctx, domain.RecordFilter{Source: domain.SourceClass, Status: domain.RecordEffective})
		if err != nil {
			t.Fatal(err)
		}
		credited := 0
		for _, r := range records.Items {
			if r.Title == class.Name {
				credited++
				if r.Hours != domain.HoursOf(8) || r.Category != domain.CategoryProfessional {
					t.Errorf("record: %+v", r)
				}
			}
		}
		if credited != 3 {
			t.Fatalf("%d records for the class, want 3", credited)
		}
	})
}

func TestPlanDraftsAreDeletedOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := t.Context()
		unit := signedIn(t, env, store.DemoUnit)
		courses, err := unit.ListCourses(ctx, domain.CourseFilter{})
		if err != nil || courses.Total < 18 {
			t.Fatalf("catalog: %+v %v", courses, err)
		}
		plan, err := unit.CreatePlan(ctx, domain.PlanInput{Year: time.Now().Year(), CourseID: courses.Items[0].ID, Name: "临时计划"})
		if err != nil {
			t.Fatal(err)
		}
		class, err := unit.CreateClass(ctx, plan.ID, domain.ClassInput{Name: "临时班", StartDate: day(3), EndDate: day(4), Location: "会议室",
			Capacity: 5, Hours: 4})
		if err != nil {
			t.Fatal(err)
		}
		if err := unit.DeleteClass(ctx, class.ID, domain.VersionRef{Version: class.Version + 1}); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("stale delete: %v", err)
		}
		if err := unit.DeleteClass(ctx, class.ID, domain.VersionRef{Version: class.Version}); err != nil {
			t.Fatal(err)
		}
		if err := unit.DeletePlan(ctx, plan.ID, domain.VersionRef{Version: plan.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = unit.GetPlan(ctx, plan.ID)
		wantCode(t, err, domain.CodeNotFound)
		province := signedIn(t, env, store.DemoProvince)
		c, err := province.CreateCourse(ctx, domain.CourseInput{Code: "GD-ZY-200", Name: "低空经济与无人机应用", Specialty: "航空", Hours: domain.HoursOf(16)})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = province.DisableCourse(ctx, c.ID, domain.VersionRef{Version: c.Version}); err != nil || c.Enabled {
			t.Fatalf("disable: %+v %v", c, err)
		}
		if c, err = province.EnableCourse(ctx, c.ID, domain.VersionRef{Version: c.Version}); err != nil || !c.Enabled {
			t.Fatalf("enable: %+v %v", c, err)
		}
		in := domain.CourseInput{Code: c.Code, Name: c.Name, Specialty: "通用航空", Hours: c.Hours, Version: c.Version}
		if c, err = province.UpdateCourse(ctx, c.ID, in); err != nil || c.Specialty != "通用航空" {
			t.Fatalf("update: %+v %v", c, err)
		}
		_, err = signedIn(t, env, store.DemoAuthority).UpdateCourse(ctx, c.ID, in)
		wantCode(t, err, domain.CodeForbidden)
	})
}
