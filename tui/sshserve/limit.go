package sshserve

import (
	"net"
	"sync"
	"time"
)

// rateLimiter allows each IP address at most n new connections in any
// window, so a script guessing passwords, or a stuck client reconnecting in
// a loop, cannot take the server's sessions or CPU (bcrypt) from others.
type rateLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu     sync.Mutex
	recent map[string][]time.Time
}

func newRateLimiter(n int, window time.Duration) *rateLimiter {
	return &rateLimiter{n: n, window: window, now: time.Now, recent: map[string][]time.Time{}}
}

// allow records a connection from addr and reports whether it is within
// the limit; n <= 0 allows everything.
func (l *rateLimiter) allow(addr net.Addr) bool {
	if l.n <= 0 {
		return true
	}
	ip := addr.String()
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.recent[ip][:0]
	for _, t := range l.recent[ip] {
		if now.Sub(t) < l.window {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.n {
		l.recent[ip] = kept
		return false
	}
	l.recent[ip] = append(kept, now)
	// Forget addresses gone quiet, so the map does not grow for ever.
	if len(l.recent) > 4096 {
		for k, ts := range l.recent {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.recent, k)
			}
		}
	}
	return true
}
