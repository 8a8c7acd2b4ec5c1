package api_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// call sends a JSON body (or none) and decodes a 2xx answer into out.
func call(t *testing.T, env *servertest.Env, method, path, tok string, in, out any) answer {
	t.Helper()
	var hdr map[string]string
	var body *strings.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body, hdr = strings.NewReader(string(b)), map[string]string{"Content-Type": "application/json"}
	} else {
		body = strings.NewReader("")
	}
	a := send(t, method, env.URL+"/api/v1"+path, tok, body, hdr)
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, a.body)
		}
	}
	return a
}

func wantStatus(t *testing.T, a answer, status int, what string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: %d %s, want %d", what, a.status, a.body, status)
	}
}

func idOf(first17 string) string { return first17 + string(domain.IDCheckChar(first17)) }

// demoTokens logs every demo account in.
func demoTokens(t *testing.T, env *servertest.Env) map[string]string {
	t.Helper()
	toks := map[string]string{}
	for _, u := range []string{store.DemoUnit, store.DemoNewUnit, store.DemoAuthority, store.DemoPerson, store.DemoInstitution, store.DemoAdmin} {
		toks[u] = token(t, env, u)
	}
	return toks
}

// Every persons and teachers route answers only its role: the others get
// forbidden, a unit not yet approved gets module_locked.
func TestPersonnelRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		var me domain.Person
		wantStatus(t, call(t, env, "GET", "/person/profile", toks[store.DemoPerson], nil, &me), 200, "own profile")
		var teachers domain.Page[domain.Teacher]
		wantStatus(t, call(t, env, "GET", "/teachers", toks[store.DemoUnit], nil, &teachers), 200, "teachers")
		ids := map[string]string{"/persons/": strconv.FormatInt(me.ID, 10), "/teachers/": strconv.FormatInt(teachers.Items[0].ID, 10)}

		// The module's routes, each with the role that owns it.
		routes := []struct{ method, path, owner string }{
			{"GET", "/person/profile", store.DemoPerson}, {"POST", "/person/profile/contact", store.DemoPerson},
			{"GET", "/person/units", store.DemoPerson}, {"POST", "/person/profile/claim", store.DemoPerson},
			{"POST", "/person/profile/withdraw", store.DemoPerson},
			{"GET", "/persons", store.DemoUnit}, {"POST", "/persons", store.DemoUnit},
			{"POST", "/persons/decisions", store.DemoUnit}, {"GET", "/persons/{id}", store.DemoUnit},
			{"POST", "/persons/{id}", store.DemoUnit}, {"POST", "/persons/{id}/decision", store.DemoUnit},
			{"GET", "/teachers", store.DemoUnit}, {"GET", "/teachers/enabled", store.DemoUnit},
			{"POST", "/teachers", store.DemoUnit}, {"GET", "/teachers/{id}", store.DemoUnit},
			{"POST", "/teachers/{id}", store.DemoUnit}, {"POST", "/teachers/{id}/enable", store.DemoUnit},
			{"POST", "/teachers/{id}/disable", store.DemoUnit}, {"DELETE", "/teachers/{id}", store.DemoUnit},
		}
		table := map[string]bool{}
		for _, rt := range env.Srv.API.Routes() {
			table[rt.Method+" "+rt.Path] = true
		}
		for _, rt := range routes {
			if !table[rt.method+" "+rt.path] {
				t.Fatalf("route %s %s is not in the route table", rt.method, rt.path)
			}
			path := rt.path
			for prefix, id := range ids {
				if strings.HasPrefix(path, prefix) {
					path = strings.Replace(path, "{id}", id, 1)
				}
			}
			if rt.method == "DELETE" {
				path += "?version=0" // a stale version: the owner is refused by conflict, not by role
			}
			for user, tok := range toks {
				a := call(t, env, rt.method, path, tok, map[string]any{}, nil)
				switch {
				case user == rt.owner:
					if a.status == 401 || a.status == 403 || a.status == 424 || a.status == 428 {
						t.Errorf("%s %s as its owner %s: %d %s", rt.method, path, user, a.status, a.body)
					}
				case user == store.DemoNewUnit && rt.owner == store.DemoUnit:
					if a.status != 424 || a.err(t).Code != domain.CodeModuleLocked {
						t.Errorf("%s %s as an unapproved unit: %d %s", rt.method, path, a.status, a.body)
					}
				default:
					if a.status != 403 || a.err(t).Code != domain.CodeForbidden {
						t.Errorf("%s %s as %s: %d %s", rt.method, path, user, a.status, a.body)
					}
				}
			}
		}
		if a := call(t, env, "POST", "/person-registrations", "", map[string]any{}, nil); a.status != 422 {
			t.Errorf("registration is public: %d %s", a.status, a.body)
		}
		// The demo person was not changed by any of the calls above.
		var after domain.Person
		call(t, env, "GET", "/person/profile", toks[store.DemoPerson], nil, &after)
		if after.Status != domain.AffiliationConfirmed || after.UnitID != me.UnitID {
			t.Fatalf("demo person after the role walk: %+v", after)
		}
	})
}

func TestPersonRegistersAndUnitConfirms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		id := idOf("44010319910505123")
		reg := domain.PersonRegistration{IDNumber: id, Name: "吕晓峰", Mobile: "13900002222", Password: "Start2026a"}
		wantStatus(t, call(t, env, "POST", "/person-registrations", "", reg, nil), 201, "register")
		a := call(t, env, "POST", "/person-registrations", "", reg, nil)
		if a.status != 409 || a.err(t).Fields["id_number"] == "" {
			t.Fatalf("second registration: %d %s", a.status, a.body)
		}
		reg.IDNumber = id[:17] + "Y"
		if a := call(t, env, "POST", "/person-registrations", "", reg, nil); a.status != 422 || a.err(t).Fields["id_number"] == "" {
			t.Fatalf("bad ID: %d %s", a.status, a.body)
		}

		// First login: the password must change before anything else.
		c := env.Client()
		capt, _ := c.NewCaptcha(t.Context())
		sess, err := c.Login(t.Context(), domain.LoginRequest{Username: id, Password: "Start2026a", CaptchaID: capt.ID, CaptchaCode: "x"})
		if err != nil || !sess.User.MustChangePassword {
			t.Fatalf("login: %+v %v", sess, err)
		}
		person := c.Token()
		wantStatus(t, call(t, env, "GET", "/person/profile", person, nil, nil), 428, "profile before the change")
		wantStatus(t, call(t, env, "POST", "/session/password", person, domain.PasswordChange{Old: "Start2026a", New: "Better2026b"}, nil), 204, "change")

		var me domain.Person
		wantStatus(t, call(t, env, "GET", "/person/profile", person, nil, &me), 200, "profile")
		if me.Status != domain.AffiliationNone || me.Gender != "男" || me.BirthDate != "1991-05-05" {
			t.Fatalf("profile: %+v", me)
		}
		var units domain.Page[domain.UnitBrief]
		wantStatus(t, call(t, env, "GET", "/person/units?q="+url.QueryEscape("天河区示范")+"&limit=5", person, nil, &units), 200, "search")
		if units.Total != 1 || units.Items[0].Name != "广州市天河区示范科技有限公司" {
			t.Fatalf("search: %+v", units)
		}
		wantStatus(t, call(t, env, "GET", "/person/units?limit=x", person, nil, nil), 400, "bad limit")
		var claimed domain.Person
		wantStatus(t, call(t, env, "POST", "/person/profile/claim", person, domain.Claim{UnitID: units.Items[0].ID, Version: me.Version}, &claimed), 200, "claim")
		if claimed.Status != domain.AffiliationPending {
			t.Fatalf("claimed: %+v", claimed)
		}
		wantStatus(t, call(t, env, "POST", "/person/profile/claim", person, domain.Claim{UnitID: units.Items[0].ID, Version: claimed.Version}, nil), 409, "second claim")

		var pending domain.Page[domain.Person]
		wantStatus(t, call(t, env, "GET", "/persons?status=pending&limit=50", unit, nil, &pending), 200, "pending list")
		if pending.Total != 5 || pending.Items[0].ID != me.ID {
			t.Fatalf("pending: %d, first %+v", pending.Total, pending.Items[0])
		}
		wantStatus(t, call(t, env, "GET", "/persons?status=bogus", unit, nil, nil), 422, "bad status")
		path := "/persons/" + strconv.FormatInt(me.ID, 10) + "/decision"
		var decided domain.Person
		wantStatus(t, call(t, env, "POST", path, unit, domain.AffiliationDecision{Decision: domain.DecisionAccept}, &decided), 200, "是")
		if decided.Status != domain.AffiliationConfirmed {
			t.Fatalf("decided: %+v", decided)
		}
		wantStatus(t, call(t, env, "POST", path, unit, domain.AffiliationDecision{Decision: domain.DecisionRefuse}, nil), 409, "否 after 是")
		wantStatus(t, call(t, env, "POST", "/persons/abc/decision", unit, domain.AffiliationDecision{Decision: domain.DecisionRefuse}, nil), 404, "bad id")

		// 人员确认: the rest in one batch, with an id that is not pending.
		var ids []int64
		for _, p := range pending.Items[1:] {
			ids = append(ids, p.ID)
		}
		var sum domain.AffiliationSummary
		batch := domain.AffiliationBatch{IDs: append(ids, me.ID), Decision: domain.DecisionRefuse}
		wantStatus(t, call(t, env, "POST", "/persons/decisions", unit, batch, &sum), 200, "batch")
		if len(sum.Changed) != 4 || len(sum.Skipped) != 1 || sum.Skipped[0].ID != me.ID {
			t.Fatalf("summary: %+v", sum)
		}
		wantStatus(t, call(t, env, "POST", "/persons/decisions", unit, domain.AffiliationBatch{Decision: domain.DecisionAccept}, nil), 422, "empty batch")
	})
}

func TestUnitAddsAndEditsPersonsOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		in := domain.PersonInput{IDNumber: idOf("44011519830917361"), Name: "苏明远", Title: "工程师", TitleLevel: "intermediate", Education: "bachelor"}
		var p domain.Person
		wantStatus(t, call(t, env, "POST", "/persons", unit, in, &p), 201, "add")
		if p.Gender != "男" || p.BirthDate != "1983-09-17" || p.Status != domain.AffiliationConfirmed {
			t.Fatalf("added: %+v", p)
		}
		for name, c := range map[string]struct {
			id     string
			status int
			msg    string
		}{
			"check digit": {in.IDNumber[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", in.IDNumber[17])+1)%11]), 422, "校验位"},
			"duplicate":   {in.IDNumber, 409, "本单位已有"},
			"claimed":     {"", 409, "专业技术人员信息确认"},
		} {
			bad := in
			bad.IDNumber = c.id
			if name == "claimed" {
				var pending domain.Page[domain.Person]
				call(t, env, "GET", "/persons?status=pending", unit, nil, &pending)
				bad.IDNumber = pending.Items[0].IDNumber
			}
			a := call(t, env, "POST", "/persons", unit, bad, nil)
			if a.status != c.status || !strings.Contains(a.err(t).Fields["id_number"], c.msg) {
				t.Errorf("%s: %d %s", name, a.status, a.body)
			}
		}

		var got domain.Person
		path := "/persons/" + strconv.FormatInt(p.ID, 10)
		wantStatus(t, call(t, env, "GET", path, unit, nil, &got), 200, "detail")
		edit := in
		edit.Post, edit.Version = "项目经理", got.Version
		var edited domain.Person
		wantStatus(t, call(t, env, "POST", path, unit, edit, &edited), 200, "edit")
		if edited.Post != "项目经理" || edited.Version != got.Version+1 {
			t.Fatalf("edited: %+v", edited)
		}
		a := call(t, env, "POST", path, unit, edit, nil)
		if a.status != 409 || a.err(t).Message != "数据已被他人修改，请刷新后重试" {
			t.Fatalf("stale edit: %d %s", a.status, a.body)
		}
		var page domain.Page[domain.Person]
		wantStatus(t, call(t, env, "GET", "/persons?name="+url.QueryEscape("苏明")+"&title="+url.QueryEscape("工程师")+"&id_number=440115", unit, nil, &page), 200, "filter")
		if page.Total != 1 || page.Items[0].ID != p.ID {
			t.Fatalf("filtered: %+v", page)
		}
		wantStatus(t, call(t, env, "GET", "/persons?limit=5&offset=5", unit, nil, &page), 200, "page 2")
		if page.Total != 31 || len(page.Items) != 5 || page.Offset != 5 {
			t.Fatalf("page 2: total %d, %d items, offset %d", page.Total, len(page.Items), page.Offset)
		}
	})
}

func TestTeachersOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		var tc domain.Teacher
		wantStatus(t, call(t, env, "POST", "/teachers", unit, domain.TeacherInput{Name: "骆家辉", Gender: "男", Title: "讲师"}, &tc), 201, "create")
		path := "/teachers/" + strconv.FormatInt(tc.ID, 10)
		enabled := func() map[int64]bool {
			var page domain.Page[domain.Teacher]
			wantStatus(t, call(t, env, "GET", "/teachers/enabled?limit=200", unit, nil, &page), 200, "enabled")
			out := map[int64]bool{}
			for _, x := range page.Items {
				out[x.ID] = true
			}
			return out
		}
		if !enabled()[tc.ID] {
			t.Fatal("new teacher not offered")
		}
		var off domain.Teacher
		wantStatus(t, call(t, env, "POST", path+"/disable", unit, domain.VersionRef{Version: tc.Version}, &off), 200, "disable")
		if enabled()[tc.ID] {
			t.Fatal("disabled teacher offered")
		}
		wantStatus(t, call(t, env, "POST", path+"/disable", unit, domain.VersionRef{Version: off.Version}, nil), 409, "disable twice")
		var on domain.Teacher
		wantStatus(t, call(t, env, "POST", path+"/enable", unit, domain.VersionRef{Version: off.Version}, &on), 200, "enable")
		var page domain.Page[domain.Teacher]
		wantStatus(t, call(t, env, "GET", "/teachers?state=disabled", unit, nil, &page), 200, "disabled list")
		if page.Total != 2 {
			t.Fatalf("disabled: %d", page.Total)
		}
		wantStatus(t, call(t, env, "GET", "/teachers?state=gone", unit, nil, nil), 422, "bad state")
		a := call(t, env, "POST", "/teachers", unit, domain.TeacherInput{Name: "无名", IDNumber: idOf("44010619800101123")[:17] + "Z"}, nil)
		if a.status != 422 || a.err(t).Fields["id_number"] == "" {
			t.Fatalf("bad ID: %d %s", a.status, a.body)
		}
		wantStatus(t, call(t, env, "DELETE", path+"?version="+strconv.FormatInt(off.Version, 10), unit, nil, nil), 409, "stale delete")
		wantStatus(t, call(t, env, "DELETE", path+"?version=x", unit, nil, nil), 400, "bad version")
		wantStatus(t, call(t, env, "DELETE", path+"?version="+strconv.FormatInt(on.Version, 10), unit, nil, nil), 204, "delete")
		wantStatus(t, call(t, env, "GET", path, unit, nil, nil), 404, "deleted")
	})
}
