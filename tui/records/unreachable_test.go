package records_test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// link is a loopback TCP proxy in front of the server that can be cut:
// cut closes its listener and every connection through it, so the client
// finds nobody at the address, as when the server is down or the network
// gone; restore listens again on the same address.
type link struct {
	t        *testing.T
	addr     string
	upstream string

	mu    sync.Mutex
	l     net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newLink(t *testing.T, serverURL string) *link {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	k := &link{t: t, addr: "127.0.0.1:0", upstream: u.Host, conns: map[net.Conn]bool{}}
	k.restore()
	t.Cleanup(func() { k.cut(); k.wg.Wait() })
	return k
}

func (k *link) URL() string { return "http://" + k.addr }

func (k *link) restore() {
	k.t.Helper()
	l, err := net.Listen("tcp", k.addr)
	if err != nil {
		k.t.Fatalf("listen again on %s: %v", k.addr, err)
	}
	k.mu.Lock()
	k.l, k.addr = l, l.Addr().String()
	k.mu.Unlock()
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			k.wg.Add(1)
			go func() {
				defer k.wg.Done()
				k.pass(c)
			}()
		}
	}()
}

func (k *link) pass(c net.Conn) {
	up, err := net.Dial("tcp", k.upstream)
	if err != nil {
		c.Close()
		return
	}
	k.mu.Lock()
	k.conns[c], k.conns[up] = true, true
	k.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	k.mu.Lock()
	delete(k.conns, c)
	delete(k.conns, up)
	k.mu.Unlock()
}

func (k *link) cut() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.l != nil {
		k.l.Close()
		k.l = nil
	}
	for c := range k.conns {
		c.Close()
	}
}

// The person fills in a record; the server becomes unreachable; saving
// says so plainly and keeps every field as typed; once the server is back
// the same save goes through, and the server holds the record once.
func TestSaveWhileUnreachableKeepsEveryFieldAndSavesOnceLater(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		k := newLink(t, env.URL)
		c := client.New(k.URL(), client.Options{RetryWait: 1})
		d := tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c, Attachments: c,
			History: c, Persons: c, Records: c}, ServerURL: k.URL()})
		d.Login(store.DemoPerson, store.DemoPassword)
		d.OpenModule("学时申报")
		d.Type("n")
		d.MustSee("新增学时申报")
		const title, organizer, remark = "断网时填写的培训", "广州市继续教育中心", "网络恢复后再保存"
		start, end := daysAgo(3), daysAgo(2)
		typeIn(d, "公需", "网络", title, organizer, start, end, "3.5", remark)
		typed := []string{"公需科目", "网络学习", title, organizer, start, end, "3.5", remark}
		d.MustSee(typed...)

		k.cut()
		d.Press(tea.KeyCtrlS)
		d.MustSee("无法连接服务器")
		d.MustSee(typed...)
		d.MustNotSee("已保存")
		d.MustSee("离线") // the status bar too

		k.restore()
		d.Press(tea.KeyCtrlS)
		d.MustSee("已保存："+title, "在线")

		api := tuitest.APIAs(t, env, store.DemoPerson)
		page, err := api.ListRecords(t.Context(), domain.RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range page.Items {
			if r.Title == title {
				n++
				if r.Organizer != organizer || r.StartDate != start || r.EndDate != end || r.Remark != remark {
					t.Errorf("stored record differs from what was typed: %+v", r)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d records titled %q, want exactly 1", n, title)
		}
	})
}
