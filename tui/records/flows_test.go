package records_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/tuitest"
)

// fillRecord types a record's own fields, from 科目类别 to 备注, and saves.
func fillRecord(d *tuitest.Driver, category, form, title, start, end, hours string) {
	typeIn(d, category, form, title, "广东省继续教育学院", start, end, hours, "")
	d.Press(tea.KeyCtrlS)
}

// demo-unit declares for a person, is refused over the daily cap, saves,
// attaches a file, confirms; then deletes a draft.
func TestUnitDeclaresAttachesConfirmsAndDeletes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db)
		d.Login(store.DemoUnit, store.DemoPassword)
		unit := tuitest.APIAs(t, env, store.DemoUnit)
		found, err := unit.SearchRecordPersons(t.Context(), domain.RecordPersonSearch{Query: "张丽娟"})
		if err != nil || len(found.Items) != 1 {
			t.Fatalf("张丽娟: %+v %v", found, err)
		}
		if _, err := unit.CreateCredit(t.Context(), domain.CreditInput{PersonID: found.Items[0].ID, Type: "exam_cheating",
			Description: "继续教育考试中由他人代考。", OccurredDate: daysAgo(0), Handling: "取消考试成绩。",
			ValidFrom: daysAgo(0), DocumentNumber: "测试〔2026〕1号"}); err != nil {
			t.Fatal(err)
		}
		d.OpenModule("继续教育记录申报")
		d.MustSee("软件测试技术提升培", "按 / 筛选", "⚠张丽娟") // a 失信 entry in force
		d.MustNotSee("⚠李晓红")
		d.Fits("declare list")

		d.Type("n")
		d.MustSee("添加培训记录", "按姓名/身份证号查找")
		d.Type("陈志明")
		d.MustSee("陈志明 " + store.DemoPerson)
		d.Press(tea.KeyTab)
		fillRecord(d, "专业", "培训", "新一代信息技术研修班", daysAgo(3), daysAgo(2), "17")
		d.MustSee("每天最多8学时", "添加培训记录")
		d.Fits("editor with a server error")
		d.Press(tea.KeyCtrlU)
		d.Type("16")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：新一代信息技术研修班", "记录信息", "附件(0)", "草稿", "c 确认")

		// 附件: upload a scan from the operator's disk.
		pdf := filepath.Join(t.TempDir(), "结业证书.pdf")
		if err := os.WriteFile(pdf, store.DemoPDF("certificate"), 0o600); err != nil {
			t.Fatal(err)
		}
		d.Press(tea.KeyCtrlN)
		d.Type("u")
		d.Type(pdf)
		d.Press(tea.KeyEnter)
		d.MustSee("已上传：结业证书.pdf", "附件(1)")

		// 确认 asks first; then the record is effective and frozen.
		d.Press(tea.KeyCtrlP)
		d.Type("c")
		d.MustSee("确认后记录生效", "(y/n)")
		d.Type("y")
		d.MustSee("确认成功：新一代信息技术研修班，已生效", "已生效")
		d.Type("x")
		d.MustNotSee("确定删除")
		d.Press(tea.KeyCtrlN, tea.KeyCtrlN)
		d.MustSee("状态由「草稿」改为「已生效」", "上传附件 结业证书.pdf")

		// A draft is deleted after the question.
		d.Press(tea.KeyEsc)
		d.Type("n")
		d.Type(store.DemoPerson)
		d.Press(tea.KeyTab)
		fillRecord(d, "选修", "讲座", "误录的记录", daysAgo(1), daysAgo(1), "2")
		d.MustSee("已保存：误录的记录")
		d.Type("x")
		d.MustSee("确定删除“误录的记录”吗？(y/n)")
		d.Type("y")
		d.MustSee("已删除：误录的记录")

		page, err := unit.ListRecords(t.Context(), domain.RecordFilter{Source: domain.SourceUnit, PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, r := range page.Items {
			titles = append(titles, r.Title)
			if r.Title == "新一代信息技术研修班" && (r.Status != domain.RecordEffective || r.Attachments != 1 || r.Hours != domain.HoursOf(16)) {
				t.Fatalf("confirmed record: %+v", r)
			}
		}
		joined := strings.Join(titles, ",")
		if !strings.Contains(joined, "新一代信息技术研修班") || strings.Contains(joined, "误录的记录") {
			t.Fatalf("unit records: %s", joined)
		}
	})
}

// Dates and hours are checked as they are typed, at their fields.
func TestRecordFieldsAreCheckedAsTyped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db)
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("学时申报")
		d.Type("n")
		d.MustSee("学时申报", "科目类别")
		typeIn(d, "公需", "网络", "在线课程", "", daysAgo(2), daysAgo(4), "1.3")
		d.MustSee("结束日期不能早于开始日期", "学时应为0.5的倍数")
		d.Press(tea.KeyCtrlS)
		d.MustSee("结束日期不能早于开始日期")
		d.MustNotSee("已保存")
		d.Fits("editor with field errors")
	})
}

// The person submits; the unit returns it with a reason; the person fixes
// and resubmits; the unit approves; 我的学时 counts it.
func TestPersonSubmissionReturnedFixedAndApproved(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db)
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("学时申报")
		d.MustSee("网络与信息安全实务讲座", "待认定", "已退回")
		d.Fits("person's list")
		d.Type("n")
		fillRecord(d, "公需", "讲座", "信息安全意识讲座", daysAgo(3), daysAgo(3), "4")
		d.MustSee("已保存：信息安全意识讲座", "s 送审")
		d.Type("s")
		d.MustSee("送审“信息安全意识讲座”（陈志明，4")
		d.Type("y")
		d.MustSee("送审成功：信息安全意识讲座，等待单位认定")

		filterQueue := func() {
			d.Type("/")
			d.MustSee("筛选", "开始日期不早于")
			d.Type("陈志明")
			d.Press(tea.KeyEnter, tea.KeyEnter)
			d.Type(daysAgo(3))
			d.Press(tea.KeyEnter, tea.KeyEnter)
			d.MustSee("筛选：人员含“陈志明”")
		}
		relogin(d, store.DemoUnit, "继续教育记录认定")
		filterQueue()
		d.MustSee("信息安全意识讲座", "个人申报")
		d.MustNotSee("网络与信息安全实务讲座")
		d.Type("r")
		d.MustSee("审核：陈志明 信息安全意识讲座", "同意")
		d.Press(tea.KeyDown, tea.KeyDown)
		d.MustSee("不同意并退案")
		d.Press(tea.KeyEnter, tea.KeyEnter)
		d.MustSee("请填写不同意的理由")
		d.Type("请补充讲座签到证明")
		d.Press(tea.KeyEnter)
		d.MustSee("不同意并退案：“信息安全意识讲座”（陈志明）？(y/n)")
		d.Type("y")
		d.MustSee("审核（不同意并退案）成功：信息安全意识讲座，已退回")

		relogin(d, store.DemoPerson, "学时申报")
		d.Type("e")
		d.MustSee("修改培训记录（已退回：请补充讲座签到证明）")
		for i := 0; i < 6; i++ {
			d.Press(tea.KeyTab)
		}
		d.Press(tea.KeyCtrlU)
		d.Type("3")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：信息安全意识讲座")
		d.Type("s")
		d.MustSee("送审“信息安全意识讲座”")
		d.Type("y")
		d.MustSee("送审成功：信息安全意识讲座，等待单位认定")

		relogin(d, store.DemoUnit, "继续教育记录认定")
		filterQueue()
		d.Type("r")
		d.Press(tea.KeyEnter, tea.KeyEnter)
		d.MustSee("同意：“信息安全意识讲座”（陈志明）？(y/n)")
		d.Type("y")
		d.MustSee("审核（同意）成功：信息安全意识讲座，已生效")

		person := tuitest.APIAs(t, env, store.DemoPerson)
		years, err := person.MyHours(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		relogin(d, store.DemoPerson, "我的学时")
		y := years[0]
		d.MustSee("各年度学时", lineCells(y))
		d.Fits("我的学时")
		d.Press(tea.KeyTab, tea.KeyEnter)
		d.MustSee("记录信息", "所在单位")
	})
}

// lineCells is how a year's row starts in 我的学时.
func lineCells(y domain.YearHours) string {
	pad := func(s string) string { return s + strings.Repeat(" ", max(5-len(s), 0)) }
	return strings.Join([]string{strconv.Itoa(y.Year), pad(y.Public.String()), pad(y.Professional.String()),
		pad(y.Elective.String()), pad(y.Total.String())}, " ")
}

// The institution submits three records for a person; the unit finds them,
// ticks them and approves them at once; 申报查询 shows the outcome.
func TestInstitutionSubmitsThreeAndUnitBatchApproves(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db)
		first17 := "44010619920221404"
		id := first17 + string(domain.IDCheckChar(first17))
		d.Login(store.DemoInstitution, store.DemoPassword)
		d.OpenModule("学时申报")
		for _, n := range []string{"一", "二", "三"} {
			d.Type("n")
			d.MustSee("身份证号", "姓名")
			typeIn(d, id, "张丽娟")
			fillRecord(d, "专业", "培训", "机构培训第"+n+"期", daysAgo(6), daysAgo(5), "8")
			d.MustSee("已保存：机构培训第" + n + "期")
			d.Type("s")
			d.MustSee("送审“机构培训第" + n + "期”（张丽娟，8 学时）？")
			d.Type("y")
			d.MustSee("送审成功：机构培训第" + n + "期，等待单位认定")
			d.Press(tea.KeyEsc)
		}
		// A wrong name for the ID number is refused at the fields.
		d.Type("n")
		typeIn(d, id, "张三")
		fillRecord(d, "专业", "培训", "不匹配", daysAgo(6), daysAgo(5), "8")
		d.MustSee("身份证号与姓名不匹配，请核对")
		// The refusal spans two fields: correcting the name alone lets
		// the next save through, the server judging the pair again.
		for i := 0; i < 8; i++ {
			d.Press(tea.KeyShiftTab)
		}
		d.Press(tea.KeyTab)
		d.Press(tea.KeyCtrlU)
		d.Type("张丽娟")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：不匹配")
		d.MustNotSee("身份证号与姓名不匹配")
		d.Press(tea.KeyEsc)

		relogin(d, store.DemoUnit, "继续教育记录认定")
		d.Type("/")
		d.Type("张丽娟")
		d.Press(tea.KeyEnter)
		d.Press(tea.KeyDown, tea.KeyDown)
		d.MustSee("机构申报")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.MustSee("筛选：人员含“张丽娟”，机构申报", "共 3 条")
		d.Type("b")
		d.MustSee("请先用空格键勾选")
		d.Press(tea.KeyCtrlA)
		d.MustSee("已勾选 3 条")
		d.Fits("review queue with ticks")
		d.Type("b")
		d.MustSee("同意已勾选的 3 条记录吗？(y/n)")
		d.Type("y")
		d.MustSee("批量审核完成：同意 3 条", "没有符合筛选条件的记录")

		relogin(d, store.DemoInstitution, "申报查询")
		for _, n := range []string{"一", "二", "三"} {
			if l := d.LineWith("机构培训第" + n + "期"); !strings.Contains(l, "已生效") {
				t.Fatalf("申报查询 row: %q", l)
			}
		}
		d.MustSee("学员身份证号对应单位")
	})
}

// A save over a record someone changed meanwhile is refused; what was
// typed stays, and saving again, knowingly, writes it.
func TestStaleSaveKeepsTheInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db)
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("学时申报")
		d.Type("n")
		fillRecord(d, "公需", "网络", "并发修改的记录", daysAgo(2), daysAgo(2), "2")
		d.MustSee("已保存：并发修改的记录")
		d.Type("e")
		d.MustSee("修改培训记录")
		for i := 0; i < 7; i++ {
			d.Press(tea.KeyTab)
		}
		d.Type("终端里的备注")

		api := tuitest.APIAs(t, env, store.DemoPerson)
		page, err := api.ListRecords(t.Context(), domain.RecordFilter{Status: domain.RecordDraft, Person: ""})
		if err != nil {
			t.Fatal(err)
		}
		var r domain.Record
		for _, x := range page.Items {
			if x.Title == "并发修改的记录" {
				r = x
			}
		}
		in := domain.RecordInput{Category: r.Category, Form: r.Form, Title: r.Title, StartDate: r.StartDate,
			EndDate: r.EndDate, Hours: r.Hours, Remark: "另一处的修改", Version: r.Version}
		if _, err := api.UpdateRecord(t.Context(), r.ID, in); err != nil {
			t.Fatal(err)
		}

		d.Press(tea.KeyCtrlS)
		d.MustSee("记录已被他人修改", "终端里的备注")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：并发修改的记录")
		got, err := api.GetRecord(t.Context(), r.ID)
		if err != nil || got.Remark != "终端里的备注" {
			t.Fatalf("after the second save: %+v %v", got, err)
		}
	})
}
