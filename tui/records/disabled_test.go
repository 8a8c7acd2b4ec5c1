package records_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/tuitest"
)

// Once 网络学习 is disabled, a new record cannot pick it; a record that
// holds it shows it marked and saves unchanged.
func TestDisabledFormIsNotOfferedButKept(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db)
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("学时申报")
		d.Type("n")
		fillRecord(d, "公需", "网络", "网络课程：数字化转型", daysAgo(2), daysAgo(2), "2")
		d.MustSee("已保存：网络课程：数字化转型")

		admin := tuitest.APIAs(t, env, store.DemoAdmin)
		ds, err := admin.Dictionaries(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, dict := range ds {
			for _, it := range dict.Items {
				if dict.Kind == domain.DictForm && it.Code == "online" {
					_, err = admin.UpdateDictItem(t.Context(), domain.DictForm, "online",
						domain.DictItemChange{Label: it.Label, Disabled: true, Version: it.Version})
				}
			}
		}
		if err != nil {
			t.Fatal(err)
		}

		relogin(d, store.DemoPerson, "学时申报")
		d.Type("n")
		d.Press(tea.KeyTab)
		d.MustSee("培训/研修/进修")
		d.Type("网络")
		d.MustSee("无匹配项")
		d.MustNotSee("网络学习")
		d.Fits("editor without the disabled form")
		d.Press(tea.KeyEsc)
		d.MustSee("有未保存的修改，确定放弃吗？(y/n)")
		d.Type("y")

		d.Type("e")
		d.MustSee("修改培训记录", "网络学习（已停用）")
		d.Fits("editor keeping the disabled form")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：网络课程：数字化转型")

		// Enabled again, it is offered again in the open module, without
		// logging in again: each editor reads the dictionaries afresh.
		ds, err = admin.Dictionaries(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, dict := range ds {
			for _, it := range dict.Items {
				if dict.Kind == domain.DictForm && it.Code == "online" {
					_, err = admin.UpdateDictItem(t.Context(), domain.DictForm, "online",
						domain.DictItemChange{Label: it.Label, Disabled: false, Version: it.Version})
				}
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		d.Press(tea.KeyEsc)
		d.Type("n")
		d.Press(tea.KeyTab)
		d.Type("网络")
		d.MustSee("网络学习")
		d.MustNotSee("无匹配项")
	})
}
