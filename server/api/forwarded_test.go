package api_test

import (
	"net/netip"
	"testing"

	"jxjy/client"
	"jxjy/server"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// captchas asks for n captchas with the given X-Forwarded-For and counts
// the refusals.
func captchas(t *testing.T, env *servertest.Env, n int, forwardedFor string) (limited int) {
	t.Helper()
	hdr := map[string]string{}
	if forwardedFor != "" {
		hdr["X-Forwarded-For"] = forwardedFor
	}
	for i := 0; i < n; i++ {
		if a := send(t, "POST", env.URL+"/api/v1/captcha", "", nil, hdr); a.status == 429 {
			limited++
		}
	}
	return limited
}

// Behind a trusted gateway (jxjy ssh) every operator has the budget of
// their own address; without the trust, X-Forwarded-For changes nothing,
// and a client cannot pick its address by writing hops before the
// gateway's.
func TestTrustedProxyBudgetsEachForwardedAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		gw := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: 1, TrustedProxies: loopback})
		if got := captchas(t, gw, 22, "203.0.113.7"); got != 2 {
			t.Fatalf("first operator: %d of 22 limited, want the 2 over the burst of 20", got)
		}
		if got := captchas(t, gw, 20, "203.0.113.8"); got != 0 {
			t.Fatalf("second operator limited by the first one's budget: %d", got)
		}
		// The gateway appends the real address last; what the client wrote
		// before it is not believed.
		if got := captchas(t, gw, 1, "198.51.100.1, 203.0.113.7"); got != 1 {
			t.Fatal("a spoofed first hop escaped the real address's budget")
		}
		// A malformed hop is not trusted either: the gateway's own budget.
		if got := captchas(t, gw, 20, "not-an-address"); got != 0 {
			t.Fatalf("malformed hop: %d limited", got)
		}
		if got := captchas(t, gw, 1, ""); got != 1 {
			t.Fatal("calls with a malformed hop were not counted against the gateway itself")
		}
		// The SSH session's client names its operator.
		c := client.New(gw.URL, client.Options{RetryWait: 1, ForwardedFor: "203.0.113.9"})
		for i := 0; i < 20; i++ {
			if _, err := c.NewCaptcha(t.Context()); err != nil {
				t.Fatalf("captcha %d for a fresh operator: %v", i, err)
			}
		}
		if _, err := c.NewCaptcha(t.Context()); err == nil {
			t.Fatal("the client's operator was not budgeted by their forwarded address")
		}
	})
}

func TestForwardedForIgnoredFromUntrustedPeers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: 1})
		captchas(t, env, 20, "203.0.113.1")
		if got := captchas(t, env, 1, "203.0.113.2"); got != 1 {
			t.Fatal("an untrusted peer chose its own address with X-Forwarded-For")
		}
	})
}
