// Package pane holds the building blocks of module screens: a stack of
// screens (a list, then a record, then a sub-window), the feed of rows
// every list walks across server pages, a filtered list on it, and the
// message line under a screen.
package pane

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/common"
)

// Resumer is a screen that refreshes when the screen above it closes, as
// that screen may have changed what it shows.
type Resumer interface {
	Resume() tea.Cmd
}

// Stack is a module made of screens on top of each other: keys go to the
// top one, every other message to all of them (each takes only the
// answers addressed to it), and esc closes the top one.
type Stack struct {
	c             *common.Common
	screens       []common.Component
	width, height int
}

// NewStack makes a module whose first screen root builds; screens open
// others through the stack they are given.
func NewStack(c *common.Common, root func(s *Stack) common.Component) *Stack {
	s := &Stack{c: c}
	s.screens = []common.Component{root(s)}
	return s
}

// C is the UI's shared state.
func (s *Stack) C() *common.Common { return s.c }

// Push opens s on top.
func (s *Stack) Push(top common.Component) tea.Cmd {
	s.screens = append(s.screens, top)
	top.SetSize(s.width, s.height)
	return top.Init()
}

// Pop closes the top screen and lets the one under it refresh.
func (s *Stack) Pop() tea.Cmd {
	if len(s.screens) < 2 {
		return nil
	}
	s.screens = s.screens[:len(s.screens)-1]
	if r, ok := s.Top().(Resumer); ok {
		return r.Resume()
	}
	return nil
}

// Replace closes the top screen and opens top in its place.
func (s *Stack) Replace(top common.Component) tea.Cmd {
	s.screens = s.screens[:len(s.screens)-1]
	return s.Push(top)
}

// Top is the screen that has the keyboard.
func (s *Stack) Top() common.Component { return s.screens[len(s.screens)-1] }

// Init starts the root screen.
func (s *Stack) Init() tea.Cmd { return s.screens[0].Init() }

// Update routes msg: esc closes the top screen unless it shows something
// of its own that esc should close first.
func (s *Stack) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		top := s.Top()
		if key.Matches(k, s.c.Keys.Back) && len(s.screens) > 1 && !common.IsNested(top) {
			return s.Pop()
		}
		return top.Update(k)
	}
	var cmds []tea.Cmd
	for _, sc := range s.screens {
		cmds = append(cmds, sc.Update(msg))
	}
	return tea.Batch(cmds...)
}

// Dirty reports whether any open screen holds unsaved input.
func (s *Stack) Dirty() bool {
	for _, sc := range s.screens {
		if common.IsDirty(sc) {
			return true
		}
	}
	return false
}

// Discards reports whether k would throw unsaved input away: esc closing
// a dirty top screen, or whatever the top screen says of its own keys.
func (s *Stack) Discards(k tea.KeyMsg) bool {
	top := s.Top()
	if key.Matches(k, s.c.Keys.Back) && len(s.screens) > 1 && !common.IsNested(top) {
		return common.IsDirty(top)
	}
	return common.Discards(top, k)
}

// Nested keeps esc in the module while a screen is open above the root.
func (s *Stack) Nested() bool { return len(s.screens) > 1 || common.IsNested(s.Top()) }

// View is the top screen.
func (s *Stack) View() string { return s.Top().View() }

// SetSize sizes every screen alike.
func (s *Stack) SetSize(w, h int) {
	s.width, s.height = w, h
	for _, sc := range s.screens {
		sc.SetSize(w, h)
	}
}

// Typing is the top screen's.
func (s *Stack) Typing() bool { return s.Top().Typing() }

// ShortHelp is the top screen's keys; the menu adds esc.
func (s *Stack) ShortHelp() []key.Binding { return s.Top().ShortHelp() }

// FullHelp is the top screen's.
func (s *Stack) FullHelp() [][]key.Binding { return s.Top().FullHelp() }
