package application

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Keys of the review screen where no field has the keyboard.
var (
	keyFilter  = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "按名称查找"))
	keyStatus  = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "切换状态"))
	keyApprove = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "同意"))
	keyReturn  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "退回"))
)

// reviewFilters are the queue's status filters, in the order tab goes.
var reviewFilters = []struct {
	status domain.ApplicationStatus
	label  string
}{
	{domain.ApplicationSubmitted, "待审核"}, {domain.ApplicationReturned, "已退回"},
	{domain.ApplicationApproved, "已通过"}, {"", "全部"},
}

type reviewStep int

const (
	queueStep reviewStep = iota
	filterStep
	detailStep
	reasonStep
)

// Review is 单位角色审核: the queue of applications sent to the authority
// (or within its region), each opened with its files and history, then
// 同意 (the unit's other modules open) or 退回 with a required reason.
type Review struct {
	c      *common.Common
	id     common.ScreenID
	step   reviewStep
	filter int
	name   *form.Form
	reason *form.Form
	queue  *pane.Feed[domain.UnitApplication]

	ref     domain.Reference
	app     domain.UnitApplication // the one opened
	section section
	scroll  int
	files   *attachment.Panel
	history *history.Panel
	outcome pane.Outcome
	ask     pane.Confirm // 同意 and 退回 are asked first

	width, height int
}

type (
	regionsLoaded       struct{ ref domain.Reference }
	applicationOpened   struct{ app domain.UnitApplication }
	applicationReviewed struct {
		app    domain.UnitApplication
		action string
	}
)

// NewReview builds the screen; Init loads the queue.
func NewReview(c *common.Common) common.Component {
	st, km := c.Styles, c.Keys
	m := &Review{
		c: c, id: c.NewID(),
		name: form.New(st, km, 30, form.Field{Key: "name", Label: "单位名称", Control: form.NewText(km, false, 50)}),
		reason: form.New(st, km, 60, form.Field{Key: "comment", Label: "退回原因", Control: form.NewText(km, false, 500),
			Check: form.Required("退回原因")}),
		files:   attachment.New(c, domain.EntityUnit),
		history: history.New(c, domain.EntityUnit, stateLabel),
	}
	t := table.New(st, km, "没有符合条件的申请",
		table.Column{Title: "单位名称", Width: 12, Flex: true}, table.Column{Title: "地区", Width: 8},
		table.Column{Title: "时间", Width: 11}, table.Column{Title: "状态", Width: 6})
	svc := c.Services.Applications
	m.queue = pane.NewFeed(m.id, t, func(a domain.UnitApplication) table.Row {
		return table.Row{ID: a.ID, Cells: []string{a.Name, a.RegionName,
			a.UpdatedAt.In(domain.ChinaTime).Format("01-02 15:04"), a.Status.Label()}}
	}, func(page domain.PageRequest) func(context.Context) (domain.Page[domain.UnitApplication], error) {
		q := domain.ApplicationQuery{Status: reviewFilters[m.filter].status, Name: strings.TrimSpace(m.name.Value("name")), PageRequest: page}
		return func(ctx context.Context) (domain.Page[domain.UnitApplication], error) {
			return svc.ListApplications(ctx, q)
		}
	})
	return m
}

// Init loads the first page of applications waiting for review.
func (m *Review) Init() tea.Cmd {
	refs := m.c.Services.Ref
	return tea.Batch(m.queue.First(), common.Call(m.id, func(ctx context.Context) (any, error) {
		ref, err := refs.Reference(ctx)
		return regionsLoaded{ref: ref}, err
	}))
}

// loadQueue fetches the rows on screen again.
func (m *Review) loadQueue() tea.Cmd { return m.queue.Reload() }

func (m *Review) open(id int64) tea.Cmd {
	svc := m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.GetApplication(ctx, id)
		return applicationOpened{app: a}, err
	})
}

// Update handles keys and the answers to this screen's calls.
func (m *Review) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return m.key(k)
	}
	cmds := []tea.Cmd{m.files.Update(msg, false), m.history.Update(msg, false)}
	if r, ok := msg.(common.Result); ok && r.To == m.id {
		cmds = append(cmds, m.result(r))
	}
	return tea.Batch(cmds...)
}

func (m *Review) result(r common.Result) tea.Cmd {
	if cmd, ok := m.queue.Result(r); ok {
		if err := m.queue.Failure(); err != nil {
			m.outcome.Failed(err)
		}
		return cmd
	}
	switch v := r.Value.(type) {
	case regionsLoaded:
		if r.Err == nil {
			m.ref = v.ref
		}
	case applicationOpened:
		if r.Err != nil {
			m.outcome.Failed(r.Err)
			return nil
		}
		m.app, m.step, m.section, m.scroll = v.app, detailStep, sectionDetails, 0
		return tea.Batch(m.files.Load(v.app.ID, false), m.history.Load(v.app.ID))
	case applicationReviewed:
		if r.Err != nil {
			if m.step == reasonStep {
				m.outcome.FailForm(m.reason, r.Err)
			} else {
				m.outcome.Failed(r.Err)
				m.step = detailStep
			}
			return nil
		}
		m.app, m.step = v.app, detailStep
		m.reason.Clear("comment")
		msg := "已同意，该单位的其他功能已开通"
		if v.action == domain.ActionReturn {
			msg = "已退回，单位修改后可重新送审"
		}
		m.outcome = pane.Outcome{Success: msg}
		return tea.Batch(m.loadQueue(), m.history.Load(v.app.ID))
	}
	return nil
}

func (m *Review) key(k tea.KeyMsg) tea.Cmd {
	km := m.c.Keys
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	switch m.step {
	case filterStep:
		switch {
		case key.Matches(k, km.Back):
			m.step = queueStep
		case key.Matches(k, km.Submit):
			m.step = queueStep
			return m.queue.First()
		default:
			m.name.Update(k)
		}
		return nil
	case reasonStep:
		switch {
		case key.Matches(k, km.Back):
			m.step = detailStep
			m.outcome = pane.Outcome{}
		case m.reason.Update(k) == form.Submitted:
			if m.outcome.Busy || !m.outcome.Validate(m.reason) {
				return nil
			}
			m.ask.Ask("退回“"+m.app.Name+"”的单位角色申请？", func() tea.Cmd { return m.review(domain.ActionReturn) })
		}
		return nil
	case detailStep:
		return m.detailKey(k)
	}
	switch {
	case key.Matches(k, keyFilter):
		m.step = filterStep
	case key.Matches(k, keyStatus):
		m.filter = (m.filter + 1) % len(reviewFilters)
		return m.queue.First()
	case key.Matches(k, km.Reload):
		m.outcome = pane.Outcome{}
		return m.loadQueue()
	case key.Matches(k, km.Submit):
		if r, ok := m.queue.Table().Selected(); ok {
			m.outcome = pane.Outcome{}
			return m.open(r.ID)
		}
	default:
		cmd, _ := m.queue.Key(k)
		return cmd
	}
	return nil
}

func (m *Review) detailKey(k tea.KeyMsg) tea.Cmd {
	km := m.c.Keys
	if m.section == sectionFiles && m.files.Nested() {
		return m.files.Update(k, true)
	}
	submitted := m.app.Status == domain.ApplicationSubmitted
	switch {
	case key.Matches(k, km.Back):
		m.step, m.outcome = queueStep, pane.Outcome{}
	case key.Matches(k, km.NextSection), key.Matches(k, km.PrevSection):
		m.section = m.section.cycle(key.Matches(k, km.PrevSection))
	case key.Matches(k, km.Reload):
		m.outcome = pane.Outcome{}
		return m.open(m.app.ID)
	case key.Matches(k, keyApprove) && submitted:
		m.outcome = pane.Outcome{}
		m.ask.Ask("同意“"+m.app.Name+"”的单位角色申请？同意后该单位即可使用全部功能", func() tea.Cmd { return m.review(domain.ActionApprove) })
	case key.Matches(k, keyReturn) && submitted:
		m.step, m.outcome = reasonStep, pane.Outcome{}
	case m.section == sectionFiles:
		return m.files.Update(k, true)
	case m.section == sectionHistory:
		return m.history.Update(k, true)
	case key.Matches(k, km.Up):
		m.scroll--
	case key.Matches(k, km.Down):
		m.scroll++
	}
	return nil
}

func (m *Review) review(action string) tea.Cmd {
	if m.outcome.Busy {
		return nil
	}
	r := domain.ApplicationReview{Action: action, Version: m.app.Version}
	if action == domain.ActionReturn {
		r.Comment = strings.TrimSpace(m.reason.Value("comment"))
	}
	m.outcome.Start()
	id, svc := m.app.ID, m.c.Services.Applications
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		a, err := svc.ReviewApplication(ctx, id, r)
		return applicationReviewed{app: a, action: action}, err
	})
}

// SetSize fits the screen into w×h cells.
func (m *Review) SetSize(w, h int) {
	m.width, m.height = w, h
	m.name.SetWidth(w)
	m.reason.SetWidth(w)
	m.queue.Table().SetSize(w, max(h-4, 2))
	m.files.SetSize(w, m.detailHeight())
	m.history.SetSize(w, m.detailHeight())
}

// detailHeight is what a detail's section gets: all but the title, the
// tabs and two lines for the actions.
func (m *Review) detailHeight() int { return max(m.height-4, 3) }

// View is the queue, or the opened application.
func (m *Review) View() string {
	if m.step == queueStep || m.step == filterStep {
		return m.queueView()
	}
	return m.detailView()
}

func (m *Review) queueView() string {
	st := m.c.Styles
	status := "状态：" + st.Selected.Render(" "+reviewFilters[m.filter].label+" ")
	filter := m.name.Value("name")
	var top string
	if m.step == filterStep {
		top = m.name.View()
	} else {
		top = status
		if filter != "" {
			top += "  名称含：" + filter
		}
	}
	foot := st.Muted.Render(m.queue.Position())
	lines := []string{textwidth.Truncate(top, m.width, st.Ellipsis), m.queue.Table().View(), foot, m.outcome.View(m.c, m.width)}
	return textwidth.Block(strings.Join(lines, "\n"), m.width, m.height)
}

func (m *Review) detailView() string {
	st := m.c.Styles
	title := st.Heading.Render(textwidth.Truncate(m.app.Name+"  "+m.app.Status.Label(), m.width, st.Ellipsis))
	h := m.detailHeight()
	var body string
	switch m.section {
	case sectionFiles:
		body = m.files.View()
	case sectionHistory:
		body = m.history.View()
	default:
		details := applicationDetails(m.app, m.ref)
		if m.app.ReturnReason != "" {
			details = append(details, detail{"退回原因", m.app.ReturnReason})
		}
		body = scrolled(detailLines(m.c, details, m.width), &m.scroll, h)
	}
	var foot string
	switch {
	case m.ask.Asking():
		foot = m.ask.View(m.c, m.width)
	case m.step == reasonStep:
		foot = m.reason.View()
		if o := m.outcome.View(m.c, m.width); o != "" {
			foot += "\n" + o
		}
	default:
		foot = m.outcome.View(m.c, m.width)
		if foot == "" && m.app.Status == domain.ApplicationSubmitted {
			foot = st.Muted.Render("a 同意，r 退回（须填写原因）")
		}
	}
	lines := []string{title, tabs(m.c, "详情", m.section, m.files.Len(), m.width), textwidth.Block(body, m.width, h), foot}
	return textwidth.Block(strings.Join(lines, "\n"), m.width, m.height)
}

// Typing reports whether a text field has the keyboard.
func (m *Review) Typing() bool {
	if m.ask.Asking() {
		return false
	}
	return m.step == filterStep || m.step == reasonStep || (m.step == detailStep && m.section == sectionFiles && m.files.Typing())
}

// Dirty reports a return reason typed and not sent.
func (m *Review) Dirty() bool { return m.step == reasonStep && m.reason.Dirty() }

// Discards reports whether k drops the reason being typed.
func (m *Review) Discards(k tea.KeyMsg) bool {
	return !m.ask.Asking() && key.Matches(k, m.c.Keys.Back) && m.Dirty()
}

// Nested reports whether esc goes back inside the screen.
func (m *Review) Nested() bool { return m.step != queueStep || m.ask.Asking() }

// ShortHelp lists the keys of the current step.
func (m *Review) ShortHelp() []key.Binding {
	km := m.c.Keys
	if m.ask.Asking() {
		return m.ask.Help(m.c)
	}
	switch m.step {
	case filterStep:
		find := km.Submit
		find.SetHelp("enter", "查找")
		return []key.Binding{find}
	case reasonStep:
		send := km.Submit
		send.SetHelp("enter", "退回")
		return []key.Binding{send}
	case detailStep:
		var out []key.Binding
		if m.app.Status == domain.ApplicationSubmitted {
			out = append(out, keyApprove, keyReturn)
		}
		if m.section == sectionFiles {
			out = append(out, m.files.Help()...)
		}
		return append(out, km.NextSection)
	}
	open := km.Submit
	open.SetHelp("enter", "查看")
	return append([]key.Binding{open, keyStatus, keyFilter}, m.queue.Help()...)
}

// FullHelp adds the rest.
func (m *Review) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Choose, m.c.Keys.PrevSection, m.c.Keys.Reload}}
}
