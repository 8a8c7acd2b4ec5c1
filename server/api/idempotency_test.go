package api

import (
	"context"
	"net/http/httptest"
	"testing"

	"jxjy/server/domain"
)

// runningTwin answers "still running" a few times, then the stored answer,
// as the store does while a first attempt finishes.
type runningTwin struct{ busy int }

func (f *runningTwin) Begin(context.Context, string, string, string) (*StoredResponse, error) {
	if f.busy > 0 {
		f.busy--
		return nil, domain.ErrRequestInProgress
	}
	return &StoredResponse{Status: 201, ContentType: "application/json", Body: []byte(`{"id":7}`)}, nil
}
func (f *runningTwin) Finish(context.Context, string, string, StoredResponse) error { return nil }
func (f *runningTwin) Abort(context.Context, string, string) error                  { return nil }

func TestRetryWaitsForItsRunningFirstAttempt(t *testing.T) {
	twin := &runningTwin{busy: 3}
	a := &API{cfg: Config{Idempotency: twin}}
	w := httptest.NewRecorder()
	_, handled, err := a.claimKey(w, httptest.NewRequest("POST", "/api/v1/records", nil), "k")
	if err != nil || !handled {
		t.Fatalf("handled=%v err=%v", handled, err)
	}
	if w.Code != 201 || w.Body.String() != `{"id":7}` || w.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay = %d %q", w.Code, w.Body.String())
	}
	if twin.busy != 0 {
		t.Fatal("did not wait for the first attempt")
	}
}

func TestRetryGivesUpWhenTheCallerLeaves(t *testing.T) {
	a := &API{cfg: Config{Idempotency: &runningTwin{busy: 1 << 30}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("POST", "/api/v1/records", nil).WithContext(ctx)
	_, _, err := a.claimKey(httptest.NewRecorder(), r, "k")
	if err != domain.ErrRequestInProgress {
		t.Fatalf("err = %v", err)
	}
}
