package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// shortHelp is the one-line help: as many keys as fit in h.Width, then
// "…" when some are left out. Unlike help.Model's own, it never ends in a
// bare separator nor runs past the width.
func shortHelp(h help.Model, bindings []key.Binding) string {
	sep := h.Styles.ShortSeparator.Inline(true).Render(h.ShortSeparator)
	tail := " " + h.Styles.Ellipsis.Inline(true).Render(h.Ellipsis)
	var items []string
	for _, kb := range bindings {
		if kb.Enabled() && kb.Help().Key != "" {
			items = append(items, h.Styles.ShortKey.Inline(true).Render(kb.Help().Key)+" "+
				h.Styles.ShortDesc.Inline(true).Render(kb.Help().Desc))
		}
	}
	var b strings.Builder
	used := 0
	for i, it := range items {
		w := textwidth.Width(it)
		if i > 0 {
			w += textwidth.Width(sep)
		}
		room := h.Width
		if i < len(items)-1 {
			room -= textwidth.Width(tail) // keep room to say more follow
		}
		if used+w > room {
			if used+textwidth.Width(tail) <= h.Width {
				b.WriteString(tail)
			}
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(it)
		used += w
	}
	return b.String()
}

// The smallest terminal every screen serves: below it the login's captcha
// or a list's rows would be cut off.
const (
	MinWidth  = 80
	MinHeight = 24
)

// tooSmall is the whole frame while the terminal is below the minimum:
// one clear sentence, wrapped to fit, instead of a broken screen.
func tooSmall(c *common.Common, w, h int) string {
	text := fmt.Sprintf("终端窗口太小，请放大到至少 %d×%d（当前 %d×%d）", MinWidth, MinHeight, w, h)
	lines := textwidth.Wrap(text, max(w, 1))
	for i := range lines {
		lines[i] = c.Styles.Notice.Render(lines[i])
	}
	return textwidth.Block(strings.Join(lines, "\n"), w, h)
}
