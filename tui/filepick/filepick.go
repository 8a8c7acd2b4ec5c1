// Package filepick browses folders for a file to read. It reads through
// common.Files rather than the disk directly (as bubbles' filepicker
// does), so over SSH it never leaves the operator's own folder.
package filepick

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

// Picker lists one folder at a time: folders first, then files, each by
// name; hidden entries and those its offer refuses are left out.
type Picker struct {
	c       *common.Common
	offer   func(fs.DirEntry) bool
	dir     string
	entries []fs.DirEntry
	table   *table.Table
	failure string
}

// Parent goes up one folder.
var Parent = key.NewBinding(key.WithKeys("backspace", "left", "h"), key.WithHelp("backspace", "上一级"))

// New opens a picker at dir listing the entries offer accepts (all of
// them when offer is nil); empty is shown for a folder with nothing to list.
func New(c *common.Common, dir, empty string, offer func(fs.DirEntry) bool) *Picker {
	p := &Picker{c: c, offer: offer, table: table.New(c.Styles, c.Keys, empty,
		table.Column{Title: "名称", Width: 12, Flex: true}, table.Column{Title: "大小", Width: 9})}
	p.open(dir)
	return p
}

func (p *Picker) open(dir string) {
	entries, err := p.c.Files.ReadDir(dir)
	if err != nil {
		p.failure = "无法打开文件夹：" + common.FileProblem(err)
		return
	}
	p.dir, p.failure = dir, ""
	p.entries = p.entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && (p.offer == nil || p.offer(e)) {
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

// Update moves in the listing; it returns the chosen file's path once the
// operator picks one.
func (p *Picker) Update(k tea.KeyMsg) (chosen string) {
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
	case key.Matches(k, Parent):
		if up, ok := p.c.Files.Parent(p.dir); ok {
			p.open(up)
		}
	default:
		p.table.Update(k)
	}
	return ""
}

// SetSize gives the listing w×h cells, below the location lines.
func (p *Picker) SetSize(w, h int) { p.table.SetSize(w, max(h, 2)) }

// View is the folder's location, a problem opening it if any, and the
// listing, cut to w cells.
func (p *Picker) View(w int) string {
	st := p.c.Styles
	head := st.Muted.Render(textwidth.Truncate("位置："+p.c.Files.Display(p.dir), w, st.Ellipsis))
	if p.failure != "" {
		head += "\n" + st.Error.Render(textwidth.Truncate(p.failure, w, st.Ellipsis))
	}
	return head + "\n" + p.table.View()
}
