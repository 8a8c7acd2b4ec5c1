// Package login is the first screen: username, password and captcha, and
// the way to unit self-registration.
package login

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/textwidth"
)

// Field keys, as the server names them in field errors.
const (
	fieldUsername = "username"
	fieldPassword = "password"
	fieldCaptcha  = "captcha_code"
)

// Model is the login screen.
type Model struct {
	c    *common.Common
	id   common.ScreenID
	form *form.Form

	captcha    domain.Captcha
	captchaSeq int // the latest captcha request; older answers are dropped
	captchaMsg string

	notice  string // neutral or good news, e.g. after registration
	message string // why the last attempt failed
	busy    bool

	width, height int
}

type captchaLoaded struct {
	seq     int
	captcha domain.Captcha
}

type loggedIn struct{ session domain.Session }

// New builds the login screen; notice is shown above the form and username
// is prefilled (after registration or an expired session).
func New(c *common.Common, notice, username string) *Model {
	km := c.Keys
	m := &Model{
		c:      c,
		id:     c.NewID(),
		notice: notice,
		form: form.New(c.Styles, km, 24,
			form.Field{Key: fieldUsername, Label: "用户名", Control: form.NewText(km, false, 32), Check: form.Required("用户名")},
			form.Field{Key: fieldPassword, Label: "密码", Control: form.NewText(km, true, 128), Check: form.Required("密码")},
			form.Field{Key: fieldCaptcha, Label: "验证码", Control: form.NewText(km, false, 8), Check: form.Required("验证码")},
		),
	}
	if username != "" {
		m.form.SetValue(fieldUsername, username)
		m.form.Focus(fieldPassword)
	}
	return m
}

// Init fetches the first captcha.
func (m *Model) Init() tea.Cmd { return m.fetchCaptcha() }

func (m *Model) fetchCaptcha() tea.Cmd {
	m.captchaSeq++
	m.captchaMsg = "验证码加载中" + m.c.Styles.Ellipsis
	seq, auth := m.captchaSeq, m.c.Services.Auth
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		c, err := auth.NewCaptcha(ctx)
		return captchaLoaded{seq: seq, captcha: c}, err
	})
}

// Update handles keys and the answers to this screen's calls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case captchaLoaded:
			m.captchaDone(v, msg.Err)
		case loggedIn:
			return m.loginDone(v.session, msg.Err)
		}
	}
	return nil
}

func (m *Model) handleKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.c.Keys.RefreshCaptcha):
		m.form.Clear(fieldCaptcha)
		return m.fetchCaptcha()
	case key.Matches(k, m.c.Keys.Register):
		return common.Send(common.ShowRegister{})
	case key.Matches(k, m.c.Keys.RegisterPerson):
		return common.Send(common.ShowPersonRegister{})
	case key.Matches(k, m.c.Keys.Verify):
		return common.Send(common.ShowVerify{})
	}
	if m.form.Update(k) == form.Submitted {
		return m.submit()
	}
	return nil
}

func (m *Model) captchaDone(v captchaLoaded, err error) {
	if v.seq != m.captchaSeq {
		return
	}
	if err != nil {
		m.captcha = domain.Captcha{}
		m.captchaMsg = "验证码获取失败：" + common.ErrorText(err) + "（ctrl+r 重试）"
		return
	}
	m.captcha, m.captchaMsg = v.captcha, ""
}

func (m *Model) submit() tea.Cmd {
	if m.busy {
		return nil
	}
	m.message = ""
	if !m.form.Validate() {
		return nil
	}
	m.busy, m.notice = true, ""
	auth := m.c.Services.Auth
	req := domain.LoginRequest{
		Username:    strings.TrimSpace(m.form.Value(fieldUsername)),
		Password:    m.form.Value(fieldPassword),
		CaptchaID:   m.captcha.ID,
		CaptchaCode: strings.TrimSpace(m.form.Value(fieldCaptcha)),
	}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		s, err := auth.Login(ctx, req)
		return loggedIn{session: s}, err
	})
}

// loginDone enters the session, or explains the failure. A captcha is
// single use, so every failure draws a new one. The password goes only
// when the server may have refused it: a wrong captcha keeps it, so the
// operator types the new captcha and presses enter.
func (m *Model) loginDone(s domain.Session, err error) tea.Cmd {
	m.busy = false
	if err == nil {
		return common.Send(common.SessionStarted{Session: s})
	}
	others := m.form.SetServerErrors(domain.FieldErrorsOf(err))
	switch domain.ErrorCode(err) {
	case domain.CodeUnauthenticated:
		m.message = "用户名或密码错误"
	case domain.CodeInvalid:
		m.message = strings.Join(others, "；")
	default:
		m.message = common.ErrorText(err)
	}
	captchaOnly := m.form.Error(fieldCaptcha) != "" && m.form.Error(fieldUsername) == "" && m.form.Error(fieldPassword) == ""
	switch {
	case m.form.Error(fieldUsername) != "":
		m.form.Focus(fieldUsername)
	case m.form.Error(fieldCaptcha) != "":
		m.form.Focus(fieldCaptcha)
	default:
		m.form.Focus(fieldPassword)
	}
	if !captchaOnly {
		m.form.Clear(fieldPassword)
	}
	m.form.Clear(fieldCaptcha)
	return m.fetchCaptcha()
}

// SetSize fits the screen into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Typing is always true: one of the fields has the keyboard.
func (m *Model) Typing() bool { return true }

// View is the framed form, the captcha drawing and the message line.
func (m *Model) View() string {
	st := m.c.Styles
	inner := common.FrameInner(m.width)
	head := m.form.View() + "\n"
	if m.notice != "" {
		head = st.Notice.Render(textwidth.Truncate(m.notice, inner, st.Ellipsis)) + "\n\n" + head
	}
	tail := ""
	switch {
	case m.busy:
		tail = "\n\n" + st.Notice.Render(m.c.Busy())
	case m.message != "":
		tail = "\n\n" + st.Error.Render(lipgloss.NewStyle().Width(inner).Render(m.message))
	}
	// The way to 证书查验 stays in sight: it is for people without an account.
	verify := "\n\n" + st.Muted.Render(textwidth.Truncate("查验证书真伪："+m.c.Keys.Verify.Help().Key+"（无需登录）", inner, st.Ellipsis))
	room := m.height - common.FrameChrome - lipgloss.Height(head) - (lipgloss.Height(tail) - 1) - 2
	body := head + "\n" + m.captchaView(inner, room) + tail + verify
	return common.Frame(st, m.width, m.height, "用户登录", body)
}

// captchaView is the captcha drawing centred in w cells and cut to at most
// rows lines; the code is plain ASCII art, readable in either theme.
func (m *Model) captchaView(w, rows int) string {
	st := m.c.Styles
	if m.captchaMsg != "" || m.captcha.Art == "" {
		text := m.captchaMsg
		if m.captcha.Art == "" && text == "" {
			text = "（无验证码图案）"
		}
		return st.Muted.Render(textwidth.Truncate(text, w, st.Ellipsis))
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(m.captcha.Art, "\r", ""), "\n"), "\n")
	if rows < 1 {
		rows = 1
	}
	if len(lines) > rows {
		lines = lines[:rows]
	}
	for i, l := range lines {
		lines[i] = textwidth.Truncate(strings.ReplaceAll(l, "\t", " "), w, "")
	}
	return lipgloss.PlaceHorizontal(w, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Left, lines...))
}

// ShortHelp lists the login keys.
func (m *Model) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/登录")
	// One entry for both registrations keeps the line within 80 columns;
	// the full help names each.
	register := key.NewBinding(key.WithKeys("ctrl+n", "ctrl+p"), key.WithHelp("ctrl+n/p", "注册"))
	return []key.Binding{submit, m.c.Keys.RefreshCaptcha, register}
}

// FullHelp adds both registrations and field navigation.
func (m *Model) FullHelp() [][]key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/登录")
	return [][]key.Binding{{submit, m.c.Keys.RefreshCaptcha, m.c.Keys.Register, m.c.Keys.RegisterPerson}, {m.c.Keys.Next, m.c.Keys.Prev, m.c.Keys.Verify}}
}
