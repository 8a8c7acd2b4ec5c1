package sshserve

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/tui/tuitest"
)

// dialRaw is a client whose TCP connection the test can cut abruptly.
func (e *env) dialRaw(t testing.TB, user string, auth ...gossh.AuthMethod) (*gossh.Client, *net.TCPConn) {
	t.Helper()
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	cc, chans, reqs, err := gossh.NewClientConn(conn, e.addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	t.Cleanup(func() { c.Close() })
	return c, conn.(*net.TCPConn)
}

// cut drops the link as a county line does: a reset, no goodbye.
func cut(conn *net.TCPConn) {
	_ = conn.SetLinger(0)
	_ = conn.Close()
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// since is the text the terminal was sent after mark, control sequences
// taken out: a full repaint carries each line's text whole.
func (u *ui) since(mark int) string { return ansi.Strip(u.text()[mark:]) }

func (u *ui) waitSince(mark int, want string) {
	u.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(u.since(mark), want) {
		if time.Now().After(deadline) {
			u.t.Fatalf("no %q in output since the mark: %q", want, u.since(mark))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const (
	keyDown = "\x1b[B"
	keySave = "\x13" // ctrl+s
)

// openHalfFilledRecord logs in as demo-unit, opens 继续教育记录申报 and
// fills half of 添加培训记录.
func openHalfFilledRecord(u *ui) {
	u.login(store.DemoUnit)
	u.waitFor("法人单位角色申请")
	time.Sleep(200 * time.Millisecond)
	// 继续教育记录申报 is the ninth module of a unit's menu.
	for range 8 {
		u.typeKeys(keyDown)
	}
	u.typeKeys("\r")
	u.waitFor("按 / 筛选")
	time.Sleep(300 * time.Millisecond)
	u.typeKeys("n")
	u.waitFor("按姓名/身份证号查找")
	u.typeKeys("陈志明")
	u.waitFor(store.DemoPerson)
	u.typeKeys("\t", "专业", "\t", "培训", "\t", "断线前录入的培训班", "\t")
	time.Sleep(300 * time.Millisecond)
}

// The whole story: a form half filled, the link cut, the same user back
// at another size, r, the form whole, saved once.
func TestADroppedLinkResumesWhereTheOperatorWas(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow = time.Minute })
	c, conn := e.dialRaw(t, "alice")
	u := openUI(t, c)
	openHalfFilledRecord(u)
	cut(conn)
	waitUntil(t, "the session to detach", func() bool { return e.srv.Detached() == 1 })
	if e.srv.Sessions() != 1 {
		t.Fatalf("Sessions() = %d after the drop", e.srv.Sessions())
	}

	// Another SSH user is not offered it.
	bob := openUI(t, e.mustDial(t, "bob"))
	bob.waitFor("用户登录")
	if strings.Contains(bob.text(), "未结束的会话") {
		t.Fatal("bob was offered alice's session")
	}

	back := openUIAt(t, e.mustDial(t, "alice"), 100, 30)
	back.waitFor("检测到未结束的会话（法人单位 demo-unit，继续教育记录申报，刚刚断开）：r 恢复 / n 新会话")
	mark := len(back.text())
	back.typeKeys("r")
	back.waitSince(mark, "断线前录入的培训班")
	repaint := back.text()[mark:]
	if !strings.HasPrefix(repaint, "\x1b[?1049h") || !strings.Contains(repaint, "\x1b[2J") {
		t.Fatalf("resume did not repaint a fresh screen: %q", repaint)
	}
	for _, want := range []string{"添加培训记录", "陈志明", "demo-unit"} {
		if !strings.Contains(back.since(mark), want) {
			t.Errorf("the repaint lacks %q", want)
		}
	}
	if e.srv.Detached() != 0 || e.srv.Sessions() != 2 {
		t.Fatalf("after resume: %d detached, %d sessions", e.srv.Detached(), e.srv.Sessions())
	}
	// Then cell diffs as usual: a key costs bytes, not a screen.
	time.Sleep(300 * time.Millisecond)
	before := len(back.text())
	back.typeKeys("广东省继续教育学院")
	time.Sleep(300 * time.Millisecond)
	if n := len(back.text()) - before; n == 0 || n > 400 {
		t.Fatalf("typing after resume sent %d bytes", n)
	}
	day := time.Now().In(domain.ChinaTime).AddDate(0, 0, -3).Format("2006-01-02")
	back.typeKeys("\t", day, "\t", day, "\t", "8", "\t", keySave)
	back.waitSince(mark, "已保存：断线前录入的培训班")

	unit := tuitest.APIAs(t, e.jx, store.DemoUnit)
	page, err := unit.ListRecords(t.Context(), domain.RecordFilter{Source: domain.SourceUnit, PageRequest: domain.PageRequest{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	saved := 0
	for _, r := range page.Items {
		if r.Title == "断线前录入的培训班" {
			saved++
		}
	}
	if saved != 1 {
		t.Fatalf("%d records saved", saved)
	}
}

// Past the window the session is gone and the operator logs in afresh.
func TestAnExpiredWindowGivesAFreshLogin(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow = 300 * time.Millisecond })
	c, conn := e.dialRaw(t, "alice")
	u := openUI(t, c)
	u.login(store.DemoUnit)
	u.waitFor("法人单位角色申请")
	cut(conn)
	waitUntil(t, "the session to detach", func() bool { return e.srv.Detached() == 1 })
	waitUntil(t, "the window to pass", func() bool { return e.srv.Sessions() == 0 })
	again := openUI(t, e.mustDial(t, "alice"))
	again.waitFor("用户登录")
	if strings.Contains(again.text(), "未结束的会话") || strings.Contains(again.text(), "demo-unit") {
		t.Fatalf("an expired session was offered: %q", again.since(0))
	}
}

// Several sessions left by one user are listed; n starts a new one and the
// others stay; a number picks one.
func TestSeveralDetachedSessionsAreListed(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow = time.Minute })
	menus := map[string]string{store.DemoUnit: "法人单位角色申请", store.DemoAuthority: "单位角色审核"}
	for i, user := range []string{store.DemoUnit, store.DemoAuthority} {
		c, conn := e.dialRaw(t, "alice")
		u := openUI(t, c)
		if i > 0 {
			u.waitFor("r 恢复 / n 新会话")
			u.typeKeys("n")
		}
		u.login(user)
		u.waitFor(menus[user])
		time.Sleep(100 * time.Millisecond)
		cut(conn)
		waitUntil(t, "the session to detach", func() bool { return e.srv.Detached() == i+1 })
		time.Sleep(20 * time.Millisecond) // the newer one is listed first
	}
	u := openUI(t, e.mustDial(t, "alice"))
	u.waitFor("检测到 2 个未结束的会话")
	u.waitFor("按编号 1-2 恢复 / n 新会话")
	text := ansi.Strip(u.text())
	if !strings.Contains(text, "1  人社主管部门 "+store.DemoAuthority) || !strings.Contains(text, "2  法人单位 "+store.DemoUnit) {
		t.Fatalf("list: %q", text)
	}
	mark := len(u.text())
	u.typeKeys("2")
	u.waitSince(mark, "法人单位角色申请")
	if e.srv.Detached() != 1 {
		t.Fatalf("%d detached after resuming one of two", e.srv.Detached())
	}
}

// In key mode only the key that left a session may take it back.
func TestOnlyTheSameKeyResumes(t *testing.T) {
	aliceKey, otherKey := newSigner(t), newSigner(t)
	file := writeAuthorizedKeys(t, map[string]gossh.Signer{"alice": aliceKey, "alice@laptop": otherKey})
	e := start(t, func(c *Config) {
		c.ResumeWindow = time.Minute
		c.Auth, c.AuthorizedKeysFile = AuthKeys, file
	})
	c, conn := e.dialRaw(t, "alice", gossh.PublicKeys(aliceKey))
	u := openUI(t, c)
	u.login(store.DemoUnit)
	u.waitFor("法人单位角色申请")
	cut(conn)
	waitUntil(t, "the session to detach", func() bool { return e.srv.Detached() == 1 })
	other := openUI(t, e.mustDial(t, "alice", gossh.PublicKeys(otherKey)))
	other.waitFor("用户登录")
	if strings.Contains(other.text(), "未结束的会话") {
		t.Fatal("another key of the same user was offered the session")
	}
	same := openUI(t, e.mustDial(t, "alice", gossh.PublicKeys(aliceKey)))
	same.waitFor("r 恢复 / n 新会话")
}

// A session still shown on a connection that has silently died can be
// taken over; the old connection is closed.
func TestAStillAttachedSessionCanBeTakenOver(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow = time.Minute })
	first := openUI(t, e.mustDial(t, "alice"))
	first.login(store.DemoUnit)
	first.waitFor("法人单位角色申请")
	second := openUI(t, e.mustDial(t, "alice"))
	second.waitFor("仍显示在另一连接上")
	mark := len(second.text())
	second.typeKeys("r")
	second.waitSince(mark, "法人单位角色申请")
	first.waitFor("会话已在另一连接中恢复")
	first.ended()
	if e.srv.Sessions() != 1 {
		t.Fatalf("Sessions() = %d", e.srv.Sessions())
	}
}

// Shutdown ends detached sessions too.
func TestShutdownEndsDetachedSessions(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow = time.Minute })
	c, conn := e.dialRaw(t, "alice")
	u := openUI(t, c)
	u.waitFor("用户登录")
	cut(conn)
	waitUntil(t, "the session to detach", func() bool { return e.srv.Detached() == 1 })
	if err := e.srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Sessions(); n != 0 {
		t.Fatalf("%d sessions after shutdown", n)
	}
}

func newSigner(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeAuthorizedKeys lists each key under its comment.
func writeAuthorizedKeys(t *testing.T, keys map[string]gossh.Signer) string {
	t.Helper()
	var b strings.Builder
	for comment, k := range keys {
		b.WriteString(strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))) + " " + comment + "\n")
	}
	file := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// What a detached session holds, measured: run with
// go test ./tui/sshserve/ -run '^$' -bench DetachedSession -benchtime 9x
// (at most 9: demo-unit may log in 10 times a minute). Each iteration
// logs in as demo-unit, opens 继续教育记录申报 with its list,
// half fills 添加培训记录 and drops the link. The heap grown per session
// (after GC, jxjy server included) is reported as B/session.
func BenchmarkDetachedSessionMemory(b *testing.B) {
	e := start(b, func(c *Config) { c.ResumeWindow = time.Hour; c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range b.N {
		c, conn := e.dialRaw(b, "user"+strconv.Itoa(i))
		u := openUI(b, c)
		openHalfFilledRecord(u)
		cut(conn)
		deadline := time.Now().Add(10 * time.Second)
		for e.srv.Detached() != i+1 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Let the dropped connections' goroutines and buffers go.
	time.Sleep(500 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/float64(b.N), "B/session")
	b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
}

// blackhole forwards a TCP connection until it is told to go silent: then
// nothing passes either way and nobody is told, as when a county link dies.
type blackhole struct {
	addr   string
	mu     sync.Mutex
	silent bool
}

func newBlackhole(t *testing.T, target string) *blackhole {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	bh := &blackhole{addr: l.Addr().String()}
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			t.Cleanup(func() { in.Close(); out.Close() })
			go bh.pipe(in, out)
			go bh.pipe(out, in)
		}
	}()
	return bh
}

func (bh *blackhole) pipe(from, to net.Conn) {
	buf := make([]byte, 32*1024)
	for {
		n, err := from.Read(buf)
		bh.mu.Lock()
		silent := bh.silent
		bh.mu.Unlock()
		if n > 0 && !silent {
			if _, err := to.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (bh *blackhole) goSilent() {
	bh.mu.Lock()
	bh.silent = true
	bh.mu.Unlock()
}

// A link that dies without a reset is noticed by the keepalive, and the
// session detaches for its user to resume.
func TestASilentLinkDetachesTheSession(t *testing.T) {
	e := start(t, func(c *Config) { c.ResumeWindow, c.KeepAlive = time.Minute, 100*time.Millisecond })
	bh := newBlackhole(t, e.addr)
	c, err := gossh.Dial("tcp", bh.addr, &gossh.ClientConfig{User: "alice", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	u := openUI(t, c)
	u.login(store.DemoUnit)
	u.waitFor("法人单位角色申请")
	time.Sleep(300 * time.Millisecond) // keepalives answered: still attached
	if e.srv.Detached() != 0 {
		t.Fatal("a live link was taken for dead")
	}
	bh.goSilent()
	waitUntil(t, "the silent link to be closed", func() bool { return e.srv.Detached() == 1 })
	back := openUI(t, e.mustDial(t, "alice"))
	back.waitFor("法人单位 demo-unit，功能菜单")
}
