package query

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// planList is 专业课计划查询: the unit's approved plans under the filters
// of the 查询 screen.
type planList struct {
	c      *common.Common
	st     *pane.Stack
	list   *pane.List[domain.Plan]
	query  domain.PlanQuery
	course string // the chosen course's name, for the filter line
	width  int
	height int
}

func newPlanList(st *pane.Stack) *planList {
	l := &planList{c: st.C(), st: st}
	l.list = l.newList()
	return l
}

// newList is a list of the plans under the current query, from its first
// page.
func (l *planList) newList() *pane.List[domain.Plan] {
	svc, q := l.c.Services.Queries, l.query
	list := pane.NewList(l.c, "没有符合条件的已通过计划", "", []table.Column{
		{Title: "年度", Width: 4}, {Title: "计划名称", Width: 10, Flex: true}, {Title: "专业课程", Width: 12}, {Title: "班数", Width: 4},
	}, func(p domain.Plan) table.Row {
		return table.Row{ID: p.ID, Cells: []string{strconv.Itoa(p.Year), p.Name, p.CourseName, strconv.Itoa(p.Classes)}}
	}, func(_ string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Plan], error) {
		page := q
		page.PageRequest = pr
		return func(ctx context.Context) (domain.Page[domain.Plan], error) { return svc.QueryPlans(ctx, page) }
	})
	list.SetSize(l.width, max(l.height-1, 3))
	return list
}

func (l *planList) Init() tea.Cmd { return l.list.Load() }

func (l *planList) Update(msg tea.Msg) tea.Cmd {
	cmd, used := l.list.Update(msg)
	k, isKey := msg.(tea.KeyMsg)
	if used || !isKey {
		return cmd
	}
	switch {
	case key.Matches(k, keyFilter):
		return l.st.Push(newPlanFilter(l.st, l))
	case key.Matches(k, keyView):
		if p, ok := l.list.Selected(); ok {
			return l.st.Push(newPlanDetail(l.st, p.ID))
		}
	}
	return nil
}

// apply is the filter screen's answer: list again from the first page.
func (l *planList) apply(q domain.PlanQuery, course string) tea.Cmd {
	l.query, l.course = q, course
	l.list = l.newList()
	return tea.Batch(l.st.Pop(), l.list.Load())
}

func (l *planList) filterLine() string {
	var parts []string
	if l.query.Year != 0 {
		parts = append(parts, "年度="+strconv.Itoa(l.query.Year))
	}
	if l.course != "" {
		parts = append(parts, "课程="+l.course)
	}
	if l.query.Name != "" {
		parts = append(parts, "名称="+l.query.Name)
	}
	if len(parts) == 0 {
		return "全部已通过计划（按 / 设置查询条件）"
	}
	return "查询：" + strings.Join(parts, " ")
}

func (l *planList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.list.SetSize(w, max(h-1, 3))
}

func (l *planList) View() string {
	st := l.c.Styles
	return textwidth.Block(st.Muted.Render(textwidth.Truncate(l.filterLine(), l.width, st.Ellipsis))+"\n"+l.list.View(), l.width, l.height)
}

func (l *planList) Typing() bool { return false }

func (l *planList) ShortHelp() []key.Binding {
	return append([]key.Binding{keyFilter, keyView}, l.list.Help()...)
}

func (l *planList) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {l.c.Keys.Up, l.c.Keys.Down, l.c.Keys.Reload}}
}

// planFilter is 查询's conditions: year, catalog course and part of the
// plan name.
type planFilter struct {
	c       *common.Common
	id      common.ScreenID
	parent  *planList
	form    *form.Form
	courses *form.Picker
	names   map[string]string
	width   int
	height  int
}

type coursesLoaded struct{ items []domain.Course }

func newPlanFilter(st *pane.Stack, parent *planList) *planFilter {
	c := st.C()
	km := c.Keys
	f := &planFilter{c: c, id: c.NewID(), parent: parent, names: map[string]string{}}
	f.courses = form.NewPicker(c.Styles, km, 4, "加载中"+c.Styles.Ellipsis)
	f.form = form.New(c.Styles, km, 30,
		form.Field{Key: "year", Label: "年度", Control: form.NewText(km, false, 4), Width: 8, Check: checkYear},
		form.Field{Key: "course", Label: "专业课程", Control: f.courses},
		form.Field{Key: "name", Label: "计划名称", Control: form.NewText(km, false, 100)},
	)
	q := parent.query
	if q.Year != 0 {
		f.form.SetValue("year", strconv.Itoa(q.Year))
	}
	f.form.SetValue("name", q.Name)
	return f
}

// checkYear allows blank or a four-digit year.
func checkYear(_ *form.Form, v string) string {
	v = domain.NormalizeInput(v)
	if v == "" {
		return ""
	}
	if y, err := strconv.Atoi(v); err != nil || y < 1900 || y > 9999 {
		return "年度应为四位数字"
	}
	return ""
}

func (f *planFilter) Init() tea.Cmd {
	svc := f.c.Services.Courses
	return common.Call(f.id, func(ctx context.Context) (any, error) {
		p, err := svc.ListCourses(ctx, domain.CourseFilter{PageRequest: domain.PageRequest{Limit: domain.MaxPageSize}})
		return coursesLoaded{p.Items}, err
	})
}

func (f *planFilter) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, f.c.Keys.Save) || f.form.Update(msg) == form.Submitted {
			return f.submit()
		}
	case common.Result:
		v, ok := msg.Value.(coursesLoaded)
		if !ok || msg.To != f.id {
			return nil
		}
		if msg.Err != nil {
			f.courses.SetEmpty("课程目录加载失败")
			return nil
		}
		opts := []form.Option{{Value: "", Label: "全部课程"}}
		for _, c := range v.items {
			id := strconv.FormatInt(c.ID, 10)
			opts = append(opts, form.Option{Value: id, Label: c.Code + " " + c.Name})
			f.names[id] = c.Name
		}
		f.courses.SetOptions(opts)
		if f.parent.query.CourseID != 0 {
			f.courses.SetValue(strconv.FormatInt(f.parent.query.CourseID, 10))
		}
	}
	return nil
}

func (f *planFilter) submit() tea.Cmd {
	if !f.form.Validate() {
		return nil
	}
	year, _ := strconv.Atoi(domain.NormalizeInput(f.form.Value("year")))
	course, _ := strconv.ParseInt(f.form.Value("course"), 10, 64)
	q := domain.PlanQuery{Year: year, CourseID: course, Name: strings.TrimSpace(f.form.Value("name"))}
	return f.parent.apply(q, f.names[f.form.Value("course")])
}

func (f *planFilter) SetSize(w, h int) {
	f.width, f.height = w, h
	f.form.SetWidth(w)
}

func (f *planFilter) View() string {
	st := f.c.Styles
	return textwidth.Block(st.Heading.Render("查询条件")+"\n"+f.form.Window(max(f.height-2, 3)), f.width, f.height)
}

func (f *planFilter) Typing() bool { return true }

func (f *planFilter) ShortHelp() []key.Binding {
	submit := f.c.Keys.Submit
	submit.SetHelp("enter", "下一项/查询")
	return []key.Binding{submit, f.c.Keys.Choose}
}

func (f *planFilter) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.ShortHelp(), {f.c.Keys.Next, f.c.Keys.Prev}}
}

// planDetail is 查看: the plan with its classes, their teachers and
// subjects, then its attachments (read-only, downloadable).
type planDetail struct {
	c       *common.Common
	id      common.ScreenID
	planID  int64
	detail  domain.QueryPlanDetail
	loaded  bool
	failure string
	files   *attachment.Panel
	inFiles bool
	scroll  scroller
	width   int
	height  int
}

type planLoaded struct{ detail domain.QueryPlanDetail }

func newPlanDetail(st *pane.Stack, id int64) *planDetail {
	c := st.C()
	return &planDetail{c: c, id: c.NewID(), planID: id, files: attachment.New(c, domain.EntityPlan)}
}

func (d *planDetail) Init() tea.Cmd {
	svc, id := d.c.Services.Queries, d.planID
	return common.Call(d.id, func(ctx context.Context) (any, error) {
		p, err := svc.QueryPlan(ctx, id)
		return planLoaded{p}, err
	})
}

func (d *planDetail) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case d.inFiles && d.files.Nested():
			return d.files.Update(k, true)
		case key.Matches(k, d.c.Keys.NextSection), key.Matches(k, d.c.Keys.PrevSection):
			d.inFiles = !d.inFiles
		case d.inFiles:
			return d.files.Update(k, true)
		default:
			d.scroll.key(k.String(), max(d.height-3, 1))
		}
		return nil
	}
	cmd := d.files.Update(msg, false)
	if r, ok := msg.(common.Result); ok && r.To == d.id {
		if v, ok := r.Value.(planLoaded); ok {
			if r.Err != nil {
				d.failure = common.ErrorText(r.Err)
				return cmd
			}
			d.detail, d.loaded = v.detail, true
			return tea.Batch(cmd, d.files.Load(d.planID, false))
		}
	}
	return cmd
}

// lines is the plan, then each class with its teachers and subjects.
func (d *planDetail) lines() []string {
	st, w, p := d.c.Styles, d.width, d.detail
	out := pane.Labelled(d.c, [][2]string{
		{"年度", strconv.Itoa(p.Year)}, {"专业课程", strings.TrimSpace(p.CourseCode + " " + p.CourseName)},
		{"计划名称", p.Name}, {"培训对象", p.Audience}, {"计划说明", p.Description},
		{"状态", p.Status.Label()}, {"附件", strconv.Itoa(len(p.Files)) + " 个（ctrl+n 查看）"},
	}, w)
	for i, k := range p.ClassList {
		out = append(out, "", st.Heading.Render(textwidth.Truncate("培训班 "+strconv.Itoa(i+1)+"："+k.Name, w, st.Ellipsis)))
		lecturers := make([]string, len(k.Lecturers))
		for j, t := range k.Lecturers {
			lecturers[j] = t.Name
			if t.Title != "" {
				lecturers[j] += "（" + t.Title + "）"
			}
		}
		out = append(out, pane.Labelled(d.c, [][2]string{
			{"培训日期", k.StartDate + " 至 " + k.EndDate}, {"培训地点", k.Location},
			{"人数上限", strconv.Itoa(k.Capacity) + "（已报名 " + strconv.Itoa(k.Enrolled) + "）"},
			{"学时", k.Hours.String()}, {"状态", k.Status.Label()}, {"班主任", k.HeadName},
			{"授课教师", strings.Join(lecturers, "、")},
		}, w)...)
		for _, s := range k.Subjects {
			head := "· " + s.Name + "  " + s.Hours.String() + "学时  " + s.LecturerName
			out = append(out, textwidth.Truncate(head, w, st.Ellipsis))
			for _, l := range textwidth.Wrap(s.Content, max(w-4, 6)) {
				if l != "" {
					out = append(out, "    "+st.Muted.Render(l))
				}
			}
		}
	}
	if len(p.ClassList) == 0 {
		out = append(out, "", st.Muted.Render("该计划没有培训班"))
	}
	return out
}

func (d *planDetail) SetSize(w, h int) {
	d.width, d.height = w, h
	d.files.SetSize(w, max(h-2, 3))
}

func (d *planDetail) View() string {
	st := d.c.Styles
	switch {
	case d.failure != "":
		return st.Error.Render(textwidth.Truncate(d.failure, d.width, st.Ellipsis))
	case !d.loaded:
		return st.Notice.Render(d.c.Busy())
	}
	first, second := st.Selected.Render(" 计划与培训班 "), st.Muted.Render(" 附件("+strconv.Itoa(d.files.Len())+") ")
	body := ""
	if d.inFiles {
		first, second = st.Muted.Render(" 计划与培训班 "), st.Selected.Render(" 附件("+strconv.Itoa(d.files.Len())+") ")
		body = d.files.View()
	} else {
		body = d.scroll.window(d.lines(), max(d.height-2, 1))
	}
	return textwidth.Block(first+" "+second+"\n"+body, d.width, d.height)
}

func (d *planDetail) Nested() bool { return d.inFiles && d.files.Nested() }

func (d *planDetail) Typing() bool { return d.inFiles && d.files.Typing() }

func (d *planDetail) ShortHelp() []key.Binding {
	if d.inFiles {
		return append(d.files.Help(), d.c.Keys.NextSection)
	}
	return []key.Binding{d.c.Keys.Choose, d.c.Keys.NextSection}
}

func (d *planDetail) FullHelp() [][]key.Binding {
	return [][]key.Binding{d.ShortHelp()}
}
