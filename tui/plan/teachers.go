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

var keyConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "确认"))

// teacherPicker is 选入教师 (tick the unit's enabled teachers, 确认) or,
// for the head teacher, the choice of one.
type teacherPicker struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	class   domain.ClassDetail
	multi   bool
	list    *pane.List[domain.Teacher]
	ticked  bool // the current lecturers were ticked on the first page
	outcome pane.Outcome
	width   int
}

type teachersSet struct{ class domain.ClassDetail }

func newTeacherPicker(st *pane.Stack, k domain.ClassDetail, multi bool) *teacherPicker {
	c := st.C()
	svc := c.Services.Teachers
	p := &teacherPicker{c: c, st: st, id: c.NewID(), class: k, multi: multi}
	p.list = pane.NewList(c, "本单位没有启用的教师，请先在“师资信息维护”中新增", "姓名", []table.Column{
		{Title: "姓名", Width: 8}, {Title: "职称", Width: 10}, {Title: "专业", Width: 8, Flex: true},
	}, func(t domain.Teacher) table.Row {
		return table.Row{ID: t.ID, Cells: []string{t.Name, t.Title, t.Specialty}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Teacher], error) {
		return func(ctx context.Context) (domain.Page[domain.Teacher], error) {
			return svc.EnabledTeachers(ctx, domain.TeacherFilter{Name: q, PageRequest: pr})
		}
	})
	p.list.Table().SetCheckable(multi)
	return p
}

func (p *teacherPicker) Init() tea.Cmd { return p.list.Load() }

func (p *teacherPicker) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(common.Result); ok && r.To == p.id {
		if v, ok := r.Value.(teachersSet); ok {
			if r.Err != nil {
				p.outcome.Failed(r.Err)
				if fields := domain.FieldErrorsOf(r.Err); len(fields) > 0 {
					p.outcome.Failure = strings.Join(problemLines(fields), "；")
				}
				return nil
			}
			p.class = v.class
			return p.st.Pop()
		}
	}
	if k, ok := msg.(tea.KeyMsg); ok && !p.list.Typing() && key.Matches(k, keyConfirm) {
		return p.confirm()
	}
	cmd, _ := p.list.Update(msg)
	if !p.ticked && len(p.list.Items()) > 0 && p.multi {
		p.ticked = true
		for _, l := range p.class.Lecturers {
			p.list.Table().SetChecked(l.ID, true)
		}
	}
	return cmd
}

func (p *teacherPicker) confirm() tea.Cmd {
	if p.outcome.Busy {
		return nil
	}
	set := domain.ClassTeachers{HeadID: p.class.HeadID, Version: p.class.Version}
	if p.multi {
		// Lecturers not on this page (a disabled one among them) stay.
		shown := map[int64]bool{}
		for _, t := range p.list.Items() {
			shown[t.ID] = true
		}
		for _, l := range p.class.Lecturers {
			if !shown[l.ID] {
				set.LecturerIDs = append(set.LecturerIDs, l.ID)
			}
		}
		for _, t := range p.list.Checked() {
			set.LecturerIDs = append(set.LecturerIDs, t.ID)
		}
		if len(set.LecturerIDs) == 0 {
			p.outcome.Failure = "请用空格勾选授课教师"
			return nil
		}
	} else {
		t, ok := p.list.Selected()
		if !ok {
			return nil
		}
		set.HeadID = t.ID
		for _, l := range p.class.Lecturers {
			set.LecturerIDs = append(set.LecturerIDs, l.ID)
		}
	}
	p.outcome.Start()
	svc, id := p.c.Services.Plans, p.class.ID
	return common.Call(p.id, func(ctx context.Context) (any, error) {
		k, err := svc.SetClassTeachers(ctx, id, set)
		return teachersSet{k}, err
	})
}

func (p *teacherPicker) View() string {
	st := p.c.Styles
	title := "选择班主任（enter 选定）"
	if p.multi {
		title = "选入授课教师（空格勾选，enter 确认）"
	}
	head := st.Heading.Render(textwidth.Truncate(title, p.width, st.Ellipsis))
	return head + "\n" + p.list.View() + "\n" + p.outcome.View(p.c, p.width)
}

func (p *teacherPicker) SetSize(w, h int) {
	p.width = w
	p.list.SetSize(w, h-3)
}

func (p *teacherPicker) Typing() bool { return p.list.Typing() }

// Dirty reports ticks not confirmed: the lecturers ticked on the page
// differ from the class's.
func (p *teacherPicker) Dirty() bool {
	if !p.multi || !p.ticked {
		return false
	}
	current := map[int64]bool{}
	for _, l := range p.class.Lecturers {
		current[l.ID] = true
	}
	for _, t := range p.list.Items() {
		if p.list.Table().IsChecked(t.ID) != current[t.ID] {
			return true
		}
	}
	return false
}

func (p *teacherPicker) ShortHelp() []key.Binding {
	if p.multi {
		return append([]key.Binding{table.Tick, keyConfirm}, p.list.Help()...)
	}
	return append([]key.Binding{keyConfirm}, p.list.Help()...)
}

func (p *teacherPicker) FullHelp() [][]key.Binding {
	return [][]key.Binding{p.ShortHelp(), {p.c.Keys.Reload}}
}

// subjectForm is 新增科目内容 (step nine), taught by one of the class's
// lecturers; the hours start at what the class still lacks.
type subjectForm struct {
	pane.FormScreen
	st    *pane.Stack
	class domain.ClassDetail
}

type subjectAdded struct{ class domain.ClassDetail }

func newSubjectForm(st *pane.Stack, k domain.ClassDetail) *subjectForm {
	c := st.C()
	km := c.Keys
	lecturers := form.NewPicker(c.Styles, km, 4, "")
	opts := make([]form.Option, len(k.Lecturers))
	for i, l := range k.Lecturers {
		opts[i] = form.Option{Value: strconv.FormatInt(l.ID, 10), Label: l.Name + " " + l.Title}
	}
	lecturers.SetOptions(opts)
	f := &subjectForm{st: st, class: k}
	fm := form.New(c.Styles, km, 30,
		form.Field{Key: "name", Label: "科目名称", Control: form.NewText(km, false, 100), Check: form.Required("科目名称")},
		form.Field{Key: "hours", Label: "学时", Control: form.NewText(km, false, 8), Width: 10, Check: func(_ *form.Form, v string) string {
			h, msg := domain.ParseHours(v)
			if msg != "" {
				return msg
			}
			return domain.CheckHoursRange(h, domain.MaxCourseHours)
		}},
		form.Field{Key: "lecturer_id", Label: "授课教师", Control: lecturers, Width: 40, Check: func(_ *form.Form, v string) string {
			if v == "" {
				return "请选择授课教师"
			}
			return ""
		}},
		form.Field{Key: "content", Label: "科目内容", Control: form.NewText(km, false, 1000)},
	)
	if left := k.Hours - k.SubjectHours(); left > 0 {
		fm.SetValue("hours", left.String())
	}
	f.FormScreen = pane.NewFormScreen(c, fm, f.send)
	return f
}

func (f *subjectForm) Init() tea.Cmd { return nil }

func (f *subjectForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if _, ok := msg.Value.(subjectAdded); ok && msg.To == f.ID && f.Saved(msg.Err) {
			return f.st.Pop()
		}
	case tea.KeyMsg:
		return f.Key(msg)
	}
	return nil
}

func (f *subjectForm) send() tea.Cmd {
	hours, _ := domain.ParseHours(f.Form.Value("hours"))
	lecturer, _ := strconv.ParseInt(f.Form.Value("lecturer_id"), 10, 64)
	in := domain.SubjectInput{Name: f.Form.Value("name"), Hours: hours, LecturerID: lecturer, Content: f.Form.Value("content")}
	svc, id := f.C.Services.Plans, f.class.ID
	return common.Call(f.ID, func(ctx context.Context) (any, error) {
		k, err := svc.AddSubject(ctx, id, in)
		return subjectAdded{k}, err
	})
}

func (f *subjectForm) View() string {
	st := f.C.Styles
	head := st.Heading.Render(textwidth.Truncate("新增科目内容："+f.class.Name, f.Width, st.Ellipsis))
	hint := st.Muted.Render(textwidth.Truncate("培训班学时 "+f.class.Hours.String()+"，已有科目合计 "+f.class.SubjectHours().String(), f.Width, st.Ellipsis))
	return lipgloss.JoinVertical(lipgloss.Left, head, hint, "", f.Form.View(), "", f.Outcome.View(f.C, f.Width))
}

func (f *subjectForm) ShortHelp() []key.Binding {
	return []key.Binding{f.C.Keys.Save, f.C.Keys.Next, f.C.Keys.Choose}
}

func (f *subjectForm) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.ShortHelp(), {f.C.Keys.Prev}}
}
