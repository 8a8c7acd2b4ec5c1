package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jxjy/server/domain"
)

var _ domain.RecordImportService = (*Client)(nil)

// maxImportAnswer bounds what an import answer may make the client read:
// the report of a full file with a problem in every cell stays well under.
const maxImportAnswer = 64 << 20

// ImportTemplate implements domain.RecordImportService.
func (c *Client) ImportTemplate(ctx context.Context) ([]byte, error) {
	var out []byte
	err := c.transfer(ctx, func() (*http.Request, error) {
		return c.transferRequest(ctx, http.MethodGet, "/record-import/template", nil)
	}, false, func(resp *http.Response) error {
		var err error
		out, err = readWorkbook(resp)
		return err
	})
	return out, err
}

// ValidateImport implements domain.RecordImportService; up.Progress hears
// the upload's bytes, then the server's rows.
func (c *Client) ValidateImport(ctx context.Context, up domain.ImportUpload) (domain.ImportReport, error) {
	var out domain.ImportReport
	err := c.upload(ctx, "/record-import/validate", up, false, func(resp *http.Response) error {
		line, err := readImportAnswer(resp, up.Progress, &out)
		if err == nil && line.Report != nil {
			out = *line.Report
		}
		return err
	})
	return out, err
}

// ImportRecords implements domain.RecordImportService. The upload carries
// an Idempotency-Key, so a retry after a dropped link gets the stored
// answer; and were that lost too, the rows already stored come back as
// existing on the next import.
func (c *Client) ImportRecords(ctx context.Context, up domain.ImportUpload) (domain.ImportResult, error) {
	var out domain.ImportResult
	err := c.upload(ctx, "/record-import", up, true, func(resp *http.Response) error {
		line, err := readImportAnswer(resp, up.Progress, &out)
		if err == nil && line.Result != nil {
			out = *line.Result
		}
		return err
	})
	return out, err
}

// ImportValidated implements domain.RecordImportService. The call carries
// an Idempotency-Key and is retried after a dropped link with it, so the
// rows are stored once.
func (c *Client) ImportValidated(ctx context.Context, id string, progress func(domain.ImportProgress)) (domain.ImportResult, error) {
	var out domain.ImportResult
	path := "/record-import/validations/" + url.PathEscape(id)
	key := newKey()
	err := c.transfer(ctx, func() (*http.Request, error) {
		req, err := c.transferRequest(ctx, http.MethodPost, path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/x-ndjson, application/json")
		req.Header.Set("Idempotency-Key", key)
		return req, nil
	}, false, func(resp *http.Response) error {
		line, err := readImportAnswer(resp, progress, &out)
		if err == nil && line.Result != nil {
			out = *line.Result
		}
		return err
	})
	return out, err
}

// ValidationErrorReport implements domain.RecordImportService.
func (c *Client) ValidationErrorReport(ctx context.Context, id string) ([]byte, error) {
	var out []byte
	err := c.transfer(ctx, func() (*http.Request, error) {
		return c.transferRequest(ctx, http.MethodGet, "/record-import/validations/"+url.PathEscape(id)+"/error-report", nil)
	}, false, func(resp *http.Response) error {
		var err error
		out, err = readWorkbook(resp)
		return err
	})
	return out, err
}

// ImportErrorReport implements domain.RecordImportService.
func (c *Client) ImportErrorReport(ctx context.Context, up domain.ImportUpload) ([]byte, error) {
	var out []byte
	err := c.upload(ctx, "/record-import/error-report", up, false, func(resp *http.Response) error {
		var err error
		out, err = readWorkbook(resp)
		return err
	})
	return out, err
}

// upload sends up's file to path. Its length is declared with "Expect:
// 100-continue", so a file the server refuses up front is never sent; a
// file over the limit is refused here without asking. A dropped link is
// retried when the body can be read again, with the same Idempotency-Key when
// keyed.
func (c *Client) upload(ctx context.Context, path string, up domain.ImportUpload, keyed bool, read func(*http.Response) error) error {
	if up.Size > domain.MaxImportBytes {
		return &domain.Error{Code: domain.CodeTooLarge,
			Message: "文件超过" + domain.FormatBytes(domain.MaxImportBytes) + "，请删除多余的工作表、图片和格式，或分批导入"}
	}
	if up.Body == nil {
		return domain.Errorf(domain.CodeInvalid, "请选择要上传的文件")
	}
	path += "?" + url.Values{"name": {up.Name}}.Encode()
	key := newKey()
	bodies := attemptBodies(up.Body, up.Size)
	return c.transfer(ctx, func() (*http.Request, error) {
		var body io.Reader = up.Body
		if bodies != nil {
			body = bodies()
		}
		if up.Progress != nil {
			body = &progressReader{r: body, total: up.Size, report: func(done, total int64) {
				up.Progress(domain.ImportProgress{Stage: domain.StageUpload, Done: done, Total: total})
			}}
		}
		req, err := c.transferRequest(ctx, http.MethodPost, path, body)
		if err != nil {
			return nil, err
		}
		if up.Size >= 0 {
			req.ContentLength = up.Size
		}
		req.Header.Set("Content-Type", domain.ContentTypeXLSX)
		req.Header.Set("Accept", "application/x-ndjson, application/json")
		req.Header.Set("Expect", "100-continue")
		if keyed {
			req.Header.Set("Idempotency-Key", key)
		}
		return req, nil
	}, bodies != nil, read)
}

// transfer runs a request made by build, retrying link failures and
// gateway errors when the request has no body or its body can be sent
// again (resend), and hands the answer to read.
func (c *Client) transfer(ctx context.Context, build func() (*http.Request, error), resend bool,
	read func(*http.Response) error) error {
	wait := c.http.RetryWaitTime
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return linkError(ctx)
			case <-time.After(wait):
			}
			wait = min(wait*2, 3*time.Second)
		}
		req, err := build()
		if err != nil {
			return err
		}
		resp, err := c.transfers().Do(req)
		retry := attempt < c.http.RetryCount && ctx.Err() == nil && (req.Body == nil || resend)
		if err != nil {
			if retry {
				continue
			}
			return linkError(ctx)
		}
		if gatewayFailure(resp.StatusCode) && retry {
			resp.Body.Close()
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 {
			return errorOf(resp)
		}
		return read(resp)
	}
}

// readWorkbook reads an .xlsx answer.
func readWorkbook(resp *http.Response) ([]byte, error) {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), domain.ContentTypeXLSX) {
		return nil, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxImportAnswer))
	if err != nil {
		return nil, domain.Errorf(domain.CodeUnavailable, "下载中断：连接已断开，请重试")
	}
	return b, nil
}

// readImportAnswer reads the work's answer: NDJSON lines (progress, then
// the last line, returned) or, when the server answered at once or
// replayed a stored answer, plain JSON decoded into plain.
func readImportAnswer(resp *http.Response, progress func(domain.ImportProgress), plain any) (domain.ImportLine, error) {
	body := io.LimitReader(resp.Body, maxImportAnswer)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		if err := json.NewDecoder(body).Decode(plain); err != nil {
			return domain.ImportLine{}, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
		return domain.ImportLine{}, nil
	}
	// Lines are JSON values one after another; a decoder reads them
	// without a limit on one line's length (the report can be long).
	dec := json.NewDecoder(body)
	for {
		var line domain.ImportLine
		err := dec.Decode(&line)
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return line, domain.Errorf(domain.CodeUnavailable, "连接在处理中途断开，结果未知。请重新上传校验：已入库的行会显示为“已存在”")
		case err != nil:
			return line, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		case line.Error != nil:
			return line, line.Error
		case line.Progress != nil:
			if progress != nil {
				progress(*line.Progress)
			}
		case line.Report != nil, line.Result != nil:
			return line, nil
		default:
			return line, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
	}
}
