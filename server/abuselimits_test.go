package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/store"
)

// A client that sends its headers a line at a time, never finishing them,
// is disconnected once the configured header timeout passes: the server
// closes the connection without an answer, long before the default 10 s.
func TestSlowHeadersAreCutOff(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(t.Context(), "sqlite:///"+filepath.Join(t.TempDir(), "slow.db"), store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(db, server.Config{Logger: quiet, ReadHeaderTimeout: 300 * time.Millisecond})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })

	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dribbled := make(chan struct{})
	go func() {
		defer close(dribbled)
		if _, err := fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: jxjy\r\n"); err != nil {
			return
		}
		for i := 0; ; i++ {
			time.Sleep(50 * time.Millisecond)
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: y\r\n", i); err != nil {
				return // the server has closed the connection
			}
		}
	}()
	// Far past the configured timeout, well short of the default one.
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the connection of a client dribbling headers is still open")
	}
	if len(got) != 0 {
		t.Fatalf("the server answered a request whose headers never ended: %q", got)
	}
	conn.Close()
	<-dribbled
}

// Login attempts at one account through two instances over one
// PostgreSQL database use one budget (store.AuthConfig's default, 10 a
// minute): after ten wrong captchas, alternating, even a right captcha and
// password are refused on either.
func TestTwoInstancesShareTheLoginBudget(t *testing.T) {
	in := startInstances(t)
	const budget = 10
	servers := []string{in.a, in.b}
	for i := range budget {
		id, _ := in.captchaFrom(t, servers[i%2])
		status, code := call(t, servers[(i+1)%2], "POST", "/session", "", domain.LoginRequest{
			Username: store.DemoAuthority, Password: store.DemoPassword, CaptchaID: id, CaptchaCode: "WRONG"}, nil)
		if code != domain.CodeInvalid {
			t.Fatalf("attempt %d: %d %s, want the captcha refused", i+1, status, code)
		}
	}
	for name, base := range map[string]string{"A": in.a, "B": in.b} {
		if _, status, code := in.login(t, base, base, store.DemoAuthority, store.DemoPassword); code != domain.CodeRateLimited {
			t.Fatalf("right captcha and password on %s over the budget: %d %s", name, status, code)
		}
	}
}
