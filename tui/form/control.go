package form

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// Control is the editor inside a form row.
type Control interface {
	Focus()
	Blur()
	// HandleKey applies k and reports whether k was used; keys it leaves
	// alone navigate the form.
	HandleKey(k tea.KeyMsg) bool
	Value() string
	SetValue(v string)
	// SetWidth sets the room for the control's first line, in cells.
	SetWidth(w int)
	// View draws the control; it may span several lines.
	View() string
}

// newInput is a text input with a static cursor (a blinking one would
// redraw an idle terminal twice a second) and without clipboard paste,
// which would read the clipboard of the machine running the UI, not the
// operator's; terminal paste still arrives as typed text.
func newInput(limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	in.Cursor.SetMode(cursor.CursorStatic)
	in.KeyMap.Paste.SetEnabled(false)
	in.KeyMap.AcceptSuggestion.SetEnabled(false)
	in.KeyMap.NextSuggestion.SetEnabled(false)
	in.KeyMap.PrevSuggestion.SetEnabled(false)
	return in
}

// cursorStyled is a control with a text cursor, which takes the theme's
// cursor style when its form is built.
type cursorStyled interface{ setCursorStyle(lipgloss.Style) }

// updateInput feeds k to in. The input's commands are dropped: with a
// static cursor and no clipboard paste it has none worth running.
func updateInput(in *textinput.Model, k tea.KeyMsg) {
	*in, _ = in.Update(k)
}

// inputView draws in between brackets, exactly w cells wide in total.
func inputView(in textinput.Model, w int) string {
	return "[" + textwidth.Block(in.View(), max(w-2, 1), 1) + "]"
}

// isNavigation reports whether k moves between fields or submits.
func isNavigation(km *keys.KeyMap, k tea.KeyMsg) bool {
	return key.Matches(k, km.Next, km.Prev, km.Submit, km.Back)
}

// Text is a one-line text field.
type Text struct {
	in    textinput.Model
	keys  *keys.KeyMap
	width int
}

// NewText makes a text field of at most limit characters; secret masks it.
func NewText(km *keys.KeyMap, secret bool, limit int) *Text {
	t := &Text{in: newInput(limit), keys: km}
	if secret {
		t.in.EchoMode = textinput.EchoPassword
	}
	return t
}

func (t *Text) setCursorStyle(st lipgloss.Style) { t.in.Cursor.Style = st }

func (t *Text) Focus() { t.in.Focus() }
func (t *Text) Blur()  { t.in.Blur() }

func (t *Text) HandleKey(k tea.KeyMsg) bool {
	if isNavigation(t.keys, k) {
		return false
	}
	updateInput(&t.in, k)
	return true
}

func (t *Text) Value() string { return t.in.Value() }

// SetValue shows v with any control or bidi character made visible
// (textwidth.Safe): values come from the server.
func (t *Text) SetValue(v string) { t.in.SetValue(textwidth.Safe(v)); t.in.CursorEnd() }

func (t *Text) SetWidth(w int) {
	t.width = w
	// Two cells go to the brackets and one to the cursor after the text.
	t.in.Width = max(w-3, 1)
}

func (t *Text) View() string { return inputView(t.in, t.width) }

// Option is one choice of a Picker.
type Option struct {
	Value string
	Label string
}

// Picker chooses one option from a list filtered by what is typed.
type Picker struct {
	filter  textinput.Model
	keys    *keys.KeyMap
	st      *styles.Styles
	options []Option
	matches []Option
	sel     int
	rows    int
	width   int
	focused bool
	empty   string
}

// NewPicker makes a picker showing rows matches at a time; empty is shown
// while there are no options (for instance, still loading).
func NewPicker(st *styles.Styles, km *keys.KeyMap, rows int, empty string) *Picker {
	p := &Picker{filter: newInput(20), keys: km, st: st, rows: rows, empty: empty}
	p.filter.Cursor.Style = st.Cursor
	return p
}

// SetOptions replaces the choices and keeps the selection if still offered.
func (p *Picker) SetOptions(opts []Option) {
	chosen := p.Value()
	p.options = opts
	p.refilter()
	p.selectValue(chosen)
}

// SetEmpty changes the text shown while there are no options.
func (p *Picker) SetEmpty(s string) { p.empty = s }

func (p *Picker) refilter() {
	f := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	p.matches = p.matches[:0]
	for _, o := range p.options {
		if f == "" || strings.Contains(strings.ToLower(o.Label), f) || strings.HasPrefix(o.Value, f) {
			p.matches = append(p.matches, o)
		}
	}
	p.sel = 0
}

func (p *Picker) selectValue(v string) {
	for i, o := range p.matches {
		if o.Value == v {
			p.sel = i
			return
		}
	}
}

func (p *Picker) Focus() { p.focused = true; p.filter.Focus() }
func (p *Picker) Blur()  { p.focused = false; p.filter.Blur() }

func (p *Picker) HandleKey(k tea.KeyMsg) bool {
	switch {
	case key.Matches(k, p.keys.ListUp):
		p.sel = max(p.sel-1, 0)
	case key.Matches(k, p.keys.ListDown):
		p.sel = min(p.sel+1, max(len(p.matches)-1, 0))
	case isNavigation(p.keys, k):
		return false
	default:
		before := p.filter.Value()
		updateInput(&p.filter, k)
		if p.filter.Value() != before {
			p.refilter()
		}
	}
	return true
}

// Value is the chosen option's value, "" when nothing matches the filter.
func (p *Picker) Value() string {
	if p.sel < len(p.matches) {
		return p.matches[p.sel].Value
	}
	return ""
}

// SetValue clears the filter and chooses the option with value v.
func (p *Picker) SetValue(v string) {
	p.filter.SetValue("")
	p.refilter()
	p.selectValue(v)
}

func (p *Picker) SetWidth(w int) {
	p.width = w
	p.filter.Width = max(min(w, 16)-3, 1)
}

// View is the filter field and the chosen option; while focused, a window
// of the matches around the selection follows.
func (p *Picker) View() string {
	fw := min(p.width, 16)
	room := max(p.width-fw-1, 0)
	var chosen string
	switch {
	case len(p.options) == 0:
		chosen = p.st.Muted.Render(textwidth.Truncate(p.empty, room, p.st.Ellipsis))
	case p.sel < len(p.matches):
		chosen = textwidth.Truncate(p.matches[p.sel].Label, room, p.st.Ellipsis)
	default:
		chosen = p.st.Error.Render(textwidth.Truncate("无匹配项", room, p.st.Ellipsis))
	}
	line := inputView(p.filter, fw) + " " + chosen
	if !p.focused || len(p.matches) == 0 {
		return line
	}
	start := min(max(p.sel-p.rows/2, 0), max(len(p.matches)-p.rows, 0))
	lines := []string{line}
	for i := start; i < min(start+p.rows, len(p.matches)); i++ {
		text := textwidth.Fit(p.matches[i].Label, max(p.width-2, 1), p.st.Ellipsis)
		if i == p.sel {
			lines = append(lines, p.st.Pointer+" "+p.st.Selected.Render(text))
		} else {
			lines = append(lines, "  "+text)
		}
	}
	return strings.Join(lines, "\n")
}
