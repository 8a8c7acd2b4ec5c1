// Package admin holds the administrator's account modules: creating an
// authority (主管部门) account and resetting someone's password.
package admin

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
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
func (o *outcome) fail(f *form.Form, err error) {
	others := f.SetServerErrors(domain.FieldErrorsOf(err))
	o.busy, o.failure = false, common.ErrorText(err)
	if len(others) > 0 {
		o.failure = strings.Join(others, "；")
	}
	if bad := f.FirstError(); bad != "" {
		f.Focus(bad)
	}
}

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
