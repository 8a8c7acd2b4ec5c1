package credit

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

var keyChoose = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "录入失信信息"))

// subjectSearch is 新增's first steps: the 失信人类型 (a unit records its
// own persons, an authority the units of its region), 查询, and the choice
// of whom to record, which opens 录入失信信息.
type subjectSearch struct {
	c      *common.Common
	st     *pane.Stack
	kind   kind
	people *pane.List[domain.Person]
	units  *pane.List[domain.UnitBrief]
	width  int
	height int
}

func newSubjectSearch(st *pane.Stack, k kind) *subjectSearch {
	c := st.C()
	s := &subjectSearch{c: c, st: st, kind: k}
	if k == unitEntries {
		persons := c.Services.Persons
		flag := c.Styles.Flag
		s.people = pane.NewList(c, "没有符合条件的已确认人员", "查询", []table.Column{
			{Title: "姓名", Width: 8, Flex: true}, {Title: "身份证号", Width: 18}, {Title: "职称", Width: 10},
		}, func(p domain.Person) table.Row {
			name := p.Name
			if p.Dishonest {
				name = flag + name
			}
			return table.Row{ID: p.ID, Cells: []string{name, p.IDNumber, p.Title}}
		}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Person], error) {
			// Digits search the ID number, anything else the name.
			f := domain.PersonFilter{Status: domain.AffiliationConfirmed, PageRequest: pr}
			if q != "" && strings.Trim(q, "0123456789Xx") == "" {
				f.IDNumber = q
			} else {
				f.Name = q
			}
			return func(ctx context.Context) (domain.Page[domain.Person], error) { return persons.ListPersons(ctx, f) }
		})
		s.people.StartInFilter()
		return s
	}
	credit := c.Services.Credit
	s.units = pane.NewList(c, "本辖区没有符合条件的单位", "查询", []table.Column{
		{Title: "单位名称", Width: 10, Flex: true}, {Title: "统一社会信用代码", Width: 18}, {Title: "地区", Width: 6},
	}, func(u domain.UnitBrief) table.Row {
		return table.Row{ID: u.ID, Cells: []string{u.Name, u.USCC, u.RegionName}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.UnitBrief], error) {
		return func(ctx context.Context) (domain.Page[domain.UnitBrief], error) {
			return credit.CreditUnits(ctx, domain.UnitSearch{Query: q, PageRequest: pr})
		}
	})
	s.units.StartInFilter()
	return s
}

func (s *subjectSearch) Init() tea.Cmd {
	if s.people != nil {
		return s.people.Load()
	}
	return s.units.Load()
}

func (s *subjectSearch) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	var used bool
	if s.people != nil {
		cmd, used = s.people.Update(msg)
	} else {
		cmd, used = s.units.Update(msg)
	}
	k, isKey := msg.(tea.KeyMsg)
	if used || !isKey || !key.Matches(k, keyChoose) {
		return cmd
	}
	if s.people != nil {
		if p, ok := s.people.Selected(); ok {
			return s.st.Replace(newEntryForm(s.st, s.kind, domain.CreditRecord{}, chosen{id: p.ID, name: p.Name, detail: p.IDNumber}))
		}
		return nil
	}
	if u, ok := s.units.Selected(); ok {
		return s.st.Replace(newEntryForm(s.st, s.kind, domain.CreditRecord{}, chosen{id: u.ID, name: u.Name, detail: u.USCC}))
	}
	return nil
}

func (s *subjectSearch) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.people != nil {
		s.people.SetSize(w, max(h-2, 3))
	} else {
		s.units.SetSize(w, max(h-2, 3))
	}
}

func (s *subjectSearch) View() string {
	st := s.c.Styles
	head := st.Heading.Render("新增失信信息") + "  " + st.Label.Render("失信人类型：") + s.kind.subject().Label()
	hint := "在“查询”输入姓名或身份证号，enter 查询；选中人员后 enter 录入"
	body := ""
	if s.people != nil {
		body = s.people.View()
	} else {
		hint = "在“查询”输入单位名称或信用代码，enter 查询；选中单位后 enter 录入"
		body = s.units.View()
	}
	return textwidth.Block(textwidth.Truncate(head, s.width, st.Ellipsis)+"\n"+
		st.Muted.Render(textwidth.Truncate(hint, s.width, st.Ellipsis))+"\n"+body, s.width, s.height)
}

func (s *subjectSearch) Typing() bool {
	if s.people != nil {
		return s.people.Typing()
	}
	return s.units.Typing()
}

func (s *subjectSearch) ShortHelp() []key.Binding {
	if s.people != nil {
		return append([]key.Binding{keyChoose}, s.people.Help()...)
	}
	return append([]key.Binding{keyChoose}, s.units.Help()...)
}

func (s *subjectSearch) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.c.Keys.Up, s.c.Keys.Down}}
}
