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

func TestListPagesAndFilters(t *testing.T) {
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
				for i := pr.Offset; i < min(pr.Offset+pr.Limit, 120); i++ {
					items = append(items, i+1)
				}
				return domain.Page[int]{Items: items, Total: 120, Offset: pr.Offset}, nil
			}
		})
	l.SetSize(40, 10)
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			l.Update(cmd())
		}
	}
	run(l.Load())
	if sel, ok := l.Selected(); !ok || sel != 1 || !strings.Contains(l.View(), "共 120 条  第 1/3 页") {
		t.Fatalf("first page: %v %v\n%s", sel, ok, l.View())
	}
	cmd, used := l.Update(runes("]"))
	run(cmd)
	if !used || len(l.Items()) != 50 || l.Items()[0] != 51 {
		t.Fatalf("next page: %v", l.Items()[:1])
	}
	cmd, _ = l.Update(runes("]"))
	run(cmd)
	cmd, _ = l.Update(runes("]"))
	if cmd != nil {
		t.Fatal("paged past the last page")
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
