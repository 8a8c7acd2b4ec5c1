package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/password"
	"jxjy/tui/register"
)

// specUnitMenu is SPEC §3's unit tree, copied verbatim: a heading, then its
// modules.
var specUnitMenu = [][]string{
	{"法人单位", "法人单位角色申请", "法人单位信息维护"},
	{"课程培训计划管理", "专业课计划申报"},
	{"法人单位培训班管理", "培训班设置", "培训班考勤设置", "培训人员录入"},
	{"专业技术人员信息管理", "专业技术人员信息确认", "专业技术人员信息维护"},
	{"继续教育记录管理", "继续教育记录申报", "继续教育记录批量申报", "继续教育记录认定", "继续教育证书打印"},
	{"师资管理", "师资信息维护"},
	{"信用管理", "失信信息录入", "单位失信信息查看"},
	{"查询统计", "专业课计划查询", "继续教育培训记录查询"},
}

// selectedEntry is the tree line with the selection marker.
func selectedEntry(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "› ") {
			return l
		}
	}
	return ""
}

// treeLines is the text inside the left pane, one entry per line.
func treeLines(view string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		for _, sep := range []string{"│", "|"} {
			parts := strings.Split(l, sep)
			if len(parts) >= 3 && strings.HasPrefix(l, sep) {
				out = append(out, strings.TrimRight(parts[1], " "))
			}
		}
	}
	return out
}

func lineWith(t *testing.T, view, text string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	t.Fatalf("no line with %q:\n%s", text, view)
	return ""
}

func TestLoginUnitSeesTheManualsMenu(t *testing.T) {
	d := newDriver(t, false)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 40}) // the whole tree at once
	d.login("demo-unit", "Demo@2026")

	if len(d.auth.logins) != 1 {
		t.Fatalf("logins = %d", len(d.auth.logins))
	}
	got := d.auth.logins[0]
	want := domain.LoginRequest{Username: "demo-unit", Password: "Demo@2026", CaptchaID: "cap-1", CaptchaCode: "ABCD"}
	if got != want {
		t.Fatalf("login request = %+v, want %+v", got, want)
	}
	// Each module shows the key that opens it: 1…9, then letters.
	var wantTree []string
	jumps := "123456789abcdefghimnoprstuvwxyz"
	n := 0
	for _, g := range specUnitMenu {
		wantTree = append(wantTree, " "+g[0])
		for _, mod := range g[1:] {
			wantTree = append(wantTree, "   "+jumps[n:n+1]+" "+mod)
			n++
		}
	}
	wantTree[1] = " › 1 法人单位角色申请" // selected first
	tree := treeLines(d.view())
	if strings.Join(tree[:len(wantTree)], "\n") != strings.Join(wantTree, "\n") {
		t.Fatalf("tree:\n%s\nwant:\n%s", strings.Join(tree, "\n"), strings.Join(wantTree, "\n"))
	}
	for _, l := range tree[len(wantTree):] {
		if strings.TrimSpace(l) != "" {
			t.Fatalf("extra tree line %q", l)
		}
	}
	d.mustSee("广州市天河区示范科技有限公司 | 法人单位 | demo-unit", "● 在线")

	// At 80×24 the tree scrolls; the last module is reachable and opens.
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	for range 17 {
		d.typeText("j")
	}
	d.mustSee("› 1 法人单位角色申请", " 法人单位 ") // down wraps round after the 17th
	d.press(tea.KeyEnd)
	d.mustSee("› h 继续教育培训记录查询", "查询统计")
	d.press(tea.KeyEnter)
	d.mustSee("全部有效记录", "没有符合条件的培训记录")
	d.press(tea.KeyEsc, tea.KeyHome)
	d.mustSee("› 1 法人单位角色申请", " 法人单位 ")
	// A module's key opens it at once; pgdn moves a screen of the tree.
	d.typeText("h")
	d.mustSee("全部有效记录")
	d.press(tea.KeyEsc, tea.KeyUp)
	d.mustSee("› g 专业课计划查询")
	d.press(tea.KeyPgUp)
	d.mustSee("› 3 专业课计划申报") // 20 lines further up
}

func TestUnapprovedUnitSeesOnlyTheApplication(t *testing.T) {
	d := newDriver(t, false)
	d.auth.login = loginAs(newUnitUser)
	d.login("demo-new-unit", "Demo@2026")

	d.mustSee("法人单位角色申请", "申请状态：草稿")
	for _, g := range specUnitMenu {
		for _, mod := range g[1:] {
			if mod != "法人单位角色申请" {
				d.mustNotSee(mod)
			}
		}
	}
	d.press(tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	d.mustSee("附件(0)", "单位名称：")
	// The open module has the whole width; esc brings the tree back.
	d.mustNotSee("申请状态：")
	d.press(tea.KeyEsc)
	if !strings.Contains(lineWith(t, d.view(), "附件(0)"), "││") ||
		!strings.Contains(treeLines(d.view())[1], "法人单位角色申请") {
		t.Fatalf("the only module did not open:\n%s", d.view())
	}
}

func TestWrongCaptchaShowsFieldErrorAndRefreshesCaptcha(t *testing.T) {
	d := newDriver(t, false)
	d.auth.login = func(domain.LoginRequest) (domain.Session, error) {
		return domain.Session{}, &domain.Error{Code: domain.CodeInvalid, Message: "输入有误，请按提示修改",
			Fields: map[string]string{"captcha_code": "验证码错误或已过期"}}
	}
	d.mustSee("| || ||_ _| 1")
	d.login("demo-unit", "Demo@2026")

	if !strings.Contains(lineWith(t, d.view(), "验证码："), "验证码错误或已过期") {
		t.Fatalf("captcha error not beside its field:\n%s", d.view())
	}
	d.mustSee("| || ||_ _| 2", "demo-unit")
	d.mustNotSee("| || ||_ _| 1", "ABCD")
	// Only the captcha was wrong: the password stays.
	if !strings.Contains(lineWith(t, d.view(), "密码："), "*********") {
		t.Fatalf("password dropped after a wrong captcha:\n%s", d.view())
	}
	if d.auth.captchas != 2 {
		t.Fatalf("captchas = %d, want 2", d.auth.captchas)
	}

	// The focus is on the captcha field; the new captcha and enter log in.
	d.auth.login = loginAs(unitUser)
	d.typeText("WXYZ")
	d.press(tea.KeyEnter)
	if n := len(d.auth.logins); n != 2 {
		t.Fatalf("logins = %d", n)
	}
	if got := d.auth.logins[1]; got.CaptchaID != "cap-2" || got.CaptchaCode != "WXYZ" || got.Username != "demo-unit" || got.Password != "Demo@2026" {
		t.Fatalf("second login = %+v", got)
	}
	d.mustSee("法人单位角色申请")
}

func TestLoginFailureMessages(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"wrong password", &domain.Error{Code: domain.CodeUnauthenticated, Message: "x"}, []string{"用户名或密码错误"}},
		{"locked", &domain.Error{Code: domain.CodeLocked, Message: "登录失败次数过多，账号已锁定15分钟"}, []string{"登录失败次数过多，账号已锁定15分钟"}},
		{"unreachable", &domain.Error{Code: domain.CodeUnavailable}, []string{"无法连接服务器"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDriver(t, false)
			d.auth.login = func(domain.LoginRequest) (domain.Session, error) { return domain.Session{}, c.err }
			d.login("demo-unit", "Demo@2026")
			d.mustSee(c.want...)
			d.mustSee("用户登录", "| || ||_ _| 2", "demo-unit")
			d.mustNotSee("ABCD")
		})
	}
}

func TestCaptchaAnswersOutOfOrderKeepTheNewest(t *testing.T) {
	d := newDriver(t, false)
	d.hold = true
	d.press(tea.KeyCtrlR, tea.KeyCtrlR)
	d.hold = false
	second, first := d.held[1](), d.held[0]()
	d.send(second)
	d.send(first)
	d.mustSee("| || ||_ _| 2")
}

func TestForcedPasswordChangeBeforeMenu(t *testing.T) {
	d := newDriver(t, false)
	must := unitUser
	must.MustChangePassword = true
	d.auth.login = loginAs(must)
	d.auth.change = func(req domain.PasswordChange) error {
		if req.Old != "Demo@2026" {
			return &domain.Error{Code: domain.CodeInvalid, Message: "输入有误", Fields: map[string]string{"old": "原密码不正确"}}
		}
		return nil
	}
	d.auth.me = func() (domain.Session, error) { return domain.Session{User: unitUser}, nil }
	d.login("demo-unit", "Demo@2026")

	d.mustSee("修改密码", "首次登录")
	d.mustNotSee("法人单位角色申请")
	d.press(tea.KeyEsc)
	d.typeText("q")
	d.mustSee("修改密码")
	d.mustNotSee("确定退出吗")

	// Mismatched confirmation is caught before any call.
	d.press(tea.KeyCtrlU)
	d.typeText("Wrong@1")
	d.press(tea.KeyEnter)
	d.typeText("NewPass2026")
	d.press(tea.KeyEnter)
	d.typeText("NewPass2027")
	d.press(tea.KeyEnter)
	d.mustSee("两次输入的新密码不一致")
	if len(d.auth.changes) != 0 {
		t.Fatal("called the server with a mismatched confirmation")
	}

	// The server's field error shows at 原密码.
	d.press(tea.KeyCtrlU)
	d.typeText("NewPass2026")
	d.press(tea.KeyEnter)
	if !strings.Contains(lineWith(t, d.view(), "原密码："), "原密码不正确") {
		t.Fatalf("old-password error not at its field:\n%s", d.view())
	}

	d.press(tea.KeyCtrlU)
	d.typeText("Demo@2026")
	d.press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
	if len(d.auth.changes) != 2 || d.auth.changes[1] != (domain.PasswordChange{Old: "Demo@2026", New: "NewPass2026"}) {
		t.Fatalf("changes = %+v", d.auth.changes)
	}
	if d.auth.mes != 1 {
		t.Fatalf("Me calls = %d", d.auth.mes)
	}
	d.mustSee("法人单位角色申请", "法人单位信息维护")
}

func fillRegistration(d *driver, uscc string) {
	d.press(tea.KeyCtrlN)
	for _, v := range []string{"gz-unit-01", "Passw0rd1", "Passw0rd1", "广州市越秀区某某科技有限公司", uscc, "13800138000"} {
		d.typeText(v)
		d.press(tea.KeyEnter)
	}
}

func TestRegistrationWithInvalidUSCCKeepsTypedData(t *testing.T) {
	d := newDriver(t, false)
	fillRegistration(d, "91440101MA5911110X")

	if !strings.Contains(lineWith(t, d.view(), "统一社会信用代码："), "91440101MA5911110X") {
		t.Fatal("USCC not kept")
	}
	d.mustSee("统一社会信用代码校验位不正确", "gz-unit-01", "某某科技有限公司", "13800138000", "单位注册")
	if len(d.auth.registered) != 0 {
		t.Fatal("registered with an invalid USCC")
	}

	// Fixing it (lower case is normalised) registers and returns to login.
	d.press(tea.KeyCtrlU)
	d.typeText("91440101ma5911110h")
	d.press(tea.KeyEnter, tea.KeyEnter)
	if len(d.auth.registered) != 1 {
		t.Fatalf("registrations = %d", len(d.auth.registered))
	}
	want := domain.UnitRegistration{Username: "gz-unit-01", Password: "Passw0rd1", UnitName: "广州市越秀区某某科技有限公司",
		USCC: "91440101MA5911110H", Mobile: "13800138000"}
	if d.auth.registered[0] != want {
		t.Fatalf("registration = %+v", d.auth.registered[0])
	}
	d.mustSee("用户登录", register.Registered)
	if !strings.Contains(lineWith(t, d.view(), "用户名："), "gz-unit-01") {
		t.Fatal("username not prefilled")
	}
}

func TestRegistrationValidatesAsYouType(t *testing.T) {
	d := newDriver(t, false)
	d.press(tea.KeyCtrlN)
	d.mustNotSee("用户名应为")
	d.press(tea.KeyTab) // leaving an empty field shows its rule
	d.mustSee("用户名应为4-32位字母、数字、-或_")
	d.typeText("abc1")
	d.mustSee("密码至少8位")
	d.press(tea.KeyCtrlU)
	d.typeText("abcdefgh")
	d.mustSee("密码须同时包含字母和数字")
	d.press(tea.KeyTab)
	d.typeText("x")
	d.mustSee("两次输入的密码不一致")
	d.press(tea.KeyTab, tea.KeyTab)
	d.typeText("9144")
	d.mustSee("统一社会信用代码应为18位")
	d.press(tea.KeyTab)
	d.typeText("12345")
	d.mustSee("手机号码应为1开头的11位数字")
}

func TestRegistrationShowsServerFieldErrors(t *testing.T) {
	d := newDriver(t, false)
	d.auth.register = func(domain.UnitRegistration) error {
		return &domain.Error{Code: domain.CodeConflict, Message: "用户名或统一社会信用代码已被注册",
			Fields: map[string]string{"username": "该用户名已被注册", "uscc": "该统一社会信用代码已注册"}}
	}
	fillRegistration(d, "91440101MA5911110H")

	if !strings.Contains(lineWith(t, d.view(), "用户名："), "该用户名已被注册") &&
		!strings.Contains(d.view(), "该用户名已被注册") {
		t.Fatalf("username error missing:\n%s", d.view())
	}
	d.mustSee("该统一社会信用代码已注册", "用户名或统一社会信用代码已被注册", "gz-unit-01", "91440101MA5911110H", "单位注册")

	// Editing a field clears the server's word about it, not the others.
	d.typeText("x")
	d.mustNotSee("该用户名已被注册")
	d.mustSee("该统一社会信用代码已注册")
	d.press(tea.KeyEsc)
	d.mustSee("有未保存的修改，确定放弃吗？(y/n)")
	d.typeText("y")
	d.mustSee("用户登录")
}

func TestLateAnswerForClosedScreenIsIgnored(t *testing.T) {
	d := newDriver(t, false)
	d.hold = true
	d.login("demo-unit", "Demo@2026")
	d.hold = false
	if len(d.held) != 1 {
		t.Fatalf("held %d commands, want the login call", len(d.held))
	}
	// Away and back: a new login screen of the same kind.
	d.press(tea.KeyCtrlN)
	d.mustSee("单位注册")
	d.press(tea.KeyEsc)
	d.mustSee("用户登录")
	d.send(d.held[0]()) // the old screen's login succeeds, too late
	d.mustSee("用户登录", "未登录")
	if d.m.session != nil {
		t.Fatal("a closed screen's answer started a session")
	}
}

func TestQuitConfirmation(t *testing.T) {
	d := newDriver(t, false)
	d.typeText("q") // a letter in the username field
	d.mustNotSee("确定退出吗")
	d.press(tea.KeyCtrlC)
	d.mustSee("确定退出吗？(y/n)")
	d.typeText("n")
	d.mustNotSee("确定退出吗")
	if d.quit {
		t.Fatal("quit after n")
	}

	d.press(tea.KeyCtrlU)
	d.login("demo-unit", "Demo@2026")
	d.typeText("q")
	d.mustSee("确定退出吗？(y/n)")
	d.typeText("x") // anything else keeps asking
	d.mustSee("确定退出吗？(y/n)")
	d.typeText("y")
	if !d.quit {
		t.Fatal("did not quit after y")
	}
}

func adminAt(t *testing.T, moduleTitle string) *driver {
	t.Helper()
	d := newDriver(t, false)
	d.auth.login = loginAs(adminUser)
	d.login("admin", "Demo@2026")
	for range 4 {
		if strings.Contains(selectedEntry(d.view()), moduleTitle) {
			d.press(tea.KeyEnter)
			return d
		}
		d.press(tea.KeyDown)
	}
	t.Fatalf("no module %s:\n%s", moduleTitle, d.view())
	return nil
}

func TestSessionExpiryReturnsToLogin(t *testing.T) {
	d := adminAt(t, "重置密码")
	d.admin.err = &domain.Error{Code: domain.CodeUnauthenticated, Message: "登录已失效"}
	d.typeText("someone")
	d.press(tea.KeyEnter)
	d.typeText("Reset2026a")
	d.press(tea.KeyEnter)
	d.mustSee("用户登录", "登录已过期，请重新登录", "未登录")
	if !strings.Contains(lineWith(t, d.view(), "用户名："), "admin") {
		t.Fatal("username not kept after expiry")
	}
}

func TestPasswordChangeDemandedByServer(t *testing.T) {
	d := adminAt(t, "重置密码")
	d.admin.err = &domain.Error{Code: domain.CodePasswordChange, Message: "请先修改密码"}
	d.typeText("someone")
	d.press(tea.KeyEnter)
	d.typeText("Reset2026a")
	d.press(tea.KeyEnter)
	if _, ok := d.m.screen.(*password.Model); !ok {
		t.Fatalf("screen = %T, want the password change", d.m.screen)
	}
}

func TestAdminResetsPassword(t *testing.T) {
	d := adminAt(t, "重置密码")
	d.typeText("440106199003072517")
	d.press(tea.KeyEnter)
	d.typeText("short")
	d.press(tea.KeyEnter)
	d.mustSee("密码至少8位")
	if len(d.admin.resets) != 0 {
		t.Fatal("reset with a weak password")
	}
	d.press(tea.KeyCtrlU)
	d.typeText("Reset2026a")
	d.press(tea.KeyEnter)
	want := domain.PasswordReset{Username: "440106199003072517", Password: "Reset2026a"}
	if len(d.admin.resets) != 1 || d.admin.resets[0] != want {
		t.Fatalf("resets = %+v", d.admin.resets)
	}
	d.mustSee("密码已重置：440106199003072517", "该用户下次登录时须修改密码")
	d.mustNotSee("密码至少8位")

	d.admin.err = &domain.Error{Code: domain.CodeNotFound, Message: "用户不存在"}
	d.typeText("nobody")
	d.press(tea.KeyEnter)
	d.typeText("Reset2026a")
	d.press(tea.KeyEnter)
	if !strings.Contains(lineWith(t, d.view(), "用户名："), "用户不存在") {
		t.Fatalf("not-found not at the username:\n%s", d.view())
	}
}

func TestAdminCreatesAuthorityAccount(t *testing.T) {
	d := adminAt(t, "创建主管部门账号")
	d.typeText("sz-hr")
	d.press(tea.KeyEnter)
	d.typeText("Init2026a")
	d.press(tea.KeyEnter)
	d.mustSee("广东省 440000", "广州市天河区 440106")
	d.typeText("深圳")
	d.mustNotSee("广州市天河区 440106")
	d.mustSee("账号属于：深圳市人力资源和社会保障局")
	d.press(tea.KeyEnter)
	want := domain.NewAccount{Username: "sz-hr", Password: "Init2026a", Role: domain.RoleAuthority,
		RegionCode: "440300"}
	if len(d.admin.created) != 1 || d.admin.created[0] != want {
		t.Fatalf("created = %+v", d.admin.created)
	}
	d.mustSee("已创建主管部门账号：sz-hr", "所属：深圳市人力资源和社会保障局（440300）", "首次登录时须修改密码")

	// Picking by code and by arrow keys.
	d.typeText("gz-hr")
	d.press(tea.KeyEnter)
	d.typeText("Init2026a")
	d.press(tea.KeyEnter)
	d.press(tea.KeyCtrlU)
	d.typeText("4401")
	d.press(tea.KeyDown)
	d.mustSee("该地区尚无主管部门，创建账号时一并设立")
	d.press(tea.KeyEnter)
	d.mustSee("将设立广州市天河区人力资源和社会保障局", "确定创建吗？(y/n)")
	d.press(tea.KeyRunes) // any other key waits for the answer
	d.typeText("n")
	d.mustNotSee("确定创建吗")
	if len(d.admin.created) != 1 {
		t.Fatalf("created on n: %+v", d.admin.created)
	}
	d.press(tea.KeyEnter)
	d.typeText("y")
	if got := d.admin.created[1].RegionCode; got != "440106" {
		t.Fatalf("region = %s, want 440106", got)
	}
	d.mustSee("所属：新设主管部门（440106）")
}

func TestLateModuleAnswerIsIgnored(t *testing.T) {
	d := adminAt(t, "重置密码")
	d.typeText("someone")
	d.press(tea.KeyEnter)
	d.typeText("Reset2026a")
	d.hold = true
	d.press(tea.KeyEnter)
	d.hold = false
	d.mustSee("处理中…")
	// Open another module, then 重置密码 again: a fresh instance.
	d.press(tea.KeyEsc, tea.KeyUp, tea.KeyUp, tea.KeyEnter)
	d.typeText("y") // 重置密码 holds typed input
	d.mustSee("地区：")
	d.press(tea.KeyEsc, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	d.mustSee("新密码：")
	d.send(d.held[0]())
	d.mustNotSee("密码已重置", "处理中")
}

func TestLogout(t *testing.T) {
	d := newDriver(t, false)
	d.login("demo-unit", "Demo@2026")
	d.press(tea.KeyCtrlX)
	d.mustSee("用户登录", "已退出登录", "未登录")
	if d.auth.logouts != 1 || d.m.session != nil {
		t.Fatalf("logouts = %d, session = %v", d.auth.logouts, d.m.session)
	}
}

func TestReachabilityChangesOnlyWhenItChanges(t *testing.T) {
	d := newDriver(t, false)
	d.mustSee("● 在线")
	_, cmd := d.m.Update(pinged{err: &domain.Error{Code: domain.CodeUnavailable}})
	if cmd == nil {
		t.Fatal("no next ping scheduled")
	}
	d.mustSee("○ 离线")
	d.m.Update(pinged{})
	before := d.m.View()
	d.m.Update(pinged{})
	d.m.Update(pingDue{})
	if d.m.View() != before {
		t.Fatal("a ping with the same outcome changed the screen")
	}
	d.mustSee("● 在线")
}

func TestPingWatchesTheServer(t *testing.T) {
	p := &fakePinger{err: &domain.Error{Code: domain.CodeUnavailable}}
	m := New(Options{Services: common.Services{Auth: &fakeAuth{}, Health: p}})
	msg := m.ping()()
	if _, ok := msg.(pinged); !ok || p.calls != 1 {
		t.Fatalf("ping = %T, calls = %d", msg, p.calls)
	}
	m.Update(msg)
	if !strings.Contains(m.View(), "○ 离线") {
		t.Fatal("failed ping not shown")
	}
}

func TestHelpToggle(t *testing.T) {
	d := newDriver(t, false)
	d.login("demo-unit", "Demo@2026")
	d.mustNotSee("下移")
	d.typeText("?")
	d.mustSee("上移", "下移", "退出登录")
	d.press(tea.KeyF1)
	d.mustNotSee("下移")
}

func TestAnyFailedPingIsOffline(t *testing.T) {
	d := newDriver(t, false)
	d.m.Update(pinged{err: context.DeadlineExceeded})
	d.mustSee("○ 离线")
	d.m.Update(pinged{err: errors.New("dial tcp: connection refused")})
	d.mustSee("○ 离线")
}
