package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// seeded opens the demo data set on db.
func seeded(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.SeedDemo(t.Context()); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
}

func clock(t *testing.T, db *store.DB) *storetest.Clock {
	t.Helper()
	c := storetest.ClockOf(db)
	if c == nil {
		t.Fatal("store has no test clock")
	}
	return c
}

// noCaptcha is an auth service that accepts any captcha code.
func noCaptcha(db *store.DB) *store.AuthService {
	return store.NewAuthService(db, store.AuthConfig{})
}

func login(t *testing.T, auth *store.AuthService, username, password string) domain.Session {
	t.Helper()
	s, err := auth.Login(t.Context(), domain.LoginRequest{Username: username, Password: password, CaptchaCode: "x"})
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	if s.Token == "" {
		t.Fatalf("login %s: no token", username)
	}
	return s
}

// as returns a context carrying the principal of sess, as the HTTP layer
// builds it.
func as(t *testing.T, auth *store.AuthService, sess domain.Session) context.Context {
	t.Helper()
	p, err := auth.Authenticate(t.Context(), sess.Token)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return domain.WithPrincipal(t.Context(), p)
}

// system is the principal `jxjy admin` runs with.
func system(t *testing.T) context.Context {
	return domain.WithPrincipal(t.Context(), domain.Principal{User: domain.User{Role: domain.RoleAdmin, Username: "jxjy-admin"}})
}

func wantCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a %s domain error, got %v", code, err)
	}
	if de.Code != code {
		t.Fatalf("want code %s, got %s (%v)", code, de.Code, err)
	}
	return de
}

func wantField(t *testing.T, err error, code domain.Code, field, contains string) {
	t.Helper()
	de := wantCode(t, err, code)
	if msg, ok := de.Fields[field]; !ok || !strings.Contains(msg, contains) {
		t.Fatalf("want field %s ~ %q, got fields %v", field, contains, de.Fields)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// validUSCC completes first17 with its check character.
func validUSCC(first17 string) string {
	return first17 + string(domain.USCCCheckChar(first17))
}

func registration(username, usccFirst17 string) domain.UnitRegistration {
	return domain.UnitRegistration{
		Username: username, Password: "Start2026a", UnitName: "佛山市南海区测试机械有限公司",
		USCC: validUSCC(usccFirst17), Mobile: "13800138000",
	}
}
