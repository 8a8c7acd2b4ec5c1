// Package register is unit self-registration (manual 1.1.1).
package register

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
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

// Model is the registration screen.
type Model struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	message string
	busy    bool

	width, height int
}

type registered struct{ username string }

// New builds an empty registration form.
func New(c *common.Common) *Model {
	km := c.Keys
	text := func(secret bool, limit int) form.Control { return form.NewText(km, secret, limit) }
	return &Model{
		c:  c,
		id: c.NewID(),
		form: form.New(c.Styles, km, 26,
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
		),
	}
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
	if !m.form.Validate() {
		m.message = "输入有误，请按提示修改"
		return nil
	}
	m.busy, m.message = true, ""
	req := domain.UnitRegistration{
		Username: m.form.Value(fieldUsername),
		Password: m.form.Value(fieldPassword),
		UnitName: m.form.Value(fieldUnitName),
		USCC:     m.form.Value(fieldUSCC),
		Mobile:   m.form.Value(fieldMobile),
	}
	req.Normalize()
	auth := m.c.Services.Auth
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return registered{username: req.Username}, auth.RegisterUnit(ctx, req)
	})
}

// done returns to login on success; on failure everything typed stays so
// the operator only fixes what the server refused.
func (m *Model) done(username string, err error) tea.Cmd {
	m.busy = false
	if err == nil {
		return common.Send(common.ShowLogin{Notice: Registered, Username: username})
	}
	others := m.form.SetServerErrors(domain.FieldErrorsOf(err))
	m.message = common.ErrorText(err)
	if len(others) > 0 {
		m.message = strings.Join(others, "；")
	}
	if bad := m.form.FirstError(); bad != "" {
		m.form.Focus(bad)
	}
	return nil
}

// SetSize fits the screen into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Typing is always true: one of the fields has the keyboard.
func (m *Model) Typing() bool { return true }

// View is the framed form and the message line.
func (m *Model) View() string {
	st := m.c.Styles
	body := m.form.View()
	switch {
	case m.busy:
		body += "\n\n" + st.Notice.Render(m.c.Busy())
	case m.message != "":
		body += "\n\n" + st.Error.Render(lipgloss.NewStyle().Width(common.FrameInner(m.width)).Render(m.message))
	}
	return common.Frame(st, m.width, m.height, "单位注册", body)
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
