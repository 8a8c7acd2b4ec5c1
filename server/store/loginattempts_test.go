package store_test

import (
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// The per-account attempt counts of past minutes carry no state and are
// purged as logins arrive, so guessed usernames do not pile up.
func TestPastLoginAttemptWindowsArePurged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		auth := noCaptcha(db)
		attempt := func(user string) {
			_, err := auth.Login(t.Context(), domain.LoginRequest{Username: user, Password: "Wrong1234"})
			if domain.ErrorCode(err) != domain.CodeUnauthenticated {
				t.Fatalf("login %s: %v", user, err)
			}
		}
		for _, user := range []string{"guess-1", "guess-2", "guess-3"} {
			attempt(user)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM login_attempts"); n != 3 {
			t.Fatalf("%d attempt rows, want 3", n)
		}
		storetest.ClockOf(db).Advance(2 * time.Minute)
		attempt("guess-4")
		if n := count(t, db, "SELECT COUNT(*) FROM login_attempts"); n != 1 {
			t.Fatalf("%d attempt rows after two minutes, want only the new one", n)
		}
	})
}
