package plan

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Keys of the review screens.
var (
	keyAllStates = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "待审核/全部"))
	keyApprove   = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "同意"))
	keyReturn    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "不同意并退案"))
	keyReject    = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "不同意并结案"))
)

// NewReview builds 专业课计划审核.
func NewReview(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newReviewList(s) })
}

// reviewList is the queue: plans waiting for review first, or every plan
// sent to review.
type reviewList struct {
	c     *common.Common
	st    *pane.Stack
	list  *pane.List[domain.Plan]
	all   bool
	width int
}

func newReviewList(st *pane.Stack) *reviewList {
	c := st.C()
	r := &reviewList{c: c, st: st}
	svc := c.Services.Plans
	r.list = pane.NewList(c, "没有待审核的计划", "名称", []table.Column{
		{Title: "申报单位", Width: 10, Flex: true}, {Title: "计划名称", Width: 10, Flex: true}, {Title: "状态", Width: 6},
	}, func(p domain.Plan) table.Row {
		return table.Row{ID: p.ID, Cells: []string{p.UnitName, p.Name, p.Status.Label()}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Plan], error) {
		f := domain.PlanFilter{Status: domain.PlanSubmitted, Name: q, PageRequest: pr}
		if r.all {
			f.Status = ""
		}
		return func(ctx context.Context) (domain.Page[domain.Plan], error) { return svc.ListPlanReviews(ctx, f) }
	})
	return r
}

func (r *reviewList) Init() tea.Cmd { return r.list.Load() }

// Resume shows the queue without the plan just decided.
func (r *reviewList) Resume() tea.Cmd { return r.list.Load() }

func (r *reviewList) Update(msg tea.Msg) tea.Cmd {
	if cmd, used := r.list.Update(msg); used {
		return cmd
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, keyAllStates):
			r.all = !r.all
			return r.list.Load()
		case key.Matches(k, keyOpen):
			if p, ok := r.list.Selected(); ok {
				return r.st.Push(newReviewView(r.st, p.ID))
			}
		}
	}
	return nil
}

func (r *reviewList) View() string {
	st := r.c.Styles
	scope := "待审核的计划"
	if r.all {
		scope = "全部已送审的计划"
	}
	return st.Muted.Render(textwidth.Truncate("显示："+scope, r.width, st.Ellipsis)) + "\n" + r.list.View()
}

func (r *reviewList) SetSize(w, h int) {
	r.width = w
	r.list.SetSize(w, h-1)
}

func (r *reviewList) Typing() bool { return r.list.Typing() }

func (r *reviewList) ShortHelp() []key.Binding {
	open := keyOpen
	open.SetHelp("enter", "审核")
	return append([]key.Binding{open, keyAllStates}, r.list.Help()...)
}

func (r *reviewList) FullHelp() [][]key.Binding {
	return [][]key.Binding{r.ShortHelp(), {r.c.Keys.Reload}}
}

// reviewView is a plan as the authority reviews it: the whole plan with
// classes, teachers and subjects, its attachments and history, and the
// decision keys.
type reviewView struct {
	c        *common.Common
	st       *pane.Stack
	id       common.ScreenID
	planID   int64
	detail   domain.PlanDetail
	loaded   bool
	lines    []string
	offset   int
	files    *attachment.Panel
	history  *history.Panel
	section  section
	decision string // the action being decided, "" when none
	comment  *form.Form
	outcome  pane.Outcome
	ask      pane.Confirm // the decision is asked first
	width    int
	height   int
}

type reviewed struct{ plan domain.Plan }

func newReviewView(st *pane.Stack, planID int64) *reviewView {
	c := st.C()
	return &reviewView{c: c, st: st, id: c.NewID(), planID: planID,
		files: attachment.New(c, domain.EntityPlan), history: history.New(c, domain.EntityPlan, planStateLabel)}
}

func (v *reviewView) Init() tea.Cmd { return v.load() }

func (v *reviewView) load() tea.Cmd {
	svc, id := v.c.Services.Plans, v.planID
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		d, err := svc.GetPlan(ctx, id)
		return planLoaded{d}, err
	})
}

func (v *reviewView) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.key(k)
	}
	cmds := []tea.Cmd{v.files.Update(msg, false), v.history.Update(msg, false)}
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
		v.detail, v.loaded = val.detail, true
		v.lines = planLines(v.c, v.detail, v.width)
		cmds = append(cmds, v.files.Load(v.planID, false))
	case reviewed:
		if r.Err != nil {
			v.outcome.FailForm(v.comment, r.Err)
			break
		}
		v.decision = ""
		v.outcome.Done("已审核：" + val.plan.Status.Label())
		cmds = append(cmds, v.load())
	}
	return tea.Batch(cmds...)
}

func (v *reviewView) key(k tea.KeyMsg) tea.Cmd {
	km := v.c.Keys
	if cmd, asked := v.ask.Update(v.c, k); asked {
		return cmd
	}
	if v.decision != "" {
		if key.Matches(k, km.Back) {
			v.decision = ""
			return nil
		}
		if v.comment.Update(k) == form.Submitted || key.Matches(k, km.Save) {
			return v.decide()
		}
		return nil
	}
	switch {
	case key.Matches(k, km.NextSection), key.Matches(k, km.PrevSection):
		if key.Matches(k, km.PrevSection) {
			v.section = (v.section + sectionCount - 1) % sectionCount
		} else {
			v.section = (v.section + 1) % sectionCount
		}
		if v.section == sectionHistory {
			return v.history.Load(v.planID)
		}
		return nil
	case v.section == sectionFiles:
		return v.files.Update(k, true)
	case v.section == sectionHistory:
		return v.history.Update(k, true)
	case key.Matches(k, km.Reload):
		return v.load()
	case key.Matches(k, keyApprove):
		v.startDecision(domain.PlanApprove)
	case key.Matches(k, keyReturn):
		v.startDecision(domain.PlanReturn)
	case key.Matches(k, keyReject):
		v.startDecision(domain.PlanReject)
	case key.Matches(k, km.Up):
		v.offset = max(v.offset-1, 0)
	case key.Matches(k, km.Down):
		v.offset = min(v.offset+1, max(len(v.lines)-v.bodyRows(), 0))
	}
	return nil
}

func (v *reviewView) startDecision(action string) {
	if !v.loaded {
		return
	}
	if v.detail.Status != domain.PlanSubmitted {
		v.outcome.Failure = "计划当前为“" + v.detail.Status.Label() + "”，不能审核"
		return
	}
	label := "审核意见"
	check := func(*form.Form, string) string { return "" }
	if action != domain.PlanApprove {
		label = "不同意原因"
		check = form.Required("不同意的原因")
	}
	v.comment = form.New(v.c.Styles, v.c.Keys, 40, form.Field{Key: "comment", Label: label,
		Control: form.NewText(v.c.Keys, false, 500), Check: check})
	v.comment.SetWidth(v.width)
	v.decision = action
	v.outcome.Clear()
}

// decisionLabels name the decisions as the question and the form do.
var decisionLabels = map[string]string{domain.PlanApprove: "同意", domain.PlanReturn: "不同意并退案", domain.PlanReject: "不同意并结案"}

// decide asks before the decision, which the unit sees and which cannot
// be taken back.
func (v *reviewView) decide() tea.Cmd {
	if v.outcome.Busy || !v.outcome.Validate(v.comment) {
		return nil
	}
	v.ask.Ask(decisionLabels[v.decision]+"计划“"+v.detail.Name+"”（"+v.detail.UnitName+"）？", v.send)
	return nil
}

func (v *reviewView) send() tea.Cmd {
	r := domain.PlanReview{Action: v.decision, Version: v.detail.Version, Comment: v.comment.Value("comment")}
	v.outcome.Start()
	svc, id := v.c.Services.Plans, v.planID
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		p, err := svc.ReviewPlan(ctx, id, r)
		return reviewed{p}, err
	})
}

// Nested keeps esc for the decision and the attachment panel: esc
// abandons a decision.
func (v *reviewView) Nested() bool {
	return v.ask.Asking() || v.decision != "" || (v.section == sectionFiles && v.files.Nested())
}

func (v *reviewView) bodyRows() int {
	rows := v.height - 3
	if v.decision != "" {
		rows -= 3
	}
	return max(rows, 3)
}

func (v *reviewView) View() string {
	st := v.c.Styles
	if !v.loaded {
		if v.outcome.Failure != "" {
			return v.outcome.View(v.c, v.width)
		}
		return st.Notice.Render(v.c.Busy())
	}
	var body string
	switch v.section {
	case sectionFiles:
		body = v.files.View()
	case sectionHistory:
		body = v.history.View()
	default:
		end := min(v.offset+v.bodyRows(), len(v.lines))
		body = strings.Join(v.lines[min(v.offset, end):end], "\n")
	}
	parts := []string{tabLine(v.c, "计划详情", v.section, v.files.Len(), v.width), textwidth.Block(body, v.width, v.bodyRows())}
	if v.decision != "" {
		parts = append(parts, st.Heading.Render("审核："+decisionLabels[v.decision]+"（enter 提交，esc 放弃）"), v.comment.View())
	}
	if v.ask.Asking() {
		parts = append(parts, v.ask.View(v.c, v.width))
	} else {
		parts = append(parts, v.outcome.View(v.c, v.width))
	}
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

func (v *reviewView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.files.SetSize(w, max(h-3, 3))
	v.history.SetSize(w, max(h-3, 3))
	if v.loaded {
		v.lines = planLines(v.c, v.detail, w)
	}
	if v.comment != nil {
		v.comment.SetWidth(w)
	}
}

// Dirty reports a review comment typed and not sent.
func (v *reviewView) Dirty() bool { return v.decision != "" && v.comment.Dirty() }

// Discards reports whether k abandons the comment being typed.
func (v *reviewView) Discards(k tea.KeyMsg) bool {
	return !v.ask.Asking() && key.Matches(k, v.c.Keys.Back) && v.Dirty()
}

func (v *reviewView) Typing() bool {
	if v.ask.Asking() {
		return false
	}
	return v.decision != "" || (v.section == sectionFiles && v.files.Typing())
}

func (v *reviewView) ShortHelp() []key.Binding {
	km := v.c.Keys
	switch {
	case v.ask.Asking():
		return v.ask.Help(v.c)
	case v.decision != "":
		submit := km.Submit
		submit.SetHelp("enter", "提交")
		return []key.Binding{submit}
	case v.section == sectionFiles:
		return append(v.files.Help(), km.NextSection)
	case v.section == sectionHistory:
		return append(v.history.Help(), km.NextSection)
	}
	// A plan already reviewed offers no decision.
	if !v.loaded || v.detail.Status != domain.PlanSubmitted {
		return []key.Binding{km.NextSection}
	}
	return []key.Binding{keyApprove, keyReturn, keyReject, km.NextSection}
}

func (v *reviewView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.Keys.Up, v.c.Keys.Down, v.c.Keys.PrevSection, v.c.Keys.Reload}}
}
