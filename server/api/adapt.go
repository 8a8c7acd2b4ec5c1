package api

import (
	"context"
	"net/http"
)

// The adapters below turn service methods into handlers, so each route is a
// one-line declaration and every body is decoded and every answer written
// the same way.

type handlerFunc = func(w http.ResponseWriter, r *http.Request) error

// result calls a method that takes no body and answers with its value.
func result[Out any](status int, call func(context.Context) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		out, err := call(r.Context())
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}

// bodyResult decodes a JSON body, calls the method and answers with its value.
func bodyResult[In, Out any](status int, call func(context.Context, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		out, err := call(r.Context(), in)
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}

// body decodes a JSON body and calls a method that answers nothing.
func body[In any](status int, call func(context.Context, In) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		if err := call(r.Context(), in); err != nil {
			return err
		}
		w.WriteHeader(status)
		return nil
	}
}

// noContent calls a method without body or answer.
func noContent(call func(context.Context) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := call(r.Context()); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
