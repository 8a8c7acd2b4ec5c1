package store_test

import (
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestRegisterUnit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		auth := noCaptcha(db)
		ctx := t.Context()
		reg := registration("Foshan-Unit", "91440605MA4X12345")
		reg.USCC = strings.ToLower(reg.USCC) // normalised on the way in
		if err := auth.RegisterUnit(ctx, reg); err != nil {
			t.Fatalf("register: %v", err)
		}
		sess := login(t, auth, "foshan-unit", "Start2026a")
		u := sess.User
		if u.Role != domain.RoleUnit || u.UnitStatus != domain.ApplicationDraft || !u.MustChangePassword ||
			u.DisplayName != "佛山市南海区测试机械有限公司" || u.Username != "Foshan-Unit" || u.UnitID == 0 {
			t.Fatalf("registered user: %+v", u)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM units WHERE uscc = $1 AND status = 'draft'", strings.ToUpper(reg.USCC)); n != 1 {
			t.Fatal("unit not stored as a draft with its normalised USCC")
		}
		h, err := db.History(ctx, domain.EntityUnit, u.UnitID)
		if err != nil || len(h) != 1 || h[0].To != "draft" || h[0].ActorUserID != u.ID {
			t.Fatalf("history: %+v %v", h, err)
		}

		users, units := count(t, db, "SELECT COUNT(*) FROM users"), count(t, db, "SELECT COUNT(*) FROM units")
		dupName := registration("FOSHAN-unit", "91440605MA4X99999")
		wantField(t, auth.RegisterUnit(ctx, dupName), domain.CodeConflict, "username", "用户名已被使用")
		dupUSCC := registration("other-unit", "91440605MA4X12345")
		wantField(t, auth.RegisterUnit(ctx, dupUSCC), domain.CodeConflict, "uscc", "已注册")
		both := registration("foshan-unit", "91440605MA4X12345")
		err = auth.RegisterUnit(ctx, both)
		wantField(t, err, domain.CodeConflict, "username", "用户名已被使用")
		wantField(t, err, domain.CodeConflict, "uscc", "已注册")

		bad := domain.UnitRegistration{Username: "ab", Password: "short", UnitName: " ", USCC: "91440605MA4X123450", Mobile: "12345"}
		err = auth.RegisterUnit(ctx, bad)
		for _, f := range []string{"username", "password", "unit_name", "uscc", "mobile"} {
			wantField(t, err, domain.CodeInvalid, f, "")
		}
		if count(t, db, "SELECT COUNT(*) FROM users") != users || count(t, db, "SELECT COUNT(*) FROM units") != units {
			t.Fatal("a refused registration stored something")
		}
	})
}

func captchaCode(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	var code string
	if err := db.QueryRow(t.Context(), "SELECT code FROM captchas WHERE id = $1", id).Scan(&code); err != nil {
		t.Fatalf("captcha %s: %v", id, err)
	}
	return code
}

func TestLoginWithCaptcha(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := store.NewAuthService(db, store.AuthConfig{CaptchaEnabled: true})
		ctx := t.Context()
		req := func(id, code string) domain.LoginRequest {
			return domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaID: id, CaptchaCode: code}
		}
		const field, msg = "captcha_code", "验证码错误或已过期"

		c, err := auth.NewCaptcha(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == "" || !strings.Contains(c.Art, "\n") || !c.ExpiresAt.Equal(clock(t, db).Now().Add(3*time.Minute)) {
			t.Fatalf("captcha: %+v", c)
		}
		code := captchaCode(t, db, c.ID)
		_, err = auth.Login(ctx, req(c.ID, "WRONG"))
		wantField(t, err, domain.CodeInvalid, field, msg)
		// A wrong answer used the captcha up: the right one now fails too.
		_, err = auth.Login(ctx, req(c.ID, code))
		wantField(t, err, domain.CodeInvalid, field, msg)

		c, _ = auth.NewCaptcha(ctx)
		code = captchaCode(t, db, c.ID)
		if _, err := auth.Login(ctx, req(c.ID, " "+strings.ToLower(code)+" ")); err != nil {
			t.Fatalf("right code, any case: %v", err)
		}
		_, err = auth.Login(ctx, req(c.ID, code))
		wantField(t, err, domain.CodeInvalid, field, msg)

		c, _ = auth.NewCaptcha(ctx)
		code = captchaCode(t, db, c.ID)
		clock(t, db).Advance(3*time.Minute + time.Second)
		_, err = auth.Login(ctx, req(c.ID, code))
		wantField(t, err, domain.CodeInvalid, field, msg)

		_, err = auth.Login(ctx, req("", ""))
		wantField(t, err, domain.CodeInvalid, field, msg)

		// A wrong captcha is not a failed password: no lockout counting.
		if n := count(t, db, "SELECT COUNT(*) FROM login_failures"); n != 0 {
			t.Fatalf("%d failure rows after captcha errors", n)
		}
		// Expired captchas are purged when new ones are made.
		if _, err := auth.NewCaptcha(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM captchas"); n != 1 {
			t.Fatalf("%d captchas kept, want only the live one", n)
		}
	})
}

func TestLoginWithCaptchaOff(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		for _, code := range []string{"", "anything"} {
			if _, err := auth.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaID: "nope", CaptchaCode: code}); err != nil {
				t.Fatalf("captcha off, code %q: %v", code, err)
			}
		}
		_, err := auth.Login(t.Context(), domain.LoginRequest{Username: " ", Password: ""})
		wantField(t, err, domain.CodeInvalid, "username", "请填写用户名")
		wantField(t, err, domain.CodeInvalid, "password", "请填写密码")
	})
}

func TestLoginLockout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		ctx := t.Context()
		try := func(user, pw string) error {
			_, err := auth.Login(ctx, domain.LoginRequest{Username: user, Password: pw, CaptchaCode: "x"})
			return err
		}
		const wrongMsg = "用户名或密码错误"
		const lockedMsg = "登录失败次数过多，账号已锁定，请15分钟后再试"

		for _, user := range []string{store.DemoUnit, "no-such-user"} {
			for i := 1; i <= 4; i++ {
				if de := wantCode(t, try(user, "Wrong-pass1"), domain.CodeUnauthenticated); de.Message != wrongMsg {
					t.Fatalf("%s failure %d: %q", user, i, de.Message)
				}
			}
			if de := wantCode(t, try(user, "Wrong-pass1"), domain.CodeLocked); de.Message != lockedMsg {
				t.Fatalf("%s fifth failure: %q", user, de.Message)
			}
			// Locked: even the right password is refused, with the same words
			// whether or not the account exists.
			if de := wantCode(t, try(strings.ToUpper(user), store.DemoPassword), domain.CodeLocked); de.Message != lockedMsg {
				t.Fatalf("%s while locked: %q", user, de.Message)
			}
		}

		clock(t, db).Advance(14 * time.Minute)
		wantCode(t, try(store.DemoUnit, store.DemoPassword), domain.CodeLocked)
		clock(t, db).Advance(time.Minute)
		if err := try(store.DemoUnit, store.DemoPassword); err != nil {
			t.Fatalf("after 15 minutes: %v", err)
		}

		// Success forgets earlier failures.
		for i := 0; i < 4; i++ {
			wantCode(t, try(store.DemoAuthority, "Wrong-pass1"), domain.CodeUnauthenticated)
		}
		if err := try(store.DemoAuthority, store.DemoPassword); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			wantCode(t, try(store.DemoAuthority, "Wrong-pass1"), domain.CodeUnauthenticated)
		}
		// Failures older than a lock period are forgotten too.
		clock(t, db).Advance(16 * time.Minute)
		wantCode(t, try(store.DemoAuthority, "Wrong-pass1"), domain.CodeUnauthenticated)
		if err := try(store.DemoAuthority, store.DemoPassword); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		ctx := t.Context()
		c := clock(t, db)
		start := c.Now()

		idle := login(t, auth, store.DemoUnit, store.DemoPassword)
		if !idle.IdleExpiresAt.Equal(start.Add(2*time.Hour)) || !idle.ExpiresAt.Equal(start.Add(12*time.Hour)) {
			t.Fatalf("expiries %v / %v from %v", idle.IdleExpiresAt, idle.ExpiresAt, start)
		}
		c.Advance(2*time.Hour - time.Millisecond)
		if _, err := auth.Authenticate(ctx, idle.Token); err != nil {
			t.Fatalf("just before idle expiry: %v", err)
		}
		c.Advance(2*time.Hour - time.Millisecond) // alive: the last use extended it
		if _, err := auth.Authenticate(ctx, idle.Token); err != nil {
			t.Fatalf("within the extended idle window: %v", err)
		}
		c.Advance(2 * time.Hour)
		de := wantCode(t, func() error { _, err := auth.Authenticate(ctx, idle.Token); return err }(), domain.CodeUnauthenticated)
		if de.Message != "登录已过期，请重新登录" {
			t.Fatalf("idle expiry message %q", de.Message)
		}

		abs := login(t, auth, store.DemoUnit, store.DemoPassword)
		for i := 0; i < 11; i++ {
			c.Advance(time.Hour)
			if _, err := auth.Authenticate(ctx, abs.Token); err != nil {
				t.Fatalf("hour %d: %v", i+1, err)
			}
		}
		ctxAbs := as(t, auth, abs)
		me, err := auth.Me(ctxAbs)
		if err != nil || !me.IdleExpiresAt.Equal(me.ExpiresAt) || me.Token != "" {
			t.Fatalf("idle expiry must stop at the absolute one: %+v %v", me, err)
		}
		c.Advance(time.Hour)
		wantCode(t, func() error { _, err := auth.Authenticate(ctx, abs.Token); return err }(), domain.CodeUnauthenticated)
		_, err = auth.Me(ctxAbs)
		wantCode(t, err, domain.CodeUnauthenticated)

		_, err = auth.Authenticate(ctx, "forged")
		wantCode(t, err, domain.CodeUnauthenticated)
		_, err = auth.Authenticate(ctx, "")
		wantCode(t, err, domain.CodeUnauthenticated)
	})
}

func TestAuthenticateWritesAtMostOncePerMinute(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		c := clock(t, db)
		sess := login(t, auth, store.DemoUnit, store.DemoPassword)
		lastSeen := func() int64 {
			var ms int64
			if err := db.QueryRow(t.Context(), "SELECT MAX(last_seen_at) FROM sessions").Scan(&ms); err != nil {
				t.Fatal(err)
			}
			return ms
		}
		first := lastSeen()
		c.Advance(59 * time.Second)
		as(t, auth, sess)
		if lastSeen() != first {
			t.Fatal("a use within a minute wrote the session")
		}
		c.Advance(time.Second)
		as(t, auth, sess)
		if lastSeen() != c.Now().UnixMilli() {
			t.Fatal("a use after a minute did not record itself")
		}
	})
}

func TestLogoutAndMe(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		sess := login(t, auth, store.DemoUnit, store.DemoPassword)
		ctx := as(t, auth, sess)
		me, err := auth.Me(ctx)
		if err != nil || me.User != sess.User || !me.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Fatalf("me %+v / login %+v: %v", me, sess, err)
		}
		other := login(t, auth, store.DemoUnit, store.DemoPassword)
		if err := auth.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = auth.Authenticate(t.Context(), sess.Token)
		wantCode(t, err, domain.CodeUnauthenticated)
		_, err = auth.Me(ctx)
		wantCode(t, err, domain.CodeUnauthenticated)
		as(t, auth, other) // only the caller's session ended

		wantCode(t, auth.Logout(t.Context()), domain.CodeUnauthenticated)
		_, err = auth.Me(t.Context())
		wantCode(t, err, domain.CodeUnauthenticated)
	})
}

func TestUsersAsEachRoleSeesThem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		cases := []struct {
			username string
			role     domain.Role
			name     string
			region   string
			status   domain.ApplicationStatus
		}{
			{store.DemoUnit, domain.RoleUnit, "广州市天河区示范科技有限公司", "440106", domain.ApplicationApproved},
			{store.DemoNewUnit, domain.RoleUnit, "广州市越秀区新创信息技术有限公司", "", domain.ApplicationDraft},
			{store.DemoAuthority, domain.RoleAuthority, "广州市人力资源和社会保障局", "440100", ""},
			{store.DemoProvince, domain.RoleAuthority, "广东省人力资源和社会保障厅", "440000", ""},
			{store.DemoPerson, domain.RolePerson, "陈志明", "", ""},
			{store.DemoInstitution, domain.RoleInstitution, "广东省继续教育学院", "", ""},
			{store.DemoAdmin, domain.RoleAdmin, "系统管理员", "", ""},
		}
		for _, c := range cases {
			u := login(t, auth, strings.ToUpper(c.username), store.DemoPassword).User
			if u.Username != c.username || u.Role != c.role || u.DisplayName != c.name || u.RegionCode != c.region ||
				u.UnitStatus != c.status || u.MustChangePassword {
				t.Errorf("%s: %+v", c.username, u)
			}
			if (u.UnitID != 0) != (c.role == domain.RoleUnit) || (u.AuthorityID != 0) != (c.role == domain.RoleAuthority) {
				t.Errorf("%s: organisation ids %+v", c.username, u)
			}
		}
	})
}

func TestChangePassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		auth := noCaptcha(db)
		if err := auth.RegisterUnit(t.Context(), registration("change-me", "91440605MA4X12345")); err != nil {
			t.Fatal(err)
		}
		sess := login(t, auth, "change-me", "Start2026a")
		other := login(t, auth, "change-me", "Start2026a")
		ctx := as(t, auth, sess)

		err := auth.ChangePassword(ctx, domain.PasswordChange{Old: "Wrong2026a", New: "Better2026b"})
		wantField(t, err, domain.CodeInvalid, "old", "原密码不正确")
		err = auth.ChangePassword(ctx, domain.PasswordChange{Old: "Start2026a", New: "Start2026a"})
		wantField(t, err, domain.CodeInvalid, "new", "不能与原密码相同")
		err = auth.ChangePassword(ctx, domain.PasswordChange{Old: "Start2026a", New: "weak"})
		wantField(t, err, domain.CodeInvalid, "new", "")

		if err := auth.ChangePassword(ctx, domain.PasswordChange{Old: "Start2026a", New: "Better2026b"}); err != nil {
			t.Fatal(err)
		}
		me, err := auth.Me(ctx)
		if err != nil || me.User.MustChangePassword {
			t.Fatalf("after change: %+v %v", me, err)
		}
		if _, err := auth.Authenticate(t.Context(), other.Token); err == nil {
			t.Fatal("another session survived the password change")
		}
		_, err = auth.Login(t.Context(), domain.LoginRequest{Username: "change-me", Password: "Start2026a"})
		wantCode(t, err, domain.CodeUnauthenticated)
		login(t, auth, "change-me", "Better2026b")

		wantCode(t, auth.ChangePassword(t.Context(), domain.PasswordChange{Old: "a", New: "Better2026c"}), domain.CodeUnauthenticated)
	})
}
