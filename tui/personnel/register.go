package personnel

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

// Registered is the notice the login screen shows after a person registers.
const Registered = "注册成功，请用身份证号登录。首次登录需修改密码"

const fieldConfirm = "confirm"

// Register is a person's self-registration: the ID number is the login
// name; gender and birth date follow from it as it is typed.
type Register struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	message string
	busy    bool

	width, height int
}

type personRegistered struct{ idNumber string }

// NewRegister builds an empty registration form.
func NewRegister(c *common.Common) *Register {
	km, st := c.Keys, c.Styles
	m := &Register{c: c, id: c.NewID()}
	m.form = form.New(st, km, 24,
		form.Field{Key: fieldIDNumber, Label: "身份证号", Control: form.NewText(km, false, 18), Check: checkID},
		form.Field{Key: fieldFacts, Label: "性别/出生日期", Width: 32, Control: &derived{st: st, value: func() string { return idFacts(m.form.Value(fieldIDNumber)) }}},
		form.Field{Key: fieldName, Label: "姓名", Control: form.NewText(km, false, 50), Check: func(_ *form.Form, v string) string {
			return domain.CheckText(v, 50, "姓名")
		}},
		form.Field{Key: fieldMobile, Label: "手机号码", Control: form.NewText(km, false, 11), Check: func(_ *form.Form, v string) string {
			return domain.CheckMobile(strings.TrimSpace(v))
		}},
		form.Field{Key: fieldPassword, Label: "密码", Control: form.NewText(km, true, 128), Check: func(_ *form.Form, v string) string {
			return domain.CheckPassword(v)
		}},
		form.Field{Key: fieldConfirm, Label: "确认密码", Control: form.NewText(km, true, 128), Check: form.SameAs(fieldPassword, "两次输入的密码不一致")},
	)
	return m
}

// Init has nothing to fetch.
func (m *Register) Init() tea.Cmd { return nil }

// Update handles keys and the answer to the registration.
func (m *Register) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.Keys.Back) {
			return common.Send(common.ShowLogin{})
		}
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if v, ok := msg.Value.(personRegistered); ok && msg.To == m.id {
			return m.done(v.idNumber, msg.Err)
		}
	}
	return nil
}

func (m *Register) submit() tea.Cmd {
	if m.busy {
		return nil
	}
	if !m.form.Validate() {
		m.message = "输入有误，请按提示修改"
		return nil
	}
	m.busy, m.message = true, ""
	r := domain.PersonRegistration{
		IDNumber: domain.NormalizeIDNumber(m.form.Value(fieldIDNumber)),
		Name:     strings.TrimSpace(m.form.Value(fieldName)),
		Mobile:   strings.TrimSpace(m.form.Value(fieldMobile)),
		Password: m.form.Value(fieldPassword),
	}
	persons := m.c.Services.Persons
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return personRegistered{idNumber: r.IDNumber}, persons.RegisterPerson(ctx, r)
	})
}

// done returns to login with the ID number filled in; a refusal keeps
// everything typed, with the server's word at its field.
func (m *Register) done(id string, err error) tea.Cmd {
	m.busy = false
	if err == nil {
		return common.Send(common.ShowLogin{Notice: Registered, Username: id})
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
func (m *Register) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Typing is always true: one of the fields has the keyboard.
func (m *Register) Typing() bool { return true }

// View is the framed form and the message line.
func (m *Register) View() string {
	st := m.c.Styles
	body := m.form.View()
	switch {
	case m.busy:
		body += "\n\n" + st.Notice.Render(m.c.Busy())
	case m.message != "":
		body += "\n\n" + st.Error.Render(lipgloss.NewStyle().Width(common.FrameInner(m.width)).Render(m.message))
	}
	return common.Frame(st, m.width, m.height, "专业技术人员注册", body)
}

// ShortHelp lists the registration keys.
func (m *Register) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(m.c.Keys.Submit, "enter", "下一项/注册"), withHelp(m.c.Keys.Back, "esc", "返回登录")}
}

// FullHelp adds field navigation.
func (m *Register) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}
