package pane

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/textwidth"
)

// Outcome is the message line under a screen: busy, a failure, or what
// was done.
type Outcome struct {
	Busy    bool
	Failure string
	Success string
}

// Start marks a call running.
func (o *Outcome) Start() { *o = Outcome{Busy: true} }

// Done reports success.
func (o *Outcome) Done(msg string) { *o = Outcome{Success: msg} }

// Failed reports err.
func (o *Outcome) Failed(err error) { *o = Outcome{Failure: common.ErrorText(err)} }

// Clear empties the line.
func (o *Outcome) Clear() { *o = Outcome{} }

// FailForm shows err at the form's fields where it names them and the
// rest on the line; what was typed stays.
func (o *Outcome) FailForm(f *form.Form, err error) { *o = Outcome{Failure: FormError(f, err)} }

// FormError shows err at the form's fields where it names them, focuses
// the first field in error, and returns the message line: the errors no
// field took, or what err says when every one found its field.
func FormError(f *form.Form, err error) string {
	others := f.SetServerErrors(domain.FieldErrorsOf(err))
	if bad := f.FirstError(); bad != "" {
		f.Focus(bad)
	}
	if len(others) > 0 {
		return strings.Join(others, "；")
	}
	return common.ErrorText(err)
}

// View wraps the message to w cells.
func (o Outcome) View(c *common.Common, w int) string {
	st := c.Styles
	wrap := lipgloss.NewStyle().Width(max(w, 1))
	switch {
	case o.Busy:
		return st.Notice.Render(c.Busy())
	case o.Failure != "":
		return st.Error.Render(wrap.Render(textwidth.Safe(o.Failure)))
	case o.Success != "":
		return st.Success.Render(wrap.Render(textwidth.Safe(o.Success)))
	}
	return ""
}
