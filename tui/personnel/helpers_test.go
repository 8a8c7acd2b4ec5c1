package personnel_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

const demoPassword = "Demo@2026"

// start opens the TUI against a real server over db; wrap may replace
// services (to stage an answer the demo data cannot give).
func start(t *testing.T, db *store.DB, wrap func(*common.Services)) (*tuitest.Driver, *servertest.Env) {
	t.Helper()
	return startWith(t, db, false, wrap)
}

// startWith is start in the ASCII theme or the Unicode one.
func startWith(t *testing.T, db *store.DB, ascii bool, wrap func(*common.Services)) (*tuitest.Driver, *servertest.Env) {
	t.Helper()
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, Persons: c, Teachers: c}
	if wrap != nil {
		wrap(&s)
	}
	return tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL, ASCII: ascii}), env
}

func idOf(first17 string) string { return first17 + string(domain.IDCheckChar(first17)) }

// wrongCheck is the ID number with another check character.
func wrongCheck(first17 string) string {
	good := domain.IDCheckChar(first17)
	if good == '0' {
		return first17 + "1"
	}
	return first17 + "0"
}

// typeIn types text and presses enter.
func typeIn(d *tuitest.Driver, values ...string) {
	for _, v := range values {
		d.Type(v)
		d.Press(tea.KeyEnter)
	}
}

func clearField(d *tuitest.Driver) { d.Press(tea.KeyCtrlU) }
