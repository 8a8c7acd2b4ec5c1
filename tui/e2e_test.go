package tui_test

import (
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

// start opens the TUI against a real server over a real database.
func start(t *testing.T, db *store.DB) *tuitest.Driver {
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	return tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c}, ServerURL: env.URL})
}

func TestEndToEndUnitLogin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d := start(t, db)
		d.Login("demo-unit", "wrong-pass1")
		d.MustSee("用户名或密码错误")
		d.Press(tea.KeyShiftTab) // back to 用户名, which was kept
		d.Press(tea.KeyEnter)
		d.Type("Demo@2026")
		d.Press(tea.KeyEnter)
		d.Type("ABCDE")
		d.Press(tea.KeyEnter)
		d.MustSee("广州市天河区示范科技有限公司", "专业课计划申报", "专业技术人员信息维护")
	})
}

func TestEndToEndRegistrationForcesPasswordChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d := start(t, db)
		d.Press(tea.KeyCtrlN)
		d.MustSee("单位注册")
		for _, v := range []string{"gz-e2e-unit", "Passw0rd1", "Passw0rd1", "广州端到端测试有限公司", "91440101MA5911110H", "13800138000"} {
			d.Type(v)
			d.Press(tea.KeyEnter)
		}
		d.MustSee("注册成功，请登录。首次登录需修改密码")
		// The username is prefilled and the cursor waits at 密码.
		d.Type("Passw0rd1")
		d.Press(tea.KeyEnter)
		d.Type("ABCDE")
		d.Press(tea.KeyEnter)
		d.MustSee("修改密码")
		d.Press(tea.KeyEsc)
		d.MustSee("修改密码")
		for _, v := range []string{"Passw0rd1", "NewPass123", "NewPass123"} {
			d.Type(v)
			d.Press(tea.KeyEnter)
		}
		d.MustSee("法人单位角色申请", "申请状态：草稿")
		d.MustNotSee("专业课计划申报")
	})
}

func TestEndToEndDuplicateUSCCShownAtField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d := start(t, db)
		d.Press(tea.KeyCtrlN)
		for _, v := range []string{"gz-dup-unit", "Passw0rd1", "Passw0rd1", "重复信用代码单位", "91440101MA5911110H", "13800138000"} {
			d.Type(v)
			d.Press(tea.KeyEnter)
		}
		d.Press(tea.KeyCtrlN)
		for _, v := range []string{"gz-dup-unit2", "Passw0rd1", "Passw0rd1", "另一个单位", "91440101MA5911110H", "13800138000"} {
			d.Type(v)
			d.Press(tea.KeyEnter)
		}
		d.MustSee("该统一社会信用代码已注册", "另一个单位")
	})
}
