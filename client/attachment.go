package client

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jxjy/server/domain"
)

// HTTP headers of attachment transfers, as the server's api package names
// them.
const (
	headerAttachmentID     = "X-Attachment-ID"
	headerAttachmentSHA256 = "X-Attachment-SHA256"
)

// ListAttachments implements domain.AttachmentService.
func (c *Client) ListAttachments(ctx context.Context, ownerType string, ownerID int64) ([]domain.Attachment, error) {
	var out []domain.Attachment
	err := c.do(ctx, call{method: http.MethodGet, path: entityPath(ownerType, ownerID) + "/attachments", out: &out})
	return out, err
}

// DeleteAttachment implements domain.AttachmentService.
func (c *Client) DeleteAttachment(ctx context.Context, id int64) error {
	return c.do(ctx, call{method: http.MethodDelete, path: "/attachments/" + strconv.FormatInt(id, 10)})
}

// transfers is the HTTP client for files. It shares resty's transport but
// not its per-call timeout, which would cut a large file on a slow link:
// the caller's context bounds a transfer instead. Bodies stream both ways,
// never held whole in memory, and travel uncompressed (they are PDFs and
// images already), so Content-Length is the size to show progress against.
func (c *Client) transfers() *http.Client {
	return &http.Client{Transport: c.http.GetClient().Transport}
}

// transferRequest builds a file request with the session and the headers
// every transfer carries.
func (c *Client) transferRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	if c.refused != nil {
		return nil, c.refused
	}
	req, err := http.NewRequestWithContext(ctx, method, c.http.BaseURL+path, body)
	if err != nil {
		return nil, domain.Errorf(domain.CodeBadRequest, "请求无效")
	}
	if t := c.Token(); t != "" {
		req.Header.Set("Authorization", "Bearer "+t)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("User-Agent", "jxjy-client/1")
	if c.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", c.forwardedFor)
	}
	return req, nil
}

// linkError is the error for a transfer that got no answer.
func linkError(ctx context.Context) error {
	if ctx.Err() != nil {
		return domain.Errorf(domain.CodeUnavailable, "请求已取消或超时")
	}
	return domain.Errorf(domain.CodeUnavailable, "无法连接服务器，请检查网络后重试")
}

// attemptBodies returns a function giving each attempt of an upload its
// own reader of body, or nil when body cannot be read again (not a file
// or a buffer, or of unknown size). The transport may still be reading an
// abandoned attempt's body when the next attempt starts, so attempts
// never share an offset: each reads through a section of its own.
func attemptBodies(body io.Reader, size int64) func() io.Reader {
	at, ok := body.(io.ReaderAt)
	if !ok || size < 0 {
		return nil
	}
	return func() io.Reader { return io.NewSectionReader(at, 0, size) }
}

// gatewayFailure reports a status that a proxy, not the server, produced.
func gatewayFailure(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// errorOf reads a failed answer's body into a domain error.
func errorOf(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return decodeError(resp.StatusCode, b)
}

// UploadAttachment implements domain.AttachmentService. The file streams
// as the body with its length declared and "Expect: 100-continue", so a
// file the server refuses up front (too large, a foreign owner, an
// expired session) is never sent. A dropped link is retried with the same
// Idempotency-Key when the body can be read again (a file), so a retry never
// stores the file twice.
func (c *Client) UploadAttachment(ctx context.Context, up domain.AttachmentUpload) (domain.Attachment, error) {
	path := entityPath(up.OwnerType, up.OwnerID) + "/attachments?" + url.Values{"name": {up.Name}}.Encode()
	key := newKey()
	bodies := attemptBodies(up.Body, up.Size)
	canRetry := bodies != nil
	wait := c.http.RetryWaitTime
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return domain.Attachment{}, linkError(ctx)
			case <-time.After(wait):
			}
			wait = min(wait*2, 3*time.Second)
		}
		var body io.Reader = up.Body
		if bodies != nil {
			body = bodies()
		}
		if up.Progress != nil {
			body = &progressReader{r: body, total: up.Size, report: up.Progress}
		}
		req, err := c.transferRequest(ctx, http.MethodPost, path, body)
		if err != nil {
			return domain.Attachment{}, err
		}
		if up.Size >= 0 {
			req.ContentLength = up.Size
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("Idempotency-Key", key)
		req.Header.Set("Expect", "100-continue")
		resp, err := c.transfers().Do(req)
		retry := canRetry && attempt < c.http.RetryCount && ctx.Err() == nil
		if err != nil {
			if retry {
				continue
			}
			return domain.Attachment{}, linkError(ctx)
		}
		if gatewayFailure(resp.StatusCode) && retry {
			resp.Body.Close()
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 {
			return domain.Attachment{}, errorOf(resp)
		}
		var out domain.Attachment
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return domain.Attachment{}, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
		return out, nil
	}
}

// progressReader reports how much of a body has been read.
type progressReader struct {
	r      io.Reader
	done   int64
	total  int64
	report func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.report(p.done, p.total)
	}
	return n, err
}

// OpenAttachment implements domain.AttachmentService. The file's details
// come from the answer's headers: id, name, content type, size and digest
// (not its owner or uploader, which the listing has). The caller reads
// the content as it arrives and closes it.
func (c *Client) OpenAttachment(ctx context.Context, id int64) (domain.Attachment, io.ReadCloser, error) {
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		req, err := c.transferRequest(ctx, http.MethodGet, "/attachments/"+strconv.FormatInt(id, 10), nil)
		if err != nil {
			return domain.Attachment{}, nil, err
		}
		resp, err = c.transfers().Do(req)
		retry := attempt < c.http.RetryCount && ctx.Err() == nil
		if err == nil && !(gatewayFailure(resp.StatusCode) && retry) {
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		if !retry {
			return domain.Attachment{}, nil, linkError(ctx)
		}
		select {
		case <-ctx.Done():
			return domain.Attachment{}, nil, linkError(ctx)
		case <-time.After(c.http.RetryWaitTime):
		}
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		return domain.Attachment{}, nil, errorOf(resp)
	}
	att := domain.Attachment{ID: id, ContentType: resp.Header.Get("Content-Type"), Size: resp.ContentLength,
		SHA256: resp.Header.Get(headerAttachmentSHA256)}
	if v, err := strconv.ParseInt(resp.Header.Get(headerAttachmentID), 10, 64); err == nil {
		att.ID = v
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		att.Name = params["filename"]
	}
	if att.Name == "" {
		resp.Body.Close()
		return domain.Attachment{}, nil, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
	}
	return att, resp.Body, nil
}
