package client_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

const demoPassword = "Demo@2026"

func login(t *testing.T, c *client.Client, user, pw string) (domain.Session, error) {
	t.Helper()
	ctx := context.Background()
	cap, err := c.NewCaptcha(ctx)
	if err != nil {
		t.Fatalf("captcha: %v", err)
	}
	return c.Login(ctx, domain.LoginRequest{Username: user, Password: pw, CaptchaID: cap.ID, CaptchaCode: "any"})
}

func mustLogin(t *testing.T, c *client.Client, user, pw string) domain.Session {
	t.Helper()
	s, err := login(t, c, user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return s
}

func wantCode(t *testing.T, err error, code domain.Code) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestLoginRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()

		unit := env.Client()
		s := mustLogin(t, unit, "demo-unit", demoPassword)
		if s.User.Role != domain.RoleUnit || !s.User.UnitActive() || s.User.MustChangePassword {
			t.Fatalf("demo-unit session = %+v", s.User)
		}
		if unit.Token() == "" || s.Token != "" {
			t.Fatal("token must be kept by the client and not handed to callers")
		}
		me, err := unit.Me(ctx)
		if err != nil || me.User.Username != "demo-unit" {
			t.Fatalf("me = %+v, %v", me, err)
		}

		fresh := env.Client()
		s = mustLogin(t, fresh, "demo-new-unit", demoPassword)
		if s.User.UnitActive() || s.User.UnitStatus != domain.ApplicationDraft {
			t.Fatalf("demo-new-unit must be an inactive draft: %+v", s.User)
		}

		if err := unit.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = unit.Me(ctx)
		wantCode(t, err, domain.CodeUnauthenticated)
	})
}

func TestRevokedTokenIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		a, b := env.Client(), env.Client()
		mustLogin(t, a, "demo-unit", demoPassword)
		mustLogin(t, b, "admin", demoPassword)
		// Resetting the password revokes every session of that account.
		if err := b.ResetPassword(ctx, domain.PasswordReset{Username: "demo-unit", Password: "Reset1234"}); err != nil {
			t.Fatal(err)
		}
		_, err := a.Me(ctx)
		wantCode(t, err, domain.CodeUnauthenticated)
		s := mustLogin(t, a, "demo-unit", "Reset1234")
		if !s.User.MustChangePassword {
			t.Fatal("a reset password must be changed at next login")
		}
	})
}

func TestWrongCredentialsAndLockout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		c := env.Client()
		var msgs []string
		for _, user := range []string{"demo-unit", "no-such-user"} {
			_, err := login(t, c, user, "Wrong1234")
			wantCode(t, err, domain.CodeUnauthenticated)
			msgs = append(msgs, domain.ErrorMessage(err))
		}
		if msgs[0] != msgs[1] {
			t.Fatalf("messages reveal whether the user exists: %q vs %q", msgs[0], msgs[1])
		}
		for i := 0; i < 4; i++ {
			_, _ = login(t, c, "demo-unit", "Wrong1234")
		}
		_, err := login(t, c, "demo-unit", demoPassword)
		wantCode(t, err, domain.CodeLocked)
		for i := 0; i < 5; i++ {
			_, _ = login(t, c, "ghost-user", "Wrong1234")
		}
		_, err = login(t, c, "ghost-user", "Wrong1234")
		wantCode(t, err, domain.CodeLocked)
	})
}

func TestWrongCaptchaKeepsFieldError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, true)
		_, err := login(t, env.Client(), "demo-unit", demoPassword)
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["captcha_code"] == "" {
			t.Fatalf("captcha field error lost in the round trip: %#v", err)
		}
	})
}

func TestRegistrationForcesPasswordChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		c := env.Client()

		bad := domain.UnitRegistration{Username: "gz-new", Password: "Passw0rd1", UnitName: "广州新单位", USCC: "91440101MA5911110J", Mobile: "13800138000"}
		err := c.RegisterUnit(ctx, bad)
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["uscc"] == "" {
			t.Fatalf("no uscc field error: %#v", err)
		}
		_, err = login(t, c, "gz-new", "Passw0rd1")
		wantCode(t, err, domain.CodeUnauthenticated)

		good := bad
		good.USCC = "91440101MA5911110H"
		if err := c.RegisterUnit(ctx, good); err != nil {
			t.Fatal(err)
		}
		err = c.RegisterUnit(ctx, good)
		wantCode(t, err, domain.CodeConflict)

		s := mustLogin(t, c, "gz-new", "Passw0rd1")
		if !s.User.MustChangePassword || s.User.UnitActive() {
			t.Fatalf("new unit = %+v", s.User)
		}
		err = c.ChangePassword(ctx, domain.PasswordChange{Old: "wrong-old1", New: "NewPass123"})
		wantCode(t, err, domain.CodeInvalid)
		if err := c.ChangePassword(ctx, domain.PasswordChange{Old: "Passw0rd1", New: "NewPass123"}); err != nil {
			t.Fatal(err)
		}
		me, err := c.Me(ctx)
		if err != nil || me.User.MustChangePassword {
			t.Fatalf("flag not cleared: %+v %v", me.User, err)
		}
	})
}

func TestForcedChangeBlocksOtherCalls(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		admin := env.Client()
		mustLogin(t, admin, "admin", demoPassword)
		if _, err := admin.CreateAccount(ctx, domain.NewAccount{Username: "admin2", Password: "Start1234", Role: domain.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		second := env.Client()
		mustLogin(t, second, "admin2", "Start1234")
		_, err := second.CreateAccount(ctx, domain.NewAccount{Username: "admin3", Password: "Start1234", Role: domain.RoleAdmin})
		wantCode(t, err, domain.CodePasswordChange)
		if err := second.ChangePassword(ctx, domain.PasswordChange{Old: "Start1234", New: "Changed123"}); err != nil {
			t.Fatal(err)
		}
		if _, err := second.CreateAccount(ctx, domain.NewAccount{Username: "admin3", Password: "Start1234", Role: domain.RoleAdmin}); err != nil {
			t.Fatalf("after the change the call must pass: %v", err)
		}
	})
}

func TestAdminRoutesRefuseOtherRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		for _, user := range []string{"demo-unit", "demo-new-unit", "demo-authority", "demo-province", "440106199003072517", "demo-institution"} {
			c := env.Client()
			mustLogin(t, c, user, demoPassword)
			_, err := c.CreateAccount(ctx, domain.NewAccount{Username: "sneaky", Password: "Start1234", Role: domain.RoleAdmin})
			if code := domain.ErrorCode(err); code != domain.CodeForbidden && code != domain.CodeModuleLocked {
				t.Errorf("%s creating an admin: %v", user, err)
			}
			err = c.ResetPassword(ctx, domain.PasswordReset{Username: "admin", Password: "Hijack1234"})
			if code := domain.ErrorCode(err); code != domain.CodeForbidden && code != domain.CodeModuleLocked {
				t.Errorf("%s resetting admin's password: %v", user, err)
			}
		}
		mustLogin(t, env.Client(), "admin", demoPassword)
	})
}

func TestReference(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ref, err := env.Client().Reference(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cities := 0
		for _, r := range ref.Regions {
			if r.Level == 2 {
				cities++
			}
		}
		if cities != 21 || len(ref.Dictionaries[domain.DictUnitType]) != 5 {
			t.Fatalf("cities=%d unit types=%v", cities, ref.Dictionaries[domain.DictUnitType])
		}
	})
}

// flaky fails the first attempt of every request after the server has
// handled it, as a dropped link does: the answer is lost, the write is not.
type flaky struct {
	next  http.RoundTripper
	calls atomic.Int32
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(r)
	if f.calls.Add(1)%2 == 1 {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

func TestRetriedCreateDoesNotDuplicate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		tr := &flaky{next: http.DefaultTransport}
		c := client.New(env.URL, client.Options{Transport: tr, RetryWait: 1})
		cap, err := c.NewCaptcha(ctx) // attempt 1 lost, 2 answered
		if err != nil {
			t.Fatalf("captcha not retried: %v", err)
		}
		tr.calls.Store(3) // let the login (attempt 4) through: logins are never retried
		if _, err := c.Login(ctx, domain.LoginRequest{Username: "admin", Password: demoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
			t.Fatal(err)
		}
		u, err := c.CreateAccount(ctx, domain.NewAccount{Username: "inst-a", Password: "Start1234", Role: domain.RoleInstitution, DisplayName: "广州培训中心"})
		if err != nil {
			t.Fatalf("retried create failed: %v", err)
		}
		if tr.calls.Load() != 6 {
			t.Fatalf("calls = %d, want a lost first attempt and one retry", tr.calls.Load())
		}
		if u.Username != "inst-a" {
			t.Fatalf("replayed answer = %+v", u)
		}
	})
}

func TestLoginIsNotRetried(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tr := &flaky{next: http.DefaultTransport}
		c := client.New(env.URL, client.Options{Transport: tr, RetryWait: 1})
		tr.calls.Store(1) // let the captcha through
		cap, err := c.NewCaptcha(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Login(context.Background(), domain.LoginRequest{Username: "demo-unit", Password: demoPassword, CaptchaID: cap.ID, CaptchaCode: "x"})
		wantCode(t, err, domain.CodeUnavailable)
		if tr.calls.Load() != 3 {
			t.Fatalf("login attempts = %d, want exactly one", tr.calls.Load()-2)
		}
	})
}

func TestUnreachableServer(t *testing.T) {
	c := client.New("http://127.0.0.1:1", client.Options{Retries: 1, RetryWait: 1})
	err := c.Ping(context.Background())
	wantCode(t, err, domain.CodeUnavailable)
	if !client.IsUnavailable(err) || domain.ErrorMessage(err) != "无法连接服务器，请检查网络后重试" {
		t.Fatalf("unclear unreachable error: %v", err)
	}
}
