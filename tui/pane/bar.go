package pane

import (
	"strings"

	"jxjy/tui/styles"
)

// Bar draws a fraction done as [===---] across w cells (at least six). It
// is drawn from the numbers, never animated, so an idle terminal stays
// still; plain ASCII, so it lines up in either theme.
func Bar(st *styles.Styles, fraction float64, w int) string {
	room := max(w-2, 4)
	full := min(max(int(fraction*float64(room)), 0), room)
	return "[" + st.Notice.Render(strings.Repeat("=", full)) + strings.Repeat("-", room-full) + "]"
}
