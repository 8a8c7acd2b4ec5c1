package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

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
