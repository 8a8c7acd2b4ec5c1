package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// Requests abandoned mid-query leave connections the driver closes on
// its own time; the requests right after them (a login among them, as at
// a `jxjy bench` cut-off) must all succeed, never 500 "driver: bad
// connection".
func TestRequestsAfterCancelledOnesSucceed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoUnit)
		get := func(ctx context.Context, path string) (int, error) {
			req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/api/v1"+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		for round := range 3 {
			var wg sync.WaitGroup
			for i := range 60 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx, cancel := context.WithTimeout(t.Context(), time.Duration(1+i%5)*time.Millisecond)
					defer cancel()
					_, _ = get(ctx, "/query/records?limit=200")
				}()
			}
			wg.Wait()
			// At once, with no pause for the pool to settle.
			if _, err := env.Client().NewCaptcha(t.Context()); err != nil {
				t.Fatalf("round %d: captcha right after the cancellations: %v", round, err)
			}
			token(t, env, store.DemoInstitution)
			for i := range 40 {
				if status, err := get(t.Context(), "/persons?limit=5"); err != nil || status != 200 {
					t.Fatalf("round %d, request %d after the cancellations: %d %v", round, i, status, err)
				}
			}
		}
	})
}
