package tui_test

import (
	"testing"
	"time"

	"jxjy/client"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// The TUI over HTTPS, against `jxjy serve --tls-cert --tls-key` with
// certificates of a private CA: the right certificate signs in; a
// certificate for another host, an expired one and one the client does
// not trust each stop the login with a Chinese message naming the
// problem, at once (no retries to wait through, no hang).
func TestTLSCertificatesInTheTUI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ca := servertest.NewCA(t, "广东省人社厅测试 CA")
		now := time.Now()
		cases := []struct {
			name    string
			host    string
			from    time.Time
			until   time.Time
			trusted bool
			want    string
		}{
			{"good", "127.0.0.1", now.Add(-time.Hour), now.AddDate(0, 1, 0), true, ""},
			{"wrong host", "jxjy.other.example", now.Add(-time.Hour), now.AddDate(0, 1, 0), true, "服务器证书与地址不符"},
			{"expired", "127.0.0.1", now.AddDate(0, -2, 0), now.AddDate(0, -1, 0), true, "服务器证书已过期"},
			{"untrusted", "127.0.0.1", now.Add(-time.Hour), now.AddDate(0, 1, 0), false, "服务器证书不受信任"},
		}
		// One database, one server per certificate, in turn.
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				cert, key := ca.Issue(t, tc.host, tc.from, tc.until)
				env := servertest.StartTLS(t, db, cert, key)
				opts := client.Options{RetryWait: time.Millisecond}
				if tc.trusted {
					opts.RootCAs = ca.Pool
				}
				c := client.New(env.URL, opts)
				d := tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c}, ServerURL: env.URL})
				start := time.Now()
				d.Login("demo-unit", "Demo@2026")
				if tc.want == "" {
					d.MustSee("广州市天河区示范科技有限公司")
					d.MustNotSee("未加密连接")
					return
				}
				d.MustSee(tc.want)
				d.MustNotSee("广州市天河区示范科技有限公司")
				if took := time.Since(start); took > 5*time.Second {
					t.Fatalf("the refusal took %v: retried or hung", took)
				}
			})
		}
	})
}

// A client for a remote http:// server refuses to send anything (a
// password, a session) unless the operator accepted clear text; then the
// status bar says so on every screen.
func TestPlainHTTPToARemoteServer(t *testing.T) {
	refused := client.New("http://jxjy.example.invalid:8080", client.Options{})
	d := tuitest.New(t, tui.Options{Services: common.Services{Auth: refused, Ref: refused, Admin: refused},
		ServerURL: "http://jxjy.example.invalid:8080"})
	d.Login("demo-unit", "Demo@2026")
	d.MustSee("未加密的 http://")

	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		c := client.New(env.URL, client.Options{RetryWait: 1})
		d := tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c}, ServerURL: env.URL, Unencrypted: true})
		d.MustSee("未加密连接")
		d.Login("demo-unit", "Demo@2026")
		d.MustSee("广州市天河区示范科技有限公司", "未加密连接")
	})
}
