package pane

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/common"
	"jxjy/tui/form"
)

// FormScreen is the one shape of a form on a module's stack: edit, save
// (ctrl+s, or enter on the last field), close. It owns the form, the
// outcome line and the guard: while the form holds changes it is Dirty,
// so esc, logout and quit ask first. A screen embeds it and gives the
// call that saves; the screen's answer handler passes the call's error
// to Saved and closes itself when Saved reports true.
type FormScreen struct {
	C       *common.Common
	ID      common.ScreenID
	Form    *form.Form
	Outcome Outcome
	Width   int
	send    func() tea.Cmd
}

// NewFormScreen shapes f into a screen; send makes the save call, once
// the form passed its own checks.
func NewFormScreen(c *common.Common, f *form.Form, send func() tea.Cmd) FormScreen {
	return FormScreen{C: c, ID: c.NewID(), Form: f, send: send}
}

// Key applies k to the form; a save key saves.
func (s *FormScreen) Key(k tea.KeyMsg) tea.Cmd {
	if key.Matches(k, s.C.Keys.Save) || s.Form.Update(k) == form.Submitted {
		return s.Save()
	}
	return nil
}

// Save checks the form and sends it. Nothing is sent while a save runs
// or a field is in error, and the line says which.
func (s *FormScreen) Save() tea.Cmd {
	if s.Outcome.Busy || !s.Outcome.Validate(s.Form) {
		return nil
	}
	s.Outcome.Start()
	return s.send()
}

// Saved takes the save's answer: a refusal shows at the fields, keeps
// what was typed and reports false; success leaves the form clean.
func (s *FormScreen) Saved(err error) bool {
	if err != nil {
		s.Outcome.FailForm(s.Form, err)
		return false
	}
	s.Outcome.Clear()
	s.Form.MarkClean()
	return true
}

// Dirty reports changes not saved yet.
func (s *FormScreen) Dirty() bool { return s.Form.Dirty() }

// Typing is always true: a field has the keyboard.
func (s *FormScreen) Typing() bool { return true }

// SetSize fits the form into w cells.
func (s *FormScreen) SetSize(w, _ int) {
	s.Width = w
	s.Form.SetWidth(w)
}

// ShortHelp is save and the way between fields.
func (s *FormScreen) ShortHelp() []key.Binding { return []key.Binding{s.C.Keys.Save, s.C.Keys.Next} }

// FullHelp adds the way back.
func (s *FormScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.C.Keys.Prev}}
}
