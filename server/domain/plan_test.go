package domain

import (
	"strings"
	"testing"
)

func completeClass(name string) ClassDetail {
	return ClassDetail{
		Class:     Class{Name: name, StartDate: "2026-05-01", EndDate: "2026-05-02", Hours: HoursOf(16), HeadID: 9},
		Lecturers: []TeacherRef{{ID: 1, Name: "李明华"}},
		Subjects: []Subject{
			{Name: "概论", Hours: HoursOf(6), LecturerID: 1},
			{Name: "实践", Hours: HoursOf(10), LecturerID: 1},
		},
	}
}

func TestSubmitProblemsListsEveryProblemAtOnce(t *testing.T) {
	if f := (PlanDetail{ClassList: []ClassDetail{completeClass("一期")}}).SubmitProblems(); len(f) != 0 {
		t.Fatalf("a complete plan has problems: %v", f)
	}
	if f := (PlanDetail{}).SubmitProblems(); f["classes"] == "" {
		t.Fatalf("no class: %v", f)
	}

	noTeachers := completeClass("二期")
	noTeachers.Lecturers, noTeachers.HeadID = nil, 0
	noTeachers.StartDate = "2026-06-01"
	noSubjects := completeClass("三期")
	noSubjects.Subjects = nil
	wrongSum := completeClass("四期")
	wrongSum.Hours = HoursOf(20)
	strayLecturer := completeClass("五期")
	strayLecturer.Subjects[1].LecturerID = 7

	f := PlanDetail{ClassList: []ClassDetail{completeClass("一期"), noTeachers, noSubjects, wrongSum, strayLecturer}}.SubmitProblems()
	want := map[string]string{
		"classes[1].lecturers":            "二期",
		"classes[1].head":                 "班主任",
		"classes[1].dates":                "开始日期不能晚于结束日期",
		"classes[2].subjects":             "请新增科目内容",
		"classes[3].subjects":             "科目学时合计16，应等于培训班学时20",
		"classes[4].subjects[1].lecturer": "科目“实践”",
	}
	for k, frag := range want {
		if !strings.Contains(f[k], frag) {
			t.Errorf("%s = %q, want it to mention %q", k, f[k], frag)
		}
	}
	// classes[1] has subjects whose lecturer is gone too.
	if len(f) != len(want)+2 {
		t.Errorf("problems %d, want %d: %v", len(f), len(want)+2, f)
	}
	for k := range f {
		if strings.HasPrefix(k, "classes[0]") {
			t.Errorf("complete class reported: %s", k)
		}
	}
}

func TestPlanReviewNeedsReasonToRefuse(t *testing.T) {
	for _, c := range []struct {
		action, comment string
		bad             string
	}{
		{PlanApprove, "", ""},
		{PlanApprove, " 同意 ", ""},
		{PlanReturn, "", "comment"},
		{PlanReturn, "  ", "comment"},
		{PlanReturn, "科目不全", ""},
		{PlanReject, "", "comment"},
		{PlanReject, "重复申报", ""},
		{"submit", "x", "action"},
		{PlanReject, strings.Repeat("长", 501), "comment"},
	} {
		r := PlanReview{Action: c.action, Comment: c.comment}
		f := FieldErrorsOf(r.Validate())
		if (c.bad == "") != (len(f) == 0) || (c.bad != "" && f[c.bad] == "") {
			t.Errorf("%s %q: %v", c.action, c.comment, f)
		}
	}
}

func TestPlanAndClassInputs(t *testing.T) {
	in := PlanInput{Year: 2026, CourseID: 3, Name: " 计划 "}
	if err := in.Validate(2026); err != nil || in.Name != "计划" {
		t.Fatalf("valid plan: %v %q", err, in.Name)
	}
	f := FieldErrorsOf((&PlanInput{Year: 2023}).Validate(2026))
	for _, k := range []string{"year", "course_id", "name"} {
		if f[k] == "" {
			t.Errorf("missing %s error: %v", k, f)
		}
	}

	c := ClassInput{Name: "一期", StartDate: "２０２６-05-01", EndDate: "2026-05-03", Location: "三楼", Capacity: 30, Hours: HoursOf(16)}
	if err := c.Validate(); err != nil || c.StartDate != "2026-05-01" {
		t.Fatalf("valid class: %v %q", err, c.StartDate)
	}
	f = FieldErrorsOf((&ClassInput{StartDate: "2026-05-03", EndDate: "2026-05-01", Capacity: MaxClassCapacity + 1}).Validate())
	for _, k := range []string{"name", "end_date", "location", "capacity", "hours"} {
		if f[k] == "" {
			t.Errorf("missing %s error: %v", k, f)
		}
	}

	teachers := ClassTeachers{LecturerIDs: []int64{3, 1, 3, 2, 1}}
	if err := teachers.Validate(); err != nil || len(teachers.LecturerIDs) != 3 || teachers.LecturerIDs[0] != 3 {
		t.Fatalf("dedupe: %v %v", err, teachers.LecturerIDs)
	}
	f = FieldErrorsOf((&SubjectInput{Hours: -1}).Validate())
	for _, k := range []string{"name", "hours", "lecturer_id"} {
		if f[k] == "" {
			t.Errorf("missing subject %s error: %v", k, f)
		}
	}
}

func TestCourseInput(t *testing.T) {
	in := CourseInput{Code: " gd-zy-101 ", Name: "课程", Specialty: "计算机", Hours: HoursOf(24)}
	if err := in.Validate(); err != nil || in.Code != "GD-ZY-101" {
		t.Fatalf("valid course: %v %q", err, in.Code)
	}
	f := FieldErrorsOf((&CourseInput{Code: "课程一", Hours: MaxCourseHours + 1}).Validate())
	for _, k := range []string{"code", "name", "specialty", "hours"} {
		if f[k] == "" {
			t.Errorf("missing %s error: %v", k, f)
		}
	}
}
