package tui_test

import (
	"os"
	"path/filepath"
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

// planWalk drives the TUI against a real server, logging in and out as
// the acceptance walk changes hands.
type planWalk struct {
	t   *testing.T
	env *servertest.Env
	d   *tuitest.Driver
}

func startPlanWalk(t *testing.T, db *store.DB) *planWalk {
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	d := tuitest.New(t, tui.Options{ServerURL: env.URL, Services: common.Services{Auth: c, Ref: c, Admin: c,
		Attachments: c, History: c, Teachers: c, Persons: c, Records: c, Courses: c, Plans: c, Classes: c}})
	return &planWalk{t: t, env: env, d: d}
}

// as logs out of any session, logs in and opens module title.
func (w *planWalk) as(user, module string) {
	w.t.Helper()
	w.d.Press(tea.KeyCtrlX)
	w.d.Login(user, store.DemoPassword)
	w.d.OpenModule(module)
}

// filter replaces the list's filter text (ctrl+u clears the field) and
// searches.
func (w *planWalk) filter(text string) {
	w.d.Press(tea.KeyTab, tea.KeyCtrlU)
	w.d.Type(text)
	w.d.Press(tea.KeyEnter)
}

// fill types each value into the next field of a form, enter after each.
func (w *planWalk) fill(values ...string) {
	for _, v := range values {
		if v != "" {
			w.d.Type(v)
		}
		w.d.Press(tea.KeyEnter)
	}
}

func day(n int) string { return time.Now().AddDate(0, 0, n).Format(domain.DateLayout) }

// TestEndToEndPlanToCredits is the walk, as a new user would do
// it: the unit's twelve steps and 送审 (refused first: the subject hours
// do not add up), the authority's return, the fix and the approval, then
// 开班, five trainees, two sessions with exceptions, results and 结班.
func TestEndToEndPlanToCredits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := startPlanWalk(t, db)
		d := w.d
		pdf := filepath.Join(t.TempDir(), "培训通知.pdf")
		if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}

		// Steps 1–4: 新申请, the plan's fields, the course by typing part
		// of its name, 保存.
		w.as(store.DemoUnit, "专业课计划申报")
		d.MustSee("新申请", "草稿")
		d.Type("n")
		d.MustSee("新申请专业课计划")
		d.Press(tea.KeyEnter)
		d.Type("网络与信息")
		d.MustSee("GD-ZY-003 网络与信息安全实务")
		w.fill("", "安全运维专项培训计划", "运维岗位人员", "提升安全运维能力")
		d.MustSee("安全运维专项培训计划", "尚无培训班")

		// Steps 5–6: 新增 培训班, 保存.
		d.Type("n")
		d.MustSee("新增培训班")
		w.fill("安全运维实训班", day(-1), day(0), "五楼会议室", "5", "8")
		d.MustSee("培训班：安全运维实训班", "未选入")

		// Steps 7–8: 选入教师, tick, 确认; the head teacher.
		d.Type("t")
		d.MustSee("选入授课教师")
		d.MustNotSee("赵国栋") // disabled teachers are not offered
		w.filter("黄伟")
		d.Press(tea.KeySpace, tea.KeyEnter)
		d.MustSee("授课教师：黄伟")
		d.Type("b")
		w.filter("王志强")
		d.Press(tea.KeyEnter)
		d.MustSee("班主任：王志强")

		// Step 9: 新增科目内容, three hours of the class's eight.
		d.Type("n")
		d.MustSee("新增科目内容")
		d.Type("等保测评")
		d.Press(tea.KeyEnter, tea.KeyBackspace)
		w.fill("3", "", "定级与测评要点")
		d.MustSee("等保测评", "科目合计：3")

		// Step 10: close the class sub-window; 送审 lists what is wrong.
		d.Press(tea.KeyEsc)
		d.MustSee("专业课程：GD-ZY-003")
		d.Press(tea.KeyCtrlT)
		d.MustSee("送审计划“安全运维专项培训计划”（1个培训班）？")
		d.Type("y")
		d.MustSee("计划尚不能送审", "科目学时合计3")
		d.Press(tea.KeyEsc)
		d.Press(tea.KeyEnter)
		d.Type("n")
		w.fill("应急演练", "", "", "")
		d.MustSee("科目合计：8")
		d.Press(tea.KeyEsc)

		// Step 11: 新增附件.
		d.Press(tea.KeyCtrlN)
		d.MustSee("暂无附件")
		d.Type("u")
		d.Type(pdf)
		d.Press(tea.KeyEnter)
		d.MustSee("培训通知.pdf", "附件(1)")
		d.Press(tea.KeyCtrlP)

		// Step 12: 送审, confirmed; the refusal from before is gone.
		d.MustNotSee("计划尚不能送审")
		d.Press(tea.KeyCtrlT)
		d.MustSee("送审计划“安全运维专项培训计划”")
		d.Type("y")
		d.MustSee("已送审")
		d.MustNotSee("ctrl+t 送审", "n 新增培训班")

		// demo-authority returns it with a reason.
		w.as(store.DemoAuthority, "专业课计划审核")
		w.filter("安全运维专项")
		d.MustSee("安全运维专项培训计划")
		d.Press(tea.KeyEnter)
		d.MustSee("广州市天河区示范科技有限公司", "安全运维实训班")
		d.Type("r")
		d.Press(tea.KeyEnter)
		d.MustSee("请填写不同意的原因")
		d.Type("请补充培训对象范围")
		d.Press(tea.KeyEnter)
		d.MustSee("不同意并退案计划“安全运维专项培训计划”")
		d.Type("y")
		d.MustSee("已审核：已退回")
		d.MustNotSee("a 同意")

		// The unit fixes it and sends it again.
		w.as(store.DemoUnit, "专业课计划申报")
		d.MustSee("已退回")
		d.Press(tea.KeyEnter)
		d.MustSee("审核意见：请补充培训对象范围")
		d.Type("e")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.Type("、安全岗位人员")
		d.Press(tea.KeyCtrlS)
		d.MustSee("培训对象：运维岗位人员、安全岗位人员")
		d.Press(tea.KeyCtrlT)
		d.Type("y")
		d.MustSee("已送审")

		// The authority approves.
		w.as(store.DemoAuthority, "专业课计划审核")
		w.filter("安全运维专项")
		d.Press(tea.KeyEnter)
		d.Type("a")
		d.Press(tea.KeyEnter)
		d.MustSee("同意计划“安全运维专项培训计划”")
		d.Type("y")
		d.MustSee("已审核：已通过")

		// 培训班设置: 开班; a cancelled class stays cancelled.
		w.as(store.DemoUnit, "培训班设置")
		w.filter("周末班")
		d.Type("s")
		d.Type("1")
		d.Type("y")
		d.MustSee("已取消，不能开班")
		w.filter("安全运维实训班")
		d.MustSee("未开班")
		d.Type("s")
		d.Type("1")
		d.Type("y")
		d.MustSee("已开班1个培训班")

		// 培训人员录入: five of the unit's persons; a sixth is over capacity.
		w.as(store.DemoUnit, "培训人员录入")
		w.filter("安全运维实训班")
		d.Press(tea.KeyEnter)
		d.MustSee("已录入 0 / 人数上限 5", "⚠黄思琪") // the seeded 失信 entry
		d.Press(tea.KeySpace, tea.KeySpace, tea.KeySpace, tea.KeySpace, tea.KeySpace, tea.KeySpace)
		d.Type("a")
		d.MustSee("名额不足")
		d.Press(tea.KeyUp, tea.KeySpace)
		d.Type("a")
		d.MustSee("已录入 5 / 人数上限 5")

		// 培训班考勤设置: two sessions, 普通考勤 and the exceptions.
		w.as(store.DemoUnit, "培训班考勤设置")
		w.filter("安全运维实训班")
		d.Press(tea.KeyEnter)
		d.Type("n")
		d.Press(tea.KeyEnter)
		w.fill("09:00", "12:00")
		d.MustSee("0人")
		d.Type("p")
		d.MustSee("设置考勤：")
		d.Press(tea.KeyDown)
		d.Type("2")
		d.MustSee("已设置：迟到")
		d.Press(tea.KeyEsc)
		d.Type("n")
		d.Press(tea.KeyEnter)
		w.fill("14:00", "17:00")
		d.Press(tea.KeyDown)
		d.Type("p")
		d.Type("5")
		d.MustSee("已设置：缺勤")
		d.Press(tea.KeyEsc)
		d.Type("v")
		d.MustSee("考勤查看", "迟到", "缺勤", "50%", "100%")
		for _, size := range [][2]int{{20, 6}, {40, 12}, {132, 43}, {80, 24}} {
			d.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			_ = d.View()
		}
		d.MustSee("考勤查看")

		// 培训班设置: 结班 waits for results; four pass, one fails.
		w.as(store.DemoUnit, "培训班设置")
		w.filter("安全运维实训班")
		d.Type("s")
		d.Type("2")
		d.Type("y")
		d.MustSee("未录入考核结果")
		d.Type("g")
		d.MustSee("成绩/考核结果录入")
		d.Type("p")
		d.Type("p")
		d.Type("p")
		d.Type("p")
		d.Type("f")
		d.Press(tea.KeyCtrlS)
		d.MustSee("成绩已保存")
		d.Press(tea.KeyEsc)
		d.Type("s")
		d.Type("2")
		d.Type("y")
		d.MustSee("已结班1个培训班，4人记入学时")

		// The passing trainees hold records of the class; the failing
		// one does not.
		unit := w.env.Client()
		if _, err := unit.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaCode: "x"}); err != nil {
			t.Fatal(err)
		}
		records, err := unit.ListRecords(t.Context(), domain.RecordFilter{Source: domain.SourceClass, Status: domain.RecordEffective, PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		credited := map[string]bool{}
		for _, r := range records.Items {
			if r.Title == "安全运维实训班" {
				credited[r.PersonName] = true
			}
		}
		if len(credited) != 4 {
			t.Fatalf("%d trainees credited, want 4: %v", len(credited), credited)
		}
	})
}

// TestEndToEndCatalogAndRejection: the province keeps the catalog, a
// city only reads it; the city rejects a plan for good; a closed class
// shows its history.
func TestEndToEndCatalogAndRejection(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := startPlanWalk(t, db)
		d := w.d

		w.as(store.DemoProvince, "专业课程目录")
		d.MustSee("GD-ZY-001", "人工智能技术应用与发展")
		d.Type("n")
		w.fill("gd-zy-300", "低空经济与无人机应用", "航空", "16", "")
		w.filter("低空")
		d.MustSee("GD-ZY-300", "启用")
		d.Type("e")
		d.MustSee("已停用：低空经济与无人机应用")

		w.as(store.DemoAuthority, "专业课程目录")
		d.Type("n")
		d.MustSee("由省级人社主管部门维护")

		w.as(store.DemoAuthority, "专业课计划审核")
		d.MustSee("2026年度网络与信息安全")
		d.Press(tea.KeyEnter)
		d.MustSee("网络安全等级保护实务培训班")
		d.Type("x")
		d.Type("与年度计划重复")
		d.Press(tea.KeyEnter)
		d.MustSee("不同意并结案计划“2026年度网络与信息安全")
		d.Type("y")
		d.MustSee("已审核：不同意并结案")
		d.MustNotSee("x 不同意并结案")
		d.Type("x")
		d.MustSee("不能审核")

		w.as(store.DemoUnit, "培训班设置")
		w.filter("第一期")
		d.Press(tea.KeyEnter)
		d.MustSee("已结班", "改为「已开班」", "结班，5名合格学")
	})
}
