package personnel_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/textwidth"
	"jxjy/tui/tuitest"
)

// col is the cell column where text starts on line, or -1.
func col(line, text string) int {
	i := strings.Index(line, text)
	if i < 0 {
		return -1
	}
	return textwidth.Width(line[:i])
}

// paneBorder is the cell column of the module pane's left border: the
// open module has the whole width, the menu's tree hidden.
func paneBorder(line string) int {
	for _, edge := range []string{"│", "╭", "╰", "|", "+"} {
		if strings.HasPrefix(line, edge) {
			return 0
		}
	}
	return -1
}

// aligned checks a list screen: both panes keep one boundary column, and
// every row's ID number (or second column) starts under its heading.
func aligned(t *testing.T, d *tuitest.Driver, name, heading string, isRow func(string) (string, bool)) {
	t.Helper()
	d.Fits(name)
	lines := strings.Split(d.View(), "\n")
	border := paneBorder(lines[2])
	for i, l := range lines[1 : len(lines)-2] {
		if b := paneBorder(l); b != border {
			t.Errorf("%s line %d: pane border at %d, want %d:\n%s", name, i+2, b, border, d.View())
		}
	}
	want := -1
	for _, l := range lines {
		if c := col(l, heading); c >= 0 && want < 0 {
			want = c
		}
	}
	rows := 0
	for _, l := range lines {
		if paneBorder(l) < 0 {
			continue
		}
		if cell, ok := isRow(l); ok {
			rows++
			if c := col(l, cell); c != want {
				t.Errorf("%s: %q starts at %d, heading %q at %d:\n%s", name, cell, c, heading, want, d.View())
			}
		}
	}
	if rows < 3 {
		t.Errorf("%s: only %d rows checked", name, rows)
	}
}

// idCell finds an ID number on a list line.
func idCell(l string) (string, bool) {
	for i := 0; i+18 <= len(l); i++ {
		s := l[i : i+18]
		if strings.HasPrefix(s, "4401") && strings.Trim(s[:17], "0123456789") == "" {
			return s, true
		}
	}
	return "", false
}

func TestScreensFit80x24WithChineseText(t *testing.T) {
	for name, ascii := range map[string]bool{"unicode": false, "ascii": true} {
		t.Run(name, func(t *testing.T) { screensFit(t, ascii) })
	}
}

func screensFit(t *testing.T, ascii bool) {
	{
		storetest.Run(t, func(t *testing.T, db *store.DB) {
			d, env := startWith(t, db, ascii, nil)
			api := tuitest.APIAs(t, env, store.DemoUnit)
			ctx := context.Background()
			if _, err := api.AddPerson(ctx, domain.PersonInput{IDNumber: idOf("44010619850101123"), Name: "欧阳司马建国华",
				Title: "正高级工程师（软件与信息技术服务）", TitleLevel: "senior"}); err != nil {
				t.Fatal(err)
			}
			if _, err := api.CreateTeacher(ctx, domain.TeacherInput{Name: "欧阳司马建国华", Gender: "男", Title: "正高级工程师（信息系统）",
				Employer: "广东省人力资源和社会保障厅直属事业单位继续教育中心"}); err != nil {
				t.Fatal(err)
			}
			d.MustSee("ctrl+n/p 注册", "ctrl+c 退出")
			d.Fits("login")
			d.Press(tea.KeyCtrlP)
			typeIn(d, "4401", "", "", "1", "x", "y")
			d.Fits("registration errors")
			d.Press(tea.KeyEsc)
			d.MustSee("有未保存的修改，确定放弃吗？(y/n)")
			d.Type("y")

			d.Login(store.DemoUnit, demoPassword)
			d.OpenModule("专业技术人员信息确认")
			d.Press(tea.KeyCtrlA)
			aligned(t, d, "confirm", "身份证号", idCell)
			d.Type("c")
			d.Type("y")
			d.Fits("confirm summary")
			d.Press(tea.KeyEsc)

			d.OpenModule("专业技术人员信息维护")
			aligned(t, d, "maintain", "身份证号", idCell)
			aligned(t, d, "maintain status", "状态", func(l string) (string, bool) {
				for _, s := range []string{"已确认", "待确认"} {
					if strings.Contains(l, s) {
						return s, true
					}
				}
				return "", false
			})
			if !strings.Contains(d.View(), "欧阳司马建国华 ") {
				t.Errorf("a long name is cut although there is room:\n%s", d.View())
			}
			d.Press(tea.KeyEnter)
			d.Fits("maintain detail")
			d.Press(tea.KeyEsc)
			d.Type("/")
			d.Fits("maintain filter")
			d.Press(tea.KeyEsc)
			d.Type("n")
			d.Type("1234")
			for range 13 {
				d.Press(tea.KeyTab)
			}
			d.Type(" ")
			d.Press(tea.KeyCtrlS)
			d.Fits("maintain form errors")
			d.MustSee("身份证号应为18位", "输入有误，请按提示修改")
			d.Press(tea.KeyEsc)
			d.Type("y")
			d.Press(tea.KeyEsc)

			d.OpenModule("师资信息维护")
			aligned(t, d, "teachers", "工作单位", func(l string) (string, bool) {
				for _, s := range []string{"本单位", "广州", "中山大学", "华南理工大学", "广东"} {
					if strings.Contains(l, s) && !strings.Contains(l, "法人单位") {
						return s, true
					}
				}
				return "", false
			})
			d.Type("x")
			d.Fits("teacher delete question")
			d.Type("n")
			d.Type("n")
			d.Fits("teacher form")
			d.Press(tea.KeyCtrlS)
			d.Fits("teacher form errors")
			d.Press(tea.KeyEsc, tea.KeyEsc, tea.KeyCtrlX)

			d.Login(store.DemoPerson, demoPassword)
			d.OpenModule("个人信息")
			d.Fits("profile")
			d.Type("e")
			d.Fits("profile contact")
		})
	}
}
