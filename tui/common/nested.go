package common

import tea "github.com/charmbracelet/bubbletea"

// Nested is a module with screens of its own (a list, then a record, then
// a sub-window). While Nested reports true, esc goes to the module, which
// closes its innermost screen; at the module's top level esc leaves it.
type Nested interface {
	Nested() bool
}

// IsNested reports whether c currently shows a screen esc should close.
func IsNested(c Component) bool {
	n, ok := c.(Nested)
	return ok && n.Nested()
}

// Editor is a component that may hold input not saved yet: a form, the
// marks of a results grid, ticks waiting for an action. Logging out or
// quitting while it is dirty asks first.
type Editor interface {
	Dirty() bool
}

// IsDirty reports whether c holds unsaved input.
func IsDirty(c Component) bool {
	e, ok := c.(Editor)
	return ok && e.Dirty()
}

// Guard is a component where a key may close a screen holding unsaved
// input (esc on a filled form, enter on another module); the root asks
// "有未保存的修改，确定放弃吗？" before passing such a key on.
type Guard interface {
	Discards(k tea.KeyMsg) bool
}

// Discards reports whether k, pressed now, would throw away input in c.
func Discards(c Component, k tea.KeyMsg) bool {
	g, ok := c.(Guard)
	return ok && g.Discards(k)
}

// DiscardQuestion is asked before unsaved input is thrown away.
const DiscardQuestion = "有未保存的修改，确定放弃吗？"
