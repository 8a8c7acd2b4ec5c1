package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// editorCase is one editor of one role: how to open it and type into it,
// what the typing shows, and whether esc there would drop the input (a
// module's top screen only returns to the menu and keeps it).
type editorCase struct {
	user, module string
	dirty        func(d *tuitest.Driver)
	typed        string
	escDrops     bool
}

const discard = "有未保存的修改，确定放弃吗？(y/n)"

func allServices(c *client.Client) common.Services {
	return common.Services{Auth: c, Ref: c, Admin: c, Applications: c, Attachments: c, History: c,
		Persons: c, Teachers: c, Records: c, RecordImport: c, Courses: c, Plans: c, Classes: c,
		Requirements: c, Certificates: c, Dictionaries: c, Credit: c, Queries: c}
}

func tabs(d *tuitest.Driver, n int) {
	for range n {
		d.Press(tea.KeyTab)
	}
}

// Every editor of every role answers esc, logout and quit with the
// question while it holds unsaved input; n leaves everything as it was,
// y lets the key act.
func TestEveryEditorAsksBeforeDroppingInput(t *testing.T) {
	cases := []editorCase{
		{store.DemoUnit, "法人单位信息维护", func(d *tuitest.Driver) { d.Press(tea.KeyCtrlU); d.Type("守卫联系人") }, "守卫联系人", false},
		{store.DemoUnit, "专业课计划申报", func(d *tuitest.Driver) { d.Type("n"); tabs(d, 2); d.Type("守卫计划") }, "守卫计划", true},
		{store.DemoUnit, "培训班设置", func(d *tuitest.Driver) {
			d.Press(tea.KeyTab, tea.KeyCtrlU)
			d.Type("第二期")
			d.Press(tea.KeyEnter)
			d.Type("g")
			d.MustSee("成绩/考核结果录入")
			d.Type("p")
		}, "合格*", true},
		{store.DemoUnit, "培训班考勤设置", func(d *tuitest.Driver) {
			d.Press(tea.KeyTab, tea.KeyCtrlU)
			d.Type("第二期")
			d.Press(tea.KeyEnter, tea.KeyEnter)
			d.Type("n")
			d.Press(tea.KeyCtrlU)
			d.Type("2026-0")
		}, "2026-0", true},
		{store.DemoUnit, "培训人员录入", func(d *tuitest.Driver) {
			d.Press(tea.KeyEnter)
			d.MustSee("培训人员录入：")
			d.Press(tea.KeyDown)
			d.Type(" ")
		}, "[x]", true},
		{store.DemoUnit, "继续教育记录申报", func(d *tuitest.Driver) { d.Type("n"); tabs(d, 3); d.Type("守卫培训") }, "守卫培训", true},
		{store.DemoUnit, "专业技术人员信息维护", func(d *tuitest.Driver) { d.Type("n"); d.Type("99887") }, "99887", true},
		{store.DemoUnit, "专业技术人员信息确认", func(d *tuitest.Driver) { d.Type(" ") }, "已勾选 1 人", false},
		{store.DemoUnit, "师资信息维护", func(d *tuitest.Driver) { d.Type("n"); d.Type("守卫教师") }, "守卫教师", true},
		{store.DemoUnit, "失信信息录入", func(d *tuitest.Driver) {
			d.Type("n")
			d.Press(tea.KeyEnter, tea.KeyEnter)
			d.MustSee("录入失信信息：")
			d.Press(tea.KeyTab)
			d.Type("守卫失信")
		}, "守卫失信", true},
		{store.DemoPerson, "学时申报", func(d *tuitest.Driver) { d.Type("n"); tabs(d, 2); d.Type("守卫讲座") }, "守卫讲座", true},
		{store.DemoPerson, "个人信息", func(d *tuitest.Driver) { d.Type("e"); d.Press(tea.KeyCtrlU); d.Type("13000001") }, "13000001", true},
		{store.DemoInstitution, "学时申报", func(d *tuitest.Driver) { d.Type("n"); d.Type("99887") }, "99887", true},
		{store.DemoAdmin, "创建主管部门账号", func(d *tuitest.Driver) { d.Type("guard") }, "guard", false},
		{store.DemoAdmin, "重置密码", func(d *tuitest.Driver) { d.Type("guard") }, "guard", false},
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		c := client.New(env.URL, client.Options{RetryWait: 1})
		d := tuitest.New(t, tui.Options{ServerURL: env.URL, Services: allServices(c)})
		for _, ec := range cases {
			t.Run(ec.user+" "+ec.module, func(t *testing.T) {
				d.Login(ec.user, store.DemoPassword)
				d.OpenModule(ec.module)
				ec.dirty(d)
				d.MustSee(ec.typed)
				before := d.View()

				keys := []tea.KeyType{tea.KeyCtrlX, tea.KeyCtrlC}
				if ec.escDrops {
					keys = append(keys, tea.KeyEsc)
				}
				for _, k := range keys {
					d.Press(k)
					d.MustSee(discard)
					d.Type("n")
					d.MustNotSee(discard)
					if got := d.View(); got != before {
						t.Fatalf("after %v and n the screen changed:\n%s\nwas:\n%s", k, got, before)
					}
				}
				if ec.escDrops {
					d.Press(tea.KeyEsc)
					d.Type("y")
					d.MustNotSee(discard)
					if strings.Contains(d.View(), ec.typed) {
						t.Fatalf("esc and y kept the input:\n%s", d.View())
					}
				}
				d.Press(tea.KeyCtrlX)
				if strings.Contains(d.View(), discard) {
					d.Type("y")
				}
				d.MustSee("已退出登录")
			})
		}
	})
}
