package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// `jxjy serve --tls-cert --tls-key` answers HTTPS over HTTP/2 (and
// HTTP/1.1), refuses TLS below 1.2 and old cipher suites, and the
// client verifies the certificate against the given CA.
func TestServeTLS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ca := servertest.NewCA(t, "测试 CA")
		cert, key := ca.Issue(t, "127.0.0.1", time.Now().Add(-time.Hour), time.Now().AddDate(0, 1, 0))
		env := servertest.StartTLS(t, db, cert, key)

		h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool}, ForceAttemptHTTP2: true}}
		resp, err := h2.Get(env.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 || resp.TLS.Version < tls.VersionTLS12 {
			t.Fatalf("healthz: %d over %s, TLS %x", resp.StatusCode, resp.Proto, resp.TLS.Version)
		}

		addr := strings.TrimPrefix(env.URL, "https://")
		for name, cfg := range map[string]*tls.Config{
			"TLS 1.1": {RootCAs: ca.Pool, MaxVersion: tls.VersionTLS11},
			"CBC suite": {RootCAs: ca.Pool, MaxVersion: tls.VersionTLS12,
				CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}},
		} {
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
			if err == nil {
				conn.Close()
				t.Errorf("%s accepted", name)
			}
		}

		// Plain HTTP to the TLS port gets no answer a client would take
		// for the API's.
		resp, err = http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				t.Fatal("plain HTTP answered on the TLS port")
			}
		}
	})
}

// A server logs one line when it starts serving and one when it has
// stopped cleanly: the log's last word after SIGTERM says it was a clean
// stop, not a crash.
func TestStartAndStopAreLogged(t *testing.T) {
	var logs syncBuffer
	srv, err := server.Open(t.Context(), server.Config{DB: "sqlite://" + t.TempDir() + "/jxjy.db",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "server started") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Count(out, "msg=\"server started\"") != 1 || !strings.Contains(out, "scheme=http") {
		t.Fatalf("start line:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "level=INFO") || !strings.Contains(last, `msg="server stopped cleanly"`) {
		t.Fatalf("last line %q, want the clean stop", last)
	}
}

// syncBuffer is a log sink the server's goroutines write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
