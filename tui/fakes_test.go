package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
)

// fakeAuth records calls and answers with the functions a test sets.
type fakeAuth struct {
	mu         sync.Mutex
	captchas   int
	logins     []domain.LoginRequest
	changes    []domain.PasswordChange
	registered []domain.UnitRegistration
	logouts    int
	mes        int

	login    func(domain.LoginRequest) (domain.Session, error)
	change   func(domain.PasswordChange) error
	me       func() (domain.Session, error)
	register func(domain.UnitRegistration) error
}

// captchaArt is as big as the server draws: 7 lines up to 60 columns. The
// second line names the captcha.
func captchaArt(n int) string {
	lines := []string{strings.Repeat("#", 60), fmt.Sprintf("| || ||_ _| %d", n)}
	for i := 3; i <= 7; i++ {
		lines = append(lines, fmt.Sprintf("row%d", i)+strings.Repeat("-", 50))
	}
	return strings.Join(lines, "\n")
}

func (f *fakeAuth) NewCaptcha(context.Context) (domain.Captcha, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.captchas++
	return domain.Captcha{ID: fmt.Sprintf("cap-%d", f.captchas), Art: captchaArt(f.captchas), ExpiresAt: time.Now().Add(time.Minute)}, nil
}

func (f *fakeAuth) Login(_ context.Context, req domain.LoginRequest) (domain.Session, error) {
	f.mu.Lock()
	f.logins = append(f.logins, req)
	fn := f.login
	f.mu.Unlock()
	return fn(req)
}

func (f *fakeAuth) Logout(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logouts++
	return nil
}

func (f *fakeAuth) Me(context.Context) (domain.Session, error) {
	f.mu.Lock()
	f.mes++
	fn := f.me
	f.mu.Unlock()
	return fn()
}

func (f *fakeAuth) ChangePassword(_ context.Context, req domain.PasswordChange) error {
	f.mu.Lock()
	f.changes = append(f.changes, req)
	fn := f.change
	f.mu.Unlock()
	return fn(req)
}

func (f *fakeAuth) RegisterUnit(_ context.Context, req domain.UnitRegistration) error {
	f.mu.Lock()
	f.registered = append(f.registered, req)
	fn := f.register
	f.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(req)
}

type fakeRef struct{ err error }

func (f fakeRef) Reference(context.Context) (domain.Reference, error) {
	return domain.Reference{
		Regions: []domain.Region{
			{Code: "440000", Name: "广东省", Level: 1},
			{Code: "440100", Name: "广州市", ParentCode: "440000", Level: 2},
			{Code: "440300", Name: "深圳市", ParentCode: "440000", Level: 2},
			{Code: "440106", Name: "天河区", ParentCode: "440100", Level: 3},
		},
		Authorities: []domain.Authority{
			{ID: 1, Name: "广东省人力资源和社会保障厅", RegionCode: "440000", Level: 1},
			{ID: 2, Name: "广州市人力资源和社会保障局", RegionCode: "440100", Level: 2},
			{ID: 3, Name: "深圳市人力资源和社会保障局", RegionCode: "440300", Level: 2},
		},
	}, f.err
}

type fakeAdmin struct {
	mu      sync.Mutex
	created []domain.NewAccount
	resets  []domain.PasswordReset
	err     error
}

func (f *fakeAdmin) CreateAccount(_ context.Context, a domain.NewAccount) (domain.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, a)
	if f.err != nil {
		return domain.User{}, f.err
	}
	// As the server: an authority account is named after its authority,
	// set up for the region when it has none.
	name := a.DisplayName
	if a.Role == domain.RoleAuthority {
		ref, _ := fakeRef{}.Reference(context.Background())
		name = "新设主管部门"
		for _, au := range ref.Authorities {
			if au.RegionCode == a.RegionCode {
				name = au.Name
			}
		}
	}
	return domain.User{ID: 9, Username: a.Username, Role: a.Role, DisplayName: name, RegionCode: a.RegionCode, MustChangePassword: true}, nil
}

func (f *fakeAdmin) ResetPassword(_ context.Context, r domain.PasswordReset) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets = append(f.resets, r)
	return f.err
}

// Users for the tests, with Chinese names to exercise wide characters.
var (
	unitUser = domain.User{ID: 1, Username: "demo-unit", Role: domain.RoleUnit, DisplayName: "广州市天河区示范科技有限公司",
		UnitID: 1, UnitStatus: domain.ApplicationApproved, RegionCode: "440106"}
	newUnitUser = domain.User{ID: 2, Username: "demo-new-unit", Role: domain.RoleUnit, DisplayName: "广州新注册单位",
		UnitID: 2, UnitStatus: domain.ApplicationDraft}
	adminUser = domain.User{ID: 3, Username: "admin", Role: domain.RoleAdmin, DisplayName: "系统管理员"}
)

// loginAs makes every login succeed as u.
func loginAs(u domain.User) func(domain.LoginRequest) (domain.Session, error) {
	return func(domain.LoginRequest) (domain.Session, error) {
		return domain.Session{Token: "t", User: u}, nil
	}
}

// driver runs the root model like Bubble Tea does, but synchronously:
// every command is executed at once and its message fed back, unless hold
// is set, in which case commands are kept for the test to run later.
type driver struct {
	t     *testing.T
	m     *Model
	auth  *fakeAuth
	admin *fakeAdmin
	quit  bool
	hold  bool
	held  []tea.Cmd
}

func newDriver(t *testing.T, ascii bool) *driver {
	t.Helper()
	d := &driver{t: t, auth: &fakeAuth{}, admin: &fakeAdmin{}}
	d.auth.login = loginAs(unitUser)
	apps := fakeApps{session: func() *domain.Session { return d.m.session }}
	d.m = New(Options{
		Services: common.Services{Auth: d.auth, Ref: fakeRef{}, Admin: d.admin,
			Applications: apps, Attachments: apps, History: apps, Queries: fakeQueries{}},
		ASCII:     ascii,
		ServerURL: "http://127.0.0.1:8080",
	})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if d.hold {
		d.held = append(d.held, cmd)
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		d.send(msg)
	}
}

func (d *driver) typeText(s string) {
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func (d *driver) press(types ...tea.KeyType) {
	for _, k := range types {
		d.send(tea.KeyMsg{Type: k})
	}
}

var ansiRe = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// view is the whole screen as plain text.
func (d *driver) view() string { return ansiRe.ReplaceAllString(d.m.View(), "") }

func (d *driver) mustSee(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			d.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (d *driver) mustNotSee(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if strings.Contains(v, s) {
			d.t.Fatalf("screen shows %q:\n%s", s, v)
		}
	}
}

// login types a username, password and captcha code and submits.
func (d *driver) login(username, password string) {
	d.typeText(username)
	d.press(tea.KeyEnter)
	d.typeText(password)
	d.press(tea.KeyEnter)
	d.typeText("ABCD")
	d.press(tea.KeyEnter)
}

type fakePinger struct {
	err   error
	calls int
}

func (p *fakePinger) Ping(context.Context) error {
	p.calls++
	return p.err
}
