package records

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

// List is one records module: a filtered, paged list of records, and over
// it, one at a time, a record's detail, the record editor, the review form
// or the filter. Esc closes the innermost.
type List struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	mode    mode
	feed    *pane.Feed[domain.Record]
	filter  domain.RecordFilter
	ref     domain.Reference
	outcome pane.Outcome
	ask     pane.Confirm

	filterForm *form.Form
	detail     *detail
	editor     *editor
	review     *reviewForm

	width, height int
}

type recordFetched struct{ record domain.Record }

type recordDeleted struct{ record domain.Record }

type batchApproved struct{ summary domain.RecordBatchSummary }

// Field keys of the filter form.
const (
	filterPerson = "person"
	filterSource = "source"
	filterStatus = "status"
	filterFrom   = "from"
	filterTo     = "to"
)

func newList(c *common.Common, md mode) *List {
	m := &List{c: c, km: newKeyMap(c.Keys), id: c.NewID(), mode: md}
	t := table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis, md.titles...)
	t.SetCheckable(md.review)
	m.feed = pane.NewFeed(m.id, t, m.row, m.pageLoader)
	m.SetSize(50, 17)
	return m
}

// row is r as the list shows it.
func (m *List) row(r domain.Record) table.Row {
	cells := m.mode.columns(r)
	if r.Dishonest {
		// Only a unit's lists carry the mark, and they lead with the name.
		cells[0] = m.c.Styles.Flag + cells[0]
	}
	return table.Row{ID: r.ID, Cells: cells}
}

// Init loads the first page and the dictionaries.
func (m *List) Init() tea.Cmd {
	return tea.Batch(m.feed.First(), m.c.LoadReference(m.id))
}

// load fetches the rows on screen again.
func (m *List) load() tea.Cmd { return m.feed.Reload() }

func (m *List) pageLoader(page domain.PageRequest) func(context.Context) (domain.Page[domain.Record], error) {
	f := m.filter
	if m.mode.source != "" {
		f.Source = m.mode.source
	}
	if m.mode.status != "" {
		f.Status = m.mode.status
	}
	f.PageRequest = page
	svc := m.c.Services.Records
	return func(ctx context.Context) (domain.Page[domain.Record], error) { return svc.ListRecords(ctx, f) }
}

// Update handles keys and the answers to this module's calls.
func (m *List) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To == m.id {
			return m.answer(msg)
		}
	}
	if m.detail != nil {
		cmd, _ := m.detail.update(msg)
		if m.detail.filesChanged() {
			return tea.Batch(cmd, m.fetch(m.detail.record.ID), m.load())
		}
		return cmd
	}
	return nil
}

func (m *List) answer(msg common.Result) tea.Cmd {
	if cmd, ok := m.feed.Result(msg); ok {
		m.loaded()
		return cmd
	}
	switch v := msg.Value.(type) {
	case common.ReferenceLoaded:
		if msg.Err == nil {
			m.ref = v.Ref
			if m.editor != nil {
				m.editor.setReference(v.Ref)
			}
		}
	case personsFound:
		if m.editor != nil {
			m.editor.found(v, msg.Err)
		}
	case recordSaved:
		return m.saved(v.record, msg.Err)
	case recordMoved:
		return m.moved(v, msg.Err)
	case recordFetched:
		if msg.Err != nil {
			return nil
		}
		if m.editor != nil && m.editor.record != nil && m.editor.record.ID == v.record.ID {
			m.editor.rebase(v.record)
		}
		if m.detail != nil && m.detail.record.ID == v.record.ID {
			return m.detail.show(v.record, m.filesEditable(v.record))
		}
	case recordDeleted:
		if msg.Err != nil {
			m.outcome.Failed(msg.Err)
			return m.refresh()
		}
		m.detail = nil
		m.outcome.Done("已删除：" + v.record.Title)
		return m.load()
	case batchApproved:
		return m.batchDone(v.summary, msg.Err)
	}
	return nil
}

// loaded notes a page's arrival or failure on the table and message line.
func (m *List) loaded() {
	if err := m.feed.Failure(); err != nil {
		m.feed.Table().SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return
	}
	empty := m.mode.empty
	if m.filtered() {
		empty = "没有符合筛选条件的记录"
	}
	m.feed.Table().SetEmpty(empty)
}

// refresh reloads the list and the record on screen, after a failure that
// may mean they are out of date.
func (m *List) refresh() tea.Cmd {
	if m.detail == nil {
		return m.load()
	}
	return tea.Batch(m.load(), m.fetch(m.detail.record.ID))
}

func (m *List) fetch(id int64) tea.Cmd {
	svc := m.c.Services.Records
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		r, err := svc.GetRecord(ctx, id)
		return recordFetched{record: r}, err
	})
}

func (m *List) handleKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	switch {
	case m.editor != nil:
		if key.Matches(k, km.Back) {
			m.editor = nil
			return nil
		}
		return m.editor.update(k)
	case m.review != nil:
		if key.Matches(k, km.Back) {
			m.review = nil
			return nil
		}
		return m.review.update(k)
	case m.filterForm != nil:
		if key.Matches(k, km.Back) {
			m.filterForm = nil
			return nil
		}
		if m.filterForm.Update(k) == form.Submitted {
			return m.applyFilter()
		}
		return nil
	case m.detail != nil:
		if key.Matches(k, km.Back) && !m.detail.nested() {
			m.detail = nil
			return nil
		}
		if key.Matches(k, km.Reload) {
			return m.refresh()
		}
		if cmd, used := m.detail.update(k); used {
			return cmd
		}
		return m.act(k, m.detail.record)
	}
	switch {
	case key.Matches(k, km.Reload):
		return m.load()
	case key.Matches(k, km.Filter):
		m.openFilter()
	case key.Matches(k, km.Add) && m.mode.declare:
		return m.openEditor(nil)
	case key.Matches(k, km.Batch) && m.mode.review:
		m.batch()
	case key.Matches(k, km.Detail):
		if r, ok := m.selected(); ok {
			return m.openDetail(r)
		}
	default:
		if cmd, used := m.feed.Key(k); used {
			return cmd
		}
		if r, ok := m.selected(); ok {
			return m.act(k, r)
		}
	}
	return nil
}

func (m *List) selected() (domain.Record, bool) { return m.feed.Selected() }

// actions are what the operator may do with r here, as keys.
func (m *List) actions(r domain.Record) []key.Binding {
	km, md := m.km, m.mode
	var out []key.Binding
	if md.declare && r.Status.Editable() {
		out = append(out, km.Edit)
	}
	if md.declare && md.role == domain.RoleUnit && r.Status == domain.RecordDraft {
		out = append(out, km.Confirm)
	}
	if md.declare && md.role != domain.RoleUnit && r.Status.Editable() {
		out = append(out, km.Submit)
	}
	if md.declare && r.Status == domain.RecordDraft {
		out = append(out, km.Delete)
	}
	if md.review && r.Status == domain.RecordSubmitted {
		out = append(out, km.Review)
	}
	return out
}

// filesEditable reports whether the operator may change r's attachments.
func (m *List) filesEditable(r domain.Record) bool { return m.mode.declare && r.Status.Editable() }

// act runs the action k names on r, if r allows it.
func (m *List) act(k tea.KeyMsg, r domain.Record) tea.Cmd {
	allowed := false
	for _, b := range m.actions(r) {
		allowed = allowed || key.Matches(k, b)
	}
	if !allowed || m.outcome.Busy {
		return nil
	}
	km := m.km
	switch {
	case key.Matches(k, km.Edit):
		return m.openEditor(&r)
	case key.Matches(k, km.Review):
		m.review = newReviewForm(m.c, m.id, r, &m.ask)
		m.review.setSize(m.width, m.height)
	case key.Matches(k, km.Submit):
		m.ask.Ask("送审“"+r.Title+"”（"+r.PersonName+"，"+r.Hours.String()+" 学时）？送审后不能修改", func() tea.Cmd {
			return m.move(r, "送审", m.c.Services.Records.SubmitRecord)
		})
	case key.Matches(k, km.Confirm):
		m.ask.Ask("确认后记录生效，"+r.PersonName+"获得 "+r.Hours.String()+" 学时，且不能再修改或删除。确认吗？",
			func() tea.Cmd { return m.move(r, "确认", m.c.Services.Records.ConfirmRecord) })
	case key.Matches(k, km.Delete):
		m.ask.Ask("确定删除“"+r.Title+"”吗？", func() tea.Cmd { return m.delete(r) })
	}
	return nil
}

func (m *List) move(r domain.Record, verb string, call func(context.Context, int64, int64) (domain.Record, error)) tea.Cmd {
	m.outcome.Start()
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		out, err := call(ctx, r.ID, r.Version)
		return recordMoved{verb: verb, record: out}, err
	})
}

func (m *List) delete(r domain.Record) tea.Cmd {
	m.outcome.Start()
	svc := m.c.Services.Records
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		return recordDeleted{record: r}, svc.DeleteRecord(ctx, r.ID, r.Version)
	})
}

func (m *List) moved(v recordMoved, err error) tea.Cmd {
	if err != nil {
		if m.review != nil {
			m.review.failed(err)
		} else {
			m.outcome.Failed(err)
		}
		return m.refresh()
	}
	m.review = nil
	r := v.record
	msg := v.verb + "成功：" + r.Title
	switch r.Status {
	case domain.RecordEffective:
		msg += "，已生效"
	case domain.RecordSubmitted:
		msg += "，等待单位认定"
	case domain.RecordReturned:
		msg += "，已退回申报人修改"
	case domain.RecordRejected:
		msg += "，流程结束"
	}
	m.outcome.Done(msg)
	if m.detail != nil && m.detail.record.ID == r.ID {
		return tea.Batch(m.load(), m.detail.show(r, m.filesEditable(r)))
	}
	return m.load()
}

func (m *List) openEditor(r *domain.Record) tea.Cmd {
	m.editor = newEditor(m.c, m.id, m.mode.role, m.ref, r)
	m.editor.setSize(m.width, m.height)
	m.outcome = pane.Outcome{}
	// The administrator may have changed the dictionaries since the
	// module opened: offer them as they are now.
	return tea.Batch(m.editor.init(), m.c.LoadReference(m.id))
}

// saved closes the editor onto the saved record's detail, where the
// operator attaches files and confirms or submits it.
func (m *List) saved(r domain.Record, err error) tea.Cmd {
	if m.editor == nil {
		return nil
	}
	if err != nil {
		m.editor.saveFailed(err)
		// Someone changed the record meanwhile: read its new version, so
		// the operator may save what they typed over it, knowingly.
		if stale := domain.ErrorCode(err) == domain.CodeConflict && len(domain.FieldErrorsOf(err)) == 0; stale && m.editor.record != nil {
			return m.fetch(m.editor.record.ID)
		}
		return nil
	}
	m.editor = nil
	next := "按 s 送审"
	if m.mode.role == domain.RoleUnit {
		next = "按 c 确认后生效"
	}
	m.outcome.Done("已保存：" + r.Title + "。可在附件栏上传附件，" + next)
	return tea.Batch(m.load(), m.openDetail(r))
}

func (m *List) openDetail(r domain.Record) tea.Cmd {
	if m.detail == nil {
		m.detail = newDetail(m.c, m.ref, m.actions)
		m.detail.setSize(m.width, max(m.height-2, 4))
	}
	m.detail.ref = m.ref
	m.detail.section = sectionInfo
	return m.detail.show(r, m.filesEditable(r))
}

func (m *List) openFilter() {
	km := m.c.Keys
	fields := []form.Field{{Key: filterPerson, Label: "人员", Control: form.NewText(km, false, 18), Width: 22}}
	if len(m.mode.sources) > 0 {
		p := form.NewPicker(m.c.Styles, km, 3, "")
		opts := make([]form.Option, len(m.mode.sources))
		for i, s := range m.mode.sources {
			opts[i] = form.Option{Value: string(s), Label: s.Label()}
			if s == "" {
				opts[i].Label = "全部来源"
			}
		}
		p.SetOptions(opts)
		fields = append(fields, form.Field{Key: filterSource, Label: "来源", Control: p, Width: 32})
	}
	if len(m.mode.statuses) > 0 {
		p := form.NewPicker(m.c.Styles, km, 3, "")
		opts := make([]form.Option, len(m.mode.statuses))
		for i, s := range m.mode.statuses {
			opts[i] = form.Option{Value: string(s), Label: s.Label()}
			if s == "" {
				opts[i].Label = "全部状态"
			}
		}
		p.SetOptions(opts)
		fields = append(fields, form.Field{Key: filterStatus, Label: "状态", Control: p, Width: 32})
	}
	optionalDate := func(_ *form.Form, v string) string {
		if strings.TrimSpace(v) == "" {
			return ""
		}
		_, msg := domain.ParseDate(domain.NormalizeInput(v))
		return msg
	}
	fields = append(fields,
		form.Field{Key: filterFrom, Label: "开始日期不早于", Control: form.NewText(km, false, 10), Width: 14, Check: optionalDate},
		form.Field{Key: filterTo, Label: "结束日期不晚于", Control: form.NewText(km, false, 10), Width: 14, Check: optionalDate})
	f := form.New(m.c.Styles, km, 24, fields...)
	f.SetValue(filterPerson, m.filter.Person)
	f.SetValue(filterSource, string(m.filter.Source))
	f.SetValue(filterStatus, string(m.filter.Status))
	f.SetValue(filterFrom, m.filter.From)
	f.SetValue(filterTo, m.filter.To)
	f.SetWidth(m.width)
	m.filterForm = f
}

func (m *List) applyFilter() tea.Cmd {
	f := m.filterForm
	if !f.Validate() {
		return nil
	}
	m.filter = domain.RecordFilter{
		Person: strings.TrimSpace(f.Value(filterPerson)), Source: domain.RecordSource(f.Value(filterSource)),
		Status: domain.RecordStatus(f.Value(filterStatus)),
		From:   domain.NormalizeInput(f.Value(filterFrom)), To: domain.NormalizeInput(f.Value(filterTo)),
	}
	m.filterForm = nil
	return m.feed.First()
}

func (m *List) filtered() bool {
	f := m.filter
	return f.Person != "" || f.Source != "" || f.Status != "" || f.From != "" || f.To != ""
}

// filterLine sums the filter up, or offers it.
func (m *List) filterLine() string {
	if !m.filtered() {
		return "按 / 筛选"
	}
	f := m.filter
	var parts []string
	if f.Person != "" {
		parts = append(parts, "人员含“"+f.Person+"”")
	}
	if f.Source != "" {
		parts = append(parts, f.Source.Label())
	}
	if f.Status != "" {
		parts = append(parts, f.Status.Label())
	}
	if f.From != "" || f.To != "" {
		parts = append(parts, f.From+" 至 "+f.To)
	}
	return "筛选：" + strings.Join(parts, "，")
}

// batch is 批量审核: 同意 for every ticked record, in one request.
func (m *List) batch() {
	ids := m.feed.Table().Checked()
	if len(ids) == 0 {
		m.outcome = pane.Outcome{Failure: "请先用空格键勾选施教机构提交的记录（ctrl+a 全选）"}
		return
	}
	svc := m.c.Services.Records
	m.ask.Ask("同意已勾选的 "+strconv.Itoa(len(ids))+" 条记录吗？", func() tea.Cmd {
		m.outcome.Start()
		return common.Call(m.id, func(ctx context.Context) (any, error) {
			s, err := svc.ApproveRecords(ctx, domain.RecordBatchApproval{IDs: ids})
			return batchApproved{summary: s}, err
		})
	})
}

func (m *List) batchDone(s domain.RecordBatchSummary, err error) tea.Cmd {
	if err != nil {
		m.outcome.Failed(err)
		return m.load()
	}
	m.feed.Table().ClearChecks()
	msg := "批量审核完成：同意 " + strconv.Itoa(len(s.Approved)) + " 条"
	if len(s.Skipped) > 0 {
		reasons := map[string]int{}
		var order []string
		for _, sk := range s.Skipped {
			if reasons[sk.Reason] == 0 {
				order = append(order, sk.Reason)
			}
			reasons[sk.Reason]++
		}
		parts := make([]string, len(order))
		for i, r := range order {
			parts[i] = r + " " + strconv.Itoa(reasons[r]) + " 条"
		}
		msg += "；跳过 " + strconv.Itoa(len(s.Skipped)) + " 条（" + strings.Join(parts, "，") + "）"
	}
	m.outcome.Done(msg)
	return m.load()
}

// SetSize fits the module into w×h cells.
func (m *List) SetSize(w, h int) {
	m.width, m.height = w, h
	m.feed.Table().SetSize(w, max(h-4, 2))
	if m.detail != nil {
		m.detail.setSize(w, max(h-2, 4))
	}
	if m.editor != nil {
		m.editor.setSize(w, h)
	}
	if m.review != nil {
		m.review.setSize(w, h)
	}
	if m.filterForm != nil {
		m.filterForm.SetWidth(w)
	}
}

// Dirty reports input not saved: the record being typed, a review being
// written, or records ticked for 批量审核.
func (m *List) Dirty() bool {
	return m.formDirty() || (m.mode.review && len(m.feed.Table().Checked()) > 0)
}

func (m *List) formDirty() bool {
	return (m.editor != nil && m.editor.form.Dirty()) || (m.review != nil && m.review.form.Dirty())
}

// Discards reports whether k closes the editor or the review form with
// what was typed in it.
func (m *List) Discards(k tea.KeyMsg) bool {
	return !m.ask.Asking() && key.Matches(k, m.km.Back) && m.formDirty()
}

// Nested reports whether a record, a form or a question is open: esc
// closes it rather than the module.
func (m *List) Nested() bool {
	return m.ask.Asking() || m.editor != nil || m.review != nil || m.filterForm != nil || m.detail != nil
}

// Typing reports whether a text field has the keyboard.
func (m *List) Typing() bool {
	switch {
	case m.ask.Asking():
		return false
	case m.editor != nil, m.review != nil, m.filterForm != nil:
		return true
	case m.detail != nil:
		return m.detail.typing()
	}
	return false
}

// bottom is the question, or the outcome line.
func (m *List) bottom() string {
	if m.ask.Asking() {
		return pane.Paragraph(m.c, m.ask.Question()+"(y/n)", m.c.Styles.Confirm, m.width, 2)
	}
	return m.outcome.ViewRows(m.c, m.width, 2)
}

// View is the open layer, or the list.
func (m *List) View() string {
	st := m.c.Styles
	switch {
	case m.editor != nil:
		return m.editor.view()
	case m.review != nil:
		return m.review.view()
	case m.filterForm != nil:
		head := st.Heading.Render("筛选") + st.Muted.Render("  enter 应用  esc 取消")
		return textwidth.Block(head+"\n"+m.filterForm.Window(m.height-1), m.width, m.height)
	case m.detail != nil:
		return textwidth.Block(m.detail.view(), m.width, m.height-2) + "\n" +
			textwidth.Block(m.bottom(), m.width, 2)
	}
	foot := m.feed.Position()
	if m.mode.review {
		foot += "  已勾选 " + strconv.Itoa(len(m.feed.Table().Checked())) + " 条"
	}
	return textwidth.Block(st.Muted.Render(textwidth.Truncate(m.filterLine(), m.width, st.Ellipsis)), m.width, 1) + "\n" +
		m.feed.Table().View() + "\n" +
		textwidth.Block(st.Muted.Render(foot), m.width, 1) + "\n" +
		textwidth.Block(m.bottom(), m.width, 2)
}

// ShortHelp lists the keys of the open layer.
func (m *List) ShortHelp() []key.Binding {
	km := m.km
	switch {
	case m.ask.Asking():
		return m.ask.Help(m.c)
	case m.editor != nil:
		return m.editor.help()
	case m.review != nil:
		return m.review.help()
	case m.filterForm != nil:
		apply := km.Submit
		apply.SetHelp("enter", "下一项/应用")
		return []key.Binding{apply, km.Choose}
	case m.detail != nil:
		return m.detail.help()
	}
	out := []key.Binding{km.Detail}
	if m.mode.declare {
		out = append(out, km.Add)
	}
	if r, ok := m.selected(); ok {
		out = append(out, m.actions(r)...)
	}
	if m.mode.review {
		out = append(out, table.Tick, km.Batch)
	}
	return append(out, km.Filter)
}

// FullHelp adds paging and reloading.
func (m *List) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.km.Up, m.km.Down, pane.KeyPrevPage, pane.KeyNextPage, m.km.Reload}}
}
