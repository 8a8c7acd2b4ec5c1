// Package register is unit self-registration (manual 1.1.1) and the
// registration screen that persons' self-registration shares.
package register

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
)

// Field keys, as domain.UnitRegistration names them in field errors.
const (
	fieldUsername = "username"
	fieldPassword = "password"
	fieldConfirm  = "confirm"
	fieldUnitName = "unit_name"
	fieldUSCC     = "uscc"
	fieldMobile   = "mobile"
)

// Registered is the notice the login screen shows after success.
const Registered = "注册成功，请登录。首次登录需修改密码"

// Model is a self-registration screen: enter walks the fields and then
// registers, esc goes back to login, and a refusal keeps what was typed.
type Model struct {
	c       *common.Common
	id      common.ScreenID
	title   string
	notice  string
	form    *form.Form
	send    Sender
	outcome pane.Outcome // the line under the form
	busy    bool

	width, height int
}

// Sender reads a checked form on the UI's goroutine and returns the login
// name and the call, run off it, that registers what was typed.
type Sender func(f *form.Form) (username string, register func(ctx context.Context) error)

type registered struct{ username string }

// NewForm makes a registration screen titled title around f; send
// registers, and notice greets the operator at login afterwards.
func NewForm(c *common.Common, title, notice string, f *form.Form, send Sender) *Model {
	return &Model{c: c, id: c.NewID(), title: title, notice: notice, form: f, send: send}
}

// New builds the empty unit registration form.
func New(c *common.Common) *Model {
	km := c.Keys
	text := func(secret bool, limit int) form.Control { return form.NewText(km, secret, limit) }
	f := form.New(c.Styles, km, 26,
		form.Field{Key: fieldUsername, Label: "用户名", Control: text(false, 32), Check: func(_ *form.Form, v string) string {
			return domain.CheckUsername(strings.TrimSpace(v))
		}},
		form.Field{Key: fieldPassword, Label: "密码", Control: text(true, 128), Check: func(_ *form.Form, v string) string {
			return domain.CheckPassword(v)
		}},
		form.Field{Key: fieldConfirm, Label: "确认密码", Control: text(true, 128), Check: form.SameAs(fieldPassword, "两次输入的密码不一致")},
		form.Field{Key: fieldUnitName, Label: "单位名称", Control: text(false, 100), Check: func(_ *form.Form, v string) string {
			return domain.CheckText(v, 100, "单位名称")
		}},
		form.Field{Key: fieldUSCC, Label: "统一社会信用代码", Control: text(false, 18), Check: func(_ *form.Form, v string) string {
			return domain.CheckUSCC(domain.NormalizeUSCC(v))
		}},
		form.Field{Key: fieldMobile, Label: "手机号码", Control: text(false, 11), Check: func(_ *form.Form, v string) string {
			return domain.CheckMobile(strings.TrimSpace(v))
		}},
	)
	return NewForm(c, "单位注册", Registered, f, func(f *form.Form) (string, func(context.Context) error) {
		req := domain.UnitRegistration{
			Username: f.Value(fieldUsername),
			Password: f.Value(fieldPassword),
			UnitName: f.Value(fieldUnitName),
			USCC:     f.Value(fieldUSCC),
			Mobile:   f.Value(fieldMobile),
		}
		req.Normalize()
		auth := c.Services.Auth
		return req.Username, func(ctx context.Context) error { return auth.RegisterUnit(ctx, req) }
	})
}

// Init has nothing to fetch.
func (m *Model) Init() tea.Cmd { return nil }

// Update handles keys and the answer to the registration call.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.Keys.Back) {
			return common.Send(common.ShowLogin{})
		}
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if v, ok := msg.Value.(registered); ok && msg.To == m.id {
			return m.done(v.username, msg.Err)
		}
	}
	return nil
}

func (m *Model) submit() tea.Cmd {
	if m.busy {
		return nil
	}
	if !m.outcome.Validate(m.form) {
		return nil
	}
	m.busy, m.outcome = true, pane.Outcome{}
	username, register := m.send(m.form)
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return registered{username: username}, register(ctx)
	})
}

// done returns to login on success; on failure everything typed stays so
// the operator only fixes what the server refused.
func (m *Model) done(username string, err error) tea.Cmd {
	m.busy = false
	if err == nil {
		return common.Send(common.ShowLogin{Notice: m.notice, Username: username})
	}
	m.outcome.FailForm(m.form, err)
	return nil
}

// SetSize fits the screen into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Dirty reports a registration typed and not sent.
func (m *Model) Dirty() bool { return m.form.Dirty() }

// Discards reports whether k returns to the login with the input.
func (m *Model) Discards(k tea.KeyMsg) bool { return key.Matches(k, m.c.Keys.Back) && m.Dirty() }

// Typing is always true: one of the fields has the keyboard.
func (m *Model) Typing() bool { return true }

// View is the framed form and the message line.
func (m *Model) View() string {
	st := m.c.Styles
	body := m.form.View()
	switch {
	case m.busy:
		body += "\n\n" + st.Notice.Render(m.c.Busy())
	case m.outcome.Shown():
		body += "\n\n" + m.outcome.View(m.c, common.FrameInner(m.width))
	}
	return common.Frame(st, m.width, m.height, m.title, body)
}

// ShortHelp lists the registration keys.
func (m *Model) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/注册")
	back := m.c.Keys.Back
	back.SetHelp("esc", "返回登录")
	return []key.Binding{submit, back}
}

// FullHelp adds field navigation.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}
