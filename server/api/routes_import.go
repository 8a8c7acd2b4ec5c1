package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"jxjy/server/domain"
)

// Names of the files the import routes answer with.
const (
	importTemplateName = "继续教育记录导入模板.xlsx"
	importReportName   = "继续教育记录导入错误报告.xlsx"
)

// recordImportRoutes are 继续教育记录批量申报. An upload is the .xlsx as the
// raw body, its name in the query. Checking and the error report store
// nothing, so they take no Idempotency-Key; 入库 honours one itself,
// because the middleware's replay holds the whole answer back and would
// swallow the progress lines.
func (a *API) recordImportRoutes() []Route {
	unit := []domain.Role{domain.RoleUnit}
	upload := Access{Roles: unit, NoIdempotency: true}
	return []Route{
		{Method: "GET", Path: "/record-import/template", Summary: "继续教育记录批量申报模板（.xlsx）", Access: Access{Roles: unit}, handler: a.importTemplate},
		{Method: "POST", Path: "/record-import/validate", Summary: "上传校验：逐行校验，不保存记录，答复校验编号 id（请求体为 .xlsx，name 为文件名；Accept: application/x-ndjson 时先报告进度）",
			Access: upload, Upload: true, handler: a.validateImport},
		{Method: "POST", Path: "/record-import/validations/{id}", Summary: "数据入库：在一个事务中保存校验编号 id 的报告中的全部有效行（Idempotency-Key 防重复；进度同上）",
			Access: Access{Roles: unit, NoIdempotency: true}, handler: a.importValidated},
		{Method: "GET", Path: "/record-import/validations/{id}/error-report", Summary: "校验编号 id 的错误报告（.xlsx）：有问题的行及错误说明",
			Access: Access{Roles: unit}, handler: a.validationErrorReport},
		{Method: "POST", Path: "/record-import", Summary: "校验并入库一步完成（供脚本使用；请求体同上传校验；Idempotency-Key 防重复）",
			Access: upload, Upload: true, handler: a.importRecords},
		{Method: "POST", Path: "/record-import/error-report", Summary: "错误报告（.xlsx）：有问题的行及错误说明（请求体同上传校验）",
			Access: upload, Upload: true, handler: a.importErrorReport},
	}
}

func importUpload(r *http.Request) domain.ImportUpload {
	return domain.ImportUpload{Name: r.URL.Query().Get("name"), Size: r.ContentLength, Body: r.Body}
}

// writeWorkbook answers with an .xlsx to save as name.
func writeWorkbook(w http.ResponseWriter, name string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", domain.ContentTypeXLSX)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func (a *API) importTemplate(w http.ResponseWriter, r *http.Request) error {
	data, err := a.cfg.RecordImport.ImportTemplate(r.Context())
	if err != nil {
		return err
	}
	writeWorkbook(w, importTemplateName, data)
	return nil
}

func (a *API) importErrorReport(w http.ResponseWriter, r *http.Request) error {
	extendWrite(w)
	data, err := a.cfg.RecordImport.ImportErrorReport(r.Context(), importUpload(r))
	if err != nil {
		return err
	}
	writeWorkbook(w, importReportName, data)
	return nil
}

func (a *API) validationErrorReport(w http.ResponseWriter, r *http.Request) error {
	data, err := a.cfg.RecordImport.ValidationErrorReport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeWorkbook(w, importReportName, data)
	return nil
}

func (a *API) validateImport(w http.ResponseWriter, r *http.Request) error {
	a.runImport(w, r, func(ctx context.Context, up domain.ImportUpload) (any, domain.ImportLine, error) {
		rep, err := a.cfg.RecordImport.ValidateImport(ctx, up)
		return rep, domain.ImportLine{Report: &rep}, err
	})
	return nil
}

// importValidated stores a validation's rows, at most once per
// Idempotency-Key as importRecords.
func (a *API) importValidated(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return a.keyedImport(w, r, func(ctx context.Context, up domain.ImportUpload) (any, domain.ImportLine, error) {
		res, err := a.cfg.RecordImport.ImportValidated(ctx, id, up.Progress)
		return res, domain.ImportLine{Result: &res}, err
	})
}

// importRecords stores the rows at most once per Idempotency-Key: a retry
// after a dropped link gets the first answer back, as plain JSON.
func (a *API) importRecords(w http.ResponseWriter, r *http.Request) error {
	return a.keyedImport(w, r, func(ctx context.Context, up domain.ImportUpload) (any, domain.ImportLine, error) {
		res, err := a.cfg.RecordImport.ImportRecords(ctx, up)
		return res, domain.ImportLine{Result: &res}, err
	})
}

// keyedImport runs an import that stores, honouring an Idempotency-Key.
func (a *API) keyedImport(w http.ResponseWriter, r *http.Request,
	run func(context.Context, domain.ImportUpload) (any, domain.ImportLine, error)) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || a.cfg.Idempotency == nil {
		a.runImport(w, r, run)
		return nil
	}
	scope, handled, err := a.claimKey(w, r, key)
	if err != nil || handled {
		return err
	}
	a.settleKey(r, scope, key, a.runImport(w, r, run))
	return nil
}

// runImport runs one upload's work and answers: with NDJSON lines when the
// client asked for them and the work reported progress, else with plain
// JSON. It returns the plain answer, which is what a replay sends.
func (a *API) runImport(w http.ResponseWriter, r *http.Request,
	work func(context.Context, domain.ImportUpload) (any, domain.ImportLine, error)) StoredResponse {
	extendWrite(w)
	up := importUpload(r)
	var lines *progressLines
	if strings.Contains(r.Header.Get("Accept"), "application/x-ndjson") {
		lines = newProgressLines(w)
		up.Progress = lines.report
	}
	value, last, err := work(r.Context(), up)
	if err != nil && a.clientClosed(r, err) {
		// The writer goroutine must be done with w before the handler
		// returns, even when nobody reads the stream any more.
		if lines == nil || !lines.finish() {
			w.WriteHeader(StatusClientClosed)
		}
		return StoredResponse{Status: StatusClientClosed}
	}
	answer := StoredResponse{Status: http.StatusOK, ContentType: "application/json; charset=utf-8"}
	var de *domain.Error
	if err != nil {
		de = a.publicError(r, err)
		answer.Status = de.Code.HTTPStatus()
		answer.Body, _ = json.Marshal(errorBody{Error: de, RequestID: requestID(r.Context())})
	} else {
		answer.Body, _ = json.Marshal(value)
	}
	if lines != nil && lines.finish() {
		if de != nil {
			last = domain.ImportLine{Error: de}
		}
		lines.write(last)
		return answer
	}
	w.Header().Set("Content-Type", answer.ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(answer.Status)
	_, _ = w.Write(answer.Body)
	return answer
}

// extendWrite lets the answer go out after a slow upload: the server's
// write timeout counts from the request's start, and a 10 MB file over a
// county office's link takes minutes to arrive.
func extendWrite(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTimeout))
}

// publicError is err as the client may see it; foreign errors are logged
// and hidden, as writeError does.
func (a *API) publicError(r *http.Request, err error) *domain.Error {
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	a.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r.Context())), slog.Any("err", err))
	return &domain.Error{Code: domain.CodeInternal, Message: domain.ErrorMessage(err)}
}

// progressLines streams progress as NDJSON. The service reports from
// inside its transaction and must never wait for a slow link, so report
// only leaves the latest progress behind; a goroutine writes it out when
// the link takes it, skipping what it had no time for.
type progressLines struct {
	w   http.ResponseWriter
	enc *json.Encoder

	mu      sync.Mutex
	latest  *domain.ImportProgress
	wake    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
	// started is set by the writer goroutine; read after finish.
	started bool
}

func newProgressLines(w http.ResponseWriter) *progressLines {
	p := &progressLines{w: w, enc: json.NewEncoder(w), wake: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go p.run()
	return p
}

func (p *progressLines) report(pr domain.ImportProgress) {
	p.mu.Lock()
	p.latest = &pr
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *progressLines) run() {
	defer close(p.stopped)
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		}
		p.mu.Lock()
		pr := p.latest
		p.latest = nil
		p.mu.Unlock()
		if pr != nil {
			p.write(domain.ImportLine{Progress: pr})
		}
	}
}

// write sends one line, starting the stream with the first.
func (p *progressLines) write(line domain.ImportLine) {
	if !p.started {
		p.started = true
		p.w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		p.w.Header().Set("Cache-Control", "no-store")
		p.w.WriteHeader(http.StatusOK)
	}
	_ = p.enc.Encode(line)
	// Behind gzip the flush fails and the lines arrive together at the
	// end; clients that want progress ask for identity encoding.
	_ = http.NewResponseController(p.w).Flush()
}

// finish stops the writer, sends the last progress if the writer had
// not yet (so a stream ends at 100 %, and work that reported progress is
// answered as a stream), and reports whether the stream has started;
// after it, only the caller writes.
func (p *progressLines) finish() bool {
	close(p.stop)
	<-p.stopped
	p.mu.Lock()
	pr := p.latest
	p.latest = nil
	p.mu.Unlock()
	if pr != nil {
		p.write(domain.ImportLine{Progress: pr})
	}
	return p.started
}
