// Package classes is the unit's 培训班 modules over the classes of its
// approved plans: 培训班设置 (班级状态, 录入, 成绩/考核结果录入),
// 培训班考勤设置 (录入考勤, 设置普通考勤, 考勤查看) and 培训人员录入.
package classes

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleSetup      = "class.setup"
	ModuleAttendance = "class.attendance"
	ModuleEnroll     = "class.enroll"
)

// Keys of the class list.
var (
	keyStatus     = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "班级状态"))
	keyAttendance = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "录入"))
	keyResults    = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "成绩/考核结果"))
	keyDetail     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "详情"))
	keyOpenClass  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "打开"))
	keyEnrollOpen = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "详细"))
	keyActions    = []struct {
		key    key.Binding
		action string
	}{
		{key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "开班")), domain.ClassActionOpen},
		{key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "结班")), domain.ClassActionClose},
		{key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "取消")), domain.ClassActionCancel},
	}
)

// mode is which module a class list serves.
type mode int

const (
	modeSetup mode = iota
	modeAttendance
	modeEnroll
)

// NewSetup builds 培训班设置.
func NewSetup(c *common.Common) common.Component { return newModule(c, modeSetup) }

// NewAttendance builds 培训班考勤设置.
func NewAttendance(c *common.Common) common.Component { return newModule(c, modeAttendance) }

// NewEnroll builds 培训人员录入.
func NewEnroll(c *common.Common) common.Component { return newModule(c, modeEnroll) }

func newModule(c *common.Common, m mode) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newClassList(s, m) })
}

// classList is the unit's classes of approved plans; 培训人员录入 lists
// the open ones, where enrollment is possible.
type classList struct {
	c        *common.Common
	st       *pane.Stack
	id       common.ScreenID
	mode     mode
	list     *pane.List[domain.Class]
	choosing bool         // 班级状态: waiting for the action
	ask      pane.Confirm // then its question
	targets  []domain.Class
	outcome  pane.Outcome
	width    int
}

type statusChanged struct{ sum domain.ClassStatusSummary }

func newClassList(st *pane.Stack, m mode) *classList {
	c := st.C()
	svc := c.Services.Classes
	l := &classList{c: c, st: st, id: c.NewID(), mode: m}
	status := domain.ClassStatus("")
	empty := "没有培训班：专业课计划审核通过后，其培训班在此出现"
	if m == modeEnroll {
		status, empty = domain.ClassOpen, "没有已开班的培训班：请先在“培训班设置”中开班"
	}
	l.list = pane.NewList(c, empty, "名称", []table.Column{
		{Title: "培训班", Width: 10, Flex: true}, {Title: "开始日期", Width: 10},
		{Title: "人数", Width: 5}, {Title: "状态", Width: 6},
	}, func(k domain.Class) table.Row {
		return table.Row{ID: k.ID, Cells: []string{k.Name, k.StartDate,
			strconv.Itoa(k.Enrolled) + "/" + strconv.Itoa(k.Capacity), k.Status.Label()}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Class], error) {
		f := domain.ClassQuery{Status: status, Name: q, PageRequest: pr}
		return func(ctx context.Context) (domain.Page[domain.Class], error) { return svc.ListClasses(ctx, f) }
	})
	l.list.Table().SetCheckable(m == modeSetup)
	return l
}

func (l *classList) Init() tea.Cmd { return l.list.Load() }

// Resume shows counts and states the class screens changed.
func (l *classList) Resume() tea.Cmd { return l.list.Load() }

func (l *classList) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		if cmd, asked := l.ask.Update(l.c, k); asked {
			return cmd
		}
		if l.choosing {
			l.choose(k)
			return nil
		}
	}
	if cmd, used := l.list.Update(msg); used {
		return cmd
	}
	switch msg := msg.(type) {
	case common.Result:
		if v, ok := msg.Value.(statusChanged); ok && msg.To == l.id {
			if msg.Err != nil {
				l.outcome.Failed(msg.Err)
				return nil
			}
			l.outcome = summaryOutcome(v.sum)
			l.list.Table().ClearChecks()
			return l.list.Load()
		}
	case tea.KeyMsg:
		return l.key(msg)
	}
	return nil
}

func (l *classList) key(k tea.KeyMsg) tea.Cmd {
	sel, ok := l.list.Selected()
	switch l.mode {
	case modeSetup:
		switch {
		case key.Matches(k, keyStatus):
			l.targets = l.list.Checked()
			if len(l.targets) == 0 && ok {
				l.targets = []domain.Class{sel}
			}
			if len(l.targets) > 0 {
				l.choosing = true
				l.outcome.Clear()
			}
		case key.Matches(k, keyAttendance) && ok:
			return l.st.Push(newAttendance(l.st, sel))
		case key.Matches(k, keyResults) && ok:
			return l.st.Push(newResults(l.st, sel))
		case key.Matches(k, keyDetail) && ok:
			return l.st.Push(newClassInfo(l.st, sel))
		}
	case modeAttendance:
		if key.Matches(k, keyOpenClass) && ok {
			return l.st.Push(newAttendance(l.st, sel))
		}
	case modeEnroll:
		if key.Matches(k, keyEnrollOpen) && ok {
			return l.st.Push(newEnroll(l.st, sel))
		}
	}
	return nil
}

// choose takes the 班级状态 choice and asks before it, naming the
// classes and, for 结班 and 取消, how many persons are enrolled in them.
func (l *classList) choose(k tea.KeyMsg) {
	l.choosing = false
	action := ""
	for _, a := range keyActions {
		if key.Matches(k, a.key) {
			action = a.action
		}
	}
	if action == "" {
		return
	}
	names := make([]string, len(l.targets))
	enrolled := 0
	for i, t := range l.targets {
		names[i] = t.Name
		enrolled += t.Enrolled
	}
	q := domain.ClassActionLabel(action) + "培训班 " + strings.Join(names, "、")
	if action != domain.ClassActionOpen {
		q += "（已录入 " + strconv.Itoa(enrolled) + " 人）"
	}
	ids := make([]int64, len(l.targets))
	for i, t := range l.targets {
		ids[i] = t.ID
	}
	l.ask.Ask(q+"？", func() tea.Cmd {
		l.outcome.Start()
		svc := l.c.Services.Classes
		return common.Call(l.id, func(ctx context.Context) (any, error) {
			sum, err := svc.ChangeClassStatus(ctx, domain.ClassStatusChange{IDs: ids, Action: action})
			return statusChanged{sum}, err
		})
	})
}

// summaryOutcome says what a 班级状态 batch did and why it skipped any.
func summaryOutcome(sum domain.ClassStatusSummary) pane.Outcome {
	var parts []string
	if n := len(sum.Changed); n > 0 {
		done := "已" + domain.ClassActionLabel(sum.Action) + strconv.Itoa(n) + "个培训班"
		if sum.Action == domain.ClassActionClose {
			done += "，" + strconv.Itoa(sum.Credited) + "人记入学时"
		}
		parts = append(parts, done)
	}
	parts = append(parts, sum.Notes...)
	var refused []string
	for _, s := range sum.Skipped {
		refused = append(refused, s.Reason)
	}
	if len(refused) > 0 {
		return pane.Outcome{Failure: strings.Join(append(parts, refused...), "；")}
	}
	return pane.Outcome{Success: strings.Join(parts, "；")}
}

// Dirty reports classes ticked for a 班级状态 change not made yet.
func (l *classList) Dirty() bool { return l.mode == modeSetup && len(l.list.Checked()) > 0 }

// Nested keeps esc for the 班级状态 question.
func (l *classList) Nested() bool { return l.choosing || l.ask.Asking() }

func (l *classList) View() string {
	st := l.c.Styles
	foot := l.outcome.View(l.c, l.width)
	switch {
	case l.choosing:
		foot = st.Confirm.Render(textwidth.Truncate("班级状态（"+strconv.Itoa(len(l.targets))+"个）：1 开班  2 结班  3 取消", l.width, st.Ellipsis))
	case l.ask.Asking():
		foot = l.ask.View(l.c, l.width)
	}
	return l.list.View() + "\n" + foot
}

func (l *classList) SetSize(w, h int) {
	l.width = w
	l.list.SetSize(w, h-3)
}

func (l *classList) Typing() bool { return l.list.Typing() }

func (l *classList) ShortHelp() []key.Binding {
	switch {
	case l.choosing:
		return []key.Binding{keyActions[0].key, keyActions[1].key, keyActions[2].key}
	case l.ask.Asking():
		return l.ask.Help(l.c)
	}
	var out []key.Binding
	switch l.mode {
	case modeSetup:
		out = []key.Binding{table.Tick, keyStatus, keyAttendance, keyResults, keyDetail}
	case modeAttendance:
		out = []key.Binding{keyOpenClass}
	case modeEnroll:
		out = []key.Binding{keyEnrollOpen}
	}
	return append(out, l.list.Help()...)
}

func (l *classList) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp(), {table.TickAll, l.c.Keys.Reload}}
}

// classInfo is a class's details and its history.
type classInfo struct {
	c       *common.Common
	id      common.ScreenID
	class   domain.Class
	detail  domain.ClassDetail
	loaded  bool
	history *history.Panel
	failure string
	width   int
	height  int
}

type infoLoaded struct{ detail domain.ClassDetail }

func newClassInfo(st *pane.Stack, k domain.Class) *classInfo {
	c := st.C()
	return &classInfo{c: c, id: c.NewID(), class: k,
		history: history.New(c, domain.EntityClass, func(s string) string { return domain.ClassStatus(s).Label() })}
}

func (v *classInfo) Init() tea.Cmd {
	svc, id := v.c.Services.Classes, v.class.ID
	return tea.Batch(v.history.Load(id), common.Call(v.id, func(ctx context.Context) (any, error) {
		d, err := svc.GetClass(ctx, id)
		return infoLoaded{d}, err
	}))
}

func (v *classInfo) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.history.Update(k, true)
	}
	if r, ok := msg.(common.Result); ok && r.To == v.id {
		if d, ok := r.Value.(infoLoaded); ok {
			if r.Err != nil {
				v.failure = common.ErrorText(r.Err)
				return nil
			}
			v.detail, v.loaded = d.detail, true
		}
	}
	return v.history.Update(msg, false)
}

func (v *classInfo) View() string {
	st := v.c.Styles
	line := func(s string) string { return textwidth.Truncate(s, v.width, st.Ellipsis) }
	k := v.class
	if v.loaded {
		k = v.detail.Class
	}
	head := []string{
		st.Heading.Render(line(k.Name + "（" + k.Status.Label() + "）")),
		line("计划：" + k.PlanName),
		line("日期：" + k.StartDate + " 至 " + k.EndDate + "  学时：" + k.Hours.String()),
		line("地点：" + k.Location + "  人数：" + strconv.Itoa(k.Enrolled) + "/" + strconv.Itoa(k.Capacity)),
		line("班主任：" + k.HeadName),
	}
	if v.loaded {
		names := make([]string, len(v.detail.Lecturers))
		for i, t := range v.detail.Lecturers {
			names[i] = t.Name
		}
		head = append(head, line("授课教师："+strings.Join(names, "、")))
	}
	if v.failure != "" {
		head = append(head, st.Error.Render(line(v.failure)))
	}
	head = append(head, st.Heading.Render("历史"))
	v.history.SetSize(v.width, max(v.height-len(head), 3))
	return strings.Join(head, "\n") + "\n" + v.history.View()
}

func (v *classInfo) SetSize(w, h int) { v.width, v.height = w, h }

func (v *classInfo) Typing() bool { return false }

func (v *classInfo) ShortHelp() []key.Binding { return v.history.Help() }

func (v *classInfo) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

// flagged puts the 失信 mark (a person with an entry in force) before the
// person's name.
func flagged(name string, dishonest bool, flag string) string {
	if dishonest {
		return flag + name
	}
	return name
}
