package plan

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// section is one panel of a plan's screen.
type section int

const (
	sectionPlan section = iota
	sectionFiles
	sectionHistory
	sectionCount
)

// tabLine names the sections, the current one marked.
func tabLine(c *common.Common, first string, cur section, files, w int) string {
	st := c.Styles
	names := []string{first, "附件(" + strconv.Itoa(files) + ")", "历史"}
	parts := make([]string, len(names))
	for i, n := range names {
		if section(i) == cur {
			parts[i] = st.Selected.Render(" " + n + " ")
		} else {
			parts[i] = st.Muted.Render(" " + n + " ")
		}
	}
	line := strings.Join(parts, " ")
	if hint := st.Muted.Render(" ctrl+n 切换"); textwidth.Width(line+hint) <= w {
		line += hint
	}
	return line
}

// planView is a plan's own screen: its fields and classes (steps five to
// ten start here), its attachments (step eleven) and history, and 送审
// (step twelve).
type planView struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	planID  int64
	detail  domain.PlanDetail
	loaded  bool
	classes *table.Table
	files   *attachment.Panel
	history *history.Panel
	section section
	ask     pane.Confirm // 删除培训班 and 送审 are asked first
	outcome pane.Outcome
	width   int
	height  int
}

type planLoaded struct{ detail domain.PlanDetail }

type planSubmitted struct{ plan domain.Plan }

type classDeleted struct{ name string }

// Keys of the plan's screen.
var (
	keyNewClass    = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "新增培训班"))
	keyOpenClass   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "培训班"))
	keyEditPlan    = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "修改计划"))
	keyDeleteClass = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "删除培训班"))
)

func newPlanView(st *pane.Stack, planID int64) *planView {
	c := st.C()
	v := &planView{c: c, st: st, id: c.NewID(), planID: planID,
		files:   attachment.New(c, domain.EntityPlan),
		history: history.New(c, domain.EntityPlan, planStateLabel),
		classes: table.New(c.Styles, c.Keys, "尚无培训班，按 n 新增",
			table.Column{Title: "培训班", Width: 10, Flex: true}, table.Column{Title: "开始日期", Width: 10},
			table.Column{Title: "学时", Width: 4}, table.Column{Title: "科目", Width: 4}),
	}
	return v
}

func (v *planView) Init() tea.Cmd { return v.load() }

// Resume reloads what a sub-window changed. A refusal shown before
// (计划尚不能送审) spoke of the plan as it was; the operator has been
// fixing it, and the next 送审 judges it again.
func (v *planView) Resume() tea.Cmd {
	if v.outcome.Failure != "" {
		v.outcome.Clear()
	}
	return v.load()
}

func (v *planView) load() tea.Cmd {
	svc, id := v.c.Services.Plans, v.planID
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		d, err := svc.GetPlan(ctx, id)
		return planLoaded{d}, err
	})
}

func (v *planView) editable() bool { return v.loaded && v.detail.Status.Editable() }

func (v *planView) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.key(k)
	}
	cmds := []tea.Cmd{v.files.Update(msg, false), v.history.Update(msg, false)}
	if v.files.TakeChanged() {
		cmds = append(cmds, v.load())
	}
	r, ok := msg.(common.Result)
	if !ok || r.To != v.id {
		return tea.Batch(cmds...)
	}
	switch val := r.Value.(type) {
	case planLoaded:
		if r.Err != nil {
			v.outcome.Failed(r.Err)
			break
		}
		v.show(val.detail)
		cmds = append(cmds, v.files.Load(v.planID, v.editable()))
	case planSubmitted:
		cmds = append(cmds, v.submitted(val.plan, r.Err))
	case classDeleted:
		if r.Err != nil {
			v.outcome.Failed(r.Err)
			break
		}
		v.outcome.Done("已删除培训班：" + val.name)
		cmds = append(cmds, v.load())
	}
	return tea.Batch(cmds...)
}

func (v *planView) show(d domain.PlanDetail) {
	v.detail, v.loaded = d, true
	rows := make([]table.Row, len(d.ClassList))
	for i, k := range d.ClassList {
		rows[i] = table.Row{ID: k.ID, Cells: []string{k.Name, k.StartDate, k.Hours.String(), strconv.Itoa(len(k.Subjects))}}
	}
	v.classes.SetRows(rows)
}

func (v *planView) key(k tea.KeyMsg) tea.Cmd {
	km := v.c.Keys
	if cmd, asked := v.ask.Update(v.c, k); asked {
		return cmd
	}
	switch {
	case key.Matches(k, km.NextSection), key.Matches(k, km.PrevSection):
		return v.switchSection(key.Matches(k, km.PrevSection))
	case key.Matches(k, km.SendReview):
		return v.submit()
	case v.section == sectionFiles:
		return v.files.Update(k, true)
	case v.section == sectionHistory:
		return v.history.Update(k, true)
	case key.Matches(k, km.Reload):
		return v.load()
	}
	if !v.loaded {
		return nil
	}
	sel, hasSel := v.selected()
	switch {
	case key.Matches(k, keyEditPlan):
		if !v.editable() {
			v.outcome.Failure = "计划" + v.detail.Status.Label() + "，不能修改"
			return nil
		}
		return v.st.Push(newPlanForm(v.st, v.detail.Plan))
	case key.Matches(k, keyNewClass):
		if !v.editable() {
			v.outcome.Failure = "计划" + v.detail.Status.Label() + "，不能新增培训班"
			return nil
		}
		return v.st.Push(newClassForm(v.st, v.detail.Plan, domain.ClassDetail{}))
	case key.Matches(k, keyOpenClass) && hasSel:
		return v.st.Push(newClassView(v.st, v.detail.Plan, sel.ID))
	case key.Matches(k, keyDeleteClass) && hasSel:
		if !v.editable() {
			v.outcome.Failure = "计划" + v.detail.Status.Label() + "，不能删除培训班"
			return nil
		}
		v.ask.Ask("删除培训班“"+sel.Name+"”？", func() tea.Cmd { return v.deleteClass(sel) })
		return nil
	}
	v.classes.Update(k)
	return nil
}

func (v *planView) switchSection(back bool) tea.Cmd {
	if back {
		v.section = (v.section + sectionCount - 1) % sectionCount
	} else {
		v.section = (v.section + 1) % sectionCount
	}
	if v.section == sectionHistory {
		return v.history.Load(v.planID)
	}
	return nil
}

func (v *planView) selected() (domain.ClassDetail, bool) {
	r, ok := v.classes.Selected()
	if !ok {
		return domain.ClassDetail{}, false
	}
	for _, k := range v.detail.ClassList {
		if k.ID == r.ID {
			return k, true
		}
	}
	return domain.ClassDetail{}, false
}

func (v *planView) deleteClass(cl domain.ClassDetail) tea.Cmd {
	v.outcome.Start()
	svc := v.c.Services.Plans
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		return classDeleted{cl.Name}, svc.DeleteClass(ctx, cl.ID, domain.VersionRef{Version: cl.Version})
	})
}

func (v *planView) submit() tea.Cmd {
	if !v.loaded || v.outcome.Busy {
		return nil
	}
	if !v.editable() {
		v.outcome.Failure = "计划" + v.detail.Status.Label() + "，不能送审"
		return nil
	}
	v.ask.Ask("送审计划“"+v.detail.Name+"”（"+strconv.Itoa(len(v.detail.ClassList))+"个培训班）？送审后不能修改", v.send)
	return nil
}

func (v *planView) send() tea.Cmd {
	v.outcome.Start()
	svc, id, version := v.c.Services.Plans, v.planID, v.detail.Version
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		p, err := svc.SubmitPlan(ctx, id, domain.PlanSubmit{Version: version})
		return planSubmitted{p}, err
	})
}

// submitted reports 送审; a refusal opens the list of every problem.
func (v *planView) submitted(p domain.Plan, err error) tea.Cmd {
	if err != nil {
		if fields := domain.FieldErrorsOf(err); len(fields) > 0 {
			v.outcome = pane.Outcome{Failure: domain.ErrorMessage(err) + "（共" + strconv.Itoa(len(fields)) + "项）"}
			return v.st.Push(newProblems(v.st, domain.ErrorMessage(err), problemLines(fields)))
		}
		v.outcome.Failed(err)
		return nil
	}
	v.outcome.Done("已送审，等待主管部门审核")
	return v.load()
}

// Nested keeps esc for the delete question and the attachment panel.
func (v *planView) Nested() bool {
	return v.ask.Asking() || (v.section == sectionFiles && v.files.Nested())
}

func (v *planView) View() string {
	st := v.c.Styles
	if !v.loaded {
		if v.outcome.Failure != "" {
			return v.outcome.View(v.c, v.width)
		}
		return st.Notice.Render(v.c.Busy())
	}
	lines := []string{tabLine(v.c, "计划", v.section, v.files.Len(), v.width)}
	var body string
	switch v.section {
	case sectionFiles:
		body = v.files.View()
	case sectionHistory:
		body = v.history.View()
	default:
		body = v.planBody()
	}
	lines = append(lines, body)
	foot := v.outcome.View(v.c, v.width)
	if v.ask.Asking() {
		foot = v.ask.View(v.c, v.width)
	}
	return textwidth.Block(strings.Join(lines, "\n"), v.width, v.height-2) + "\n" + foot
}

// planHead is the plan's fields above the classes.
func (v *planView) planHead() []string {
	d, st, w := v.detail, v.c.Styles, v.width
	line := func(s string) string { return textwidth.Truncate(s, w, st.Ellipsis) }
	out := []string{
		line(strconv.Itoa(d.Year) + "年度  状态：" + d.Status.Label()),
		line("专业课程：" + d.CourseCode + " " + d.CourseName),
		line("计划名称：" + d.Name),
		line("培训对象：" + d.Audience),
	}
	if d.ReviewComment != "" {
		out = append(out, st.Error.Render(line("审核意见："+d.ReviewComment)))
	}
	return out
}

func (v *planView) planBody() string {
	head := v.planHead()
	v.classes.SetSize(v.width, max(v.height-3-len(head), 3))
	return strings.Join(head, "\n") + "\n" + v.classes.View()
}

func (v *planView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.files.SetSize(w, max(h-3, 3))
	v.history.SetSize(w, max(h-3, 3))
}

func (v *planView) Typing() bool { return v.section == sectionFiles && v.files.Typing() }

func (v *planView) ShortHelp() []key.Binding {
	km := v.c.Keys
	switch {
	case v.ask.Asking():
		return v.ask.Help(v.c)
	case v.section == sectionFiles:
		return append(v.files.Help(), km.NextSection)
	case v.section == sectionHistory:
		return append(v.history.Help(), km.NextSection)
	}
	// Only what the plan's state allows: a submitted or approved plan
	// is read, not changed.
	if !v.editable() {
		return []key.Binding{keyOpenClass, km.NextSection}
	}
	return []key.Binding{keyNewClass, keyOpenClass, keyEditPlan, km.SendReview, km.NextSection}
}

func (v *planView) FullHelp() [][]key.Binding {
	more := []key.Binding{v.c.Keys.PrevSection, v.c.Keys.Reload}
	if v.editable() {
		more = append([]key.Binding{keyDeleteClass}, more...)
	}
	return [][]key.Binding{v.ShortHelp(), more}
}

// problems lists everything a refused 送审 found, all at once.
type problems struct {
	c      *common.Common
	title  string
	lines  []string
	offset int
	width  int
	height int
}

func newProblems(st *pane.Stack, title string, lines []string) *problems {
	return &problems{c: st.C(), title: title, lines: lines}
}

func (p *problems) Init() tea.Cmd { return nil }

func (p *problems) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, p.c.Keys.Up):
			p.offset = max(p.offset-1, 0)
		case key.Matches(k, p.c.Keys.Down):
			p.offset = min(p.offset+1, max(len(p.wrapped())-(p.height-2), 0))
		}
	}
	return nil
}

func (p *problems) wrapped() []string {
	var out []string
	for i, l := range p.lines {
		num := strconv.Itoa(i+1) + ". "
		indent := strings.Repeat(" ", len(num))
		for j, part := range textwidth.Wrap(l, max(p.width-len(num), 2)) {
			if j == 0 {
				out = append(out, num+part)
			} else {
				out = append(out, indent+part)
			}
		}
	}
	return out
}

func (p *problems) View() string {
	st := p.c.Styles
	lines := p.wrapped()
	end := min(p.offset+max(p.height-2, 1), len(lines))
	body := make([]string, 0, end-p.offset)
	for _, l := range lines[p.offset:end] {
		body = append(body, st.Error.Render(l))
	}
	return st.Heading.Render(textwidth.Truncate(p.title, p.width, st.Ellipsis)) + "\n\n" + strings.Join(body, "\n")
}

func (p *problems) SetSize(w, h int) { p.width, p.height = w, h }

func (p *problems) Typing() bool { return false }

func (p *problems) ShortHelp() []key.Binding {
	back := p.c.Keys.Back
	back.SetHelp("esc", "返回修改")
	return []key.Binding{back, p.c.Keys.Choose}
}

func (p *problems) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
