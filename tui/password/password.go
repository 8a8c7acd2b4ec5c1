// Package password is the forced password change that follows the first
// login of an account made, or reset, by someone else. It cannot be
// skipped: the server refuses every other call until it is done.
package password

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
)

// Field keys, as domain.PasswordChange names them in field errors.
const (
	fieldOld     = "old"
	fieldNew     = "new"
	fieldConfirm = "confirm"
)

// Model is the forced password change screen.
type Model struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	message string
	busy    bool
	// changed is set once the server took the new password, so a retry
	// after a failed session refresh does not change it again.
	changed bool

	width, height int
}

type passwordChanged struct{}

type sessionRefreshed struct{ session domain.Session }

// New builds the screen.
func New(c *common.Common) *Model {
	km := c.Keys
	return &Model{
		c:  c,
		id: c.NewID(),
		form: form.New(c.Styles, km, 26,
			form.Field{Key: fieldOld, Label: "原密码", Control: form.NewText(km, true, 128), Check: form.Required("原密码")},
			form.Field{Key: fieldNew, Label: "新密码", Control: form.NewText(km, true, 128), Check: func(f *form.Form, v string) string {
				if msg := domain.CheckPassword(v); msg != "" {
					return msg
				}
				if v == f.Value(fieldOld) {
					return "新密码不能与原密码相同"
				}
				return ""
			}},
			form.Field{Key: fieldConfirm, Label: "确认新密码", Control: form.NewText(km, true, 128), Check: form.SameAs(fieldNew, "两次输入的新密码不一致")},
		),
	}
}

// Init has nothing to fetch.
func (m *Model) Init() tea.Cmd { return nil }

// Update handles keys and the answers to the change and the session refresh.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case passwordChanged:
			return m.changeDone(msg.Err)
		case sessionRefreshed:
			return m.refreshDone(v.session, msg.Err)
		}
	}
	return nil
}

func (m *Model) submit() tea.Cmd {
	if m.busy {
		return nil
	}
	if m.changed {
		m.busy, m.message = true, ""
		return m.refresh()
	}
	if !m.form.Validate() {
		m.message = pane.InvalidInput
		return nil
	}
	m.busy, m.message = true, ""
	req := domain.PasswordChange{Old: m.form.Value(fieldOld), New: m.form.Value(fieldNew)}
	auth := m.c.Services.Auth
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return passwordChanged{}, auth.ChangePassword(ctx, req)
	})
}

func (m *Model) changeDone(err error) tea.Cmd {
	if err != nil {
		m.busy = false
		m.message = pane.FormError(m.form, err)
		return nil
	}
	m.changed = true
	return m.refresh()
}

// refresh reloads the session so the menu sees the cleared flag.
func (m *Model) refresh() tea.Cmd {
	auth := m.c.Services.Auth
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		s, err := auth.Me(ctx)
		return sessionRefreshed{session: s}, err
	})
}

func (m *Model) refreshDone(s domain.Session, err error) tea.Cmd {
	m.busy = false
	if err != nil {
		m.message = "密码已修改，但刷新登录信息失败：" + common.ErrorText(err) + "。按 enter 重试"
		return nil
	}
	return common.Send(common.SessionStarted{Session: s})
}

// SetSize fits the screen into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Typing is always true: one of the fields has the keyboard.
func (m *Model) Typing() bool { return true }

// View explains why, then the form and the message line.
func (m *Model) View() string {
	st := m.c.Styles
	inner := common.FrameInner(m.width)
	wrap := lipgloss.NewStyle().Width(inner)
	body := st.Notice.Render(wrap.Render("为保障账号安全，首次登录或密码被重置后须先修改密码，修改后方可使用系统。")) +
		"\n\n" + m.form.View()
	switch {
	case m.busy:
		body += "\n\n" + st.Notice.Render(m.c.Busy())
	case m.message == pane.InvalidInput && m.form.FirstError() == "":
		// The fields are fixed: the message has no cause left.
	case m.message != "":
		body += "\n\n" + st.Error.Render(wrap.Render(m.message))
	}
	return common.Frame(st, m.width, m.height, "修改密码", body)
}

// ShortHelp lists the keys; there is deliberately no way back.
func (m *Model) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/确认")
	return []key.Binding{submit}
}

// FullHelp adds field navigation.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}

// Dirty reports passwords typed and not sent.
func (m *Model) Dirty() bool { return m.form.Dirty() }
