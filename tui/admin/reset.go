package admin

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

// ResetPassword is 重置密码: sets someone's password; they must change it
// at their next login.
type ResetPassword struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	outcome pane.Outcome

	width, height int
}

type passwordReset struct{ username string }

// NewResetPassword builds the module.
func NewResetPassword(c *common.Common) common.Component {
	km := c.Keys
	return &ResetPassword{
		c:  c,
		id: c.NewID(),
		form: form.New(c.Styles, km, 24,
			form.Field{Key: fieldUsername, Label: "用户名", Control: form.NewText(km, false, 32), Check: form.Required("用户名")},
			form.Field{Key: fieldPassword, Label: "新密码", Control: form.NewText(km, true, 128), Check: func(_ *form.Form, v string) string {
				return domain.CheckPassword(v)
			}},
		),
	}
}

// Init has nothing to fetch.
func (m *ResetPassword) Init() tea.Cmd { return nil }

// Update handles keys and the answer to the reset.
func (m *ResetPassword) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if v, ok := msg.Value.(passwordReset); ok && msg.To == m.id {
			m.done(v.username, msg.Err)
		}
	}
	return nil
}

func (m *ResetPassword) submit() tea.Cmd {
	if m.outcome.Busy || !m.outcome.Validate(m.form) {
		return nil
	}
	m.outcome.Start()
	req := domain.PasswordReset{Username: strings.TrimSpace(m.form.Value(fieldUsername)), Password: m.form.Value(fieldPassword)}
	admin := m.c.Services.Admin
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return passwordReset{username: req.Username}, admin.ResetPassword(ctx, req)
	})
}

func (m *ResetPassword) done(username string, err error) {
	if err != nil {
		// A missing user is about the username field, whatever the server
		// called it.
		if domain.ErrorCode(err) == domain.CodeNotFound && len(domain.FieldErrorsOf(err)) == 0 {
			err = &domain.Error{Code: domain.CodeNotFound, Message: domain.ErrorMessage(err),
				Fields: map[string]string{fieldUsername: domain.ErrorMessage(err)}}
		}
		m.outcome.FailForm(m.form, err)
		return
	}
	m.outcome = pane.Outcome{Success: "密码已重置：" + username + "\n该用户下次登录时须修改密码。"}
	m.form.Clear(fieldUsername)
	m.form.Clear(fieldPassword)
	m.form.MarkClean()
	m.form.Focus(fieldUsername)
}

// SetSize fits the module into w×h cells.
func (m *ResetPassword) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(w)
}

// Typing is always true once the module has the keyboard.
func (m *ResetPassword) Typing() bool { return true }

// Dirty reports a form typed and not sent.
func (m *ResetPassword) Dirty() bool { return m.form.Dirty() }

// View is the form and the outcome line.
func (m *ResetPassword) View() string {
	return m.form.View() + "\n\n" + m.outcome.View(m.c, m.width)
}

// ShortHelp lists the module's keys.
func (m *ResetPassword) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/重置")
	return []key.Binding{submit}
}

// FullHelp adds navigation.
func (m *ResetPassword) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}
