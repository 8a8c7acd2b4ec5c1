package admin_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

func startAdmin(t *testing.T, db *store.DB) (*tuitest.Driver, *servertest.Env) {
	t.Helper()
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, History: c, Dictionaries: c}
	d := tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL})
	d.Login(store.DemoAdmin, store.DemoPassword)
	d.OpenModule("字典维护")
	return d, env
}

func backspaces(d *tuitest.Driver, n int) {
	for range n {
		d.Press(tea.KeyBackspace)
	}
}

// The administrator adds an item, is told at the field what the server
// refuses, disables it, renames it past a concurrent change, reads its
// history, and is kept from adding to or disabling 科目类别.
func TestDictionaryMaintenance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := startAdmin(t, db)
		d.MustSee("单位类型", "科目类别", "仅可改名", "学历", "GB/T 2260")
		d.Fits("dictionaries")

		d.Press(tea.KeyDown, tea.KeyDown, tea.KeyEnter)
		d.MustSee("学习形式", "培训/研修/进修", "网络学习", "online")
		d.Fits("form items")

		// A code with a hyphen is refused at its field before any call.
		d.Type("n")
		d.Type("vr-lab")
		d.Press(tea.KeyTab)
		d.Type("虚拟仿真实训")
		d.Press(tea.KeyEnter)
		d.MustSee("新增学习形式", "代码只能包含字母、数字和下划线")
		d.Fits("add form with an error")
		backspaces(d, 6)
		d.Type("vr_lab")
		d.Press(tea.KeyTab, tea.KeyEnter)
		d.MustSee("已在学习形式中新增「虚拟仿真实训」")
		if l := d.LineWith("vr_lab"); !strings.Contains(l, "启用") {
			t.Fatalf("new row: %q", l)
		}

		// A taken code: the server's objection shows at the field and
		// what was typed stays.
		d.Type("n")
		d.Type("online")
		d.Press(tea.KeyTab)
		d.Type("重复代码")
		d.Press(tea.KeyEnter)
		d.MustSee("该代码已存在", "重复代码")
		d.Press(tea.KeyEsc)
		d.MustSee("有未保存的修改，确定放弃吗？(y/n)")
		d.Type("y")
		d.MustNotSee("新增学习形式")

		// The cursor is on the new row: disable it.
		d.Type("t")
		d.MustSee("已停用「虚拟仿真实训」")
		if l := d.LineWith("vr_lab"); !strings.Contains(l, "已停用") {
			t.Fatalf("disabled row: %q", l)
		}
		api := tuitest.APIAs(t, env, store.DemoAdmin)
		ref, err := api.Reference(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		items := ref.Dictionaries[domain.DictForm]
		if last := items[len(items)-1]; last.Code != "vr_lab" || !last.Disabled {
			t.Fatalf("reference after disabling: %+v", items)
		}

		// Someone else renames it while the form is open: the save
		// conflicts and keeps the operator's text.
		d.Type("e")
		d.MustSee("修改学习形式名称：vr_lab")
		backspaces(d, 6)
		d.Type("虚拟仿真")
		ds, err := api.Dictionaries(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var it domain.DictEntry
		for _, e := range ds[2].Items {
			if e.Code == "vr_lab" {
				it = e
			}
		}
		if _, err := api.UpdateDictItem(t.Context(), domain.DictForm, "vr_lab",
			domain.DictItemChange{Label: "仿真实训", Disabled: true, Version: it.Version}); err != nil {
			t.Fatal(err)
		}
		d.Press(tea.KeyEnter)
		d.MustSee("数据已被他人修改", "虚拟仿真")
		d.Fits("rename conflict")
		d.Press(tea.KeyEsc)
		d.Type("y") // what was typed is thrown away only on y
		d.Press(tea.KeyCtrlR)
		d.MustSee("仿真实训")
		d.Type("e")
		backspaces(d, 4)
		d.Type("虚拟仿真")
		d.Press(tea.KeyEnter)
		d.MustSee("已将 vr_lab 的名称改为「虚拟仿真」")
		if l := d.LineWith("vr_lab"); !strings.Contains(l, "虚拟仿真") || !strings.Contains(l, "已停用") {
			t.Fatalf("renamed row: %q", l)
		}

		d.Type("h")
		d.MustSee("学习形式「虚拟仿真」的修改记录", "改为「仿真实训」", "改为「虚拟仿真」")
		d.Fits("history")
		d.Press(tea.KeyEsc)

		// 科目类别 can be renamed only.
		d.Press(tea.KeyEsc)
		d.MustSee("单位类型", "仅可改名")
		d.Press(tea.KeyUp, tea.KeyEnter)
		d.MustSee("公需科目", "专业科目", "选修科目")
		d.Type("n")
		d.MustSee("科目类别由系统规则使用，不能增删")
		d.MustNotSee("新增科目类别")
		d.Type("t")
		d.MustSee("科目类别由系统规则使用，不能停用")
		d.Fits("category refusals")
		d.Press(tea.KeyEsc)
		d.MustSee("单位类型", "仅可改名")
		d.MustNotSee("公需科目")
	})
}
