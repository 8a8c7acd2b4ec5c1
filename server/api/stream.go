package api

import (
	"net/http"
	"time"
)

// writeRenewer keeps a long answer going while it progresses. The server's
// WriteTimeout counts from the request's start and would cut an export of
// many records over a county office's link; renewing it before each write
// lets the stream run as long as the client reads, and still lets go of a
// client that stops reading within one WriteTimeout.
type writeRenewer struct {
	rc      *http.ResponseController
	timeout time.Duration
	next    time.Time // renew once past this
}

func (a *API) renewWrites(w http.ResponseWriter) *writeRenewer {
	return &writeRenewer{rc: http.NewResponseController(w), timeout: a.cfg.WriteTimeout}
}

// renew is called before each write. Deadlines are wall-clock time, so it
// reads time.Now rather than the API's (test-movable) clock; it renews at
// most every quarter timeout, which leaves each write at least three
// quarters of one.
func (r *writeRenewer) renew() {
	if r.timeout <= 0 {
		return
	}
	now := time.Now()
	if now.Before(r.next) {
		return
	}
	// Fails only where no connection is reachable (an in-memory recorder),
	// which has no deadline to renew either.
	_ = r.rc.SetWriteDeadline(now.Add(r.timeout))
	r.next = now.Add(r.timeout / 4)
}
