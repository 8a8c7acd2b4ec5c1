package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// rawCall sends body as it is (call marshals, which would repair broken
// UTF-8 and cannot write a lone surrogate).
func rawCall(t *testing.T, env *servertest.Env, method, path, tok, body string) answer {
	t.Helper()
	return send(t, method, env.URL+"/api/v1"+path, tok, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withField replaces one field of a JSON object by a raw JSON literal.
func withField(t *testing.T, body, field, literal string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	m[field] = json.RawMessage("null")
	b, _ := json.Marshal(m)
	return string(bytes.Replace(b, []byte(`"`+field+`":null`), []byte(`"`+field+`":`+literal), 1))
}

func wantFieldRefused(t *testing.T, a answer, field, what string) {
	t.Helper()
	if a.status != 422 {
		t.Fatalf("%s: %d %s, want 422", what, a.status, a.body)
	}
	if msg := a.err(t).Fields[field]; msg == "" {
		t.Fatalf("%s: no message at %s: %s", what, field, a.body)
	}
}

// Each reproduction of issue 15, on both engines: the hostile request is
// refused at the field with nothing stored, and the same request with
// clean text succeeds (so it is the text that is refused).
func TestIssue15Reproductions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit, admin := token(t, env, store.DemoUnit), token(t, env, store.DemoAdmin)
		before := storedRows(t, db)

		// 1. A public registration named "恶人\x1b[2J".
		reg := jsonOf(t, domain.PersonRegistration{IDNumber: idOf("44010319910505123"), Name: "恶人", Mobile: "13900002222", Password: "Start2026a"})
		for _, lit := range []string{`"恶人\u001b[2J"`, `"恶\u202e人"`, `"恶人\n二"`, `"恶\t人"`, `"a\u0000b"`, "\"\xed\xa0\x80bad\"", `"\ud800"`} {
			wantFieldRefused(t, rawCall(t, env, "POST", "/person-registrations", "", withField(t, reg, "name", lit)), "name", "registration "+lit)
		}

		// 2. A record titled "题张\x1b[2J\x1b[31m三"; LF and TAB in a title.
		var persons domain.Page[domain.RecordPerson]
		wantStatus(t, call(t, env, "GET", "/records/persons?q="+store.DemoPerson, unit, nil, &persons), 200, "picker")
		in := recordInput("题张三", 8)
		in.PersonID = persons.Items[0].ID
		rec := jsonOf(t, in)
		for _, lit := range []string{`"题张\u001b[2J\u001b[31m三"`, `"一行\n二行"`, `"a\tb"`, `"\u009b2J"`} {
			wantFieldRefused(t, rawCall(t, env, "POST", "/records", unit, withField(t, rec, "title", lit)), "title", "record "+lit)
		}

		// 3. U+202E in an attachment's name.
		a := send(t, "POST", env.URL+"/api/v1/entities/record/1/attachments?name=%E2%80%AEfdp.exe", unit, strings.NewReader("%PDF"), nil)
		wantFieldRefused(t, a, "name", "attachment name")

		// 4. NUL in login names, bodies and query filters: 422, never 500.
		wantFieldRefused(t, rawCall(t, env, "POST", "/session", "", `{"username":"a\u0000b","password":"x","captcha_code":"x"}`), "username", "login")
		for _, q := range []string{"/persons?name=%00", "/records?person=%00", "/query/records?name=a%00b", "/teachers?name=%1b%5b2J", "/persons?name=%ff"} {
			key := q[strings.Index(q, "?")+1 : strings.Index(q, "=")]
			wantFieldRefused(t, call(t, env, "GET", q, unit, nil, nil), key, q)
		}
		// Bytes that are not UTF-8 outside any field the body type has.
		if a := rawCall(t, env, "POST", "/person-registrations", "", withField(t, reg, "nickname", "\"\xff\"")); a.status != 422 {
			t.Fatalf("broken bytes in an unknown field: %d %s", a.status, a.body)
		}

		if after := storedRows(t, db); len(after) != len(before) || after["persons"] != before["persons"] || after["records"] != before["records"] ||
			after["attachments"] != before["attachments"] || after["users"] != before["users"] {
			t.Fatalf("rows changed: %v -> %v", before, after)
		}

		// The same requests with clean text are taken.
		wantStatus(t, rawCall(t, env, "POST", "/person-registrations", "", reg), 201, "clean registration")
		wantStatus(t, rawCall(t, env, "POST", "/records", unit, rec), 201, "clean record")

		// 5. POST /admin/accounts: must_change_password in the body is not
		// the caller's to choose; the account always changes its password.
		acct := `{"username":"inst-new","password":"Start2026a","role":"institution","display_name":"新机构","must_change_password":false}`
		wantStatus(t, rawCall(t, env, "POST", "/admin/accounts", admin, acct), 201, "create account")
		c := env.Client()
		sess, err := c.Login(t.Context(), domain.LoginRequest{Username: "inst-new", Password: "Start2026a", CaptchaCode: "x"})
		if err != nil || !sess.User.MustChangePassword {
			t.Fatalf("new account's session %+v %v", sess, err)
		}
		wantStatus(t, call(t, env, "GET", "/records", c.Token(), nil, nil), 428, "the new account before changing its password")
	})
}

// Multi-line fields keep their lines, stored as "\n" whatever the sender
// used; single-line fields refuse line breaks.
func TestMultilineFieldsNormaliseLineBreaks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		body := `{"name":"王老师","gender":"男","summary":"一行\r\n二行\r三行\u2028四行"}`
		var created domain.Teacher
		wantStatus(t, call(t, env, "POST", "/teachers", unit, json.RawMessage(body), &created), 201, "teacher")
		if created.Summary != "一行\n二行\n三行\n四行" {
			t.Fatalf("summary stored as %q", created.Summary)
		}
		wantFieldRefused(t, rawCall(t, env, "POST", "/teachers", unit, `{"name":"王\r\n老师","gender":"男"}`), "name", "name with CRLF")
	})
}
