package personnel

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// wrap breaks s into at most rows lines of w cells.
func wrap(s string, w, rows int) string {
	var lines []string
	line := ""
	for _, r := range s {
		if textwidth.Width(line+string(r)) > w {
			lines = append(lines, line)
			line = ""
		}
		line += string(r)
	}
	lines = append(lines, line)
	if len(lines) > rows {
		lines = lines[:rows]
	}
	return strings.Join(lines, "\n")
}

// window shows h lines of a form, scrolled so the focused field (the line
// starting with the pointer) and a few lines under it (a picker's
// choices, a wrapped error) are in view.
type window struct{ top int }

func (w *window) view(st *styles.Styles, body string, h int) string {
	lines := strings.Split(body, "\n")
	if h <= 0 {
		return ""
	}
	focus := 0
	for i, l := range lines {
		if strings.HasPrefix(l, st.Pointer+" ") {
			focus = i
			break
		}
	}
	tail := min(5, len(lines)-1-focus)
	if focus < w.top {
		w.top = focus
	}
	if focus+tail >= w.top+h {
		w.top = focus + tail - h + 1
	}
	w.top = max(min(w.top, len(lines)-h), 0)
	return strings.Join(lines[w.top:min(w.top+h, len(lines))], "\n")
}

// checkbox is a yes/no form control toggled with space.
type checkbox struct {
	label   string
	on      bool
	focused bool
	width   int
	st      *styles.Styles
}

func newCheckbox(st *styles.Styles, label string) *checkbox { return &checkbox{label: label, st: st} }

var toggleKey = key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "勾选"))

func (c *checkbox) Focus() { c.focused = true }
func (c *checkbox) Blur()  { c.focused = false }

func (c *checkbox) HandleKey(k tea.KeyMsg) bool {
	if key.Matches(k, toggleKey) {
		c.on = !c.on
		return true
	}
	return false
}

func (c *checkbox) Value() string {
	if c.on {
		return "1"
	}
	return ""
}

func (c *checkbox) SetValue(v string) { c.on = v != "" }
func (c *checkbox) SetWidth(w int)    { c.width = w }

func (c *checkbox) View() string {
	box := "[ ] "
	if c.on {
		box = "[x] "
	}
	text := textwidth.Truncate(box+c.label, c.width, c.st.Ellipsis)
	if c.focused {
		return c.st.LabelOn.Render(text)
	}
	return text
}

// derived is a read-only form row computed from other fields (gender and
// birth date from the ID number): shown, never typed.
type derived struct {
	value func() string
	width int
	st    *styles.Styles
}

func (d *derived) Focus()                    {}
func (d *derived) Blur()                     {}
func (d *derived) HandleKey(tea.KeyMsg) bool { return false }
func (d *derived) ReadOnly() bool            { return true }
func (d *derived) Value() string             { return d.value() }
func (d *derived) SetValue(string)           {}
func (d *derived) SetWidth(w int)            { d.width = w }
func (d *derived) View() string {
	return d.st.Muted.Render(textwidth.Truncate(d.value(), d.width, d.st.Ellipsis))
}

// idFacts is what an ID number says of its holder, for the read-only
// 性别/出生日期 row: nothing to type, it follows the ID number.
func idFacts(id string) string {
	id = domain.NormalizeIDNumber(id)
	if id == "" {
		return "（根据身份证号自动生成）"
	}
	info, msg := domain.ParseIDNumber(id, time.Now())
	if msg != "" {
		return "（身份证号有效后自动生成）"
	}
	return info.Gender + "  " + info.Birth.Format(domain.DateLayout)
}
