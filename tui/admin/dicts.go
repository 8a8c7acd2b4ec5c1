package admin

import (
	"context"
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

// ModuleDictionaries is 字典维护's module key.
const ModuleDictionaries = "admin.dicts"

// Field keys, as the server names them in field errors.
const (
	fieldCode  = "code"
	fieldLabel = "label"
)

// Messages for what a fixed dictionary (科目类别) refuses before asking
// the server, which refuses them too.
const (
	msgFixedAdd     = "科目类别由系统规则使用，不能增删"
	msgFixedDisable = "科目类别由系统规则使用，不能停用"
)

// dictKeys are the keys of 字典维护; its lists have no text field, so
// actions are letters.
type dictKeys struct {
	Open, Add, Edit, Toggle, History key.Binding
}

func newDictKeys() dictKeys {
	return dictKeys{
		Open:    key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", "打开")),
		Add:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增")),
		Edit:    key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "修改名称")),
		Toggle:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "启用/停用")),
		History: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "历史")),
	}
}

// Dictionaries is 字典维护: the editable dictionaries, then one
// dictionary's items, which the administrator adds, renames, disables and
// enables. Items are never deleted: records keep their codes.
type Dictionaries struct {
	c       *common.Common
	id      common.ScreenID
	km      dictKeys
	dicts   []domain.Dictionary
	kinds   *table.Table
	items   *table.Table
	open    int               // index into dicts of the dictionary shown; -1 on the list of dictionaries
	form    *form.Form        // the add or rename form, nil when closed
	editing *domain.DictEntry // the item renamed; nil while adding
	trail   *history.Panel    // an item's changes
	trailOf int64             // the item shown in trail; 0 when hidden
	outcome pane.Outcome
	loading bool

	width, height int
}

type dictsLoaded struct{ list []domain.Dictionary }

type dictSaved struct {
	entry domain.DictEntry
	done  string // what to tell the operator
}

// NewDictionaries builds the module; Init loads it.
func NewDictionaries(c *common.Common) common.Component {
	m := &Dictionaries{c: c, id: c.NewID(), km: newDictKeys(), open: -1,
		trail: history.New(c, domain.EntityDictItem, func(s string) string { return s })}
	m.kinds = table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "字典", Width: 10}, table.Column{Title: "项数", Width: 8},
		table.Column{Title: "说明", Width: 16, Flex: true})
	m.items = table.New(c.Styles, c.Keys, "暂无字典项，按 n 新增",
		table.Column{Title: "代码", Width: 20}, table.Column{Title: "名称", Width: 20, Flex: true},
		table.Column{Title: "状态", Width: 6})
	m.SetSize(60, 16)
	return m
}

// Init loads the dictionaries.
func (m *Dictionaries) Init() tea.Cmd { return m.load() }

func (m *Dictionaries) load() tea.Cmd {
	m.loading = true
	svc := m.c.Services.Dictionaries
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		l, err := svc.Dictionaries(ctx)
		return dictsLoaded{list: l}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *Dictionaries) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return m.trail.Update(msg, false)
		}
		switch v := msg.Value.(type) {
		case dictsLoaded:
			m.loaded(v, msg.Err)
		case dictSaved:
			return m.saved(v, msg.Err)
		}
	}
	return nil
}

func (m *Dictionaries) handleKey(k tea.KeyMsg) tea.Cmd {
	back := m.c.Keys.Back
	switch {
	case m.trailOf != 0:
		if key.Matches(k, back) {
			m.trailOf = 0
			return nil
		}
		return m.trail.Update(k, true)
	case m.form != nil:
		switch {
		case key.Matches(k, back):
			m.form, m.editing = nil, nil
			m.outcome.Clear()
		case m.outcome.Busy:
		case m.form.Update(k) == form.Submitted:
			return m.save()
		}
		return nil
	case key.Matches(k, m.c.Keys.Reload):
		return m.load()
	case m.open < 0:
		if key.Matches(k, m.km.Open) {
			if r, ok := m.kinds.Selected(); ok && int(r.ID) <= len(m.dicts) {
				m.open = int(r.ID) - 1
				m.outcome.Clear()
				m.showItems(0)
			}
			return nil
		}
		m.kinds.Update(k)
		return nil
	}
	return m.itemKey(k)
}

// itemKey handles a key on one dictionary's items.
func (m *Dictionaries) itemKey(k tea.KeyMsg) tea.Cmd {
	d := m.dicts[m.open]
	selected, ok := m.selected()
	switch {
	case key.Matches(k, m.c.Keys.Back):
		m.open = -1
		m.outcome.Clear()
	case key.Matches(k, m.km.Add):
		if d.Fixed {
			m.outcome = pane.Outcome{Failure: msgFixedAdd}
			return nil
		}
		m.openForm(nil)
	case key.Matches(k, m.km.Edit) && ok:
		m.openForm(&selected)
	case key.Matches(k, m.km.Toggle) && ok:
		if d.Fixed {
			m.outcome = pane.Outcome{Failure: msgFixedDisable}
			return nil
		}
		return m.toggle(selected)
	case key.Matches(k, m.km.History) && ok:
		m.trailOf = selected.ID
		return m.trail.Load(selected.ID)
	default:
		m.items.Update(k)
	}
	return nil
}

func (m *Dictionaries) selected() (domain.DictEntry, bool) {
	r, ok := m.items.Selected()
	if !ok || m.open < 0 {
		return domain.DictEntry{}, false
	}
	for _, it := range m.dicts[m.open].Items {
		if it.ID == r.ID {
			return it, true
		}
	}
	return domain.DictEntry{}, false
}

func (m *Dictionaries) loaded(v dictsLoaded, err error) {
	m.loading = false
	if err != nil {
		m.kinds.SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return
	}
	m.dicts = v.list
	rows := make([]table.Row, len(v.list))
	for i, d := range v.list {
		off := 0
		for _, it := range d.Items {
			if it.Disabled {
				off++
			}
		}
		count := strconv.Itoa(len(d.Items))
		if off > 0 {
			count += "（停" + strconv.Itoa(off) + "）"
		}
		note := "可新增、改名、停用"
		if d.Fixed {
			note = "系统规则使用，仅可改名"
		}
		rows[i] = table.Row{ID: int64(i + 1), Cells: []string{d.Name, count, note}}
	}
	m.kinds.SetEmpty("没有可维护的字典")
	m.kinds.SetRows(rows)
	if m.open >= len(m.dicts) {
		m.open = -1
	}
	if m.open >= 0 {
		m.showItems(0)
	}
}

// showItems fills the items table from the open dictionary, selecting
// item id when it is not 0.
func (m *Dictionaries) showItems(id int64) {
	items := m.dicts[m.open].Items
	rows := make([]table.Row, len(items))
	for i, it := range items {
		rows[i] = table.Row{ID: it.ID, Cells: []string{it.Code, it.Label, it.State()}}
	}
	m.items.SetRows(rows)
	if id != 0 {
		m.items.Select(id)
	}
}

func (m *Dictionaries) openForm(editing *domain.DictEntry) {
	km := m.c.Keys
	label := form.Field{Key: fieldLabel, Label: "名称", Control: form.NewText(km, false, domain.DictLabelMaxLen),
		Check: func(_ *form.Form, v string) string { return domain.CheckDictLabel(strings.TrimSpace(v)) }}
	if editing != nil {
		m.form = form.New(m.c.Styles, km, 30, label)
		m.form.SetValue(fieldLabel, editing.Label)
	} else {
		code := form.Field{Key: fieldCode, Label: "代码", Control: form.NewText(km, false, domain.DictCodeMaxLen),
			Check: func(_ *form.Form, v string) string { return domain.CheckDictCode(domain.NormalizeInput(v)) }}
		m.form = form.New(m.c.Styles, km, 30, code, label)
	}
	m.form.SetWidth(m.width)
	m.editing = editing
	m.outcome.Clear()
}

func (m *Dictionaries) save() tea.Cmd {
	m.form.SetServerErrors(nil)
	if !m.form.Validate() {
		return nil
	}
	svc, kind, name := m.c.Services.Dictionaries, m.dicts[m.open].Kind, m.dicts[m.open].Name
	label := strings.TrimSpace(m.form.Value(fieldLabel))
	m.outcome.Start()
	if e := m.editing; e != nil {
		change := domain.DictItemChange{Label: label, Disabled: e.Disabled, Version: e.Version}
		return common.Call(m.id, func(ctx context.Context) (any, error) {
			out, err := svc.UpdateDictItem(ctx, kind, e.Code, change)
			return dictSaved{entry: out, done: "已将 " + e.Code + " 的名称改为「" + out.Label + "」"}, err
		})
	}
	item := domain.NewDictItem{Code: m.form.Value(fieldCode), Label: label}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		out, err := svc.AddDictItem(ctx, kind, item)
		return dictSaved{entry: out, done: "已在" + name + "中新增「" + out.Label + "」"}, err
	})
}

func (m *Dictionaries) toggle(e domain.DictEntry) tea.Cmd {
	if m.outcome.Busy {
		return nil
	}
	svc, kind := m.c.Services.Dictionaries, m.dicts[m.open].Kind
	change := domain.DictItemChange{Label: e.Label, Disabled: !e.Disabled, Version: e.Version}
	done := "已停用「" + e.Label + "」：新数据不再可选"
	if e.Disabled {
		done = "已启用「" + e.Label + "」"
	}
	m.outcome.Start()
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		out, err := svc.UpdateDictItem(ctx, kind, e.Code, change)
		return dictSaved{entry: out, done: done}, err
	})
}

// saved closes the form and shows the saved item, or keeps what was typed
// beside the server's objections. A refused toggle reloads, as the item
// may have changed meanwhile.
func (m *Dictionaries) saved(v dictSaved, err error) tea.Cmd {
	if err != nil {
		if m.form != nil {
			m.outcome.FailForm(m.form, err)
			return nil
		}
		m.outcome.Failed(err)
		return m.load()
	}
	m.form, m.editing = nil, nil
	m.outcome.Done(v.done)
	if m.open >= 0 {
		d := &m.dicts[m.open]
		replaced := false
		for i := range d.Items {
			if d.Items[i].ID == v.entry.ID {
				d.Items[i], replaced = v.entry, true
			}
		}
		if !replaced {
			d.Items = append(d.Items, v.entry)
		}
		m.showItems(v.entry.ID)
	}
	return m.load()
}

// Nested reports a screen esc should close first: a dictionary's items,
// the form or the history.
// Dirty reports an item being typed and not saved.
func (m *Dictionaries) Dirty() bool { return m.form != nil && m.form.Dirty() }

// Discards reports whether k closes the item form with its changes.
func (m *Dictionaries) Discards(k tea.KeyMsg) bool {
	return m.trailOf == 0 && key.Matches(k, m.c.Keys.Back) && m.Dirty()
}

func (m *Dictionaries) Nested() bool { return m.open >= 0 || m.form != nil || m.trailOf != 0 }

// Typing reports whether a field has the keyboard.
func (m *Dictionaries) Typing() bool { return m.form != nil }

// SetSize fits the module into w×h cells.
func (m *Dictionaries) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.form != nil {
		m.form.SetWidth(w)
	}
}

// View is the list of dictionaries, a dictionary's items, the form or an
// item's history, with the message line.
func (m *Dictionaries) View() string {
	st, w := m.c.Styles, m.width
	msg := ""
	switch {
	case m.outcome.Busy || m.outcome.Failure != "" || m.outcome.Success != "":
		msg = m.outcome.View(m.c, w)
	case m.loading:
		msg = st.Notice.Render(m.c.Busy())
	}
	heading := func(s string) string { return st.Heading.Render(textwidth.Truncate(s, w, st.Ellipsis)) }
	muted := func(s string) string { return st.Muted.Render(textwidth.Truncate(s, w, st.Ellipsis)) }
	if m.trailOf != 0 {
		m.trail.SetSize(w, max(m.height-2, 1))
		return textwidth.Block(heading(m.trailTitle())+"\n\n"+m.trail.View(), w, m.height)
	}
	if m.form != nil {
		d := m.dicts[m.open]
		title := "新增" + d.Name
		hint := "代码保存后不能修改；名称为中文，不超过50字"
		if m.editing != nil {
			title = "修改" + d.Name + "名称：" + m.editing.Code
			hint = "已有数据随之显示新名称"
		}
		body := heading(title) + "\n\n" + m.form.View() + "\n\n" + muted(hint)
		return textwidth.Block(body+"\n"+msg, w, m.height)
	}
	if m.open < 0 {
		// The frame's title already names the module.
		m.kinds.SetSize(w, max(m.height-2-lipgloss.Height(msg), 2))
		note := muted("地区按 GB/T 2260 固定，不在此维护")
		return textwidth.Block(strings.Join([]string{m.kinds.View(), note, msg}, "\n"), w, m.height)
	}
	d := m.dicts[m.open]
	note := muted("停用的项仍显示在已有数据中，新增数据时不可选")
	if d.Fixed {
		note = muted(msgFixedAdd + "，仅可修改名称")
	}
	m.items.SetSize(w, max(m.height-3-lipgloss.Height(msg), 2))
	return textwidth.Block(strings.Join([]string{heading(d.Name), m.items.View(), note, msg}, "\n"), w, m.height)
}

func (m *Dictionaries) trailTitle() string {
	for _, d := range m.dicts {
		for _, it := range d.Items {
			if it.ID == m.trailOf {
				return d.Name + "「" + it.Label + "」的修改记录"
			}
		}
	}
	return "修改记录"
}

// ShortHelp lists the keys of what is shown.
func (m *Dictionaries) ShortHelp() []key.Binding {
	switch {
	case m.trailOf != 0:
		return m.trail.Help()
	case m.form != nil:
		submit := m.c.Keys.Submit
		submit.SetHelp("enter", "下一项/保存")
		return []key.Binding{submit}
	case m.open < 0:
		return []key.Binding{m.km.Open, m.c.Keys.Reload}
	case m.dicts[m.open].Fixed:
		return []key.Binding{m.km.Edit, m.km.History, m.c.Keys.Reload}
	}
	return []key.Binding{m.km.Add, m.km.Edit, m.km.Toggle, m.km.History, m.c.Keys.Reload}
}

// FullHelp adds navigation.
func (m *Dictionaries) FullHelp() [][]key.Binding {
	if m.form != nil {
		return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
	}
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Up, m.c.Keys.Down}}
}
