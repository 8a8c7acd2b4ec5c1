package pane

import (
	"strings"

	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// Labelled lays label：value rows out for a detail screen, the labels
// aligned and long values wrapped under themselves; an empty value shows
// as （无）.
func Labelled(c *common.Common, rows [][2]string, w int) []string {
	st := c.Styles
	lw := 0
	for _, r := range rows {
		lw = max(lw, textwidth.Width(r[0]))
	}
	room := max(w-lw-2, 6)
	var out []string
	for _, r := range rows {
		lines := textwidth.Wrap(r[1], room)
		if r[1] == "" {
			lines = []string{st.Muted.Render("（无）")}
		}
		for i, line := range lines {
			prefix := strings.Repeat(" ", lw+2)
			if i == 0 {
				prefix = st.Label.Render(textwidth.PadLeft(r[0], lw) + "：")
			}
			out = append(out, prefix+line)
		}
	}
	return out
}
