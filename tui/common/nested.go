package common

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
