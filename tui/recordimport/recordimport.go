// Package recordimport is 继续教育记录批量申报 (1.6.2): 模板下载 saves the
// .xlsx template, 上传模板 sends the filled file and lists every problem by
// row and column, 数据入库 stores the valid rows, and 保存错误报告 saves the
// bad rows with their problems, to fix and upload again. Uploads and the
// server's work show their progress.
package recordimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/filepick"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Module is the module key, as domain.MenuFor names it.
const Module = "record.batch"

// Names the saved files take unless the operator types others.
const (
	templateName = "继续教育记录导入模板.xlsx"
	reportSuffix = "-错误报告.xlsx"
)

// Keys of the module's main view, where letters are commands.
var (
	keyTemplate = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "模板下载"))
	keyUpload   = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "上传模板"))
	keyImport   = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "数据入库"))
	keyReport   = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "保存错误报告"))
	keyFilter   = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "只看有误"))
	keyBrowse   = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "浏览文件"))
	keyCancel   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "取消"))
)

type mode int

const (
	home mode = iota
	typingSource
	picking
	typingTarget
	confirmOverwrite
	confirmImport
	working
)

// fieldPath is the key of the path forms.
const fieldPath = "path"

// Model is the module.
type Model struct {
	c  *common.Common
	id common.ScreenID

	mode   mode
	path   *form.Form
	picker *filepick.Picker
	saving kind   // savingTemplate or savingReport while a target is asked for
	target string // the file to save to, awaiting the overwrite answer
	job    *job

	// source is the file last checked, report its verdict; imported is
	// true once that verdict came from 数据入库.
	source   string
	report   *domain.ImportReport
	imported bool
	// errorsOnly hides the rows that are only 已存在, leaving what needs
	// fixing; kinds then counts the problems by column.
	errorsOnly bool
	shown      int
	kinds      string
	table      *table.Table
	outcome    pane.Outcome

	width, height int
}

// New builds the module.
func New(c *common.Common) common.Component {
	return &Model{c: c, id: c.NewID(), width: 40, height: 12,
		table: table.New(c.Styles, c.Keys, "没有问题：所有行均通过校验",
			table.Column{Title: "行号", Width: 5}, table.Column{Title: "列名", Width: 8},
			table.Column{Title: "问题", Width: 10, Flex: true})}
}

// Init has nothing to load: the module starts from the operator's files.
func (m *Model) Init() tea.Cmd { return nil }

// Update takes keys and the events of the module's work.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case event:
		if msg.to == m.id {
			return m.progress(msg)
		}
	case tea.KeyMsg:
		return m.key(msg)
	}
	return nil
}

func (m *Model) key(k tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case home:
		return m.homeKey(k)
	case typingSource:
		switch {
		case key.Matches(k, keyCancel):
			m.mode = home
		case key.Matches(k, keyBrowse):
			m.picker, m.mode = filepick.New(m.c, m.browseDir(), "（没有 .xlsx 文件）", offered), picking
			m.picker.SetSize(m.width, m.height-2)
		case m.path.Update(k) == form.Submitted:
			return m.startValidate(m.c.Files.Resolve(m.path.Value(fieldPath), m.c.Files.InboxDir()))
		}
	case picking:
		if key.Matches(k, keyCancel) {
			m.mode = typingSource
			return nil
		}
		if path := m.picker.Update(k); path != "" {
			m.path.SetValue(fieldPath, path)
			return m.startValidate(path)
		}
	case typingTarget:
		switch {
		case key.Matches(k, keyCancel):
			m.mode = home
		case m.path.Update(k) == form.Submitted:
			return m.chooseTarget(m.c.Files.Resolve(m.path.Value(fieldPath), m.c.Files.OutboxDir()))
		}
	case confirmOverwrite:
		switch {
		case key.Matches(k, m.c.Keys.Yes):
			return m.startSave(m.saving, m.target)
		case key.Matches(k, m.c.Keys.No):
			m.mode = typingTarget
		}
	case confirmImport:
		switch {
		case key.Matches(k, m.c.Keys.Yes):
			return m.startImport()
		case key.Matches(k, m.c.Keys.No):
			m.mode = home
		}
	case working:
		if key.Matches(k, keyCancel) && m.job != nil {
			m.job.cancel()
		}
	}
	return nil
}

func (m *Model) homeKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, keyTemplate):
		return m.askTarget(savingTemplate, templateName)
	case key.Matches(k, keyUpload):
		m.outcome.Clear()
		m.mode, m.path = typingSource, m.pathForm("文件路径", m.source)
	case key.Matches(k, keyImport):
		switch {
		case m.report == nil:
			m.outcome = pane.Outcome{Failure: "请先按 u 上传填写好的模板，校验后再入库"}
		case m.imported:
			m.outcome = pane.Outcome{Failure: "该校验报告中的有效记录已入库；修改有误的行后请按 u 重新上传校验"}
		case m.report.Valid == 0:
			m.outcome = pane.Outcome{Failure: "没有可入库的有效行：请按 e 保存错误报告，修改后重新上传"}
		default:
			m.outcome.Clear()
			m.mode = confirmImport
		}
	case key.Matches(k, keyFilter) && m.report != nil:
		m.errorsOnly = !m.errorsOnly
		m.show(*m.report)
	case key.Matches(k, keyReport):
		switch {
		case m.report == nil:
			m.outcome = pane.Outcome{Failure: "请先按 u 上传填写好的模板"}
		case m.report.Invalid == 0:
			m.outcome = pane.Outcome{Failure: "没有有误的行，无需错误报告"}
		default:
			stem := strings.TrimSuffix(filepath.Base(m.source), filepath.Ext(m.source))
			return m.askTarget(savingReport, stem+reportSuffix)
		}
	default:
		m.table.Update(k)
	}
	return nil
}

// askTarget asks where to save; over SSH files go to the outbox under a
// free name, so there is nothing to ask.
func (m *Model) askTarget(k kind, name string) tea.Cmd {
	m.outcome.Clear()
	m.saving = k
	if m.c.Files.Mode == common.SSHFiles {
		return m.startSave(k, "")
	}
	m.mode, m.path = typingTarget, m.pathForm("保存到", filepath.Join(m.c.Files.OutboxDir(), name))
	return nil
}

// chooseTarget asks before replacing a file; a folder gets the default name.
func (m *Model) chooseTarget(target string) tea.Cmd {
	if target == "" {
		m.path.Validate()
		return nil
	}
	if info, err := os.Stat(target); err == nil && info.IsDir() {
		name := templateName
		if m.saving == savingReport {
			name = strings.TrimSuffix(filepath.Base(m.source), filepath.Ext(m.source)) + reportSuffix
		}
		target = filepath.Join(target, name)
	}
	if !isWorkbook(target) {
		target += ".xlsx"
	}
	m.target = target
	if _, err := os.Stat(target); err == nil {
		m.mode = confirmOverwrite
		return nil
	}
	return m.startSave(m.saving, target)
}

func (m *Model) pathForm(label, value string) *form.Form {
	f := form.New(m.c.Styles, m.c.Keys, 200, form.Field{Key: fieldPath, Label: label,
		Control: form.NewText(m.c.Keys, false, 1024), Check: form.Required(label)})
	f.SetWidth(m.width)
	f.SetValue(fieldPath, value)
	return f
}

// browseDir is where the picker opens: the folder of the path typed so
// far, if there is one, else the inbox.
func (m *Model) browseDir() string {
	typed := m.c.Files.Resolve(m.path.Value(fieldPath), m.c.Files.InboxDir())
	if typed == "" {
		// Nothing typed: "." would be the server's folder over SSH.
		return m.c.Files.InboxDir()
	}
	for _, dir := range []string{typed, filepath.Dir(typed)} {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
	}
	return m.c.Files.InboxDir()
}

// refuse shows a problem found before any upload, at the path field.
func (m *Model) refuse(msg string) tea.Cmd {
	m.path.SetServerErrors(map[string]string{fieldPath: msg})
	m.mode = typingSource
	return nil
}

// openSource opens the workbook at path for upload, checking here what can
// be checked without the server.
func (m *Model) openSource(path string) (domain.ImportUpload, *os.File, string) {
	f, err := m.c.Files.Open(path)
	if err != nil {
		return domain.ImportUpload{}, nil, "无法打开：" + common.FileProblem(err)
	}
	info, err := f.Stat()
	problem := ""
	switch {
	case err != nil:
		problem = "无法读取：" + common.FileProblem(err)
	case info.IsDir():
		problem = "请选择文件，而不是文件夹"
	case info.Size() == 0:
		problem = "文件为空，请选择填写好的模板"
	case info.Size() > domain.MaxImportBytes:
		problem = "文件超过" + domain.FormatBytes(domain.MaxImportBytes) + "，请删除多余的工作表、图片和格式，或分批导入"
	}
	if problem != "" {
		f.Close()
		return domain.ImportUpload{}, nil, problem
	}
	return domain.ImportUpload{Name: filepath.Base(path), Size: info.Size(), Body: f}, f, ""
}

// begin marks k running on name; the work releases the context with
// cancel when it ends.
func (m *Model) begin(k kind, name string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), workTimeout)
	m.job = &job{kind: k, name: name, cancel: cancel}
	if stages := k.stages(); len(stages) > 0 {
		m.job.at = domain.ImportProgress{Stage: stages[0]}
	}
	m.mode = working
	m.outcome.Clear()
	return ctx, cancel
}

func (m *Model) startValidate(path string) tea.Cmd {
	if path == "" {
		m.path.Validate()
		return nil
	}
	up, f, problem := m.openSource(path)
	if problem != "" {
		return m.refuse(problem)
	}
	ctx, cancel := m.begin(validating, up.Name)
	svc := m.c.Services.RecordImport
	return run(m.id, validating, func(report func(domain.ImportProgress)) event {
		defer cancel()
		defer f.Close()
		up.Progress = report
		rep, err := svc.ValidateImport(ctx, up)
		return event{report: rep, path: path, err: err}
	})
}

// startImport stores the rows of the report on screen, by its
// validation id: the file is not read again, so what is stored is what
// the operator saw.
func (m *Model) startImport() tea.Cmd {
	id := m.report.ID
	ctx, cancel := m.begin(importing, filepath.Base(m.source))
	svc := m.c.Services.RecordImport
	return run(m.id, importing, func(report func(domain.ImportProgress)) event {
		defer cancel()
		res, err := svc.ImportValidated(ctx, id, report)
		return event{result: res, err: err}
	})
}

// startSave fetches the template or the error report and saves it at
// target: into a temporary file beside it first, moved into place once
// complete, so a failure never leaves half a workbook under the real
// name. Over SSH (target "") it goes to the outbox under a free name.
func (m *Model) startSave(k kind, target string) tea.Cmd {
	name, validation := templateName, ""
	if k == savingReport {
		base := filepath.Base(m.source)
		name, validation = strings.TrimSuffix(base, filepath.Ext(base))+reportSuffix, m.report.ID
	}
	var out *os.File
	var err error
	if target == "" {
		out, target, err = m.c.Files.Create(name)
	} else {
		out, err = os.CreateTemp(filepath.Dir(target), ".jxjy-import-*")
	}
	if err != nil {
		m.mode, m.outcome = home, pane.Outcome{Failure: "无法保存文件：" + common.FileProblem(err)}
		return nil
	}
	ctx, cancel := m.begin(k, filepath.Base(target))
	svc, ssh := m.c.Services.RecordImport, m.c.Files.Mode == common.SSHFiles
	return run(m.id, k, func(report func(domain.ImportProgress)) event {
		defer cancel()
		var data []byte
		var err error
		if k == savingReport {
			// The report of the validation on screen, not of the file as
			// it may be now.
			data, err = svc.ValidationErrorReport(ctx, validation)
		} else {
			data, err = svc.ImportTemplate(ctx)
		}
		if err == nil {
			_, err = out.Write(data)
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		switch {
		case err != nil:
			os.Remove(out.Name())
		case !ssh:
			err = os.Rename(out.Name(), target)
		}
		return event{path: target, err: err}
	})
}

// progress takes a job's event: the numbers while it runs, the outcome at
// its end.
func (m *Model) progress(ev event) tea.Cmd {
	if !ev.end {
		if m.job != nil {
			m.job.at = ev.at
		}
		return listen(ev.events)
	}
	m.job, m.mode = nil, home
	if ev.err != nil {
		return m.failed(ev)
	}
	switch ev.kind {
	case validating:
		m.source, m.imported = ev.path, false
		m.show(ev.report)
		// The counts are on the line above the table; this says what next.
		r, msg := ev.report, ""
		switch {
		case r.Valid > 0 && r.Invalid > 0:
			msg = "校验完成。按 i 将有效的行入库，按 e 保存错误报告"
		case r.Valid > 0:
			msg = "校验完成，全部通过。按 i 数据入库"
		case r.Invalid > 0:
			msg = "校验完成，没有可入库的行。按 e 保存错误报告，修改后重新上传"
		default:
			msg = "校验完成：所有行均已入库，无需再次入库"
		}
		m.outcome = pane.Outcome{Success: msg}
	case importing:
		m.imported = true
		m.show(ev.result.Report)
		r := ev.result.Report
		m.outcome = pane.Outcome{Success: fmt.Sprintf("已入库%d条记录（有误%d行、已存在%d行未入库）", ev.result.Inserted, r.Invalid, r.Existing)}
	default:
		m.outcome = pane.Outcome{Success: m.c.Files.SavedMessage(ev.path)}
	}
	return nil
}

// failed shows why a job ended without its result: at the path field when
// the file was refused, on the message line otherwise.
func (m *Model) failed(ev event) tea.Cmd {
	msg := common.ErrorText(ev.err)
	cancelled := errors.Is(ev.err, context.Canceled) || strings.Contains(msg, "已取消")
	var de *domain.Error
	switch {
	case cancelled && ev.kind == importing:
		msg = "已取消入库。如取消前入库已完成，重新上传校验时这些行会显示为“已存在”"
	case cancelled:
		msg = "已取消"
	case !errors.As(ev.err, &de):
		msg = "无法保存文件：" + common.FileProblem(ev.err)
	}
	if ev.kind == validating && !cancelled && de != nil && de.Code != domain.CodeUnavailable {
		// The file itself was refused: say so where its path is typed.
		m.mode = typingSource
		m.path.SetServerErrors(map[string]string{fieldPath: msg})
		return nil
	}
	m.outcome = pane.Outcome{Failure: msg}
	return nil
}

// show lists a report's problems, or only those that need fixing.
func (m *Model) show(r domain.ImportReport) {
	m.report = &r
	var rows []table.Row
	counts, order := map[string]int{}, []string{}
	for i, p := range r.Problems {
		if m.errorsOnly && p.Existing {
			continue
		}
		column := p.Column
		if column == "" {
			column = "—"
		}
		rows = append(rows, table.Row{ID: int64(i), Cells: []string{strconv.Itoa(p.Row), column, p.Message}})
		if counts[p.Kind()] == 0 {
			order = append(order, p.Kind())
		}
		counts[p.Kind()]++
	}
	m.shown, m.kinds = len(rows), ""
	if m.errorsOnly {
		parts := make([]string, len(order))
		for i, k := range order {
			parts[i] = fmt.Sprintf("%s %d", k, counts[k])
		}
		m.kinds = "只看有误（f 显示全部）：" + strings.Join(parts, "，")
		if len(parts) == 0 {
			m.kinds = "只看有误（f 显示全部）：没有有误的行"
		}
	}
	m.table.SetRows(rows)
	m.table.Select(0)
	m.fitTable()
}

// kindsView is the problem counts by kind, wrapped, when only errors show.
func (m *Model) kindsView() string {
	if m.kinds == "" {
		return ""
	}
	return m.c.Styles.Muted.Render(lipgloss.NewStyle().Width(m.width).Render(m.kinds))
}

// fitTable gives the table what the other lines leave.
func (m *Model) fitTable() {
	kinds := 0
	if m.kinds != "" {
		kinds = lipgloss.Height(m.kindsView())
	}
	m.table.SetSize(m.width, max(m.height-fixedLines-kinds, 1))
}

// SetSize fits the module into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 20), max(h, 8)
	m.fitTable()
	if m.path != nil {
		m.path.SetWidth(m.width)
	}
	if m.picker != nil {
		m.picker.SetSize(m.width, m.height-2)
	}
}

// fixedLines are the main view's lines beside the table: the file, the
// counts, and four for the selected problem and the message.
const fixedLines = 6

// Typing reports whether a path field has the keyboard.
func (m *Model) Typing() bool { return m.mode == typingSource || m.mode == typingTarget }

// Nested keeps esc in the module while a prompt, the picker or work is
// open.
func (m *Model) Nested() bool { return m.mode != home }

// View draws the module in exactly w×h cells.
func (m *Model) View() string {
	st := m.c.Styles
	wrap := lipgloss.NewStyle().Width(m.width)
	var body string
	switch m.mode {
	case home:
		body = m.homeView()
	case typingSource:
		hint := "请填写或选择填写好的 .xlsx 模板（不超过" + domain.FormatBytes(domain.MaxImportBytes) + "），tab 可浏览文件夹；enter 上传并校验。"
		if put := m.c.Files.PutCommand(); put != "" {
			hint += "请先在本机执行 " + put + " 放入文件。"
		}
		body = m.path.View() + "\n" + st.Muted.Render(wrap.Render(hint))
	case picking:
		body = m.picker.View(m.width)
	case typingTarget:
		title := "模板下载"
		if m.saving == savingReport {
			title = "保存错误报告"
		}
		body = st.Heading.Render(title) + "\n" + m.path.View() + "\n" + st.Muted.Render(wrap.Render("enter 保存，esc 取消"))
	case confirmOverwrite:
		body = st.Confirm.Render(wrap.Render(m.target + " 已存在，覆盖吗？(y/n)"))
	case confirmImport:
		r := m.report
		body = st.Confirm.Render(wrap.Render(fmt.Sprintf("将入库上述校验报告中的%d条有效记录（有误%d行、已存在%d行不入库），确定吗？(y/n)",
			r.Valid, r.Invalid, r.Existing))) + "\n" + st.Muted.Render(wrap.Render("入库的是校验时读到的内容；此后对文件的修改不会入库，如有修改请按 n 后重新上传校验。"))
	case working:
		body = m.workView()
	}
	return textwidth.Block(body, m.width, m.height)
}

func (m *Model) homeView() string {
	st := m.c.Styles
	w := m.width
	wrap := lipgloss.NewStyle().Width(w)
	if m.report == nil {
		steps := strings.Join([]string{
			"第一步：按【t】模板下载，在Excel中填写（每行一条记录，填写说明见模板的第二个工作表）。",
			"第二步：按【u】上传模板，系统逐行校验并列出问题（行号、列名、原因），此时不保存。",
			"第三步：按【i】数据入库，只保存校验通过的行；有误的行按【e】保存错误报告，修改后重新上传。同一文件重复入库不会产生重复记录。",
		}, "\n")
		return st.Muted.Render(wrap.Render(steps)) + "\n\n" + m.outcome.View(m.c, w)
	}
	r := m.report
	file := "文件：" + filepath.Base(m.source)
	if r.Sheet != "" {
		file += "（工作表“" + r.Sheet + "”）"
	}
	counts := fmt.Sprintf("共 %d 行：", r.Rows) + st.Success.Render(fmt.Sprintf("有效 %d", r.Valid)) + "，" +
		st.Error.Render(fmt.Sprintf("有误 %d", r.Invalid)) + "，" + fmt.Sprintf("已存在 %d", r.Existing)
	if r.Warnings > 0 {
		counts += "，" + st.Error.Render(fmt.Sprintf("提示 %d", r.Warnings))
	}
	if m.imported {
		counts += st.Muted.Render("（已入库）")
	}
	detail := ""
	if row, ok := m.table.Selected(); ok && len(r.Problems) > 0 {
		p := r.Problems[row.ID]
		// No spaces: the wrap then breaks by cells, filling both lines.
		detail = fmt.Sprintf("[%d/%d]第%d行", m.table.Cursor()+1, m.shown, p.Row)
		if p.Column != "" {
			detail += "，" + p.Column
		}
		detail += "：" + p.Message
	}
	// The selected problem and the message share the last lines; a long
	// message (where a file was saved over SSH, with the command to fetch
	// it) takes them all.
	outcome := m.outcome.View(m.c, w)
	bottom := textwidth.Block(st.Muted.Render(wrap.Render(detail)), w, 2) + "\n" + textwidth.Block(outcome, w, 2)
	if lipgloss.Height(outcome) > 2 {
		bottom = textwidth.Block(outcome, w, 4)
	}
	lines := []string{textwidth.Truncate(file, w, st.Ellipsis), textwidth.Truncate(counts, w, st.Ellipsis)}
	if kinds := m.kindsView(); kinds != "" {
		lines = append(lines, kinds)
	}
	return strings.Join(append(lines, m.table.View(), bottom), "\n")
}

// ShortHelp lists the keys of the current view.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.Keys
	switch m.mode {
	case home:
		out := []key.Binding{keyTemplate, keyUpload}
		if m.report != nil && m.report.Valid > 0 {
			out = append(out, keyImport)
		}
		if m.report != nil && m.report.Invalid > 0 {
			out = append(out, keyReport)
		}
		if m.report != nil && len(m.report.Problems) > 0 {
			filter := keyFilter
			if m.errorsOnly {
				filter.SetHelp("f", "显示全部")
			}
			out = append(out, filter)
		}
		return out
	case typingSource:
		return []key.Binding{km.Submit, keyBrowse, keyCancel}
	case picking:
		choose := km.Submit
		choose.SetHelp("enter", "打开/选择")
		return []key.Binding{km.Choose, choose, filepick.Parent, keyCancel}
	case typingTarget:
		return []key.Binding{km.Submit, keyCancel}
	case confirmOverwrite, confirmImport:
		return []key.Binding{km.Yes, km.No}
	}
	return []key.Binding{keyCancel}
}

// FullHelp adds moving through the problems.
func (m *Model) FullHelp() [][]key.Binding {
	if m.mode != home {
		return [][]key.Binding{m.ShortHelp()}
	}
	pages := key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "翻页"))
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Up, m.c.Keys.Down, pages}}
}
