package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"jxjy/server/api"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// hostileJSON are the hostile strings of issue 15 as JSON string literals,
// written by hand because encoding/json would repair the broken ones.
var hostileJSON = []string{
	`"恶人\u001b[2J"`, `"题张\u001b[2J\u001b[31m三"`, `"a\u0000b"`, `"tab\tin"`, `"del\u007f"`, `"c1\u009b2J"`,
	`"bidi\u202eevil"`, `"iso\u2066x"`, `"lone \ud800"`, `"low \udc00 first"`, "\"\xed\xa0\x80bad\"", "\"bad \xff byte\"",
	`"bell\u0007"`, `"mark\u200f"`,
}

// hostileLine is a line break, refused in every single-line field.
const hostileLine = `"一行\n二行"`

// hostileQuery are the same strings as query values (percent-encoded).
var hostileQuery = []string{"恶人\x1b[2J", "a\x00b", "tab\t", "c1\u0085", "bidi\u202e", "\xed\xa0\x80bad", "\xff", "line\nbreak"}

// textRuleEnv is a demo server with a session for every role.
type textRuleEnv struct {
	env    *servertest.Env
	tokens map[domain.Role]string
}

func newTextRuleEnv(t *testing.T, db *store.DB) *textRuleEnv {
	return newTextRuleSessions(t, servertest.Start(t, db, false))
}

func newTextRuleSessions(t *testing.T, env *servertest.Env) *textRuleEnv {
	return &textRuleEnv{env: env, tokens: map[domain.Role]string{
		domain.RoleUnit: token(t, env, store.DemoUnit), domain.RolePerson: token(t, env, store.DemoPerson),
		domain.RoleInstitution: token(t, env, store.DemoInstitution), domain.RoleAuthority: token(t, env, store.DemoAuthority),
		domain.RoleAdmin: token(t, env, store.DemoAdmin),
	}}
}

// tokenFor is a session the route lets in: none for a public route.
func (e *textRuleEnv) tokenFor(rt api.Route) string {
	switch {
	case rt.Access.Public:
		return ""
	case len(rt.Access.Roles) > 0:
		return e.tokens[rt.Access.Roles[0]]
	}
	return e.tokens[domain.RoleUnit]
}

// serve runs one request through the server's whole handler chain.
func (e *textRuleEnv) serve(r *http.Request, tok string) *httptest.ResponseRecorder {
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.env.Srv.Handler().ServeHTTP(rec, r)
	return rec
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// concretePath fills every path parameter with a valid-looking value.
func concretePath(pattern string) string { return pathParam.ReplaceAllString(pattern, "1") }

// routeBodyTypes asks every route what its JSON body is (absent: it takes
// none). The probe stops a route at its decode, but a route without a body
// runs, so the probes go to a throwaway server of their own.
func routeBodyTypes(t *testing.T) map[string]reflect.Type {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "probe.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := newTextRuleEnv(t, db)
	types := map[string]reflect.Type{}
	for _, rt := range e.env.Srv.API.Routes() {
		for attempt := 0; attempt < 2; attempt++ {
			var typ reflect.Type
			r := httptest.NewRequest(rt.Method, api.Prefix+concretePath(rt.Path), strings.NewReader("{}"))
			r = r.WithContext(api.ProbeBodyType(r.Context(), &typ))
			if rec := e.serve(r, e.tokenFor(rt)); rec.Code == http.StatusUnauthorized && !rt.Access.Public {
				e = newTextRuleSessions(t, e.env) // a route logged the session out
				continue
			}
			if typ != nil {
				types[rt.Method+" "+rt.Path] = typ
			}
			break
		}
	}
	return types
}

// placeholder marks the leaf under test in a marshalled body.
const placeholder = "@@hostile@@"

// stringLeaf is one string a body can carry, by its path in field errors.
type stringLeaf struct {
	path  string
	multi bool
}

// bodyWith builds a value of typ with one element in every slice and map,
// puts the placeholder in the string leaf at target, and lists every leaf.
func bodyWith(typ reflect.Type, target string) (reflect.Value, []stringLeaf) {
	v := reflect.New(typ).Elem()
	var leaves []stringLeaf
	fillLeaves(v, "", "", target, &leaves, 0)
	return v, leaves
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

func fillLeaves(v reflect.Value, path, leaf, target string, leaves *[]stringLeaf, depth int) {
	if depth > 8 {
		return
	}
	t := v.Type()
	if t.Kind() != reflect.String && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)) {
		return // time.Time, Hours: not text
	}
	switch t.Kind() {
	case reflect.String:
		*leaves = append(*leaves, stringLeaf{path, domain.MultilineField(leaf)})
		if path == target {
			v.SetString(placeholder)
		}
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		fillLeaves(v.Elem(), path, leaf, target, leaves, depth+1)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				fillLeaves(v.Field(i), path, leaf, target, leaves, depth+1)
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			fillLeaves(v.Field(i), p, name, target, leaves, depth+1)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return
		}
		v.Set(reflect.MakeSlice(t, 1, 1))
		fillLeaves(v.Index(0), path+"[0]", leaf, target, leaves, depth+1)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return
		}
		v.Set(reflect.MakeMap(t))
		elem := reflect.New(t.Elem()).Elem()
		p := "k"
		if path != "" {
			p = path + ".k"
		}
		fillLeaves(elem, p, "k", target, leaves, depth+1)
		v.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), elem)
	}
}

// hostileBody is the body with the leaf at target holding the literal.
func hostileBody(t *testing.T, typ reflect.Type, target, literal string) []byte {
	v, _ := bodyWith(typ, target)
	b, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"`+placeholder+`"`)) {
		t.Fatalf("%s: the placeholder did not reach the body: %s", target, b)
	}
	return bytes.Replace(b, []byte(`"`+placeholder+`"`), []byte(literal), 1)
}

// documentedFilters are the query parameters a route's summary names
// (every list documents its filters there, e.g. "（name、status、limit）").
func documentedFilters(rt api.Route) []string {
	return regexp.MustCompile(`[a-z][a-z_]*`).FindAllString(rt.Summary, -1)
}

// storedRows counts every table's rows, and fails on any stored value
// the text rule refuses.
func storedRows(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	scan, err := db.ScanText(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range scan.Findings {
		t.Errorf("stored hostile text: %+v", f)
	}
	return scan.Rows
}

func wantTextRefused(t *testing.T, rec *httptest.ResponseRecorder, field, what string) {
	t.Helper()
	if rec.Code >= 500 || rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d %s, want 422", what, rec.Code, rec.Body.Bytes())
		return
	}
	var eb struct {
		Error domain.Error `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code != domain.CodeInvalid {
		t.Errorf("%s: %s", what, rec.Body.Bytes())
		return
	}
	if field != "" && eb.Error.Fields[field] == "" {
		t.Errorf("%s: no error on field %s: %v", what, field, eb.Error.Fields)
	}
}

// TestEveryRouteRefusesHostileText sends every hostile string in every
// string field of every route's body (the body types come from the route
// table itself, by reflection) and in every documented query filter and
// path value: each is 422 naming the field, never 5xx, and nothing is
// stored: no table gains or loses a row and no stored value holds such text.
func TestEveryRouteRefusesHostileText(t *testing.T) {
	types := routeBodyTypes(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTextRuleEnv(t, db)
		before := storedRows(t, db)
		routes := e.env.Srv.API.Routes()
		bodies, leaves := 0, 0
		for _, rt := range routes {
			tok := e.tokenFor(rt)
			name := rt.Method + " " + rt.Path
			if typ := types[name]; typ != nil {
				bodies++
				_, all := bodyWith(typ, "")
				for _, leaf := range all {
					leaves++
					literals := hostileJSON
					if !leaf.multi {
						literals = append(literals[:len(literals):len(literals)], hostileLine)
					}
					for _, lit := range literals {
						body := hostileBody(t, typ, leaf.path, lit)
						r := httptest.NewRequest(rt.Method, api.Prefix+concretePath(rt.Path), bytes.NewReader(body))
						wantTextRefused(t, e.serve(r, tok), leaf.path, name+" "+leaf.path+"="+lit)
					}
				}
			}
			for i, filter := range documentedFilters(rt) {
				bad := hostileQuery[i%len(hostileQuery)]
				u := api.Prefix + concretePath(rt.Path) + "?" + url.Values{filter: {bad}}.Encode()
				r := httptest.NewRequest(rt.Method, u, strings.NewReader("{}"))
				wantTextRefused(t, e.serve(r, tok), filter, name+" ?"+filter+"="+bad)
			}
			for i, param := range pathParam.FindAllString(rt.Path, -1) {
				bad := hostileQuery[i%len(hostileQuery)]
				p := strings.Replace(concretePath(strings.Replace(rt.Path, param, "@", 1)), "@", url.PathEscape(bad), 1)
				r := httptest.NewRequest(rt.Method, api.Prefix+p, strings.NewReader("{}"))
				rec := e.serve(r, tok)
				if rec.Code >= 500 || rec.Code < 400 {
					t.Errorf("%s with %s=%q: %d %s", name, param, bad, rec.Code, rec.Body.Bytes())
				}
			}
		}
		if bodies < 40 || leaves < 150 {
			t.Fatalf("only %d bodies with %d string fields found: is the probe broken?", bodies, leaves)
		}
		after := storedRows(t, db)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("rows changed:\nbefore %v\nafter  %v", before, after)
		}
		t.Logf("%d routes, %d bodies, %d string fields", len(routes), bodies, leaves)
	})
}
