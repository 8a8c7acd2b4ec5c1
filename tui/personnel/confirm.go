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
	table   *table.Table
	pager   pane.Pager
	items   map[int64]domain.Person
	seq     int // the latest page request; older answers are dropped
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
	m := &Confirm{c: c, km: newKeyMap(c.Keys), id: c.NewID(), pager: pane.NewPager(), items: map[int64]domain.Person{}}
	m.table = table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis, personColumns(false)...)
	m.table.SetCheckable(true)
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
func (m *Confirm) Init() tea.Cmd { return m.load() }

func (m *Confirm) load() tea.Cmd {
	m.seq++
	seq, persons := m.seq, m.c.Services.Persons
	f := domain.PersonFilter{Status: domain.AffiliationPending, PageRequest: m.pager.Request()}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		p, err := persons.ListPersons(ctx, f)
		return personsLoaded{seq: seq, page: p}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *Confirm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case personsLoaded:
			return m.loaded(v, msg.Err)
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
	case key.Matches(k, km.PrevPage):
		if m.pager.Prev() {
			return m.load()
		}
	case key.Matches(k, km.NextPage):
		if m.pager.Next() {
			return m.load()
		}
	case m.outcome.Busy:
	case key.Matches(k, km.Accept):
		return m.decide(domain.DecisionAccept)
	case key.Matches(k, km.Refuse):
		if row, ok := m.table.Selected(); ok {
			p := m.items[row.ID]
			m.ask.Ask("否："+p.Name+"（"+p.IDNumber+"）不属于本单位？其申请将退回", func() tea.Cmd { return m.decide(domain.DecisionRefuse) })
		}
	case key.Matches(k, km.Batch):
		return m.batch()
	default:
		m.table.Update(k)
	}
	return nil
}

func (m *Confirm) loaded(v personsLoaded, err error) tea.Cmd {
	if v.seq != m.seq {
		return nil
	}
	if err != nil {
		m.table.SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return nil
	}
	if m.pager.Received(v.page.Total, len(v.page.Items), v.page.Next) {
		return m.load()
	}
	m.items = map[int64]domain.Person{}
	rows := make([]table.Row, 0, len(v.page.Items))
	for _, p := range v.page.Items {
		m.items[p.ID] = p
		rows = append(rows, personRow(p, false, m.c.Styles.Flag))
	}
	m.table.SetEmpty("没有待确认的人员")
	m.table.SetRows(rows)
	return nil
}

func (m *Confirm) decide(d domain.Decision) tea.Cmd {
	row, ok := m.table.Selected()
	if !ok {
		return nil
	}
	p := m.items[row.ID]
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
	ids := m.table.Checked()
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
	m.table.ClearChecks()
	m.outcome.Done(summaryText(s, m.items))
	return m.load()
}

// summaryText says what a batch changed and, by name, what it left and why.
func summaryText(s domain.AffiliationSummary, known map[int64]domain.Person) string {
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
		name := known[sk.ID].Name
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
	m.table.SetSize(w, max(h-3, 2))
}

// Typing is false: every key is a command here.
func (m *Confirm) Typing() bool { return false }

// Dirty reports persons ticked and not yet confirmed.
func (m *Confirm) Dirty() bool { return len(m.table.Checked()) > 0 }

// Nested keeps esc for the question.
func (m *Confirm) Nested() bool { return m.ask.Asking() }

// View is the table, the page line and the outcome.
func (m *Confirm) View() string {
	st := m.c.Styles
	ticked := ""
	if n := len(m.table.Checked()); n > 0 {
		ticked = "  已勾选 " + strconv.Itoa(n) + " 人"
	}
	foot := m.outcome.ViewRows(m.c, m.width, 2)
	if m.ask.Asking() {
		foot = pane.Paragraph(m.c, m.ask.Question()+"(y/n)", st.Confirm, m.width, 2)
	}
	return m.table.View() + "\n" + st.Muted.Render(m.pager.View()+ticked) + "\n" + foot
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
		{m.km.Up, m.km.Down, m.km.PrevPage, m.km.NextPage, m.km.Reload},
	}
}
