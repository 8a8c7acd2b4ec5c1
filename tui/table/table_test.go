package table

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

func plain(s string) string { return ansi.ReplaceAllString(s, "") }

func rows(names ...string) []Row {
	out := make([]Row, len(names))
	for i, n := range names {
		out[i] = Row{ID: int64(i + 1), Cells: []string{n, "已开班"}}
	}
	return out
}

func newTable() *Table {
	return New(styles.New(false), keys.New(false), "空",
		Column{Title: "培训班", Width: 6, Flex: true}, Column{Title: "状态", Width: 6})
}

func TestLinesAreExactlyTheWidthInCells(t *testing.T) {
	tb := newTable()
	tb.SetCheckable(true)
	tb.SetRows(rows("人工智能技术应用第一期培训班", "短", "ABC"))
	for _, w := range []int{12, 20, 33, 50} {
		tb.SetSize(w, 5)
		lines := strings.Split(plain(tb.View()), "\n")
		if len(lines) != 5 {
			t.Fatalf("width %d: %d lines", w, len(lines))
		}
		for i, l := range lines {
			if textwidth.Width(l) != w {
				t.Errorf("width %d, line %d is %d cells: %q", w, i, textwidth.Width(l), l)
			}
		}
	}
	tb.SetSize(30, 5)
	if v := plain(tb.View()); !strings.Contains(v, "人工智能技术应用第…") || !strings.Contains(v, "[ ] ") {
		t.Fatalf("truncation or ticks:\n%s", v)
	}
}

func TestSelectionAndTicksFollowTheID(t *testing.T) {
	tb := newTable()
	tb.SetCheckable(true)
	tb.SetRows(rows("一", "二", "三"))
	down := tea.KeyMsg{Type: tea.KeyDown}
	space := tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	tb.Update(space) // ticks 一 and moves to 二
	if r, _ := tb.Selected(); r.ID != 2 || !tb.IsChecked(1) {
		t.Fatalf("tick moves on: selected %d, ticks %v", r.ID, tb.Checked())
	}
	tb.Update(down)
	tb.SetRows([]Row{{ID: 3, Cells: []string{"三"}}, {ID: 2, Cells: []string{"二"}}})
	if r, _ := tb.Selected(); r.ID != 3 {
		t.Fatalf("selection did not follow the row: %d", r.ID)
	}
	if len(tb.Checked()) != 0 {
		t.Fatalf("tick of a vanished row kept: %v", tb.Checked())
	}
	tb.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
	if got := tb.Checked(); len(got) != 2 || got[0] != 3 {
		t.Fatalf("tick all: %v", got)
	}
	tb.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
	if len(tb.Checked()) != 0 {
		t.Fatal("a second ctrl+a clears")
	}
	tb.SetChecked(2, true)
	if !tb.IsChecked(2) || tb.IsChecked(3) {
		t.Fatalf("set checked: %v", tb.Checked())
	}
	tb.SetCheckable(false)
	tb.Update(space)
	if len(tb.Checked()) != 1 {
		t.Fatal("space ticked a table that is not checkable")
	}
}

func TestScrollingKeepsTheCursorInView(t *testing.T) {
	tb := newTable()
	var names []string
	for i := 0; i < 30; i++ {
		names = append(names, "班"+strings.Repeat("x", i%5))
	}
	tb.SetRows(rows(names...))
	tb.SetSize(30, 6) // a header and five rows
	for i := 0; i < 12; i++ {
		tb.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	if tb.Cursor() != 12 || !strings.Contains(plain(tb.View()), "班xx") {
		t.Fatalf("cursor %d:\n%s", tb.Cursor(), plain(tb.View()))
	}
	tb.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if tb.Cursor() != 29 {
		t.Fatalf("end: %d", tb.Cursor())
	}
	tb.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if tb.Cursor() != 24 {
		t.Fatalf("page up by the visible rows: %d", tb.Cursor())
	}
	tb.SetRows(nil)
	if _, ok := tb.Selected(); ok || !strings.Contains(plain(tb.View()), "空") {
		t.Fatal("an empty table shows its empty text and selects nothing")
	}
}

// Columns take their widest value; short of room, the flex (name) column
// gives way with "…" while the fixed ones (status, date) stay whole, and
// the selected row lights only the columns, not the empty room after.
func TestColumnsShrinkByPriority(t *testing.T) {
	tb := New(styles.New(false), keys.New(false), "空",
		Column{Title: "单位名称", Width: 6, Flex: true}, Column{Title: "状态", Width: 4}, Column{Title: "日期", Width: 5})
	tb.SetRows([]Row{{ID: 1, Cells: []string{"广州市天河区珠江新城人力资源服务有限公司", "不同意推荐", "2026-12-07"}}})
	tb.SetSize(40, 3)
	v := plain(tb.View())
	if !strings.Contains(v, "不同意推荐") || !strings.Contains(v, "2026-12-07") || !strings.Contains(v, "…") {
		t.Fatalf("status or date cut, or the name not:\n%s", v)
	}
	tb.SetSize(80, 3)
	v = plain(tb.View())
	if !strings.Contains(v, "广州市天河区珠江新城人力资源服务有限公司 不同意推荐 2026-12-07") {
		t.Fatalf("room enough, yet cut:\n%s", v)
	}
}
