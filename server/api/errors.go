package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"

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

// writeError answers with err as a domain error; foreign errors are logged
// and hidden behind a generic internal error.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
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
	return checkBodyText(raw, v)
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
