package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"sort"
	"strings"
	"testing"

	"jxjy/server/domain"
)

// requestTypes are the argument types of every service the API serves
// (api.Config's interface fields): the bodies routes decode, found by
// reflection so a new service's inputs are fuzzed without a list to keep.
func requestTypes() []reflect.Type {
	ctxType := reflect.TypeFor[context.Context]()
	seen := map[reflect.Type]bool{}
	cfg := reflect.TypeFor[Config]()
	for i := 0; i < cfg.NumField(); i++ {
		svc := cfg.Field(i).Type
		if svc.Kind() != reflect.Interface {
			continue
		}
		for m := 0; m < svc.NumMethod(); m++ {
			fn := svc.Method(m).Type
			for p := 0; p < fn.NumIn(); p++ {
				in := fn.In(p)
				if in != ctxType && (in.Kind() == reflect.Struct || in.Kind() == reflect.Slice) {
					seen[in] = true
				}
			}
		}
	}
	types := make([]reflect.Type, 0, len(seen))
	for t := range seen {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i].String() < types[j].String() })
	return types
}

func TestRequestTypesCoverTheBodies(t *testing.T) {
	names := map[string]bool{}
	for _, typ := range requestTypes() {
		names[typ.String()] = true
	}
	for _, want := range []string{"domain.LoginRequest", "domain.NewAccount", "domain.PersonInput", "domain.RecordInput",
		"domain.PlanInput", "domain.VerifyRequest", "domain.CreditInput"} {
		if !names[want] {
			t.Errorf("%s is not among the fuzzed request types %v", want, names)
		}
	}
}

// FuzzDecodeRequestBodies decodes arbitrary bytes into every request type
// and validates what decodes: no panic, every refusal a domain error with
// a message (never the input echoed back, never a 500), and nothing
// decoded that the text rule refuses.
//
//	go test -run '^$' -fuzz '^FuzzDecodeRequestBodies$' -fuzztime 60s ./server/api
func FuzzDecodeRequestBodies(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"version": 1}`, `{"username":"demo-unit","password":"Demo@2026","captcha_id":"x","captcha_code":"ABCDE"}`,
		`{"id_number":"440106199003072517","name":"陈志明","hours":"１２．５"}`, `{"ids":[1,2,3],"decision":"accept"}`,
		`{"start_date":"2026-02-30","hours":-1}`, `[]`, `null`, `"x"`, `{"a":`, `{} {}`, `{"version":1e400}`, `{"name":"恶人\u001b[2J"}`, "{\"name\":\"\xed\xa0\x80\"}", `{"title":"\ud800"}`,
		`{"ids":[` + string(bytes.Repeat([]byte("1,"), 1000)) + `1]}`, string(bytes.Repeat([]byte("["), 5000)),
	} {
		f.Add([]byte(s), uint8(0))
	}
	types := requestTypes()
	f.Fuzz(func(t *testing.T, body []byte, pick uint8) {
		typ := types[int(pick)%len(types)]
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 64<<10)
		v := reflect.New(typ)
		err := decode(r, v.Interface())
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || (de.Code != domain.CodeBadRequest && de.Code != domain.CodeTooLarge && de.Code != domain.CodeInvalid) || de.Message == "" {
				t.Fatalf("%s: %#v", typ, err)
			}
			if len(body) > 16 && bytes.Contains([]byte(de.Message), body) {
				t.Fatalf("%s: the message echoes the input: %s", typ, de.Message)
			}
			return
		}
		// What decodes holds no text the rule refuses.
		if err := checkBodyText(nil, v.Interface()); err != nil {
			t.Fatalf("%s: decoded text fails the rule: %v", typ, err)
		}
		if val, ok := v.Interface().(interface{ Validate() error }); ok {
			if err := val.Validate(); err != nil {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code.HTTPStatus() >= 500 || de.Message == "" {
					t.Fatalf("%s: Validate answered %#v", typ, err)
				}
			}
		}
	})
}

// FuzzRequestHeaders feeds the header parsers: the bearer token and the
// client address behind a trusted gateway.
//
//	go test -run '^$' -fuzz '^FuzzRequestHeaders$' -fuzztime 60s ./server/api
func FuzzRequestHeaders(f *testing.F) {
	for _, s := range [][2]string{
		{"Bearer abc", "203.0.113.7"}, {"bearer  abc  ", "198.51.100.1, 203.0.113.7"}, {"Basic x", "::ffff:10.0.0.1"},
		{"Bearer", "not-an-address"}, {"", " , ,"}, {"Bearer \x00", "127.0.0.1,127.0.0.2"}, {"BEARER é", "fe80::1%eth0"},
	} {
		f.Add(s[0], s[1])
	}
	a := &API{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}}
	f.Fuzz(func(t *testing.T, auth, forwarded string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "127.0.0.1:40000" // the trusted gateway
		r.Header["Authorization"] = []string{auth}
		r.Header["X-Forwarded-For"] = []string{forwarded}
		if tok := bearer(r); tok != "" && (!strings.Contains(auth, tok) || tok != strings.TrimSpace(tok)) {
			t.Fatalf("bearer(%q) = %q", auth, tok)
		}
		if _, err := netip.ParseAddr(a.clientIP(r)); err != nil {
			t.Fatalf("clientIP with X-Forwarded-For %q = %q", forwarded, a.clientIP(r))
		}
	})
}
