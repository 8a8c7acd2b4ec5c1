package form

import "strings"

// Window is View cut to h lines for a form taller than its room: it
// scrolls only as far as needed to keep the focused field in sight, with
// the lines it spans (a picker's choices, a wrapped error).
func (f *Form) Window(h int) string {
	lines, starts := f.render()
	if h <= 0 || len(lines) <= h {
		f.top = 0
		return strings.Join(lines, "\n")
	}
	first, last := starts[f.focus], len(lines)-1
	if f.focus+1 < len(starts) {
		last = starts[f.focus+1] - 1
	}
	if last >= f.top+h {
		f.top = last - h + 1
	}
	f.top = max(min(f.top, first, len(lines)-h), 0)
	return strings.Join(lines[f.top:f.top+h], "\n")
}
