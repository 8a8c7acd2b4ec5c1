// Package sshserve serves the terminal UI over SSH (jxjy ssh), for
// operators in county offices who work from an SSH client: every session
// runs its own UI with its own client and its own jxjy login, and each SSH
// user has an inbox and an outbox on the server reachable with scp and
// sftp over the same port, since the UI's file screens run on the server,
// not beside the operator's files.
package sshserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/scp"
	gossh "golang.org/x/crypto/ssh"

	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/screen"
)

// Config is one SSH server.
type Config struct {
	// Unencrypted says the link to the jxjy server is plain HTTP across a
	// network (`jxjy ssh --insecure-http`); every session shows it.
	Unencrypted bool
	// Services builds the services of one session: a new client each
	// call, so sessions never share a login.
	Services func() common.Services
	// ServicesFrom, when set, is used instead of Services and is told the
	// SSH client's address, so its client can name it to the server
	// (client.Options.ForwardedFor) and per-address limits see each
	// operator rather than this gateway.
	ServicesFrom func(remote net.Addr) common.Services
	// HostKeyPath is the server's ed25519 key, made on first start.
	HostKeyPath string
	// FilesDir holds a folder per SSH user with inbox/ and outbox/.
	FilesDir string

	Auth               AuthMode
	PasswordFile       string // AuthPassword: name:bcrypt lines
	AuthorizedKeysFile string // AuthKeys: keys named by their comment

	// IdleTimeout ends a session with no keystroke for that long; a
	// detached session's clock stands still (its resume window runs).
	IdleTimeout time.Duration
	// KeepAlive asks a terminal's SSH client for a sign of life that
	// often, and closes a connection that gives none for three times as
	// long: a link that died silently (no reset reaches the server) then
	// detaches its session in minutes, not when TCP gives up. 0: never.
	KeepAlive time.Duration
	// ResumeWindow keeps a UI whose connection dropped running, detached,
	// for that long, for its SSH user to reattach; 0 ends it with the
	// connection.
	ResumeWindow time.Duration
	// MaxSessions caps simultaneous UI sessions (file transfers aside).
	MaxSessions int
	// ConnectionsPerMinute caps new connections from one IP address.
	ConnectionsPerMinute int
	// PublicHost is the host (optionally host:port) shown in scp commands,
	// where empty means the address each client connected to, and in the
	// title bar, where empty shows nothing.
	PublicHost string
	// ASCII is the default theme; a client may set JXJY_ASCII=1 or 0.
	ASCII  bool
	Logger *slog.Logger
}

// idleGrace lets a session's own idle timeout, which says goodbye, come
// before the connection's, which just cuts.
const idleGrace = time.Minute

var (
	errIdle            = errors.New("idle")
	errShutdown        = errors.New("shutdown")
	errExpired         = errors.New("resume window passed")
	errDisconnected    = errors.New("disconnected")
	errTooManyDetached = errors.New("too many detached sessions")
)

// Server is a running SSH server.
type Server struct {
	cfg     Config
	ssh     *ssh.Server
	limiter *rateLimiter
	log     *slog.Logger
	lastID  atomic.Uint64

	mu       sync.Mutex
	sessions map[*uiSession]struct{}
	closing  bool
	running  sync.WaitGroup // UI programs, attached or not
}

// New checks cfg and prepares the server; the host key is made here if
// missing.
func New(cfg Config) (*Server, error) {
	if (cfg.Services == nil && cfg.ServicesFrom == nil) || cfg.FilesDir == "" || cfg.HostKeyPath == "" {
		return nil, errors.New("sshserve: Services, FilesDir and HostKeyPath are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		cfg:      cfg,
		limiter:  newRateLimiter(cfg.ConnectionsPerMinute, time.Minute),
		log:      cfg.Logger,
		sessions: map[*uiSession]struct{}{},
	}
	files := scpHandler{files: cfg.FilesDir, log: s.transferLog}
	opts := []ssh.Option{
		wish.WithHostKeyPath(cfg.HostKeyPath),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }, scp.Middleware(files, files), awaitSCPAcks),
		wish.WithSubsystem("sftp", serveSFTP(cfg.FilesDir, s.sessionLog)),
		ssh.WrapConn(s.admitConn),
	}
	if cfg.IdleTimeout > 0 {
		opts = append(opts, wish.WithIdleTimeout(cfg.IdleTimeout+idleGrace))
	}
	auth, err := s.authOption()
	if err != nil {
		return nil, err
	}
	srv, err := wish.NewServer(append(opts, auth)...)
	if err != nil {
		return nil, fmt.Errorf("SSH 主机密钥 %s: %w", cfg.HostKeyPath, err)
	}
	s.ssh = srv
	return s, nil
}

func (s *Server) authOption() (ssh.Option, error) {
	switch s.cfg.Auth {
	case AuthPassword:
		if _, err := readPasswords(s.cfg.PasswordFile); err != nil {
			return nil, fmt.Errorf("SSH 密码文件: %w", err)
		}
		return wish.WithPasswordAuth(func(ctx ssh.Context, password string) bool {
			ok, err := checkPassword(s.cfg.PasswordFile, ctx.User(), password)
			s.noteAuth(ctx, "password", ok, err)
			return ok
		}), nil
	case AuthKeys:
		if _, err := os.Stat(s.cfg.AuthorizedKeysFile); err != nil {
			return nil, fmt.Errorf("SSH 公钥文件: %w", err)
		}
		return wish.WithPublicKeyAuth(func(ctx ssh.Context, key ssh.PublicKey) bool {
			ok, err := keyAllowed(s.cfg.AuthorizedKeysFile, ctx.User(), key)
			s.noteAuth(ctx, "publickey", ok, err)
			return ok
		}), nil
	case AuthOpen:
		s.log.Warn("ssh: open mode, anyone reaching the port gets the login screen and the file folder of the name they give")
		return func(srv *ssh.Server) error {
			srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{
					NoClientAuth: true,
					NoClientAuthCallback: func(c gossh.ConnMetadata) (*gossh.Permissions, error) {
						if !ValidName(c.User()) {
							s.log.Warn("ssh auth refused", "user", c.User(), "remote", c.RemoteAddr().String(), "why", "invalid name")
							return nil, errDenied
						}
						return &gossh.Permissions{}, nil
					},
				}
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("sshserve: unknown auth mode %q", s.cfg.Auth)
}

func (s *Server) noteAuth(ctx ssh.Context, method string, ok bool, err error) {
	switch {
	case err != nil:
		s.log.Error("ssh auth", "method", method, "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "err", err)
	case !ok:
		s.log.Warn("ssh auth failed", "method", method, "user", ctx.User(), "remote", ctx.RemoteAddr().String())
	}
}

// admitConn turns away connections while closing and those over the
// per-address rate.
func (s *Server) admitConn(_ ssh.Context, conn net.Conn) net.Conn {
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		return nil
	}
	if !s.limiter.allow(conn.RemoteAddr()) {
		s.log.Warn("ssh connection refused", "remote", conn.RemoteAddr().String(), "why", "rate limit")
		return nil
	}
	return conn
}

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown ends every UI session politely (the operator's terminal is
// restored and told why; a detached one is logged as ended), stops
// accepting connections and waits for the rest, file transfers included,
// until ctx ends; then it cuts them.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for ui := range s.sessions {
		ui.end(errShutdown)
	}
	s.mu.Unlock()
	ended := make(chan struct{})
	go func() {
		s.running.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-ctx.Done():
	}
	err := s.ssh.Shutdown(ctx)
	if err != nil {
		_ = s.ssh.Close()
	}
	return err
}

// sessionLog is the logger of one session: every line carries its id,
// user and address.
func (s *Server) sessionLog(sess ssh.Session) *slog.Logger {
	return s.log.With("session", s.lastID.Add(1), "user", sess.User(), "remote", sess.RemoteAddr().String())
}

// transferLog is the logger of a legacy scp transfer.
func (s *Server) transferLog(sess ssh.Session) *slog.Logger {
	return s.log.With("user", sess.User(), "remote", sess.RemoteAddr().String())
}

// handle is every session that is not a file transfer: a new UI, or one
// the same SSH user left running when their link dropped.
func (s *Server) handle(sess ssh.Session) {
	log := s.sessionLog(sess)
	if len(sess.Command()) > 0 {
		log.Warn("ssh command refused", "command", sess.RawCommand())
		wish.Fatalln(sess, "本服务只提供终端界面（ssh -p 端口 用户名@主机）和文件传输（scp、sftp）。")
		return
	}
	pty, windows, ok := sess.Pty()
	if !ok {
		wish.Fatalln(sess, "请在交互式终端中连接（ssh -t）。")
		return
	}
	// The pty request's own size is the first in the channel.
	w := <-windows
	size := screen.Size{Width: w.Width, Height: w.Height}
	stop := make(chan struct{})
	defer close(stop)
	keys := readKeys(sess, stop)
	att := newAttachment(sess)
	defer close(att.finished)
	if conn, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok && s.cfg.KeepAlive > 0 {
		go keepAlive(sess.Context(), conn, s.cfg.KeepAlive, log)
	}
	owner := ownerOf(sess)

	var ui *uiSession
	if s.cfg.ResumeWindow > 0 {
		if list := s.resumableFor(owner); len(list) > 0 {
			if ui, ok = s.askResume(sess, list, keys, windows, &size); !ok {
				log.Info("ssh left at the resume question")
				return
			}
		}
	}
	if ui != nil {
		select {
		case <-ui.done:
			_, _ = io.WriteString(sess, "该会话已结束，开始新会话。\r\n")
			ui = nil
		default:
			ui.attach(att, size, true)
			ui.log.Info("ssh session resumed", "from", sess.RemoteAddr().String(), "width", size.Width, "height", size.Height)
		}
	}
	if ui == nil {
		if ui, ok = s.startUI(sess, att, log, pty, size); !ok {
			return
		}
	}
	if !s.serve(ui, att, keys, windows) {
		return
	}
	switch cause := context.Cause(ui.ctx); {
	case errors.Is(cause, errIdle):
		fmt.Fprintf(sess, "\r\n空闲超过 %s，会话已结束。\r\n", s.cfg.IdleTimeout)
	case errors.Is(cause, errShutdown):
		fmt.Fprint(sess, "\r\n服务器正在停机维护，会话已结束，请稍后重新连接。\r\n")
	}
	_ = sess.Exit(0)
}

// startUI starts a new UI session shown on att, unless the server is full.
func (s *Server) startUI(sess ssh.Session, att *attachment, log *slog.Logger, pty ssh.Pty, size screen.Size) (*uiSession, bool) {
	ctx, end := context.WithCancelCause(context.Background())
	pr, pw := io.Pipe()
	ui := &uiSession{
		owner: ownerOf(sess), log: log, keys: pw, out: &switchWriter{w: sess},
		ctx: ctx, end: end, done: make(chan struct{}), started: time.Now(), att: att,
	}
	ui.touch()
	if !s.admit(ui) {
		end(nil)
		log.Warn("ssh session refused", "why", "too many sessions", "max", s.cfg.MaxSessions)
		wish.Fatalln(sess, "当前连接的会话数已达上限（"+strconv.Itoa(s.cfg.MaxSessions)+"），请稍后再试。")
		return nil, false
	}
	a, err := userArea(s.cfg.FilesDir, sess.User())
	if err != nil {
		s.release(ui)
		s.running.Done()
		end(nil)
		log.Error("ssh session", "err", err)
		wish.Fatalln(sess, "无法准备文件夹，请联系管理员。")
		return nil, false
	}
	profile := colorprofile.Env(sess.Environ())
	host, port := s.publicAddr(sess)
	opts := tui.Options{
		Services: s.services(sess),
		ASCII:    asciiFor(sess.Environ(), s.cfg.ASCII),
		// The title bar names the public SSH host, never the embedded
		// server's loopback URL.
		ServerURL:   s.cfg.PublicHost,
		Unencrypted: s.cfg.Unencrypted,
		Renderer:    screen.Renderer(),
		Files: common.Files{
			Mode: common.SSHFiles, Root: a.dir,
			SSHUser: sess.User(), SSHHost: host, SSHPort: port,
		},
	}
	ui.prog = screen.NewProgram(ctx, watchModel{Model: tui.New(opts), ui: ui}, screen.Terminal{
		In: pr, Out: ui.out, Profile: profile, Width: size.Width, Height: size.Height,
	})
	log.Info("ssh session start", "term", pty.Term, "width", size.Width, "height", size.Height, "colors", profile.String())
	go s.runUI(ui, pr)
	return ui, true
}

// runUI runs the program to its end, wherever it is shown by then.
func (s *Server) runUI(ui *uiSession, keys *io.PipeReader) {
	defer s.running.Done()
	stopIdle := func() {}
	if s.cfg.IdleTimeout > 0 {
		stopIdle = watchIdle(ui.quiet, s.cfg.IdleTimeout, func() { ui.end(errIdle) })
	}
	runErr := ui.prog.Run()
	stopIdle()
	ui.end(nil)
	_ = keys.Close()
	s.release(ui)
	ui.mu.Lock()
	detached := ui.att == nil
	if ui.expiry != nil {
		ui.expiry.Stop()
	}
	ui.mu.Unlock()
	close(ui.done)

	reason := "quit"
	switch cause := context.Cause(ui.ctx); {
	case errors.Is(cause, errIdle):
		reason = "idle"
	case errors.Is(cause, errShutdown):
		reason = "shutdown"
	case errors.Is(cause, errExpired):
		reason = "resume window passed"
	case errors.Is(cause, errTooManyDetached):
		reason = "too many detached sessions"
	case errors.Is(cause, errDisconnected):
		reason = "disconnected"
	case runErr != nil && !errors.Is(runErr, context.Canceled):
		reason = "error"
	}
	attrs := []any{"reason", reason, "detached", detached, "duration", time.Since(ui.started).Round(time.Millisecond).String(),
		"bytes_out", ui.out.n.Load(), "bytes_in", ui.bytesIn.Load()}
	if reason == "error" {
		attrs = append(attrs, "err", runErr)
	}
	ui.log.Info("ssh session end", attrs...)
}

// admit counts a UI session in, unless the server is full or closing.
// Detached sessions count: they hold a UI and a jxjy login.
func (s *Server) admit(ui *uiSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || (s.cfg.MaxSessions > 0 && len(s.sessions) >= s.cfg.MaxSessions) {
		return false
	}
	s.sessions[ui] = struct{}{}
	s.running.Add(1)
	return true
}

func (s *Server) release(ui *uiSession) {
	s.mu.Lock()
	delete(s.sessions, ui)
	s.mu.Unlock()
}

// Sessions is the number of UI sessions running, detached ones included.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Detached is the number of UI sessions running without a connection.
func (s *Server) Detached() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ui := range s.sessions {
		ui.mu.Lock()
		if ui.att == nil {
			n++
		}
		ui.mu.Unlock()
	}
	return n
}

// publicAddr is the host and port the operator reaches this server on.
func (s *Server) publicAddr(sess ssh.Session) (string, int) {
	local, localPort, _ := net.SplitHostPort(sess.LocalAddr().String())
	port, _ := strconv.Atoi(localPort)
	if s.cfg.PublicHost == "" {
		return local, port
	}
	if h, p, err := net.SplitHostPort(s.cfg.PublicHost); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			return h, n
		}
	}
	return s.cfg.PublicHost, port
}

// asciiFor reads JXJY_ASCII from the client's environment (ssh -o
// SetEnv=JXJY_ASCII=1), else def.
func asciiFor(env []string, def bool) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "JXJY_ASCII="); ok {
			if b, err := strconv.ParseBool(v); err == nil {
				return b
			}
		}
	}
	return def
}

// keepAlive closes conn once it has answered nothing for three intervals.
func keepAlive(ctx context.Context, conn gossh.Conn, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		replied := make(chan struct{})
		go func() {
			// Any answer, even "unknown request", is a sign of life.
			_, _, _ = conn.SendRequest("keepalive@openssh.com", true, nil)
			close(replied)
		}()
		select {
		case <-ctx.Done():
			return
		case <-replied:
		case <-time.After(3 * every):
			log.Warn("ssh connection silent, closing it", "after", (3 * every).String())
			_ = conn.Close()
			return
		}
	}
}

// watchIdle calls expire once quiet has reached timeout; the returned
// func stops watching.
func watchIdle(quiet func() time.Duration, timeout time.Duration, expire func()) (stop func()) {
	var t *time.Timer
	var mu sync.Mutex
	check := func() {
		q := quiet()
		if q >= timeout {
			expire()
			return
		}
		mu.Lock()
		t.Reset(timeout - q)
		mu.Unlock()
	}
	mu.Lock()
	t = time.AfterFunc(timeout, check)
	mu.Unlock()
	return func() {
		mu.Lock()
		t.Stop()
		mu.Unlock()
	}
}

// services builds one session's services, naming its client's address when
// the configuration asks for it.
func (s *Server) services(sess ssh.Session) common.Services {
	if s.cfg.ServicesFrom != nil {
		return s.cfg.ServicesFrom(sess.RemoteAddr())
	}
	return s.cfg.Services()
}
