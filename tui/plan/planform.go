package plan

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// planForm is 新申请 and the plan's own fields (steps two to four: fill
// in the plan, pick the course from the catalog by typing part of its
// name, 保存).
type planForm struct {
	pane.FormScreen
	st      *pane.Stack
	plan    domain.Plan
	courses *form.Picker
}

type coursesLoaded struct{ page domain.Page[domain.Course] }

type planSaved struct {
	plan    domain.Plan
	created bool
}

func newPlanForm(st *pane.Stack, p domain.Plan) *planForm {
	c := st.C()
	km := c.Keys
	f := &planForm{st: st, plan: p,
		courses: form.NewPicker(c.Styles, km, 5, "课程加载中"+c.Styles.Ellipsis)}
	fm := form.New(c.Styles, km, 30,
		form.Field{Key: "year", Label: "年度", Control: form.NewText(km, false, 4), Width: 8, Check: func(_ *form.Form, v string) string {
			if _, err := strconv.Atoi(domain.NormalizeInput(v)); err != nil {
				return "请填写四位年度"
			}
			return ""
		}},
		form.Field{Key: "course_id", Label: "专业课程", Control: f.courses, Width: 60, Check: func(_ *form.Form, v string) string {
			if v == "" {
				return "请选择专业课程"
			}
			return ""
		}},
		form.Field{Key: "name", Label: "计划名称", Control: form.NewText(km, false, 100), Check: form.Required("计划名称")},
		form.Field{Key: "audience", Label: "培训对象", Control: form.NewText(km, false, 200)},
		form.Field{Key: "description", Label: "计划说明", Control: form.NewText(km, false, 1000)},
	)
	year := time.Now().In(domain.ChinaTime).Year()
	if p.ID != 0 {
		year = p.Year
		fm.SetValue("name", p.Name)
		fm.SetValue("audience", p.Audience)
		fm.SetValue("description", p.Description)
	}
	fm.SetValue("year", strconv.Itoa(year))
	f.FormScreen = pane.NewFormScreen(c, fm, f.send)
	return f
}

func (f *planForm) Init() tea.Cmd {
	svc := f.C.Services.Courses
	return common.Call(f.ID, func(ctx context.Context) (any, error) {
		p, err := svc.ListCourses(ctx, domain.CourseFilter{PageRequest: domain.PageRequest{Limit: domain.MaxPageSize}})
		return coursesLoaded{p}, err
	})
}

func (f *planForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != f.ID {
			return nil
		}
		switch v := msg.Value.(type) {
		case coursesLoaded:
			f.coursesDone(v.page, msg.Err)
		case planSaved:
			return f.saved(v, msg.Err)
		}
	case tea.KeyMsg:
		if key.Matches(msg, f.C.Keys.Reload) {
			return f.Init()
		}
		return f.Key(msg)
	}
	return nil
}

func (f *planForm) coursesDone(page domain.Page[domain.Course], err error) {
	if err != nil {
		f.courses.SetEmpty("课程加载失败，按 ctrl+r 重试")
		f.Outcome.Failed(err)
		return
	}
	opts := make([]form.Option, 0, len(page.Items)+1)
	kept := false
	for _, k := range page.Items {
		opts = append(opts, form.Option{Value: strconv.FormatInt(k.ID, 10),
			Label: k.Code + " " + k.Name + "（" + k.Hours.String() + "学时）"})
		kept = kept || k.ID == f.plan.CourseID
	}
	// A course disabled since the plan chose it stays choosable for it.
	if f.plan.CourseID != 0 && !kept {
		opts = append(opts, form.Option{Value: strconv.FormatInt(f.plan.CourseID, 10),
			Label: f.plan.CourseCode + " " + f.plan.CourseName + "（已停用）"})
	}
	f.courses.SetOptions(opts)
	if f.plan.CourseID != 0 {
		f.courses.SetValue(strconv.FormatInt(f.plan.CourseID, 10))
	}
}

func (f *planForm) send() tea.Cmd {
	year, _ := strconv.Atoi(domain.NormalizeInput(f.Form.Value("year")))
	course, _ := strconv.ParseInt(f.Form.Value("course_id"), 10, 64)
	in := domain.PlanInput{Year: year, CourseID: course, Name: strings.TrimSpace(f.Form.Value("name")),
		Audience: f.Form.Value("audience"), Description: f.Form.Value("description"), Version: f.plan.Version}
	svc, id := f.C.Services.Plans, f.plan.ID
	return common.Call(f.ID, func(ctx context.Context) (any, error) {
		if id == 0 {
			p, err := svc.CreatePlan(ctx, in)
			return planSaved{p, true}, err
		}
		p, err := svc.UpdatePlan(ctx, id, in)
		return planSaved{p, false}, err
	})
}

// saved opens a new plan's screen in place of the form (next: 新增
// 培训班), or returns to the plan's screen.
func (f *planForm) saved(v planSaved, err error) tea.Cmd {
	if !f.Saved(err) {
		return nil
	}
	if v.created {
		return f.st.Replace(newPlanView(f.st, v.plan.ID))
	}
	return f.st.Pop()
}

func (f *planForm) View() string {
	st := f.C.Styles
	title := "新申请专业课计划"
	if f.plan.ID != 0 {
		title = "修改计划：" + f.plan.Name
	}
	head := st.Heading.Render(textwidth.Truncate(title, f.Width, st.Ellipsis))
	return lipgloss.JoinVertical(lipgloss.Left, head, "", f.Form.View(), "", f.Outcome.View(f.C, f.Width))
}

func (f *planForm) ShortHelp() []key.Binding {
	return []key.Binding{f.C.Keys.Save, f.C.Keys.Next, f.C.Keys.Choose}
}

func (f *planForm) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.ShortHelp(), {f.C.Keys.Prev, f.C.Keys.Reload}}
}
