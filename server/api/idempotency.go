package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"jxjy/server/domain"
)

// bufferedWriter holds the answer so it can be stored before it is sent.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// idempotent runs a keyed POST at most once per caller: the first answer is
// stored and replayed to retries. Server errors are not stored, so a retry
// after a failure runs again.
func (a *API) idempotent(w http.ResponseWriter, r *http.Request, rt Route, key string) {
	scope, handled, err := a.claimKey(w, r, key)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if handled {
		return
	}
	buf := &bufferedWriter{header: w.Header()}
	if err := rt.handler(buf, r); err != nil {
		a.writeError(buf, r, err)
	}
	if buf.status == 0 {
		buf.status = http.StatusOK
	}
	a.settleKey(r, scope, key, StoredResponse{Status: buf.status, ContentType: buf.header.Get("Content-Type"), Body: buf.body.Bytes()})
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}

// keyWait bounds how long a retry waits for its still-running first
// attempt, polling every keyPoll, before it is told to try again later.
const (
	keyWait = time.Minute
	keyPoll = 100 * time.Millisecond
)

// claimKey claims the caller's key for this route. A retry whose first
// attempt is still running (its answer was lost on a slow link, not its
// work) waits for that attempt and gets its answer: handled reports that
// the stored answer has been written.
func (a *API) claimKey(w http.ResponseWriter, r *http.Request, key string) (scope string, handled bool, err error) {
	if len(key) > 128 {
		return "", false, domain.Errorf(domain.CodeBadRequest, "Idempotency-Key 过长")
	}
	scope = "anon"
	if p, ok := domain.PrincipalFrom(r.Context()); ok {
		scope = "user:" + strconv.FormatInt(p.User.ID, 10)
	}
	scope += " " + r.Method + " " + r.URL.Path
	// The claim must be settled even if the caller hangs up mid-request.
	ctx := context.WithoutCancel(r.Context())
	deadline := time.Now().Add(keyWait)
	for {
		replay, err := a.cfg.Idempotency.Begin(ctx, scope, key)
		if errors.Is(err, domain.ErrRequestInProgress) && time.Now().Before(deadline) {
			select {
			case <-r.Context().Done():
				return "", false, err
			case <-time.After(keyPoll):
				continue
			}
		}
		if err != nil {
			return "", false, err
		}
		if replay == nil {
			return scope, false, nil
		}
		w.Header().Set("Content-Type", replay.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(replay.Status)
		_, _ = w.Write(replay.Body)
		return scope, true, nil
	}
}

// settleKey stores the answer for replay, or releases the claim after a
// server error so that a retry runs again.
func (a *API) settleKey(r *http.Request, scope, key string, answer StoredResponse) {
	ctx := context.WithoutCancel(r.Context())
	if answer.Status >= 500 {
		if err := a.cfg.Idempotency.Abort(ctx, scope, key); err != nil {
			a.log.ErrorContext(ctx, "idempotency abort", "err", err)
		}
		return
	}
	if err := a.cfg.Idempotency.Finish(ctx, scope, key, answer); err != nil {
		a.log.ErrorContext(ctx, "idempotency finish", "err", err)
	}
}
