package textwidth

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestWidthCountsChineseAsTwo(t *testing.T) {
	cases := map[string]int{"": 0, "abc": 3, "法人单位": 8, "用户名：": 8, "a中b": 4, "第1行\n第二行": 6}
	for s, want := range cases {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		s    string
		w    int
		tail string
		want string
	}{
		{"继续教育培训记录查询", 20, "…", "继续教育培训记录查询"},
		{"继续教育培训记录查询", 7, "…", "继续教…"},
		{"继续教育培训记录查询", 8, "…", "继续教…"}, // a wide character never straddles the limit
		{"继续教育培训记录查询", 8, "...", "继续..."},
		{"ab继续", 3, "", "ab"},
		{"abc", 0, "…", ""},
		{"法人单位", 1, "...", ""},
	}
	for _, c := range cases {
		got := Truncate(c.s, c.w, c.tail)
		if got != c.want {
			t.Errorf("Truncate(%q, %d, %q) = %q, want %q", c.s, c.w, c.tail, got, c.want)
		}
		if Width(got) > c.w {
			t.Errorf("Truncate(%q, %d) is %d wide", c.s, c.w, Width(got))
		}
	}
}

func TestPadAndFit(t *testing.T) {
	if got := PadRight("中文", 6); got != "中文  " {
		t.Errorf("PadRight = %q", got)
	}
	if got := PadLeft("密码", 6); got != "  密码" {
		t.Errorf("PadLeft = %q", got)
	}
	for _, s := range []string{"单位", "专业技术人员信息管理", "abc", ""} {
		if got := Fit(s, 9, "…"); Width(got) != 9 {
			t.Errorf("Fit(%q, 9) = %q, %d wide", s, got, Width(got))
		}
	}
}

func TestBlockIsExactlyTheSizeAsked(t *testing.T) {
	styled := lipgloss.NewStyle().Bold(true).Render("统一社会信用代码校验位不正确")
	in := "短\n" + styled + "\n第三行\n第四行"
	out := Block(in, 11, 3)
	lines := strings.Split(out, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if Width(l) != 11 {
			t.Errorf("line %d is %d wide: %q", i, Width(l), l)
		}
	}
	if !strings.HasPrefix(lines[1], "统一社会信") && !strings.Contains(lines[1], "统一社会信") {
		t.Errorf("cut line lost its text: %q", lines[1])
	}
	if got := Block("x", 4, 3); got != "x   \n    \n    " {
		t.Errorf("Block pads to %q", got)
	}
}

func TestWrapBreaksChineseByWidth(t *testing.T) {
	lines := Wrap("培训班“安全运维实训班”：科目学时合计3，应等于培训班学时8", 20)
	if len(lines) != 3 {
		t.Fatalf("%q", lines)
	}
	for _, l := range lines {
		if Width(l) > 20 {
			t.Fatalf("line %q is %d cells", l, Width(l))
		}
	}
	if strings.Join(lines, "") != "培训班“安全运维实训班”：科目学时合计3，应等于培训班学时8" {
		t.Fatal("text lost")
	}
}
