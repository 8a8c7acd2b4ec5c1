package classes

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

// Keys of 培训班考勤设置.
var (
	keyNewSession = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "录入考勤"))
	keyNormal     = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "设置普通考勤"))
	keyMarks      = key.NewBinding(key.WithKeys("m", "enter"), key.WithHelp("m", "设置考勤"))
	keySheet      = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "考勤查看"))
)

// attendance is a class's 考勤时间 with the 考勤 keys: 录入考勤 adds a
// session, 设置普通考勤 marks everyone present and opens the exceptions,
// 考勤查看 shows the whole sheet.
type attendance struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	class   domain.Class
	sheet   domain.AttendanceSheet
	table   *table.Table
	outcome pane.Outcome
	width   int
	height  int
}

type sheetLoaded struct{ sheet domain.AttendanceSheet }

type normalSet struct{ session domain.AttendanceSession }

func newAttendance(st *pane.Stack, k domain.Class) *attendance {
	c := st.C()
	return &attendance{c: c, st: st, id: c.NewID(), class: k,
		table: table.New(c.Styles, c.Keys, "尚无考勤时间，按 n 录入考勤",
			table.Column{Title: "日期", Width: 10}, table.Column{Title: "时间", Width: 11},
			table.Column{Title: "已考勤", Width: 6, Flex: true})}
}

func (a *attendance) Init() tea.Cmd { return loadSheet(a.c, a.id, a.class.ID) }

// Resume shows the marks just set.
func (a *attendance) Resume() tea.Cmd { return a.Init() }

func loadSheet(c *common.Common, to common.ScreenID, classID int64) tea.Cmd {
	svc := c.Services.Classes
	return common.Call(to, func(ctx context.Context) (any, error) {
		s, err := svc.AttendanceSheet(ctx, classID)
		return sheetLoaded{s}, err
	})
}

func (a *attendance) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != a.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case sheetLoaded:
			if msg.Err != nil {
				a.outcome.Failed(msg.Err)
				return nil
			}
			a.sheet = v.sheet
			rows := make([]table.Row, len(v.sheet.Sessions))
			for i, s := range v.sheet.Sessions {
				rows[i] = table.Row{ID: s.ID, Cells: []string{s.Date, s.Start + "-" + s.End, strconv.Itoa(s.Marked) + "人"}}
			}
			a.table.SetRows(rows)
		case normalSet:
			if msg.Err != nil {
				a.outcome.Failed(msg.Err)
				return nil
			}
			a.outcome.Done("已设置普通考勤：" + v.session.Date + " " + v.session.Start + "-" + v.session.End)
			return a.st.Push(newMarks(a.st, a.class, v.session))
		}
	case tea.KeyMsg:
		return a.key(msg)
	}
	return nil
}

func (a *attendance) session() (domain.AttendanceSession, bool) {
	r, ok := a.table.Selected()
	if !ok {
		return domain.AttendanceSession{}, false
	}
	for _, s := range a.sheet.Sessions {
		if s.ID == r.ID {
			return s, true
		}
	}
	return domain.AttendanceSession{}, false
}

func (a *attendance) key(k tea.KeyMsg) tea.Cmd {
	s, ok := a.session()
	switch {
	case key.Matches(k, a.c.Keys.Reload):
		return a.Init()
	case key.Matches(k, keyNewSession):
		if a.class.Status != domain.ClassOpen {
			a.outcome.Failure = "培训班" + a.class.Status.Label() + "，只有已开班的培训班可以录入考勤"
			return nil
		}
		return a.st.Push(newSessionForm(a.st, a.class))
	case (key.Matches(k, keyNormal) || key.Matches(k, keyMarks)) && a.class.Status != domain.ClassOpen:
		a.outcome.Failure = "培训班" + a.class.Status.Label() + "，只有已开班的培训班可以设置考勤"
		return nil
	case key.Matches(k, keyNormal) && ok:
		a.outcome.Start()
		svc := a.c.Services.Classes
		return common.Call(a.id, func(ctx context.Context) (any, error) {
			got, err := svc.SetNormalAttendance(ctx, s.ID)
			return normalSet{got}, err
		})
	case key.Matches(k, keyMarks) && ok:
		return a.st.Push(newMarks(a.st, a.class, s))
	case key.Matches(k, keySheet):
		return a.st.Push(newSheetView(a.st, a.class))
	}
	a.table.Update(k)
	return nil
}

func (a *attendance) View() string {
	st := a.c.Styles
	line := func(s string) string { return textwidth.Truncate(s, a.width, st.Ellipsis) }
	head := []string{
		st.Heading.Render(line("考勤：" + a.class.Name + "（" + a.class.Status.Label() + "）")),
		line("培训期间：" + a.class.StartDate + " 至 " + a.class.EndDate + "  学员：" + strconv.Itoa(a.class.Enrolled) + "人"),
	}
	a.table.SetSize(a.width, max(a.height-len(head)-2, 3))
	return strings.Join(head, "\n") + "\n" + a.table.View() + "\n" + a.outcome.View(a.c, a.width)
}

func (a *attendance) SetSize(w, h int) { a.width, a.height = w, h }

func (a *attendance) Typing() bool { return false }

func (a *attendance) ShortHelp() []key.Binding {
	if a.class.Status != domain.ClassOpen {
		return []key.Binding{keySheet}
	}
	return []key.Binding{keyNewSession, keyNormal, keyMarks, keySheet}
}

func (a *attendance) FullHelp() [][]key.Binding {
	return [][]key.Binding{a.ShortHelp(), {a.c.Keys.Reload}}
}

// sessionForm is 录入考勤时间: date, start and end, then 保存.
type sessionForm struct {
	pane.FormScreen
	st    *pane.Stack
	class domain.Class
}

type sessionAdded struct{ session domain.AttendanceSession }

func newSessionForm(st *pane.Stack, k domain.Class) *sessionForm {
	c := st.C()
	km := c.Keys
	clock := func(label string) func(*form.Form, string) string {
		return func(_ *form.Form, v string) string {
			in := domain.SessionInput{Date: "2000-01-01", Start: v, End: "23:59"}
			if msg := domain.FieldErrorsOf(in.Validate())["start"]; msg != "" {
				return label + "应为 HH:MM"
			}
			return ""
		}
	}
	f := &sessionForm{st: st, class: k}
	fm := form.New(c.Styles, km, 12,
		form.Field{Key: "date", Label: "考勤日期", Control: form.NewText(km, false, 10), Check: func(_ *form.Form, v string) string {
			_, msg := domain.ParseDate(domain.NormalizeInput(v))
			return msg
		}},
		form.Field{Key: "start", Label: "开始时间", Control: form.NewText(km, false, 5), Check: clock("开始时间")},
		form.Field{Key: "end", Label: "结束时间", Control: form.NewText(km, false, 5), Check: clock("结束时间")},
	)
	fm.SetValue("date", k.StartDate)
	f.FormScreen = pane.NewFormScreen(c, fm, f.send)
	return f
}

func (f *sessionForm) Init() tea.Cmd { return nil }

func (f *sessionForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if _, ok := msg.Value.(sessionAdded); ok && msg.To == f.ID && f.Saved(msg.Err) {
			return f.st.Pop()
		}
	case tea.KeyMsg:
		return f.Key(msg)
	}
	return nil
}

func (f *sessionForm) send() tea.Cmd {
	in := domain.SessionInput{Date: f.Form.Value("date"), Start: f.Form.Value("start"), End: f.Form.Value("end")}
	svc, id := f.C.Services.Classes, f.class.ID
	return common.Call(f.ID, func(ctx context.Context) (any, error) {
		s, err := svc.AddSession(ctx, id, in)
		return sessionAdded{s}, err
	})
}

func (f *sessionForm) View() string {
	st := f.C.Styles
	line := func(s string) string { return textwidth.Truncate(s, f.Width, st.Ellipsis) }
	return lipgloss.JoinVertical(lipgloss.Left, st.Heading.Render(line("录入考勤时间："+f.class.Name)),
		st.Muted.Render(line("培训期间 "+f.class.StartDate+" 至 "+f.class.EndDate+"；时间如 09:00")), "",
		f.Form.View(), "", f.Outcome.View(f.C, f.Width))
}

// marks is one session's trainees with their marks: tick the exceptions
// and set 迟到, 早退, 请假 or 缺勤 (or 出勤 again) with a digit.
type marks struct {
	c       *common.Common
	id      common.ScreenID
	class   domain.Class
	session domain.AttendanceSession
	sheet   domain.AttendanceSheet
	table   *table.Table
	outcome pane.Outcome
	width   int
	height  int
}

type marked struct{ mark domain.AttendanceMark }

// markKeys set a mark: 1 出勤 … 5 缺勤, in domain.Marks order.
var markKeys = func() []key.Binding {
	out := make([]key.Binding, len(domain.Marks))
	for i, m := range domain.Marks {
		d := strconv.Itoa(i + 1)
		out[i] = key.NewBinding(key.WithKeys(d), key.WithHelp(d, m.Label()))
	}
	return out
}()

func newMarks(st *pane.Stack, k domain.Class, s domain.AttendanceSession) *marks {
	c := st.C()
	m := &marks{c: c, id: c.NewID(), class: k, session: s,
		table: table.New(c.Styles, c.Keys, "本班尚无培训人员",
			table.Column{Title: "姓名", Width: 8}, table.Column{Title: "身份证号", Width: 10, Flex: true},
			table.Column{Title: "考勤", Width: 6})}
	m.table.SetCheckable(true)
	return m
}

func (m *marks) Init() tea.Cmd { return loadSheet(m.c, m.id, m.class.ID) }

// column is the session's place in the sheet, -1 if it is not there.
func (m *marks) column() int {
	for i, s := range m.sheet.Sessions {
		if s.ID == m.session.ID {
			return i
		}
	}
	return -1
}

func (m *marks) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case sheetLoaded:
			if msg.Err != nil {
				m.outcome.Failed(msg.Err)
				return nil
			}
			m.sheet = v.sheet
			col := m.column()
			var rows []table.Row
			for _, r := range v.sheet.Rows {
				if r.Status != domain.EnrollmentActive {
					continue
				}
				mark := domain.MarkNone
				if col >= 0 {
					mark = r.Marks[col]
				}
				rows = append(rows, table.Row{ID: r.EnrollmentID, Cells: []string{
					flagged(r.PersonName, r.Dishonest, m.c.Styles.Flag), r.IDNumber, mark.Label()}})
			}
			m.table.SetRows(rows)
		case marked:
			if msg.Err != nil {
				m.outcome.Failed(msg.Err)
				return nil
			}
			m.outcome.Done("已设置：" + v.mark.Label())
			m.table.ClearChecks()
			return m.Init()
		}
	case tea.KeyMsg:
		for i, k := range markKeys {
			if key.Matches(msg, k) {
				return m.set(domain.Marks[i])
			}
		}
		if key.Matches(msg, m.c.Keys.Reload) {
			return m.Init()
		}
		m.table.Update(msg)
	}
	return nil
}

// set gives the ticked trainees (or the selected one) mark.
func (m *marks) set(mark domain.AttendanceMark) tea.Cmd {
	ids := m.table.Checked()
	if len(ids) == 0 {
		if r, ok := m.table.Selected(); ok {
			ids = []int64{r.ID}
		}
	}
	if len(ids) == 0 || m.outcome.Busy {
		return nil
	}
	m.outcome.Start()
	svc, sid := m.c.Services.Classes, m.session.ID
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		_, err := svc.MarkAttendance(ctx, sid, domain.MarkRequest{EnrollmentIDs: ids, Mark: mark})
		return marked{mark}, err
	})
}

func (m *marks) View() string {
	st := m.c.Styles
	line := func(s string) string { return textwidth.Truncate(s, m.width, st.Ellipsis) }
	head := []string{
		st.Heading.Render(line("设置考勤：" + m.session.Date + " " + m.session.Start + "-" + m.session.End)),
		st.Muted.Render(line("空格勾选，1 出勤 2 迟到 3 早退 4 请假 5 缺勤")),
	}
	m.table.SetSize(m.width, max(m.height-len(head)-2, 3))
	return strings.Join(head, "\n") + "\n" + m.table.View() + "\n" + m.outcome.View(m.c, m.width)
}

func (m *marks) SetSize(w, h int) { m.width, m.height = w, h }

func (m *marks) Typing() bool { return false }

// Dirty reports ticks waiting for a mark.
func (m *marks) Dirty() bool { return len(m.table.Checked()) > 0 }

func (m *marks) ShortHelp() []key.Binding { return append([]key.Binding{table.Tick}, markKeys...) }

func (m *marks) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {table.TickAll, m.c.Keys.Reload}}
}

// sheetView is 考勤查看: trainees down, sessions across (scrolled with
// left and right when they do not fit) and each trainee's rate.
type sheetView struct {
	c      *common.Common
	id     common.ScreenID
	class  domain.Class
	sheet  domain.AttendanceSheet
	loaded bool
	first  int // first session shown
	top    int // first trainee shown
	fail   string
	width  int
	height int
}

var keyScroll = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "翻看考勤时间"))

func newSheetView(st *pane.Stack, k domain.Class) *sheetView {
	c := st.C()
	return &sheetView{c: c, id: c.NewID(), class: k}
}

func (s *sheetView) Init() tea.Cmd { return loadSheet(s.c, s.id, s.class.ID) }

func (s *sheetView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if v, ok := msg.Value.(sheetLoaded); ok && msg.To == s.id {
			if msg.Err != nil {
				s.fail = common.ErrorText(msg.Err)
				return nil
			}
			s.sheet, s.loaded = v.sheet, true
		}
	case tea.KeyMsg:
		switch {
		case msg.Type == tea.KeyLeft:
			s.first = max(s.first-1, 0)
		case msg.Type == tea.KeyRight:
			s.first = min(s.first+1, max(len(s.sheet.Sessions)-1, 0))
		case key.Matches(msg, s.c.Keys.Up):
			s.top = max(s.top-1, 0)
		case key.Matches(msg, s.c.Keys.Down):
			s.top = min(s.top+1, max(len(s.sheet.Rows)-1, 0))
		case key.Matches(msg, s.c.Keys.Reload):
			return s.Init()
		}
	}
	return nil
}

// Columns: name 8, each session 6 (its MM-DD and mark), rate 7.
const (
	sheetName = 8
	sheetCell = 6
	sheetRate = 7
)

func (s *sheetView) View() string {
	st := s.c.Styles
	line := func(t string) string { return textwidth.Truncate(t, s.width, st.Ellipsis) }
	title := st.Heading.Render(line("考勤查看：" + s.class.Name))
	switch {
	case s.fail != "":
		return title + "\n" + st.Error.Render(line(s.fail))
	case !s.loaded:
		return title + "\n" + st.Notice.Render(s.c.Busy())
	case len(s.sheet.Sessions) == 0:
		return title + "\n" + st.Muted.Render("尚无考勤时间")
	}
	fit := max((s.width-sheetName-sheetRate-1)/sheetCell, 1)
	end := min(s.first+fit, len(s.sheet.Sessions))
	head := textwidth.Fit("姓名", sheetName, "")
	for _, se := range s.sheet.Sessions[s.first:end] {
		head += textwidth.Fit(se.Date[5:]+cellSuffix(se.Start), sheetCell, "")
	}
	head += " " + textwidth.Fit("出勤率", sheetRate, "")
	lines := []string{title, st.Muted.Render(line("第" + strconv.Itoa(s.first+1) + "-" + strconv.Itoa(end) + "次，共" +
		strconv.Itoa(len(s.sheet.Sessions)) + "次考勤")), st.Heading.Render(head)}
	rows := max(s.height-len(lines), 1)
	for _, r := range s.sheet.Rows[min(s.top, len(s.sheet.Rows)):min(s.top+rows, len(s.sheet.Rows))] {
		text := textwidth.Fit(flagged(r.PersonName, r.Dishonest, st.Flag), sheetName, st.Ellipsis)
		for _, m := range r.Marks[s.first:end] {
			label := m.Label()
			if m == domain.MarkNone {
				label = "—"
			}
			text += textwidth.Fit(label, sheetCell, "")
		}
		rate := r.Rate()
		if r.Status != domain.EnrollmentActive {
			rate = "已取消"
		}
		lines = append(lines, text+" "+textwidth.Fit(rate, sheetRate, ""))
	}
	return strings.Join(lines, "\n")
}

// cellSuffix marks an afternoon session, so two sessions of one day read
// apart (05-01 and 05-01p).
func cellSuffix(start string) string {
	if start >= "12:00" {
		return "p"
	}
	return ""
}

func (s *sheetView) SetSize(w, h int) { s.width, s.height = w, h }

func (s *sheetView) Typing() bool { return false }

func (s *sheetView) ShortHelp() []key.Binding { return []key.Binding{keyScroll, s.c.Keys.Choose} }

func (s *sheetView) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.c.Keys.Reload}}
}
