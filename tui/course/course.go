// Package course is 专业课程目录, the authorities' catalog of professional
// courses: every authority reads it; the province authority adds, edits,
// enables and disables courses (one catalog serves every city).
package course

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Module is the menu key of 专业课程目录.
const Module = "authority.courses"

// Keys of the catalog list, where letters are commands.
var (
	keyNew    = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增"))
	keyOpen   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "修改/查看"))
	keyToggle = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "启用/停用"))
)

const msgProvinceOnly = "专业课程目录由省级人社主管部门维护，本级只能查看"

// New builds the module.
func New(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newList(s) })
}

type list struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	list    *pane.List[domain.Course]
	editor  bool // the caller is the province authority
	outcome pane.Outcome
	width   int
}

type whoAmI struct{ session domain.Session }

type toggled struct{ course domain.Course }

func newList(st *pane.Stack) *list {
	c := st.C()
	svc := c.Services.Courses
	l := &list{c: c, st: st, id: c.NewID()}
	l.list = pane.NewList(c, "目录中没有课程", "课程", []table.Column{
		{Title: "编码", Width: 9}, {Title: "课程名称", Width: 12, Flex: true},
		{Title: "学时", Width: 4}, {Title: "状态", Width: 4},
	}, func(k domain.Course) table.Row {
		return table.Row{ID: k.ID, Cells: []string{k.Code, k.Name, k.Hours.String(), k.StateLabel()}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Course], error) {
		return func(ctx context.Context) (domain.Page[domain.Course], error) {
			return svc.ListCourses(ctx, domain.CourseFilter{Query: q, PageRequest: pr})
		}
	})
	return l
}

func (l *list) Init() tea.Cmd {
	auth := l.c.Services.Auth
	return tea.Batch(l.list.Load(), common.Call(l.id, func(ctx context.Context) (any, error) {
		s, err := auth.Me(ctx)
		return whoAmI{s}, err
	}))
}

// Resume shows what the form changed.
func (l *list) Resume() tea.Cmd { return l.list.Load() }

func (l *list) Update(msg tea.Msg) tea.Cmd {
	if cmd, used := l.list.Update(msg); used {
		return cmd
	}
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != l.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case whoAmI:
			region := v.session.User.RegionCode
			l.editor = msg.Err == nil && len(region) == 6 && strings.HasSuffix(region, "0000")
		case toggled:
			if msg.Err != nil {
				l.outcome.Failed(msg.Err)
				return nil
			}
			l.outcome.Done("已" + v.course.StateLabel() + "：" + v.course.Name)
			return l.list.Load()
		}
	case tea.KeyMsg:
		return l.key(msg)
	}
	return nil
}

func (l *list) key(k tea.KeyMsg) tea.Cmd {
	sel, ok := l.list.Selected()
	switch {
	case key.Matches(k, keyNew):
		if !l.editor {
			l.outcome.Failure = msgProvinceOnly
			return nil
		}
		return l.st.Push(newEditor(l.st, domain.Course{}, l.editor))
	case key.Matches(k, keyOpen) && ok:
		return l.st.Push(newEditor(l.st, sel, l.editor))
	case key.Matches(k, keyToggle) && ok:
		if !l.editor {
			l.outcome.Failure = msgProvinceOnly
			return nil
		}
		l.outcome.Start()
		svc := l.c.Services.Courses
		return common.Call(l.id, func(ctx context.Context) (any, error) {
			var out domain.Course
			var err error
			if sel.Enabled {
				out, err = svc.DisableCourse(ctx, sel.ID, domain.VersionRef{Version: sel.Version})
			} else {
				out, err = svc.EnableCourse(ctx, sel.ID, domain.VersionRef{Version: sel.Version})
			}
			return toggled{out}, err
		})
	}
	return nil
}

func (l *list) View() string {
	return l.list.View() + "\n" + l.outcome.View(l.c, l.width)
}

func (l *list) SetSize(w, h int) {
	l.width = w
	l.list.SetSize(w, h-2)
}

func (l *list) Typing() bool { return l.list.Typing() }

func (l *list) ShortHelp() []key.Binding {
	if l.editor {
		return append([]key.Binding{keyNew, keyOpen, keyToggle}, l.list.Help()...)
	}
	open := keyOpen
	open.SetHelp("enter", "查看")
	return append([]key.Binding{open}, l.list.Help()...)
}

func (l *list) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {l.c.Keys.Reload}}
}

// editor is 新增 and 修改 of a course, or a read-only view for cities.
type editor struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	course  domain.Course
	form    *form.Form
	canSave bool
	outcome pane.Outcome
	width   int
	height  int
}

type saved struct{ course domain.Course }

func newEditor(st *pane.Stack, k domain.Course, canSave bool) *editor {
	c := st.C()
	km := c.Keys
	text := func(limit int) *form.Text { return form.NewText(km, false, limit) }
	e := &editor{c: c, st: st, id: c.NewID(), course: k, canSave: canSave}
	e.form = form.New(c.Styles, km, 30,
		form.Field{Key: "code", Label: "课程编码", Control: text(20), Width: 16, Check: func(_ *form.Form, v string) string {
			in := domain.CourseInput{Code: v}
			return domain.FieldErrorsOf(in.Validate())["code"]
		}},
		form.Field{Key: "name", Label: "课程名称", Control: text(100), Check: form.Required("课程名称")},
		form.Field{Key: "specialty", Label: "专业领域", Control: text(50), Check: form.Required("专业领域")},
		form.Field{Key: "hours", Label: "学时", Control: text(8), Width: 10, Check: checkHours},
		form.Field{Key: "description", Label: "课程简介", Control: text(1000)},
	)
	if k.ID != 0 {
		e.form.SetValue("code", k.Code)
		e.form.SetValue("name", k.Name)
		e.form.SetValue("specialty", k.Specialty)
		e.form.SetValue("hours", k.Hours.String())
		e.form.SetValue("description", k.Description)
	}
	return e
}

func checkHours(_ *form.Form, v string) string {
	h, msg := domain.ParseHours(v)
	if msg != "" {
		return msg
	}
	return domain.CheckHoursRange(h, domain.MaxCourseHours)
}

func (e *editor) Init() tea.Cmd { return nil }

func (e *editor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		v, ok := msg.Value.(saved)
		if !ok || msg.To != e.id {
			return nil
		}
		if msg.Err != nil {
			e.outcome.FailForm(e.form, msg.Err)
			return nil
		}
		e.course = v.course
		e.outcome.Done("已保存：" + v.course.Code + " " + v.course.Name)
		return e.st.Pop()
	case tea.KeyMsg:
		if key.Matches(msg, e.c.Keys.Save) || e.form.Update(msg) == form.Submitted {
			return e.save()
		}
	}
	return nil
}

func (e *editor) save() tea.Cmd {
	if !e.canSave {
		e.outcome.Failure = msgProvinceOnly
		return nil
	}
	if e.outcome.Busy || !e.outcome.Validate(e.form) {
		return nil
	}
	hours, _ := domain.ParseHours(e.form.Value("hours"))
	in := domain.CourseInput{Code: e.form.Value("code"), Name: e.form.Value("name"), Specialty: e.form.Value("specialty"),
		Hours: hours, Description: e.form.Value("description"), Version: e.course.Version}
	e.outcome.Start()
	svc, id := e.c.Services.Courses, e.course.ID
	return common.Call(e.id, func(ctx context.Context) (any, error) {
		var out domain.Course
		var err error
		if id == 0 {
			out, err = svc.CreateCourse(ctx, in)
		} else {
			out, err = svc.UpdateCourse(ctx, id, in)
		}
		return saved{out}, err
	})
}

func (e *editor) View() string {
	st := e.c.Styles
	title := "新增课程"
	switch {
	case e.course.ID != 0 && e.canSave:
		title = "修改课程（" + e.course.StateLabel() + "）"
	case e.course.ID != 0:
		title = "课程详情（" + e.course.StateLabel() + "）"
	}
	head := st.Heading.Render(textwidth.Truncate(title, e.width, st.Ellipsis))
	return lipgloss.JoinVertical(lipgloss.Left, head, "", e.form.View(), "", e.outcome.View(e.c, e.width))
}

func (e *editor) SetSize(w, h int) {
	e.width, e.height = w, h
	e.form.SetWidth(w)
}

func (e *editor) Typing() bool { return true }

// Dirty reports a course typed and not saved.
func (e *editor) Dirty() bool { return e.form.Dirty() }

func (e *editor) ShortHelp() []key.Binding {
	if !e.canSave {
		return []key.Binding{e.c.Keys.Next}
	}
	return []key.Binding{e.c.Keys.Save, e.c.Keys.Next}
}

func (e *editor) FullHelp() [][]key.Binding {
	return [][]key.Binding{e.ShortHelp(), {e.c.Keys.Prev}}
}
