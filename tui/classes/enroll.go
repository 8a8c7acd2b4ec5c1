package classes

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Keys of 培训人员录入's 详细.
var (
	keyEnroll = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "录入"))
	keyCancel = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "取消录入"))
)

// enroll is a class's 详细: the unit's confirmed persons (filtered by
// name), ticked and 录入; 取消 takes one out again.
type enroll struct {
	c        *common.Common
	id       common.ScreenID
	class    domain.Class
	list     *pane.List[domain.Candidate]
	trainees map[int64]domain.Enrollment // active ones, by person
	outcome  pane.Outcome
	ask      pane.Confirm // 取消录入 is asked first
	width    int
}

type enrolled struct{ rows []domain.Enrollment }

type enrollmentCancelled struct{ row domain.Enrollment }

type classRefreshed struct {
	class    domain.Class
	trainees []domain.Enrollment
}

func newEnroll(st *pane.Stack, k domain.Class) *enroll {
	c := st.C()
	svc, flag := c.Services.Classes, c.Styles.Flag
	e := &enroll{c: c, id: c.NewID(), class: k, trainees: map[int64]domain.Enrollment{}}
	e.list = pane.NewList(c, "没有符合条件的已确认人员", "姓名", []table.Column{
		{Title: "姓名", Width: 8}, {Title: "身份证号", Width: 10, Flex: true}, {Title: "状态", Width: 6},
	}, func(p domain.Candidate) table.Row {
		state := ""
		if p.Enrolled {
			state = "已录入"
		}
		return table.Row{ID: p.PersonID, Cells: []string{flagged(p.Name, p.Dishonest, flag), p.IDNumber, state}}
	}, func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[domain.Candidate], error) {
		id, f := k.ID, domain.CandidateFilter{Name: q, PageRequest: pr}
		return func(ctx context.Context) (domain.Page[domain.Candidate], error) {
			return svc.ListCandidates(ctx, id, f)
		}
	})
	e.list.Table().SetCheckable(true)
	return e
}

func (e *enroll) Init() tea.Cmd { return tea.Batch(e.list.Load(), e.refresh()) }

// refresh reloads the class's count and its trainees (for 取消).
func (e *enroll) refresh() tea.Cmd {
	svc, id := e.c.Services.Classes, e.class.ID
	return common.Call(e.id, func(ctx context.Context) (any, error) {
		k, err := svc.GetClass(ctx, id)
		if err != nil {
			return classRefreshed{}, err
		}
		rows, err := svc.ListEnrollments(ctx, id)
		return classRefreshed{k.Class, rows}, err
	})
}

func (e *enroll) Update(msg tea.Msg) tea.Cmd {
	if cmd, used := e.list.Update(msg); used {
		return cmd
	}
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != e.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case classRefreshed:
			if msg.Err != nil {
				e.outcome.Failed(msg.Err)
				return nil
			}
			e.class = v.class
			e.trainees = map[int64]domain.Enrollment{}
			for _, t := range v.trainees {
				if t.Status == domain.EnrollmentActive {
					e.trainees[t.PersonID] = t
				}
			}
		case enrolled:
			if msg.Err != nil {
				e.outcome.Failed(msg.Err)
				return nil
			}
			names := make([]string, len(v.rows))
			for i, r := range v.rows {
				names[i] = r.PersonName
			}
			e.outcome.Done("已录入：" + strings.Join(names, "、"))
			e.list.Table().ClearChecks()
			return tea.Batch(e.list.Load(), e.refresh())
		case enrollmentCancelled:
			if msg.Err != nil {
				e.outcome.Failed(msg.Err)
				return nil
			}
			e.outcome.Done("已取消录入：" + v.row.PersonName)
			return tea.Batch(e.list.Load(), e.refresh())
		}
	case tea.KeyMsg:
		return e.key(msg)
	}
	return nil
}

func (e *enroll) key(k tea.KeyMsg) tea.Cmd {
	if cmd, asked := e.ask.Update(e.c, k); asked {
		return cmd
	}
	if e.outcome.Busy {
		return nil
	}
	svc, classID := e.c.Services.Classes, e.class.ID
	switch {
	case key.Matches(k, keyEnroll):
		var ids []int64
		for _, p := range e.list.Checked() {
			if !p.Enrolled {
				ids = append(ids, p.PersonID)
			}
		}
		if len(ids) == 0 {
			e.outcome.Failure = "请用空格勾选未录入的人员，再按 a 录入"
			return nil
		}
		e.outcome.Start()
		return common.Call(e.id, func(ctx context.Context) (any, error) {
			rows, err := svc.Enroll(ctx, classID, domain.EnrollRequest{PersonIDs: ids})
			return enrolled{rows}, err
		})
	case key.Matches(k, keyCancel):
		p, ok := e.list.Selected()
		t, in := e.trainees[p.PersonID]
		if !ok || !in {
			e.outcome.Failure = "所选人员未录入本班"
			return nil
		}
		e.ask.Ask("取消录入 "+t.PersonName+"（"+e.class.Name+"）？", func() tea.Cmd {
			e.outcome.Start()
			return common.Call(e.id, func(ctx context.Context) (any, error) {
				row, err := svc.CancelEnrollment(ctx, t.ID, domain.VersionRef{Version: t.Version})
				return enrollmentCancelled{row}, err
			})
		})
	}
	return nil
}

// Dirty reports persons ticked and not yet 录入.
func (e *enroll) Dirty() bool {
	for _, p := range e.list.Checked() {
		if !p.Enrolled {
			return true
		}
	}
	return false
}

// Nested keeps esc for the question.
func (e *enroll) Nested() bool { return e.ask.Asking() }

func (e *enroll) View() string {
	st := e.c.Styles
	line := func(s string) string { return textwidth.Truncate(s, e.width, st.Ellipsis) }
	head := []string{
		st.Heading.Render(line("培训人员录入：" + e.class.Name)),
		line("已录入 " + strconv.Itoa(e.class.Enrolled) + " / 人数上限 " + strconv.Itoa(e.class.Capacity) + "  （" + e.class.Status.Label() + "）"),
	}
	foot := e.outcome.View(e.c, e.width)
	if e.ask.Asking() {
		foot = e.ask.View(e.c, e.width)
	}
	return strings.Join(head, "\n") + "\n" + e.list.View() + "\n" + foot
}

func (e *enroll) SetSize(w, h int) {
	e.width = w
	e.list.SetSize(w, h-5)
}

func (e *enroll) Typing() bool { return !e.ask.Asking() && e.list.Typing() }

func (e *enroll) ShortHelp() []key.Binding {
	if e.ask.Asking() {
		return e.ask.Help(e.c)
	}
	return append([]key.Binding{table.Tick, keyEnroll, keyCancel}, e.list.Help()...)
}

func (e *enroll) FullHelp() [][]key.Binding {
	return [][]key.Binding{e.ShortHelp(), {table.TickAll, e.c.Keys.Reload}}
}
