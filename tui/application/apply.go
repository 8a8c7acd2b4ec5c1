package application

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// Apply is 法人单位角色申请, the manual's four steps on one screen: fill in
// the application (申请信息), 保存 at any time, upload files (附件) and
// 送审. A returned application shows the authority's reason and can be
// fixed and sent again; a submitted or approved one is shown read-only.
type Apply struct {
	c    *common.Common
	id   common.ScreenID
	form *form.Form

	unitTypes *form.Picker
	regions   *common.RegionPicker // notes the competent authority

	ref      domain.Reference
	app      domain.UnitApplication
	hasRef   bool
	hasApp   bool
	filled   bool              // the form holds the application
	saved    map[string]string // the form's values as last loaded or saved
	strict   bool              // checks demand every required field (送审)
	section  section
	offset   int // scroll of the read-only view
	ask      pane.Confirm
	submitAt bool // submit once the pending save succeeds
	outcome  pane.Outcome

	files   *attachment.Panel
	history *history.Panel

	width, height int
}

type (
	applicationLoaded struct {
		app    domain.UnitApplication
		refill bool // replace what the form holds (the operator asked)
	}
	applicationSaved struct{ app domain.UnitApplication }
	applicationSent  struct{ app domain.UnitApplication }
)

// applicationFields are the form's keys, in order, with labels and
// character limits; pickers have no limit.
var applicationFields = []struct {
	key   string
	limit int
}{
	{domain.FieldUnitName, 100}, {domain.FieldUSCC, 18}, {domain.FieldUnitType, 0}, {domain.FieldRegion, 0},
	{domain.FieldLegalRep, 50}, {domain.FieldContactPerson, 50},
	{domain.FieldOfficePhone, 20}, {domain.FieldMobile, 11}, {domain.FieldEmail, 100},
	{domain.FieldPostalCode, 6}, {domain.FieldAddress, 200}, {domain.FieldSummary, 1000},
}

// NewApply builds the screen; Init loads the application.
func NewApply(c *common.Common) common.Component {
	st, km := c.Styles, c.Keys
	m := &Apply{
		c: c, id: c.NewID(),
		unitTypes: form.NewPicker(st, km, 4, "加载中"+st.Ellipsis),
		regions:   common.NewRegionPicker(c, 4),
		files:     attachment.New(c, domain.EntityUnit),
		history:   history.New(c, domain.EntityUnit, stateLabel),
	}
	m.regions.SetNote(common.CompetentAuthorityNote)
	var fields []form.Field
	for _, f := range applicationFields {
		key := f.key
		var ctl form.Control
		switch key {
		case domain.FieldUnitType:
			ctl = m.unitTypes
		case domain.FieldRegion:
			ctl = m.regions
		default:
			ctl = form.NewText(km, false, f.limit)
		}
		fields = append(fields, form.Field{Key: key, Label: domain.ApplicationFieldLabel(key), Control: ctl,
			Check: func(_ *form.Form, v string) string {
				return domain.CheckApplicationField(key, strings.TrimSpace(v), m.strict)
			}})
	}
	m.form = form.New(st, km, 40, fields...)
	return m
}

// stateLabel names an application state for the history.
func stateLabel(s string) string { return domain.ApplicationStatus(s).Label() }

// Init loads the reference data and the application.
func (m *Apply) Init() tea.Cmd { return tea.Batch(m.c.LoadReference(m.id), m.load(true)) }

// load fetches the application; refill replaces unsaved input, which a
// reload for another reason (a file added) keeps.
func (m *Apply) load(refill bool) tea.Cmd {
	svc := m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.MyApplication(ctx)
		return applicationLoaded{app: a, refill: refill}, err
	})
}

// Update handles keys and the answers to this screen's calls.
func (m *Apply) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return m.key(k)
	}
	if _, ok := msg.(common.SessionChanged); ok {
		// The account moved on (an authority approved or returned the
		// application): show the application as it now stands.
		return m.load(false)
	}
	cmds := []tea.Cmd{m.files.Update(msg, false), m.history.Update(msg, false)}
	if m.files.TakeChanged() {
		m.outcome = pane.Outcome{}
		cmds = append(cmds, m.load(false))
	}
	if r, ok := msg.(common.Result); ok && r.To == m.id {
		cmds = append(cmds, m.result(r))
	}
	return tea.Batch(cmds...)
}

func (m *Apply) result(r common.Result) tea.Cmd {
	switch v := r.Value.(type) {
	case common.ReferenceLoaded:
		if r.Err != nil {
			m.outcome.Failed(r.Err)
			return nil
		}
		m.ref, m.hasRef = v.Ref, true
		m.setOptions()
		m.fill()
	case applicationLoaded:
		if r.Err != nil {
			m.outcome.Failed(r.Err)
			return nil
		}
		if m.hasApp && v.app.Status != m.app.Status {
			// The outcome spoke of the state before (已送审); it is gone.
			m.outcome = pane.Outcome{}
		}
		if !v.refill && m.filled && m.dirty() && v.app.Status == m.app.Status {
			// Unsaved input stays, and with it the version it was based on,
			// so saving it still meets a change made meanwhile as a conflict.
			m.app.Attachments = v.app.Attachments
		} else {
			m.app, m.hasApp, m.filled = v.app, true, false
			m.fill()
		}
		return tea.Batch(m.files.Load(v.app.ID, v.app.Status.Editable()), m.history.Load(v.app.ID),
			common.Send(common.SessionStale{UnitStatus: v.app.Status}))
	case applicationSaved:
		if r.Err != nil {
			m.submitAt = false
			m.outcome.FailForm(m.form, r.Err)
			return nil
		}
		m.app, m.filled = v.app, false
		m.fill()
		if m.submitAt {
			m.submitAt = false
			return m.send()
		}
		m.strict = false
		m.outcome = pane.Outcome{Success: "已保存。上传附件后按 " + m.c.Keys.SendReview.Help().Key + " 送审"}
	case applicationSent:
		if r.Err != nil {
			m.outcome.FailForm(m.form, r.Err)
			return nil
		}
		m.app, m.filled, m.strict, m.offset = v.app, false, false, 0
		m.fill()
		m.outcome = pane.Outcome{Success: "已送审，请等待主管部门审核"}
		return tea.Batch(m.files.Load(v.app.ID, false), m.history.Load(v.app.ID),
			common.Send(common.SessionStale{UnitStatus: v.app.Status}))
	}
	return nil
}

// noChoice leads every picker, so nothing is picked for the operator.
var noChoice = form.Option{Value: "", Label: "（请选择）"}

// setOptions fills the pickers from the reference data.
func (m *Apply) setOptions() {
	m.offerUnitTypes()
	m.regions.SetReference(m.ref, 2, noChoice)
}

// offerUnitTypes lists the enabled unit types and the application's own,
// even if since disabled: it still shows, and saves unchanged.
func (m *Apply) offerUnitTypes() {
	m.unitTypes.SetOptions(append([]form.Option{noChoice}, common.DictOptions(m.ref, domain.DictUnitType, m.app.UnitType)...))
}

// fill puts the application into the form once both it and the
// reference data are here.
func (m *Apply) fill() {
	if !m.hasApp || !m.hasRef || m.filled {
		return
	}
	a := m.app
	values := map[string]string{
		domain.FieldUnitName: a.Name, domain.FieldUSCC: a.USCC, domain.FieldUnitType: a.UnitType,
		domain.FieldRegion: a.RegionCode, domain.FieldLegalRep: a.LegalRep, domain.FieldContactPerson: a.ContactPerson,
		domain.FieldOfficePhone: a.OfficePhone, domain.FieldMobile: a.Mobile, domain.FieldEmail: a.Email,
		domain.FieldPostalCode: a.PostalCode, domain.FieldAddress: a.Address, domain.FieldSummary: a.Summary,
	}
	m.offerUnitTypes()
	for k, v := range values {
		m.form.SetValue(k, v)
	}
	m.form.SetServerErrors(nil)
	m.saved = m.values()
	m.filled = true
}

func (m *Apply) values() map[string]string {
	out := map[string]string{}
	for _, f := range applicationFields {
		out[f.key] = m.form.Value(f.key)
	}
	return out
}

// dirty reports whether the form holds changes not yet saved.
func (m *Apply) dirty() bool {
	for k, v := range m.values() {
		if strings.TrimSpace(m.saved[k]) != strings.TrimSpace(v) {
			return true
		}
	}
	return false
}

func (m *Apply) editable() bool { return m.hasApp && m.app.Status.Editable() }

func (m *Apply) key(k tea.KeyMsg) tea.Cmd {
	km := m.c.Keys
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	if m.section == sectionFiles && m.files.Nested() {
		return m.files.Update(k, true)
	}
	switch {
	case key.Matches(k, km.NextSection), key.Matches(k, km.PrevSection):
		m.section = m.section.cycle(key.Matches(k, km.PrevSection))
		return nil
	case key.Matches(k, km.Reload):
		m.outcome = pane.Outcome{}
		return tea.Batch(m.c.LoadReference(m.id), m.load(true))
	case key.Matches(k, km.SendReview) && m.editable():
		// 送审 comes right after uploading (the manual's fourth step), so it
		// works from every panel.
		return m.askSubmit()
	}
	switch m.section {
	case sectionFiles:
		return m.files.Update(k, true)
	case sectionHistory:
		return m.history.Update(k, true)
	}
	if !m.editable() {
		switch {
		case key.Matches(k, km.Up):
			m.offset--
		case key.Matches(k, km.Down):
			m.offset++
		}
		return nil
	}
	if key.Matches(k, km.Save) {
		return m.save(false)
	}
	if m.form.Update(k) == form.Submitted {
		return m.save(false)
	}
	return nil
}

// formValue is the application as the form holds it.
func (m *Apply) formValue() domain.ApplicationForm {
	v := m.form.Value
	return domain.ApplicationForm{
		Name: v(domain.FieldUnitName), USCC: v(domain.FieldUSCC), UnitType: v(domain.FieldUnitType),
		RegionCode: v(domain.FieldRegion), LegalRep: v(domain.FieldLegalRep),
		ContactPerson: v(domain.FieldContactPerson), OfficePhone: v(domain.FieldOfficePhone),
		Mobile: v(domain.FieldMobile), Email: v(domain.FieldEmail), PostalCode: v(domain.FieldPostalCode),
		Address: v(domain.FieldAddress), Summary: v(domain.FieldSummary), Version: m.app.Version,
	}
}

// save stores the draft: only what is filled in must be valid.
func (m *Apply) save(thenSubmit bool) tea.Cmd {
	if m.outcome.Busy || !m.filled {
		return nil
	}
	m.strict = thenSubmit
	if !m.outcome.Validate(m.form) {
		return nil
	}
	m.outcome.Start()
	m.submitAt = thenSubmit
	f, svc := m.formValue(), m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.SaveApplication(ctx, f)
		return applicationSaved{app: a}, err
	})
}

// askSubmit checks the whole form as the server will, then asks.
func (m *Apply) askSubmit() tea.Cmd {
	if m.outcome.Busy || !m.filled {
		return nil
	}
	m.strict = true
	if !m.form.Validate() {
		m.outcome = pane.Outcome{Failure: "申请信息不完整，请按提示补充后再送审"}
		return nil
	}
	if max(m.files.Len(), m.app.Attachments) == 0 {
		m.outcome = pane.Outcome{Failure: "请至少上传一个附件（如营业执照扫描件）：按 " + m.c.Keys.NextSection.Help().Key + " 到“附件”上传"}
		return nil
	}
	m.outcome = pane.Outcome{}
	name := strings.TrimSpace(m.form.Value(domain.FieldUnitName))
	m.ask.Ask("送审“"+name+"”的单位角色申请？送审后将不能修改", m.submit)
	return nil
}

// submit saves unsaved changes first, then sends the application.
func (m *Apply) submit() tea.Cmd {
	if m.dirty() {
		return m.save(true)
	}
	return m.send()
}

func (m *Apply) send() tea.Cmd {
	m.outcome.Start()
	s, svc := domain.ApplicationSubmit{Version: m.app.Version}, m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.SubmitApplication(ctx, s)
		return applicationSent{app: a}, err
	})
}

// SetSize fits the screen into w×h cells.
func (m *Apply) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(w)
	bodyH := m.bodyHeight()
	m.files.SetSize(w, bodyH)
	m.history.SetSize(w, bodyH)
}

// header is the status, and the reason of a return, above the tabs.
func (m *Apply) header() []string {
	st := m.c.Styles
	if !m.hasApp {
		return []string{st.Notice.Render(m.c.Busy())}
	}
	status := "状态：" + m.app.Status.Label()
	switch m.app.Status {
	case domain.ApplicationDraft:
		status += st.Muted.Render("（填写后保存，上传附件，再送审）")
	case domain.ApplicationSubmitted:
		status += st.Muted.Render("（等待 " + m.app.AuthorityName + " 审核）")
	case domain.ApplicationApproved:
		status += st.Muted.Render("（其他功能已开通）")
	}
	lines := []string{textwidth.Truncate(status, m.width, st.Ellipsis)}
	if m.app.Status == domain.ApplicationReturned && m.app.ReturnReason != "" {
		wrapped := lipgloss.NewStyle().Width(m.width).Render("退回原因：" + m.app.ReturnReason)
		for _, l := range strings.Split(wrapped, "\n") {
			lines = append(lines, st.Error.Render(strings.TrimRight(l, " ")))
		}
	}
	return lines
}

// bodyHeight is what the section gets: the rest but the header, the tabs
// and two lines for the outcome.
func (m *Apply) bodyHeight() int { return max(m.height-len(m.header())-3, 3) }

// View is the header, the tabs, the section and the outcome.
func (m *Apply) View() string {
	h := m.bodyHeight()
	var body string
	switch m.section {
	case sectionFiles:
		body = m.files.View()
	case sectionHistory:
		body = m.history.View()
	default:
		if m.editable() && m.filled {
			body = m.form.Window(h)
		} else if m.hasApp && m.hasRef {
			body = scrolled(detailLines(m.c, applicationDetails(m.app, m.ref), m.width), &m.offset, h)
		}
	}
	foot := m.outcome.View(m.c, m.width)
	if m.ask.Asking() {
		foot = m.ask.View(m.c, m.width)
	}
	lines := append(m.header(), tabs(m.c, "申请信息", m.section, max(m.files.Len(), m.app.Attachments), m.width),
		textwidth.Block(body, m.width, h), foot)
	return textwidth.Block(strings.Join(lines, "\n"), m.width, m.height)
}

// Typing reports whether a text field has the keyboard.
func (m *Apply) Typing() bool {
	switch m.section {
	case sectionFiles:
		return m.files.Typing()
	case sectionHistory:
		return false
	}
	return m.editable() && m.filled && !m.ask.Asking()
}

// Dirty reports changes to the application not saved yet.
func (m *Apply) Dirty() bool { return m.editable() && m.filled && m.dirty() }

// Nested reports whether esc closes something inside the screen.
func (m *Apply) Nested() bool {
	return m.ask.Asking() || (m.section == sectionFiles && m.files.Nested())
}

// ShortHelp lists the keys of what is showing.
func (m *Apply) ShortHelp() []key.Binding {
	km := m.c.Keys
	if m.ask.Asking() {
		return m.ask.Help(m.c)
	}
	switch m.section {
	case sectionFiles:
		if m.editable() {
			return append(m.files.Help(), km.SendReview, km.NextSection)
		}
		return append(m.files.Help(), km.NextSection)
	case sectionHistory:
		return append(m.history.Help(), km.NextSection)
	}
	if m.editable() {
		return []key.Binding{km.Save, km.SendReview, km.NextSection}
	}
	return []key.Binding{km.NextSection, km.Reload}
}

// FullHelp adds navigation.
func (m *Apply) FullHelp() [][]key.Binding {
	km := m.c.Keys
	return [][]key.Binding{m.ShortHelp(), {km.Next, km.Prev, km.PrevSection, km.Reload}}
}
