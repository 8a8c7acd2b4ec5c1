package query

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/export"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// exportTimeout bounds one export: 100,000 records take seconds on a LAN
// and minutes on a slow link; only a hung export reaches it.
const exportTimeout = 30 * time.Minute

// progressEvery spaces progress redraws, which cost bytes on slow links.
const progressEvery = 200 * time.Millisecond

// exportMode is where an export stands.
type exportMode int

const (
	naming exportMode = iota
	running
	finished
)

// exportView is 导出: the file's name, then the records streaming into the
// workbook with a progress bar, then where the file was saved. The file
// is created only once every record has arrived, under a name no other
// file has (Files.Create never replaces one), so a failed or cancelled
// export leaves nothing behind and nothing is overwritten.
type exportView struct {
	c       *common.Common
	id      common.ScreenID
	query   domain.RecordQuery
	summary string
	form    *form.Form
	mode    exportMode
	done    int
	total   int
	cancel  context.CancelFunc
	outcome pane.Outcome
	width   int
	height  int
}

// exported is one event of a running export: progress, or its end.
type exported struct {
	to     common.ScreenID
	events <-chan exported
	done   int
	total  int
	end    bool
	path   string
	err    error
}

const fieldFile = "file"

func newExport(st *pane.Stack, q domain.RecordQuery, summary string) *exportView {
	c := st.C()
	v := &exportView{c: c, id: c.NewID(), query: q, summary: summary}
	v.form = form.New(c.Styles, c.Keys, 40, form.Field{Key: fieldFile, Label: "文件名", Control: form.NewText(c.Keys, false, 80),
		Check: func(_ *form.Form, s string) string {
			s = strings.TrimSpace(s)
			switch {
			case s == "":
				return "请填写文件名"
			case strings.ContainsAny(s, `/\`):
				return "只填文件名，不含目录"
			}
			return ""
		}})
	v.form.SetValue(fieldFile, "继续教育培训记录_"+time.Now().In(domain.ChinaTime).Format("20060102")+".xlsx")
	return v
}

func (v *exportView) Init() tea.Cmd { return nil }

func (v *exportView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case v.mode == running && key.Matches(msg, v.c.Keys.Back):
			v.cancel()
		case v.mode == naming && v.form.Update(msg) == form.Submitted:
			return v.start()
		}
	case exported:
		if msg.to == v.id {
			return v.progress(msg)
		}
	}
	return nil
}

// fileName is the name typed, with the extension Excel expects.
func (v *exportView) fileName() string {
	name := strings.TrimSpace(v.form.Value(fieldFile))
	if !strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		name += ".xlsx"
	}
	return name
}

func (v *exportView) start() tea.Cmd {
	if !v.form.Validate() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	v.mode, v.cancel, v.done, v.total, v.outcome = running, cancel, 0, 0, pane.Outcome{}
	svc, files, q, name, to := v.c.Services.Queries, v.c.Files, v.query, v.fileName(), v.id
	events := make(chan exported, 2)
	go func() {
		defer cancel()
		var last time.Time
		path, err := writeExport(ctx, svc, files, q, name, func(done, total int) {
			if time.Since(last) < progressEvery && done < total {
				return
			}
			last = time.Now()
			if len(events) == 0 {
				events <- exported{to: to, done: done, total: total}
			}
		})
		events <- exported{to: to, end: true, path: path, err: err}
		close(events)
	}()
	return listen(events)
}

// writeExport streams the records into a workbook, then saves it as name
// among the operator's files and returns where.
func writeExport(ctx context.Context, svc domain.QueryService, files common.Files, q domain.RecordQuery, name string, report func(done, total int)) (string, error) {
	sheet, err := export.NewRecordSheet()
	if err != nil {
		return "", err
	}
	err = svc.ExportRecords(ctx, q, func(r domain.QueryRecord, n, total int) error {
		report(n, total)
		return sheet.Add(r)
	})
	if err != nil {
		sheet.Close()
		return "", err
	}
	if sheet.Rows() == 0 {
		sheet.Close()
		return "", domain.Errorf(domain.CodeNotFound, "没有符合条件的记录，未生成文件")
	}
	out, path, err := files.Create(name)
	if err != nil {
		sheet.Close()
		return "", err
	}
	_, err = sheet.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

func listen(events <-chan exported) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		ev.events = events
		return ev
	}
}

func (v *exportView) progress(ev exported) tea.Cmd {
	if !ev.end {
		v.done, v.total = ev.done, ev.total
		return listen(ev.events)
	}
	v.mode = finished
	switch {
	case errors.Is(ev.err, context.Canceled):
		v.outcome = pane.Outcome{Failure: "已取消导出，未生成文件"}
	case ev.err != nil && domain.ErrorCode(ev.err) == domain.CodeInternal:
		v.outcome = pane.Outcome{Failure: "导出失败：" + ev.err.Error()}
	case ev.err != nil:
		v.outcome.Failed(ev.err)
	default:
		v.done = v.total
		v.outcome.Done(fmt.Sprintf("已导出 %s 条记录。", thousands(v.total)) + v.c.Files.SavedMessage(ev.path))
	}
	return nil
}

// thousands writes n with separators: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// bar is the progress bar, drawn from the numbers (never animated, so an
// idle terminal stays still) in w cells.
func (v *exportView) bar(w int) string {
	st := v.c.Styles
	fraction := 0.0
	if v.total > 0 {
		fraction = float64(v.done) / float64(v.total)
	}
	room := max(w-2, 4)
	full := min(int(fraction*float64(room)), room)
	return "[" + st.Notice.Render(strings.Repeat(st.BarCells[0], full)) + strings.Repeat(" ", room-full) + "]\n" +
		fmt.Sprintf("%s / %s 条  %3.0f%%", thousands(v.done), thousands(v.total), fraction*100)
}

func (v *exportView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.form.SetWidth(w)
}

func (v *exportView) View() string {
	st := v.c.Styles
	lines := []string{st.Heading.Render("导出继续教育培训记录（.xlsx）"),
		st.Muted.Render(textwidth.Truncate(v.summary, v.width, st.Ellipsis))}
	switch v.mode {
	case naming:
		lines = append(lines, "", v.form.View(), "",
			st.Muted.Render(textwidth.Truncate("保存到："+v.c.Files.Display(v.c.Files.OutboxDir()), v.width, st.Ellipsis)),
			st.Muted.Render("同名文件不会被覆盖：将自动改名保存"))
	case running:
		head := "正在导出" + v.c.Styles.Ellipsis
		if v.total == 0 {
			head = "正在查询" + v.c.Styles.Ellipsis
		}
		lines = append(lines, "", head, v.bar(v.width), st.Muted.Render("esc 取消"))
	default:
		lines = append(lines, "", v.bar(v.width))
	}
	return textwidth.Block(strings.Join(lines, "\n"), v.width, max(v.height-3, 1)) + "\n" + v.outcome.View(v.c, v.width)
}

// Nested keeps esc for cancelling a running export.
func (v *exportView) Nested() bool { return v.mode == running }

func (v *exportView) Typing() bool { return v.mode == naming }

func (v *exportView) ShortHelp() []key.Binding {
	switch v.mode {
	case naming:
		submit := v.c.Keys.Submit
		submit.SetHelp("enter", "导出")
		return []key.Binding{submit}
	case running:
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "取消导出"))}
	}
	return nil
}

func (v *exportView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
