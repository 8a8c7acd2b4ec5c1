// Package tuitest drives the whole TUI synchronously with key messages, the
// way Bubble Tea would, so flows can be tested against fakes or against a
// real server (see servertest).
package tuitest

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui"
	"jxjy/tui/textwidth"
)

// Driver runs the root model: every command is executed at once and its
// message fed back.
type Driver struct {
	t    testing.TB
	M    *tui.Model
	Quit bool
}

// New starts the TUI at 80×24 with the given options. Leave
// o.Services.Health nil: the status bar's 30-second ping tick would block a
// synchronous driver.
func New(t testing.TB, o tui.Options) *Driver {
	t.Helper()
	d := &Driver{t: t, M: tui.New(o)}
	d.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.M.Init())
	return d
}

// Send delivers one message and runs what it starts.
func (d *Driver) Send(msg tea.Msg) {
	_, cmd := d.M.Update(msg)
	d.run(cmd)
}

// run executes cmd and feeds its messages back.
func (d *Driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.Quit = true
	default:
		d.Send(msg)
	}
}

// Type sends text as one key message, as a paste or an IME commit arrives.
func (d *Driver) Type(s string) { d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

// Press sends special keys.
func (d *Driver) Press(keys ...tea.KeyType) {
	for _, k := range keys {
		d.Send(tea.KeyMsg{Type: k})
	}
}

var ansiRe = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// View is the screen as plain text.
func (d *Driver) View() string { return ansiRe.ReplaceAllString(d.M.View(), "") }

// MustSee fails unless every text is on screen.
func (d *Driver) MustSee(texts ...string) {
	d.t.Helper()
	v := d.View()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			d.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

// MustNotSee fails if any text is on screen.
func (d *Driver) MustNotSee(texts ...string) {
	d.t.Helper()
	v := d.View()
	for _, s := range texts {
		if strings.Contains(v, s) {
			d.t.Fatalf("screen shows %q:\n%s", s, v)
		}
	}
}

// LineWith is the screen line holding text.
func (d *Driver) LineWith(text string) string {
	d.t.Helper()
	for _, l := range strings.Split(d.View(), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	d.t.Fatalf("no line with %q:\n%s", text, d.View())
	return ""
}

// Fits checks the screen, called name in failures, is exactly 80×24 cells.
func (d *Driver) Fits(name string) {
	d.t.Helper()
	view := d.View()
	lines := strings.Split(view, "\n")
	bad := len(lines) != 24
	if bad {
		d.t.Errorf("%s: %d lines", name, len(lines))
	}
	for i, l := range lines {
		if w := textwidth.Width(l); w != 80 {
			bad = true
			d.t.Errorf("%s: line %d is %d cells: %q", name, i+1, w, l)
		}
	}
	if bad {
		d.t.Logf("%s:\n%s", name, view)
	}
}

// Login fills the login form and submits (any captcha code: the server
// under test runs with the captcha off).
func (d *Driver) Login(username, password string) {
	d.Type(username)
	d.Press(tea.KeyEnter)
	d.Type(password)
	d.Press(tea.KeyEnter)
	d.Type("ABCDE")
	d.Press(tea.KeyEnter)
}

// OpenModule moves the menu selection to the module titled title and opens it.
func (d *Driver) OpenModule(title string) {
	d.t.Helper()
	for i := 0; i < 40; i++ {
		if strings.Contains(selectedLine(d.View()), title) {
			d.Press(tea.KeyEnter)
			return
		}
		d.Press(tea.KeyDown)
	}
	d.t.Fatalf("module %q not found in menu:\n%s", title, d.View())
}

// selectedLine is the menu line carrying the selection marker.
func selectedLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "› ") || strings.Contains(l, "> ") {
			return l
		}
	}
	return ""
}
