// Package form is the field layout shared by every data-entry screen:
// aligned Chinese labels, keyboard navigation, and each field's error next
// to it (or below it when the line is too narrow).
package form

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// Field describes one row.
type Field struct {
	// Key is the field's name in domain errors (domain.Error.Fields).
	Key     string
	Label   string
	Control Control
	// Width is the most cells the control may take; 0 for the form's.
	Width int
	// Check is the local rule checked as the operator types; nil for none.
	Check func(f *Form, value string) string
}

type row struct {
	Field
	touched bool   // focus has left the field at least once
	server  string // the server's message, until the field is edited
	// base is the value last loaded or saved; edited is set once a key
	// changed the value, so loading options into a picker is not an edit.
	base   string
	edited bool
}

// ReadOnly is a control that shows a value the operator cannot type
// into (one derived from other fields); tab passes over it.
type ReadOnly interface{ ReadOnly() bool }

func (r *row) readOnly() bool {
	ro, ok := r.Control.(ReadOnly)
	return ok && ro.ReadOnly()
}

// Form is a column of fields with one focused at a time. The form is the
// one owner of its focus: the pointer, the highlighted label and the text
// cursor are all drawn from focus and active, so they cannot disagree.
type Form struct {
	st         *styles.Styles
	keys       *keys.KeyMap
	rows       []*row
	focus      int
	active     bool // the form has the keyboard (false while a list beside it has)
	width      int
	inputWidth int
	labelWidth int
	top        int // first line Window shows
}

// Action is what a key did to the form as a whole.
type Action int

const (
	// Edited means the key was typed, or moved the focus.
	Edited Action = iota
	// Submitted means enter was pressed on the last field.
	Submitted
	// Ignored means the form had no use for the key.
	Ignored
)

// New lays fields out with inputs up to inputWidth cells wide and focuses
// the first.
func New(st *styles.Styles, km *keys.KeyMap, inputWidth int, fields ...Field) *Form {
	f := &Form{st: st, keys: km, inputWidth: inputWidth, active: true}
	for _, fl := range fields {
		if c, ok := fl.Control.(cursorStyled); ok {
			c.setCursorStyle(st.Cursor)
		}
		r := &row{Field: fl}
		if !r.readOnly() {
			// A read-only row may be drawn from fields not built yet.
			r.base = fl.Control.Value()
		}
		f.rows = append(f.rows, r)
		f.labelWidth = max(f.labelWidth, textwidth.Width(fl.Label))
	}
	for f.focus < len(f.rows)-1 && f.rows[f.focus].readOnly() {
		f.focus++
	}
	f.rows[f.focus].Control.Focus()
	f.SetWidth(60)
	return f
}

// SetActive gives the form the keyboard, or takes it away: an inactive
// form shows no pointer, no highlighted label and no cursor.
func (f *Form) SetActive(on bool) {
	f.active = on
	if on {
		f.rows[f.focus].Control.Focus()
	} else {
		f.rows[f.focus].Control.Blur()
	}
}

// Active reports whether the form has the keyboard.
func (f *Form) Active() bool { return f.active }

// Dirty reports whether the operator changed a value since the form was
// built, loaded (SetValue) or saved (MarkClean).
func (f *Form) Dirty() bool {
	for _, r := range f.rows {
		if r.edited && r.Control.Value() != r.base {
			return true
		}
	}
	return false
}

// MarkClean takes the current values as saved.
func (f *Form) MarkClean() {
	for _, r := range f.rows {
		r.base, r.edited = r.Control.Value(), false
	}
}

// FocusedKey is the key of the field that has the focus.
func (f *Form) FocusedKey() string { return f.rows[f.focus].Key }

// Update applies a key.
func (f *Form) Update(k tea.KeyMsg) Action {
	r := f.rows[f.focus]
	before := r.Control.Value()
	if r.Control.HandleKey(k) {
		if r.Control.Value() != before {
			r.server, r.edited = "", true
		}
		return Edited
	}
	switch {
	case key.Matches(k, f.keys.Submit):
		if f.focus == f.last() {
			return Submitted
		}
		f.move(1)
	case key.Matches(k, f.keys.Next):
		f.move(1)
	case key.Matches(k, f.keys.Prev):
		// shift+tab on the first field stays there (the screen may take
		// it to a panel before the form); it never wraps round to the
		// last field, often a password.
		if f.focus == f.first() {
			return Ignored
		}
		f.move(-1)
	default:
		return Ignored
	}
	return Edited
}

// first and last are the first and last fields tab stops at.
func (f *Form) first() int {
	for i, r := range f.rows {
		if !r.readOnly() {
			return i
		}
	}
	return 0
}

func (f *Form) last() int {
	for i := len(f.rows) - 1; i >= 0; i-- {
		if !f.rows[i].readOnly() {
			return i
		}
	}
	return len(f.rows) - 1
}

// move is the operator leaving a field, which lets its rule speak; it
// passes over read-only rows, and tab from the last field wraps to the
// first.
func (f *Form) move(delta int) {
	f.rows[f.focus].touched = true
	i := f.focus
	for range f.rows {
		i = (i + delta + len(f.rows)) % len(f.rows)
		if !f.rows[i].readOnly() {
			break
		}
	}
	f.focusRow(i)
}

func (f *Form) focusRow(i int) {
	f.rows[f.focus].Control.Blur()
	f.focus = i
	if f.active {
		f.rows[i].Control.Focus()
	}
}

func (f *Form) find(key string) *row {
	for _, r := range f.rows {
		if r.Key == key {
			return r
		}
	}
	return nil
}

// Value is the current text (or choice) of the field named key.
func (f *Form) Value(key string) string {
	if r := f.find(key); r != nil {
		return r.Control.Value()
	}
	return ""
}

// SetValue replaces the field's value; a value the screen sets is loaded,
// not typed, so it leaves the form clean.
func (f *Form) SetValue(key, v string) {
	if r := f.find(key); r != nil {
		r.Control.SetValue(v)
		r.base, r.edited = r.Control.Value(), false
	}
}

// Clear empties the field and forgets that it was visited, so no local
// message shows until the operator comes back to it.
func (f *Form) Clear(key string) {
	if r := f.find(key); r != nil {
		r.Control.SetValue("")
		r.touched = false
		r.base, r.edited = "", false
	}
}

// Focus moves the keyboard to the field named key.
func (f *Form) Focus(key string) {
	for i, r := range f.rows {
		if r.Key == key {
			f.focusRow(i)
			return
		}
	}
}

// SetServerErrors shows the server's field messages at their fields; those
// for fields this form does not have are returned, so the screen can show
// them elsewhere rather than lose them.
func (f *Form) SetServerErrors(fields map[string]string) (others []string) {
	for _, r := range f.rows {
		r.server = ""
	}
	for k, msg := range fields {
		if r := f.find(k); r != nil {
			r.server = msg
		} else {
			others = append(others, msg)
		}
	}
	return others
}

// FirstError is the key of the first field showing an error, or "".
func (f *Form) FirstError() string {
	for _, r := range f.rows {
		if f.errorOf(r) != "" {
			return r.Key
		}
	}
	return ""
}

// Validate marks every field visited, runs the local rules and focuses the
// first field in error; it reports whether there was none. The server's
// messages of the last attempt are dropped: a rule across fields (身份证号
// and 姓名) may hold now that another field changed, and the server judges
// it again on this attempt.
func (f *Form) Validate() bool {
	for _, r := range f.rows {
		r.touched = true
		r.server = ""
	}
	bad := f.FirstError()
	if bad == "" {
		return true
	}
	for i, r := range f.rows {
		if r.Key == bad {
			f.focusRow(i)
		}
	}
	return false
}

// Error is the message shown at the field named key, "" for none.
func (f *Form) Error(key string) string {
	if r := f.find(key); r != nil {
		return f.errorOf(r)
	}
	return ""
}

// errorOf prefers the server's word; the local rule speaks once the field
// was left or holds something, so an untouched form is not all red.
func (f *Form) errorOf(r *row) string {
	if r.server != "" {
		return r.server
	}
	v := r.Control.Value()
	if r.Check == nil || (!r.touched && v == "") {
		return ""
	}
	return r.Check(f, v)
}

// prefixWidth is the pointer column, the label and its colon.
func (f *Form) prefixWidth() int { return 2 + f.labelWidth + 2 }

// SetWidth fits the form into w cells.
func (f *Form) SetWidth(w int) {
	f.width = w
	room := w - f.prefixWidth()
	for _, r := range f.rows {
		want := f.inputWidth
		if r.Width > 0 {
			want = r.Width
		}
		r.Control.SetWidth(max(min(want, room), 4))
	}
}

// View draws every row, each error beside its field if it fits on the line
// and wrapped below it otherwise.
func (f *Form) View() string {
	lines, _ := f.render()
	return strings.Join(lines, "\n")
}

// render draws every row and tells on which line each row starts.
func (f *Form) render() (lines []string, starts []int) {
	indent := strings.Repeat(" ", f.prefixWidth())
	for i, r := range f.rows {
		starts = append(starts, len(lines))
		pointer, label := "  ", f.st.Label
		if i == f.focus && f.active {
			pointer, label = f.st.Pointer+" ", f.st.LabelOn
		}
		ctl := strings.Split(r.Control.View(), "\n")
		first := pointer + label.Render(textwidth.PadLeft(r.Label, f.labelWidth)+"：") + ctl[0]
		msg := f.errorOf(r)
		if msg != "" && textwidth.Width(first)+2+textwidth.Width(msg) <= f.width {
			first += "  " + f.st.Error.Render(msg)
			msg = ""
		}
		lines = append(lines, first)
		for _, l := range ctl[1:] {
			lines = append(lines, indent+l)
		}
		if msg != "" {
			room := max(f.width-f.prefixWidth(), 8)
			wrapped := lipgloss.NewStyle().Width(room).Render(msg)
			for _, l := range strings.Split(wrapped, "\n") {
				lines = append(lines, indent+f.st.Error.Render(strings.TrimRight(l, " ")))
			}
		}
	}
	return lines, starts
}
