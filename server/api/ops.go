package api

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Operations endpoints: /healthz says the process answers (a load
// balancer's liveness probe), /readyz says it can serve (its database
// answers), and the metrics page is Prometheus's text format, served on a
// separate listener so it never faces the public.

// latencyBuckets are the histogram's upper bounds in seconds, around the
// 50 ms target of interactive pages.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts requests by route pattern (a bounded set, unlike paths).
type metrics struct {
	mu     sync.Mutex
	routes map[string]*routeMetrics
}

type routeMetrics struct {
	codes   map[int]uint64
	buckets []uint64 // per latencyBuckets, not cumulative
	sum     float64
	count   uint64
}

func (m *metrics) observe(route string, status int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes == nil {
		m.routes = map[string]*routeMetrics{}
	}
	rm := m.routes[route]
	if rm == nil {
		rm = &routeMetrics{codes: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[route] = rm
	}
	rm.codes[status]++
	s := took.Seconds()
	if i, _ := slices.BinarySearch(latencyBuckets, s); i < len(latencyBuckets) {
		rm.buckets[i]++
	}
	rm.sum += s
	rm.count++
}

// withMetrics sits right around the mux, which sets r.Pattern on the
// request it is handed: the route label is the pattern, "unmatched" for
// paths no route serves.
func (a *API) withMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		a.metrics.observe(route, status, time.Since(start))
	})
}

func (a *API) live(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) ready(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.cfg.Ready(ctx); err != nil {
			a.log.ErrorContext(r.Context(), "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// MetricsHandler serves the metrics page: request counts and latencies by
// route, connection pool statistics and the process's memory.
func (a *API) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		bw := bufio.NewWriter(w)
		a.writeRequestMetrics(bw)
		if a.cfg.PoolStats != nil {
			writePoolMetrics(bw, a.cfg.PoolStats())
		}
		writeProcessMetrics(bw)
		_ = bw.Flush()
	})
}

func (a *API) writeRequestMetrics(w *bufio.Writer) {
	a.metrics.mu.Lock()
	defer a.metrics.mu.Unlock()
	routes := make([]string, 0, len(a.metrics.routes))
	for r := range a.metrics.routes {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	fmt.Fprintln(w, "# HELP jxjy_http_requests_total Requests answered, by route pattern and status code.")
	fmt.Fprintln(w, "# TYPE jxjy_http_requests_total counter")
	for _, r := range routes {
		codes := a.metrics.routes[r].codes
		keys := make([]int, 0, len(codes))
		for c := range codes {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		for _, c := range keys {
			fmt.Fprintf(w, "jxjy_http_requests_total{route=%s,code=\"%d\"} %d\n", labelValue(r), c, codes[c])
		}
	}
	fmt.Fprintln(w, "# HELP jxjy_http_request_duration_seconds Time to answer, by route pattern.")
	fmt.Fprintln(w, "# TYPE jxjy_http_request_duration_seconds histogram")
	for _, r := range routes {
		rm := a.metrics.routes[r]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += rm.buckets[i]
			fmt.Fprintf(w, "jxjy_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n",
				labelValue(r), strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "jxjy_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", labelValue(r), rm.count)
		fmt.Fprintf(w, "jxjy_http_request_duration_seconds_sum{route=%s} %g\n", labelValue(r), rm.sum)
		fmt.Fprintf(w, "jxjy_http_request_duration_seconds_count{route=%s} %d\n", labelValue(r), rm.count)
	}
}

func writePoolMetrics(w *bufio.Writer, pools map[string]sql.DBStats) {
	names := make([]string, 0, len(pools))
	for n := range pools {
		names = append(names, n)
	}
	slices.Sort(names)
	gauge := func(name, help string, value func(sql.DBStats) float64, kind string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
		for _, n := range names {
			fmt.Fprintf(w, "%s{pool=%s} %g\n", name, labelValue(n), value(pools[n]))
		}
	}
	gauge("jxjy_db_max_open_connections", "Connection limit of the pool.",
		func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }, "gauge")
	gauge("jxjy_db_open_connections", "Connections open, in use or idle.",
		func(s sql.DBStats) float64 { return float64(s.OpenConnections) }, "gauge")
	gauge("jxjy_db_in_use_connections", "Connections serving a query or transaction.",
		func(s sql.DBStats) float64 { return float64(s.InUse) }, "gauge")
	gauge("jxjy_db_idle_connections", "Idle connections.",
		func(s sql.DBStats) float64 { return float64(s.Idle) }, "gauge")
	gauge("jxjy_db_wait_count_total", "Times a request waited for a free connection.",
		func(s sql.DBStats) float64 { return float64(s.WaitCount) }, "counter")
	gauge("jxjy_db_wait_duration_seconds_total", "Time spent waiting for a free connection.",
		func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }, "counter")
}

func writeProcessMetrics(w *bufio.Writer) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_goroutines Goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_inuse_bytes Heap bytes in use.\n# TYPE go_memstats_heap_inuse_bytes gauge\ngo_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	if rss, ok := residentBytes(); ok {
		fmt.Fprintf(w, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n", rss)
	}
}

// residentBytes reads the resident set size from /proc (Linux only; other
// systems go without the line).
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}

// labelValue quotes a label value as the text format wants.
func labelValue(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
