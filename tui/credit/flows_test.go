package credit_test

import (
	"strings"
	"testing"
	"time"

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

func start(t *testing.T, db *store.DB, ascii bool) (*tuitest.Driver, *client.Client) {
	t.Helper()
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, History: c, Attachments: c, Persons: c, Credit: c}
	return tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL, ASCII: ascii}), c
}

func today() string { return time.Now().In(time.FixedZone("CST", 8*3600)).Format(domain.DateLayout) }

// fillEntry types an entry into the open 录入失信信息 form and saves it.
func fillEntry(d *tuitest.Driver, kind, description string) {
	d.Type(kind) // filters the type picker
	d.Press(tea.KeyEnter)
	d.Type(description)
	d.Press(tea.KeyEnter)
	d.Type(today())
	d.Press(tea.KeyEnter)
	d.Type("通报批评，取消当年评优资格。")
	d.Press(tea.KeyEnter)
	d.Press(tea.KeyEnter) // 有效期起: today, prefilled
	d.Press(tea.KeyEnter) // 有效期止: blank, no end
	d.Type("测试〔2026〕8号")
	d.Press(tea.KeyEnter)
}

// The walk-through in the unit's screens: the seeded entry's
// person is marked in 专业技术人员信息维护; 新增 → 失信人类型 → 查询 →
// 录入失信信息 → 保存 records another, who is then marked too.
func TestUnitRecordsAnEntryAndThePersonIsMarked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, false)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("专业技术人员信息维护")
		d.Type("/")
		d.Type("黄思琪")
		d.Press(tea.KeyCtrlS)
		d.MustSee("⚠黄思琪")
		d.Press(tea.KeyEsc)

		d.OpenModule("失信信息录入")
		d.MustSee("黄思琪", "学时造假", "有效")
		d.Fits("list")
		d.Type("n")
		d.MustSee("失信人类型：专业技术人员", "查询")
		d.Type("李晓红")
		d.Press(tea.KeyEnter)
		d.MustSee("李晓红")
		d.MustNotSee("王建华")
		d.Press(tea.KeyEnter)
		d.MustSee("录入失信信息：李晓红", "失信类型", "文书编号")
		d.Fits("form")

		// A bad date is shown at its field and what was typed stays.
		d.Type("考试")
		d.Press(tea.KeyEnter)
		d.Type("继续教育考试中由他人代考。")
		d.Press(tea.KeyEnter)
		d.Type("2026-13-01")
		d.Press(tea.KeyCtrlS)
		d.MustSee("日期应为有效的 YYYY-MM-DD", "继续教育考试中由他人代考")
		for range 5 {
			d.Press(tea.KeyBackspace)
		}
		d.Type("01-01")
		d.Press(tea.KeyEnter)
		d.Type("取消考试成绩。")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存", "考试作弊", "附件(0)")
		d.Fits("detail")
		d.Press(tea.KeyCtrlN)
		d.MustSee("暂无附件")
		d.Press(tea.KeyCtrlN)
		d.MustSee("录入失信信息")

		d.Press(tea.KeyEsc)
		d.MustSee("李晓红", "黄思琪")
		d.Press(tea.KeyCtrlX)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("专业技术人员信息维护")
		d.Type("/")
		d.Type("李晓红")
		d.Press(tea.KeyCtrlS)
		d.MustSee("⚠李晓红")
	})
}

// demo-authority records an entry about demo-unit; the unit sees it in
// 单位失信信息查看 and cannot change it.
func TestAuthorityRecordsAndTheUnitOnlyReads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, true)
		d.Login(store.DemoAuthority, store.DemoPassword)
		d.OpenModule("单位失信信息录入")
		d.MustSee("广州市天河区示范科技", "证书造假")
		d.Type("n")
		d.MustSee("失信人类型：法人单位")
		d.Type("天河")
		d.Press(tea.KeyEnter)
		d.Press(tea.KeyEnter)
		d.MustSee("录入失信信息：广州市天河区示范科技有限公司")
		fillEntry(d, "其他", "拒不配合继续教育专项检查。")
		d.MustSee("已保存", "拒不配合继续教育专项检查", "广州市人力资源和社会保障局")
		d.Fits("authority detail")
		// The ASCII theme shows no ambiguous glyphs here either.
		if strings.ContainsAny(d.View(), "⚠█…●") {
			t.Fatalf("ASCII theme shows Unicode glyphs:\n%s", d.View())
		}
		d.Press(tea.KeyCtrlX)

		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("单位失信信息查看")
		d.MustSee("广州市人力资源和社会保障局", "其他", "证书造假")
		d.MustNotSee("黄思琪")
		d.Fits("unit view")
		d.Type("e")
		d.MustSee("单位只能查看")
		d.Press(tea.KeyEnter)
		d.MustSee("拒不配合继续教育专项检查", "文书编号")
		d.Type("e")
		d.MustSee("单位只能查看")
		d.MustNotSee("修改失信信息")
	})
}

// The false focus: 新增 opens with the 查询 field marked, and
// what is typed lands there; enter searches, it does not record against
// the first person of the list. The module's own 姓名 filter is not
// marked while the list has the keys.
func TestSearchFieldHasTheKeysItIsMarkedWith(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, false)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("失信信息录入")
		d.MustSee("姓名：[")
		d.MustNotSee("› 姓名：")
		d.Press(tea.KeyTab)
		d.MustSee("› 姓名：[")
		d.Type("黄")
		d.MustSee("› 姓名：[黄")
		d.Press(tea.KeyTab)
		d.MustNotSee("› 姓名：")
		d.Press(tea.KeyTab)
		d.Press(tea.KeyBackspace)
		d.Press(tea.KeyTab)

		d.Type("n")
		d.MustSee("› 查询：[")
		d.Type("周文")
		d.MustSee("› 查询：[周文")
		d.Press(tea.KeyEnter)
		d.MustSee("周文斌", "查询：[周文")
		d.MustNotSee("录入失信信息：", "› 查询：")
		d.Press(tea.KeyEnter)
		d.MustSee("录入失信信息：周文斌")
	})
}
