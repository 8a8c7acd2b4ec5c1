// Package menu is the main screen after login: the role's module tree on
// the left and the opened module on the right. Modules plug in by key
// through a Registry, so adding one is one map entry.
package menu

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// Constructor builds the screen of one module.
type Constructor func(c *common.Common) common.Component

// Registry maps module keys (domain.Module.Key) to their screens. A module
// without an entry opens as a single line saying it is not open yet.
type Registry map[string]Constructor

type entryKind int

const (
	groupEntry entryKind = iota
	moduleEntry
	noteEntry
)

// entry is one line of the tree.
type entry struct {
	kind   entryKind
	text   string
	module domain.Module
	jump   string // the key that opens the module from the tree
}

// jumpKeys open the modules in tree order: digits, then the letters the
// tree does not use itself (j/k move, l opens, q quits).
const jumpKeys = "123456789abcdefghimnoprstuvwxyz"

var (
	keyHome     = key.NewBinding(key.WithKeys("home"), key.WithHelp("home/end", "首/末项"))
	keyEnd      = key.NewBinding(key.WithKeys("end"))
	keyPageUp   = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "翻屏"))
	keyPageDown = key.NewBinding(key.WithKeys("pgdown"))
	keyJump     = key.NewBinding(key.WithKeys("1"), key.WithHelp("1-9/a-z", "直接打开"))
)

// Model is the menu screen.
type Model struct {
	c        *common.Common
	id       common.ScreenID
	work     domain.WorkCounts // today's work by module key, shown beside it
	user     domain.User
	registry Registry
	entries  []entry
	sel      int // index of the selected module in entries
	offset   int // first entry shown, when the tree is taller than the pane

	open      common.Component
	openKey   string
	openTitle string
	inModule  bool // the module pane has the keyboard

	width, height int
	treeWidth     int // inside the left pane's border
}

// New builds the menu of user's role (domain.MenuFor).
func New(c *common.Common, user domain.User, registry Registry) *Model {
	m := &Model{c: c, id: c.NewID(), user: user, registry: registry, sel: -1}
	for _, g := range domain.MenuFor(user) {
		m.entries = append(m.entries, entry{kind: groupEntry, text: g.Title})
		for _, mod := range g.Modules {
			if m.sel < 0 {
				m.sel = len(m.entries)
			}
			jump := ""
			if n := m.modules(); n < len(jumpKeys) {
				jump = jumpKeys[n : n+1]
			}
			m.entries = append(m.entries, entry{kind: moduleEntry, text: mod.Title, module: mod, jump: jump})
		}
	}
	if user.Role == domain.RoleUnit && !user.UnitActive() {
		m.entries = append(m.entries,
			entry{kind: noteEntry},
			entry{kind: noteEntry, text: "申请状态：" + user.UnitStatus.Label()})
	}
	for _, e := range m.entries {
		m.treeWidth = max(m.treeWidth, textwidth.Width(e.text))
	}
	// A space, the pointer, a space, the jump key and a space before
	// module titles; room for a count of today's work and one space after.
	m.treeWidth += 6 + workWidth
	return m
}

// workWidth is the room for a module's count: " 999+".
const workWidth = 5

type workCounted struct{ counts domain.WorkCounts }

// countWork asks the server for today's work; the menu asks each time it
// gets the keyboard back, never on a timer, so an idle screen stays still.
func (m *Model) countWork() tea.Cmd {
	svc := m.c.Services.Work
	if svc == nil {
		return nil
	}
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		w, err := svc.Work(ctx)
		return workCounted{counts: w}, err
	})
}

// workBadge is a module's count as the tree shows it.
func workBadge(n int) string {
	switch {
	case n <= 0:
		return ""
	case n > 999:
		return "999+"
	}
	return strconv.Itoa(n)
}

// modules counts the module entries so far.
func (m *Model) modules() int {
	n := 0
	for _, e := range m.entries {
		if e.kind == moduleEntry {
			n++
		}
	}
	return n
}

// Init counts today's work; the tree itself comes with the session.
func (m *Model) Init() tea.Cmd { return m.countWork() }

// Update moves in the tree, or hands keys to the opened module; every other
// message goes to the module, which drops answers not meant for it.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyMsg)
	if r, ok := msg.(common.Result); ok && r.To == m.id {
		if v, ok := r.Value.(workCounted); ok && r.Err == nil {
			m.work = v.counts
		}
		return nil
	}
	switch {
	case isKey && m.inModule && key.Matches(k, m.c.Keys.Back) && !common.IsNested(m.open):
		m.inModule = false
		m.sizeModule()
		return m.countWork()
	case isKey && m.inModule:
		return m.open.Update(k)
	case isKey && key.Matches(k, m.c.Keys.Up):
		m.move(-1, true)
	case isKey && key.Matches(k, m.c.Keys.Down):
		m.move(1, true)
	case isKey && key.Matches(k, keyHome):
		m.sel = -1
		m.move(1, false)
	case isKey && key.Matches(k, keyEnd):
		m.sel = len(m.entries)
		m.move(-1, false)
	case isKey && key.Matches(k, keyPageUp):
		m.moveBy(-m.treeRows())
	case isKey && key.Matches(k, keyPageDown):
		m.moveBy(m.treeRows())
	case isKey && k.Type == tea.KeyRunes && m.jump(string(k.Runes)):
		return m.openSelected()
	case isKey && key.Matches(k, m.c.Keys.Open):
		return m.openSelected()
	case isKey && key.Matches(k, m.c.Keys.Reload):
		return common.Send(common.SessionStale{})
	case !isKey && m.open != nil:
		return m.open.Update(msg)
	}
	return nil
}

// Keep carries the module open in old over to m, a menu rebuilt for a
// changed session, when m still offers it: the operator stays where they
// were, with everything typed there.
func (m *Model) Keep(old *Model) {
	m.work = old.work
	if old.open == nil {
		return
	}
	for i, e := range m.entries {
		if e.kind == moduleEntry && e.module.Key == old.openKey {
			m.sel = i
			m.open, m.openKey, m.openTitle, m.inModule = old.open, old.openKey, old.openTitle, old.inModule
			m.scroll()
			m.sizeModule()
			return
		}
	}
}

// Dirty reports whether the open module holds unsaved input.
func (m *Model) Dirty() bool { return m.open != nil && common.IsDirty(m.open) }

// Discards reports whether k would throw unsaved input away: a key the
// open module says so of, or opening another module in its place. esc at
// the module's top level only returns to the tree and keeps the module.
func (m *Model) Discards(k tea.KeyMsg) bool {
	if m.inModule {
		return common.Discards(m.open, k)
	}
	if m.open == nil || !common.IsDirty(m.open) {
		return false
	}
	if k.Type == tea.KeyRunes {
		// A jump key opens its module at once.
		for _, e := range m.entries {
			if e.kind == moduleEntry && e.jump == string(k.Runes) {
				return e.module.Key != m.openKey
			}
		}
	}
	return key.Matches(k, m.c.Keys.Open) && m.sel >= 0 && m.sel < len(m.entries) &&
		m.entries[m.sel].module.Key != m.openKey
}

// move selects the next module up or down, skipping group headings; with
// wrap, past the last comes the first and before the first the last.
func (m *Model) move(dir int, wrap bool) {
	n := len(m.entries)
	for step, i := 1, m.sel+dir; step <= n; step, i = step+1, i+dir {
		if wrap {
			i = (i + n) % n
		}
		if i < 0 || i >= n {
			break
		}
		if m.entries[i].kind == moduleEntry {
			m.sel = i
			break
		}
	}
	m.scroll()
}

// moveBy moves the selection about rows lines, stopping at either end.
func (m *Model) moveBy(rows int) {
	target := max(min(m.sel+rows, len(m.entries)-1), 0)
	dir := 1
	if rows < 0 {
		dir = -1
	}
	for i := target; i >= 0 && i < len(m.entries); i -= dir {
		if m.entries[i].kind == moduleEntry {
			m.sel = i
			break
		}
		if i == m.sel {
			break
		}
	}
	m.scroll()
}

// jump selects the module whose jump key is r.
func (m *Model) jump(r string) bool {
	for i, e := range m.entries {
		if e.kind == moduleEntry && e.jump == r {
			m.sel = i
			m.scroll()
			return true
		}
	}
	return false
}

// scroll keeps the selection, and the heading of its group, in view.
func (m *Model) scroll() {
	rows := m.treeRows()
	top := m.sel
	if top > 0 && m.entries[top-1].kind == groupEntry {
		top--
	}
	if m.sel == m.firstModule() {
		top = 0
	}
	m.offset = min(m.offset, top)
	if m.sel >= m.offset+rows {
		m.offset = m.sel - rows + 1
	}
	m.offset = max(min(m.offset, len(m.entries)-rows), 0)
}

func (m *Model) firstModule() int {
	for i, e := range m.entries {
		if e.kind == moduleEntry {
			return i
		}
	}
	return 0
}

// openSelected opens the selected module, or returns to it if it is the
// one already open so nothing typed there is lost.
func (m *Model) openSelected() tea.Cmd {
	if m.sel < 0 {
		return nil
	}
	mod := m.entries[m.sel].module
	m.inModule = true
	if m.open != nil && m.openKey == mod.Key {
		m.sizeModule()
		return nil
	}
	build, ok := m.registry[mod.Key]
	if !ok {
		build = newUnavailable
	}
	m.open, m.openKey, m.openTitle = build(m.c), mod.Key, mod.Title
	m.sizeModule()
	return m.open.Init()
}

// OpenTitle is the title of the module open (empty on the welcome page).
func (m *Model) OpenTitle() string {
	if m.open == nil {
		return ""
	}
	return m.openTitle
}

// treeShown reports whether the tree takes its column: not while a module
// has the keyboard, which then gets the whole width.
func (m *Model) treeShown() bool { return !m.inModule }

// SetSize fits the screen into w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
	m.sizeModule()
}

func (m *Model) treeRows() int { return max(m.height-2, 1) }

// paneSize is the room inside the right pane's border.
func (m *Model) paneSize() (int, int) {
	if !m.treeShown() {
		return max(m.width-2, 12), max(m.height-2, 3)
	}
	return max(m.width-m.treeWidth-4, 12), max(m.height-2, 3)
}

// moduleSize is the room for a module: the pane less a margin of one cell
// on each side and the title with the blank line under it.
func (m *Model) moduleSize() (int, int) {
	w, h := m.paneSize()
	return w - 2, h - 2
}

func (m *Model) sizeModule() {
	if m.open != nil {
		m.open.SetSize(m.moduleSize())
	}
}

// Typing reports whether the opened module has a text field focused.
func (m *Model) Typing() bool { return m.inModule && m.open.Typing() }

// View is the tree pane and the module pane side by side.
func (m *Model) View() string {
	st := m.c.Styles
	treePane, modPane := st.PaneFocus, st.Pane
	if m.inModule {
		treePane, modPane = st.Pane, st.PaneFocus
	}
	w, h := m.paneSize()
	right := modPane.Render(textwidth.Block(m.moduleView(w-2, h-2), w, h))
	if !m.treeShown() {
		return right
	}
	left := treePane.Render(textwidth.Block(m.treeView(), m.treeWidth, m.treeRows()))
	return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}

func (m *Model) treeView() string {
	st := m.c.Styles
	end := min(m.offset+m.treeRows(), len(m.entries))
	lines := make([]string, 0, end-m.offset)
	for i := m.offset; i < end; i++ {
		e := m.entries[i]
		switch {
		case e.kind == groupEntry:
			lines = append(lines, " "+st.Heading.Render(textwidth.Truncate(e.text, m.treeWidth-1, st.Ellipsis)))
		case e.kind == noteEntry:
			lines = append(lines, " "+st.Notice.Render(textwidth.Truncate(e.text, m.treeWidth-1, st.Ellipsis)))
		case i == m.sel:
			lines = append(lines, " "+st.Pointer+" "+st.HelpKey.Render(textwidth.PadRight(e.jump, 1))+" "+
				st.Selected.Render(textwidth.Fit(e.text, m.treeWidth-6-workWidth, st.Ellipsis))+m.badge(e))
		default:
			lines = append(lines, "   "+st.HelpKey.Render(textwidth.PadRight(e.jump, 1))+" "+
				textwidth.Fit(e.text, m.treeWidth-6-workWidth, st.Ellipsis)+m.badge(e))
		}
	}
	return strings.Join(lines, "\n")
}

// badge is e's count of today's work, right-aligned in its room.
func (m *Model) badge(e entry) string {
	b := workBadge(m.work[e.module.Key])
	if b == "" {
		return ""
	}
	return m.c.Styles.Notice.Render(textwidth.PadLeft(b, workWidth))
}

// moduleView is the opened module under its title, or a welcome, in a
// margin of one cell.
func (m *Model) moduleView(w, h int) string {
	st := m.c.Styles
	margin := lipgloss.NewStyle().Padding(0, 1)
	if m.open != nil {
		title := st.Heading.Render(textwidth.Truncate(m.openTitle, w, st.Ellipsis))
		return margin.Render(title + "\n\n" + textwidth.Block(m.open.View(), w, h))
	}
	name := m.user.DisplayName
	if name == "" {
		name = m.user.Username
	}
	lines := []string{
		"欢迎，" + name + "。",
		"",
		"请在左侧选择功能模块，按 enter 打开，",
		"或直接按模块前的数字或字母；",
		"在模块中按 esc 返回菜单。",
	}
	if m.user.Role == domain.RoleUnit && !m.user.UnitActive() {
		lines = append(lines, "",
			"单位角色申请（当前："+m.user.UnitStatus.Label()+"）通过审核后，",
			"方可使用其他功能。")
	}
	return margin.PaddingTop(1).Render(lipgloss.NewStyle().Width(w).Render(strings.Join(lines, "\n")))
}

// ShortHelp shows the tree keys, or the module's keys and the way back.
func (m *Model) ShortHelp() []key.Binding {
	if m.inModule {
		back := m.c.Keys.Back
		back.SetHelp("esc", "返回")
		return append(m.open.ShortHelp(), back)
	}
	return []key.Binding{m.c.Keys.Choose, m.c.Keys.Open, keyJump}
}

// FullHelp groups the same keys.
func (m *Model) FullHelp() [][]key.Binding {
	if m.inModule {
		back := m.c.Keys.Back
		back.SetHelp("esc", "返回")
		return append(m.open.FullHelp(), []key.Binding{back})
	}
	return [][]key.Binding{{m.c.Keys.Up, m.c.Keys.Down, keyHome, keyPageUp}, {m.c.Keys.Open, keyJump, m.c.Keys.Reload}}
}

// unavailable stands for a module delivered later.
type unavailable struct{}

func newUnavailable(*common.Common) common.Component { return unavailable{} }

func (unavailable) Init() tea.Cmd             { return nil }
func (unavailable) Update(tea.Msg) tea.Cmd    { return nil }
func (unavailable) View() string              { return "本模块尚未开通" }
func (unavailable) SetSize(int, int)          {}
func (unavailable) Typing() bool              { return false }
func (unavailable) ShortHelp() []key.Binding  { return nil }
func (unavailable) FullHelp() [][]key.Binding { return nil }
