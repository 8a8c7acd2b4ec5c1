// Package client implements jxjy's domain service interfaces over HTTP with
// resty, so the TUI talks to the server without knowing about HTTP.
package client

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"jxjy/server/domain"
)

// Options tunes the client; zero values pick defaults fit for slow links.
type Options struct {
	// Timeout bounds one attempt (default 20 s).
	Timeout time.Duration
	// Retries is how often a retryable call is repeated (default 3).
	Retries int
	// RetryWait is the first back-off (default 300 ms; it grows to 3 s).
	RetryWait time.Duration
	// Transport replaces the HTTP transport (tests inject faults here).
	Transport http.RoundTripper
	// ForwardedFor is the address of the person this client acts for, sent
	// as X-Forwarded-For: `jxjy ssh` runs every operator's client from one
	// process, and a server that trusts it (--trusted-proxy) then budgets
	// each operator's logins by their own address, not the gateway's.
	ForwardedFor string
	// RootCAs are the CAs trusted for an https:// server (`--ca-file`);
	// nil trusts the system's roots.
	RootCAs *x509.CertPool
	// InsecureHTTP lets calls go to a remote http:// server, passwords
	// and sessions in clear text (`--insecure-http`); without it such a
	// client refuses every call with ErrPlainHTTP.
	InsecureHTTP bool
}

// Client is one operator's connection to a jxjy server. It holds that
// operator's session token; give each terminal session its own Client.
type Client struct {
	http  *resty.Client
	mu    sync.RWMutex
	token string
	// forwardedFor is Options.ForwardedFor, for requests made without resty.
	forwardedFor string
	// refused is ErrPlainHTTP when the server is remote plain HTTP and the
	// operator did not accept that.
	refused error
}

// Compile-time checks that Client implements the services the TUI uses.
var (
	_ domain.AuthService      = (*Client)(nil)
	_ domain.ReferenceService = (*Client)(nil)
	_ domain.AdminService     = (*Client)(nil)

	_ domain.UnitApplicationService = (*Client)(nil)
	_ domain.AttachmentService      = (*Client)(nil)
	_ domain.HistoryService         = (*Client)(nil)
)

// New returns a client for the server at baseURL (e.g. http://127.0.0.1:8080).
func New(baseURL string, o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.Retries <= 0 {
		o.Retries = 3
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 300 * time.Millisecond
	}
	r := resty.New().
		SetBaseURL(strings.TrimRight(baseURL, "/")+"/api/v1").
		SetTimeout(o.Timeout).
		SetRetryCount(o.Retries).
		SetRetryWaitTime(o.RetryWait).
		SetRetryMaxWaitTime(3*time.Second).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "jxjy-client/1").
		AddRetryCondition(retryable)
	r.SetTransport(transport(o))
	if o.ForwardedFor != "" {
		r.SetHeader("X-Forwarded-For", o.ForwardedFor)
	}
	r.SetLogger(quietLogger{})
	c := &Client{http: r, forwardedFor: o.ForwardedFor}
	if PlainRemote(baseURL) && !o.InsecureHTTP {
		c.refused = ErrPlainHTTP
	}
	return c
}

// retryable allows a retry only when repeating the call cannot duplicate a
// write: reads and idempotent methods, or a POST carrying an Idempotency-Key
// that the server replays. Only link failures and gateway errors qualify;
// an answer from the application itself is final.
func retryable(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	req := resp.Request
	if req.Context().Err() != nil {
		return false
	}
	safe := req.Method == http.MethodGet || req.Method == http.MethodPut || req.Method == http.MethodDelete ||
		req.Header.Get("Idempotency-Key") != ""
	if !safe {
		return false
	}
	if err != nil {
		// A certificate that failed once fails again: no retry to wait for.
		return tlsProblem(err) == ""
	}
	switch resp.StatusCode() {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Token is the current session token ("" when logged out).
func (c *Client) Token() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.token
}

func (c *Client) setToken(t string) {
	c.mu.Lock()
	c.token = t
	c.mu.Unlock()
}

// call describes one API call.
type call struct {
	method string
	path   string
	in     any
	out    any
	// noKey sends a POST without an Idempotency-Key, so it is never retried.
	noKey bool
}

// do runs a call and turns every failure into a *domain.Error.
func (c *Client) do(ctx context.Context, cl call) error {
	if c.refused != nil {
		return c.refused
	}
	req := c.http.R().SetContext(ctx)
	if t := c.Token(); t != "" {
		req.SetAuthToken(t)
	}
	if cl.in != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(cl.in)
	}
	if cl.method == http.MethodPost && !cl.noKey {
		// One key per logical call: every retry of it carries the same key.
		req.SetHeader("Idempotency-Key", newKey())
	}
	resp, err := req.Execute(cl.method, cl.path)
	if err != nil {
		if ctx.Err() != nil {
			return domain.Errorf(domain.CodeUnavailable, "请求已取消或超时")
		}
		if msg := tlsProblem(err); msg != "" {
			return &domain.Error{Code: domain.CodeUnavailable, Message: msg}
		}
		return domain.Errorf(domain.CodeUnavailable, "无法连接服务器，请检查网络后重试")
	}
	if resp.StatusCode() >= 400 {
		return decodeError(resp.StatusCode(), resp.Body())
	}
	if cl.out != nil && resp.StatusCode() != http.StatusNoContent {
		if err := json.Unmarshal(resp.Body(), cl.out); err != nil {
			return domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
	}
	return nil
}

// decodeError rebuilds the server's typed error; a body that is not ours
// (a proxy's error page) still maps to a code by its status.
func decodeError(status int, body []byte) error {
	var eb struct {
		Error *domain.Error `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil && eb.Error.Code != "" {
		return eb.Error
	}
	code := domain.CodeForStatus(status)
	msg := "服务器暂时无法处理请求，请稍后再试"
	if code == domain.CodeTooLarge {
		msg = "请求内容过大"
	}
	return &domain.Error{Code: code, Message: msg}
}

func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Ping checks that the server and its database answer.
func (c *Client) Ping(ctx context.Context) error {
	return c.do(ctx, call{method: http.MethodGet, path: "/healthz"})
}

// IsUnavailable reports whether err means the server could not be reached.
func IsUnavailable(err error) bool {
	var e *domain.Error
	return errors.As(err, &e) && e.Code == domain.CodeUnavailable
}

// quietLogger keeps resty from writing to the terminal the TUI draws on.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
