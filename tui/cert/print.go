package cert

import (
	"context"
	"fmt"
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

type printMode int

const (
	listing   printMode = iota
	finding             // typing a name or ID number to look for
	reasoning           // typing why the certificate is voided
	saving              // choosing where the PDF goes
	reviewing           // the person's certificates of the year, voided ones too
)

// Print is 继续教育证书打印 (1.6.4): the unit's persons for a year with
// their hours and certificate; 打印 (the selected person, or the ticked
// ones into one PDF), 重新生成证书并打印 and 重新统计学时.
type Print struct {
	c  *common.Common
	km *keyMap
	id common.ScreenID

	year    int
	state   domain.CertificateState
	query   string
	feed    *pane.Feed[certRow]
	req     domain.Requirement // of reqYear, as the list last brought it
	reqYear int

	mode    printMode
	input   *form.Form // the find or the reason field
	saver   *saver
	note    string // what to add once the PDF is saved (refusals of a batch)
	regen   domain.CertificateRow
	history *table.Table
	certs   []domain.Certificate // in history
	histOf  string

	recount *recountRun
	outcome pane.Outcome
	ask     pane.Confirm // 重新生成 is asked first

	width, height int
}

// recountRun is a whole-unit 重新统计学时 under way, batch by batch.
type recountRun struct {
	done, total, met, short, mismatched int
}

// certRow is a person's row with the requirement of the list it came in.
type certRow struct {
	domain.CertificateRow
	year int
	req  domain.Requirement
}

type printed struct {
	name    string // the PDF's default file name
	certs   []domain.Certificate
	refused []domain.BatchRefusal
	pdf     []byte
	voided  string // the number a regeneration voided
}

type recounted struct {
	res   domain.RecountResult
	whole bool
}

type historyLoaded struct {
	name  string
	certs []domain.Certificate
}

const fieldInput = "input"

// NewPrint builds the module at last year, the year certificates are
// usually printed for; Init loads it.
func NewPrint(c *common.Common) common.Component {
	m := &Print{c: c, km: newKeyMap(c.Keys), id: c.NewID(), year: thisYear() - 1}
	t := table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "姓名", Width: 8, Flex: true}, table.Column{Title: "公需", Width: 5},
		table.Column{Title: "专业", Width: 5}, table.Column{Title: "选修", Width: 5},
		table.Column{Title: "合计", Width: 5}, table.Column{Title: "证书", Width: 6})
	t.SetCheckable(true)
	m.feed = pane.NewFeed(m.id, t, m.row, m.pageLoader)
	m.history = table.New(c.Styles, c.Keys, "该年度没有证书",
		table.Column{Title: "证书编号", Width: 18}, table.Column{Title: "状态", Width: 6},
		table.Column{Title: "发证日期", Width: 10, Flex: true})
	m.SetSize(52, 16)
	return m
}

// Init loads the first page.
func (m *Print) Init() tea.Cmd { return m.feed.First() }

// load fetches the rows on screen again.
func (m *Print) load() tea.Cmd { return m.feed.Reload() }

func (m *Print) pageLoader(page domain.PageRequest) func(context.Context) (domain.Page[certRow], error) {
	svc := m.c.Services.Certificates
	q := domain.CertificateQuery{Year: m.year, State: m.state, PageRequest: page}
	if looksLikeIDNumber(m.query) {
		q.IDNumber = m.query
	} else {
		q.Name = m.query
	}
	return func(ctx context.Context) (domain.Page[certRow], error) {
		l, err := svc.ListCertificates(ctx, q)
		p := domain.Page[certRow]{Total: l.Rows.Total, Offset: l.Rows.Offset, Next: l.Rows.Next}
		for _, r := range l.Rows.Items {
			p.Items = append(p.Items, certRow{CertificateRow: r, year: l.Year, req: l.Requirement})
		}
		return p, err
	}
}

func (m *Print) row(r certRow) table.Row {
	name := r.Name
	if r.Dishonest {
		name = m.c.Styles.Flag + name // a 失信 entry in force
	}
	return table.Row{ID: r.PersonID, Cells: []string{name, r.Hours.Public.String(),
		r.Hours.Professional.String(), r.Hours.Elective.String(), r.Hours.Total.String(), rowState(r.CertificateRow)}}
}

// looksLikeIDNumber tells an ID number (or its start) from a name.
func looksLikeIDNumber(s string) bool {
	s = domain.NormalizeInput(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != 'x' && r != 'X' {
			return false
		}
	}
	return true
}

// Update handles keys and the answers to this module's calls.
func (m *Print) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		if cmd, ok := m.feed.Result(msg); ok {
			m.loaded()
			return cmd
		}
		switch v := msg.Value.(type) {
		case printed:
			return m.printed(v, msg.Err)
		case recounted:
			return m.recounted(v, msg.Err)
		case historyLoaded:
			m.historyLoaded(v, msg.Err)
		}
	}
	return nil
}

func (m *Print) handleKey(k tea.KeyMsg) tea.Cmd {
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	switch m.mode {
	case finding:
		if key.Matches(k, m.km.Back) {
			m.mode = listing
		} else if m.input.Update(k) == form.Submitted {
			m.mode, m.query = listing, strings.TrimSpace(m.input.Value(fieldInput))
			return m.feed.First()
		}
		return nil
	case reasoning:
		if key.Matches(k, m.km.Back) {
			m.mode = listing
		} else if m.input.Update(k) == form.Submitted && m.input.Validate() {
			reason := strings.TrimSpace(m.input.Value(fieldInput))
			m.ask.Ask("作废 "+m.regen.Name+" 的证书 "+m.regen.Certificate.Number+" 并重新生成？", func() tea.Cmd { return m.regenerate(reason) })
		}
		return nil
	case saving:
		done, msg, err := m.saver.update(k)
		if done {
			m.mode, m.saver = listing, nil
			switch {
			case err != nil:
				m.outcome.Failed(err)
			case msg == "":
				m.outcome.Done("未保存PDF；证书编号已发放，可再次按 p 打印")
			default:
				m.outcome.Done(strings.TrimSpace(m.note + "\n" + msg))
			}
			m.note = ""
		}
		return nil
	case reviewing:
		if key.Matches(k, m.km.Back) {
			m.mode = listing
		} else {
			m.history.Update(k)
		}
		return nil
	}
	if m.recount != nil {
		if key.Matches(k, m.km.Back) {
			m.recount = nil
			m.outcome.Done("已停止重新统计")
			return m.load()
		}
		cmd, _ := m.feed.Key(k)
		return cmd
	}
	return m.listingKey(k)
}

func (m *Print) listingKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	row, selected := m.selected()
	switch {
	case key.Matches(k, km.Reload):
		return m.load()
	case key.Matches(k, km.PrevYear) && m.year > domain.RequirementFirstYear:
		return m.setYear(m.year - 1)
	case key.Matches(k, km.NextYear) && m.year < thisYear():
		return m.setYear(m.year + 1)
	case key.Matches(k, km.State):
		m.state = nextState(m.state)
		return m.feed.First()
	case key.Matches(k, km.Filter):
		m.mode, m.input = finding, m.inputForm("姓名/身份证号", false)
		m.input.SetValue(fieldInput, m.query)
	case m.outcome.Busy:
	case key.Matches(k, km.Print):
		return m.print()
	case key.Matches(k, km.Regenerate) && selected:
		if row.Certificate == nil {
			m.outcome = pane.Outcome{Failure: row.Name + " 尚无" + strconv.Itoa(m.year) + "年度证书，请先按 p 打印"}
			return nil
		}
		m.regen, m.mode, m.input = row, reasoning, m.inputForm("作废原因", true)
		m.outcome.Clear()
	case key.Matches(k, km.Recount) && selected:
		return m.recountOne(row)
	case key.Matches(k, km.RecountAll):
		m.recount = &recountRun{}
		m.outcome.Clear()
		return m.recountNext(0)
	case key.Matches(k, km.History) && selected:
		return m.loadHistory(row)
	default:
		cmd, _ := m.feed.Key(k)
		return cmd
	}
	return nil
}

func (m *Print) setYear(y int) tea.Cmd {
	m.year = y
	m.feed.Table().ClearChecks()
	m.outcome.Clear()
	return m.feed.First()
}

func nextState(s domain.CertificateState) domain.CertificateState {
	all := domain.CertificateStates
	for i, x := range all {
		if x == s {
			return all[(i+1)%len(all)]
		}
	}
	return domain.StateAll
}

func (m *Print) inputForm(label string, required bool) *form.Form {
	f := form.Field{Key: fieldInput, Label: label, Control: form.NewText(m.c.Keys, false, domain.VoidReasonMax)}
	if required {
		f.Check = form.Required(label)
	}
	in := form.New(m.c.Styles, m.c.Keys, 200, f)
	in.SetWidth(m.width)
	return in
}

func (m *Print) selected() (domain.CertificateRow, bool) {
	r, ok := m.feed.Selected()
	return r.CertificateRow, ok
}

// loaded notes a page's arrival or failure on the table and message line.
func (m *Print) loaded() {
	if err := m.feed.Failure(); err != nil {
		m.feed.Table().SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return
	}
	if items := m.feed.Items(); len(items) > 0 {
		m.req, m.reqYear = items[0].req, items[0].year
	}
	m.feed.Table().SetEmpty("没有符合条件的人员")
}

// rowState is the certificate column.
func rowState(r domain.CertificateRow) string {
	switch {
	case r.Certificate != nil:
		return "已发证"
	case r.Met:
		return "可打印"
	}
	return "未达标"
}

// print is 打印: the ticked persons into one PDF, or the selected one.
// Each gets its number first (or keeps the one it has); then the server
// draws the PDF.
func (m *Print) print() tea.Cmd {
	var rows []domain.CertificateRow
	for _, r := range m.feed.Checked() {
		rows = append(rows, r.CertificateRow)
	}
	if len(rows) == 0 {
		r, ok := m.selected()
		if !ok {
			return nil
		}
		rows = append(rows, r)
	}
	m.outcome.Start()
	svc, year := m.c.Services.Certificates, m.year
	if len(rows) == 1 {
		r := rows[0]
		return common.Call(m.id, func(ctx context.Context) (any, error) {
			c, err := svc.Print(ctx, domain.PrintRequest{PersonID: r.PersonID, Year: year})
			if err != nil {
				return printed{}, err
			}
			pdf, err := svc.CertificatePDF(ctx, []int64{c.ID})
			return printed{name: pdfName(strconv.Itoa(year), r.Name, c.Number), certs: []domain.Certificate{c}, pdf: pdf}, err
		})
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.PersonID
	}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		res, err := svc.PrintBatch(ctx, domain.BatchPrintRequest{Year: year, PersonIDs: ids})
		if err != nil || len(res.Issued) == 0 {
			return printed{refused: res.Refused}, err
		}
		certIDs := make([]int64, len(res.Issued))
		for i, c := range res.Issued {
			certIDs[i] = c.ID
		}
		pdf, err := svc.CertificatePDF(ctx, certIDs)
		name := pdfName(strconv.Itoa(year), strconv.Itoa(len(res.Issued))+"人")
		return printed{name: name, certs: res.Issued, refused: res.Refused, pdf: pdf}, err
	})
}

func (m *Print) regenerate(reason string) tea.Cmd {
	m.mode = listing
	m.outcome.Start()
	old, svc, year, name := *m.regen.Certificate, m.c.Services.Certificates, m.year, m.regen.Name
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		c, err := svc.Regenerate(ctx, domain.RegenerateRequest{CertificateID: old.ID, Version: old.Version, Reason: reason})
		if err != nil {
			return printed{}, err
		}
		pdf, err := svc.CertificatePDF(ctx, []int64{c.ID})
		return printed{name: pdfName(strconv.Itoa(year), name, c.Number), certs: []domain.Certificate{c}, pdf: pdf, voided: old.Number}, err
	})
}

// printed offers to save the PDF; the list reloads either way, as
// numbers may have been issued.
func (m *Print) printed(v printed, err error) tea.Cmd {
	m.feed.Table().ClearChecks()
	if err != nil {
		m.outcome.Failed(err)
		return m.load()
	}
	refusals := refusalText(v.refused)
	if len(v.certs) == 0 {
		m.outcome = pane.Outcome{Failure: "未打印：" + refusals}
		return m.load()
	}
	var done []string
	switch {
	case v.voided != "":
		done = append(done, "原证书 "+v.voided+" 已作废，新证书编号 "+v.certs[0].Number)
	case len(v.certs) == 1:
		done = append(done, "证书编号 "+v.certs[0].Number)
	default:
		done = append(done, "已打印 "+strconv.Itoa(len(v.certs))+" 人的证书")
	}
	if refusals != "" {
		done = append(done, "未打印："+refusals)
	}
	m.note = strings.Join(done, "\n")
	s, msg, err := newSaver(m.c, v.name, v.pdf, m.width)
	switch {
	case err != nil:
		m.outcome = pane.Outcome{Failure: "无法保存PDF：" + fileProblem(err) + "\n" + m.note}
	case s == nil:
		m.outcome.Done(m.note + "\n" + msg)
	default:
		m.outcome.Clear()
		m.saver, m.mode = s, saving
	}
	return m.load()
}

func refusalText(list []domain.BatchRefusal) string {
	parts := make([]string, len(list))
	for i, r := range list {
		who := r.Name
		if who == "" {
			who = "人员" + strconv.FormatInt(r.PersonID, 10)
		}
		why := r.Message
		if len(r.Shortfalls) > 0 {
			why = domain.ShortfallText(r.Shortfalls)
		}
		parts[i] = who + "（" + why + "）"
	}
	return strings.Join(parts, "；")
}

func (m *Print) recountOne(r domain.CertificateRow) tea.Cmd {
	m.outcome.Start()
	svc, req := m.c.Services.Certificates, domain.RecountRequest{Year: m.year, PersonID: r.PersonID}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		res, err := svc.Recount(ctx, req)
		return recounted{res: res}, err
	})
}

func (m *Print) recountNext(after int64) tea.Cmd {
	svc, req := m.c.Services.Certificates, domain.RecountRequest{Year: m.year, AfterID: after}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		res, err := svc.Recount(ctx, req)
		return recounted{res: res, whole: true}, err
	})
}

func (m *Print) recounted(v recounted, err error) tea.Cmd {
	if v.whole && m.recount == nil {
		return nil // stopped meanwhile
	}
	if err != nil {
		m.recount = nil
		m.outcome.Failed(err)
		return nil
	}
	if !v.whole {
		m.outcome.Done(recountLine(v.res))
		return m.load()
	}
	run := m.recount
	run.done += len(v.res.Rows)
	run.total, run.met, run.short = v.res.Total, run.met+v.res.Met, run.short+v.res.Short
	run.mismatched += v.res.Mismatched
	if !v.res.Done {
		return m.recountNext(v.res.NextAfterID)
	}
	m.recount = nil
	msg := fmt.Sprintf("重新统计完成：%d年度共 %d 人，已达标 %d 人，未达标 %d 人", v.res.Year, run.done, run.met, run.short)
	if run.mismatched > 0 {
		msg += fmt.Sprintf("\n%d 人的证书所载学时与现在的统计不同，可按 g 重新生成证书", run.mismatched)
	}
	m.outcome.Done(msg)
	return m.load()
}

// recountLine tells one person's recount.
func recountLine(res domain.RecountResult) string {
	if len(res.Rows) == 0 {
		return "重新统计完成"
	}
	r := res.Rows[0]
	h := r.Hours
	line := fmt.Sprintf("重新统计完成：%s 公需%s 专业%s 选修%s 合计%s，", r.Name, h.Public, h.Professional, h.Elective, h.Total)
	if r.Met {
		line += "已达标"
	} else {
		line += "未达标：" + domain.ShortfallText(r.Shortfalls)
	}
	if res.Mismatched > 0 {
		line += "\n证书所载学时与现在的统计不同，可按 g 重新生成证书"
	}
	return line
}

func (m *Print) loadHistory(r domain.CertificateRow) tea.Cmd {
	m.outcome.Start()
	svc, req := m.c.Services.Certificates, domain.CertificateHistoryRequest{PersonID: r.PersonID, Year: m.year}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		l, err := svc.CertificateHistory(ctx, req)
		return historyLoaded{name: r.Name, certs: l}, err
	})
}

func (m *Print) historyLoaded(v historyLoaded, err error) {
	if err != nil {
		m.outcome.Failed(err)
		return
	}
	m.outcome.Clear()
	m.mode, m.certs, m.histOf = reviewing, v.certs, v.name
	rows := make([]table.Row, len(v.certs))
	for i, c := range v.certs {
		rows[i] = table.Row{ID: c.ID, Cells: []string{c.Number, c.Status.Label(), c.IssuedAt.In(domain.ChinaTime).Format(domain.DateLayout)}}
	}
	m.history.SetRows(rows)
}

// Nested reports a sub-screen esc should close first.
func (m *Print) Nested() bool { return m.mode != listing || m.recount != nil || m.ask.Asking() }

// Dirty reports a voiding reason typed and not sent.
func (m *Print) Dirty() bool { return m.mode == reasoning && m.input.Dirty() }

// Discards reports whether k drops the reason being typed.
func (m *Print) Discards(k tea.KeyMsg) bool {
	return !m.ask.Asking() && key.Matches(k, m.km.Back) && m.Dirty()
}

// Typing reports whether a text field has the keyboard.
func (m *Print) Typing() bool {
	if m.ask.Asking() {
		return false
	}
	return m.mode == finding || m.mode == reasoning || (m.mode == saving && m.saver.confirm == "")
}

// SetSize fits the module into w×h cells.
func (m *Print) SetSize(w, h int) {
	m.width, m.height = w, h
	m.feed.Table().SetSize(w, max(h-5, 2))
	m.history.SetSize(w, max(h-5, 2))
	if m.input != nil {
		m.input.SetWidth(w)
	}
	if m.saver != nil {
		m.saver.setWidth(w)
	}
}

// View is the year and requirement, the search line, the list (or the
// history), the selected person's details and the message line.
func (m *Print) View() string {
	st, w := m.c.Styles, m.width
	head := strconv.Itoa(m.year) + "年度"
	// The requirement comes with the list, for the year it was loaded for.
	if r := m.req; m.reqYear == m.year {
		head += fmt.Sprintf("  要求：总%s 公需≥%s 专业≥%s", r.Total, r.PublicMin, r.ProfessionalMin)
	}
	if m.state != domain.StateAll {
		head += "  [" + m.state.Label() + "]"
	}
	lines := []string{st.Heading.Render(textwidth.Truncate(head, w, st.Ellipsis))}
	switch {
	case m.mode == finding:
		lines = append(lines, m.input.View())
	case m.mode == reviewing:
		lines = append(lines, st.Muted.Render(textwidth.Truncate(m.histOf+" 的"+strconv.Itoa(m.year)+"年度证书（esc 返回）", w, st.Ellipsis)))
	case m.query != "":
		lines = append(lines, st.Muted.Render(textwidth.Truncate("查找："+m.query+"（/ 修改，清空后回车显示全部）", w, st.Ellipsis)))
	default:
		lines = append(lines, st.Muted.Render(textwidth.Truncate("←/→ 年度  / 查找  f 筛选  空格 勾选", w, st.Ellipsis)))
	}
	bottom := m.bottom()
	rows := max(m.height-len(lines)-lipgloss.Height(bottom), 2)
	if m.mode == reviewing {
		m.history.SetSize(w, rows)
		lines = append(lines, m.history.View())
	} else {
		m.feed.Table().SetSize(w, rows)
		lines = append(lines, m.feed.Table().View())
	}
	return textwidth.Block(strings.Join(append(lines, bottom), "\n"), w, m.height)
}

// bottom is what sits under the list: a dialog, or the selected person's
// details and the message line.
func (m *Print) bottom() string {
	st, w := m.c.Styles, m.width
	switch m.mode {
	case saving:
		return m.saver.view()
	case reasoning:
		if m.ask.Asking() {
			return m.input.View() + "\n" + m.ask.View(m.c, w)
		}
		return m.input.View() + "\n" + st.Muted.Render(textwidth.Truncate("enter 作废原编号 "+m.regen.Certificate.Number+" 并发放新编号", w, st.Ellipsis))
	case reviewing:
		return m.historyDetail()
	}
	detail := ""
	if r, ok := m.selected(); ok {
		switch {
		case r.Certificate != nil:
			detail = r.IDNumber + " 证书" + r.Certificate.Number
		case r.Met:
			detail = r.IDNumber + " 已达标，可打印"
		default:
			detail = r.IDNumber + " 未达标：" + domain.ShortfallText(r.Shortfalls)
		}
	}
	out := textwidth.Truncate(detail, w, st.Ellipsis)
	var msg string
	switch {
	case m.recount != nil:
		msg = st.Notice.Render(fmt.Sprintf("正在重新统计学时：已统计 %d/%d 人（esc 停止）", m.recount.done, m.recount.total))
	case m.outcome.Busy || m.outcome.Failure != "" || m.outcome.Success != "":
		msg = m.outcome.View(m.c, w)
	case m.feed.Loading():
		msg = st.Notice.Render(m.c.Busy())
	default:
		msg = st.Muted.Render(m.feed.Position())
	}
	// At most four lines of message, so the list keeps its room.
	msgLines := strings.Split(msg, "\n")
	if len(msgLines) > 4 {
		msgLines = msgLines[:4]
	}
	return out + "\n" + strings.Join(msgLines, "\n")
}

func (m *Print) historyDetail() string {
	st, w := m.c.Styles, m.width
	r, ok := m.history.Selected()
	if !ok {
		return ""
	}
	for _, c := range m.certs {
		if c.ID != r.ID {
			continue
		}
		lines := []string{"验证码 " + c.VerificationCode + "  打印：" + c.IssuedBy}
		if c.Status == domain.CertificateVoided && c.VoidedAt != nil {
			lines = []string{"作废于 " + c.VoidedAt.In(domain.ChinaTime).Format("2006-01-02 15:04") + "  " + c.VoidedBy,
				"原因：" + c.VoidReason}
			if c.ReplacedBy != "" {
				lines = append(lines, "新编号 "+c.ReplacedBy)
			}
		}
		for i, l := range lines {
			lines[i] = textwidth.Truncate(l, w, st.Ellipsis)
		}
		return strings.Join(lines, "\n")
	}
	return ""
}

// ShortHelp lists the main keys.
func (m *Print) ShortHelp() []key.Binding {
	if m.ask.Asking() {
		return m.ask.Help(m.c)
	}
	switch m.mode {
	case finding, reasoning:
		return []key.Binding{m.km.Submit}
	case saving, reviewing:
		return nil
	}
	return []key.Binding{m.km.Print, m.km.Regenerate, m.km.Recount, m.km.RecountAll, m.km.History}
}

// FullHelp adds the list's keys.
func (m *Print) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(),
		{m.km.PrevYear, m.km.NextYear, m.km.Filter, m.km.State, table.Tick, table.TickAll},
		{pane.KeyPrevPage, pane.KeyNextPage, m.km.Reload}}
}
