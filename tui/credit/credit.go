// Package credit is 信用管理: a unit's 失信信息录入 (entries about its own
// persons: 新增 → 失信人类型 and 查询 → 录入失信信息 → 保存, then 修改 and
// 查看), its 单位失信信息查看 (what authorities recorded about the unit,
// read-only), and an authority's 单位失信信息录入 (entries about the units
// of its region). Each module is a stack of screens closed with esc.
package credit

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleEntry     = "credit.entry"
	ModuleView      = "credit.view"
	ModuleAuthority = "authority.credit"
)

// kind is which of the three modules a screen belongs to.
type kind int

const (
	unitEntries      kind = iota // 失信信息录入: the unit's entries about its persons
	aboutUnit                    // 单位失信信息查看: entries about the unit, read-only
	authorityEntries             // 单位失信信息录入: an authority's entries about units
)

// subject is whom the module's entries are about.
func (k kind) subject() domain.CreditSubject {
	if k == unitEntries {
		return domain.CreditPerson
	}
	return domain.CreditUnit
}

// Keys of screens without text fields, where letters are commands.
var (
	keyNew  = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增"))
	keyEdit = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "修改"))
	keyView = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "查看"))
)

// NewEntry builds 失信信息录入.
func NewEntry(c *common.Common) common.Component { return newModule(c, unitEntries) }

// NewView builds 单位失信信息查看.
func NewView(c *common.Common) common.Component { return newModule(c, aboutUnit) }

// NewAuthority builds the authority's 单位失信信息录入.
func NewAuthority(c *common.Common) common.Component { return newModule(c, authorityEntries) }

func newModule(c *common.Common, k kind) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newList(s, k) })
}

// state names an entry's standing today.
func state(r domain.CreditRecord) string {
	if r.Active {
		return "有效"
	}
	return "已失效"
}

// entryList is a module's entries, newest first, filtered by name.
type entryList struct {
	c       *common.Common
	st      *pane.Stack
	kind    kind
	list    *pane.List[domain.CreditRecord]
	outcome pane.Outcome
	width   int
	height  int
}

func newList(st *pane.Stack, k kind) *entryList {
	c := st.C()
	svc := c.Services.Credit
	l := &entryList{c: c, st: st, kind: k}
	cols := []table.Column{{Title: "单位名称", Width: 10, Flex: true}, {Title: "失信类型", Width: 8},
		{Title: "发生日期", Width: 10}, {Title: "状态", Width: 6}}
	empty, filter := "暂无失信信息", "单位名称"
	row := func(r domain.CreditRecord) table.Row {
		return table.Row{ID: r.ID, Cells: []string{r.UnitName, r.TypeLabel, r.OccurredDate, state(r)}}
	}
	list := svc.ListCredit
	switch k {
	case unitEntries:
		// The ID number tells namesakes apart; the date waits in 查看.
		filter, empty = "姓名", "暂无失信信息，按 n 新增"
		cols = []table.Column{{Title: "姓名", Width: 6, Flex: true}, {Title: "身份证号", Width: 18},
			{Title: "失信类型", Width: 8}, {Title: "状态", Width: 6}}
		row = func(r domain.CreditRecord) table.Row {
			return table.Row{ID: r.ID, Cells: []string{r.PersonName, r.PersonIDNumber, r.TypeLabel, state(r)}}
		}
	case aboutUnit:
		list, filter, empty = svc.ListUnitCredit, "", "主管部门未录入本单位的失信信息"
		cols = []table.Column{{Title: "录入部门", Width: 10, Flex: true}, {Title: "失信类型", Width: 8}, {Title: "状态", Width: 6}}
		row = func(r domain.CreditRecord) table.Row {
			return table.Row{ID: r.ID, Cells: []string{r.RecorderName, r.TypeLabel, state(r)}}
		}
	case authorityEntries:
		empty = "暂无失信信息，按 n 新增"
	}
	l.list = pane.NewList(c, empty, filter, cols, row,
		func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.CreditRecord], error) {
			return func(ctx context.Context) (domain.Page[domain.CreditRecord], error) {
				return list(ctx, domain.CreditFilter{Name: q, PageRequest: pr})
			}
		})
	return l
}

func (l *entryList) Init() tea.Cmd { return l.list.Load() }

// Resume reloads after an entry was recorded or changed above.
func (l *entryList) Resume() tea.Cmd { return l.list.Load() }

func (l *entryList) Update(msg tea.Msg) tea.Cmd {
	cmd, used := l.list.Update(msg)
	k, isKey := msg.(tea.KeyMsg)
	if used || !isKey {
		return cmd
	}
	sel, ok := l.list.Selected()
	switch {
	case key.Matches(k, keyNew) && l.kind != aboutUnit:
		l.outcome.Clear()
		return l.st.Push(newSubjectSearch(l.st, l.kind))
	case key.Matches(k, keyView) && ok:
		return l.st.Push(newEntryView(l.st, l.kind, sel.ID))
	case key.Matches(k, keyEdit) && ok && l.kind != aboutUnit:
		return l.st.Push(newEntryForm(l.st, l.kind, sel, subjectOf(sel)))
	case key.Matches(k, keyEdit) && ok:
		l.outcome.Failure = "单位失信信息由主管部门录入，单位只能查看"
	}
	return nil
}

func (l *entryList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.list.SetSize(w, max(h-1, 3))
}

func (l *entryList) View() string {
	return textwidth.Block(l.list.View(), l.width, max(l.height-1, 1)) + "\n" + l.outcome.View(l.c, l.width)
}

func (l *entryList) Typing() bool { return l.list.Typing() }

func (l *entryList) ShortHelp() []key.Binding {
	if l.kind == aboutUnit {
		return append([]key.Binding{keyView}, l.list.Help()...)
	}
	return append([]key.Binding{keyNew, keyEdit, keyView}, l.list.Help()...)
}

func (l *entryList) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {l.c.Keys.Up, l.c.Keys.Down, l.c.Keys.Reload}}
}

// subjectOf is whom an existing entry is about, as the form heads it.
func subjectOf(r domain.CreditRecord) chosen {
	if r.Subject == domain.CreditPerson {
		return chosen{id: r.PersonID, name: r.PersonName, detail: r.PersonIDNumber}
	}
	return chosen{id: r.UnitID, name: r.UnitName}
}

// chosen is the person or unit a new entry is about.
type chosen struct {
	id           int64
	name, detail string
}

func (s chosen) String() string {
	if s.detail == "" {
		return s.name
	}
	return s.name + "（" + s.detail + "）"
}
