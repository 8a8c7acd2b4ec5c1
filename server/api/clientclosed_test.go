package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// lockedBuffer is a log sink many request goroutines write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A client that gives up on its request (a 1–4 ms timeout on a list that
// takes longer) is logged at INFO as client_closed with status 499, in
// the access log and the metrics: never as an internal error at ERROR,
// never as a 500.
func TestAbandonedRequestIsClientClosedNotAnError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		logs := &lockedBuffer{}
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
		tok := token(t, env, store.DemoUnit)
		abandoned := 0
		for i := 0; i < 200 && abandoned < 10; i++ {
			ctx, cancel := context.WithTimeout(t.Context(), time.Duration(1+i%4)*time.Millisecond)
			req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/api/v1/query/records?limit=200", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			} else {
				abandoned++
			}
			cancel()
		}
		if abandoned == 0 {
			t.Skip("no request was slow enough to abandon on this machine")
		}
		// The server notices a hang-up when its work returns; give the
		// last ones their moment.
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "status=499") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		out := logs.String()
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "status=500") {
				t.Errorf("an abandoned request logged as a failure: %s", line)
			}
		}
		if !strings.Contains(out, "status=499") {
			// The server finished every request before it saw the hang-up
			// (an idle machine answers in well under a millisecond).
			t.Skipf("%d requests abandoned, none while the server was still working on it", abandoned)
		}
		if !strings.Contains(out, "level=INFO msg=client_closed") {
			t.Fatalf("%d requests abandoned, no client_closed line with status 499:\n%s", abandoned, out)
		}
		rec := httptest.NewRecorder()
		env.Srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if !strings.Contains(rec.Body.String(), `route="GET /api/v1/query/records",code="499"`) {
			t.Fatalf("metrics without the 499s:\n%s", rec.Body.String())
		}
	})
}
