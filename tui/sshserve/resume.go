package sshserve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"jxjy/tui"
	"jxjy/tui/screen"
)

// A UI session outlives its SSH connection. The Bubble Tea program reads
// keys from a pipe and paints into a writer that points at whichever
// connection is attached; when the link drops it points nowhere, and the
// program runs on, detached, with its screen, its jxjy login and every
// field typed, until its SSH user comes back within the resume window
// (or the window passes, or the server stops).

// maxDetachedPerOwner bounds what one SSH user can leave running: past it
// the oldest detached session ends.
const maxDetachedPerOwner = 5

// uiSession is one operator's running UI.
type uiSession struct {
	owner   string // who may reattach: see ownerOf
	log     *slog.Logger
	prog    *screen.Program
	keys    *io.PipeWriter
	out     *switchWriter
	ctx     context.Context
	end     context.CancelCauseFunc
	done    chan struct{} // closed once the program has ended
	started time.Time
	lastKey atomic.Int64 // unix nanoseconds
	bytesIn atomic.Int64

	mu         sync.Mutex
	where      tui.Where
	att        *attachment // nil while detached
	detachedAt time.Time
	expiry     *time.Timer
}

// attachment is one SSH connection showing a UI session.
type attachment struct {
	sess ssh.Session
	// gone is closed when the UI leaves this connection for another;
	// finished when the connection's handler is done with it.
	gone     chan struct{}
	finished chan struct{}
	once     sync.Once
}

func newAttachment(sess ssh.Session) *attachment {
	return &attachment{sess: sess, gone: make(chan struct{}), finished: make(chan struct{})}
}

// leave tells the connection's handler its session was taken over from
// elsewhere. A handler that cannot say so in time (the link is dead, and
// the painter may be stuck writing to it) has its connection closed.
func (a *attachment) leave() {
	a.once.Do(func() {
		close(a.gone)
		go func() {
			select {
			case <-a.finished:
			case <-time.After(2 * time.Second):
				if c, ok := a.sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
					_ = c.Close()
				}
			}
		}()
	})
}

// takenOver is what a connection whose session moved elsewhere shows.
const takenOver = ansi.ResetStyle + ansi.ShowCursor + ansi.SetModeAutoWrap + ansi.ResetModeAltScreenSaveCursor +
	"\r\n会话已在另一连接中恢复，本连接关闭。\r\n"

// ownerOf is who may resume what this connection leaves: the SSH user, and
// in key mode the very key it logged in with. In open mode it is only the
// name the client gave.
func ownerOf(sess ssh.Session) string {
	if k := sess.PublicKey(); k != nil {
		return sess.User() + " " + gossh.FingerprintSHA256(k)
	}
	return sess.User()
}

func (u *uiSession) touch() { u.lastKey.Store(time.Now().UnixNano()) }

// quiet is how long the attached operator has typed nothing; a detached
// session is not idle, its link is down, and the resume window governs it.
func (u *uiSession) quiet() time.Duration {
	u.mu.Lock()
	detached := u.att == nil
	u.mu.Unlock()
	if detached {
		return 0
	}
	return time.Since(time.Unix(0, u.lastKey.Load()))
}

func (u *uiSession) setWhere(w tui.Where) {
	u.mu.Lock()
	u.where = w
	u.mu.Unlock()
}

// attach shows the session on att; repaint is for a terminal that has not
// seen it yet (a resume), at that terminal's size. A connection still
// attached is closed.
func (u *uiSession) attach(att *attachment, size screen.Size, repaint bool) {
	u.mu.Lock()
	old := u.att
	u.att = att
	if u.expiry != nil {
		u.expiry.Stop()
		u.expiry = nil
	}
	u.detachedAt = time.Time{}
	u.out.set(att.sess)
	u.mu.Unlock()
	if old != nil && old != att {
		old.leave()
	}
	u.touch()
	if repaint {
		u.prog.Repaint(size.Width, size.Height)
	}
}

// detach lets the session run on without att, for window; with no window
// it ends. Reports whether it detached.
func (u *uiSession) detach(att *attachment, window time.Duration) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.att != att {
		return false
	}
	u.att = nil
	u.out.set(io.Discard)
	if window <= 0 {
		u.end(errDisconnected)
		return false
	}
	u.detachedAt = time.Now()
	u.expiry = time.AfterFunc(window, func() {
		u.mu.Lock()
		expired := u.att == nil
		u.mu.Unlock()
		if expired {
			u.end(errExpired)
		}
	})
	return true
}

// resumable is what a reconnecting owner is offered: a session of theirs,
// detached or still shown on another (likely dead) connection.
type resumable struct {
	ui         *uiSession
	where      tui.Where
	detachedAt time.Time // zero while attached elsewhere
}

func (r resumable) describe(now time.Time) string {
	who := "未登录"
	if r.where.Role != "" {
		who = r.where.Role + " " + r.where.Username
	}
	place := r.where.Screen
	if place == "" {
		place = "功能菜单"
	}
	var when string
	switch mins := int(now.Sub(r.detachedAt).Minutes()); {
	case r.detachedAt.IsZero():
		when = "仍显示在另一连接上"
	case mins < 1:
		when = "刚刚断开"
	default:
		when = strconv.Itoa(mins) + "分钟前断开"
	}
	return who + "，" + place + "，" + when
}

// resumableFor lists owner's sessions, the most recently left first.
func (s *Server) resumableFor(owner string) []resumable {
	s.mu.Lock()
	var list []resumable
	for u := range s.sessions {
		if u.owner != owner {
			continue
		}
		u.mu.Lock()
		list = append(list, resumable{ui: u, where: u.where, detachedAt: u.detachedAt})
		u.mu.Unlock()
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b resumable) int {
		switch {
		case a.detachedAt.IsZero() != b.detachedAt.IsZero():
			if a.detachedAt.IsZero() {
				return -1
			}
			return 1
		default:
			return b.detachedAt.Compare(a.detachedAt)
		}
	})
	return list
}

// trimDetached ends owner's oldest detached sessions past the cap.
func (s *Server) trimDetached(owner string) {
	var detached []resumable
	for _, r := range s.resumableFor(owner) {
		if !r.detachedAt.IsZero() {
			detached = append(detached, r)
		}
	}
	for _, r := range detached[min(len(detached), maxDetachedPerOwner):] {
		r.ui.end(errTooManyDetached)
	}
}

// askResume offers owner's sessions and reads the choice: a session, nil
// for a new one, or false when the connection left or the operator quit.
func (s *Server) askResume(sess ssh.Session, list []resumable, keys <-chan []byte, windows <-chan ssh.Window, size *screen.Size) (*uiSession, bool) {
	now := time.Now()
	var b strings.Builder
	if len(list) == 1 {
		fmt.Fprintf(&b, "\r\n检测到未结束的会话（%s）：r 恢复 / n 新会话\r\n", list[0].describe(now))
	} else {
		fmt.Fprintf(&b, "\r\n检测到 %d 个未结束的会话：\r\n", len(list))
		for i, r := range list {
			fmt.Fprintf(&b, "  %d  %s\r\n", i+1, r.describe(now))
		}
		fmt.Fprintf(&b, "按编号 1-%d 恢复 / n 新会话\r\n", len(list))
	}
	b.WriteString("（q 断开）")
	if _, err := io.WriteString(sess, b.String()); err != nil {
		return nil, false
	}
	for {
		select {
		case <-sess.Context().Done():
			return nil, false
		case w, ok := <-windows:
			if !ok {
				windows = nil
				continue
			}
			*size = screen.Size{Width: w.Width, Height: w.Height}
		case k, ok := <-keys:
			if !ok {
				return nil, false
			}
			for _, c := range string(k) {
				switch {
				case c == 'n' || c == 'N':
					_, _ = io.WriteString(sess, "\r\n")
					return nil, true
				case c == 'q' || c == 'Q' || c == 3: // ctrl-c
					_, _ = io.WriteString(sess, "\r\n已断开，会话仍保留。\r\n")
					return nil, false
				case (c == 'r' || c == 'R') && len(list) == 1:
					return list[0].ui, true
				case c >= '1' && c <= '9' && int(c-'0') <= len(list):
					return list[c-'1'].ui, true
				}
			}
		}
	}
}

// readKeys reads a connection's input in chunks until it fails or stop
// closes; both the resume question and the attached UI read from it.
func readKeys(r io.Reader, stop <-chan struct{}) <-chan []byte {
	ch := make(chan []byte)
	go func() {
		defer close(ch)
		for {
			b := make([]byte, 1024)
			n, err := r.Read(b)
			if n > 0 {
				select {
				case ch <- b[:n]:
				case <-stop:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// serve passes att's keys and window sizes to the UI until the UI ends,
// leaves for another connection, or the connection drops (then it
// detaches). Reports whether the UI ended while attached here.
func (s *Server) serve(u *uiSession, att *attachment, keys <-chan []byte, windows <-chan ssh.Window) bool {
	for {
		select {
		case <-u.done:
			return true
		case <-att.gone:
			_, _ = io.WriteString(att.sess, takenOver)
			return false
		case <-att.sess.Context().Done():
			s.detach(u, att)
			return false
		case k, ok := <-keys:
			if !ok {
				s.detach(u, att)
				return false
			}
			u.touch()
			u.bytesIn.Add(int64(len(k)))
			if _, err := u.keys.Write(k); err != nil {
				// The program has ended; u.done is closed or about to be.
				<-u.done
				return true
			}
		case w, ok := <-windows:
			if !ok {
				windows = nil
				continue
			}
			u.prog.Resize(w.Width, w.Height)
		}
	}
}

func (s *Server) detach(u *uiSession, att *attachment) {
	if u.detach(att, s.cfg.ResumeWindow) {
		u.log.Info("ssh session detached", "resume_window", s.cfg.ResumeWindow.String())
		s.trimDetached(u.owner)
	}
}

// watchModel tells its session where the operator is after each update.
type watchModel struct {
	*tui.Model
	ui *uiSession
}

func (w watchModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := w.Model.Update(msg)
	w.ui.setWhere(w.Model.Where())
	return w, cmd
}

// switchWriter is the program's output: the attached connection, or
// nothing. A failed write is the connection's end, which its attachment
// notices; the screen must not stop the program for it.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
	n  atomic.Int64
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	w := s.w
	s.mu.Unlock()
	if w != io.Discard {
		n, _ := w.Write(p)
		s.n.Add(int64(n))
	}
	return len(p), nil
}
