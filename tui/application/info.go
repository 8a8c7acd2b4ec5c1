package application

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// Info is 法人单位信息维护: an approved unit keeps its contact details up to
// date; saved at once, no review. Its identity (name, USCC, region,
// authority) is shown but fixed: changing it is a matter for the authority.
type Info struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	ref     domain.Reference
	app     domain.UnitApplication
	hasApp  bool
	outcome pane.Outcome

	width, height int
}

type (
	infoLoaded struct {
		app domain.UnitApplication
		ref domain.Reference
	}
	infoSaved struct{ app domain.UnitApplication }
)

// infoForm lists 信息维护's fields with their character limits.
var infoForm = []struct {
	key   string
	limit int
}{
	{domain.FieldContactPerson, 50}, {domain.FieldOfficePhone, 20}, {domain.FieldMobile, 11},
	{domain.FieldEmail, 100}, {domain.FieldPostalCode, 6}, {domain.FieldAddress, 200}, {domain.FieldSummary, 1000},
}

// NewInfo builds the screen; Init loads the unit.
func NewInfo(c *common.Common) common.Component {
	m := &Info{c: c, id: c.NewID()}
	var fields []form.Field
	for _, f := range infoForm {
		key := f.key
		fields = append(fields, form.Field{Key: key, Label: domain.ApplicationFieldLabel(key),
			Control: form.NewText(c.Keys, false, f.limit),
			Check: func(_ *form.Form, v string) string {
				return domain.CheckApplicationField(key, strings.TrimSpace(v), true)
			}})
	}
	m.form = form.New(c.Styles, c.Keys, 40, fields...)
	return m
}

// Init loads the unit's details.
func (m *Info) Init() tea.Cmd { return m.load() }

func (m *Info) load() tea.Cmd {
	svc, refs := m.c.Services.Applications, m.c.Services.Ref
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.MyApplication(ctx)
		if err != nil {
			return infoLoaded{}, err
		}
		ref, err := refs.Reference(ctx)
		return infoLoaded{app: a, ref: ref}, err
	})
}

// Update handles keys and the answers to this screen's calls.
func (m *Info) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		km := m.c.Keys
		switch {
		case key.Matches(msg, km.Reload):
			m.outcome = pane.Outcome{}
			return m.load()
		case !m.hasApp:
		case key.Matches(msg, km.Save):
			return m.save()
		case m.form.Update(msg) == form.Submitted:
			return m.save()
		}
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case infoLoaded:
			if msg.Err != nil {
				m.outcome.Failed(msg.Err)
				return nil
			}
			m.ref = v.ref
			m.show(v.app)
		case infoSaved:
			if msg.Err != nil {
				// What was typed stays: the operator fixes it, or reloads.
				m.outcome.FailForm(m.form, msg.Err)
				if domain.ErrorCode(msg.Err) == domain.CodeConflict {
					m.outcome.Failure += "（" + m.c.Keys.Reload.Help().Key + " 刷新）"
				}
				return nil
			}
			m.show(v.app)
			m.outcome = pane.Outcome{Success: "已保存"}
		}
	}
	return nil
}

func (m *Info) show(a domain.UnitApplication) {
	m.app, m.hasApp = a, true
	i := domain.InfoOf(a)
	for k, v := range map[string]string{
		domain.FieldContactPerson: i.ContactPerson, domain.FieldOfficePhone: i.OfficePhone, domain.FieldMobile: i.Mobile,
		domain.FieldEmail: i.Email, domain.FieldPostalCode: i.PostalCode, domain.FieldAddress: i.Address,
		domain.FieldSummary: i.Summary,
	} {
		m.form.SetValue(k, v)
	}
	m.form.SetServerErrors(nil)
}

func (m *Info) save() tea.Cmd {
	if m.outcome.Busy {
		return nil
	}
	if !m.outcome.Validate(m.form) {
		return nil
	}
	m.outcome.Start()
	v := m.form.Value
	i := domain.UnitInfo{ContactPerson: v(domain.FieldContactPerson), OfficePhone: v(domain.FieldOfficePhone),
		Mobile: v(domain.FieldMobile), Email: v(domain.FieldEmail), PostalCode: v(domain.FieldPostalCode),
		Address: v(domain.FieldAddress), Summary: v(domain.FieldSummary), Version: m.app.Version}
	svc := m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.UpdateUnitInfo(ctx, i)
		return infoSaved{app: a}, err
	})
}

// identity is the fixed part, shown above the form.
func (m *Info) identity() []string {
	if !m.hasApp {
		return []string{m.c.Styles.Notice.Render(m.c.Busy())}
	}
	all := applicationDetails(m.app, m.ref)
	fixed := []detail{all[0], all[1], all[3], all[4]}
	return detailLines(m.c, fixed, m.width)
}

// SetSize fits the screen into w×h cells.
func (m *Info) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(w)
}

// View is the identity, the form and the outcome.
func (m *Info) View() string {
	top := m.identity()
	rest := max(m.height-len(top)-3, 3)
	body := ""
	if m.hasApp {
		body = m.form.Window(rest)
	}
	lines := append(top, m.c.Styles.Muted.Render(strings.Repeat("-", max(m.width, 1))),
		textwidth.Block(body, m.width, rest), m.outcome.View(m.c, m.width))
	return textwidth.Block(strings.Join(lines, "\n"), m.width, m.height)
}

// Dirty reports contact details typed and not saved.
func (m *Info) Dirty() bool { return m.hasApp && m.form.Dirty() }

// Typing is true once the form shows: a field has the keyboard.
func (m *Info) Typing() bool { return m.hasApp }

// ShortHelp lists the screen's keys.
func (m *Info) ShortHelp() []key.Binding {
	return []key.Binding{m.c.Keys.Save, m.c.Keys.Reload}
}

// FullHelp adds navigation.
func (m *Info) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}
