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
// was done. It is the one status line of the UI; a message whose cause
// is gone (a form's errors fixed) no longer shows.
type Outcome struct {
	Busy    bool
	Failure string
	Success string
	// invalid is the form whose local errors Failure stands for; the
	// line empties once the form has none.
	invalid *form.Form
}

// InvalidInput is the line while a form's fields show errors.
const InvalidInput = "输入有误，请按提示修改"

// Invalid says nothing was sent because f has errors at its fields; the
// message lasts only while f still has one.
func (o *Outcome) Invalid(f *form.Form) { *o = Outcome{Failure: InvalidInput, invalid: f} }

// Validate checks f before a save: when a field is in error, it says so
// on the line (the save is never dropped without a word) and reports
// false.
func (o *Outcome) Validate(f *form.Form) bool {
	if f.Validate() {
		return true
	}
	o.Invalid(f)
	return false
}

// current is the outcome as it stands now.
func (o Outcome) current() Outcome {
	if o.invalid != nil && o.invalid.FirstError() == "" {
		return Outcome{}
	}
	return o
}

// Shown reports whether the line says anything.
func (o Outcome) Shown() bool {
	o = o.current()
	return o.Busy || o.Failure != "" || o.Success != ""
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
	o = o.current()
	st := c.Styles
	wrap := lipgloss.NewStyle().Width(max(w, 1))
	switch {
	case o.Busy:
		return st.Notice.Render(c.Busy())
	case o.Failure != "":
		return st.Error.Render(wrap.Render(safeLines(o.Failure)))
	case o.Success != "":
		return st.Success.Render(wrap.Render(safeLines(o.Success)))
	}
	return ""
}

// safeLines is textwidth.Safe line by line: a message the screen breaks
// into lines (已创建…\n所属…) keeps its breaks.
func safeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = textwidth.Safe(l)
	}
	return strings.Join(lines, "\n")
}

// ViewRows wraps the message to w cells, at most rows lines, the last cut
// with an ellipsis.
func (o Outcome) ViewRows(c *common.Common, w, rows int) string {
	o = o.current()
	st := c.Styles
	switch {
	case o.Busy:
		return st.Notice.Render(c.Busy())
	case o.Failure != "":
		return Paragraph(c, o.Failure, st.Error, w, rows)
	case o.Success != "":
		return Paragraph(c, o.Success, st.Success, w, rows)
	}
	return ""
}

// Paragraph wraps plain text to w cells, at most rows lines (the last one
// cut with an ellipsis), each line in style.
func Paragraph(c *common.Common, text string, style lipgloss.Style, w, rows int) string {
	lines := strings.Split(lipgloss.NewStyle().Width(max(w, 1)).Render(text), "\n")
	if len(lines) > rows {
		lines = lines[:rows]
		lines[rows-1] = textwidth.Truncate(strings.TrimRight(lines[rows-1], " "), w-textwidth.Width(c.Styles.Ellipsis), "") + c.Styles.Ellipsis
	}
	for i, l := range lines {
		lines[i] = style.Render(strings.TrimRight(l, " "))
	}
	return strings.Join(lines, "\n")
}
