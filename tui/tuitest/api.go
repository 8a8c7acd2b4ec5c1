package tuitest

import (
	"testing"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
)

// APIAs is a client logged in as a demo user (demo password), for changes
// made and checks done beside the TUI.
func APIAs(t testing.TB, env *servertest.Env, user string) *client.Client {
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
