package pane

import (
	"context"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/table"
)

// PageSize is how many rows one server page brings, on every list.
const PageSize = domain.DefaultPageSize

// maxBuffered bounds the server pages a feed keeps; walking further drops
// the farthest ones (they are fetched again when walked back to).
const maxBuffered = 10

// The paging keys of every list: pgdn/pgup turn by the rows on screen, and
// ] / [ do the same on terminals without those keys.
var (
	KeyNextPage = key.NewBinding(key.WithKeys("pgdown", "]"), key.WithHelp("pgdn", "下一屏"))
	KeyPrevPage = key.NewBinding(key.WithKeys("pgup", "["), key.WithHelp("pgup", "上一屏"))
)

// PageLoader prepares the fetch of one server page. It runs on the UI's
// goroutine, so it may read the screen's state (its filter); the call it
// returns runs off it and must not.
type PageLoader[T any] func(page domain.PageRequest) func(ctx context.Context) (domain.Page[T], error)

// Feed is the rows of a list screen, fetched from the server a page at a
// time but walked as one list: the cursor and pgdn/pgup move over what is
// on screen, and reaching the end of what is loaded fetches the next
// server page (by keyset cursor where the server gives one) without the
// operator noticing the seam. Only the answer to the latest request is
// taken, so a slow earlier page never replaces a newer one.
type Feed[T any] struct {
	id    common.ScreenID
	table *table.Table
	row   func(T) table.Row
	load  PageLoader[T]

	reqs  []domain.PageRequest // reqs[k] asks for server page k, learned walking forward
	lo    int                  // the first buffered page
	pages [][]T                // the buffered pages lo, lo+1, …
	more  bool                 // a page follows the last buffered one
	total int

	focus   int64 // the row to select when the next page arrives (one just saved)
	seq     int   // the latest request; answers to older ones are dropped
	loading bool
	loaded  bool // a page has arrived since the last First
	failure error
}

type fetchMode int

const (
	replacePages fetchMode = iota
	appendPage
	prependPage
)

// then is what a key that needed a page does once it is there.
type then int

const (
	stay then = iota
	down
	up
	pageDown
	pageUp
	home
	tickAll // tick every row, fetching the pages not loaded yet
)

type fed[T any] struct {
	seq, page int
	mode      fetchMode
	then      then
	got       domain.Page[T]
}

// NewFeed makes a feed answering as screen id; row renders an item with
// its id as the row's ID.
func NewFeed[T any](id common.ScreenID, t *table.Table, row func(T) table.Row, load PageLoader[T]) *Feed[T] {
	return &Feed[T]{id: id, table: t, row: row, load: load, reqs: []domain.PageRequest{{Limit: PageSize}}}
}

// Table is the feed's table.
func (f *Feed[T]) Table() *table.Table { return f.table }

// First starts over at the first page (a new filter).
func (f *Feed[T]) First() tea.Cmd {
	f.reqs, f.loaded = f.reqs[:1], false
	return f.fetch(0, replacePages, home)
}

// Clear forgets the rows (a search not yet run); an answer on its way is
// dropped.
func (f *Feed[T]) Clear() {
	f.seq++
	f.reqs, f.lo, f.pages, f.more, f.total = f.reqs[:1], 0, nil, false, 0
	f.loading, f.loaded, f.failure = false, false, nil
	f.table.SetRows(nil)
}

// Reload fetches the page under the cursor again; the cursor stays on the
// same row when it is still there.
func (f *Feed[T]) Reload() tea.Cmd {
	k := f.lo
	if len(f.pages) > 0 {
		k = min(f.lo+f.table.Cursor()/PageSize, f.lo+len(f.pages)-1)
	}
	return f.fetch(k, replacePages, stay)
}

func (f *Feed[T]) fetch(k int, mode fetchMode, after then) tea.Cmd {
	f.seq++
	f.loading, f.failure = true, nil
	seq, call := f.seq, f.load(f.reqs[k])
	return common.Call(f.id, func(ctx context.Context) (any, error) {
		p, err := call(ctx)
		return fed[T]{seq: seq, page: k, mode: mode, then: after, got: p}, err
	})
}

// SelectOnArrival puts the cursor on the row with id once the next page
// arrives, if it is there: the row the operator just saved.
func (f *Feed[T]) SelectOnArrival(id int64) { f.focus = id }

// Loading reports whether a page is on its way.
func (f *Feed[T]) Loading() bool { return f.loading }

// Failure is why the last fetch failed, nil when it did not.
func (f *Feed[T]) Failure() error { return f.failure }

// Loaded reports whether the rows shown are the server's answer (false
// before the first page arrives).
func (f *Feed[T]) Loaded() bool { return f.loaded }

// Total is how many rows match on the server.
func (f *Feed[T]) Total() int { return f.total }

// Result takes the feed's answers; it reports whether msg was one (an
// answer to an older request is taken and dropped).
func (f *Feed[T]) Result(msg tea.Msg) (tea.Cmd, bool) {
	r, ok := msg.(common.Result)
	if !ok || r.To != f.id {
		return nil, false
	}
	v, ok := r.Value.(fed[T])
	if !ok {
		return nil, false
	}
	if v.seq != f.seq {
		return nil, true
	}
	f.loading = false
	if r.Err != nil {
		f.failure = r.Err
		return nil, true
	}
	items := v.got.Items
	if len(items) == 0 && v.page > 0 && v.mode == replacePages {
		// Rows removed meanwhile: step back to a page that has some.
		return f.fetch(min(v.page-1, max((v.got.Total-1)/PageSize, 0)), replacePages, v.then), true
	}
	f.total, f.loaded = v.got.Total, true
	if v.mode != prependPage {
		f.learn(v.page, v.got)
	}
	f.place(v, items)
	f.more = len(f.reqs) > f.lo+len(f.pages)
	if f.focus != 0 {
		f.table.Select(f.focus)
		f.focus = 0
	}
	if v.then == tickAll {
		return f.tickAll(), true
	}
	return nil, true
}

// learn records how to ask for the page after page k, the last one
// buffered.
func (f *Feed[T]) learn(k int, p domain.Page[T]) {
	f.reqs = f.reqs[:k+1]
	switch {
	case p.Next != "":
		f.reqs = append(f.reqs, domain.PageRequest{Limit: PageSize, After: p.Next})
	case f.reqs[k].After == "" && (k+1)*PageSize < p.Total:
		f.reqs = append(f.reqs, domain.PageRequest{Limit: PageSize, Offset: (k + 1) * PageSize})
	}
}

// place puts page v into the buffer and moves the cursor as the key that
// asked for it meant.
func (f *Feed[T]) place(v fed[T], items []T) {
	cursor, offset := f.table.Cursor(), f.table.Offset()
	switch {
	case v.mode == appendPage && v.page == f.lo+len(f.pages):
		f.pages = append(f.pages, items)
		if len(f.pages) > maxBuffered {
			cursor, offset = cursor-len(f.pages[0]), offset-len(f.pages[0])
			f.pages, f.lo = f.pages[1:], f.lo+1
		}
	case v.mode == prependPage && v.page == f.lo-1:
		f.pages, f.lo = append([][]T{items}, f.pages...), f.lo-1
		cursor, offset = cursor+len(items), offset+len(items)
		f.pages = f.pages[:min(len(f.pages), maxBuffered)]
	default:
		f.pages, f.lo = [][]T{items}, v.page
	}
	if v.mode == replacePages {
		f.setRows()
		if v.then == home {
			f.table.Place(0, 0)
		}
		return
	}
	f.setRows()
	f.table.Place(cursor, offset)
	f.move(v.then)
}

// tickAll is ctrl+a on a checkable feed: every matching row, not only the
// loaded ones, up to the rows a feed keeps; ctrl+a again clears them.
func (f *Feed[T]) tickAll() tea.Cmd {
	t := f.table
	if f.more && len(f.pages) < maxBuffered {
		return f.neighbour(f.lo+len(f.pages), appendPage, tickAll)
	}
	if len(t.Checked()) == t.Len() && t.Len() > 0 {
		t.ClearChecks()
		return nil
	}
	for _, it := range f.Items() {
		t.SetChecked(f.row(it).ID, true)
	}
	return nil
}

func (f *Feed[T]) setRows() {
	var rows []table.Row
	for _, p := range f.pages {
		for _, it := range p {
			rows = append(rows, f.row(it))
		}
	}
	f.table.SetRows(rows)
}

func (f *Feed[T]) move(t then) {
	switch t {
	case down:
		f.table.Update(tea.KeyMsg{Type: tea.KeyDown})
	case up:
		f.table.Update(tea.KeyMsg{Type: tea.KeyUp})
	case pageDown:
		f.table.PageDown()
	case pageUp:
		f.table.PageUp()
	}
}

// Key moves the cursor, fetching the neighbouring server page when the
// move leaves what is loaded (for pgdn: when the next screen would not be
// full); it reports whether it used k.
func (f *Feed[T]) Key(k tea.KeyMsg) (tea.Cmd, bool) {
	t := f.table
	last := t.Cursor() >= t.Len()-1
	switch {
	case k.Type == tea.KeyDown && last && f.more,
		key.Matches(k, KeyNextPage) && t.Offset()+2*t.Rows() > t.Len() && f.more:
		return f.neighbour(f.lo+len(f.pages), appendPage, pick(k.Type == tea.KeyDown, down, pageDown)), true
	case k.Type == tea.KeyUp && t.Cursor() == 0 && f.lo > 0,
		key.Matches(k, KeyPrevPage) && t.Offset() == 0 && f.lo > 0:
		return f.neighbour(f.lo-1, prependPage, pick(k.Type == tea.KeyUp, up, pageUp)), true
	case t.Checkable() && key.Matches(k, table.TickAll):
		return f.tickAll(), true
	case k.Type == tea.KeyHome && f.lo > 0:
		return f.neighbour(0, replacePages, home), true
	case key.Matches(k, KeyNextPage):
		t.PageDown()
		return nil, true
	case key.Matches(k, KeyPrevPage):
		t.PageUp()
		return nil, true
	}
	return nil, t.Update(k)
}

// neighbour fetches page k unless a page is already on its way: the key
// that arrives meanwhile is dropped rather than racing it.
func (f *Feed[T]) neighbour(k int, mode fetchMode, after then) tea.Cmd {
	if f.loading {
		return nil
	}
	return f.fetch(k, mode, after)
}

func pick(cond bool, a, b then) then {
	if cond {
		return a
	}
	return b
}

// Selected is the item under the cursor.
func (f *Feed[T]) Selected() (T, bool) {
	var zero T
	r, ok := f.table.Selected()
	if !ok {
		return zero, false
	}
	return f.Item(r.ID)
}

// Item is the loaded item with row id id.
func (f *Feed[T]) Item(id int64) (T, bool) {
	for _, p := range f.pages {
		for _, it := range p {
			if f.row(it).ID == id {
				return it, true
			}
		}
	}
	var zero T
	return zero, false
}

// Items are the loaded rows, in order.
func (f *Feed[T]) Items() []T {
	var out []T
	for _, p := range f.pages {
		out = append(out, p...)
	}
	return out
}

// Checked lists the ticked items.
func (f *Feed[T]) Checked() []T {
	var out []T
	for _, it := range f.Items() {
		if f.table.IsChecked(f.row(it).ID) {
			out = append(out, it)
		}
	}
	return out
}

// Position says which rows are on screen: 第 13–24 条，共 30 条.
func (f *Feed[T]) Position() string {
	t := f.table
	if f.total == 0 || t.Len() == 0 {
		return "共 " + strconv.Itoa(f.total) + " 条"
	}
	first := f.lo*PageSize + t.Offset() + 1
	last := first + t.Visible() - 1
	if last == first {
		return "第 " + strconv.Itoa(first) + " 条，共 " + strconv.Itoa(f.total) + " 条"
	}
	return "第 " + strconv.Itoa(first) + "–" + strconv.Itoa(last) + " 条，共 " + strconv.Itoa(f.total) + " 条"
}

// Help is the paging keys, when there is more than one screen of rows.
func (f *Feed[T]) Help() []key.Binding {
	if f.total > f.table.Rows() {
		return []key.Binding{KeyNextPage, KeyPrevPage}
	}
	return nil
}

// Footer is the line under a list: busy, the failure with how to retry,
// or the rows on screen.
func Footer(c *common.Common, loading bool, failure error, position string, w int) string {
	st := c.Styles
	switch {
	case loading:
		return st.Notice.Render(c.Busy())
	case failure != nil:
		return st.Error.Render(lipgloss.NewStyle().Width(max(w, 1)).Render(common.ErrorText(failure) + "（ctrl+r 重试）"))
	}
	return st.Muted.Render(position)
}
