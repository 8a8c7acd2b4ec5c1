package api

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A stream that lasts longer than the server's WriteTimeout reaches its
// end while it progresses, compressed or not, because it renews the
// deadline before each line (as the record export does); the same stream
// without renewal is cut, which shows the timeout is real.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	const timeout = 500 * time.Millisecond
	a := &API{cfg: Config{WriteTimeout: timeout}}
	stream := func(renew bool) http.Handler {
		return withGzip(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			deadline := a.renewWrites(w)
			rc := http.NewResponseController(w)
			for i := range 50 { // about a second, twice the timeout
				if renew {
					deadline.renew()
				}
				fmt.Fprintf(w, "line %d\n", i)
				if rc.Flush() != nil {
					return // cut: the client sees the stream end early
				}
				time.Sleep(20 * time.Millisecond)
			}
			fmt.Fprintln(w, "done")
		}))
	}
	for _, c := range []struct {
		name         string
		renew, gzip  bool
		wantComplete bool
	}{
		{"renewed", true, false, true},
		{"renewed, gzip", true, true, true},
		{"not renewed", false, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(stream(c.renew))
			srv.Config.WriteTimeout = timeout
			srv.Start()
			defer srv.Close()
			req, err := http.NewRequest("GET", srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", "identity")
			if c.gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body io.Reader = resp.Body
			if c.gzip {
				if resp.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("not compressed: %v", resp.Header)
				}
				if body, err = gzip.NewReader(resp.Body); err != nil {
					t.Fatal(err)
				}
			}
			got, err := io.ReadAll(body)
			complete := err == nil && strings.HasSuffix(string(got), "line 49\ndone\n")
			if complete != c.wantComplete {
				t.Fatalf("complete = %v, want %v (read error %v, %d bytes)", complete, c.wantComplete, err, len(got))
			}
		})
	}
}
