package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

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
	// Every 429 says when to come back; the budgets are per minute, so a
	// minute is never too soon (the address limiter sets a closer time).
	if de.Code == domain.CodeRateLimited && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "60")
	}
	writeJSON(w, de.Code.HTTPStatus(), errorBody{Error: de, RequestID: requestID(r.Context())})
}

// decode reads a JSON body into v, refusing oversized or malformed input
// with a clear Chinese message.
func decode(r *http.Request, v any) error {
	if probe, ok := r.Context().Value(bodyTypeProbe{}).(*reflect.Type); ok {
		*probe = reflect.TypeOf(v).Elem()
		return errBodyProbed
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.CodeTooLarge, "请求内容过大")
		}
		return domain.Errorf(domain.CodeBadRequest, "请求内容读取失败")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var value *domain.Error
		switch {
		case errors.As(err, &tooBig):
			return domain.Errorf(domain.CodeTooLarge, "请求内容过大")
		case errors.Is(err, io.EOF):
			return domain.Errorf(domain.CodeBadRequest, "请求内容为空")
		case errors.As(err, &value):
			return valueError(raw, v, value)
		}
		return domain.Errorf(domain.CodeBadRequest, "请求格式错误：%s", jsonProblem(err))
	}
	if dec.More() {
		return domain.Errorf(domain.CodeBadRequest, "请求格式错误：多余的内容")
	}
	return checkBodyText(raw, v)
}

// valueError places the refusal of a domain type's own decoding (hours
// of 0.25, or a word for hours) at its field, as validation would: the
// form shows it in place. json does not say which field failed, so the
// top-level fields of v that decode themselves are tried again one by
// one; a value deeper down keeps the plain message, which still says
// what is wrong.
func valueError(body []byte, v any, value *domain.Error) error {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var fields map[string]json.RawMessage
	if t.Kind() != reflect.Struct || json.Unmarshal(body, &fields) != nil {
		return &domain.Error{Code: domain.CodeInvalid, Message: value.Message}
	}
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		raw, ok := fields[name]
		if !ok || name == "" || !reflect.PointerTo(f.Type).Implements(unmarshaler) {
			continue
		}
		var de *domain.Error
		if err := json.Unmarshal(raw, reflect.New(f.Type).Interface()); errors.As(err, &de) {
			return &domain.Error{Code: domain.CodeInvalid, Message: "输入有误，请按提示修改", Fields: map[string]string{name: de.Message}}
		}
	}
	return &domain.Error{Code: domain.CodeInvalid, Message: value.Message}
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
