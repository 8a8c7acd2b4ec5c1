package plan

import (
	"strings"
	"testing"
)

func TestProblemsReadInPlanOrder(t *testing.T) {
	got := problemLines(map[string]string{
		"classes[10].head":                "十一班主任",
		"classes[2].subjects":             "三科目",
		"classes[2].head":                 "三班主任",
		"course_id":                       "课程",
		"classes[2].subjects[1].lecturer": "三科目二教师",
		"classes":                         "培训班",
	})
	want := "培训班 三班主任 三科目 三科目二教师 十一班主任 课程"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %v\nwant %s", got, want)
	}
}
