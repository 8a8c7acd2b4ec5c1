// Package textwidth measures, cuts and pads text by terminal cells. Chinese
// characters take two cells, so byte or rune counts would misalign every
// column on screen.
//
// It is also where text from the server becomes safe to draw: Safe makes
// each control or bidi character visible, so no stored value can move the
// cursor, clear the screen, change colours or reorder a line. The shared
// widgets apply it to every value they show: Fit (table cells, picker
// options) and Wrap (detail rows) call it, form values and status lines
// pass through it. Truncate, which screens also use on text they styled
// themselves, leaves escapes alone; a screen truncating a server value of
// its own passes it through Safe first.
package textwidth

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
)

// Safe is plain text from the server made harmless to draw: every C0 or
// C1 control, DEL, bidi control and broken byte is shown as its visible
// escape (ESC as ␛, a line feed as ␊, U+202E as \u202e). Text that holds
// none is returned unchanged.
func Safe(s string) string { return domain.VisibleText(s, false) }

// Width is the number of cells the widest line of s occupies; ANSI styling
// is not counted.
func Width(s string) int { return lipgloss.Width(s) }

// Truncate cuts plain (unstyled) text to at most w cells, ending it with tail
// when something was cut. A wide character that would straddle the limit is
// dropped whole.
func Truncate(s string, w int, tail string) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	tw := Width(tail)
	if tw > w {
		tail, tw = "", 0
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := Width(string(r))
		if used+rw > w-tw {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	return b.String() + tail
}

// PadRight appends spaces to s until it is w cells wide.
func PadRight(s string, w int) string {
	if n := w - Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// PadLeft prepends spaces to s until it is w cells wide.
func PadLeft(s string, w int) string {
	if n := w - Width(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// Fit truncates plain text to w cells and pads it to exactly w.
func Fit(s string, w int, tail string) string {
	return PadRight(Truncate(Safe(s), w, tail), w)
}

// Block makes a possibly styled multi-line block exactly w cells wide and
// h lines high: long lines are cut (styling kept intact), short ones padded,
// missing lines added and extra lines dropped.
func Block(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	cut := lipgloss.NewStyle().MaxWidth(w)
	for i, l := range lines {
		if Width(l) > w {
			l = cut.Render(l)
		}
		lines[i] = PadRight(l, w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// Wrap cuts plain text into lines of at most w cells, between any two
// characters: Chinese has no spaces to break at. A character wider than w
// still gets a line of its own. The line breaks of a multi-line value
// start new lines; every other control is made visible (Safe).
func Wrap(s string, w int) []string {
	if strings.ContainsAny(s, "\n\r") {
		var lines []string
		for _, para := range strings.Split(domain.NormalizeLineBreaks(s), "\n") {
			lines = append(lines, Wrap(para, w)...)
		}
		return lines
	}
	var lines []string
	var b strings.Builder
	used := 0
	for _, r := range Safe(s) {
		rw := Width(string(r))
		if used+rw > w && used > 0 {
			lines = append(lines, b.String())
			b.Reset()
			used = 0
		}
		b.WriteRune(r)
		used += rw
	}
	return append(lines, b.String())
}
