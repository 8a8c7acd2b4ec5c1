// Package table is the list view of every module: a header, rows cut to the
// terminal's width by cells (Chinese takes two), a selected row, optional
// ticks for batch actions, and scrolling.
package table

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// Column is one column: Width cells wide, or, when Flex, sharing what the
// fixed columns leave (never less than Width).
type Column struct {
	Title string
	Width int
	Flex  bool
}

// Row is one line; ID identifies it across reloads (selection and ticks
// follow the ID, not the position).
type Row struct {
	ID    int64
	Cells []string
}

// Table is a scrolling list with a selected row.
type Table struct {
	st      *styles.Styles
	keys    *keys.KeyMap
	cols    []Column
	rows    []Row
	cursor  int
	offset  int
	width   int
	height  int
	ticks   map[int64]bool
	tickOn  bool
	empty   string
	focused bool
	natural []int // each column's widest value, title included
}

// Tick toggles the tick of the selected row when the table is checkable.
var Tick = key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "勾选"))

// TickAll ticks every row on screen, or clears them when all are ticked.
var TickAll = key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "全选"))

// New makes an empty, focused table; empty is shown while it has no rows.
func New(st *styles.Styles, km *keys.KeyMap, empty string, cols ...Column) *Table {
	t := &Table{st: st, keys: km, cols: cols, empty: empty, ticks: map[int64]bool{}, focused: true,
		width: 40, height: 5}
	t.measure()
	return t
}

// SetCheckable turns ticks on: space ticks the selected row.
func (t *Table) SetCheckable(on bool) { t.tickOn = on }

// Checkable reports whether rows take ticks.
func (t *Table) Checkable() bool { return t.tickOn }

// SetEmpty changes the text shown while there are no rows.
func (t *Table) SetEmpty(s string) { t.empty = s }

// Focus and Blur show whether the table has the keyboard.
func (t *Table) Focus() { t.focused = true }
func (t *Table) Blur()  { t.focused = false }

// SetRows replaces the rows, keeping the selection on the same ID when it
// is still there and dropping ticks of rows that are gone.
func (t *Table) SetRows(rows []Row) {
	var selected int64 = -1
	if r, ok := t.Selected(); ok {
		selected = r.ID
	}
	t.rows = rows
	t.measure()
	present := map[int64]bool{}
	for i, r := range rows {
		present[r.ID] = true
		if r.ID == selected {
			t.cursor = i
		}
	}
	for id := range t.ticks {
		if !present[id] {
			delete(t.ticks, id)
		}
	}
	t.cursor = max(min(t.cursor, len(rows)-1), 0)
	t.scroll()
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Selected is the row under the cursor.
func (t *Table) Selected() (Row, bool) {
	if t.cursor < len(t.rows) {
		return t.rows[t.cursor], true
	}
	return Row{}, false
}

// Cursor is the selected row's position.
func (t *Table) Cursor() int { return t.cursor }

// Select moves the cursor to the row with id, if present.
func (t *Table) Select(id int64) {
	for i, r := range t.rows {
		if r.ID == id {
			t.cursor = i
			t.scroll()
			return
		}
	}
}

// Checked lists the ticked IDs in row order.
func (t *Table) Checked() []int64 {
	var out []int64
	for _, r := range t.rows {
		if t.ticks[r.ID] {
			out = append(out, r.ID)
		}
	}
	return out
}

// IsChecked reports whether the row with id is ticked.
func (t *Table) IsChecked(id int64) bool { return t.ticks[id] }

// SetChecked ticks (or unticks) the row with id; SetRows keeps the tick
// while the row stays.
func (t *Table) SetChecked(id int64, on bool) {
	if on {
		t.ticks[id] = true
	} else {
		delete(t.ticks, id)
	}
}

// ClearChecks removes every tick.
func (t *Table) ClearChecks() { t.ticks = map[int64]bool{} }

// Update moves the cursor or ticks; it reports whether it used k.
func (t *Table) Update(k tea.KeyMsg) bool {
	switch {
	case key.Matches(k, t.keys.Up):
		t.cursor = max(t.cursor-1, 0)
	case key.Matches(k, t.keys.Down):
		t.cursor = max(min(t.cursor+1, len(t.rows)-1), 0)
	case k.Type == tea.KeyPgUp:
		t.PageUp()
		return true
	case k.Type == tea.KeyPgDown:
		t.PageDown()
		return true
	case k.Type == tea.KeyHome:
		t.cursor = 0
	case k.Type == tea.KeyEnd:
		t.cursor = max(len(t.rows)-1, 0)
	case t.tickOn && key.Matches(k, Tick):
		if r, ok := t.Selected(); ok {
			t.ticks[r.ID] = !t.ticks[r.ID]
			if !t.ticks[r.ID] {
				delete(t.ticks, r.ID)
			}
			t.cursor = max(min(t.cursor+1, len(t.rows)-1), 0)
		}
	case t.tickOn && key.Matches(k, TickAll):
		all := len(t.rows) > 0 && len(t.Checked()) == len(t.rows)
		t.ticks = map[int64]bool{}
		if !all {
			for _, r := range t.rows {
				t.ticks[r.ID] = true
			}
		}
	default:
		return false
	}
	t.scroll()
	return true
}

// PageDown turns the page: the row under the last visible one comes to
// the top and the cursor moves by as many rows, so no row is skipped.
func (t *Table) PageDown() {
	rows := t.bodyRows()
	if t.offset+rows >= len(t.rows) {
		t.cursor = max(len(t.rows)-1, 0)
		return
	}
	t.offset += rows
	t.cursor = max(min(t.cursor+rows, len(t.rows)-1), 0)
	t.offset = max(min(t.offset, len(t.rows)-rows), 0)
}

// PageUp turns back a page.
func (t *Table) PageUp() {
	rows := t.bodyRows()
	if t.offset == 0 {
		t.cursor = 0
		return
	}
	t.offset = max(t.offset-rows, 0)
	t.cursor = max(t.cursor-rows, 0)
}

// Offset is the position of the first visible row.
func (t *Table) Offset() int { return t.offset }

// Visible is how many rows show at once.
func (t *Table) Visible() int { return min(t.bodyRows(), max(len(t.rows)-t.offset, 0)) }

// Rows is how many rows fit on screen.
func (t *Table) Rows() int { return t.bodyRows() }

// Place puts the cursor on row cursor with row offset at the top (after
// rows were added above those on screen), within bounds.
func (t *Table) Place(cursor, offset int) {
	t.cursor = max(min(cursor, len(t.rows)-1), 0)
	t.offset = max(offset, 0)
	t.scroll()
}

// SetSize gives the table w×h cells, the header line included.
func (t *Table) SetSize(w, h int) {
	t.width, t.height = max(w, 1), max(h, 2)
	t.scroll()
}

func (t *Table) bodyRows() int { return max(t.height-1, 1) }

func (t *Table) scroll() {
	rows := t.bodyRows()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+rows {
		t.offset = t.cursor - rows + 1
	}
	t.offset = max(min(t.offset, len(t.rows)-rows), 0)
}

// widths lays the columns out in the room after the tick column, by
// priority: every column asks for its widest value (title included); when
// that is more than the room, Flex columns (names, titles) give way first,
// the widest first, down to their Width; fixed ones (status, dates, hours)
// are cut only when the flex ones have nothing left to give. Room
// left over stays empty, so a selected row lights only what it holds.
func (t *Table) widths() []int {
	room := t.width - t.tickWidth() - (len(t.cols) - 1)
	out := make([]int, len(t.cols))
	used := 0
	for i, c := range t.cols {
		out[i] = max(c.Width, t.natural[i])
		used += out[i]
	}
	// Flex columns give a cell at a time, the widest first (the last of
	// equals), so a long name and a long title are cut alike.
	for used > room {
		widest := -1
		for i := len(t.cols) - 1; i >= 0; i-- {
			if t.cols[i].Flex && out[i] > t.cols[i].Width && (widest < 0 || out[i] > out[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		out[widest]--
		used--
	}
	for i := len(t.cols) - 1; i >= 0 && used > room; i-- {
		give := min(used-room, max(out[i]-min(t.cols[i].Width, 2), 0))
		out[i] -= give
		used -= give
	}
	return out
}

// measure notes each column's widest value.
func (t *Table) measure() {
	t.natural = make([]int, len(t.cols))
	for i, c := range t.cols {
		t.natural[i] = textwidth.Width(c.Title)
	}
	for _, r := range t.rows {
		for i := range t.cols {
			if i < len(r.Cells) {
				t.natural[i] = max(t.natural[i], textwidth.Width(r.Cells[i]))
			}
		}
	}
}

func (t *Table) tickWidth() int {
	if t.tickOn {
		return 4
	}
	return 0
}

func (t *Table) line(cells []string, widths []int) string {
	parts := make([]string, len(widths))
	for i, w := range widths {
		c := ""
		if i < len(cells) {
			c = cells[i]
		}
		parts[i] = textwidth.Fit(c, w, t.st.Ellipsis)
	}
	return textwidth.Truncate(strings.Join(parts, " "), t.width-t.tickWidth(), t.st.Ellipsis)
}

// View draws the header and the visible rows, exactly the table's size.
func (t *Table) View() string {
	widths := t.widths()
	titles := make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i] = c.Title
	}
	head := strings.Repeat(" ", t.tickWidth()) + t.line(titles, widths)
	used := len(widths) - 1
	for _, w := range widths {
		used += w
	}
	used = min(used, t.width-t.tickWidth())
	lines := []string{t.st.Heading.Render(head)}
	if len(t.rows) == 0 {
		lines = append(lines, t.st.Muted.Render(textwidth.Truncate(t.empty, t.width, t.st.Ellipsis)))
	}
	end := min(t.offset+t.bodyRows(), len(t.rows))
	for i := t.offset; i < end; i++ {
		r := t.rows[i]
		tick := ""
		if t.tickOn {
			tick = "[ ] "
			if t.ticks[r.ID] {
				tick = "[x] "
			}
		}
		text := textwidth.PadRight(t.line(r.Cells, widths), used)
		if i == t.cursor && t.focused {
			text = t.st.Selected.Render(text)
		}
		lines = append(lines, tick+text)
	}
	return textwidth.Block(strings.Join(lines, "\n"), t.width, t.height)
}
