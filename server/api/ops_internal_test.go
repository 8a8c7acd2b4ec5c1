package api

import (
	"bufio"
	"strings"
	"testing"
	"time"
)

// A latency lands in the first bucket whose bound it does not exceed, and
// buckets are cumulative, as Prometheus reads them.
func TestLatencyHistogramBuckets(t *testing.T) {
	a := &API{}
	a.metrics.observe("GET /x", 200, 50*time.Millisecond)
	a.metrics.observe("GET /x", 200, 30*time.Millisecond)
	a.metrics.observe("GET /x", 500, 20*time.Second)
	var b strings.Builder
	w := bufio.NewWriter(&b)
	a.writeRequestMetrics(w)
	_ = w.Flush()
	out := b.String()
	for _, want := range []string{
		`jxjy_http_requests_total{route="GET /x",code="200"} 2`,
		`jxjy_http_requests_total{route="GET /x",code="500"} 1`,
		`jxjy_http_request_duration_seconds_bucket{route="GET /x",le="0.025"} 0`,
		`jxjy_http_request_duration_seconds_bucket{route="GET /x",le="0.05"} 2`,
		`jxjy_http_request_duration_seconds_bucket{route="GET /x",le="10"} 2`,
		`jxjy_http_request_duration_seconds_bucket{route="GET /x",le="+Inf"} 3`,
		`jxjy_http_request_duration_seconds_count{route="GET /x"} 3`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestLabelValueEscapes(t *testing.T) {
	if got := labelValue("a\"b\\c\nd"); got != `"a\"b\\c\nd"` {
		t.Fatalf("got %s", got)
	}
}
