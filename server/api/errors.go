package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"jxjy/server/domain"
)

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error     *domain.Error `json:"error"`
	RequestID string        `json:"request_id,omitempty"`
}

// writeJSON answers with v as JSON.
// Answers carry personal data and tokens: no cache keeps them unless a
// handler says otherwise.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// StatusClientClosed is the status (nginx's 499) the access log and the
// metrics record for a request its client abandoned: no answer was sent,
// and the failure was not the server's.
const StatusClientClosed = 499

// clientClosed reports whether r's client hung up (its context ended),
// and logs it for what it is, at INFO: whatever failed after that failed
// because the client left, and a cancelled query is no internal error.
// The caller answers StatusClientClosed if it has not answered yet.
func (a *API) clientClosed(r *http.Request, err error) bool {
	if r.Context().Err() == nil {
		return false
	}
	a.log.InfoContext(r.Context(), "client_closed", slog.String("request_id", requestID(r.Context())),
		slog.String("path", r.URL.Path), slog.Any("err", err))
	return true
}

// writeError answers with err as a domain error; foreign errors are logged
// and hidden behind a generic internal error.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if a.clientClosed(r, err) {
		w.WriteHeader(StatusClientClosed)
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		a.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r.Context())), slog.Any("err", err))
		de = &domain.Error{Code: domain.CodeInternal, Message: domain.ErrorMessage(err)}
	}
	writeJSON(w, de.Code.HTTPStatus(), errorBody{Error: de, RequestID: requestID(r.Context())})
}

// decode reads a JSON body into v, refusing oversized or malformed input
// with a clear Chinese message.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return domain.Errorf(domain.CodeTooLarge, "请求内容过大")
		case errors.Is(err, io.EOF):
			return domain.Errorf(domain.CodeBadRequest, "请求内容为空")
		}
		return domain.Errorf(domain.CodeBadRequest, "请求格式错误：%s", jsonProblem(err))
	}
	if dec.More() {
		return domain.Errorf(domain.CodeBadRequest, "请求格式错误：多余的内容")
	}
	return nil
}

// jsonProblem describes a JSON decoding error without echoing the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "JSON 语法错误"
	case errors.As(err, &typ):
		return "字段 " + typ.Field + " 类型不正确"
	}
	return "无法解析 JSON"
}
