// Package chart draws horizontal bar charts in the terminal: one line a
// bar, labels aligned by cells (Chinese takes two), bars scaled to the
// widest value, and each bar's figure after it, all within a given width.
// The Unicode theme draws bars in block characters with eighth-cell ends;
// the ASCII theme in '#'.
package chart

import (
	"math"
	"strings"

	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// Bar is one labelled value; Text is the figure shown after the bar.
type Bar struct {
	Label string
	Value float64
	Text  string
}

// minBarRoom is the fewest cells a bar may have: below it the labels and
// figures are cut instead.
const minBarRoom = 8

// Bars draws bars in exactly width cells a line (a line a bar). Labels are
// padded to the widest, or cut to a third of the width; figures are
// right-aligned after the longest bar's room.
func Bars(st *styles.Styles, bars []Bar, width int) string {
	if len(bars) == 0 || width <= 0 {
		return ""
	}
	labelW, textW := 0, 0
	top := 0.0
	for _, b := range bars {
		labelW = max(labelW, textwidth.Width(b.Label))
		textW = max(textW, textwidth.Width(b.Text))
		top = math.Max(top, b.Value)
	}
	labelW = min(labelW, max(width/3, 4))
	textW = min(textW, max(width-labelW-2-minBarRoom, 0))
	// label, a space, the bar, a space, the figure
	room := max(width-labelW-1-1-textW, 1)
	lines := make([]string, len(bars))
	for i, b := range bars {
		label := textwidth.PadLeft(textwidth.Truncate(b.Label, labelW, st.Ellipsis), labelW)
		bar := textwidth.PadRight(drawBar(st, b.Value, top, room), room)
		text := textwidth.PadLeft(textwidth.Truncate(b.Text, textW, st.Ellipsis), textW)
		lines[i] = textwidth.Block(label+" "+st.Notice.Render(bar)+" "+text, width, 1)
	}
	return strings.Join(lines, "\n")
}

// drawBar is value's bar of at most room cells, top filling them all. A
// value above zero always shows at least a sliver.
func drawBar(st *styles.Styles, value, top float64, room int) string {
	if value <= 0 || top <= 0 {
		return ""
	}
	cells := st.BarCells
	steps := len(cells) // eighths per cell in the Unicode theme, 1 in ASCII
	units := int(math.Round(value / top * float64(room*steps)))
	units = max(units, 1)
	full, part := units/steps, units%steps
	out := strings.Repeat(cells[0], full)
	if part > 0 {
		// cells[1] is ⅞ of a cell, cells[steps-1] ⅛.
		out += cells[steps-part]
	}
	return out
}
