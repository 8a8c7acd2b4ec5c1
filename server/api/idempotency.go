package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
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

// spoolMemory is how much of a keyed body is held in memory; the rest of
// an upload waits in a temporary file.
const spoolMemory = 1 << 20

// spoolBody reads the body whole, so that its hash is known before the
// claim, and gives the handler a copy to read. The hash covers the query
// too: the same key with other parameters is another request. A body cut
// by its size limit keeps its error, which the handler reports as before.
// A temporary file is closed and removed when the request ends.
func spoolBody(r *http.Request) (hash string, err error) {
	// A large upload may be refused by its declared size before it is
	// read; reading it here would defeat that, so only bodies of up to
	// spoolMemory (or of unknown size) are checked against the key.
	if r.ContentLength > spoolMemory {
		return "", nil
	}
	sum := sha256.New()
	sum.Write([]byte(r.URL.RawQuery))
	sum.Write([]byte{0})
	var mem bytes.Buffer
	n, readErr := io.Copy(io.MultiWriter(sum, &mem), io.LimitReader(r.Body, spoolMemory))
	var rest io.Reader = bytes.NewReader(mem.Bytes())
	if readErr == nil && n == spoolMemory {
		f, err := os.CreateTemp("", "jxjy-body-*")
		if err != nil {
			return "", err
		}
		context.AfterFunc(r.Context(), func() { f.Close(); os.Remove(f.Name()) })
		if _, readErr = io.Copy(io.MultiWriter(sum, f), r.Body); readErr == nil || isTooLarge(readErr) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return "", err
			}
			rest = io.MultiReader(rest, f)
		}
	}
	if readErr != nil {
		if !isTooLarge(readErr) {
			return "", fmt.Errorf("read request body: %w", readErr)
		}
		rest = io.MultiReader(rest, errReader{readErr})
	}
	r.Body = io.NopCloser(rest)
	return hex.EncodeToString(sum.Sum(nil)), nil
}

func isTooLarge(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig)
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

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
	requestHash, err := spoolBody(r)
	if err != nil {
		return "", false, err
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
		replay, err := a.cfg.Idempotency.Begin(ctx, scope, key, requestHash)
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
// server error, or when the client left before its answer (the work was
// cancelled with it), so that a retry runs again.
func (a *API) settleKey(r *http.Request, scope, key string, answer StoredResponse) {
	ctx := context.WithoutCancel(r.Context())
	if answer.Status >= 500 || answer.Status == StatusClientClosed {
		if err := a.cfg.Idempotency.Abort(ctx, scope, key); err != nil {
			a.log.ErrorContext(ctx, "idempotency abort", "err", err)
		}
		return
	}
	if err := a.cfg.Idempotency.Finish(ctx, scope, key, answer); err != nil {
		a.log.ErrorContext(ctx, "idempotency finish", "err", err)
	}
}
