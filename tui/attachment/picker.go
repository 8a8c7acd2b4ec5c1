package attachment

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// picker browses folders for a file to upload. It reads through
// common.Files rather than the disk directly (as bubbles' filepicker
// does), so over SSH it never leaves the operator's own folder.
type picker struct {
	c       *common.Common
	dir     string
	entries []fs.DirEntry
	table   *table.Table
	failure string
}

var pickerParent = key.NewBinding(key.WithKeys("backspace", "left", "h"), key.WithHelp("backspace", "上一级"))

func newPicker(c *common.Common) *picker {
	p := &picker{c: c, table: table.New(c.Styles, c.Keys, "（空文件夹）",
		table.Column{Title: "名称", Width: 12, Flex: true}, table.Column{Title: "大小", Width: 9})}
	p.open(c.Files.StartDir())
	return p
}

// open lists dir: folders first, then files, each by name; hidden ones
// are left out.
func (p *picker) open(dir string) {
	entries, err := p.c.Files.ReadDir(dir)
	if err != nil {
		p.failure = "无法打开文件夹：" + fileProblem(err)
		return
	}
	p.dir, p.failure = dir, ""
	p.entries = p.entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			p.entries = append(p.entries, e)
		}
	}
	sort.SliceStable(p.entries, func(i, j int) bool {
		if p.entries[i].IsDir() != p.entries[j].IsDir() {
			return p.entries[i].IsDir()
		}
		return p.entries[i].Name() < p.entries[j].Name()
	})
	rows := make([]table.Row, len(p.entries))
	for i, e := range p.entries {
		name, size := e.Name(), ""
		if e.IsDir() {
			name += string(filepath.Separator)
		} else if info, err := e.Info(); err == nil {
			size = domain.FormatBytes(info.Size())
		}
		rows[i] = table.Row{ID: int64(i), Cells: []string{name, size}}
	}
	p.table.SetRows(rows)
	p.table.Select(0)
}

// update moves in the listing; it returns the chosen file's path once the
// operator picks one.
func (p *picker) update(k tea.KeyMsg) (chosen string) {
	switch {
	case key.Matches(k, p.c.Keys.Submit):
		r, ok := p.table.Selected()
		if !ok {
			return ""
		}
		e := p.entries[r.ID]
		path := filepath.Join(p.dir, e.Name())
		if e.IsDir() {
			p.open(path)
			return ""
		}
		return path
	case key.Matches(k, pickerParent):
		if up, ok := p.c.Files.Parent(p.dir); ok {
			p.open(up)
		}
	default:
		p.table.Update(k)
	}
	return ""
}

func (p *picker) setSize(w, h int) { p.table.SetSize(w, max(h, 2)) }

func (p *picker) view(w int) string {
	st := p.c.Styles
	head := st.Muted.Render(textwidth.Truncate("位置："+p.c.Files.Display(p.dir), w, st.Ellipsis))
	if p.failure != "" {
		head += "\n" + st.Error.Render(textwidth.Truncate(p.failure, w, st.Ellipsis))
	}
	return head + "\n" + p.table.View()
}
