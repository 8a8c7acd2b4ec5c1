package common

import (
	"github.com/charmbracelet/lipgloss"

	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// frameMaxWidth keeps forms readable on wide terminals.
const frameMaxWidth = 76

// FrameInner is the room inside a frame drawn in an area w cells wide:
// the border and one cell of padding on each side are taken off.
func FrameInner(w int) int { return min(w, frameMaxWidth) - 4 }

// FrameChrome is how many lines a frame adds around its body: the border
// and the title line.
const FrameChrome = 3

// Frame draws body under a centred title in a box, centred in a w×h area,
// and returns exactly h lines of w cells.
func Frame(st *styles.Styles, w, h int, title, body string) string {
	inner := FrameInner(w)
	head := lipgloss.PlaceHorizontal(inner, lipgloss.Center, st.Heading.Render(title))
	box := st.Box.Width(inner + 2).Render(head + "\n" + textwidth.Block(body, inner, lipgloss.Height(body)))
	return textwidth.Block(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box), w, h)
}
