// Package domain holds jxjy's plain types, validation rules, state machines
// and service interfaces. It is shared by the server, the HTTP client and the
// TUI, so it imports nothing but the standard library.
package domain

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Code classifies an error for programs; Message is for people (Chinese).
type Code string

const (
	CodeInvalid            Code = "invalid"             // field validation failed; see Fields
	CodeBadRequest         Code = "bad_request"         // malformed request (JSON, parameters)
	CodeUnauthenticated    Code = "unauthenticated"     // no session, expired session or wrong credentials
	CodeForbidden          Code = "forbidden"           // the role may not do this
	CodeNotFound           Code = "not_found"           // missing, or outside the caller's scope
	CodeConflict           Code = "conflict"            // duplicate, stale version or refused transition
	CodeTooLarge           Code = "too_large"           // body or upload over the limit
	CodeLocked             Code = "locked"              // account locked after failed logins
	CodePasswordChange     Code = "password_change"     // the session must change its password first
	CodeRateLimited        Code = "rate_limited"        // too many requests
	CodeInternal           Code = "internal"            // a bug or an unexpected failure
	CodeUnavailable        Code = "unavailable"         // the server (or its database) cannot serve now
	CodeModuleLocked       Code = "module_locked"       // a unit whose role application is not yet approved
	CodeUnsupportedContent Code = "unsupported_content" // wrong content type or file format
)

// codeStatus is the one table between error codes and HTTP statuses. The
// server writes statuses from it and the client reads codes back from it, so
// every status here is distinct.
var codeStatus = map[Code]int{
	CodeInvalid:            http.StatusUnprocessableEntity,
	CodeBadRequest:         http.StatusBadRequest,
	CodeUnauthenticated:    http.StatusUnauthorized,
	CodeForbidden:          http.StatusForbidden,
	CodeNotFound:           http.StatusNotFound,
	CodeConflict:           http.StatusConflict,
	CodeTooLarge:           http.StatusRequestEntityTooLarge,
	CodeLocked:             http.StatusLocked,
	CodePasswordChange:     http.StatusPreconditionRequired,
	CodeRateLimited:        http.StatusTooManyRequests,
	CodeInternal:           http.StatusInternalServerError,
	CodeUnavailable:        http.StatusServiceUnavailable,
	CodeModuleLocked:       http.StatusFailedDependency,
	CodeUnsupportedContent: http.StatusUnsupportedMediaType,
}

// HTTPStatus is the status the server answers with for the code.
func (c Code) HTTPStatus() int {
	if s, ok := codeStatus[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeForStatus maps a status back to its code; unknown statuses are
// classified by their class so a proxy's 502 still reads as unavailable.
func CodeForStatus(status int) Code {
	for c, s := range codeStatus {
		if s == status {
			return c
		}
	}
	switch {
	case status >= 500:
		return CodeUnavailable
	case status >= 400:
		return CodeBadRequest
	}
	return CodeInternal
}

// ErrRequestInProgress answers a retry whose first attempt (same
// Idempotency-Key) is still running; the API waits for it before giving up.
var ErrRequestInProgress = &Error{Code: CodeConflict, Message: "相同请求正在处理，请稍候"}

// ErrKeyReused answers a request whose Idempotency-Key an earlier request
// with a different body (or query) already used: replaying that answer
// would tell the caller something it did not ask.
var ErrKeyReused = &Error{Code: CodeInvalid, Message: "同一请求标识用于不同内容"}

// Error is the one error type that crosses every boundary: store, HTTP and
// client rebuild it with the same code, message and field errors.
type Error struct {
	Code    Code              `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf builds an *Error with a formatted Chinese message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, CodeInternal for foreign errors and ""
// for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message meant for the operator. Foreign errors are
// not shown verbatim: they may carry SQL or paths.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后再试"
}

// FieldErrorsOf returns the per-field messages carried by err, if any.
func FieldErrorsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Fields collects per-field validation messages; the first message for a
// field wins because it is usually the most basic problem.
type Fields map[string]string

// Add records msg for field unless the field already has one.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok && msg != "" {
		f[field] = msg
	}
}

// Check records msg for field when bad is true.
func (f Fields) Check(bad bool, field, msg string) {
	if bad {
		f.Add(field, msg)
	}
}

// Err is nil when nothing was recorded, otherwise an invalid *Error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	cp := make(map[string]string, len(f))
	for k, v := range f {
		cp[k] = v
	}
	return &Error{Code: CodeInvalid, Message: "输入有误，请按提示修改", Fields: cp}
}
