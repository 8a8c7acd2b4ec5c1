// Package plan is 专业课计划申报 (a unit's course plans, their classes,
// teachers, subjects and attachments, and 送审) and the authorities'
// 专业课计划审核. The editor follows the manual's twelve steps: each
// sub-window (plan form, class, teacher choice, subject) is a screen of its
// own on the module's stack, closed with esc.
package plan

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleApply  = "plan.apply"
	ModuleReview = "authority.planreview"
)

// Keys of screens without text fields, where letters are commands.
var (
	keyNew    = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增"))
	keyOpen   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "打开"))
	keyDelete = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "删除"))
)

// NewApply builds 专业课计划申报.
func NewApply(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newPlanList(s) })
}

func planStateLabel(s string) string { return domain.PlanStatus(s).Label() }

// planList is the unit's plans: 新申请 opens an empty plan form.
type planList struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	list    *pane.List[domain.Plan]
	ask     pane.Confirm // 删除 is asked first
	outcome pane.Outcome
	width   int
}

type planDeleted struct{ name string }

func newPlanList(st *pane.Stack) *planList {
	c := st.C()
	svc := c.Services.Plans
	l := &planList{c: c, st: st, id: c.NewID()}
	l.list = pane.NewList(c, "尚无计划，按 n 新申请", "名称", []table.Column{
		{Title: "年度", Width: 4}, {Title: "计划名称", Width: 12, Flex: true},
		{Title: "班数", Width: 4}, {Title: "状态", Width: 12},
	}, func(p domain.Plan) table.Row {
		return table.Row{ID: p.ID, Cells: []string{strconv.Itoa(p.Year), p.Name, strconv.Itoa(p.Classes), p.Status.Label()}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Plan], error) {
		return func(ctx context.Context) (domain.Page[domain.Plan], error) {
			return svc.ListPlans(ctx, domain.PlanFilter{Name: q, PageRequest: pr})
		}
	})
	return l
}

func (l *planList) Init() tea.Cmd { return l.list.Load() }

// Resume shows what the plan screens changed.
func (l *planList) Resume() tea.Cmd { return l.list.Load() }

func (l *planList) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		if cmd, asked := l.ask.Update(l.c, k); asked {
			return cmd
		}
	}
	if cmd, used := l.list.Update(msg); used {
		return cmd
	}
	switch msg := msg.(type) {
	case common.Result:
		if v, ok := msg.Value.(planDeleted); ok && msg.To == l.id {
			if msg.Err != nil {
				l.outcome.Failed(msg.Err)
				return nil
			}
			l.outcome.Done("已删除计划：" + v.name)
			return l.list.Load()
		}
	case tea.KeyMsg:
		sel, ok := l.list.Selected()
		switch {
		case key.Matches(msg, keyNew):
			l.outcome.Clear()
			return l.st.Push(newPlanForm(l.st, domain.Plan{}))
		case key.Matches(msg, keyOpen) && ok:
			l.outcome.Clear()
			return l.st.Push(newPlanView(l.st, sel.ID))
		case key.Matches(msg, keyDelete) && ok:
			if sel.Status != domain.PlanDraft {
				l.outcome.Failure = "只能删除从未送审的草稿计划"
				return nil
			}
			l.ask.Ask("删除计划“"+sel.Name+"”？", func() tea.Cmd { return l.delete(sel) })
		}
	}
	return nil
}

func (l *planList) delete(p domain.Plan) tea.Cmd {
	l.outcome.Start()
	svc := l.c.Services.Plans
	return common.Call(l.id, func(ctx context.Context) (any, error) {
		return planDeleted{p.Name}, svc.DeletePlan(ctx, p.ID, domain.VersionRef{Version: p.Version})
	})
}

// Nested keeps esc for the delete question.
func (l *planList) Nested() bool { return l.ask.Asking() }

func (l *planList) View() string {
	foot := l.outcome.View(l.c, l.width)
	if l.ask.Asking() {
		foot = l.ask.View(l.c, l.width)
	}
	return l.list.View() + "\n" + foot
}

func (l *planList) SetSize(w, h int) {
	l.width = w
	l.list.SetSize(w, h-2)
}

func (l *planList) Typing() bool { return l.list.Typing() }

func (l *planList) ShortHelp() []key.Binding {
	if l.ask.Asking() {
		return l.ask.Help(l.c)
	}
	n := keyNew
	n.SetHelp("n", "新申请")
	out := []key.Binding{n, keyOpen}
	if sel, ok := l.list.Selected(); ok && sel.Status == domain.PlanDraft {
		out = append(out, keyDelete)
	}
	return append(out, l.list.Help()...)
}

func (l *planList) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {l.c.Keys.Reload}}
}

// problemLines orders a refused 送审's problems as the plan reads: the
// plan's own fields, then each class in turn.
func problemLines(fields map[string]string) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fields[k]
	}
	return out
}

// naturalLess compares keys like "classes[10].head" by their numbers.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return na < nb
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// field is one label and value of a read-only block.
type field struct{ label, value string }

// fieldLines lays fields out as "label：value", values wrapped under
// themselves, within w cells.
func fieldLines(c *common.Common, fields []field, w int) []string {
	st := c.Styles
	lw := 0
	for _, f := range fields {
		lw = max(lw, textwidth.Width(f.label))
	}
	room := max(w-lw-1, 6)
	wrap := lipgloss.NewStyle().Width(room)
	var out []string
	for _, f := range fields {
		value := f.value
		if value == "" {
			value = st.Muted.Render("（未填写）")
		}
		for i, l := range strings.Split(wrap.Render(value), "\n") {
			head := textwidth.PadLeft(f.label, lw) + "："
			if i > 0 {
				head = strings.Repeat(" ", lw+2)
			}
			out = append(out, st.Label.Render(head)+strings.TrimRight(l, " "))
		}
	}
	return out
}

// teacherNames joins the teachers' names, marking disabled ones.
func teacherNames(ts []domain.TeacherRef) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
		if !t.Enabled {
			names[i] += "（已禁用）"
		}
	}
	return strings.Join(names, "、")
}

// classLines describes a class for a detail view.
func classLines(c *common.Common, k domain.ClassDetail, n int, w int) []string {
	st := c.Styles
	out := []string{st.Heading.Render(textwidth.Truncate("培训班"+strconv.Itoa(n)+"："+k.Name, w, st.Ellipsis))}
	out = append(out, fieldLines(c, []field{
		{"培训日期", k.StartDate + " 至 " + k.EndDate},
		{"培训地点", k.Location},
		{"人数上限", strconv.Itoa(k.Capacity)},
		{"学时", k.Hours.String() + "（科目合计 " + k.SubjectHours().String() + "）"},
		{"班主任", k.HeadName},
		{"授课教师", teacherNames(k.Lecturers)},
	}, w)...)
	if len(k.Subjects) == 0 {
		return append(out, st.Muted.Render("  （尚无科目内容）"))
	}
	out = append(out, "  科目内容：")
	wrap := lipgloss.NewStyle().Width(max(w-4, 6))
	for _, s := range k.Subjects {
		text := s.Name + "，" + s.Hours.String() + "学时，" + s.LecturerName
		if s.Content != "" {
			text += "：" + s.Content
		}
		for i, l := range strings.Split(wrap.Render(text), "\n") {
			prefix := "  · "
			if i > 0 {
				prefix = "    "
			}
			out = append(out, prefix+strings.TrimRight(l, " "))
		}
	}
	return out
}

// planLines describes a whole plan, for the reviewer.
func planLines(c *common.Common, d domain.PlanDetail, w int) []string {
	submitted := ""
	if !d.SubmittedAt.IsZero() {
		submitted = d.SubmittedAt.In(domain.ChinaTime).Format("2006-01-02 15:04")
	}
	fields := []field{
		{"申报单位", d.UnitName},
		{"年度", strconv.Itoa(d.Year)},
		{"专业课程", d.CourseCode + " " + d.CourseName},
		{"计划名称", d.Name},
		{"培训对象", d.Audience},
		{"计划说明", d.Description},
		{"状态", d.Status.Label()},
		{"送审时间", submitted},
	}
	if d.ReviewComment != "" {
		fields = append(fields, field{"审核意见", d.ReviewComment})
	}
	out := fieldLines(c, fields, w)
	for i, k := range d.ClassList {
		out = append(out, "")
		out = append(out, classLines(c, k, i+1, w)...)
	}
	return out
}
