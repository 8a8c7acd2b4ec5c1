package api

import (
	"context"
	"reflect"
)

// ProbeBodyType returns a context in which a route's body decoding only
// records the body's type into *into (and the request stops there).
func ProbeBodyType(ctx context.Context, into *reflect.Type) context.Context {
	return context.WithValue(ctx, bodyTypeProbe{}, into)
}
