package pane

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/table"
)

// KeyFilter moves between a list's filter and its rows.
var KeyFilter = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "筛选/列表"))

// Loader prepares the fetch of one page of items matching the filter
// text. It runs on the UI's goroutine, so it may read the screen's state;
// the call it returns runs off it and must not.
type Loader[T any] func(filter string, page domain.PageRequest) func(ctx context.Context) (domain.Page[T], error)

// List is a server-side paged list under a filter field: tab moves between
// the field and the rows, enter in the field searches; the rows are a Feed.
type List[T any] struct {
	c      *common.Common
	id     common.ScreenID
	filter *form.Form
	feed   *Feed[T]
	load   Loader[T]

	query         string // the filter the rows answer
	inFilter      bool
	width, height int
}

// NewList makes a list; filterLabel names the filter field ("" for none)
// and row renders an item with its id as the row's ID.
func NewList[T any](c *common.Common, empty, filterLabel string, cols []table.Column, row func(T) table.Row, load Loader[T]) *List[T] {
	l := &List[T]{c: c, id: c.NewID(), load: load}
	l.feed = NewFeed(l.id, table.New(c.Styles, c.Keys, empty, cols...), row, func(p domain.PageRequest) func(context.Context) (domain.Page[T], error) {
		return l.load(l.query, p)
	})
	if filterLabel != "" {
		l.filter = form.New(c.Styles, c.Keys, 20, form.Field{Key: "q", Label: filterLabel, Control: form.NewText(c.Keys, false, 40)})
		l.filter.SetActive(false)
	}
	return l
}

// Table is the list's table, to make it checkable.
func (l *List[T]) Table() *table.Table { return l.feed.Table() }

// Feed is the list's rows.
func (l *List[T]) Feed() *Feed[T] { return l.feed }

// Load fetches the rows on screen again, keeping the cursor's row.
func (l *List[T]) Load() tea.Cmd {
	if !l.feed.Loaded() {
		return l.feed.First()
	}
	return l.feed.Reload()
}

// Update takes the list's answers and, for keys, reports whether it used
// the key; the screen owning the list handles the rest.
func (l *List[T]) Update(msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return l.key(k)
	}
	return l.feed.Result(msg)
}

func (l *List[T]) key(k tea.KeyMsg) (tea.Cmd, bool) {
	t := l.feed.Table()
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
			l.query = strings.TrimSpace(l.filter.Value("q"))
			return l.feed.First(), true
		}
		return nil, true
	case key.Matches(k, l.c.Keys.Reload):
		return l.Load(), true
	case k.Type == tea.KeyUp && l.filter != nil && t.Cursor() == 0 && l.feed.lo == 0:
		l.focusFilter(true)
		return nil, true
	}
	return l.feed.Key(k)
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
		l.feed.Table().Blur()
	} else {
		l.feed.Table().Focus()
	}
}

// Selected is the item under the cursor.
func (l *List[T]) Selected() (T, bool) {
	if l.inFilter {
		var zero T
		return zero, false
	}
	return l.feed.Selected()
}

// Checked lists the ticked items.
func (l *List[T]) Checked() []T { return l.feed.Checked() }

// Items are the loaded rows.
func (l *List[T]) Items() []T { return l.feed.Items() }

// Typing reports whether the filter field has the keyboard.
func (l *List[T]) Typing() bool { return l.inFilter }

// SetSize gives the list w×h cells: the filter, the table and the footer.
func (l *List[T]) SetSize(w, h int) {
	l.width, l.height = w, h
	rows := h - 1
	if l.filter != nil {
		l.filter.SetWidth(w)
		rows--
	}
	l.feed.Table().SetSize(w, max(rows, 2))
}

// View draws the filter, the rows and a footer with the position.
func (l *List[T]) View() string {
	var parts []string
	if l.filter != nil {
		parts = append(parts, l.filter.View())
	}
	parts = append(parts, l.feed.Table().View(), Footer(l.c, l.feed.Loading(), l.feed.Failure(), l.feed.Position(), l.width))
	return strings.Join(parts, "\n")
}

// Help lists the list's own keys.
func (l *List[T]) Help() []key.Binding {
	out := []key.Binding{}
	if l.filter != nil {
		out = append(out, KeyFilter)
	}
	return append(out, l.feed.Help()...)
}
