package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

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
	if len(key) > 128 {
		a.writeError(w, r, domain.Errorf(domain.CodeBadRequest, "Idempotency-Key 过长"))
		return
	}
	scope := "anon"
	if p, ok := domain.PrincipalFrom(r.Context()); ok {
		scope = "user:" + strconv.FormatInt(p.User.ID, 10)
	}
	scope += " " + rt.Method + " " + r.URL.Path
	// The claim must be settled even if the caller hangs up mid-request.
	ctx := context.WithoutCancel(r.Context())
	replay, err := a.cfg.Idempotency.Begin(ctx, scope, key)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if replay != nil {
		w.Header().Set("Content-Type", replay.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(replay.Status)
		_, _ = w.Write(replay.Body)
		return
	}
	buf := &bufferedWriter{header: w.Header()}
	if err := rt.handler(buf, r); err != nil {
		a.writeError(buf, r, err)
	}
	if buf.status == 0 {
		buf.status = http.StatusOK
	}
	if buf.status >= 500 {
		if err := a.cfg.Idempotency.Abort(ctx, scope, key); err != nil {
			a.log.ErrorContext(ctx, "idempotency abort", "err", err)
		}
	} else if err := a.cfg.Idempotency.Finish(ctx, scope, key, StoredResponse{
		Status: buf.status, ContentType: buf.header.Get("Content-Type"), Body: buf.body.Bytes(),
	}); err != nil {
		a.log.ErrorContext(ctx, "idempotency finish", "err", err)
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}
