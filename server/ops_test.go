package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"jxjy/server"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

// The metrics page counts requests by route pattern (never by raw path),
// with latency histograms and the database pools.
func TestMetricsCountRoutesAndPools(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		srv := server.New(db, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AnonymousPerMinute: -1})
		h := srv.Handler()
		for _, path := range []string{"/api/v1/reference", "/api/v1/reference", "/healthz", "/readyz", "/api/v1/persons/12345", "/nowhere"} {
			get(t, h, path)
		}
		status, page := get(t, srv.MetricsHandler(), "/metrics")
		if status != 200 {
			t.Fatalf("metrics: %d", status)
		}
		pool := `pool="main"`
		if db.Dialect() == store.DialectSQLite {
			pool = `pool="read"`
		}
		for _, want := range []string{
			`jxjy_http_requests_total{route="GET /api/v1/reference",code="200"} 2`,
			`jxjy_http_requests_total{route="GET /healthz",code="200"} 1`,
			`jxjy_http_requests_total{route="GET /readyz",code="200"} 1`,
			`jxjy_http_requests_total{route="GET /api/v1/persons/{id}",code="401"} 1`,
			`jxjy_http_requests_total{route="unmatched",code="404"} 1`,
			`jxjy_http_request_duration_seconds_count{route="GET /api/v1/reference"} 2`,
			`jxjy_db_open_connections{` + pool + `}`,
			`jxjy_db_max_open_connections{` + pool + `}`,
			"go_goroutines ",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("metrics page lacks %q:\n%s", want, page)
			}
		}
		if strings.Contains(page, "12345") {
			t.Error("a raw path leaked into the route labels")
		}
	})
}

// /healthz answers while the process runs; /readyz only while the
// database answers.
func TestHealthzAndReadyz(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "jxjy.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(db, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := srv.Handler()
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, body := get(t, h, path); status != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("%s: %d %s", path, status, body)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, h, "/healthz"); status != 200 {
		t.Fatalf("healthz with the database gone: %d, want 200 (the process lives)", status)
	}
	if status, body := get(t, h, "/readyz"); status != 503 {
		t.Fatalf("readyz with the database gone: %d %s, want 503", status, body)
	}
}
