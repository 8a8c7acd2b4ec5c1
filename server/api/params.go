package api

import (
	"context"
	"net/http"
	"strconv"

	"jxjy/server/domain"
)

// Path and query parameters shared by the routes that address a row by
// the {id} in their path.

// pathID reads the positive id in the path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.CodeNotFound, "记录不存在：%s", r.PathValue("id"))
	}
	return id, nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, domain.Errorf(domain.CodeBadRequest, "参数 %s 应为整数", name)
	}
	return n, nil
}

// pageParams reads limit, offset and the keyset cursor after (the next
// of the page before) from the query; a cursor no list could have issued
// is refused here, its shape by the list that reads it.
func pageParams(r *http.Request) (domain.PageRequest, error) {
	if err := pageBounds(r); err != nil {
		return domain.PageRequest{}, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return domain.PageRequest{}, err
	}
	offset, err := queryInt(r, "offset")
	if err != nil {
		return domain.PageRequest{}, err
	}
	page := domain.PageRequest{Limit: limit, Offset: offset, After: r.URL.Query().Get("after")}
	return page, page.CheckCursor()
}

// pageBounds refuses a limit or offset out of range instead of clamping
// it silently: a caller asking for 500 rows should learn it gets 200.
// Absent parameters take the defaults.
func pageBounds(r *http.Request) error {
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > domain.MaxPageSize {
			return domain.Errorf(domain.CodeBadRequest, "参数 limit 应为 1 到 %d 之间的整数", domain.MaxPageSize)
		}
	}
	if v := q.Get("offset"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return domain.Errorf(domain.CodeBadRequest, "参数 offset 应为不小于 0 的整数")
		}
	}
	return nil
}

// withID serves a method of the id in the path.
func withID[Out any](call func(context.Context, int64) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		return result(http.StatusOK, func(ctx context.Context) (Out, error) { return call(ctx, id) })(w, r)
	}
}

// withIDBody serves a method of the id in the path and a body.
func withIDBody[In, Out any](call func(context.Context, int64, In) (Out, error)) handlerFunc {
	return withIDBodyStatus(http.StatusOK, call)
}

// withIDBodyStatus is withIDBody answering status: 201 where the call
// creates a row under the id (a plan's class).
func withIDBodyStatus[In, Out any](status int, call func(context.Context, int64, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		return bodyResult(status, func(ctx context.Context, in In) (Out, error) { return call(ctx, id, in) })(w, r)
	}
}

// withIDVersion serves a DELETE of the id in the path at the version
// in the query.
func withIDVersion(call func(context.Context, int64, domain.VersionRef) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		version, err := queryInt(r, "version")
		if err != nil {
			return err
		}
		return noContent(func(ctx context.Context) error {
			return call(ctx, id, domain.VersionRef{Version: int64(version)})
		})(w, r)
	}
}
