package query

import (
	"context"
	"strconv"
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

// recordList is 继续教育培训记录查询: the effective records of the unit's
// persons under the 查询 screen's filters, a person with a 失信 entry in
// force marked; 导出 writes every matching record, 统计 opens the unit's
// summary.
type recordList struct {
	c      *common.Common
	st     *pane.Stack
	list   *pane.List[domain.QueryRecord]
	query  domain.RecordQuery
	width  int
	height int
}

func newRecordList(st *pane.Stack) *recordList {
	l := &recordList{c: st.C(), st: st}
	l.list = l.newList()
	return l
}

// newList is a list of the records under the current query, from its
// first page.
func (l *recordList) newList() *pane.List[domain.QueryRecord] {
	svc, q, flag := l.c.Services.Queries, l.query, l.c.Styles.Flag
	list := pane.NewList(l.c, "没有符合条件的培训记录", "", []table.Column{
		{Title: "姓名", Width: 8}, {Title: "培训内容", Width: 8, Flex: true}, {Title: "类别", Width: 8},
		{Title: "学时", Width: 4}, {Title: "结束日期", Width: 10},
	}, func(r domain.QueryRecord) table.Row {
		name := r.PersonName
		if r.Dishonest {
			name = flag + name
		}
		return table.Row{ID: r.ID, Cells: []string{name, r.Title, r.CategoryLabel, r.Hours.String(), r.EndDate}}
	}, func(_ string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.QueryRecord], error) {
		page := q
		page.PageRequest = pr
		return func(ctx context.Context) (domain.Page[domain.QueryRecord], error) { return svc.QueryRecords(ctx, page) }
	})
	list.SetSize(l.width, max(l.height-1, 3))
	return list
}

func (l *recordList) Init() tea.Cmd { return l.list.Load() }

func (l *recordList) Update(msg tea.Msg) tea.Cmd {
	cmd, used := l.list.Update(msg)
	k, isKey := msg.(tea.KeyMsg)
	if used || !isKey {
		return cmd
	}
	switch {
	case key.Matches(k, keyFilter):
		return l.st.Push(newRecordFilter(l.st, l))
	case key.Matches(k, keyView):
		if r, ok := l.list.Selected(); ok {
			return l.st.Push(newRecordDetail(l.st, r))
		}
	case key.Matches(k, keyExport):
		return l.st.Push(newExport(l.st, l.query, l.filterLine()))
	case key.Matches(k, keyStats):
		return l.st.Push(newStatsView(l.st))
	}
	return nil
}

// apply is the filter screen's answer: list again from the first page.
func (l *recordList) apply(q domain.RecordQuery) tea.Cmd {
	l.query = q
	l.list = l.newList()
	return tea.Batch(l.st.Pop(), l.list.Load())
}

// filterLine sums the query up on one line.
func (l *recordList) filterLine() string {
	q := l.query
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+"="+v)
		}
	}
	add("姓名", q.Name)
	add("身份证号", q.IDNumber)
	if q.Year != 0 {
		add("年度", strconv.Itoa(q.Year))
	}
	add("类别", categoryLabel(q.Category))
	if q.Source != "" {
		add("来源", q.Source.Label())
	}
	add("从", q.From)
	add("至", q.To)
	if len(parts) == 0 {
		return "全部有效记录（按 / 设置查询条件）"
	}
	return "查询：" + strings.Join(parts, " ")
}

func (l *recordList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.list.SetSize(w, max(h-1, 3))
}

func (l *recordList) View() string {
	st := l.c.Styles
	return textwidth.Block(st.Muted.Render(textwidth.Truncate(l.filterLine(), l.width, st.Ellipsis))+"\n"+l.list.View(), l.width, l.height)
}

func (l *recordList) Typing() bool { return false }

func (l *recordList) ShortHelp() []key.Binding {
	return append([]key.Binding{keyFilter, keyView, keyExport, keyStats}, l.list.Help()...)
}

func (l *recordList) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {l.c.Keys.Up, l.c.Keys.Down, l.c.Keys.Reload}}
}

// categories are the record categories with their names; the query screen
// and the filter line need them before any reference data arrives.
var categories = []form.Option{
	{Value: domain.CategoryPublic, Label: "公需科目"},
	{Value: domain.CategoryProfessional, Label: "专业科目"},
	{Value: domain.CategoryElective, Label: "选修科目"},
}

func categoryLabel(code string) string {
	for _, o := range categories {
		if o.Value == code {
			return o.Label
		}
	}
	return code
}

// Field keys of the record query, as the server's field errors name them.
const (
	fieldName     = "name"
	fieldIDNumber = "id_number"
	fieldYear     = "year"
	fieldCategory = "category"
	fieldSource   = "source"
	fieldFrom     = "from"
	fieldTo       = "to"
)

// recordFilter is 查询's conditions (SPEC §5.9).
type recordFilter struct {
	c      *common.Common
	parent *recordList
	form   *form.Form
	width  int
	height int
}

func optionalDate(_ *form.Form, v string) string {
	if v = domain.NormalizeInput(v); v == "" {
		return ""
	}
	_, msg := domain.ParseDate(v)
	return msg
}

func newRecordFilter(st *pane.Stack, parent *recordList) *recordFilter {
	c := st.C()
	km := c.Keys
	category := form.NewPicker(c.Styles, km, 4, "")
	category.SetOptions(append([]form.Option{{Value: "", Label: "全部类别"}}, categories...))
	source := form.NewPicker(c.Styles, km, 4, "")
	sources := []form.Option{{Value: "", Label: sourceLabel("")}}
	for _, s := range domain.RecordSources {
		sources = append(sources, form.Option{Value: string(s), Label: s.Label()})
	}
	source.SetOptions(sources)
	f := &recordFilter{c: c, parent: parent}
	f.form = form.New(c.Styles, km, 24,
		form.Field{Key: fieldName, Label: "姓名", Control: form.NewText(km, false, 50)},
		form.Field{Key: fieldIDNumber, Label: "身份证号", Control: form.NewText(km, false, 18)},
		form.Field{Key: fieldYear, Label: "年度", Control: form.NewText(km, false, 4), Width: 8, Check: checkYear},
		form.Field{Key: fieldCategory, Label: "科目类别", Control: category},
		form.Field{Key: fieldSource, Label: "记录来源", Control: source},
		form.Field{Key: fieldFrom, Label: "开始日期起", Control: form.NewText(km, false, 10), Width: 14, Check: optionalDate},
		form.Field{Key: fieldTo, Label: "结束日期止", Control: form.NewText(km, false, 10), Width: 14, Check: func(ff *form.Form, v string) string {
			if msg := optionalDate(ff, v); msg != "" {
				return msg
			}
			from, to := domain.NormalizeInput(ff.Value(fieldFrom)), domain.NormalizeInput(v)
			if from != "" && to != "" && to < from {
				return "结束日期不能早于开始日期"
			}
			return ""
		}},
	)
	q := parent.query
	for k, v := range map[string]string{fieldName: q.Name, fieldIDNumber: q.IDNumber, fieldCategory: q.Category,
		fieldSource: string(q.Source), fieldFrom: q.From, fieldTo: q.To} {
		f.form.SetValue(k, v)
	}
	if q.Year != 0 {
		f.form.SetValue(fieldYear, strconv.Itoa(q.Year))
	}
	return f
}

func (f *recordFilter) Init() tea.Cmd { return nil }

func (f *recordFilter) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if key.Matches(k, f.c.Keys.Save) || f.form.Update(k) == form.Submitted {
		if !f.form.Validate() {
			return nil
		}
		v := func(key string) string { return domain.NormalizeInput(f.form.Value(key)) }
		year, _ := strconv.Atoi(v(fieldYear))
		return f.parent.apply(domain.RecordQuery{Name: v(fieldName), IDNumber: v(fieldIDNumber), Year: year,
			Category: v(fieldCategory), Source: domain.RecordSource(v(fieldSource)), From: v(fieldFrom), To: v(fieldTo)})
	}
	return nil
}

func (f *recordFilter) SetSize(w, h int) {
	f.width, f.height = w, h
	f.form.SetWidth(w)
}

func (f *recordFilter) View() string {
	st := f.c.Styles
	return textwidth.Block(st.Heading.Render("查询条件")+"\n"+f.form.Window(max(f.height-2, 3)), f.width, f.height)
}

func (f *recordFilter) Typing() bool { return true }

func (f *recordFilter) ShortHelp() []key.Binding {
	submit := f.c.Keys.Submit
	submit.SetHelp("enter", "下一项/查询")
	return []key.Binding{submit, f.c.Keys.Save, f.c.Keys.Choose}
}

func (f *recordFilter) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.ShortHelp(), {f.c.Keys.Next, f.c.Keys.Prev}}
}

// recordDetail is 查看 of one record.
type recordDetail struct {
	c      *common.Common
	r      domain.QueryRecord
	scroll scroller
	width  int
	height int
}

func newRecordDetail(st *pane.Stack, r domain.QueryRecord) *recordDetail {
	return &recordDetail{c: st.C(), r: r}
}

func (d *recordDetail) Init() tea.Cmd { return nil }

func (d *recordDetail) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		d.scroll.key(k.String(), max(d.height-1, 1))
	}
	return nil
}

func (d *recordDetail) lines() []string {
	r, st := d.r, d.c.Styles
	name := r.PersonName
	if r.Dishonest {
		name += "  " + st.Flag + " 有效失信记录"
	}
	return pane.Labelled(d.c, [][2]string{
		{"姓名", name}, {"身份证号", r.IDNumber}, {"科目类别", r.CategoryLabel}, {"培训形式", r.FormLabel},
		{"培训内容", r.Title}, {"主办单位", r.Organizer}, {"培训日期", r.StartDate + " 至 " + r.EndDate},
		{"年度", strconv.Itoa(r.Year)}, {"学时", r.Hours.String()}, {"记录来源", r.Source.Label()},
		{"生效时间", r.EffectiveAt.In(domain.ChinaTime).Format("2006-01-02 15:04")}, {"备注", r.Remark},
	}, d.width)
}

func (d *recordDetail) SetSize(w, h int) { d.width, d.height = w, h }

func (d *recordDetail) View() string {
	st := d.c.Styles
	return textwidth.Block(st.Heading.Render("培训记录详情")+"\n"+d.scroll.window(d.lines(), max(d.height-1, 1)), d.width, d.height)
}

func (d *recordDetail) Typing() bool { return false }

func (d *recordDetail) ShortHelp() []key.Binding { return []key.Binding{d.c.Keys.Choose} }

func (d *recordDetail) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
