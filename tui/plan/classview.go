package plan

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
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Keys of the class sub-window.
var (
	keyEditClass     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "修改培训班"))
	keyLecturers     = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "选入教师"))
	keyHead          = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "班主任"))
	keyNewSubject    = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增科目内容"))
	keyDeleteSubject = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "删除科目"))
)

// classView is the class sub-window of the plan editor (steps seven to
// ten): its fields, 选入教师 and the head teacher, and its subjects.
type classView struct {
	c        *common.Common
	st       *pane.Stack
	id       common.ScreenID
	plan     domain.Plan
	classID  int64
	class    domain.ClassDetail
	loaded   bool
	subjects *table.Table
	ask      pane.Confirm // 删除科目 is asked first
	outcome  pane.Outcome
	width    int
	height   int
}

type classLoaded struct{ class domain.ClassDetail }

type subjectDeleted struct {
	class domain.ClassDetail
	name  string
}

func newClassView(st *pane.Stack, plan domain.Plan, classID int64) *classView {
	c := st.C()
	return &classView{c: c, st: st, id: c.NewID(), plan: plan, classID: classID,
		subjects: table.New(c.Styles, c.Keys, "尚无科目内容，按 n 新增",
			table.Column{Title: "科目", Width: 10, Flex: true}, table.Column{Title: "学时", Width: 4},
			table.Column{Title: "授课教师", Width: 8})}
}

func (v *classView) Init() tea.Cmd { return v.load() }

// Resume reloads what a sub-window changed.
func (v *classView) Resume() tea.Cmd { return v.load() }

func (v *classView) load() tea.Cmd {
	svc, id := v.c.Services.Classes, v.classID
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		k, err := svc.GetClass(ctx, id)
		return classLoaded{k}, err
	})
}

func (v *classView) show(k domain.ClassDetail) {
	v.class, v.loaded = k, true
	rows := make([]table.Row, len(k.Subjects))
	for i, s := range k.Subjects {
		rows[i] = table.Row{ID: s.ID, Cells: []string{s.Name, s.Hours.String(), s.LecturerName}}
	}
	v.subjects.SetRows(rows)
}

func (v *classView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != v.id {
			return nil
		}
		switch val := msg.Value.(type) {
		case classLoaded:
			if msg.Err != nil {
				v.outcome.Failed(msg.Err)
				return nil
			}
			v.show(val.class)
		case subjectDeleted:
			if msg.Err != nil {
				v.outcome.Failed(msg.Err)
				return nil
			}
			v.show(val.class)
			v.outcome.Done("已删除科目：" + val.name)
		}
	case tea.KeyMsg:
		return v.key(msg)
	}
	return nil
}

func (v *classView) key(k tea.KeyMsg) tea.Cmd {
	if cmd, asked := v.ask.Update(v.c, k); asked {
		return cmd
	}
	if key.Matches(k, v.c.Keys.Reload) {
		return v.load()
	}
	if !v.loaded {
		return nil
	}
	edit := key.Matches(k, keyEditClass, keyLecturers, keyHead, keyNewSubject, keyDeleteSubject)
	if edit && !v.plan.Status.Editable() {
		v.outcome.Failure = "计划" + v.plan.Status.Label() + "，培训班不能再修改"
		return nil
	}
	switch {
	case key.Matches(k, keyEditClass):
		return v.st.Push(newClassForm(v.st, v.plan, v.class))
	case key.Matches(k, keyLecturers):
		return v.st.Push(newTeacherPicker(v.st, v.class, true))
	case key.Matches(k, keyHead):
		return v.st.Push(newTeacherPicker(v.st, v.class, false))
	case key.Matches(k, keyNewSubject):
		if len(v.class.Lecturers) == 0 {
			v.outcome.Failure = "请先按 t 选入授课教师，科目内容由本班授课教师讲授"
			return nil
		}
		return v.st.Push(newSubjectForm(v.st, v.class))
	case key.Matches(k, keyDeleteSubject):
		if r, ok := v.subjects.Selected(); ok {
			for _, s := range v.class.Subjects {
				if s.ID == r.ID {
					v.ask.Ask("删除科目“"+s.Name+"”？", func() tea.Cmd { return v.deleteSubject(s) })
				}
			}
		}
		return nil
	}
	v.subjects.Update(k)
	return nil
}

func (v *classView) deleteSubject(s domain.Subject) tea.Cmd {
	v.outcome.Start()
	svc := v.c.Services.Plans
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		d, err := svc.DeleteSubject(ctx, s.ID)
		return subjectDeleted{d, s.Name}, err
	})
}

// Nested keeps esc for the delete question.
func (v *classView) Nested() bool { return v.ask.Asking() }

func (v *classView) View() string {
	st := v.c.Styles
	if !v.loaded {
		if v.outcome.Failure != "" {
			return v.outcome.View(v.c, v.width)
		}
		return st.Notice.Render(v.c.Busy())
	}
	k, w := v.class, v.width
	line := func(s string) string { return textwidth.Truncate(s, w, st.Ellipsis) }
	sum := k.SubjectHours()
	hours := "学时：" + k.Hours.String() + "  科目合计：" + sum.String()
	if sum != k.Hours {
		hours = st.Error.Render(line(hours))
	}
	head := k.HeadName
	if head == "" {
		head = st.Muted.Render("（未选择，按 b）")
	}
	lecturers := teacherNames(k.Lecturers)
	if lecturers == "" {
		lecturers = st.Muted.Render("（未选入，按 t）")
	}
	lines := []string{
		st.Heading.Render(line("培训班：" + k.Name)),
		line("日期：" + k.StartDate + " 至 " + k.EndDate + "  人数上限：" + strconv.Itoa(k.Capacity)),
		line("地点：" + k.Location),
		hours,
		line("班主任：") + head,
		line("授课教师：") + lecturers,
	}
	v.subjects.SetSize(w, max(v.height-len(lines)-2, 3))
	foot := v.outcome.View(v.c, w)
	if v.ask.Asking() {
		foot = v.ask.View(v.c, w)
	}
	body := strings.Join(lines, "\n") + "\n" + v.subjects.View()
	return textwidth.Block(body, w, v.height-2) + "\n" + foot
}

func (v *classView) SetSize(w, h int) { v.width, v.height = w, h }

func (v *classView) Typing() bool { return false }

func (v *classView) ShortHelp() []key.Binding {
	if v.ask.Asking() {
		return v.ask.Help(v.c)
	}
	return []key.Binding{keyLecturers, keyHead, keyNewSubject, keyEditClass}
}

func (v *classView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {keyDeleteSubject, v.c.Keys.Reload}}
}

// classForm is 新增 培训班 and its 保存 (steps five and six).
type classForm struct {
	pane.FormScreen
	st    *pane.Stack
	plan  domain.Plan
	class domain.ClassDetail
}

type classSaved struct {
	class   domain.ClassDetail
	created bool
}

func newClassForm(st *pane.Stack, plan domain.Plan, k domain.ClassDetail) *classForm {
	c := st.C()
	km := c.Keys
	text := func(limit int) *form.Text { return form.NewText(km, false, limit) }
	date := func(label string) func(*form.Form, string) string {
		return func(_ *form.Form, v string) string {
			if _, msg := domain.ParseDate(domain.NormalizeInput(v)); msg != "" {
				return label + "：" + msg
			}
			return ""
		}
	}
	f := &classForm{st: st, plan: plan, class: k}
	fm := form.New(c.Styles, km, 30,
		form.Field{Key: "name", Label: "培训班名称", Control: text(100), Check: form.Required("培训班名称")},
		form.Field{Key: "start_date", Label: "开始日期", Control: text(10), Width: 14, Check: date("开始日期")},
		form.Field{Key: "end_date", Label: "结束日期", Control: text(10), Width: 14, Check: func(fm *form.Form, v string) string {
			if msg := date("结束日期")(fm, v); msg != "" {
				return msg
			}
			if domain.NormalizeInput(v) < domain.NormalizeInput(fm.Value("start_date")) {
				return "结束日期不能早于开始日期"
			}
			return ""
		}},
		form.Field{Key: "location", Label: "培训地点", Control: text(100), Check: form.Required("培训地点")},
		form.Field{Key: "capacity", Label: "人数上限", Control: text(4), Width: 8, Check: func(_ *form.Form, v string) string {
			if n, err := strconv.Atoi(domain.NormalizeInput(v)); err != nil || n < 1 || n > domain.MaxClassCapacity {
				return "人数上限应为1至" + strconv.Itoa(domain.MaxClassCapacity)
			}
			return ""
		}},
		form.Field{Key: "hours", Label: "学时", Control: text(8), Width: 10, Check: func(_ *form.Form, v string) string {
			h, msg := domain.ParseHours(v)
			if msg != "" {
				return msg
			}
			return domain.CheckHoursRange(h, domain.MaxCourseHours)
		}},
	)
	if k.ID != 0 {
		fm.SetValue("name", k.Name)
		fm.SetValue("start_date", k.StartDate)
		fm.SetValue("end_date", k.EndDate)
		fm.SetValue("location", k.Location)
		fm.SetValue("capacity", strconv.Itoa(k.Capacity))
		fm.SetValue("hours", k.Hours.String())
	}
	f.FormScreen = pane.NewFormScreen(c, fm, f.send)
	return f
}

func (f *classForm) Init() tea.Cmd { return nil }

func (f *classForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		v, ok := msg.Value.(classSaved)
		if !ok || msg.To != f.ID || !f.Saved(msg.Err) {
			return nil
		}
		if v.created {
			return f.st.Replace(newClassView(f.st, f.plan, v.class.ID))
		}
		return f.st.Pop()
	case tea.KeyMsg:
		return f.Key(msg)
	}
	return nil
}

func (f *classForm) send() tea.Cmd {
	capacity, _ := strconv.Atoi(domain.NormalizeInput(f.Form.Value("capacity")))
	hours, _ := domain.ParseHours(f.Form.Value("hours"))
	in := domain.ClassInput{Name: f.Form.Value("name"), StartDate: f.Form.Value("start_date"), EndDate: f.Form.Value("end_date"),
		Location: f.Form.Value("location"), Capacity: capacity, Hours: hours, Version: f.class.Version}
	svc, planID, id := f.C.Services.Plans, f.plan.ID, f.class.ID
	return common.Call(f.ID, func(ctx context.Context) (any, error) {
		if id == 0 {
			k, err := svc.CreateClass(ctx, planID, in)
			return classSaved{k, true}, err
		}
		k, err := svc.UpdateClass(ctx, id, in)
		return classSaved{k, false}, err
	})
}

func (f *classForm) View() string {
	st := f.C.Styles
	title := "新增培训班"
	if f.class.ID != 0 {
		title = "修改培训班：" + f.class.Name
	}
	head := st.Heading.Render(textwidth.Truncate(title, f.Width, st.Ellipsis))
	hint := st.Muted.Render(textwidth.Truncate("日期格式：2026-05-01；学时以0.5为单位", f.Width, st.Ellipsis))
	return lipgloss.JoinVertical(lipgloss.Left, head, hint, "", f.Form.View(), "", f.Outcome.View(f.C, f.Width))
}
