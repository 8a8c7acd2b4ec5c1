package store_test

import (
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestAdminCreateAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		admin := store.NewAdminService(db)
		ctx := as(t, auth, login(t, auth, store.DemoAdmin, store.DemoPassword))

		u, err := admin.CreateAccount(ctx, domain.NewAccount{
			Username: " sz-hr ", Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "440300",
		})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "sz-hr" || u.Role != domain.RoleAuthority || u.DisplayName != "深圳市人力资源和社会保障局" ||
			u.RegionCode != "440300" || u.AuthorityID == 0 || !u.MustChangePassword {
			t.Fatalf("authority account: %+v", u)
		}
		if got := login(t, auth, "SZ-HR", "Start2026a").User; got != u {
			t.Fatalf("logged in as %+v, created %+v", got, u)
		}
		h, err := db.History(t.Context(), domain.EntityUser, u.ID)
		if err != nil || len(h) != 1 || h[0].ActorName != "系统管理员" || h[0].ActorRole != domain.RoleAdmin || !strings.Contains(h[0].Comment, "sz-hr") {
			t.Fatalf("history: %+v %v", h, err)
		}

		inst, err := admin.CreateAccount(ctx, domain.NewAccount{
			Username: "fs-train", Password: "Start2026a", Role: domain.RoleInstitution, DisplayName: "佛山市职业培训中心",
		})
		if err != nil || inst.DisplayName != "佛山市职业培训中心" || !inst.MustChangePassword {
			t.Fatalf("institution: %+v %v", inst, err)
		}
		adm, err := admin.CreateAccount(system(t), domain.NewAccount{Username: "admin2", Password: "Start2026a", Role: domain.RoleAdmin})
		if err != nil || adm.Role != domain.RoleAdmin || adm.DisplayName != "系统管理员" || !adm.MustChangePassword {
			t.Fatalf("admin by the system principal: %+v %v", adm, err)
		}
		h, err = db.History(t.Context(), domain.EntityUser, adm.ID)
		if err != nil || len(h) != 1 || h[0].ActorUserID != 0 || h[0].ActorName != "jxjy-admin" {
			t.Fatalf("system history: %+v %v", h, err)
		}

		users := count(t, db, "SELECT COUNT(*) FROM users")
		_, err = admin.CreateAccount(ctx, domain.NewAccount{Username: "SZ-hr", Password: "Start2026a", Role: domain.RoleAdmin})
		wantField(t, err, domain.CodeConflict, "username", "用户名已被使用")
		_, err = admin.CreateAccount(ctx, domain.NewAccount{Username: "nowhere-hr", Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "990000"})
		wantCode(t, err, domain.CodeNotFound)
		_, err = admin.CreateAccount(ctx, domain.NewAccount{Username: "a-unit", Password: "Start2026a", Role: domain.RoleUnit})
		wantField(t, err, domain.CodeInvalid, "role", "")
		_, err = admin.CreateAccount(ctx, domain.NewAccount{Username: "nameless", Password: "Start2026a", Role: domain.RoleInstitution})
		wantField(t, err, domain.CodeInvalid, "display_name", "")
		if n := count(t, db, "SELECT COUNT(*) FROM users"); n != users {
			t.Fatalf("refused creations stored %d users", n-users)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM institutions"); n != 2 {
			t.Fatalf("%d institutions, want the demo one and fs-train's", n)
		}
	})
}

func TestAdminOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		admin := store.NewAdminService(db)
		acct := domain.NewAccount{Username: "sneaky", Password: "Start2026a", Role: domain.RoleAdmin}
		reset := domain.PasswordReset{Username: store.DemoUnit, Password: "Start2026a"}
		for _, user := range []string{store.DemoUnit, store.DemoAuthority, store.DemoProvince, store.DemoPerson, store.DemoInstitution} {
			ctx := as(t, auth, login(t, auth, user, store.DemoPassword))
			_, err := admin.CreateAccount(ctx, acct)
			wantCode(t, err, domain.CodeForbidden)
			wantCode(t, admin.ResetPassword(ctx, reset), domain.CodeForbidden)
		}
		_, err := admin.CreateAccount(t.Context(), acct)
		wantCode(t, err, domain.CodeUnauthenticated)
		wantCode(t, admin.ResetPassword(t.Context(), reset), domain.CodeUnauthenticated)
		if n := count(t, db, "SELECT COUNT(*) FROM users WHERE username = 'sneaky'"); n != 0 {
			t.Fatal("a refused caller created an account")
		}
		login(t, auth, store.DemoUnit, store.DemoPassword) // password untouched
	})
}

func TestAdminResetPassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		admin := store.NewAdminService(db)
		ctx := as(t, auth, login(t, auth, store.DemoAdmin, store.DemoPassword))

		victim := login(t, auth, store.DemoUnit, store.DemoPassword)
		for i := 0; i < 5; i++ {
			_, _ = auth.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: "Wrong-pass1"})
		}
		_, err := auth.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword})
		wantCode(t, err, domain.CodeLocked)

		if err := admin.ResetPassword(ctx, domain.PasswordReset{Username: "DEMO-UNIT", Password: "Reset2026a"}); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(t.Context(), victim.Token); err == nil {
			t.Fatal("a session survived the reset")
		}
		sess := login(t, auth, store.DemoUnit, "Reset2026a") // lock cleared
		if !sess.User.MustChangePassword {
			t.Fatal("a reset password need not be changed")
		}
		_, err = auth.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword})
		wantCode(t, err, domain.CodeUnauthenticated)
		h, err := db.History(t.Context(), domain.EntityUser, sess.User.ID)
		if err != nil || len(h) != 1 || h[0].Comment != "重置密码" {
			t.Fatalf("history: %+v %v", h, err)
		}

		wantCode(t, admin.ResetPassword(ctx, domain.PasswordReset{Username: "ghost", Password: "Reset2026a"}), domain.CodeNotFound)
		err = admin.ResetPassword(ctx, domain.PasswordReset{Username: "", Password: "weak"})
		wantField(t, err, domain.CodeInvalid, "username", "")
		wantField(t, err, domain.CodeInvalid, "password", "")
		if err := admin.ResetPassword(system(t), domain.PasswordReset{Username: store.DemoPerson, Password: "Reset2026a"}); err != nil {
			t.Fatalf("system principal: %v", err)
		}
	})
}
