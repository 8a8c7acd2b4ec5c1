package pane

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// PageSize is how many rows one server page brings.
const PageSize = 50

// Paging keys of every list.
var (
	KeyNextPage = key.NewBinding(key.WithKeys("]", "pgdown"), key.WithHelp("]", "下一页"))
	KeyPrevPage = key.NewBinding(key.WithKeys("[", "pgup"), key.WithHelp("[", "上一页"))
	KeyFilter   = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "筛选/列表"))
)

// Loader prepares the fetch of one page of items matching the filter
// text. It runs on the UI's goroutine, so it may read the screen's state;
// the call it returns runs off it and must not.
type Loader[T any] func(filter string, page domain.PageRequest) func(ctx context.Context) (domain.Page[T], error)

// List is a server-side paged list under a filter field: tab moves between
// the field and the rows, enter in the field searches, [ and ] page.
type List[T any] struct {
	c      *common.Common
	id     common.ScreenID
	filter *form.Form
	table  *table.Table
	load   Loader[T]
	row    func(T) table.Row

	items         []T
	pager         Pager // by keyset on the lists the server pages so
	query         string
	loading       bool
	failure       string
	inFilter      bool
	width, height int
}

type listed[T any] struct {
	page  domain.Page[T]
	query string
}

// NewList makes a list; filterLabel names the filter field ("" for none)
// and row renders an item with its id as the row's ID.
func NewList[T any](c *common.Common, empty, filterLabel string, cols []table.Column, row func(T) table.Row, load Loader[T]) *List[T] {
	l := &List[T]{c: c, id: c.NewID(), load: load, row: row, pager: Pager{Limit: PageSize}, table: table.New(c.Styles, c.Keys, empty, cols...)}
	if filterLabel != "" {
		l.filter = form.New(c.Styles, c.Keys, 20, form.Field{Key: "q", Label: filterLabel, Control: form.NewText(c.Keys, false, 40)})
		l.filter.SetActive(false)
	}
	return l
}

// Table is the list's table, to make it checkable.
func (l *List[T]) Table() *table.Table { return l.table }

// Load fetches the current page again.
func (l *List[T]) Load() tea.Cmd { return l.fetch(l.query) }

func (l *List[T]) fetch(query string) tea.Cmd {
	l.loading, l.failure = true, ""
	load := l.load(query, l.pager.Request())
	return common.Call(l.id, func(ctx context.Context) (any, error) {
		p, err := load(ctx)
		return listed[T]{page: p, query: query}, err
	})
}

// Update takes the list's answers and, for keys, reports whether it used
// the key; the screen owning the list handles the rest.
func (l *List[T]) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case common.Result:
		v, ok := msg.Value.(listed[T])
		if !ok || msg.To != l.id {
			return nil, false
		}
		l.loading = false
		if msg.Err != nil {
			l.failure = common.ErrorText(msg.Err)
			return nil, true
		}
		if l.pager.Received(v.page.Total, len(v.page.Items), v.page.Next) {
			return l.fetch(v.query), true
		}
		l.items, l.query = v.page.Items, v.query
		rows := make([]table.Row, len(l.items))
		for i, it := range l.items {
			rows[i] = l.row(it)
		}
		l.table.SetRows(rows)
		return nil, true
	case tea.KeyMsg:
		return l.key(msg)
	}
	return nil, false
}

func (l *List[T]) key(k tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case l.filter != nil && key.Matches(k, KeyFilter):
		l.focusFilter(!l.inFilter)
		return nil, true
	case l.inFilter && k.Type == tea.KeyDown:
		l.focusFilter(false)
		return nil, true
	case l.inFilter:
		if l.filter.Update(k) == form.Submitted {
			l.focusFilter(false)
			l.pager.First()
			return l.fetch(strings.TrimSpace(l.filter.Value("q"))), true
		}
		return nil, true
	case key.Matches(k, l.c.Keys.Reload):
		return l.Load(), true
	case key.Matches(k, KeyNextPage) && l.pager.Next():
		return l.fetch(l.query), true
	case key.Matches(k, KeyPrevPage) && l.pager.Prev():
		return l.fetch(l.query), true
	case k.Type == tea.KeyUp && l.filter != nil && l.table.Cursor() == 0:
		l.focusFilter(true)
		return nil, true
	}
	return nil, l.table.Update(k)
}

// StartInFilter gives the filter field the keyboard, for a list whose
// first step is a search.
func (l *List[T]) StartInFilter() {
	if l.filter != nil {
		l.focusFilter(true)
	}
}

func (l *List[T]) focusFilter(on bool) {
	l.inFilter = on
	l.filter.SetActive(on)
	if on {
		l.table.Blur()
	} else {
		l.table.Focus()
	}
}

// Selected is the item under the cursor.
func (l *List[T]) Selected() (T, bool) {
	var zero T
	r, ok := l.table.Selected()
	if !ok || l.inFilter {
		return zero, false
	}
	for i, it := range l.items {
		if l.row(it).ID == r.ID {
			return l.items[i], true
		}
	}
	return zero, false
}

// Checked lists the ticked items.
func (l *List[T]) Checked() []T {
	var out []T
	for _, it := range l.items {
		if l.table.IsChecked(l.row(it).ID) {
			out = append(out, it)
		}
	}
	return out
}

// Items are the rows of the current page.
func (l *List[T]) Items() []T { return l.items }

// Typing reports whether the filter field has the keyboard.
func (l *List[T]) Typing() bool { return l.inFilter }

// SetSize gives the list w×h cells: the filter line, the table and the
// footer.
func (l *List[T]) SetSize(w, h int) {
	l.width, l.height = w, h
	rows := h - 1
	if l.filter != nil {
		l.filter.SetWidth(w)
		rows--
	}
	l.table.SetSize(w, max(rows, 2))
}

// View draws the filter, the rows and a footer with the paging.
func (l *List[T]) View() string {
	st := l.c.Styles
	var parts []string
	if l.filter != nil {
		parts = append(parts, l.filter.View())
	}
	parts = append(parts, l.table.View())
	var foot string
	switch {
	case l.loading:
		foot = st.Notice.Render(l.c.Busy())
	case l.failure != "":
		foot = st.Error.Render(textwidth.Truncate(l.failure+"（ctrl+r 重试）", l.width, st.Ellipsis))
	default:
		foot = st.Muted.Render(fmt.Sprintf("共 %d 条  第 %d/%d 页", l.pager.Total, l.pager.Page(), l.pager.Pages()))
	}
	parts = append(parts, foot)
	return strings.Join(parts, "\n")
}

// Help lists the list's own keys.
func (l *List[T]) Help() []key.Binding {
	out := []key.Binding{}
	if l.filter != nil {
		out = append(out, KeyFilter)
	}
	if l.pager.Total > PageSize {
		out = append(out, KeyNextPage, KeyPrevPage)
	}
	return out
}
