package personnel

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/table"
)

// Confirm is 专业技术人员信息确认 (1.5.1): the persons who claimed the unit,
// answered 是 or 否 one by one, or ticked and confirmed together.
type Confirm struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	feed    *pane.Feed[domain.Person]
	outcome pane.Outcome
	ask     pane.Confirm // 否 and the batch are asked first

	width, height int
}

type claimDecided struct {
	person   domain.Person
	decision domain.Decision
}

type claimsDecided struct{ summary domain.AffiliationSummary }

// NewConfirm builds the module; Init loads the first page.
func NewConfirm(c *common.Common) common.Component {
	m := &Confirm{c: c, km: newKeyMap(c.Keys), id: c.NewID()}
	t := table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis, personColumns(false)...)
	t.SetCheckable(true)
	persons := c.Services.Persons
	m.feed = pane.NewFeed(m.id, t, func(p domain.Person) table.Row { return personRow(p, false, c.Styles.Flag) },
		func(page domain.PageRequest) func(context.Context) (domain.Page[domain.Person], error) {
			f := domain.PersonFilter{Status: domain.AffiliationPending, PageRequest: page}
			return func(ctx context.Context) (domain.Page[domain.Person], error) { return persons.ListPersons(ctx, f) }
		})
	m.SetSize(50, 17)
	return m
}

// personColumns are the list columns of a person; withStatus adds the
// affiliation, which the confirm list does not need (all are pending).
func personColumns(withStatus bool) []table.Column {
	cols := []table.Column{{Title: "姓名", Width: 8}, {Title: "身份证号", Width: 18}, {Title: "性别", Width: 4},
		{Title: "职称", Width: 6, Flex: true}}
	if withStatus {
		cols = append(cols, table.Column{Title: "状态", Width: 6})
	}
	return cols
}

// shortStatus is the affiliation as a unit reads it in a list.
func shortStatus(a domain.Affiliation) string {
	switch a {
	case domain.AffiliationConfirmed:
		return "已确认"
	case domain.AffiliationPending:
		return "待确认"
	}
	return a.Label()
}

func personRow(p domain.Person, withStatus bool, flag string) table.Row {
	name := p.Name
	if p.Dishonest {
		name = flag + name // a 失信 entry in force
	}
	cells := []string{name, p.IDNumber, p.Gender, p.Title}
	if withStatus {
		cells = append(cells, shortStatus(p.Status))
	}
	return table.Row{ID: p.ID, Cells: cells}
}

// Init loads the first page of claims.
func (m *Confirm) Init() tea.Cmd { return m.feed.First() }

func (m *Confirm) load() tea.Cmd { return m.feed.Reload() }

// Update handles keys and the answers to this module's calls.
func (m *Confirm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		if cmd, ok := m.feed.Result(msg); ok {
			m.loaded()
			return cmd
		}
		switch v := msg.Value.(type) {
		case claimDecided:
			return m.decided(v, msg.Err)
		case claimsDecided:
			return m.batchDone(v.summary, msg.Err)
		}
	}
	return nil
}

func (m *Confirm) handleKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	switch {
	case key.Matches(k, km.Reload):
		return m.load()
	case m.outcome.Busy:
	case key.Matches(k, km.Accept):
		return m.decide(domain.DecisionAccept)
	case key.Matches(k, km.Refuse):
		if p, ok := m.feed.Selected(); ok {
			m.ask.Ask("否："+p.Name+"（"+p.IDNumber+"）不属于本单位？其申请将退回", func() tea.Cmd { return m.decide(domain.DecisionRefuse) })
		}
	case key.Matches(k, km.Batch):
		return m.batch()
	default:
		cmd, _ := m.feed.Key(k)
		return cmd
	}
	return nil
}

// loaded notes a page's arrival or failure on the table and message line.
func (m *Confirm) loaded() {
	switch err := m.feed.Failure(); {
	case err != nil:
		m.feed.Table().SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
	case !m.feed.Loading():
		m.feed.Table().SetEmpty("没有待确认的人员")
	}
}

func (m *Confirm) decide(d domain.Decision) tea.Cmd {
	p, ok := m.feed.Selected()
	if !ok {
		return nil
	}
	m.outcome.Start()
	persons := m.c.Services.Persons
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		_, err := persons.DecideAffiliation(ctx, p.ID, domain.AffiliationDecision{Decision: d})
		return claimDecided{person: p, decision: d}, err
	})
}

func (m *Confirm) decided(v claimDecided, err error) tea.Cmd {
	if err != nil {
		m.outcome.Failed(err)
		return m.load()
	}
	if v.decision == domain.DecisionAccept {
		m.outcome.Done("已确认：" + v.person.Name + " 属于本单位")
	} else {
		m.outcome.Done("已否：" + v.person.Name + " 不属于本单位，其申请已退回")
	}
	return m.load()
}

// batch is 人员确认: 是 for every ticked row, in one request.
func (m *Confirm) batch() tea.Cmd {
	ids := m.feed.Table().Checked()
	if len(ids) == 0 {
		m.outcome = pane.Outcome{Failure: "请先用空格键勾选人员（ctrl+a 全选）"}
		return nil
	}
	m.ask.Ask("确认已勾选的 "+strconv.Itoa(len(ids))+" 人属于本单位？", func() tea.Cmd {
		m.outcome.Start()
		persons := m.c.Services.Persons
		b := domain.AffiliationBatch{IDs: ids, Decision: domain.DecisionAccept}
		return common.Call(m.id, func(ctx context.Context) (any, error) {
			s, err := persons.DecideAffiliations(ctx, b)
			return claimsDecided{summary: s}, err
		})
	})
	return nil
}

func (m *Confirm) batchDone(s domain.AffiliationSummary, err error) tea.Cmd {
	if err != nil {
		m.outcome.Failed(err)
		return nil
	}
	m.feed.Table().ClearChecks()
	m.outcome.Done(summaryText(s, m.feed.Item))
	return m.load()
}

// summaryText says what a batch changed and, by name, what it left and why.
func summaryText(s domain.AffiliationSummary, known func(int64) (domain.Person, bool)) string {
	verb := "已确认"
	if s.Decision == domain.DecisionRefuse {
		verb = "已否"
	}
	text := "人员确认完成：" + verb + " " + strconv.Itoa(len(s.Changed)) + " 人"
	if len(s.Skipped) == 0 {
		return text
	}
	parts := make([]string, 0, len(s.Skipped))
	for _, sk := range s.Skipped {
		p, _ := known(sk.ID)
		name := p.Name
		if name == "" {
			name = "编号" + strconv.FormatInt(sk.ID, 10)
		}
		parts = append(parts, name+"（"+sk.Reason+"）")
	}
	return text + "；未处理 " + strconv.Itoa(len(s.Skipped)) + " 人：" + strings.Join(parts, "、")
}

// SetSize fits the module into w×h cells: the table, the page line and
// two lines of messages.
func (m *Confirm) SetSize(w, h int) {
	m.width, m.height = w, h
	m.feed.Table().SetSize(w, max(h-3, 2))
}

// Typing is false: every key is a command here.
func (m *Confirm) Typing() bool { return false }

// Dirty reports persons ticked and not yet confirmed.
func (m *Confirm) Dirty() bool { return len(m.feed.Table().Checked()) > 0 }

// Nested keeps esc for the question.
func (m *Confirm) Nested() bool { return m.ask.Asking() }

// View is the table, the page line and the outcome.
func (m *Confirm) View() string {
	st := m.c.Styles
	ticked := ""
	if n := len(m.feed.Table().Checked()); n > 0 {
		ticked = "  已勾选 " + strconv.Itoa(n) + " 人"
	}
	foot := m.outcome.ViewRows(m.c, m.width, 2)
	if m.ask.Asking() {
		foot = pane.Paragraph(m.c, m.ask.Question()+"(y/n)", st.Confirm, m.width, 2)
	}
	return m.feed.Table().View() + "\n" + st.Muted.Render(m.feed.Position()+ticked) + "\n" + foot
}

// ShortHelp lists the module's main keys.
func (m *Confirm) ShortHelp() []key.Binding {
	if m.ask.Asking() {
		return m.ask.Help(m.c)
	}
	return []key.Binding{m.km.Accept, m.km.Refuse, table.Tick, m.km.Batch}
}

// FullHelp adds ticking all, paging and reloading.
func (m *Confirm) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.km.Accept, m.km.Refuse, table.Tick, table.TickAll, m.km.Batch},
		{m.km.Up, m.km.Down, pane.KeyPrevPage, pane.KeyNextPage, m.km.Reload},
	}
}
