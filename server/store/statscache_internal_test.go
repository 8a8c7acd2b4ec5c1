package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jxjy/server/domain"
)

// Callers arriving while the figures are being computed wait for that
// computation rather than starting their own; a failed computation is not
// kept; without a TTL nothing is.
func TestStatsCacheComputesOnceForConcurrentCallers(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	c := newStatsCache(time.Minute)
	var computed atomic.Int32
	release := make(chan struct{})
	compute := func() (domain.Stats, error) {
		computed.Add(1)
		<-release
		return domain.Stats{Persons: 7, ComputedAt: now}, nil
	}
	var wg sync.WaitGroup
	results := make([]domain.Stats, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.get("440100|2026", now, compute)
		}()
	}
	for computed.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("computed %d times for 20 concurrent callers", n)
	}
	for i, r := range results {
		if r.Persons != 7 {
			t.Fatalf("caller %d got %+v", i, r)
		}
	}

	fail := errors.New("database gone")
	if _, err := c.get("440300|2026", now, func() (domain.Stats, error) { return domain.Stats{}, fail }); !errors.Is(err, fail) {
		t.Fatalf("error %v, want %v", err, fail)
	}
	if st, err := c.get("440300|2026", now, func() (domain.Stats, error) { return domain.Stats{Persons: 3, ComputedAt: now}, nil }); err != nil || st.Persons != 3 {
		t.Fatalf("after a failure the figures were not computed again: %+v %v", st, err)
	}

	if newStatsCache(0) != nil {
		t.Fatal("a zero TTL made a cache")
	}
	var off *statsCache
	for range 2 {
		if _, err := off.get("k", now, compute); err != nil {
			t.Fatal(err)
		}
	}
	if n := computed.Load(); n != 3 {
		t.Fatalf("without a cache: computed %d times in all, want 3", n)
	}
}
