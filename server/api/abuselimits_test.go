package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// loginAt sends a login with a wrong captcha answer (the captcha check is
// off where the server runs without it) and returns the answer.
func loginAt(t *testing.T, env *servertest.Env, user string) answer {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q,"captcha_id":"none","captcha_code":"WRONG"}`, user, store.DemoPassword)
	return send(t, "POST", env.URL+"/api/v1/session", "", strings.NewReader(body), nil)
}

// Login attempts are budgeted per account whatever their outcome: wrong
// captchas use the budget up, and then even the right password is refused
// with 429, on another server instance over the same database too; other
// accounts keep their own budget; the next minute brings it back.
func TestLoginAttemptsAreBudgetedPerAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		withCaptcha := servertest.StartWith(t, db, server.Config{CaptchaEnabled: true, AnonymousPerMinute: -1, LoginAttemptsPerMinute: 3})
		for i := range 3 {
			a := loginAt(t, withCaptcha, store.DemoUnit)
			if a.status != http.StatusUnprocessableEntity || a.err(t).Fields["captcha_code"] == "" {
				t.Fatalf("wrong captcha %d: %d %s", i+1, a.status, a.body)
			}
		}
		a := loginAt(t, withCaptcha, store.DemoUnit)
		if a.status != http.StatusTooManyRequests || a.err(t).Code != domain.CodeRateLimited ||
			!strings.Contains(a.err(t).Message, "该账号登录尝试过于频繁") {
			t.Fatalf("fourth attempt: %d %s", a.status, a.body)
		}
		if a := loginAt(t, withCaptcha, store.DemoAuthority); a.status != http.StatusUnprocessableEntity {
			t.Fatalf("another account shares the budget: %d %s", a.status, a.body)
		}

		// A second instance (captcha off) over the same database.
		other := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, LoginAttemptsPerMinute: 3})
		if a := loginAt(t, other, store.DemoUnit); a.status != http.StatusTooManyRequests {
			t.Fatalf("right password over the budget, on another instance: %d %s", a.status, a.body)
		}
		storetest.ClockOf(db).Advance(time.Minute)
		for i := range 3 {
			if a := loginAt(t, other, store.DemoUnit); a.status != http.StatusCreated {
				t.Fatalf("login %d in the next minute: %d %s", i+1, a.status, a.body)
			}
		}
		if a := loginAt(t, other, store.DemoUnit); a.status != http.StatusTooManyRequests {
			t.Fatalf("successful logins do not count: %d %s", a.status, a.body)
		}
	})
}

// An owner holds at most the configured number of attachments; the next
// upload is refused with a message saying what to do, and deleting one
// makes room.
func TestAttachmentsPerOwnerAreLimited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, MaxAttachments: 2})
		tok := token(t, env, store.DemoNewUnit)
		var app domain.UnitApplication
		if err := json.Unmarshal(send(t, "GET", env.URL+"/api/v1/unit/application", tok, nil, nil).body, &app); err != nil || app.ID == 0 {
			t.Fatalf("application: %+v %v", app, err)
		}
		url := fmt.Sprintf("%s/api/v1/entities/unit/%d/attachments?name=", env.URL, app.ID)
		var first domain.Attachment
		for i, name := range []string{"a", "b"} {
			a := send(t, "POST", url+name+".pdf", tok, strings.NewReader(string(store.DemoPDF(name))), nil)
			if a.status != http.StatusCreated {
				t.Fatalf("upload %d: %d %s", i+1, a.status, a.body)
			}
			if i == 0 {
				_ = json.Unmarshal(a.body, &first)
			}
		}
		a := send(t, "POST", url+"c.pdf", tok, strings.NewReader(string(store.DemoPDF("c"))), nil)
		if a.status != http.StatusConflict || !strings.Contains(a.err(t).Message, "附件已达2个的上限") {
			t.Fatalf("third upload: %d %s", a.status, a.body)
		}
		if a := send(t, "DELETE", fmt.Sprintf("%s/api/v1/attachments/%d", env.URL, first.ID), tok, nil, nil); a.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", a.status, a.body)
		}
		if a := send(t, "POST", url+"c.pdf", tok, strings.NewReader(string(store.DemoPDF("c"))), nil); a.status != http.StatusCreated {
			t.Fatalf("upload after a delete: %d %s", a.status, a.body)
		}
	})
}
