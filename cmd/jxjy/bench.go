package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"

	"jxjy/server"
)

// runBenchTTY drives the real TUI in a pseudo-terminal, locally (`jxjy tui`)
// and through `jxjy ssh`, and prints what each keystroke costs in bytes
// sent to the terminal, as a Markdown table for the README.
func runBenchTTY(ctx context.Context, args []string) error {
	fs := newFlagSet("bench-tty")
	cols := fs.Int("cols", 100, "terminal width")
	rows := fs.Int("rows", 30, "terminal height")
	idle := fs.Duration("idle", 10*time.Second, "how long to watch the idle screen")
	if err := parse(fs, args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "jxjy-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	url, stop, err := startEmbedded(ctx, server.Config{DB: "sqlite:///" + filepath.Join(tmp, "bench.db"), Logger: newLogger(io.Discard)})
	if err != nil {
		return err
	}
	defer stop()
	env := append(os.Environ(), "XDG_DATA_HOME="+tmp, "TERM=xterm-256color")

	local, err := benchLocal(ctx, self, url, env, *cols, *rows, *idle)
	if err != nil {
		return fmt.Errorf("local: %w", err)
	}
	remote, err := benchSSH(ctx, self, url, env, tmp, *cols, *rows, *idle)
	if err != nil {
		return fmt.Errorf("ssh: %w", err)
	}
	printBench(os.Stdout, *cols, *rows, local, remote)
	return nil
}

// benchResult is one run of the scenario.
type benchResult struct {
	firstFrame time.Duration
	segments   []segment
	// SSH only: resuming after a dropped link, and the bytes of the
	// question that offers it.
	reconnect *segment
	question  int
}

type segment struct {
	name  string
	keys  int
	bytes int
	wire  int64 // SSH only
}

// terminal is the far end of a pseudo-terminal or SSH channel: it counts
// what the program writes and answers the queries a real terminal would.
type terminal struct {
	in      io.Writer
	wire    func() int64 // bytes on the TCP connection so far; nil locally
	mu      sync.Mutex
	out     bytes.Buffer
	last    time.Time
	started time.Time
}

func (t *terminal) read(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.out.Write(buf[:n])
			t.last = time.Now()
			t.mu.Unlock()
			// Answer in the order a terminal does: the background colour,
			// then the cursor position that termenv sends after it.
			if bytes.Contains(buf[:n], []byte("\x1b]11;?")) {
				_, _ = t.in.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
			}
			if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
				_, _ = t.in.Write([]byte("\x1b[1;1R"))
			}
		}
		if err != nil {
			return
		}
	}
}

func (t *terminal) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.Len()
}

func (t *terminal) contains(s string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Contains(t.out.Bytes(), []byte(s))
}

// settle waits for the program's answer to what was just sent (output
// beyond before, or none within quiet) and then until it has written
// nothing for quiet, at most limit in all.
func (t *terminal) settle(before int, quiet, limit time.Duration) {
	sent := time.Now()
	deadline := sent.Add(limit)
	for time.Now().Before(deadline) {
		t.mu.Lock()
		grown, last := t.out.Len() > before, t.last
		t.mu.Unlock()
		if (grown && time.Since(last) >= quiet) || (!grown && time.Since(sent) >= quiet) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor waits until the output holds every one of want, and returns the
// time it took since the terminal was opened.
func (t *terminal) waitFor(limit time.Duration, want ...string) (time.Duration, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		all := true
		for _, w := range want {
			all = all && t.contains(w)
		}
		if all {
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.last.Sub(t.started), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("timed out waiting for %q", want)
}

// Keys as a terminal sends them.
const (
	keyTab      = "\t"
	keyShiftTab = "\x1b[Z"
	keyEnter    = "\r"
	keyDown     = "\x1b[B"
	keyUp       = "\x1b[A"
	keyBS       = "\x7f"
)

// scenario is what an operator does, measured segment by segment.
func (t *terminal) scenario(idle time.Duration) ([]segment, error) {
	const quiet, limit = 120 * time.Millisecond, 5 * time.Second
	// The captcha arrives after the first frame.
	t.settle(0, 500*time.Millisecond, limit)
	var segs []segment
	measure := func(name string, quiet time.Duration, keys []string) {
		s := segment{name: name}
		wireBefore := t.wireBytes()
		defer func() { s.wire = t.wireBytes() - wireBefore; segs = append(segs, s) }()
		for _, k := range keys {
			before := t.size()
			_, _ = t.in.Write([]byte(k))
			t.settle(before, quiet, limit)
			s.keys++
			s.bytes += t.size() - before
		}
	}
	unmeasured := func(keys ...string) {
		for _, k := range keys {
			before := t.size()
			_, _ = t.in.Write([]byte(k))
			t.settle(before, quiet, limit)
		}
	}
	chars := func(s string) []string {
		var out []string
		for _, r := range s {
			out = append(out, string(r))
		}
		return out
	}
	measure("type Chinese into a form field", quiet, chars("张三李四王五赵六"))
	unmeasured(strings.Split(strings.Repeat(keyBS, 8), "")...)
	measure("type ASCII into a form field", quiet, chars("demo-unit"))
	measure("tab between fields", quiet, []string{keyTab, keyTab, keyShiftTab, keyShiftTab, keyTab, keyTab})
	unmeasured(keyShiftTab, keyShiftTab, keyTab)
	unmeasured(chars("Demo@2026")...)
	unmeasured(keyTab)
	unmeasured(chars("abcde")...)
	unmeasured(keyEnter)
	if _, err := t.waitFor(limit, "退出登录"); err != nil {
		return nil, errors.New("login failed")
	}
	t.settle(0, quiet, limit)
	// 专业技术人员信息维护 is the eighth module of the unit's menu.
	unmeasured(strings.Split(strings.Repeat("j", 7), "")...)
	// The list arrives after the screen opens: wait for it too.
	measure("open a screen (person list)", time.Second, []string{keyEnter})
	measure("move in a 20-row table of Chinese names", quiet, []string{keyDown, keyDown, keyDown, keyDown, keyDown, keyUp, keyUp, keyUp, keyUp, keyUp})
	before, wireBefore := t.size(), t.wireBytes()
	time.Sleep(idle)
	segs = append(segs, segment{name: "idle screen, " + idle.String(), bytes: t.size() - before, wire: t.wireBytes() - wireBefore})
	return segs, nil
}

func (t *terminal) wireBytes() int64 {
	if t.wire == nil {
		return 0
	}
	return t.wire()
}

func benchLocal(ctx context.Context, self, url string, env []string, cols, rows int, idle time.Duration) (benchResult, error) {
	cmd := exec.CommandContext(ctx, self, "tui", "--server", url)
	cmd.Env = env
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return benchResult{}, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	}()
	t := &terminal{in: f, started: start}
	go t.read(f)
	first, err := t.waitFor(10*time.Second, "用户登录", "未登录")
	if err != nil {
		return benchResult{}, err
	}
	segs, err := t.scenario(idle)
	return benchResult{firstFrame: first, segments: segs}, err
}

// countingConn counts the bytes the server sends over TCP, SSH framing
// and encryption included.
type countingConn struct {
	net.Conn
	mu sync.Mutex
	n  int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingConn) count() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func benchSSH(ctx context.Context, self, url string, env []string, tmp string, cols, rows int, idle time.Duration) (benchResult, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.CommandContext(ctx, self, "ssh", "--addr", addr, "--server", url, "--auth", "open")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return benchResult{}, err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	// Wait for the server to listen; the clock starts at the connection
	// that counts, so the first frame includes the SSH handshake.
	for i := 0; ; i++ {
		probe, err := net.Dial("tcp", addr)
		if err == nil {
			probe.Close()
			break
		}
		if i > 100 {
			return benchResult{}, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	start := time.Now()
	t, raw, closeSSH, err := openBenchSSH(addr, cols, rows, start)
	if err != nil {
		return benchResult{}, err
	}
	first, err := t.waitFor(10*time.Second, "用户登录", "未登录")
	if err != nil {
		closeSSH()
		return benchResult{}, err
	}
	segs, err := t.scenario(idle)
	if err != nil {
		closeSSH()
		return benchResult{}, err
	}
	// The link drops; the operator reconnects at 80×24 and resumes.
	_ = raw.Close()
	closeSSH()
	back, _, closeBack, err := openBenchSSH(addr, resumeCols, resumeRows, time.Now())
	if err != nil {
		return benchResult{}, err
	}
	defer closeBack()
	if _, err := back.waitFor(10*time.Second, "r 恢复"); err != nil {
		return benchResult{}, err
	}
	back.settle(0, 200*time.Millisecond, 5*time.Second)
	asked, before, wireBefore := back.size(), back.size(), back.wireBytes()
	_, _ = back.in.Write([]byte("r"))
	back.settle(before, 300*time.Millisecond, 5*time.Second)
	if !back.contains("专业技术人员信息维护") {
		return benchResult{}, errors.New("resume did not show the session")
	}
	resume := segment{name: "reconnect: resume repaint at 80×24", keys: 1, bytes: back.size() - before, wire: back.wireBytes() - wireBefore}
	return benchResult{firstFrame: first, segments: segs, reconnect: &resume, question: asked}, nil
}

// The size a resumed session is measured at.
const resumeCols, resumeRows = 80, 24

// openBenchSSH opens an SSH terminal on addr, counting what the server
// sends on TCP; closing the raw connection is a dropped link.
func openBenchSSH(addr string, cols, rows int, start time.Time) (*terminal, net.Conn, func(), error) {
	var raw net.Conn
	var err error
	for i := 0; ; i++ {
		raw, err = net.Dial("tcp", addr)
		if err == nil {
			break
		}
		if i > 100 {
			return nil, nil, nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	conn := &countingConn{Conn: raw}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
		User: "bench", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	client := gossh.NewClient(c, chans, reqs)
	fail := func(err error) (*terminal, net.Conn, func(), error) {
		client.Close()
		return nil, nil, nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		return fail(err)
	}
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		return fail(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return fail(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	t := &terminal{in: stdin, wire: conn.count, started: start}
	go t.read(stdout)
	if err := sess.Shell(); err != nil {
		return fail(err)
	}
	return t, raw, func() { sess.Close(); client.Close() }, nil
}

func perKey(s segment) string {
	if s.keys == 0 {
		return strconv.Itoa(s.bytes) + " B total"
	}
	return strconv.FormatFloat(float64(s.bytes)/float64(s.keys), 'f', 1, 64)
}

func printBench(w io.Writer, cols, rows int, local, remote benchResult) {
	fmt.Fprintf(w, "Terminal %d×%d, bytes written to the terminal per keystroke:\n\n", cols, rows)
	fmt.Fprintln(w, "| action | keys | local B/key | via jxjy ssh B/key | SSH wire B/key |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for i, s := range local.segments {
		r := remote.segments[i]
		wire := segment{keys: r.keys, bytes: int(r.wire)}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", s.name, s.keys, perKey(s), perKey(r), perKey(wire))
	}
	fmt.Fprintf(w, "| time to first frame | | %d ms | %d ms | |\n", local.firstFrame.Milliseconds(), remote.firstFrame.Milliseconds())
	if r := remote.reconnect; r != nil {
		fmt.Fprintf(w, "| %s | %d | | %d B total | %d B total |\n", r.name, r.keys, r.bytes, r.wire)
	}
	fmt.Fprintln(w, "\nLocal: from starting `jxjy tui` to its first frame. SSH: from opening the TCP connection (handshake included). Wire: bytes the server sent on TCP, SSH framing and encryption included.")
	if remote.reconnect != nil {
		fmt.Fprintf(w, "Reconnect: the link is cut after the idle screen; a new connection at %d×%d is asked whether to resume (%d B) and `r` repaints the whole screen once.\n", resumeCols, resumeRows, remote.question)
	}
}
