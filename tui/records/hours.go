package records

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
	"jxjy/tui/textwidth"
)

// Hours is 我的学时: the person's hours per year by category, counted from
// effective records only, beside the year's requirement; under it, every
// record of the chosen year with its status.
type Hours struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	years   []domain.YearHours
	yearTab *table.Table
	records *pane.Feed[domain.Record]
	onYears bool // the years table has the keyboard
	ref     domain.Reference
	detail  *detail
	outcome pane.Outcome

	width, height int
}

type hoursLoaded struct{ years []domain.YearHours }

// NewHours builds the module; Init loads the totals.
func NewHours(c *common.Common) common.Component {
	m := &Hours{c: c, km: newKeyMap(c.Keys), id: c.NewID(), onYears: true}
	m.yearTab = table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "年度", Width: 4}, table.Column{Title: "公需", Width: 5}, table.Column{Title: "专业", Width: 5},
		table.Column{Title: "选修", Width: 5}, table.Column{Title: "合计", Width: 5}, table.Column{Title: "要求", Width: 8, Flex: true})
	recTab := table.New(c.Styles, c.Keys, "该年度暂无记录",
		table.Column{Title: "培训内容", Width: 8, Flex: true}, table.Column{Title: "类别", Width: 8},
		table.Column{Title: "学时", Width: 4}, table.Column{Title: "状态", Width: 12})
	recTab.Blur()
	svc := c.Services.Records
	m.records = pane.NewFeed(m.id, recTab, func(r domain.Record) table.Row {
		return table.Row{ID: r.ID, Cells: []string{r.Title, categoryLabel(r.Category), r.Hours.String(), r.Status.Label()}}
	}, func(page domain.PageRequest) func(context.Context) (domain.Page[domain.Record], error) {
		f := domain.RecordFilter{Year: m.year(), PageRequest: page}
		return func(ctx context.Context) (domain.Page[domain.Record], error) { return svc.ListRecords(ctx, f) }
	})
	m.SetSize(58, 17)
	return m
}

// Init loads the totals and the dictionaries.
func (m *Hours) Init() tea.Cmd {
	svc := m.c.Services.Records
	return tea.Batch(
		common.Call(m.id, func(ctx context.Context) (any, error) {
			y, err := svc.MyHours(ctx)
			return hoursLoaded{years: y}, err
		}),
		m.c.LoadReference(m.id))
}

func (m *Hours) year() int {
	if row, ok := m.yearTab.Selected(); ok {
		return int(row.ID)
	}
	return 0
}

// loadRecords shows the chosen year's records from the first.
func (m *Hours) loadRecords() tea.Cmd {
	if m.year() == 0 {
		return nil
	}
	return m.records.First()
}

// Update handles keys and the answers to this module's calls.
func (m *Hours) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To == m.id {
			return m.answer(msg)
		}
	}
	if m.detail != nil {
		cmd, _ := m.detail.update(msg)
		return cmd
	}
	return nil
}

func (m *Hours) answer(msg common.Result) tea.Cmd {
	if cmd, ok := m.records.Result(msg); ok {
		if err := m.records.Failure(); err != nil {
			m.outcome.Failed(err)
		}
		return cmd
	}
	switch v := msg.Value.(type) {
	case common.ReferenceLoaded:
		if msg.Err == nil {
			m.ref = v.Ref
		}
	case hoursLoaded:
		if msg.Err != nil {
			m.yearTab.SetEmpty("加载失败，按 ctrl+r 重试")
			m.outcome.Failed(msg.Err)
			return nil
		}
		m.years = v.years
		rows := make([]table.Row, len(v.years))
		for i, y := range v.years {
			met := "已达标"
			if !y.Met() {
				met = "未达标"
			}
			rows[i] = table.Row{ID: int64(y.Year), Cells: []string{strconv.Itoa(y.Year), y.Public.String(),
				y.Professional.String(), y.Elective.String(), y.Total.String(), met}}
		}
		m.yearTab.SetRows(rows)
		return m.loadRecords()
	}
	return nil
}

func (m *Hours) handleKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	if m.detail != nil {
		if key.Matches(k, km.Back) && !m.detail.nested() {
			m.detail = nil
			return nil
		}
		cmd, _ := m.detail.update(k)
		return cmd
	}
	switch {
	case key.Matches(k, km.Reload):
		return m.Init()
	case key.Matches(k, km.Switch):
		m.onYears = !m.onYears
		if m.onYears {
			m.yearTab.Focus()
			m.records.Table().Blur()
		} else {
			m.yearTab.Blur()
			m.records.Table().Focus()
		}
	case !m.onYears && key.Matches(k, km.Detail):
		if r, ok := m.records.Selected(); ok {
			m.detail = newDetail(m.c, m.ref, func(domain.Record) []key.Binding { return nil })
			m.detail.setSize(m.width, max(m.height-2, 4))
			return m.detail.show(r, false)
		}
	case m.onYears:
		before := m.year()
		m.yearTab.Update(k)
		if m.year() != before {
			return m.loadRecords()
		}
	default:
		cmd, _ := m.records.Key(k)
		return cmd
	}
	return nil
}

// SetSize fits the module into w×h cells: the years take up to five
// lines, the records the rest.
func (m *Hours) SetSize(w, h int) {
	m.width, m.height = w, h
	m.yearTab.SetSize(w, 5)
	m.records.Table().SetSize(w, max(h-11, 2))
	if m.detail != nil {
		m.detail.setSize(w, max(h-2, 4))
	}
}

// Nested reports whether a record is open.
func (m *Hours) Nested() bool { return m.detail != nil }

// Typing reports whether a text field has the keyboard.
func (m *Hours) Typing() bool { return m.detail != nil && m.detail.typing() }

// shortLabels name the parts of a requirement in the compact line.
var shortLabels = map[string]string{
	domain.CategoryPublic: "公需", domain.CategoryProfessional: "专业", domain.ShortfallTotal: "总",
}

// requirementLine spells out the chosen year's requirement and what each
// part still lacks, counted as the certificate refusal counts it; when the
// module is too narrow for both, the shortfall alone.
func (m *Hours) requirementLine() string {
	for _, y := range m.years {
		if y.Year != m.year() {
			continue
		}
		year := strconv.Itoa(y.Year) + "年度"
		need := "要求 总" + y.RequiredTotal.String() + " 公需" + y.RequiredPublic.String() +
			" 专业" + y.RequiredProfessional.String()
		short := y.Shortfalls()
		if len(short) == 0 {
			return year + need + "；已达标"
		}
		parts := make([]string, len(short))
		for i, s := range short {
			parts[i] = shortLabels[s.Category] + s.Missing.String()
		}
		lack := "还差 " + strings.Join(parts, " ")
		if full := year + need + "；" + lack; textwidth.Width(full) <= m.width {
			return full
		}
		return year + lack
	}
	return ""
}

// View is the totals, the requirement and the year's records.
func (m *Hours) View() string {
	st := m.c.Styles
	if m.detail != nil {
		return textwidth.Block(m.detail.view(), m.width, m.height-2) + "\n" +
			textwidth.Block(m.outcome.ViewRows(m.c, m.width, 2), m.width, 2)
	}
	line := func(s string) string { return textwidth.Block(textwidth.Truncate(s, m.width, st.Ellipsis), m.width, 1) }
	recHead := "本年度记录（各状态；只有已生效的计入学时）"
	if y := m.year(); y != 0 {
		recHead = strconv.Itoa(y) + "年度记录（只有已生效的计入学时）"
	}
	return line(st.Heading.Render("各年度学时")) + "\n" +
		m.yearTab.View() + "\n" +
		line(st.Muted.Render(m.requirementLine())) + "\n" +
		line(st.Heading.Render(recHead)) + "\n" +
		m.records.Table().View() + "\n" +
		line(st.Muted.Render(m.records.Position())) + "\n" +
		textwidth.Block(m.outcome.ViewRows(m.c, m.width, 2), m.width, 2)
}

// ShortHelp lists the keys of the open part.
func (m *Hours) ShortHelp() []key.Binding {
	if m.detail != nil {
		return m.detail.help()
	}
	if m.onYears {
		return []key.Binding{m.km.Choose, m.km.Switch}
	}
	return append([]key.Binding{m.km.Detail, m.km.Switch}, m.records.Help()...)
}

// FullHelp adds paging and reloading.
func (m *Hours) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {pane.KeyPrevPage, pane.KeyNextPage, m.km.Reload}}
}
