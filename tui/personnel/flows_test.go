package personnel_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/common"
	"jxjy/tui/personnel"
	"jxjy/tui/tuitest"
)

// claim searches for a unit from 个人信息 and claims the first match.
func claim(t *testing.T, d *tuitest.Driver, query, unit string) {
	t.Helper()
	d.Type("u")
	d.Type(query)
	d.Press(tea.KeyEnter)
	d.MustSee(unit)
	d.Press(tea.KeyEnter)
	d.MustSee("确定申请加入 " + unit + "？(y/n)")
	d.Type("y")
	d.MustSee("已申请加入 "+unit+"，请等待单位确认", "待单位确认")
}

func TestPersonRegistersClaimsAndTheUnitAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, nil)
		const first17 = "44010419930618271"
		id := idOf(first17)

		// The login screen offers the registration; it checks the ID number
		// as it is typed and shows what it says.
		d.Press(tea.KeyF1)
		d.MustSee("ctrl+n 单位注册", "ctrl+p 个人注册")
		d.Press(tea.KeyF1)
		d.Press(tea.KeyCtrlP)
		d.MustSee("专业技术人员注册", "（根据身份证号自动生成）")
		d.Type(wrongCheck(first17))
		d.MustSee("身份证号校验位不正确")
		clearField(d)
		d.Type(strings.ToLower(id))
		d.MustSee("男  1993-06-18")
		d.MustNotSee("身份证号校验位不正确")
		d.Press(tea.KeyEnter) // passes over the read-only 性别/出生日期
		typeIn(d, "梁子健", "13900005555", "Start2026a", "Start2026a")
		d.MustSee("用户登录", personnel.Registered)
		if !strings.Contains(d.LineWith("用户名："), id) {
			t.Fatalf("ID number not filled in:\n%s", d.View())
		}

		// First login: the password changes, then 个人信息.
		typeIn(d, "Start2026a", "ABCDE")
		d.MustSee("修改密码")
		typeIn(d, "Start2026a", "Better2026b", "Better2026b")
		d.OpenModule("个人信息")
		d.MustSee("梁子健", "未归属单位", "按 u 查找并申请加入单位")
		d.Type("u")
		d.Type("没有这个单位")
		d.Press(tea.KeyEnter)
		d.MustSee("没有找到已通过审核的单位")
		clearField(d)
		d.Type("新创信息") // a registered unit, not approved: not offered
		d.Press(tea.KeyEnter)
		d.MustSee("没有找到已通过审核的单位")
		clearField(d)
		d.Press(tea.KeyEsc)
		claim(t, d, "天河区示范", "广州市天河区示范科技有限公司")
		d.Type("u") // no second claim while one is pending
		d.MustNotSee("单位名称或信用代码")

		// demo-unit sees the claim first and answers 是; then 否 for the
		// next; then 人员确认 for the rest, ticked.
		d.Press(tea.KeyEsc, tea.KeyCtrlX)
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("专业技术人员信息确认")
		d.MustSee("梁子健", "潘玉兰", "共 5 条")
		d.Type("y")
		d.MustSee("已确认：梁子健 属于本单位", "共 4 条")
		d.MustNotSee(id)
		d.Type("n")
		d.MustSee("否：潘玉兰（")
		d.Type("y")
		d.MustSee("已否：潘玉兰 不属于本单位，其申请已退回", "共 3 条")
		d.Type("c")
		d.MustSee("请先用空格键勾选人员")
		d.Type(" ")
		d.Type(" ")
		d.MustSee("[x] 蔡振宇", "[x] 彭慧敏", "[ ] 邓家乐", "已勾选 2 人")
		d.Type("c")
		d.MustSee("确认已勾选的 2 人属于本单位？(y/n)")
		d.Type("y")
		d.MustSee("人员确认完成：已确认 2 人", "[ ] 邓家乐", "共 1 条")
		d.Press(tea.KeyCtrlA)
		d.Type("c")
		d.Type("y")
		d.MustSee("人员确认完成：已确认 1 人", "没有待确认的人员")

		// The refused person is free to claim a unit again.
		d.Press(tea.KeyEsc, tea.KeyCtrlX)
		d.Login("440113199411169805", demoPassword)
		d.OpenModule("个人信息")
		d.MustSee("潘玉兰", "未归属单位")
		claim(t, d, "91440106", "广州市天河区示范科技有限公司")
		d.Type("w")
		d.MustSee("确定撤回加入 广州市天河区示范科技有限公司 的申请？(y/n)")
		d.Type("y")
		d.MustSee("已撤回加入单位的申请", "未归属单位")
	})
}

func TestPersonEditsOwnContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, nil)
		d.Login(store.DemoPerson, demoPassword)
		d.OpenModule("个人信息")
		d.MustSee("陈志明", "广州市天河区示范科技有限公司", "已确认", "高级工程师（副高级）")
		d.MustNotSee("按 u")
		d.Type("e")
		clearField(d)
		d.Type("123")
		d.MustSee("手机号码应为1开头的11位数字")
		clearField(d)
		typeIn(d, "13711112222")
		clearField(d)
		d.Type("chen@example.cn")
		d.Press(tea.KeyEnter)
		d.MustSee("联系方式已保存", "13711112222", "chen@example.cn")
	})
}

func TestUnitAddsPersonsWithIDChecks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db, nil)
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("专业技术人员信息维护")
		// pgdn turns by the rows on screen: rows 13–20 of the first
		// server page show before the second page's.
		d.MustSee("第 1–12 条，共 30 条")
		d.Press(tea.KeyPgDown)
		d.MustSee("第 13–24 条，共 30 条", "罗晓燕", "高志远")
		d.Press(tea.KeyPgDown)
		d.MustSee("第 19–30 条，共 30 条", "陈志明")
		d.Press(tea.KeyPgUp, tea.KeyPgUp)
		d.MustSee("第 1–12 条", "潘玉兰")

		const first17 = "44011119870623402"
		d.Type("n")
		d.MustSee("新增专业技术人员", "性别/出生日期：（根据身份证号自动生成）")
		d.Type(wrongCheck(first17))
		d.MustSee("身份证号校验位不正确")
		clearField(d)
		d.Type(idOf(first17))
		d.MustSee("女  1987-06-23")
		d.Press(tea.KeyTab) // passes over the read-only 性别/出生日期
		d.Type("何嘉欣")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已新增：何嘉欣（女，1987-06-23），已属于本单位", "共 31 条")
		if !strings.Contains(d.LineWith("何嘉欣"), idOf(first17)) {
			t.Fatal("the new person is not listed")
		}

		// A duplicate and a pending claim are refused at the ID field; what
		// was typed stays.
		d.Type("n")
		d.Type(idOf(first17))
		d.Press(tea.KeyEnter)
		d.Type("何嘉欣二")
		d.Press(tea.KeyCtrlS)
		d.MustSee("本单位已有该人员，请勿重复添加", "何嘉欣二")
		clearField(d) // the focus went to the ID number
		d.Type("440113199411169805")
		d.Press(tea.KeyCtrlS)
		d.MustSee("该人员已申请加入本单位，请在", "何嘉欣二")
		d.Press(tea.KeyEsc)
		d.MustSee("有未保存的修改，确定放弃吗？(y/n)")
		d.Type("n")
		d.MustSee("何嘉欣二", "›      身份证号：[440113199411169805")
		d.Press(tea.KeyEsc)
		d.Type("y")

		// Filter, then 修改 and 详情.
		d.Type("/")
		typeIn(d, "何嘉", "", "", "")
		d.MustSee("筛选：姓名=何嘉", "共 1 条")
		d.Type("e")
		d.MustSee("修改：何嘉欣", "身份证号："+idOf(first17))
		for range 7 {
			d.Press(tea.KeyTab)
		}
		d.Type("项目经理")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：何嘉欣")
		d.Press(tea.KeyEnter)
		d.MustSee("岗位：项目经理", "性别：女    出生日期：1987-06-23", "登录账号：未开通")

		// Someone else saves first: the save is refused, the input stays.
		d.Type("e")
		api := tuitest.APIAs(t, env, store.DemoUnit)
		page, err := api.ListPersons(context.Background(), domain.PersonFilter{Name: "何嘉欣"})
		if err != nil || page.Total != 1 {
			t.Fatalf("%+v %v", page, err)
		}
		p := page.Items[0]
		if _, err := api.UpdatePerson(context.Background(), p.ID, domain.PersonInput{IDNumber: p.IDNumber, Name: p.Name, Version: p.Version}); err != nil {
			t.Fatal(err)
		}
		for range 7 {
			d.Press(tea.KeyTab)
		}
		clearField(d)
		d.Type("技术总监")
		d.Press(tea.KeyCtrlS)
		d.MustSee("数据已被他人修改，请刷新后重试", "技术总监", "修改：何嘉欣")
		d.Press(tea.KeyEsc)
		d.Type("y")

		// 新增 with a login, which must change its password.
		d.Type("/")
		clearField(d)
		typeIn(d, "", "", "", "")
		d.MustSee("全部人员（按 / 筛选）", "共 31 条")
		d.Type("n")
		loginID := idOf("44011319790304005")
		d.Type(loginID)
		d.Press(tea.KeyEnter)
		d.Type("龙海生")
		for range 10 {
			d.Press(tea.KeyTab)
		}
		d.Type(" ")
		d.MustSee("[x] 创建")
		d.Press(tea.KeyTab)
		d.Type("short")
		d.MustSee("密码至少8位")
		clearField(d)
		d.Type("Start2026a")
		d.Press(tea.KeyEnter)
		d.MustSee("已新增：龙海生（男，1979-03-04），已开通登录账号", "须修改密码") // the message wraps to the next line
		d.Press(tea.KeyEsc, tea.KeyCtrlX)
		d.Login(loginID, "Start2026a")
		d.MustSee("修改密码")
	})
}

// otherUnitOwns answers 新增 of one ID number as the server does when
// another unit has it (the demo data has only one approved unit).
type otherUnitOwns struct {
	domain.PersonService
	id string
}

func (o otherUnitOwns) AddPerson(ctx context.Context, in domain.PersonInput) (domain.Person, error) {
	if domain.NormalizeIDNumber(in.IDNumber) == o.id {
		msg := "该身份证号已属于其他单位，不能添加"
		return domain.Person{}, &domain.Error{Code: domain.CodeConflict, Message: msg, Fields: map[string]string{"id_number": msg}}
	}
	return o.PersonService.AddPerson(ctx, in)
}

func TestAnotherUnitsPersonIsRefusedAtTheField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		owned := idOf("44060519800101003")
		d, _ := start(t, db, func(s *common.Services) { s.Persons = otherUnitOwns{s.Persons, owned} })
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("专业技术人员信息维护")
		d.Type("n")
		d.Type(owned)
		d.Press(tea.KeyEnter)
		d.Type("外单位人员")
		d.Press(tea.KeyCtrlS)
		d.MustSee("该身份证号已属于其他单位，不能添加", "外单位人员")
		d.MustSee("›      身份证号：[" + owned)
	})
}

// usedByClass answers 删除 as the server does for a teacher a class has
// used.
type usedByClass struct{ domain.TeacherService }

func (usedByClass) DeleteTeacher(context.Context, int64, domain.VersionRef) error {
	return domain.Errorf(domain.CodeConflict, domain.MsgTeacherInUse)
}

func TestTeacherLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db, nil)
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("师资信息维护")
		d.MustSee("共 8 条", "赵国栋", "禁用")

		d.Type("n")
		d.Type("邱雅文")
		d.Press(tea.KeyEnter)
		d.Type(wrongCheck("44010619800515202"))
		d.MustSee("身份证号校验位不正确")
		clearField(d)
		d.Type(idOf("44010619800515202"))
		d.Press(tea.KeyEnter)
		if !strings.Contains(d.LineWith("性别："), "女") {
			t.Fatalf("gender did not follow the ID number:\n%s", d.View())
		}
		typeIn(d, "", "副教授", "软件工程")
		d.Type("华南师范大学")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已新增教师：邱雅文（已启用）", "共 9 条")
		if !strings.Contains(d.LineWith("邱雅文"), "启用") {
			t.Fatal("new teacher not enabled")
		}

		api := tuitest.APIAs(t, env, store.DemoUnit)
		offered := func() bool {
			page, err := api.EnabledTeachers(context.Background(), domain.TeacherFilter{Name: "邱雅文"})
			if err != nil {
				t.Fatal(err)
			}
			return page.Total == 1
		}
		d.Type("t")
		d.MustSee("已禁用：邱雅文，不再可选作授课教师或班主任")
		if offered() {
			t.Fatal("a disabled teacher is offered")
		}
		d.Type("t")
		d.MustSee("已启用：邱雅文，可选作授课教师或班主任")
		if !offered() {
			t.Fatal("an enabled teacher is not offered")
		}

		d.Type("e")
		d.MustSee("修改教师：邱雅文")
		for range 3 {
			d.Press(tea.KeyTab)
		}
		clearField(d)
		d.Type("教授")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存：邱雅文")
		if !strings.Contains(d.LineWith("邱雅文"), "教授") {
			t.Fatal("title not saved")
		}
		d.Press(tea.KeyEnter)
		d.MustSee("工作单位：华南师范大学", "身份证号："+idOf("44010619800515202"))
		d.Press(tea.KeyEsc)

		d.Type("x")
		d.MustSee("确定删除教师 邱雅文？(y/n)")
		d.Type("n")
		d.MustNotSee("确定删除教师")
		d.MustSee("邱雅文")
		d.Type("x")
		d.Type("y")
		d.MustSee("已删除：邱雅文", "共 8 条")
		d.MustNotSee("华南师范大学")

		d.Type("/")
		d.Press(tea.KeyEnter)
		d.Type("禁用")
		d.Press(tea.KeyEnter)
		d.MustSee("筛选：状态=禁用", "共 2 条", "孙丽", "赵国栋")
		d.MustNotSee("李明华")
	})
}

func TestDeletingAUsedTeacherIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, func(s *common.Services) { s.Teachers = usedByClass{s.Teachers} })
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("师资信息维护")
		d.Type("x")
		d.Type("y")
		d.MustSee("已被培训班使用，请改为禁用", "共 8 条")
	})
}

// A unit adding an ID number a stranger self-registered under another
// name is not blocked: the screen says the squatter's account was voided.
func TestUnitAddsASquattedIDNumber(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env := start(t, db, nil)
		const first17 = "44011119900101402"
		if err := env.Client().RegisterPerson(t.Context(), domain.PersonRegistration{IDNumber: idOf(first17),
			Name: "冒名者", Mobile: "13900001111", Password: "Start2026a"}); err != nil {
			t.Fatal(err)
		}
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("专业技术人员信息维护")
		d.Type("n")
		d.Type(idOf(first17))
		d.Press(tea.KeyEnter) // passes over the read-only 性别/出生日期
		d.Type("何真")
		d.Press(tea.KeyCtrlS)
		d.MustSee("已新增：何真", "冒名者", "已停用")
	})
}
