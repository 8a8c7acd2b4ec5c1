package personnel

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Teacher field keys, as domain.TeacherInput names them.
const (
	fieldGender   = "gender"
	fieldEmployer = "employer"
	fieldSummary  = "summary"
	filterState   = "state"
)

// Teachers is 师资信息维护 (1.7.1): 新增, 修改, 启用, 禁用 and 删除 of the
// unit's lecturers and head teachers.
type Teachers struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	mode    mode
	feed    *pane.Feed[domain.Teacher]
	filter  domain.TeacherFilter
	filters *form.Form
	form    *form.Form
	gender  *form.Picker
	editing *domain.Teacher
	win     window
	detail  domain.Teacher
	ask     pane.Confirm // 删除 is asked first
	outcome pane.Outcome

	width, height int
}

type teacherSaved struct {
	teacher domain.Teacher
	added   bool
}

type teacherSwitched struct{ teacher domain.Teacher }

type teacherDeleted struct{ teacher domain.Teacher }

// NewTeachers builds the module; Init loads the first page.
func NewTeachers(c *common.Common) common.Component {
	m := &Teachers{c: c, km: newKeyMap(c.Keys), id: c.NewID()}
	tb := table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "姓名", Width: 8}, table.Column{Title: "性别", Width: 4}, table.Column{Title: "职称", Width: 10},
		table.Column{Title: "工作单位", Width: 10, Flex: true}, table.Column{Title: "状态", Width: 4})
	teachers := c.Services.Teachers
	m.feed = pane.NewFeed(m.id, tb, func(t domain.Teacher) table.Row {
		return table.Row{ID: t.ID, Cells: []string{t.Name, t.Gender, t.Title, t.Employer, t.State.Label()}}
	}, func(page domain.PageRequest) func(context.Context) (domain.Page[domain.Teacher], error) {
		f := m.filter
		f.PageRequest = page
		return func(ctx context.Context) (domain.Page[domain.Teacher], error) { return teachers.ListTeachers(ctx, f) }
	})
	m.SetSize(50, 17)
	return m
}

// Init loads the first page.
func (m *Teachers) Init() tea.Cmd { return m.feed.First() }

func (m *Teachers) load() tea.Cmd { return m.feed.Reload() }

// Update handles keys and the answers to this module's calls.
func (m *Teachers) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if cmd, asked := m.ask.Update(m.c, msg); asked {
			return cmd
		}
		switch {
		case m.mode == filterMode:
			return m.filterKey(msg)
		case m.mode == formMode:
			return m.formKey(msg)
		case m.mode == detailMode:
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
		case teacherSaved:
			return m.saved(v, msg.Err)
		case teacherSwitched:
			return m.switched(v.teacher, msg.Err)
		case teacherDeleted:
			return m.deleted(v.teacher, msg.Err)
		}
	}
	return nil
}

func (m *Teachers) selected() (domain.Teacher, bool) { return m.feed.Selected() }

func (m *Teachers) listKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	t, has := m.selected()
	switch {
	case key.Matches(k, km.Reload):
		return m.load()
	case key.Matches(k, km.Filter):
		m.openFilter()
	case key.Matches(k, km.Add):
		m.openForm(nil)
	case key.Matches(k, km.Edit) && has:
		m.openForm(&t)
	case key.Matches(k, km.Detail) && has:
		m.detail, m.mode = t, detailMode
	case m.outcome.Busy:
	case key.Matches(k, km.Toggle) && has:
		return m.toggle(t)
	case key.Matches(k, km.Delete) && has:
		m.outcome = pane.Outcome{}
		m.ask.Ask("确定删除教师 "+t.Name+"？", func() tea.Cmd { return m.delete(t) })
	default:
		cmd, _ := m.feed.Key(k)
		return cmd
	}
	return nil
}

func (m *Teachers) toggle(t domain.Teacher) tea.Cmd {
	m.outcome.Start()
	teachers, v := m.c.Services.Teachers, domain.VersionRef{Version: t.Version}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		var out domain.Teacher
		var err error
		if t.Enabled() {
			out, err = teachers.DisableTeacher(ctx, t.ID, v)
		} else {
			out, err = teachers.EnableTeacher(ctx, t.ID, v)
		}
		return teacherSwitched{teacher: out}, err
	})
}

func (m *Teachers) switched(t domain.Teacher, err error) tea.Cmd {
	if err != nil {
		m.outcome.Failed(err)
		return m.load()
	}
	if t.Enabled() {
		m.outcome.Done("已启用：" + t.Name + "，可选作授课教师或班主任")
	} else {
		m.outcome.Done("已禁用：" + t.Name + "，不再可选作授课教师或班主任")
	}
	return m.load()
}

func (m *Teachers) delete(t domain.Teacher) tea.Cmd {
	m.outcome.Start()
	teachers := m.c.Services.Teachers
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return teacherDeleted{teacher: t}, teachers.DeleteTeacher(ctx, t.ID, domain.VersionRef{Version: t.Version})
	})
}

func (m *Teachers) deleted(t domain.Teacher, err error) tea.Cmd {
	if err != nil {
		m.outcome.Failed(err)
		return m.load()
	}
	m.outcome.Done("已删除：" + t.Name)
	return m.load()
}

func (m *Teachers) openForm(t *domain.Teacher) {
	st, km := m.c.Styles, m.c.Keys
	text := func(limit int) form.Control { return form.NewText(km, false, limit) }
	m.gender = form.NewPicker(st, km, 2, "")
	m.gender.SetOptions([]form.Option{{Value: "男", Label: "男"}, {Value: "女", Label: "女"}})
	m.form = form.New(st, km, 24,
		form.Field{Key: fieldName, Label: "姓名", Control: text(50), Check: func(_ *form.Form, v string) string { return domain.CheckText(v, 50, "姓名") }},
		form.Field{Key: fieldIDNumber, Label: "身份证号", Control: text(18), Width: 22, Check: optional(func(v string) string { return checkID(nil, v) })},
		form.Field{Key: fieldGender, Label: "性别", Control: m.gender, Width: 24, Check: func(f *form.Form, v string) string {
			if info, msg := domain.ParseIDNumber(domain.NormalizeIDNumber(f.Value(fieldIDNumber)), time.Now()); msg == "" && v != info.Gender {
				return "性别与身份证号不符"
			}
			return ""
		}},
		form.Field{Key: fieldTitle, Label: "职称", Control: text(50)},
		form.Field{Key: fieldSpecialty, Label: "专业", Control: text(50)},
		form.Field{Key: fieldEmployer, Label: "工作单位", Control: text(100)},
		form.Field{Key: fieldMobile, Label: "手机号码", Control: text(11), Check: optional(domain.CheckMobile)},
		form.Field{Key: fieldSummary, Label: "简介", Control: text(1000)},
	)
	m.editing, m.win = t, window{}
	if t != nil {
		for k, v := range map[string]string{fieldName: t.Name, fieldIDNumber: t.IDNumber, fieldGender: t.Gender,
			fieldTitle: t.Title, fieldSpecialty: t.Specialty, fieldEmployer: t.Employer, fieldMobile: t.Mobile,
			fieldSummary: t.Summary} {
			m.form.SetValue(k, v)
		}
	}
	m.form.SetWidth(m.width)
	m.mode, m.outcome = formMode, pane.Outcome{}
}

func (m *Teachers) formKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode, m.outcome = listMode, pane.Outcome{}
		return nil
	case key.Matches(k, m.km.Save):
		return m.save()
	}
	action := m.form.Update(k)
	// A valid ID number says the gender: the picker follows it.
	if info, msg := domain.ParseIDNumber(domain.NormalizeIDNumber(m.form.Value(fieldIDNumber)), time.Now()); msg == "" && m.gender.Value() != info.Gender {
		m.gender.SetValue(info.Gender)
	}
	if action == form.Submitted {
		return m.save()
	}
	return nil
}

func (m *Teachers) save() tea.Cmd {
	if m.outcome.Busy {
		return nil
	}
	if !m.outcome.Validate(m.form) {
		return nil
	}
	m.outcome.Start()
	f := m.form
	in := domain.TeacherInput{Name: f.Value(fieldName), Gender: f.Value(fieldGender), IDNumber: f.Value(fieldIDNumber),
		Title: f.Value(fieldTitle), Specialty: f.Value(fieldSpecialty), Employer: f.Value(fieldEmployer),
		Mobile: f.Value(fieldMobile), Summary: f.Value(fieldSummary)}
	editing, teachers := m.editing, m.c.Services.Teachers
	if editing != nil {
		in.Version = editing.Version
	}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		if editing == nil {
			t, err := teachers.CreateTeacher(ctx, in)
			return teacherSaved{teacher: t, added: true}, err
		}
		t, err := teachers.UpdateTeacher(ctx, editing.ID, in)
		return teacherSaved{teacher: t}, err
	})
}

func (m *Teachers) saved(v teacherSaved, err error) tea.Cmd {
	if m.mode != formMode {
		return nil
	}
	if err != nil {
		m.outcome.FailForm(m.form, err)
		return nil
	}
	if v.added {
		m.outcome.Done("已新增教师：" + v.teacher.Name + "（已启用）")
	} else {
		m.outcome.Done("已保存：" + v.teacher.Name)
	}
	m.mode = listMode
	m.feed.SelectOnArrival(v.teacher.ID)
	if v.added {
		return m.feed.First()
	}
	return m.load()
}

// loaded notes a page's arrival or failure on the table and message line.
func (m *Teachers) loaded() {
	switch err := m.feed.Failure(); {
	case err != nil:
		m.feed.Table().SetEmpty("加载失败，按 ctrl+r 重试")
		if !m.outcome.Busy {
			m.outcome.Failed(err)
		}
	case !m.feed.Loading():
		m.feed.Table().SetEmpty("没有教师，按 n 新增")
	}
}

func (m *Teachers) openFilter() {
	st, km := m.c.Styles, m.c.Keys
	state := form.NewPicker(st, km, 3, "")
	state.SetOptions([]form.Option{{Value: "", Label: "全部"},
		{Value: string(domain.TeacherEnabled), Label: "启用"}, {Value: string(domain.TeacherDisabled), Label: "禁用"}})
	m.filters = form.New(st, km, 20,
		form.Field{Key: filterName, Label: "姓名", Control: form.NewText(km, false, 50)},
		form.Field{Key: filterState, Label: "状态", Control: state, Width: 30},
	)
	m.filters.SetValue(filterName, m.filter.Name)
	m.filters.SetValue(filterState, string(m.filter.State))
	m.filters.SetWidth(m.width)
	m.mode = filterMode
}

func (m *Teachers) filterKey(k tea.KeyMsg) tea.Cmd {
	apply := key.Matches(k, m.km.Save)
	switch {
	case key.Matches(k, m.km.Back):
		m.mode = listMode
		return nil
	case !apply:
		apply = m.filters.Update(k) == form.Submitted
	}
	if !apply {
		return nil
	}
	m.filter = domain.TeacherFilter{Name: strings.TrimSpace(m.filters.Value(filterName)), State: domain.TeacherState(m.filters.Value(filterState))}
	m.mode, m.outcome = listMode, pane.Outcome{}
	return m.feed.First()
}

func (m *Teachers) filterText() string {
	var parts []string
	if m.filter.Name != "" {
		parts = append(parts, "姓名="+m.filter.Name)
	}
	if m.filter.State != "" {
		parts = append(parts, "状态="+m.filter.State.Label())
	}
	if len(parts) == 0 {
		return "全部教师（按 / 筛选）"
	}
	return "筛选：" + strings.Join(parts, " ")
}

func (m *Teachers) detailKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode = listMode
	case key.Matches(k, m.km.Edit):
		t := m.detail
		m.openForm(&t)
	}
	return nil
}

// SetSize fits the module into w×h cells.
func (m *Teachers) SetSize(w, h int) {
	m.width, m.height = w, h
	m.feed.Table().SetSize(w, max(h-4, 2))
	for _, f := range []*form.Form{m.form, m.filters} {
		if f != nil {
			f.SetWidth(w)
		}
	}
}

// Typing is true while a form has the keyboard.
func (m *Teachers) Typing() bool { return m.mode == filterMode || m.mode == formMode }

// Nested keeps esc inside the module while a form, a record or the
// delete question shows.
func (m *Teachers) Nested() bool { return m.mode != listMode || m.ask.Asking() }

// Dirty reports a teacher being typed and not saved.
func (m *Teachers) Dirty() bool { return m.mode == formMode && m.form.Dirty() }

// Discards reports whether k closes the teacher form with its changes.
func (m *Teachers) Discards(k tea.KeyMsg) bool {
	return !m.ask.Asking() && key.Matches(k, m.km.Back) && m.Dirty()
}

// View draws the current screen of the module in exactly its size.
func (m *Teachers) View() string {
	st, w, h := m.c.Styles, m.width, m.height
	var body string
	switch m.mode {
	case filterMode:
		body = st.Heading.Render("筛选条件") + "\n" + m.filters.View()
	case formMode:
		title := "新增教师"
		if m.editing != nil {
			title = "修改教师：" + m.editing.Name
		}
		body = st.Heading.Render(textwidth.Truncate(title, w, st.Ellipsis)) + "\n" +
			m.win.view(st, m.form.View(), max(h-3, 1)) + "\n" + m.outcome.ViewRows(m.c, w, 2)
	case detailMode:
		t := m.detail
		body = labelled(m.c, [][2]string{
			{"姓名", t.Name}, {"性别", t.Gender}, {"身份证号", t.IDNumber}, {"职称", t.Title}, {"专业", t.Specialty},
			{"工作单位", t.Employer}, {"手机号码", t.Mobile}, {"状态", t.State.Label()},
		}, w) + "\n" + st.Label.Render("简介：") + "\n" + wrap(t.Summary, w, max(h-10, 1))
	default:
		bottom := m.outcome.ViewRows(m.c, w, 2)
		if m.ask.Asking() {
			bottom = pane.Paragraph(m.c, m.ask.Question()+"(y/n)", st.Confirm, w, 2)
		}
		top := st.Muted.Render(textwidth.Truncate(m.filterText(), w, st.Ellipsis))
		body = top + "\n" + m.feed.Table().View() + "\n" + st.Muted.Render(m.feed.Position()) + "\n" + bottom
	}
	return textwidth.Block(body, w, h)
}

// ShortHelp lists the keys of the current screen; the toggle names what
// it will do to the selected teacher.
func (m *Teachers) ShortHelp() []key.Binding {
	km := m.km
	switch {
	case m.ask.Asking():
		return []key.Binding{withHelp(km.Yes, "y", "确定删除"), withHelp(km.No, "n", "取消")}
	case m.mode == filterMode:
		return []key.Binding{withHelp(km.Submit, "enter", "下一项/查询"), km.Choose}
	case m.mode == formMode:
		return []key.Binding{km.Save, km.Next, km.Choose}
	case m.mode == detailMode:
		return []key.Binding{km.Edit}
	}
	toggle := km.Toggle
	if t, ok := m.selected(); ok {
		if t.Enabled() {
			toggle = withHelp(toggle, "t", "禁用")
		} else {
			toggle = withHelp(toggle, "t", "启用")
		}
	}
	return []key.Binding{km.Add, km.Edit, toggle, km.Delete}
}

// FullHelp adds details, filtering, paging and reloading.
func (m *Teachers) FullHelp() [][]key.Binding {
	km := m.km
	if m.mode == listMode && !m.ask.Asking() {
		return [][]key.Binding{m.ShortHelp(), {km.Detail, km.Filter, pane.KeyPrevPage, pane.KeyNextPage, km.Reload}}
	}
	return [][]key.Binding{m.ShortHelp(), {km.Next, km.Prev, withHelp(km.Back, "esc", "返回列表")}}
}
