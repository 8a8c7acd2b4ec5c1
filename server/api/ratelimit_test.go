package api

import (
	"testing"
	"time"
)

func TestIPLimiterRefillsAndIsolatesAddresses(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newIPLimiter(60, 3, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if !l.allow("10.0.0.1") {
			t.Fatalf("call %d refused inside the burst", i)
		}
	}
	if l.allow("10.0.0.1") {
		t.Fatal("call over the burst allowed")
	}
	if !l.allow("10.0.0.2") {
		t.Fatal("another address shares the budget")
	}
	now = now.Add(time.Second) // 60 per minute: one token back
	if !l.allow("10.0.0.1") || l.allow("10.0.0.1") {
		t.Fatal("refill is not one token per second")
	}
	now = now.Add(time.Hour)
	l.prune(now)
	if len(l.buckets) != 0 {
		t.Fatalf("full buckets not pruned: %d left", len(l.buckets))
	}
}
