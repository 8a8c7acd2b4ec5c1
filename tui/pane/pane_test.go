package pane

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/table"
)

// screen is a fake screen that records what reaches it.
type screen struct {
	name    string
	keys    []string
	others  int
	nested  bool
	resumed int
	w, h    int
}

func (s *screen) Init() tea.Cmd { return nil }
func (s *screen) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		s.keys = append(s.keys, k.String())
	} else {
		s.others++
	}
	return nil
}
func (s *screen) View() string              { return s.name }
func (s *screen) SetSize(w, h int)          { s.w, s.h = w, h }
func (s *screen) Typing() bool              { return false }
func (s *screen) ShortHelp() []key.Binding  { return nil }
func (s *screen) FullHelp() [][]key.Binding { return nil }
func (s *screen) Nested() bool              { return s.nested }
func (s *screen) Resume() tea.Cmd           { s.resumed++; return nil }
func (s *screen) typed() string             { return strings.Join(s.keys, ",") }
func esc() tea.KeyMsg                       { return tea.KeyMsg{Type: tea.KeyEsc} }
func runes(s string) tea.KeyMsg             { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
func newCommon() *common.Common             { return common.New(common.Services{}, false, "") }
func (s *screen) sized() string             { return strconv.Itoa(s.w) + "x" + strconv.Itoa(s.h) }
func (s *screen) wantKeys(t *testing.T, k string) {
	t.Helper()
	if s.typed() != k {
		t.Fatalf("%s got keys %q, want %q", s.name, s.typed(), k)
	}
}

func TestStackRoutesKeysToTheTopAndEscCloses(t *testing.T) {
	root, top := &screen{name: "root"}, &screen{name: "top"}
	st := NewStack(newCommon(), func(*Stack) common.Component { return root })
	st.SetSize(50, 17)
	if st.Nested() {
		t.Fatal("the root alone is not nested: esc leaves the module")
	}
	st.Push(top)
	if top.sized() != "50x17" || !st.Nested() || st.View() != "top" {
		t.Fatalf("push: %s nested=%v view=%q", top.sized(), st.Nested(), st.View())
	}
	st.Update(runes("a"))
	st.Update(common.Result{})
	root.wantKeys(t, "")
	top.wantKeys(t, "a")
	if root.others != 1 || top.others != 1 {
		t.Fatal("answers go to every screen")
	}
	top.nested = true
	st.Update(esc())
	if st.View() != "top" {
		t.Fatal("esc closed a screen that shows something of its own")
	}
	top.wantKeys(t, "a,esc")
	top.nested = false
	st.Update(esc())
	if st.View() != "root" || root.resumed != 1 || st.Nested() {
		t.Fatalf("esc: view %q resumed %d", st.View(), root.resumed)
	}
	st.Update(esc())
	root.wantKeys(t, "esc")
	st.Push(top)
	other := &screen{name: "other"}
	st.Replace(other)
	if st.View() != "other" || st.Pop() != nil || st.View() != "root" {
		t.Fatal("replace")
	}
}

// PgDn turns by the rows on screen, the footer says which rows show, and
// reaching the end of a server page fetches the next one with no row
// skipped; a search starts over at the first row.
func TestListPagesByScreenAndFilters(t *testing.T) {
	c := newCommon()
	var asked []string
	l := NewList(c, "无", "名称", []table.Column{{Title: "名称", Width: 10, Flex: true}},
		func(n int) table.Row {
			return table.Row{ID: int64(n), Cells: []string{"第" + strconv.Itoa(n) + "项"}}
		},
		func(q string, pr domain.PageRequest) func(context.Context) (domain.Page[int], error) {
			asked = append(asked, q+"@"+strconv.Itoa(pr.Offset))
			return func(context.Context) (domain.Page[int], error) {
				items := []int{}
				for i := pr.Offset; i < min(pr.Offset+pr.Limit, 30); i++ {
					items = append(items, i+1)
				}
				return domain.Page[int]{Items: items, Total: 30, Offset: pr.Offset}, nil
			}
		})
	l.SetSize(40, 14) // filter, header, 11 rows, footer
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			l.Update(cmd())
		}
	}
	run(l.Load())
	if sel, ok := l.Selected(); !ok || sel != 1 || !strings.Contains(l.View(), "第 1–11 条，共 30 条") {
		t.Fatalf("first screen: %v %v\n%s", sel, ok, l.View())
	}
	pgdn := tea.KeyMsg{Type: tea.KeyPgDown}
	cmd, used := l.Update(pgdn)
	if cmd == nil {
		t.Fatal("a screen running past the server page did not fetch the next one")
	}
	run(cmd)
	if sel, _ := l.Selected(); !used || sel != 12 || !strings.Contains(l.View(), "第 12–22 条，共 30 条") || asked[len(asked)-1] != "@20" {
		t.Fatalf("second screen starts at row 12: %v %v\n%s", sel, asked, l.View())
	}
	cmd, _ = l.Update(pgdn)
	run(cmd)
	if sel, _ := l.Selected(); sel != 23 || !strings.Contains(l.View(), "第 20–30 条，共 30 条") {
		t.Fatalf("third screen: %v %v\n%s", sel, asked, l.View())
	}
	if cmd, _ = l.Update(pgdn); cmd != nil {
		t.Fatal("paged past the last row")
	}
	for range 3 {
		cmd, _ = l.Update(tea.KeyMsg{Type: tea.KeyPgUp})
		run(cmd)
	}
	if sel, _ := l.Selected(); sel != 1 {
		t.Fatalf("pgup back to the top: %v\n%s", sel, l.View())
	}
	cmd, _ = l.Update(tea.KeyMsg{Type: tea.KeyTab})
	run(cmd)
	if !l.Typing() {
		t.Fatal("tab did not move to the filter")
	}
	l.Update(runes("班"))
	cmd, _ = l.Update(tea.KeyMsg{Type: tea.KeyEnter})
	run(cmd)
	if l.Typing() || asked[len(asked)-1] != "班@0" {
		t.Fatalf("search starts at the first page with the text: %v", asked)
	}
	if _, used := l.Update(runes("x")); used {
		t.Fatal("a key the list has no use for was taken")
	}
}

// A feed walks a keyset list by the server's cursors both ways, drops an
// answer that a newer request overtook, and keeps the cursor's row when
// the rows are fetched again.
func TestFeedKeysetStaleAndReselect(t *testing.T) {
	c := newCommon()
	id := c.NewID()
	var asked []string
	tb := table.New(c.Styles, c.Keys, "无", table.Column{Title: "n", Width: 6, Flex: true})
	tb.SetSize(30, 6) // 5 rows
	f := NewFeed(id, tb, func(n int) table.Row { return table.Row{ID: int64(n), Cells: []string{strconv.Itoa(n)}} },
		func(pr domain.PageRequest) func(context.Context) (domain.Page[int], error) {
			asked = append(asked, pr.After)
			return func(context.Context) (domain.Page[int], error) {
				from := 0
				if pr.After != "" {
					from, _ = strconv.Atoi(pr.After)
				}
				p := domain.Page[int]{Total: 45}
				for i := from; i < min(from+pr.Limit, 45); i++ {
					p.Items = append(p.Items, i+1)
				}
				if from+pr.Limit < 45 {
					p.Next = strconv.Itoa(from + pr.Limit)
				}
				return p, nil
			}
		})
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			f.Result(cmd())
		}
	}
	run(f.First())
	for range 4 {
		cmd, _ := f.Key(tea.KeyMsg{Type: tea.KeyPgDown})
		run(cmd)
	}
	if sel, _ := f.Selected(); sel != 21 || f.Position() != "第 21–25 条，共 45 条" || asked[1] != "20" {
		t.Fatalf("across the seam: %v %q %v", sel, f.Position(), asked)
	}
	// A slow reload answered after a newer fetch is dropped.
	slow := f.Reload()
	newer := f.Reload()
	run(newer)
	before := f.Position()
	if _, took := f.Result(slow()); !took || f.Position() != before {
		t.Fatal("a stale page replaced the newer one")
	}
	if sel, _ := f.Selected(); sel != 21 {
		t.Fatalf("reload lost the row: %v", sel)
	}
	// The reload kept only that page; up from its top asks for the one
	// before by the cursor it was asked with.
	cmd, _ := f.Key(tea.KeyMsg{Type: tea.KeyUp})
	if cmd == nil {
		t.Fatal("up from the first loaded row did not fetch the page before")
	}
	run(cmd)
	if sel, _ := f.Selected(); sel != 20 || asked[len(asked)-1] != "" {
		t.Fatalf("page before: %v %v", sel, asked)
	}
	// While a page is on its way, another paging key does not race it.
	if cmd, _ := f.Key(tea.KeyMsg{Type: tea.KeyEnd}); cmd != nil {
		t.Fatal("end fetched")
	}
	pending, _ := f.Key(tea.KeyMsg{Type: tea.KeyDown})
	if again, _ := f.Key(tea.KeyMsg{Type: tea.KeyDown}); pending == nil || again != nil {
		t.Fatal("down at the end: one fetch, and none while it runs")
	}
	run(pending)
	if sel, _ := f.Selected(); sel != 41 {
		t.Fatalf("down across the seam: %v", sel)
	}
}

// ctrl+a on a checkable feed ticks every matching row, fetching the
// pages not loaded yet; again, it clears them.
func TestFeedTicksAllPages(t *testing.T) {
	c := newCommon()
	tb := table.New(c.Styles, c.Keys, "无", table.Column{Title: "n", Width: 6, Flex: true})
	tb.SetCheckable(true)
	tb.SetSize(30, 6)
	f := NewFeed(c.NewID(), tb, func(n int) table.Row { return table.Row{ID: int64(n), Cells: []string{strconv.Itoa(n)}} },
		func(pr domain.PageRequest) func(context.Context) (domain.Page[int], error) {
			return func(context.Context) (domain.Page[int], error) {
				p := domain.Page[int]{Total: 46, Offset: pr.Offset}
				for i := pr.Offset; i < min(pr.Offset+pr.Limit, 46); i++ {
					p.Items = append(p.Items, i+1)
				}
				return p, nil
			}
		})
	run := func(cmd tea.Cmd) {
		for cmd != nil {
			cmd, _ = f.Result(cmd())
		}
	}
	run(f.First())
	cmd, _ := f.Key(tea.KeyMsg{Type: tea.KeyCtrlA})
	run(cmd)
	if n := len(f.Checked()); n != 46 {
		t.Fatalf("ticked %d of 46", n)
	}
	cmd, _ = f.Key(tea.KeyMsg{Type: tea.KeyCtrlA})
	run(cmd)
	if n := len(f.Checked()); n != 0 {
		t.Fatalf("ctrl+a again left %d ticked", n)
	}
}
