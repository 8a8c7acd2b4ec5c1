package plan

import (
	"strings"
	"testing"

	"jxjy/tui/textwidth"
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

func TestWrapCellsBreaksChineseByWidth(t *testing.T) {
	lines := wrapCells("培训班“安全运维实训班”：科目学时合计3，应等于培训班学时8", 20)
	if len(lines) != 3 {
		t.Fatalf("%q", lines)
	}
	for _, l := range lines {
		if textwidth.Width(l) > 20 {
			t.Fatalf("line %q is %d cells", l, textwidth.Width(l))
		}
	}
	if strings.Join(lines, "") != "培训班“安全运维实训班”：科目学时合计3，应等于培训班学时8" {
		t.Fatal("text lost")
	}
}
