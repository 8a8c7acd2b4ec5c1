package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// TestLoad runs simulated operators against a server on loopback: each
// reads lists and creates teachers as fast as answers come. It asserts no
// 5xx and no lost write (every acknowledged create is stored once). Off by
// default; the README's numbers come from the full run:
//
//	JXJY_LOAD=full go test ./server/api -run '^TestLoad$' -v -timeout 10m   # 200 operators, 60 s
//	JXJY_LOAD=short go test ./server/api -run '^TestLoad$' -v               # 20 operators, 5 s
func TestLoad(t *testing.T) {
	operators, duration := 0, time.Duration(0)
	switch os.Getenv("JXJY_LOAD") {
	case "full":
		operators, duration = 200, 60*time.Second
	case "short":
		operators, duration = 20, 5*time.Second
	default:
		t.Skip("set JXJY_LOAD=short or JXJY_LOAD=full")
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1})
		// Logins are argon2 hashes: a handful of sessions, shared.
		tokens := []string{token(t, env, store.DemoUnit), token(t, env, store.DemoUnit), token(t, env, store.DemoUnit)}
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: operators}, Timeout: 30 * time.Second}
		var before domain.Page[domain.Teacher]
		wantStatus(t, call(t, env, "GET", "/teachers?limit=1", tokens[0], nil, &before), 200, "teachers before")

		var requests, writes, fivexx, failures atomic.Int64
		var mu sync.Mutex
		created := map[string]bool{}
		var latencies []time.Duration
		stop := time.Now().Add(duration)
		var wg sync.WaitGroup
		for op := 0; op < operators; op++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok := tokens[op%len(tokens)]
				var mine []time.Duration
				for i := 0; time.Now().Before(stop); i++ {
					method, path, body := "GET", []string{"/persons?limit=20", "/records?limit=20", "/courses?limit=20", "/teachers?limit=20"}[i%4], []byte(nil)
					name := ""
					if i%5 == 4 {
						name = fmt.Sprintf("负载%03d-%05d", op, i)
						method, path = "POST", "/teachers"
						body, _ = json.Marshal(domain.TeacherInput{Name: name, Gender: "男"})
					}
					req, _ := http.NewRequest(method, env.URL+"/api/v1"+path, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					start := time.Now()
					resp, err := hc.Do(req)
					requests.Add(1)
					if err != nil {
						failures.Add(1)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(start))
					switch {
					case resp.StatusCode >= 500:
						fivexx.Add(1)
					case name != "" && resp.StatusCode == 201:
						writes.Add(1)
						mu.Lock()
						created[name] = true
						mu.Unlock()
					case resp.StatusCode >= 300:
						failures.Add(1)
					}
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()

		var after domain.Page[domain.Teacher]
		wantStatus(t, call(t, env, "GET", "/teachers?limit=1", tokens[0], nil, &after), 200, "teachers after")
		p50, p99 := percentile(latencies, 50), percentile(latencies, 99)
		t.Logf("%s: %d operators, %s: %d requests (%.0f/s), %d acknowledged writes, %d 5xx, %d other failures, p50 %s, p99 %s",
			db.Dialect(), operators, duration, requests.Load(), float64(requests.Load())/duration.Seconds(), writes.Load(),
			fivexx.Load(), failures.Load(), p50, p99)
		if fivexx.Load() != 0 || failures.Load() != 0 {
			t.Errorf("%d answers 5xx, %d failed otherwise", fivexx.Load(), failures.Load())
		}
		if int64(after.Total) != int64(before.Total)+writes.Load() || int64(len(created)) != writes.Load() {
			t.Errorf("lost or extra writes: %d teachers before, %d after, %d acknowledged", before.Total, after.Total, writes.Load())
		}
		var stored domain.Page[domain.Teacher]
		wantStatus(t, call(t, env, "GET", "/teachers?name=负载&limit=1", tokens[0], nil, &stored), 200, "created teachers")
		if int64(stored.Total) != writes.Load() {
			t.Errorf("%d load teachers stored, %d acknowledged", stored.Total, writes.Load())
		}
	})
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
