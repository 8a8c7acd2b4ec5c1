package records_test

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// start opens the TUI against a real server over db.
func start(t *testing.T, db *store.DB) (*tuitest.Driver, *servertest.Env) {
	t.Helper()
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, Attachments: c, History: c, Persons: c, Records: c}
	return tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL}), env
}

// daysAgo is the date n days before today in China.
func daysAgo(n int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -n).Format(domain.DateLayout)
}

// typeIn types each value and presses tab after it.
func typeIn(d *tuitest.Driver, values ...string) {
	for _, v := range values {
		d.Type(v)
		d.Press(tea.KeyTab)
	}
}

// relogin logs out and in as user, and opens the module titled title.
func relogin(d *tuitest.Driver, user, title string) {
	d.Press(tea.KeyCtrlX)
	d.Login(user, store.DemoPassword)
	d.OpenModule(title)
}
