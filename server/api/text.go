package api

import (
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"jxjy/server/domain"
)

// The text rule at the HTTP boundary (domain.TextProblem): wrap checks
// every query parameter and path value before a handler runs, and decode
// walks every string of a decoded body, so no route or field added later
// can bypass it. A refusal is 422 with the offending field named.

// bodyTypeProbe, in a request's context, makes decode report the type it
// would decode into and stop: the boundary test learns each route's body
// from the route table this way, so a new route or field is covered
// without a list to keep.
type bodyTypeProbe struct{}

var errBodyProbed = domain.Errorf(domain.CodeBadRequest, "body type probed")

// textRefused is the answer to text the rule refuses.
func textRefused(fields map[string]string) error {
	return &domain.Error{Code: domain.CodeInvalid, Message: "输入含有不允许的字符，请按提示修改", Fields: fields}
}

// checkParamText applies the rule to the route's path values and every
// query parameter, names included. Upload names travel in the query.
func checkParamText(r *http.Request, rt Route) error {
	fields := map[string]string{}
	for _, name := range pathParamNames(rt.Path) {
		if p := domain.TextProblem(r.PathValue(name), false); p != "" {
			fields[name] = p
		}
	}
	for key, values := range r.URL.Query() {
		if p := domain.TextProblem(key, false); p != "" {
			fields[domain.VisibleText(key, false)] = p
			continue
		}
		for _, v := range values {
			if p := domain.TextProblem(v, false); p != "" {
				fields[key] = p
			}
		}
	}
	if len(fields) > 0 {
		return textRefused(fields)
	}
	return nil
}

// pathParamNames lists the {names} of a route pattern.
func pathParamNames(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := strings.TrimSuffix(strings.TrimSuffix(seg[1:len(seg)-1], "..."), "$")
			if name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// checkBodyText applies the rule to a decoded body: every string field,
// at any depth, by its JSON name; line breaks of the declared multi-line
// fields are normalised in place. raw is the body as received: encoding/json
// turns invalid UTF-8 and lone surrogate escapes into U+FFFD, which the
// walk refuses by field; what it cannot see (a broken byte in a key or an
// ignored field) the raw check still refuses.
func checkBodyText(raw []byte, v any) error {
	fields := map[string]string{}
	walkText(reflect.ValueOf(v), "", "", fields)
	if len(fields) == 0 && !rawTextValid(raw) {
		fields["body"] = domain.TextEncodingMessage
	}
	if len(fields) > 0 {
		return textRefused(fields)
	}
	return nil
}

// walkText checks the strings under v; path names the value in field
// errors and leaf is the JSON name that decides whether it is multi-line.
func walkText(v reflect.Value, path, leaf string, fields map[string]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, leaf, fields)
		}
	case reflect.String:
		s := v.String()
		multi := domain.MultilineField(leaf)
		if p := domain.TextProblem(s, multi); p != "" {
			if key := fieldPath(path); fields[key] == "" {
				fields[key] = p
			}
			return
		}
		if multi && v.CanSet() {
			v.SetString(domain.NormalizeLineBreaks(s))
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walkText(v.Field(i), path, leaf, fields)
				continue
			}
			if name == "" {
				name = f.Name
			}
			walkText(v.Field(i), joinPath(path, name), name, fields)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes, not text
		}
		for i := 0; i < v.Len(); i++ {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", leaf, fields)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			name := leaf
			if k.Kind() == reflect.String {
				if p := domain.TextProblem(k.String(), false); p != "" {
					fields[fieldPath(path)] = p
					continue
				}
				name = k.String()
			}
			// Map values cannot be set in place: check a copy, store it back.
			elem := reflect.New(v.Type().Elem()).Elem()
			elem.Set(v.MapIndex(k))
			walkText(elem, joinPath(path, name), name, fields)
			v.SetMapIndex(k, elem)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldPath names the whole body when the value is the body itself.
func fieldPath(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// rawTextValid reports whether the body is valid UTF-8 with every
// \uXXXX surrogate escape paired (JSON text outside strings cannot hold
// a backslash, so every backslash starts an escape).
func rawTextValid(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // \" \\ \n ...: skip the escaped character
			continue
		}
		r, ok := hexEscape(raw, i)
		if !ok {
			return false
		}
		switch {
		case r >= 0xd800 && r <= 0xdbff:
			low, ok := hexEscape(raw, i+6)
			if !ok || low < 0xdc00 || low > 0xdfff {
				return false
			}
			i += 11
		case r >= 0xdc00 && r <= 0xdfff:
			return false
		default:
			i += 5
		}
	}
	return true
}

// hexEscape reads the \uXXXX escape at raw[i:].
func hexEscape(raw []byte, i int) (rune, bool) {
	if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 32)
	return rune(n), err == nil
}
