package cert

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Requirements is 学时要求设置: each year's total, the public and
// professional minimums and the daily cap. The province authority and
// administrators change them; the server refuses anyone else, and the
// screen shows its answer.
type Requirements struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	table   *table.Table
	reqs    map[int64]domain.Requirement
	form    *form.Form
	editing *domain.Requirement // nil while adding a year
	trail   *history.Panel      // who changed a year's requirement, and how
	trailOf int                 // the year shown in trail; 0 when hidden
	outcome pane.Outcome
	loading bool
	// issued, when not 0, is the number of the year's certificates the
	// server asks to confirm before the change; issuedWhy says so.
	issued    int
	issuedWhy string

	width, height int
}

type requirementsLoaded struct{ list []domain.Requirement }

type requirementSaved struct{ req domain.Requirement }

// Field keys, as the server names them in field errors.
const (
	fieldYear         = "year"
	fieldTotal        = "total"
	fieldPublic       = "public_min"
	fieldProfessional = "professional_min"
	fieldDailyCap     = "daily_cap"
)

// NewRequirements builds the module; Init loads it.
func NewRequirements(c *common.Common) common.Component {
	m := &Requirements{c: c, km: newKeyMap(c.Keys), id: c.NewID(), reqs: map[int64]domain.Requirement{},
		trail: history.New(c, domain.EntityRequirement, func(s string) string { return s })}
	m.table = table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "年度", Width: 4}, table.Column{Title: "总学时", Width: 6},
		table.Column{Title: "公需≥", Width: 6}, table.Column{Title: "专业≥", Width: 6},
		table.Column{Title: "每日上限", Width: 8, Flex: true})
	m.SetSize(52, 16)
	return m
}

// Init loads the requirements.
func (m *Requirements) Init() tea.Cmd { return m.load() }

func (m *Requirements) load() tea.Cmd {
	m.loading = true
	svc := m.c.Services.Requirements
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		l, err := svc.Requirements(ctx)
		return requirementsLoaded{list: l}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *Requirements) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return m.trail.Update(msg, false)
		}
		switch v := msg.Value.(type) {
		case requirementsLoaded:
			m.loaded(v, msg.Err)
		case requirementSaved:
			return m.saved(v, msg.Err)
		}
	}
	return nil
}

func (m *Requirements) handleKey(k tea.KeyMsg) tea.Cmd {
	if m.trailOf != 0 {
		if key.Matches(k, m.km.Back) {
			m.trailOf = 0
			return nil
		}
		return m.trail.Update(k, true)
	}
	if m.form != nil && m.issued != 0 {
		switch {
		case key.Matches(k, m.c.Keys.Yes):
			return m.save()
		case key.Matches(k, m.c.Keys.No), key.Matches(k, m.km.Back):
			m.issued = 0
		}
		return nil
	}
	if m.form != nil {
		switch {
		case key.Matches(k, m.km.Back):
			m.form = nil
			m.outcome.Clear()
		case m.outcome.Busy:
		case m.form.Update(k) == form.Submitted:
			return m.save()
		}
		return nil
	}
	switch {
	case key.Matches(k, m.km.Reload):
		return m.load()
	case key.Matches(k, m.km.Add):
		m.openForm(nil, domain.Requirement{Year: m.nextYear(), Total: domain.HoursOf(90), PublicMin: domain.HoursOf(30),
			ProfessionalMin: domain.HoursOf(42), DailyCap: domain.HoursOf(8)})
	case key.Matches(k, m.km.History):
		if r, ok := m.table.Selected(); ok {
			m.trailOf = int(r.ID)
			return m.trail.Load(r.ID)
		}
	case key.Matches(k, m.km.Edit):
		if r, ok := m.table.Selected(); ok {
			req := m.reqs[r.ID]
			m.openForm(&req, req)
		}
	default:
		m.table.Update(k)
	}
	return nil
}

// nextYear is the year a new requirement is most likely for: the one after
// the latest set.
func (m *Requirements) nextYear() int {
	latest := thisYear() - 1
	for _, r := range m.reqs {
		latest = max(latest, r.Year)
	}
	return latest + 1
}

func (m *Requirements) loaded(v requirementsLoaded, err error) {
	m.loading = false
	if err != nil {
		m.table.SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return
	}
	m.reqs = map[int64]domain.Requirement{}
	rows := make([]table.Row, len(v.list))
	for i, r := range v.list {
		m.reqs[int64(r.Year)] = r
		rows[i] = table.Row{ID: int64(r.Year), Cells: []string{strconv.Itoa(r.Year), r.Total.String(),
			r.PublicMin.String(), r.ProfessionalMin.String(), r.DailyCap.String()}}
	}
	m.table.SetEmpty("尚未设置学时要求，按 n 新增")
	m.table.SetRows(rows)
}

// hoursField checks typed hours as the server will: a number in 0.5 steps.
func hoursField(f *form.Form, v string) string {
	_, msg := domain.ParseHours(v)
	return msg
}

func (m *Requirements) openForm(editing *domain.Requirement, r domain.Requirement) {
	km := m.c.Keys
	text := func(limit int) *form.Text { return form.NewText(km, false, limit) }
	var fields []form.Field
	if editing == nil {
		fields = append(fields, form.Field{Key: fieldYear, Label: "年度", Control: text(4), Check: func(_ *form.Form, v string) string {
			if _, err := strconv.Atoi(domain.NormalizeInput(v)); err != nil {
				return "年度应为四位数字"
			}
			return ""
		}})
	}
	fields = append(fields,
		form.Field{Key: fieldTotal, Label: "总学时", Control: text(6), Check: hoursField},
		form.Field{Key: fieldPublic, Label: "公需科目最低学时", Control: text(6), Check: hoursField},
		form.Field{Key: fieldProfessional, Label: "专业科目最低学时", Control: text(6), Check: hoursField},
		form.Field{Key: fieldDailyCap, Label: "每日学时上限", Control: text(6), Check: hoursField},
	)
	m.form = form.New(m.c.Styles, km, 10, fields...)
	m.form.SetWidth(m.width)
	if editing == nil {
		m.form.SetValue(fieldYear, strconv.Itoa(r.Year))
	}
	m.form.SetValue(fieldTotal, r.Total.String())
	m.form.SetValue(fieldPublic, r.PublicMin.String())
	m.form.SetValue(fieldProfessional, r.ProfessionalMin.String())
	m.form.SetValue(fieldDailyCap, r.DailyCap.String())
	m.editing = editing
	m.outcome.Clear()
}

func (m *Requirements) save() tea.Cmd {
	// The server's objections span fields (the minimums against the
	// total): a new try asks it again rather than keep the old ones.
	m.form.SetServerErrors(nil)
	if !m.form.Validate() {
		return nil
	}
	hours := func(field string) domain.Hours {
		h, _ := domain.ParseHours(m.form.Value(field))
		return h
	}
	in := domain.RequirementInput{Total: hours(fieldTotal), PublicMin: hours(fieldPublic),
		ProfessionalMin: hours(fieldProfessional), DailyCap: hours(fieldDailyCap)}
	svc, editing := m.c.Services.Requirements, m.editing
	if editing != nil {
		in.Year, in.Version, in.ConfirmIssued = editing.Year, editing.Version, m.issued
		m.issued = 0
	} else {
		in.Year, _ = strconv.Atoi(domain.NormalizeInput(m.form.Value(fieldYear)))
	}
	m.outcome.Start()
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		var r domain.Requirement
		var err error
		if editing != nil {
			r, err = svc.UpdateRequirement(ctx, in)
		} else {
			r, err = svc.CreateRequirement(ctx, in)
		}
		return requirementSaved{req: r}, err
	})
}

// saved closes the form, or keeps what was typed beside the server's
// objections.
func (m *Requirements) saved(v requirementSaved, err error) tea.Cmd {
	var de *domain.Error
	if errors.As(err, &de) && m.form != nil {
		if n, _ := strconv.Atoi(de.Fields["confirm_issued"]); n > 0 {
			// The year's certificates were issued: ask, naming them.
			m.outcome.Clear()
			m.issued, m.issuedWhy = n, de.Message
			return nil
		}
	}
	if err != nil {
		if m.form != nil {
			m.outcome.FailForm(m.form, err)
		} else {
			m.outcome.Failed(err)
		}
		return nil
	}
	m.form = nil
	m.outcome.Done("已保存" + strconv.Itoa(v.req.Year) + "年度学时要求：" + v.req.Summary())
	return m.load()
}

// Nested reports the form or the history, which esc closes first.
// Dirty reports a requirement being typed and not saved.
func (m *Requirements) Dirty() bool { return m.form != nil && m.form.Dirty() }

// Discards reports whether k closes the form with its changes.
func (m *Requirements) Discards(k tea.KeyMsg) bool {
	return m.trailOf == 0 && key.Matches(k, m.km.Back) && m.Dirty()
}

func (m *Requirements) Nested() bool { return m.form != nil || m.trailOf != 0 }

// Typing reports whether a field has the keyboard.
func (m *Requirements) Typing() bool { return m.form != nil }

// SetSize fits the module into w×h cells.
func (m *Requirements) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.form != nil {
		m.form.SetWidth(w)
	}
}

// View is the list and its message line, or the form.
func (m *Requirements) View() string {
	st, w := m.c.Styles, m.width
	msg := ""
	switch {
	case m.outcome.Busy || m.outcome.Failure != "" || m.outcome.Success != "":
		msg = m.outcome.View(m.c, w)
	case m.loading:
		msg = st.Notice.Render(m.c.Busy())
	}
	if m.trailOf != 0 {
		m.trail.SetSize(w, max(m.height-2, 1))
		return textwidth.Block(st.Heading.Render(strconv.Itoa(m.trailOf)+"年度学时要求的修改记录")+"\n\n"+m.trail.View(), w, m.height)
	}
	if m.form != nil {
		title := "新增年度学时要求"
		if m.editing != nil {
			title = "修改" + strconv.Itoa(m.editing.Year) + "年度学时要求"
		}
		body := st.Heading.Render(title) + "\n\n" + m.form.View() + "\n\n" +
			st.Muted.Render(textwidth.Truncate("学时以0.5为单位；选修科目只计入总学时", w, st.Ellipsis))
		if m.issued != 0 {
			msg = st.Confirm.Render(lipgloss.NewStyle().Width(w).Render(m.issuedWhy + "。确定修改吗？(y/n)"))
		}
		return textwidth.Block(body+"\n"+msg, w, m.height)
	}
	note := st.Muted.Render(textwidth.Truncate("省级人社主管部门和系统管理员可修改；其他角色只读", w, st.Ellipsis))
	rows := max(m.height-2-lipgloss.Height(msg), 2)
	m.table.SetSize(w, rows)
	return textwidth.Block(strings.Join([]string{m.table.View(), note, msg}, "\n"), w, m.height)
}

// ShortHelp lists the module's keys.
func (m *Requirements) ShortHelp() []key.Binding {
	if m.form != nil && m.issued != 0 {
		return []key.Binding{m.c.Keys.Yes, m.c.Keys.No}
	}
	if m.form != nil {
		submit := m.km.Submit
		submit.SetHelp("enter", "下一项/保存")
		return []key.Binding{submit}
	}
	if m.trailOf != 0 {
		return m.trail.Help()
	}
	return []key.Binding{m.km.Add, m.km.Edit, m.km.History, m.km.Reload}
}

// FullHelp adds navigation.
func (m *Requirements) FullHelp() [][]key.Binding {
	if m.form != nil {
		return [][]key.Binding{m.ShortHelp(), {m.km.Next, m.km.Prev}}
	}
	return [][]key.Binding{m.ShortHelp(), {m.km.Up, m.km.Down}}
}
