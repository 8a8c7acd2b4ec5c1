package personnel

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// mode is which of a module's screens shows.
type mode int

const (
	listMode mode = iota
	filterMode
	formMode
	detailMode
)

// Maintain is 专业技术人员信息维护 (1.5.2): the unit's persons, paged and
// filtered on the server, with 新增, 修改 and 详情.
type Maintain struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	mode    mode
	feed    *pane.Feed[domain.Person]
	filter  domain.PersonFilter
	filters *form.Form
	ref     domain.Reference
	edit    *personForm
	detail  domain.Person
	outcome pane.Outcome

	width, height int
}

type personSaved struct {
	person domain.Person
	added  bool
}

// NewMaintain builds the module; Init loads the dictionaries and the first
// page.
func NewMaintain(c *common.Common) common.Component {
	m := &Maintain{c: c, km: newKeyMap(c.Keys), id: c.NewID()}
	persons := c.Services.Persons
	m.feed = pane.NewFeed(m.id, table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis, personColumns(true)...),
		func(p domain.Person) table.Row { return personRow(p, true, c.Styles.Flag) },
		func(page domain.PageRequest) func(context.Context) (domain.Page[domain.Person], error) {
			f := m.filter
			f.PageRequest = page
			return func(ctx context.Context) (domain.Page[domain.Person], error) { return persons.ListPersons(ctx, f) }
		})
	m.SetSize(50, 17)
	return m
}

// Init loads the dictionaries (for the pickers and labels) and the list.
func (m *Maintain) Init() tea.Cmd {
	return tea.Batch(m.feed.First(), m.c.LoadReference(m.id))
}

// Update handles keys and the answers to this module's calls.
func (m *Maintain) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch m.mode {
		case filterMode:
			return m.filterKey(msg)
		case formMode:
			return m.formKey(msg)
		case detailMode:
			return m.detailKey(msg)
		}
		return m.listKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		if cmd, ok := m.feed.Result(msg); ok {
			m.loaded()
			return cmd
		}
		switch v := msg.Value.(type) {
		case common.ReferenceLoaded:
			if msg.Err == nil {
				m.ref = v.Ref
				if m.mode == formMode {
					m.edit.setReference(v.Ref)
				}
			}
		case personSaved:
			return m.saved(v, msg.Err)
		}
	}
	return nil
}

func (m *Maintain) listKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	switch {
	case key.Matches(k, km.Reload):
		return m.feed.Reload()
	case key.Matches(k, km.Filter):
		m.openFilter()
	case key.Matches(k, km.Add):
		return m.openForm(nil)
	case key.Matches(k, km.Edit):
		if p, ok := m.selected(); ok {
			return m.editPerson(p)
		}
	case key.Matches(k, km.Detail):
		if p, ok := m.selected(); ok {
			m.detail, m.mode = p, detailMode
		}
	default:
		cmd, _ := m.feed.Key(k)
		return cmd
	}
	return nil
}

func (m *Maintain) selected() (domain.Person, bool) { return m.feed.Selected() }

// editPerson opens 修改, which only a confirmed member has.
func (m *Maintain) editPerson(p domain.Person) tea.Cmd {
	if p.Status != domain.AffiliationConfirmed {
		m.mode = listMode
		m.outcome = pane.Outcome{Failure: p.Name + " 尚未确认，请先在“专业技术人员信息确认”中确认"}
		return nil
	}
	return m.openForm(&p)
}

// openForm opens the person form and reloads the dictionaries, which the
// administrator may have changed since the module opened.
func (m *Maintain) openForm(p *domain.Person) tea.Cmd {
	m.edit = newPersonForm(m.c, m.ref, p)
	m.edit.form.SetWidth(m.width)
	m.mode, m.outcome = formMode, pane.Outcome{}
	return m.c.LoadReference(m.id)
}

func (m *Maintain) formKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode, m.outcome = listMode, pane.Outcome{}
		return nil
	case key.Matches(k, m.km.Save):
		return m.save()
	}
	if m.edit.form.Update(k) == form.Submitted {
		return m.save()
	}
	return nil
}

func (m *Maintain) save() tea.Cmd {
	if m.outcome.Busy {
		return nil
	}
	if !m.outcome.Validate(m.edit.form) {
		return nil
	}
	m.outcome.Start()
	in, editing, persons := m.edit.input(), m.edit.editing, m.c.Services.Persons
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		if editing == nil {
			p, err := persons.AddPerson(ctx, in)
			return personSaved{person: p, added: true}, err
		}
		p, err := persons.UpdatePerson(ctx, editing.ID, in)
		return personSaved{person: p}, err
	})
}

// saved returns to the list on success; a refusal keeps what was typed,
// with each field's message at the field.
func (m *Maintain) saved(v personSaved, err error) tea.Cmd {
	if m.mode != formMode {
		return nil
	}
	if err != nil {
		m.outcome.FailForm(m.edit.form, err)
		return nil
	}
	p := v.person
	text := "已保存：" + p.Name
	if v.added {
		text = "已新增：" + p.Name + "（" + p.Gender + "，" + p.BirthDate + "）"
	}
	switch {
	case p.Notice != "":
		// The ID number was held by a self-registered account: say what
		// became of it (kept, or voided as a squatter's).
		text += "；" + p.Notice
		if p.HasAccount && m.edit.form.Value(fieldAccount) != "" && strings.Contains(p.Notice, "停用") {
			text += "；已开通登录账号 " + p.IDNumber + "，首次登录须修改密码"
		}
	case p.HasAccount && m.edit.form.Value(fieldAccount) != "":
		text += "，已开通登录账号 " + p.IDNumber + "，首次登录须修改密码"
	case v.added:
		text += "，已属于本单位"
	}
	m.outcome.Done(text)
	m.mode = listMode
	m.feed.SelectOnArrival(p.ID)
	if v.added {
		return m.feed.First()
	}
	return m.feed.Reload()
}

// loaded notes a page's arrival or failure on the table and message line.
func (m *Maintain) loaded() {
	switch err := m.feed.Failure(); {
	case err != nil:
		m.feed.Table().SetEmpty("加载失败，按 ctrl+r 重试")
		if !m.outcome.Busy {
			m.outcome.Failed(err)
		}
	case !m.feed.Loading():
		m.feed.Table().SetEmpty("没有符合条件的人员")
	}
}

// Filter field keys.
const (
	filterName   = "name"
	filterID     = "id_number"
	filterTitle  = "title"
	filterStatus = "status"
)

func (m *Maintain) openFilter() {
	st, km := m.c.Styles, m.c.Keys
	status := form.NewPicker(st, km, 3, "")
	status.SetOptions([]form.Option{{Value: "", Label: "全部"},
		{Value: string(domain.AffiliationConfirmed), Label: "已确认"}, {Value: string(domain.AffiliationPending), Label: "待确认"}})
	m.filters = form.New(st, km, 20,
		form.Field{Key: filterName, Label: "姓名", Control: form.NewText(km, false, 50)},
		form.Field{Key: filterID, Label: "身份证号", Control: form.NewText(km, false, 18)},
		form.Field{Key: filterTitle, Label: "职称", Control: form.NewText(km, false, 50)},
		form.Field{Key: filterStatus, Label: "状态", Control: status, Width: 30},
	)
	m.filters.SetValue(filterName, m.filter.Name)
	m.filters.SetValue(filterID, m.filter.IDNumber)
	m.filters.SetValue(filterTitle, m.filter.Title)
	m.filters.SetValue(filterStatus, string(m.filter.Status))
	m.filters.SetWidth(m.width)
	m.mode = filterMode
}

func (m *Maintain) filterKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode = listMode
		return nil
	case key.Matches(k, m.km.Save):
		return m.applyFilter()
	}
	if m.filters.Update(k) == form.Submitted {
		return m.applyFilter()
	}
	return nil
}

func (m *Maintain) applyFilter() tea.Cmd {
	f := m.filters
	m.filter = domain.PersonFilter{Name: strings.TrimSpace(f.Value(filterName)), IDNumber: strings.TrimSpace(f.Value(filterID)),
		Title: strings.TrimSpace(f.Value(filterTitle)), Status: domain.Affiliation(f.Value(filterStatus))}
	m.mode, m.outcome = listMode, pane.Outcome{}
	return m.feed.First()
}

// filterText sums the filter up on one line.
func (m *Maintain) filterText() string {
	var parts []string
	for _, p := range [][2]string{{"姓名", m.filter.Name}, {"身份证号", m.filter.IDNumber}, {"职称", m.filter.Title},
		{"状态", shortStatus(m.filter.Status)}} {
		if p[1] != "" {
			parts = append(parts, p[0]+"="+p[1])
		}
	}
	if len(parts) == 0 {
		return "全部人员（按 / 筛选）"
	}
	return "筛选：" + strings.Join(parts, " ")
}

func (m *Maintain) detailKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode = listMode
	case key.Matches(k, m.km.Edit):
		return m.editPerson(m.detail)
	}
	return nil
}

// detailView is the person's record, label beside value.
func (m *Maintain) detailView() string {
	p, ref := m.detail, m.ref
	account := "未开通"
	if p.HasAccount {
		account = "已开通（登录名为身份证号）"
	}
	level := ""
	if p.TitleLevel != "" {
		level = "（" + common.DictLabel(ref, domain.DictTitleLevel, p.TitleLevel) + "）"
	}
	rows := [][2]string{
		{"姓名", p.Name}, {"身份证号", p.IDNumber}, {"性别", p.Gender + "    出生日期：" + p.BirthDate},
		{"民族", p.Ethnicity}, {"学历", common.DictLabel(ref, domain.DictEducation, p.Education) + "    学位：" + p.Degree},
		{"所学专业", p.Specialty}, {"职称", p.Title + level}, {"岗位", p.Post},
		{"手机号码", p.Mobile}, {"电子邮箱", p.Email}, {"状态", shortStatus(p.Status)}, {"登录账号", account},
	}
	return labelled(m.c, rows, m.width)
}

// labelled lays label：value rows out with the labels aligned.
func labelled(c *common.Common, rows [][2]string, w int) string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, textwidth.Width(r[0]))
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		label := c.Styles.Label.Render(textwidth.PadLeft(r[0], lw) + "：")
		lines[i] = label + textwidth.Truncate(r[1], max(w-lw-2, 1), c.Styles.Ellipsis)
	}
	return strings.Join(lines, "\n")
}

// SetSize fits the module into w×h cells.
func (m *Maintain) SetSize(w, h int) {
	m.width, m.height = w, h
	m.feed.Table().SetSize(w, max(h-4, 2))
	if m.edit != nil {
		m.edit.form.SetWidth(w)
	}
	if m.filters != nil {
		m.filters.SetWidth(w)
	}
}

// Typing is true while a form has the keyboard.
func (m *Maintain) Typing() bool { return m.mode == filterMode || m.mode == formMode }

// Nested keeps esc inside the module while a form or a record shows.
// Dirty reports a person being typed and not saved.
func (m *Maintain) Dirty() bool { return m.mode == formMode && m.edit.form.Dirty() }

// Discards reports whether k closes the person form with its changes.
func (m *Maintain) Discards(k tea.KeyMsg) bool { return key.Matches(k, m.km.Back) && m.Dirty() }

func (m *Maintain) Nested() bool { return m.mode != listMode }

// View draws the current screen of the module in exactly its size.
func (m *Maintain) View() string {
	st, w, h := m.c.Styles, m.width, m.height
	var body string
	switch m.mode {
	case filterMode:
		body = st.Heading.Render("筛选条件") + "\n" + m.filters.View()
	case formMode:
		head := st.Heading.Render(textwidth.Truncate(m.edit.title(), w, st.Ellipsis))
		body = head + "\n" + m.edit.win.view(st, m.edit.form.View(), max(h-3, 1)) + "\n" + m.outcome.ViewRows(m.c, w, 2)
		return textwidth.Block(body, w, h)
	case detailMode:
		body = m.detailView()
	default:
		top := st.Muted.Render(textwidth.Truncate(m.filterText(), w, st.Ellipsis))
		body = top + "\n" + m.feed.Table().View() + "\n" + st.Muted.Render(m.feed.Position()) + "\n" + m.outcome.ViewRows(m.c, w, 2)
	}
	return textwidth.Block(body, w, h)
}

// ShortHelp lists the keys of the current screen.
func (m *Maintain) ShortHelp() []key.Binding {
	km := m.km
	switch m.mode {
	case filterMode:
		return []key.Binding{withHelp(km.Submit, "enter", "下一项/查询"), km.Choose}
	case formMode:
		return []key.Binding{km.Save, km.Next, km.Choose}
	case detailMode:
		return []key.Binding{km.Edit}
	}
	return []key.Binding{km.Add, km.Edit, km.Detail, km.Filter}
}

// FullHelp adds navigation, paging and reloading.
func (m *Maintain) FullHelp() [][]key.Binding {
	km := m.km
	if m.mode == listMode {
		return [][]key.Binding{m.ShortHelp(), {km.Up, km.Down, pane.KeyPrevPage, pane.KeyNextPage, km.Reload}}
	}
	return [][]key.Binding{m.ShortHelp(), {km.Next, km.Prev, withHelp(km.Back, "esc", "返回列表")}}
}

// withHelp is b with another help text.
func withHelp(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}
