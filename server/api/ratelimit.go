package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"jxjy/server/domain"
)

// ipLimiter is a token bucket per client address for the anonymous entry
// points (captcha, login, registration), so one address cannot mint
// captchas or try passwords at machine speed. It is per server instance on
// purpose: the account lockout, which must hold across instances, lives in
// the database.
type ipLimiter struct {
	mu      sync.Mutex
	perMin  float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxTrackedIPs bounds the limiter's memory; idle buckets are dropped first.
const maxTrackedIPs = 100_000

func newIPLimiter(perMin, burst int, now func() time.Time) *ipLimiter {
	return &ipLimiter{perMin: float64(perMin), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for ip, reporting false when its bucket is empty.
func (l *ipLimiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[ip]
	if !ok {
		if len(l.buckets) >= maxTrackedIPs {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[ip] = b
	}
	b.tokens += now.Sub(b.last).Minutes() * l.perMin
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune forgets buckets that have refilled completely: they carry no state.
func (l *ipLimiter) prune(now time.Time) {
	full := time.Duration(l.burst / l.perMin * float64(time.Minute))
	for ip, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, ip)
		}
	}
}

// retryAfter is Retry-After for a refused address: the seconds one
// token takes to refill.
func (l *ipLimiter) retryAfter() string {
	return strconv.Itoa(int(math.Ceil(60 / l.perMin)))
}

// limited refuses a request over the address's budget.
func (a *API) limited(r *http.Request) error {
	if a.limiter == nil || a.limiter.allow(a.clientIP(r)) {
		return nil
	}
	return domain.Errorf(domain.CodeRateLimited, "操作过于频繁，请稍后再试")
}
