// Package admin holds the administrator's account modules: creating an
// authority (主管部门) account and resetting someone's password.
package admin

import (
	"github.com/charmbracelet/lipgloss"

	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleCreateAuthority = "admin.accounts"
	ModuleResetPassword   = "admin.reset"
)

// outcome is the line under a form: busy, the failure, or the success.
type outcome struct {
	busy    bool
	failure string
	success string
}

func (o *outcome) start() { *o = outcome{busy: true} }

// fail shows err at the form's fields where it names them, and the rest in
// the failure line.
func (o *outcome) fail(f *form.Form, err error) { o.busy, o.failure = false, pane.FormError(f, err) }

func (o *outcome) view(c *common.Common, w int) string {
	st := c.Styles
	wrap := lipgloss.NewStyle().Width(w)
	switch {
	case o.busy:
		return st.Notice.Render(c.Busy())
	case o.failure != "":
		return st.Error.Render(wrap.Render(o.failure))
	case o.success != "":
		return st.Success.Render(wrap.Render(o.success))
	}
	return ""
}
