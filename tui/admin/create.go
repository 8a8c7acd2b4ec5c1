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

// Field keys, as domain.NewAccount names them in field errors.
const (
	fieldUsername = "username"
	fieldPassword = "password"
	fieldRegion   = "region_code"
)

// CreateAuthority is 创建主管部门账号: an authority account for a region,
// which must change its password at first login.
type CreateAuthority struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	regions *common.RegionPicker
	ref     domain.Reference
	outcome pane.Outcome
	ask     pane.Confirm // the question before setting up a county's authority

	width, height int
}

type referenceLoaded struct{ ref domain.Reference }

type accountCreated struct{ user domain.User }

// NewCreateAuthority builds the module; Init loads the regions.
func NewCreateAuthority(c *common.Common) common.Component {
	km := c.Keys
	m := &CreateAuthority{
		c:       c,
		id:      c.NewID(),
		regions: common.NewRegionPicker(c, 5),
	}
	m.regions.SetNote(authorityNote)
	m.form = form.New(c.Styles, km, 24,
		form.Field{Key: fieldUsername, Label: "用户名", Control: form.NewText(km, false, 32), Check: func(_ *form.Form, v string) string {
			return domain.CheckUsername(strings.TrimSpace(v))
		}},
		form.Field{Key: fieldPassword, Label: "初始密码", Control: form.NewText(km, true, 128), Check: func(_ *form.Form, v string) string {
			return domain.CheckPassword(v)
		}},
		form.Field{Key: fieldRegion, Label: "地区", Control: m.regions, Width: 40, Check: func(_ *form.Form, v string) string {
			if v == "" {
				return "请选择主管部门所在地区"
			}
			return ""
		}},
	)
	return m
}

// Init loads the regions for the picker.
func (m *CreateAuthority) Init() tea.Cmd { return m.loadReference() }

func (m *CreateAuthority) loadReference() tea.Cmd {
	m.regions.SetEmpty("地区加载中" + m.c.Styles.Ellipsis)
	ref := m.c.Services.Ref
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		r, err := ref.Reference(ctx)
		return referenceLoaded{ref: r}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *CreateAuthority) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if cmd, ok := m.ask.Update(m.c, msg); ok {
			return cmd
		}
		if key.Matches(msg, m.c.Keys.Reload) {
			return m.loadReference()
		}
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case referenceLoaded:
			m.referenceDone(v.ref, msg.Err)
		case accountCreated:
			m.createDone(v.user, msg.Err)
			if msg.Err == nil {
				// A county's first account has just set up its authority.
				return m.loadReference()
			}
		}
	}
	return nil
}

func (m *CreateAuthority) referenceDone(ref domain.Reference, err error) {
	if err != nil {
		m.regions.SetEmpty("地区加载失败，按 ctrl+r 重试")
		m.outcome.Failure = common.ErrorText(err)
		return
	}
	m.ref = ref
	if !m.outcome.Busy {
		m.outcome.Failure = ""
	}
	m.regions.SetReference(ref, 1)
}

// authorityOf is the authority of region code, if it has one yet.
func authorityOf(ref domain.Reference, code string) (domain.Authority, bool) {
	for _, a := range ref.Authorities {
		if a.RegionCode == code {
			return a, true
		}
	}
	return domain.Authority{}, false
}

// authorityNote tells whether the account joins the region's authority or
// the first account creates it (a county's, typically).
func authorityNote(ref domain.Reference, code string) string {
	if code == "" {
		return ""
	}
	if a, ok := authorityOf(ref, code); ok {
		return "账号属于：" + a.Name
	}
	return "该地区尚无主管部门，创建账号时一并设立，本地区单位改由其主管"
}

// submit checks the form; a region without an authority asks first, since
// the account sets one up and hands it the region's units for good.
func (m *CreateAuthority) submit() tea.Cmd {
	if m.outcome.Busy || !m.outcome.Validate(m.form) {
		return nil
	}
	code := m.form.Value(fieldRegion)
	if _, ok := authorityOf(m.ref, code); !ok {
		m.ask.Ask("将设立"+common.RegionLabel(m.ref, code)+"人力资源和社会保障局，本地区单位改由其主管。\n确定创建吗？", m.create)
		return nil
	}
	return m.create()
}

func (m *CreateAuthority) create() tea.Cmd {
	m.outcome.Start()
	acc := domain.NewAccount{
		Username:   strings.TrimSpace(m.form.Value(fieldUsername)),
		Password:   m.form.Value(fieldPassword),
		Role:       domain.RoleAuthority,
		RegionCode: m.form.Value(fieldRegion),
	}
	admin := m.c.Services.Admin
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		u, err := admin.CreateAccount(ctx, acc)
		return accountCreated{user: u}, err
	})
}

func (m *CreateAuthority) createDone(u domain.User, err error) {
	if err != nil {
		m.outcome.FailForm(m.form, err)
		return
	}
	m.outcome = pane.Outcome{Success: "已创建主管部门账号：" + u.Username +
		"\n所属：" + u.DisplayName + "（" + u.RegionCode + "）" +
		"\n该账号首次登录时须修改密码。"}
	m.form.Clear(fieldUsername)
	m.form.Clear(fieldPassword)
	m.form.MarkClean()
	m.form.Focus(fieldUsername)
}

// SetSize fits the module into w×h cells.
func (m *CreateAuthority) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(w)
}

// Typing is always true once the module has the keyboard.
func (m *CreateAuthority) Typing() bool { return true }

// Nested is true while the question asks, so esc answers no.
func (m *CreateAuthority) Nested() bool { return m.ask.Asking() }

// Dirty reports a form typed and not sent.
func (m *CreateAuthority) Dirty() bool { return m.form.Dirty() }

// View is the form and the outcome line.
func (m *CreateAuthority) View() string {
	if m.ask.Asking() {
		return m.form.View() + "\n\n" + m.ask.View(m.c, m.width)
	}
	return m.form.View() + "\n\n" + m.outcome.View(m.c, m.width)
}

// ShortHelp lists the module's keys.
func (m *CreateAuthority) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/创建")
	return []key.Binding{submit, m.c.Keys.Choose}
}

// FullHelp adds navigation and reloading.
func (m *CreateAuthority) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev, m.c.Keys.Reload}}
}
