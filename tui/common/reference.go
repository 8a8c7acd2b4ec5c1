package common

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
)

// ReferenceLoaded answers LoadReference.
type ReferenceLoaded struct{ Ref domain.Reference }

// LoadReference fetches the reference data (regions, dictionaries) for
// the screen to; the answer is a Result carrying ReferenceLoaded.
func (c *Common) LoadReference(to ScreenID) tea.Cmd {
	ref := c.Services.Ref
	return Call(to, func(ctx context.Context) (any, error) {
		r, err := ref.Reference(ctx)
		return ReferenceLoaded{Ref: r}, err
	})
}

// DictLabel names a dictionary code for the screen, or shows the code
// itself when the dictionary does not know it (an item since retired).
func DictLabel(ref domain.Reference, kind, code string) string {
	for _, it := range ref.Dictionaries[kind] {
		if it.Code == code {
			return it.Label
		}
	}
	return code
}
