package tui

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"jxjy/server/domain"
	"jxjy/tui/textwidth"
)

// snapshots drives the UI through every screen, with wide Chinese data and
// errors showing, and returns what each looked like at 80×24.
func snapshots(t *testing.T, ascii bool) map[string]string {
	shots := map[string]string{}
	take := func(name string, d *driver) { shots[name] = d.m.View() }

	d := newDriver(t, ascii)
	take("login", d)
	d.auth.login = func(domain.LoginRequest) (domain.Session, error) {
		return domain.Session{}, &domain.Error{Code: domain.CodeLocked,
			Message: "登录失败次数过多，账号已被锁定，请于15分钟后再试；如有疑问请联系所在地人社主管部门"}
	}
	d.login("一个非常长的用户名用来测试宽字符", "Demo@2026")
	take("login locked", d)
	d.typeText("x")
	d.press(tea.KeyEnter)
	d.auth.login = func(domain.LoginRequest) (domain.Session, error) {
		return domain.Session{}, &domain.Error{Code: domain.CodeInvalid, Message: "输入有误", Fields: map[string]string{
			"username": "用户名应为4-32位字母、数字、-或_", "password": "请填写密码", "captcha_code": "验证码错误或已过期，请重新输入"}}
	}
	d.typeText("x")
	d.press(tea.KeyEnter)
	take("login field errors", d)

	d.press(tea.KeyCtrlN)
	for range 6 {
		d.typeText("统一社会信用代码测试")
		d.press(tea.KeyEnter)
	}
	take("register errors", d)
	d.auth.register = func(domain.UnitRegistration) error {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "无法连接服务器：拨号 tcp 127.0.0.1:8080 连接被拒绝，请确认服务器已启动后重试"}
	}
	d.press(tea.KeyEsc)
	d.typeText("y") // esc on a filled registration asks first
	fillRegistration(d, "91440101MA5911110H")
	take("register unavailable", d)
	d.auth.register = nil
	d.press(tea.KeyEnter)
	take("login registered", d)

	must := unitUser
	must.MustChangePassword = true
	d.auth.login = loginAs(must)
	d.auth.change = func(domain.PasswordChange) error {
		return &domain.Error{Code: domain.CodeInvalid, Message: "输入有误", Fields: map[string]string{"old": "原密码不正确", "new": "新密码不能与最近使用过的密码相同"}}
	}
	d.login("demo-unit", "Demo@2026")
	d.press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
	take("password errors", d)
	d.typeText("Demo@2026")
	d.press(tea.KeyEnter)
	d.typeText("NewPass2026")
	d.press(tea.KeyEnter)
	d.typeText("NewPass2026")
	d.press(tea.KeyEnter)
	take("password server errors", d)

	d.press(tea.KeyCtrlX)
	d.typeText("y") // logging out with typed passwords asks first
	long := unitUser
	long.DisplayName = "广州市天河区珠江新城某某某某某某某某某某人力资源服务与科技发展有限公司"
	d.auth.login = loginAs(long)
	d.login("demo-unit", "Demo@2026")
	take("menu unit", d)
	d.typeText("?")
	take("menu full help", d)
	d.typeText("?")
	d.press(tea.KeyEnd, tea.KeyEnter)
	take("menu unit module", d)
	d.typeText("q")
	take("quit prompt", d)
	d.typeText("n")

	d.press(tea.KeyCtrlX)
	d.auth.login = loginAs(newUnitUser)
	d.login("demo-new-unit", "Demo@2026")
	take("menu unapproved", d)

	d.press(tea.KeyCtrlX)
	d.auth.login = loginAs(adminUser)
	d.login("admin", "Demo@2026")
	d.press(tea.KeyEnter)
	d.admin.err = &domain.Error{Code: domain.CodeConflict, Message: "用户名已被使用", Fields: map[string]string{
		"username": "该用户名已被其他账号使用，请换一个", "region_code": "该地区的主管部门不存在，请先在字典维护中添加"}}
	d.typeText("gz-hr")
	d.press(tea.KeyEnter)
	d.typeText("Init2026a")
	d.press(tea.KeyEnter)
	d.press(tea.KeyEnter)
	d.press(tea.KeyDown, tea.KeyDown)
	take("admin create errors", d)
	d.press(tea.KeyF1)
	take("admin create full help", d)
	d.press(tea.KeyF1)
	d.press(tea.KeyEsc, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	d.admin.err = &domain.Error{Code: domain.CodeForbidden, Message: "无权执行此操作：只有系统管理员可以重置其他用户的密码，请联系系统管理员"}
	d.typeText("440106199003072517")
	d.press(tea.KeyEnter)
	d.typeText("Reset2026a")
	d.press(tea.KeyEnter)
	take("admin reset forbidden", d)
	return shots
}

func TestEveryScreenFits80x24(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		for name, v := range snapshots(t, ascii) {
			t.Logf("%s (ascii=%v):\n%s", name, ascii, v)
			if strings.HasPrefix(name, "login") && !strings.Contains(v, "row7") {
				t.Errorf("%s (ascii=%v): captcha drawing cut", name, ascii)
			}
			lines := strings.Split(v, "\n")
			if len(lines) > 24 {
				t.Errorf("%s (ascii=%v): %d lines", name, ascii, len(lines))
			}
			for i, l := range lines {
				if w := textwidth.Width(l); w > 80 {
					t.Errorf("%s (ascii=%v): line %d is %d cells: %q", name, ascii, i+1, w, l)
				}
			}
		}
	}
}

func TestASCIIThemeHasNoAmbiguousGlyphs(t *testing.T) {
	for name, v := range snapshots(t, true) {
		v = ansiRe.ReplaceAllString(v, "")
		for _, r := range v {
			if (r >= 0x2500 && r <= 0x257F) || r == '●' || r == '○' || runewidth.IsAmbiguousWidth(r) {
				t.Errorf("%s: ASCII theme shows %q (U+%04X)", name, r, r)
			}
		}
	}
	// The Unicode theme does use them, so the check above can fail.
	v := snapshots(t, false)["menu unit"]
	if !strings.ContainsRune(v, '╭') || !strings.ContainsRune(v, '●') {
		t.Fatal("Unicode theme lost its borders")
	}
}

// Both panes of the menu keep their borders in one column on every line,
// whatever mix of Chinese and ASCII the lines hold.
func TestMenuPanesAlign(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		shots := snapshots(t, ascii)
		for _, name := range []string{"menu unit", "menu unapproved"} {
			lines := strings.Split(ansiRe.ReplaceAllString(shots[name], ""), "\n")
			body := lines[1 : len(lines)-2]
			col := -1
			for i, l := range body {
				if textwidth.Width(l) != 80 {
					t.Errorf("%s line %d: width %d", name, i+2, textwidth.Width(l))
				}
				b := paneBoundary(l)
				if b < 0 {
					t.Fatalf("%s line %d has no pane boundary: %q", name, i+2, l)
				}
				if col < 0 {
					col = b
				}
				if b != col {
					t.Errorf("%s (ascii=%v) line %d: boundary at %d, want %d:\n%s", name, ascii, i+2, b, col, strings.Join(body, "\n"))
				}
			}
		}
	}
}

// paneBoundary is the cell column where the right pane's border starts.
func paneBoundary(l string) int {
	for _, pair := range []string{"││", "╮╭", "╯╰", "||", "++"} {
		if i := strings.Index(l, pair); i >= 0 {
			return textwidth.Width(l[:i]) + utf8.RuneCountInString(pair[:len(pair)/2])
		}
	}
	return -1
}

// Any terminal size, however small, gives a frame of exactly that size.
func TestAnySizeFits(t *testing.T) {
	d := newDriver(t, false)
	screens := map[string]func(){
		"login":    func() {},
		"register": func() { d.press(tea.KeyCtrlN) },
		"menu": func() {
			d.press(tea.KeyEsc)
			d.login("demo-unit", "Demo@2026")
			d.press(tea.KeyEnter)
		},
	}
	for _, name := range []string{"login", "register", "menu"} {
		screens[name]()
		for _, size := range [][2]int{{1, 1}, {10, 4}, {30, 10}, {60, 20}, {79, 23}, {132, 43}} {
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			if small := size[0] < 80 || size[1] < 24; small != strings.Contains(d.m.View(), "终端窗口太小") && size[0] >= 30 {
				t.Errorf("%s at %v: too-small notice shown=%v:\n%s", name, size, !small, d.m.View())
			}
			lines := strings.Split(d.m.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %v: %d lines", name, size, len(lines))
			}
			for _, l := range lines {
				if textwidth.Width(l) > size[0] {
					t.Errorf("%s at %v: line %q too wide", name, size, l)
				}
			}
		}
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	}
}
