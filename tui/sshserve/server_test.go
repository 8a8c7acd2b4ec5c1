package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	gossh "golang.org/x/crypto/ssh"

	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/tui/common"
)

// env is a jxjy server and an SSH server in front of it.
type env struct {
	jx       *servertest.Env
	srv      *Server
	addr     string
	files    string
	services atomic.Int32 // Services calls: one per UI session
}

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost
	os.Exit(m.Run())
}

func start(t testing.TB, tweak func(*Config)) *env {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:///"+filepath.Join(t.TempDir(), "t.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	jx := servertest.Start(t, db, false)
	e := &env{jx: jx, files: filepath.Join(t.TempDir(), "files")}
	cfg := Config{
		Services: func() common.Services {
			e.services.Add(1)
			c := jx.Client()
			return common.Services{Auth: c, Ref: c, Admin: c, Health: c, Persons: c, Records: c, Attachments: c, History: c, Credit: c}
		},
		HostKeyPath: filepath.Join(t.TempDir(), "host_key"),
		FilesDir:    e.files,
		Auth:        AuthOpen,
		Logger:      slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	e.srv, e.addr = srv, l.Addr().String()
	return e
}

func (e *env) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	c, err := gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	// A round trip, so the server has counted the connection before the
	// test can end: the ssh package's Shutdown must not race its counting.
	if sess, err := c.NewSession(); err == nil {
		sess.Close()
	}
	return c, nil
}

func (e *env) mustDial(t testing.TB, user string, auth ...gossh.AuthMethod) *gossh.Client {
	t.Helper()
	c, err := e.dial(user, auth...)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ui is one terminal session as the operator's client sees it.
type ui struct {
	t    testing.TB
	sess *gossh.Session
	in   io.Writer
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func (u *ui) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.out.Write(p)
}

func (u *ui) text() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.out.String()
}

func openUI(t testing.TB, c *gossh.Client) *ui {
	t.Helper()
	return openUIAt(t, c, 80, 24)
}

func openUIAt(t testing.TB, c *gossh.Client, width, height int) *ui {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	u := &ui{t: t, sess: sess, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = u, u
	if u.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { u.done <- sess.Wait() }()
	return u
}

func (u *ui) waitFor(want string) {
	u.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(u.text(), want) {
		if time.Now().After(deadline) {
			u.t.Fatalf("no %q in output %q", want, u.text())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (u *ui) typeKeys(keys ...string) {
	for _, k := range keys {
		if _, err := io.WriteString(u.in, k); err != nil {
			u.t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (u *ui) login(username string) {
	u.waitFor("用户登录")
	u.typeKeys(username, "\t", "Demo@2026", "\t", "abcde", "\r")
}

func (u *ui) ended() error {
	u.t.Helper()
	select {
	case err := <-u.done:
		return err
	case <-time.After(10 * time.Second):
		u.t.Fatal("session did not end")
		return nil
	}
}

func TestEachSessionHasItsOwnUIAndLogin(t *testing.T) {
	e := start(t, nil)
	alice := openUI(t, e.mustDial(t, "alice"))
	bob := openUI(t, e.mustDial(t, "bob"))
	alice.login("demo-unit")
	alice.waitFor("demo-unit")
	bob.waitFor("用户登录")
	if strings.Contains(bob.text(), "demo-unit") || strings.Contains(bob.text(), "法人单位") {
		t.Fatal("bob's session shows alice's login")
	}
	bob.login("demo-authority")
	bob.waitFor("demo-authority")
	if strings.Contains(alice.text(), "demo-authority") {
		t.Fatal("alice's session shows bob's login")
	}
	if n := e.services.Load(); n != 2 {
		t.Fatalf("%d service sets for two sessions", n)
	}
	if got := e.srv.Sessions(); got != 2 {
		t.Fatalf("Sessions() = %d", got)
	}
	// Quitting one leaves the other running.
	alice.typeKeys("\x03", "y")
	if err := alice.ended(); err != nil {
		t.Fatalf("alice's exit: %v", err)
	}
	if !strings.Contains(alice.text(), "\x1b[?1049l") {
		t.Fatal("the terminal was not given back its main screen")
	}
	bob.typeKeys("j")
	time.Sleep(100 * time.Millisecond)
	if got := e.srv.Sessions(); got != 1 {
		t.Fatalf("Sessions() = %d after alice quit", got)
	}
}

func TestResizeRedrawsAtTheNewSize(t *testing.T) {
	e := start(t, nil)
	u := openUI(t, e.mustDial(t, "alice"))
	u.waitFor("用户登录")
	time.Sleep(200 * time.Millisecond)
	before := len(u.text())
	if err := u.sess.WindowChange(30, 120); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := u.text()[before:]
		if strings.Contains(after, "\x1b[2J") && strings.Contains(after, "用户登录") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no repaint after resize: %q", after)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAuthModes(t *testing.T) {
	_, alicePriv, _ := ed25519.GenerateKey(rand.Reader)
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	aliceKey, _ := gossh.NewSignerFromKey(alicePriv)
	otherKey, _ := gossh.NewSignerFromKey(otherPriv)

	t.Run("open", func(t *testing.T) {
		e := start(t, nil)
		if _, err := e.dial("anyone"); err != nil {
			t.Fatalf("open mode refused a valid name: %v", err)
		}
		for _, bad := range []string{"..", "../bob", "a/b", ".hidden", ""} {
			if c, err := e.dial(bad); err == nil {
				c.Close()
				t.Errorf("open mode admitted %q, which would name a folder outside", bad)
			}
		}
	})
	t.Run("password", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "passwords")
		if err := SetPassword(file, "alice", "correct horse"); err != nil {
			t.Fatal(err)
		}
		if err := SetPassword(file, "bob", "battery staple"); err != nil {
			t.Fatal(err)
		}
		e := start(t, func(c *Config) { c.Auth, c.PasswordFile = AuthPassword, file })
		if _, err := e.dial("alice", gossh.Password("correct horse")); err != nil {
			t.Fatalf("right password refused: %v", err)
		}
		for _, tc := range []struct{ user, pw string }{
			{"alice", "wrong"}, {"alice", "battery staple"}, {"carol", "correct horse"}, {"alice", ""},
		} {
			if c, err := e.dial(tc.user, gossh.Password(tc.pw)); err == nil {
				c.Close()
				t.Errorf("%s admitted with %q", tc.user, tc.pw)
			}
		}
		if c, err := e.dial("alice"); err == nil {
			c.Close()
			t.Error("password mode admitted a client without a password")
		}
		// Changing a password replaces the old one.
		if err := SetPassword(file, "alice", "new password"); err != nil {
			t.Fatal(err)
		}
		if c, err := e.dial("alice", gossh.Password("correct horse")); err == nil {
			c.Close()
			t.Error("old password still works")
		}
		if _, err := e.dial("alice", gossh.Password("new password")); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
	})
	t.Run("keys", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "authorized_keys")
		line := string(gossh.MarshalAuthorizedKey(aliceKey.PublicKey()))
		content := "# operators\n" + strings.TrimSpace(line) + " alice@office-pc\nnot a key line\n"
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		e := start(t, func(c *Config) { c.Auth, c.AuthorizedKeysFile = AuthKeys, file })
		if _, err := e.dial("alice", gossh.PublicKeys(aliceKey)); err != nil {
			t.Fatalf("listed key refused: %v", err)
		}
		if c, err := e.dial("bob", gossh.PublicKeys(aliceKey)); err == nil {
			c.Close()
			t.Error("alice's key opened bob's account")
		}
		if c, err := e.dial("alice", gossh.PublicKeys(otherKey)); err == nil {
			c.Close()
			t.Error("an unlisted key was admitted")
		}
		if c, err := e.dial("alice", gossh.Password("x")); err == nil {
			c.Close()
			t.Error("keys mode admitted a password")
		}
	})
}

func TestIdleSessionsEndWithAMessage(t *testing.T) {
	e := start(t, func(c *Config) { c.IdleTimeout = 400 * time.Millisecond })
	u := openUI(t, e.mustDial(t, "alice"))
	u.waitFor("用户登录")
	// Keys keep it open.
	for range 4 {
		u.typeKeys("a")
		time.Sleep(200 * time.Millisecond)
	}
	if strings.Contains(u.text(), "空闲超过") {
		t.Fatal("a session in use timed out")
	}
	u.waitFor("空闲超过")
	if err := u.ended(); err != nil {
		t.Fatalf("idle session exit: %v", err)
	}
}

func TestMaxSessions(t *testing.T) {
	e := start(t, func(c *Config) { c.MaxSessions = 1 })
	first := openUI(t, e.mustDial(t, "alice"))
	first.waitFor("用户登录")
	second := openUI(t, e.mustDial(t, "bob"))
	second.waitFor("会话数已达上限")
	var exit *gossh.ExitError
	if err := second.ended(); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("refused session ended with %v", err)
	}
	first.typeKeys("\x03", "y")
	first.ended()
	time.Sleep(100 * time.Millisecond)
	openUI(t, e.mustDial(t, "bob")).waitFor("用户登录")
}

func TestConnectionsPerAddressAreLimited(t *testing.T) {
	e := start(t, func(c *Config) { c.ConnectionsPerMinute = 2 })
	e.mustDial(t, "alice")
	e.mustDial(t, "alice")
	if c, err := e.dial("alice"); err == nil {
		c.Close()
		t.Fatal("third connection within a minute admitted")
	}
}

func TestRateLimiterWindow(t *testing.T) {
	l := newRateLimiter(2, time.Minute)
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	a := &net.TCPAddr{IP: net.ParseIP("10.0.0.1"), Port: 1}
	b := &net.TCPAddr{IP: net.ParseIP("10.0.0.2"), Port: 1}
	for i, want := range []bool{true, true, false} {
		if got := l.allow(a); got != want {
			t.Fatalf("connection %d allowed %v", i+1, got)
		}
	}
	if !l.allow(b) {
		t.Fatal("another address shares the limit")
	}
	now = now.Add(61 * time.Second)
	if !l.allow(a) {
		t.Fatal("still refused after the window")
	}
}

func TestShutdownEndsSessionsPolitely(t *testing.T) {
	e := start(t, nil)
	c := e.mustDial(t, "alice")
	u := openUI(t, c)
	u.login("demo-unit")
	u.waitFor("demo-unit")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- e.srv.Shutdown(ctx) }()
	u.waitFor("服务器正在停机维护")
	if err := u.ended(); err != nil {
		t.Fatalf("session exit: %v", err)
	}
	if !strings.Contains(u.text(), "\x1b[?1049l") {
		t.Fatal("terminal not restored before the message")
	}
	c.Close() // as ssh does when its session ends
	if err := <-errc; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if c, err := e.dial("bob"); err == nil {
		c.Close()
		t.Fatal("connection admitted after shutdown")
	}
}

func TestOnlyTerminalsAndFileTransfers(t *testing.T) {
	e := start(t, nil)
	c := e.mustDial(t, "alice")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.CombinedOutput("cat /etc/passwd")
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || strings.Contains(string(out), "root:") {
		t.Fatalf("command ran: %v %q", err, out)
	}
	sess, _ = c.NewSession()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	err = sess.Wait()
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("shell without a terminal: %v", err)
	}
}

// The frugality targets, held as a test: what a keystroke costs on the
// wire to the operator's terminal, SSH framing aside.
func TestKeystrokesAreCheap(t *testing.T) {
	e := start(t, nil)
	u := openUI(t, e.mustDial(t, "alice"))
	u.waitFor("用户登录")
	settle := func() {
		for {
			n := len(u.text())
			time.Sleep(150 * time.Millisecond)
			if len(u.text()) == n {
				return
			}
		}
	}
	settle() // the captcha comes after the first frame
	cost := func(keys ...string) float64 {
		before := len(u.text())
		for _, k := range keys {
			u.typeKeys(k)
			settle()
		}
		return float64(len(u.text())-before) / float64(len(keys))
	}
	if c := cost("d", "e", "m", "o"); c > 200 {
		t.Errorf("typing ASCII costs %.0f B/key", c)
	}
	if c := cost("张", "三", "李"); c > 200 {
		t.Errorf("typing Chinese costs %.0f B/key", c)
	}
	if c := cost("\t", "\t", "\x1b[Z", "\x1b[Z"); c > 300 {
		t.Errorf("tabbing costs %.0f B/key", c)
	}
	before := len(u.text())
	time.Sleep(time.Second)
	if n := len(u.text()) - before; n != 0 {
		t.Errorf("idle screen sent %d bytes in a second", n)
	}
}

// SSH users see the public host in the title bar, or nothing; never the
// jxjy server's own (loopback) URL.
func TestTitleBarShowsThePublicHostOnly(t *testing.T) {
	for _, public := range []string{"", "jxjy.example:2222"} {
		e := start(t, func(c *Config) { c.PublicHost = public })
		u := openUI(t, e.mustDial(t, "alice"))
		u.waitFor("用户登录")
		time.Sleep(200 * time.Millisecond)
		if strings.Contains(u.text(), e.jx.URL) || strings.Contains(u.text(), "http://") {
			t.Fatalf("the server URL %s is shown to SSH users", e.jx.URL)
		}
		if public != "" {
			u.waitFor(public)
		}
	}
}
