// Package attachment is the 附件 panel every workflow screen embeds: the
// owner's files in a table, upload from the operator's files (picked from
// a folder listing or typed as a path), download to a chosen place, and
// delete while the owner may still change. Transfers show their progress.
package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// Keys of the panel's listing, where letters are commands.
var (
	keyUpload   = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "上传"))
	keyDownload = key.NewBinding(key.WithKeys("d", "enter"), key.WithHelp("d", "下载"))
	keyDelete   = key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "删除"))
	keyBrowse   = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "浏览文件"))
	keyCancel   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "取消"))
)

// transferTimeout bounds one upload or download; far above what 20 MB
// needs on the slowest link, it only ends a transfer that hangs.
const transferTimeout = 30 * time.Minute

// progressEvery spaces progress redraws, which cost bytes on slow links.
const progressEvery = 200 * time.Millisecond

type mode int

const (
	listing mode = iota
	typingPath
	picking
	typingTarget
	confirmOverwrite
	confirmDelete
	transferring
)

// Panel is the attachments of one owner. Its owner screen passes it every
// message, and keys while it is showing.
type Panel struct {
	c         *common.Common
	id        common.ScreenID
	ownerType string
	ownerID   int64
	editable  bool

	items   []domain.Attachment
	table   *table.Table
	loading bool
	changed bool

	mode    mode
	path    *form.Form
	picker  *filepick.Picker
	chosen  domain.Attachment // being downloaded or deleted
	target  string            // where the download goes
	moving  *transfer
	message string
	failure string

	width, height int
}

// transfer is the state of a running upload or download.
type transfer struct {
	upload      bool
	name        string
	done, total int64
	cancel      context.CancelFunc
}

// Field key of the path forms.
const fieldPath = "path"

type listed struct {
	ownerID int64
	items   []domain.Attachment
}

type deleted struct{ name string }

// progressed is one event of a transfer: progress, or its end.
type progressed struct {
	to     common.ScreenID
	events <-chan progressed
	done   int64
	total  int64
	end    bool
	att    domain.Attachment
	saved  string
	err    error
}

// New makes an empty panel for owners of ownerType; Load shows one.
func New(c *common.Common, ownerType string) *Panel {
	return &Panel{c: c, id: c.NewID(), ownerType: ownerType,
		table: table.New(c.Styles, c.Keys, "暂无附件",
			table.Column{Title: "文件名", Width: 10, Flex: true},
			table.Column{Title: "大小", Width: 9},
			table.Column{Title: "上传时间", Width: 11}),
		width: 40, height: 6}
}

// Load shows owner id's files; editable allows upload and delete (the
// server decides in the end).
func (p *Panel) Load(id int64, editable bool) tea.Cmd {
	if id != p.ownerID {
		p.items, p.message, p.failure = nil, "", ""
		p.table.SetRows(nil)
	}
	p.ownerID, p.editable, p.loading = id, editable, true
	svc, owner := p.c.Services.Attachments, p.ownerType
	return common.Call(p.id, func(ctx context.Context) (any, error) {
		items, err := svc.ListAttachments(ctx, owner, id)
		return listed{ownerID: id, items: items}, err
	})
}

// Len is the number of files listed.
func (p *Panel) Len() int { return len(p.items) }

// TakeChanged reports, once, that a file was added or removed, so the
// owner screen can refresh what depends on it.
func (p *Panel) TakeChanged() bool {
	c := p.changed
	p.changed = false
	return c
}

// Nested reports whether a prompt, the folder listing or a transfer is
// open: esc closes it rather than the screen.
func (p *Panel) Nested() bool { return p.mode != listing }

// Typing reports whether a path field has the keyboard.
func (p *Panel) Typing() bool { return p.mode == typingPath || p.mode == typingTarget }

// Update takes the panel's answers, and keys when keys is true.
func (p *Panel) Update(msg tea.Msg, keys bool) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		if msg.To != p.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case listed:
			if v.ownerID == p.ownerID {
				p.listDone(v.items, msg.Err)
			}
		case deleted:
			p.mode = listing
			if msg.Err != nil {
				p.failure = common.ErrorText(msg.Err)
				return nil
			}
			p.changed, p.message = true, "已删除："+v.name
			return p.Load(p.ownerID, p.editable)
		}
	case progressed:
		if msg.to == p.id {
			return p.progress(msg)
		}
	case tea.KeyMsg:
		if keys {
			return p.key(msg)
		}
	}
	return nil
}

func (p *Panel) listDone(items []domain.Attachment, err error) {
	p.loading = false
	if err != nil {
		p.failure = common.ErrorText(err)
		return
	}
	p.items = items
	rows := make([]table.Row, len(items))
	for i, a := range items {
		rows[i] = table.Row{ID: a.ID, Cells: []string{a.Name, domain.FormatBytes(a.Size),
			a.CreatedAt.In(domain.ChinaTime).Format("01-02 15:04")}}
	}
	p.table.SetRows(rows)
}

func (p *Panel) key(k tea.KeyMsg) tea.Cmd {
	switch p.mode {
	case listing:
		return p.listingKey(k)
	case typingPath:
		switch {
		case key.Matches(k, keyCancel):
			p.mode = listing
		case key.Matches(k, keyBrowse):
			p.picker, p.mode = filepick.New(p.c, p.c.Files.StartDir(), "（空文件夹）", nil), picking
			p.picker.SetSize(p.width, p.height-2)
		case p.path.Update(k) == form.Submitted:
			return p.startUpload(p.c.Files.Resolve(p.path.Value(fieldPath), p.c.Files.InboxDir()))
		}
	case picking:
		if key.Matches(k, keyCancel) {
			p.mode = typingPath
			return nil
		}
		if path := p.picker.Update(k); path != "" {
			p.path.SetValue(fieldPath, path)
			return p.startUpload(path)
		}
	case typingTarget:
		switch {
		case key.Matches(k, keyCancel):
			p.mode = listing
		case p.path.Update(k) == form.Submitted:
			return p.chooseTarget(p.c.Files.Resolve(p.path.Value(fieldPath), p.c.Files.OutboxDir()))
		}
	case confirmOverwrite, confirmDelete:
		switch {
		case key.Matches(k, p.c.Keys.Yes) && p.mode == confirmOverwrite:
			return p.startDownload(p.chosen, p.target)
		case key.Matches(k, p.c.Keys.Yes):
			return p.delete(p.chosen)
		case key.Matches(k, p.c.Keys.No):
			p.mode = listing
		}
	case transferring:
		if key.Matches(k, keyCancel) && p.moving != nil {
			p.moving.cancel()
		}
	}
	return nil
}

func (p *Panel) listingKey(k tea.KeyMsg) tea.Cmd {
	sel, ok := p.selected()
	switch {
	case key.Matches(k, keyUpload) && p.editable:
		p.message, p.failure = "", ""
		p.mode, p.path = typingPath, p.pathForm("文件路径", "")
	case key.Matches(k, keyDownload) && ok:
		p.message, p.failure = "", ""
		if p.c.Files.Mode == common.SSHFiles {
			// Over SSH files are saved to the outbox, never over another.
			return p.startDownload(sel, "")
		}
		p.chosen, p.mode = sel, typingTarget
		p.path = p.pathForm("保存到", filepath.Join(p.c.Files.OutboxDir(), sel.Name))
	case key.Matches(k, keyDelete) && ok && p.editable:
		p.message, p.failure = "", ""
		p.chosen, p.mode = sel, confirmDelete
	default:
		p.table.Update(k)
	}
	return nil
}

func (p *Panel) selected() (domain.Attachment, bool) {
	r, ok := p.table.Selected()
	if !ok {
		return domain.Attachment{}, false
	}
	for _, a := range p.items {
		if a.ID == r.ID {
			return a, true
		}
	}
	return domain.Attachment{}, false
}

func (p *Panel) pathForm(label, value string) *form.Form {
	f := form.New(p.c.Styles, p.c.Keys, 200, form.Field{Key: fieldPath, Label: label,
		Control: form.NewText(p.c.Keys, false, 1024), Check: form.Required(label)})
	f.SetWidth(p.width)
	f.SetValue(fieldPath, value)
	return f
}

// refuse shows a problem found before any transfer, at the path field.
func (p *Panel) refuse(msg string) tea.Cmd {
	p.path.SetServerErrors(map[string]string{fieldPath: msg})
	if p.mode == picking {
		p.mode = typingPath
	}
	return nil
}

// startUpload checks the file here first (exists, not empty, an accepted
// name), so an obvious mistake costs no transfer, then sends it.
func (p *Panel) startUpload(path string) tea.Cmd {
	if path == "" {
		p.path.Validate()
		return nil
	}
	f, err := p.c.Files.Open(path)
	if err != nil {
		return p.refuse("无法打开：" + common.FileProblem(err))
	}
	info, err := f.Stat()
	problem := ""
	switch {
	case err != nil:
		problem = "无法读取：" + common.FileProblem(err)
	case info.IsDir():
		problem = "请选择文件，而不是文件夹"
	case info.Size() == 0:
		problem = "文件为空，请选择有内容的文件"
	}
	if _, msg := domain.CheckAttachmentName(filepath.Base(path)); problem == "" && msg != "" {
		problem = msg
	}
	if problem != "" {
		f.Close()
		return p.refuse(problem)
	}
	ctx, cancel := context.WithTimeout(context.Background(), transferTimeout)
	p.moving = &transfer{upload: true, name: filepath.Base(path), total: info.Size(), cancel: cancel}
	p.mode, p.message, p.failure = transferring, "", ""
	up := domain.AttachmentUpload{OwnerType: p.ownerType, OwnerID: p.ownerID, Name: filepath.Base(path),
		Size: info.Size(), Body: f}
	svc := p.c.Services.Attachments
	return p.run(func(report func(done, total int64)) progressed {
		defer cancel()
		defer f.Close()
		up.Progress = report
		att, err := svc.UploadAttachment(ctx, up)
		return progressed{att: att, err: err}
	})
}

// chooseTarget asks before replacing an existing file; a folder gets the
// file under its own name.
func (p *Panel) chooseTarget(target string) tea.Cmd {
	if target == "" {
		p.path.Validate()
		return nil
	}
	if info, err := os.Stat(target); err == nil && info.IsDir() {
		target = filepath.Join(target, p.chosen.Name)
	}
	p.target = target
	if _, err := os.Stat(target); err == nil {
		p.mode = confirmOverwrite
		return nil
	}
	return p.startDownload(p.chosen, target)
}

// startDownload streams the file into a temporary file beside target,
// checks its digest and only then puts it in place, so a broken transfer
// never leaves half a file under the real name. Over SSH (target "") it
// goes to the outbox under a free name.
func (p *Panel) startDownload(att domain.Attachment, target string) tea.Cmd {
	var out *os.File
	var err error
	if target == "" {
		out, target, err = p.c.Files.Create(att.Name)
	} else {
		out, err = os.CreateTemp(filepath.Dir(target), ".jxjy-download-*")
	}
	if err != nil {
		p.mode, p.failure = listing, "无法保存文件："+common.FileProblem(err)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), transferTimeout)
	p.moving = &transfer{name: att.Name, total: att.Size, cancel: cancel}
	p.mode, p.message, p.failure = transferring, "", ""
	svc, ssh := p.c.Services.Attachments, p.c.Files.Mode == common.SSHFiles
	return p.run(func(report func(done, total int64)) progressed {
		defer cancel()
		err := download(ctx, svc, att, out, report)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		switch {
		case err != nil:
			os.Remove(out.Name())
		case !ssh:
			err = os.Rename(out.Name(), target)
		}
		return progressed{saved: target, err: err}
	})
}

// download copies the attachment into out, reporting progress, and checks
// that what arrived is what was stored.
func download(ctx context.Context, svc domain.AttachmentService, att domain.Attachment, out io.Writer, report func(done, total int64)) error {
	_, content, err := svc.OpenAttachment(ctx, att.ID)
	if err != nil {
		return err
	}
	defer content.Close()
	sum := sha256.New()
	buf := make([]byte, 64<<10)
	var done int64
	for {
		n, rerr := content.Read(buf)
		if n > 0 {
			if _, err := out.Write(buf[:n]); err != nil {
				return fmt.Errorf("写入文件失败：%w", err)
			}
			sum.Write(buf[:n])
			done += int64(n)
			report(done, att.Size)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return domain.Errorf(domain.CodeUnavailable, "下载中断，请重试")
		}
	}
	if hex.EncodeToString(sum.Sum(nil)) != att.SHA256 {
		return domain.Errorf(domain.CodeConflict, "下载的文件校验不符，请重试")
	}
	return nil
}

// run starts a transfer off the UI goroutine and returns the command that
// delivers its events: progress now and then (at most one waits; a slow
// screen skips some), and the end, which always has room, so a transfer
// whose screen was closed still finishes and goes away.
func (p *Panel) run(work func(report func(done, total int64)) progressed) tea.Cmd {
	events := make(chan progressed, 2)
	to := p.id
	go func() {
		var last time.Time
		report := func(done, total int64) {
			if time.Since(last) < progressEvery && done < total {
				return
			}
			last = time.Now()
			if len(events) == 0 {
				events <- progressed{to: to, done: done, total: total}
			}
		}
		end := work(report)
		end.to, end.end = to, true
		events <- end
		close(events)
	}()
	return listen(events)
}

func listen(events <-chan progressed) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		ev.events = events
		return ev
	}
}

func (p *Panel) progress(ev progressed) tea.Cmd {
	if !ev.end {
		if p.moving != nil {
			p.moving.done, p.moving.total = ev.done, ev.total
		}
		return listen(ev.events)
	}
	upload := p.moving != nil && p.moving.upload
	p.moving, p.mode = nil, listing
	switch {
	case ev.err != nil && upload:
		p.mode = typingPath
		msg := common.ErrorText(ev.err)
		if errors.Is(ev.err, context.Canceled) {
			msg = "已取消上传"
		}
		p.path.SetServerErrors(map[string]string{fieldPath: msg})
		return nil
	case ev.err != nil:
		p.failure = "下载失败：" + transferProblem(ev.err)
		return nil
	case upload:
		p.changed, p.message = true, "已上传："+ev.att.Name
		return p.Load(p.ownerID, p.editable)
	}
	p.message = p.c.Files.SavedMessage(ev.saved)
	return nil
}

// transferProblem names a failed download's cause for people.
func transferProblem(err error) string {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de.Message
	case errors.Is(err, context.Canceled):
		return "已取消"
	}
	return common.FileProblem(err)
}

// SetSize gives the panel w×h cells.
func (p *Panel) SetSize(w, h int) {
	p.width, p.height = max(w, 10), max(h, 4)
	p.table.SetSize(p.width, p.height-1)
	if p.path != nil {
		p.path.SetWidth(p.width)
	}
	if p.picker != nil {
		p.picker.SetSize(p.width, p.height-2)
	}
}

// View draws the listing, or the open prompt, in exactly w×h cells.
func (p *Panel) View() string {
	st := p.c.Styles
	wrap := lipgloss.NewStyle().Width(p.width)
	var body string
	switch p.mode {
	case listing:
		foot := st.Muted.Render(fmt.Sprintf("共 %d 个附件", len(p.items)))
		switch {
		case p.loading && len(p.items) == 0:
			foot = st.Notice.Render(p.c.Busy())
		case p.failure != "":
			foot = st.Error.Render(p.failure)
		case p.message != "":
			foot = st.Success.Render(p.message)
		}
		body = p.table.View() + "\n" + wrap.Render(foot)
	case typingPath:
		hint := "enter 上传，tab 浏览文件，esc 取消。可上传 " + domain.AttachmentExtensions + " 文件。"
		if put := p.c.Files.PutCommand(); put != "" {
			hint += "请先在本机执行 " + put + " 放入文件。"
		}
		body = p.path.View() + "\n" + st.Muted.Render(wrap.Render(hint))
	case picking:
		body = p.picker.View(p.width)
	case typingTarget:
		body = st.Heading.Render(textwidth.Truncate("下载："+p.chosen.Name, p.width, st.Ellipsis)) + "\n" +
			p.path.View() + "\n" + st.Muted.Render(wrap.Render("enter 保存，esc 取消"))
	case confirmOverwrite:
		body = st.Confirm.Render(wrap.Render(p.target + " 已存在，覆盖吗？(y/n)"))
	case confirmDelete:
		body = st.Confirm.Render(wrap.Render("确定删除附件“" + p.chosen.Name + "”吗？(y/n)"))
	case transferring:
		body = p.transferView()
	}
	return textwidth.Block(body, p.width, p.height)
}

func (p *Panel) transferView() string {
	st := p.c.Styles
	t := p.moving
	verb := "正在下载："
	if t.upload {
		verb = "正在上传："
	}
	fraction := 0.0
	if t.total > 0 {
		fraction = float64(t.done) / float64(t.total)
	}
	return strings.Join([]string{
		textwidth.Truncate(verb+t.name, p.width, st.Ellipsis),
		pane.Bar(st, fraction, p.width),
		fmt.Sprintf("%s / %s  %3.0f%%", domain.FormatBytes(t.done), domain.FormatBytes(t.total), fraction*100),
		st.Muted.Render("esc 取消"),
	}, "\n")
}

// Help is the panel's keys as they stand.
func (p *Panel) Help() []key.Binding {
	switch p.mode {
	case listing:
		var out []key.Binding
		if p.editable {
			out = append(out, keyUpload)
		}
		if len(p.items) > 0 {
			out = append(out, keyDownload)
			if p.editable {
				out = append(out, keyDelete)
			}
		}
		return out
	case typingPath:
		return []key.Binding{p.c.Keys.Submit, keyBrowse, keyCancel}
	case picking:
		choose := p.c.Keys.Submit
		choose.SetHelp("enter", "打开/选择")
		return []key.Binding{p.c.Keys.Choose, choose, filepick.Parent, keyCancel}
	case confirmOverwrite, confirmDelete:
		return []key.Binding{p.c.Keys.Yes, p.c.Keys.No}
	case transferring:
		return []key.Binding{keyCancel}
	}
	return []key.Binding{p.c.Keys.Submit, keyCancel}
}

func (p *Panel) delete(a domain.Attachment) tea.Cmd {
	p.mode = listing
	p.message = p.c.Busy()
	svc := p.c.Services.Attachments
	return common.Call(p.id, func(ctx context.Context) (any, error) {
		return deleted{name: a.Name}, svc.DeleteAttachment(ctx, a.ID)
	})
}
