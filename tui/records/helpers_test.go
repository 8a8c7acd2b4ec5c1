package records_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
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

// apiAs is a client logged in as user, for checks beside the TUI.
func apiAs(t *testing.T, env *servertest.Env, user string) *client.Client {
	t.Helper()
	c := env.Client()
	capt, err := c.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: user, Password: store.DemoPassword, CaptchaID: capt.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	return c
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

// lineWith is the screen line holding text.
func lineWith(t *testing.T, d *tuitest.Driver, text string) string {
	t.Helper()
	for _, l := range strings.Split(d.View(), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	t.Fatalf("no line with %q:\n%s", text, d.View())
	return ""
}

// fits checks the screen is exactly 80×24 cells.
func fits(t *testing.T, d *tuitest.Driver, name string) {
	t.Helper()
	lines := strings.Split(d.View(), "\n")
	if len(lines) != 24 {
		t.Errorf("%s: %d lines", name, len(lines))
	}
	for i, l := range lines {
		if w := textwidth.Width(l); w != 80 {
			t.Errorf("%s: line %d is %d cells: %q", name, i+1, w, l)
		}
	}
}
