package client_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// flakyLink is a loopback TCP proxy in front of the server that spoils
// connections in turn: some pass, some are delayed past the client's
// timeout, some lose the answer after the server wrote it, and some are
// reset half-way through it. The client under test opens a connection per
// attempt, so each fault hits exactly one attempt.
type flakyLink struct {
	l        net.Listener
	upstream string
	conns    atomic.Int64
	faulty   atomic.Bool // off: every connection passes
	wg       sync.WaitGroup
}

const (
	linkPass = iota
	linkSlow
	linkDrop
	linkReset
	linkModes
)

func newFlakyLink(t *testing.T, serverURL string) *flakyLink {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyLink{l: l, upstream: u.Host}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { l.Close(); p.wg.Wait() })
	return p
}

func (p *flakyLink) URL() string { return "http://" + p.l.Addr().String() }

func (p *flakyLink) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		mode := linkPass
		if p.faulty.Load() {
			mode = int(p.conns.Add(1)-1) % linkModes
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c.(*net.TCPConn), mode)
		}()
	}
}

func (p *flakyLink) serve(c *net.TCPConn, mode int) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(up, c) }()
	// The first bytes of the answer mean the server has done the work.
	first := make([]byte, 64)
	n, err := io.ReadAtLeast(up, first, 1)
	if err != nil {
		return
	}
	switch mode {
	case linkSlow:
		time.Sleep(600 * time.Millisecond) // past the client's timeout
	case linkDrop:
		return
	case linkReset:
		_, _ = c.Write(first[:n/2])
		_ = c.SetLinger(0) // close with RST
		return
	}
	if _, err := c.Write(first[:n]); err != nil {
		return
	}
	_, _ = io.Copy(c, up) // the client asked to close after one answer
}

// Through a link that delays, drops and resets answers, every create is
// retried under its idempotency key until it gets through, and the server
// holds each exactly once.
func TestFlakyLinkNeverDuplicatesCreates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		link := newFlakyLink(t, env.URL)
		direct := env.Client()
		mustLogin(t, direct, store.DemoUnit, demoPassword)
		before, err := direct.ListTeachers(context.Background(), domain.TeacherFilter{PageRequest: domain.PageRequest{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}

		// A connection per attempt, so each attempt meets the next fault.
		c := client.New(link.URL(), client.Options{Timeout: 400 * time.Millisecond, Retries: 2 * linkModes, RetryWait: time.Millisecond,
			Transport: &http.Transport{DisableKeepAlives: true}})
		mustLogin(t, c, store.DemoUnit, demoPassword) // logins are never retried: the link is sound for it
		link.faulty.Store(true)
		const creates = 12
		for i := 0; i < creates; i++ {
			name := fmt.Sprintf("链路测试%02d", i)
			tc, err := c.CreateTeacher(context.Background(), domain.TeacherInput{Name: name, Gender: "女"})
			if err != nil {
				t.Fatalf("create %s through the flaky link: %v", name, err)
			}
			if tc.Name != name {
				t.Fatalf("replayed answer for %s: %+v", name, tc)
			}
		}
		if n := link.conns.Load(); n < 2*creates {
			t.Fatalf("only %d connections: the faults were not met", n)
		}
		after, err := direct.ListTeachers(context.Background(), domain.TeacherFilter{PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		if after.Total != before.Total+creates {
			t.Fatalf("%d teachers after %d creates over %d (duplicates or losses)", after.Total, creates, before.Total)
		}
		seen := map[string]int{}
		for _, tc := range after.Items {
			seen[tc.Name]++
		}
		for i := 0; i < creates; i++ {
			if name := fmt.Sprintf("链路测试%02d", i); seen[name] != 1 {
				t.Errorf("%s stored %d times", name, seen[name])
			}
		}
	})
}
