package classes

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Keys of 成绩/考核结果录入.
var (
	keyEditResult = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "录入成绩"))
	keyPass       = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "合格"))
	keyFail       = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "不合格"))
)

// passMark is the score from which the result picker suggests 合格.
const passMark = 60

// results is 成绩/考核结果录入: every active trainee's score and result,
// edited here and saved together with 保存.
type results struct {
	c       *common.Common
	id      common.ScreenID
	class   domain.Class
	rows    []domain.Enrollment
	edits   map[int64]domain.ResultEntry // changed, not yet saved
	table   *table.Table
	editing *form.Form // the selected trainee's score and result
	outcome pane.Outcome
	width   int
	height  int
}

type enrollmentsLoaded struct{ rows []domain.Enrollment }

type resultsSaved struct{ rows []domain.Enrollment }

func newResults(st *pane.Stack, k domain.Class) *results {
	c := st.C()
	return &results{c: c, id: c.NewID(), class: k, edits: map[int64]domain.ResultEntry{},
		table: table.New(c.Styles, c.Keys, "本班尚无培训人员",
			table.Column{Title: "姓名", Width: 8}, table.Column{Title: "身份证号", Width: 10, Flex: true},
			table.Column{Title: "成绩", Width: 4}, table.Column{Title: "考核结果", Width: 10})}
}

func (r *results) Init() tea.Cmd { return r.load() }

func (r *results) load() tea.Cmd {
	svc, id := r.c.Services.Classes, r.class.ID
	return common.Call(r.id, func(ctx context.Context) (any, error) {
		rows, err := svc.ListEnrollments(ctx, id)
		return enrollmentsLoaded{rows}, err
	})
}

func (r *results) show(rows []domain.Enrollment) {
	r.rows = r.rows[:0]
	for _, e := range rows {
		if e.Status == domain.EnrollmentActive {
			r.rows = append(r.rows, e)
		}
	}
	r.refresh()
}

// refresh redraws the rows with the unsaved edits, marked *.
func (r *results) refresh() {
	out := make([]table.Row, len(r.rows))
	for i, e := range r.rows {
		score, result := e.ScoreText(), e.Result.Label()
		if ed, ok := r.edits[e.ID]; ok {
			score, result = "", ed.Result.Label()+"*"
			if ed.Score != nil {
				score = strconv.Itoa(*ed.Score)
			}
		}
		out[i] = table.Row{ID: e.ID, Cells: []string{flagged(e.PersonName, e.Dishonest, r.c.Styles.Flag), e.IDNumber, score, result}}
	}
	r.table.SetRows(out)
}

func (r *results) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != r.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case enrollmentsLoaded:
			if msg.Err != nil {
				r.outcome.Failed(msg.Err)
				return nil
			}
			r.show(v.rows)
		case resultsSaved:
			if msg.Err != nil {
				r.outcome.Failed(msg.Err)
				if fields := domain.FieldErrorsOf(msg.Err); len(fields) > 0 {
					r.outcome.Failure = strings.Join(mapValues(fields), "；")
				}
				return nil
			}
			r.edits = map[int64]domain.ResultEntry{}
			r.show(v.rows)
			r.outcome.Done("成绩已保存")
		}
	case tea.KeyMsg:
		return r.key(msg)
	}
	return nil
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func (r *results) selected() (domain.Enrollment, bool) {
	sel, ok := r.table.Selected()
	if !ok {
		return domain.Enrollment{}, false
	}
	for _, e := range r.rows {
		if e.ID == sel.ID {
			return e, true
		}
	}
	return domain.Enrollment{}, false
}

// entry is the trainee's current entry: the unsaved edit, else as stored.
func (r *results) entry(e domain.Enrollment) domain.ResultEntry {
	if ed, ok := r.edits[e.ID]; ok {
		return ed
	}
	return domain.ResultEntry{EnrollmentID: e.ID, Score: e.Score, Result: e.Result, Version: e.Version}
}

func (r *results) key(k tea.KeyMsg) tea.Cmd {
	if r.editing != nil {
		return r.editKey(k)
	}
	if key.Matches(k, r.c.Keys.Save) {
		return r.save()
	}
	if key.Matches(k, r.c.Keys.Reload) {
		return r.load()
	}
	e, ok := r.selected()
	switch {
	case !ok:
	case !r.editable() && (key.Matches(k, keyEditResult) || key.Matches(k, keyPass) || key.Matches(k, keyFail)):
		r.outcome.Failure = "培训班" + r.class.Status.Label() + "，只有已开班的培训班可以录入成绩"
		return nil
	case key.Matches(k, keyEditResult):
		r.startEdit(e)
		return nil
	case key.Matches(k, keyPass), key.Matches(k, keyFail):
		ed := r.entry(e)
		ed.Result = domain.ResultPass
		if key.Matches(k, keyFail) {
			ed.Result = domain.ResultFail
		}
		r.edits[e.ID] = ed
		r.refresh()
		r.table.Update(tea.KeyMsg{Type: tea.KeyDown})
		return nil
	}
	r.table.Update(k)
	return nil
}

// editable reports whether the class takes results: only while open.
func (r *results) editable() bool { return r.class.Status == domain.ClassOpen }

func (r *results) startEdit(e domain.Enrollment) {
	km := r.c.Keys
	result := form.NewPicker(r.c.Styles, km, 3, "")
	result.SetOptions([]form.Option{{Value: string(domain.ResultPass), Label: "合格"},
		{Value: string(domain.ResultFail), Label: "不合格"}, {Value: "none", Label: "未录入"}})
	r.editing = form.New(r.c.Styles, km, 12,
		form.Field{Key: "score", Label: "成绩", Control: form.NewText(km, false, 3), Check: func(f *form.Form, v string) string {
			v = domain.NormalizeInput(v)
			if v == "" {
				return ""
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return "成绩应为0至100的整数"
			}
			return ""
		}},
		form.Field{Key: "result", Label: "考核结果", Control: result, Width: 24},
	)
	ed := r.entry(e)
	if ed.Score != nil {
		r.editing.SetValue("score", strconv.Itoa(*ed.Score))
	}
	switch ed.Result {
	case domain.ResultNone:
		r.editing.SetValue("result", "none")
	default:
		r.editing.SetValue("result", string(ed.Result))
	}
	r.editing.SetWidth(r.width)
}

// editKey applies the edit form; leaving the score field suggests the
// result from the score.
func (r *results) editKey(k tea.KeyMsg) tea.Cmd {
	if key.Matches(k, r.c.Keys.Back) {
		r.editing = nil
		return nil
	}
	before := r.editing.Value("score")
	act := r.editing.Update(k)
	if v := r.editing.Value("score"); v != before {
		if n, err := strconv.Atoi(domain.NormalizeInput(v)); err == nil {
			if n >= passMark {
				r.editing.SetValue("result", string(domain.ResultPass))
			} else {
				r.editing.SetValue("result", string(domain.ResultFail))
			}
		}
	}
	if act != form.Submitted || !r.editing.Validate() {
		return nil
	}
	e, ok := r.selected()
	if !ok {
		r.editing = nil
		return nil
	}
	ed := r.entry(e)
	ed.Score = nil
	if v := domain.NormalizeInput(r.editing.Value("score")); v != "" {
		n, _ := strconv.Atoi(v)
		ed.Score = &n
	}
	ed.Result = domain.Result(r.editing.Value("result"))
	if ed.Result == "none" {
		ed.Result = domain.ResultNone
	}
	r.edits[e.ID] = ed
	r.editing = nil
	r.refresh()
	r.table.Update(tea.KeyMsg{Type: tea.KeyDown})
	return nil
}

func (r *results) save() tea.Cmd {
	if len(r.edits) == 0 {
		r.outcome.Failure = "没有需要保存的修改"
		return nil
	}
	if r.outcome.Busy {
		return nil
	}
	sheet := domain.ResultSheet{}
	for _, e := range r.rows {
		if ed, ok := r.edits[e.ID]; ok {
			sheet.Entries = append(sheet.Entries, ed)
		}
	}
	r.outcome.Start()
	svc, id := r.c.Services.Classes, r.class.ID
	return common.Call(r.id, func(ctx context.Context) (any, error) {
		rows, err := svc.SaveResults(ctx, id, sheet)
		return resultsSaved{rows}, err
	})
}

// Dirty reports marks not saved yet, or a score being typed.
func (r *results) Dirty() bool {
	return len(r.edits) > 0 || (r.editing != nil && r.editing.Dirty())
}

// Discards reports whether k closes the edit form with a changed value.
func (r *results) Discards(k tea.KeyMsg) bool {
	return key.Matches(k, r.c.Keys.Back) && r.editing != nil && r.editing.Dirty()
}

// Nested keeps esc for the edit form.
func (r *results) Nested() bool { return r.editing != nil }

func (r *results) View() string {
	st := r.c.Styles
	line := func(s string) string { return textwidth.Truncate(s, r.width, st.Ellipsis) }
	head := st.Heading.Render(line("成绩/考核结果录入：" + r.class.Name + "（" + r.class.Status.Label() + "）"))
	info := st.Muted.Render(line("p 合格 f 不合格 enter 录入；*未保存，ctrl+s 保存"))
	if !r.editable() {
		info = st.Muted.Render(line("培训班" + r.class.Status.Label() + "，成绩只能查看"))
	}
	rows := r.height - 4
	var edit string
	if r.editing != nil {
		e, _ := r.selected()
		edit = st.Heading.Render(line("录入："+e.PersonName+"（enter 确定，esc 放弃）")) + "\n" + r.editing.View()
		rows -= 2 + strings.Count(r.editing.View(), "\n") + 1
	}
	r.table.SetSize(r.width, max(rows, 3))
	parts := []string{head, info, r.table.View()}
	if edit != "" {
		parts = append(parts, edit)
	}
	parts = append(parts, r.outcome.View(r.c, r.width))
	return strings.Join(parts, "\n")
}

func (r *results) SetSize(w, h int) {
	r.width, r.height = w, h
	if r.editing != nil {
		r.editing.SetWidth(w)
	}
}

func (r *results) Typing() bool { return r.editing != nil }

func (r *results) ShortHelp() []key.Binding {
	if r.editing != nil {
		return []key.Binding{r.c.Keys.Submit, r.c.Keys.Next}
	}
	if !r.editable() {
		return nil
	}
	return []key.Binding{keyEditResult, keyPass, keyFail, r.c.Keys.Save}
}

func (r *results) FullHelp() [][]key.Binding {
	return [][]key.Binding{r.ShortHelp(), {r.c.Keys.Reload}}
}
