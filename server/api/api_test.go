package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) err(t *testing.T) *domain.Error {
	t.Helper()
	var eb struct {
		Error     *domain.Error `json:"error"`
		RequestID string        `json:"request_id"`
	}
	if err := json.Unmarshal(a.body, &eb); err != nil || eb.Error == nil {
		t.Fatalf("not an error body (%d): %s", a.status, a.body)
	}
	if eb.RequestID == "" {
		t.Fatal("error body without request id")
	}
	return eb.Error
}

func send(t *testing.T, method, url, token string, body io.Reader, hdr map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// A bare transport, so gzip is seen as sent rather than undone.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func token(t *testing.T, env *servertest.Env, user string) string {
	t.Helper()
	c := env.Client()
	cap, err := c.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: user, Password: "Demo@2026", CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	return c.Token()
}

func TestMalformedAndOversizedBodies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		url := env.URL + "/api/v1/units"
		a := send(t, "POST", url, "", strings.NewReader(`{"username": "x",`), nil)
		if a.status != 400 || a.err(t).Code != domain.CodeBadRequest {
			t.Fatalf("malformed JSON: %d %s", a.status, a.body)
		}
		a = send(t, "POST", url, "", strings.NewReader(`{"username": 12}`), nil)
		if a.status != 400 || !strings.Contains(a.err(t).Message, "username") {
			t.Fatalf("wrong type: %d %s", a.status, a.body)
		}
		a = send(t, "POST", url, "", strings.NewReader(""), nil)
		if a.status != 400 {
			t.Fatalf("empty body: %d %s", a.status, a.body)
		}
		big := `{"unit_name": "` + strings.Repeat("大", 1<<20) + `"}`
		a = send(t, "POST", url, "", strings.NewReader(big), nil)
		if a.status != 413 || a.err(t).Code != domain.CodeTooLarge {
			t.Fatalf("oversized: %d %s", a.status, a.body)
		}
	})
}

func TestEveryNonPublicRouteNeedsASession(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		for _, rt := range env.Srv.API.Routes() {
			if rt.Access.Public {
				continue
			}
			for _, tok := range []string{"", "forged-token"} {
				a := send(t, rt.Method, env.URL+"/api/v1"+rt.Path, tok, strings.NewReader("{}"), nil)
				if a.status != 401 || a.err(t).Code != domain.CodeUnauthenticated {
					t.Errorf("%s %s with token %q: %d %s", rt.Method, rt.Path, tok, a.status, a.body)
				}
			}
		}
	})
}

func TestRouteIndexAndUnknownRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		a := send(t, "GET", env.URL+"/api/v1", "", nil, nil)
		var idx struct {
			Routes []struct{ Method, Path string } `json:"routes"`
		}
		if err := json.Unmarshal(a.body, &idx); err != nil || len(idx.Routes) != len(env.Srv.API.Routes()) {
			t.Fatalf("index: %v %s", err, a.body)
		}
		a = send(t, "GET", env.URL+"/api/v1/nope", "", nil, nil)
		if a.status != 404 || a.err(t).Code != domain.CodeNotFound {
			t.Fatalf("unknown route: %d %s", a.status, a.body)
		}
	})
}

func TestGzipAndRequestID(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		a := send(t, "GET", env.URL+"/api/v1/reference", "", nil, map[string]string{"Accept-Encoding": "gzip", "X-Request-ID": "abc123"})
		if a.header.Get("Content-Encoding") != "gzip" || a.header.Get("X-Request-ID") != "abc123" {
			t.Fatalf("headers: %v", a.header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Contains(plain, []byte("广州市")) || len(a.body) >= len(plain) {
			t.Fatalf("gzip body %d bytes for %d plain", len(a.body), len(plain))
		}
		tok := token(t, env, "demo-unit")
		a = send(t, "DELETE", env.URL+"/api/v1/session", tok, nil, map[string]string{"Accept-Encoding": "gzip"})
		if a.status != 204 || len(a.body) != 0 {
			t.Fatalf("204 must stay bodiless: %d %q", a.status, a.body)
		}
	})
}

func TestIdempotencyKeyReplays(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, "admin")
		body := `{"username":"inst-b","password":"Start1234","role":"institution","display_name":"佛山培训中心"}`
		hdr := map[string]string{"Idempotency-Key": "k-1", "Content-Type": "application/json"}
		first := send(t, "POST", env.URL+"/api/v1/admin/accounts", tok, strings.NewReader(body), hdr)
		second := send(t, "POST", env.URL+"/api/v1/admin/accounts", tok, strings.NewReader(body), hdr)
		if first.status != 201 || second.status != 201 || !bytes.Equal(first.body, second.body) {
			t.Fatalf("first %d %s / second %d %s", first.status, first.body, second.status, second.body)
		}
		if second.header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("replay not marked")
		}
		third := send(t, "POST", env.URL+"/api/v1/admin/accounts", tok, strings.NewReader(body), map[string]string{"Idempotency-Key": "k-2"})
		if third.status != 409 {
			t.Fatalf("a new key must run again and hit the duplicate: %d %s", third.status, third.body)
		}
		// The same key with another body is not that request: replaying
		// the first answer would confirm an account never asked for.
		other := strings.Replace(body, "inst-b", "inst-c", 1)
		reused := send(t, "POST", env.URL+"/api/v1/admin/accounts", tok, strings.NewReader(other), hdr)
		if reused.status != 422 || reused.err(t).Message != "同一请求标识用于不同内容" || reused.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("reused key: %d %s", reused.status, reused.body)
		}
		if again := send(t, "POST", env.URL+"/api/v1/admin/accounts", tok, strings.NewReader(other), map[string]string{"Idempotency-Key": "k-3"}); again.status != 201 {
			t.Fatalf("the reused key's body ran after all: %d %s", again.status, again.body)
		}
	})
}

func TestLoginAnswerIsNeverCached(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		cap := send(t, "POST", env.URL+"/api/v1/captcha", "", nil, nil)
		var c domain.Captcha
		_ = json.Unmarshal(cap.body, &c)
		body := `{"username":"demo-unit","password":"Demo@2026","captcha_id":"` + c.ID + `","captcha_code":"x"}`
		hdr := map[string]string{"Idempotency-Key": "same"}
		a := send(t, "POST", env.URL+"/api/v1/session", "", strings.NewReader(body), hdr)
		b := send(t, "POST", env.URL+"/api/v1/session", "", strings.NewReader(body), hdr)
		if a.status != 201 || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("login: %d %v", a.status, a.header)
		}
		if b.header.Get("Idempotent-Replayed") != "" || bytes.Equal(a.body, b.body) {
			t.Fatal("a login answer (with its token) was stored and replayed")
		}
	})
}

func TestAnonymousDoorsAreRateLimitedPerAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: 1})
		limited := 0
		for i := 0; i < 25; i++ {
			a := send(t, "POST", env.URL+"/api/v1/captcha", "", nil, nil)
			if a.status == 429 {
				if a.err(t).Code != domain.CodeRateLimited {
					t.Fatalf("429 without rate_limited code: %s", a.body)
				}
				if a.header.Get("Retry-After") != "60" {
					t.Fatalf("429 with Retry-After %q, want the 60 s a token takes at 1 a minute", a.header.Get("Retry-After"))
				}
				limited++
			}
		}
		if limited != 5 {
			t.Fatalf("limited %d of 25 calls, want the 5 over the burst of 20", limited)
		}
		// Other routes are not budgeted.
		if a := send(t, "GET", env.URL+"/api/v1/reference", "", nil, nil); a.status != 200 {
			t.Fatalf("reference limited: %d", a.status)
		}
	})
}

// limit and offset out of range are refused with the allowed range, not
// clamped silently; absent, they take the defaults.
func TestPageParametersOutOfRange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoUnit)
		for _, q := range []string{"limit=-1", "limit=0", "limit=201", "limit=abc", "offset=-1", "offset=x"} {
			for _, path := range []string{"/persons", "/query/records", "/certificates"} {
				a := send(t, "GET", env.URL+"/api/v1"+path+"?"+q, tok, nil, nil)
				if a.status != 400 {
					t.Errorf("%s?%s: %d %s", path, q, a.status, a.body)
					continue
				}
				msg := a.err(t).Message
				if strings.HasPrefix(q, "limit") && !strings.Contains(msg, "1 到 200") || strings.HasPrefix(q, "offset") && !strings.Contains(msg, "不小于 0") {
					t.Errorf("%s?%s: message %q names no range", path, q, msg)
				}
			}
		}
		for _, q := range []string{"", "limit=1", "limit=200", "offset=0"} {
			if a := send(t, "GET", env.URL+"/api/v1/persons?"+q, tok, nil, nil); a.status != 200 {
				t.Errorf("/persons?%s: %d %s", q, a.status, a.body)
			}
		}
	})
}
