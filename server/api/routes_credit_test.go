package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// Every credit, query and statistics route answers only its roles: the
// others get forbidden, a unit not yet approved gets module_locked.
func TestCreditAndQueryRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		var credit domain.Page[domain.CreditRecord]
		wantStatus(t, call(t, env, "GET", "/credit", toks[store.DemoUnit], nil, &credit), 200, "credit list")
		var plans domain.Page[domain.Plan]
		wantStatus(t, call(t, env, "GET", "/query/plans", toks[store.DemoUnit], nil, &plans), 200, "plans")
		var records domain.Page[domain.QueryRecord]
		wantStatus(t, call(t, env, "GET", "/query/records", toks[store.DemoUnit], nil, &records), 200, "records")
		if len(credit.Items) == 0 || len(plans.Items) == 0 || len(records.Items) == 0 {
			t.Fatalf("demo data lacks credit %d, plans %d or records %d", len(credit.Items), len(plans.Items), len(records.Items))
		}
		ids := map[string]int64{"/credit/": credit.Items[0].ID, "/query/plans/": plans.Items[0].ID, "/query/records/": records.Items[0].ID}
		unit := []string{store.DemoUnit}
		both := []string{store.DemoUnit, store.DemoAuthority}
		routes := []struct {
			method, path string
			owners       []string
		}{
			{"GET", "/credit", both}, {"POST", "/credit", both}, {"GET", "/credit/{id}", both}, {"POST", "/credit/{id}", both},
			{"GET", "/unit/credit", unit}, {"GET", "/credit-units", []string{store.DemoAuthority}},
			{"GET", "/query/plans", unit}, {"GET", "/query/plans/{id}", unit},
			{"GET", "/query/records", unit}, {"GET", "/query/records/{id}", unit}, {"GET", "/query/record-export", unit},
			{"GET", "/stats", both},
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
					path = strings.Replace(path, "{id}", strconv.FormatInt(id, 10), 1)
				}
			}
			for user, tok := range toks {
				var in any
				if rt.method == "POST" {
					in = map[string]any{}
				}
				a := call(t, env, rt.method, path, tok, in, nil)
				owner := false
				for _, o := range rt.owners {
					owner = owner || o == user
				}
				switch {
				case owner:
					if a.status == 401 || a.status == 403 || a.status == 424 || a.status == 428 || a.status == 500 {
						t.Errorf("%s %s as its owner %s: %d %s", rt.method, path, user, a.status, a.body)
					}
				case user == store.DemoNewUnit && rt.owners[0] == store.DemoUnit:
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
	})
}

// The walk-through over HTTP: demo-unit records an entry for one
// of its persons, demo-authority one about demo-unit, which the unit sees
// but cannot change; another unit and another city's authority see none
// of it.
func TestCreditWalkThroughOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit, authority := token(t, env, store.DemoUnit), token(t, env, store.DemoAuthority)
		other, _ := approveOther(t, env)
		admin := token(t, env, store.DemoAdmin)
		wantStatus(t, call(t, env, "POST", "/admin/accounts", admin, domain.NewAccount{Username: "sz-authority",
			Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "440300"}, nil), 201, "shenzhen account")
		shenzhen := loginToken(t, env, "sz-authority", "Start2026a")

		var persons domain.Page[domain.Person]
		wantStatus(t, call(t, env, "GET", "/persons?status=confirmed&name=李晓红", unit, nil, &persons), 200, "persons")
		if len(persons.Items) != 1 {
			t.Fatalf("persons %+v", persons)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(domain.DateLayout)
		entry := domain.CreditInput{PersonID: persons.Items[0].ID, Type: "fake_hours", Description: "虚报学时。",
			OccurredDate: today, Handling: "撤销学时。", ValidFrom: today}
		var own domain.CreditRecord
		wantStatus(t, call(t, env, "POST", "/credit", unit, entry, &own), 201, "unit records")
		if !own.Active || own.PersonName != "李晓红" {
			t.Fatalf("entry %+v", own)
		}
		bad := entry
		bad.ValidTo = "2000-01-01"
		if a := call(t, env, "POST", "/credit", unit, bad, nil); a.status != 422 || a.err(t).Fields["valid_to"] == "" {
			t.Fatalf("invalid entry: %d %s", a.status, a.body)
		}

		var units domain.Page[domain.UnitBrief]
		wantStatus(t, call(t, env, "GET", "/credit-units?q=天河", authority, nil, &units), 200, "units")
		if len(units.Items) != 1 {
			t.Fatalf("units %+v", units)
		}
		about := entry
		about.PersonID, about.UnitID = 0, units.Items[0].ID
		var made domain.CreditRecord
		wantStatus(t, call(t, env, "POST", "/credit", authority, about, &made), 201, "authority records")
		var seen domain.Page[domain.CreditRecord]
		wantStatus(t, call(t, env, "GET", "/unit/credit", unit, nil, &seen), 200, "unit view")
		if seen.Total != 2 || seen.Items[0].ID != made.ID || seen.Items[0].RecorderName != "广州市人力资源和社会保障局" {
			t.Fatalf("unit view %+v", seen)
		}
		path := "/credit/" + strconv.FormatInt(made.ID, 10)
		wantStatus(t, call(t, env, "GET", path, unit, nil, nil), 200, "unit detail")
		about.Version = made.Version
		if a := call(t, env, "POST", path, unit, about, nil); a.status != 403 {
			t.Fatalf("unit edits the authority's entry: %d %s", a.status, a.body)
		}
		ownPath := "/credit/" + strconv.FormatInt(own.ID, 10)
		for what, c := range map[string]struct{ tok, path string }{
			"other unit, own entry":     {other, ownPath},
			"other unit, about entry":   {other, path},
			"shenzhen, about entry":     {shenzhen, path},
			"guangzhou, person entry":   {authority, ownPath},
			"other unit, record detail": {other, "/query/records/" + strconv.FormatInt(firstRecord(t, env, unit), 10)},
		} {
			if a := call(t, env, "GET", c.path, c.tok, nil, nil); a.status != 404 {
				t.Errorf("%s: %d %s", what, a.status, a.body)
			}
		}
		for _, tok := range []string{other, shenzhen} {
			var list domain.Page[domain.CreditRecord]
			wantStatus(t, call(t, env, "GET", "/credit", tok, nil, &list), 200, "foreign list")
			for _, it := range list.Items {
				if it.ID == own.ID || it.ID == made.ID {
					t.Errorf("a foreign list holds entry %d", it.ID)
				}
			}
		}
		var st domain.Stats
		wantStatus(t, call(t, env, "GET", "/stats", shenzhen, nil, &st), 200, "shenzhen stats")
		if st.Persons != 0 || st.Records != 0 {
			t.Fatalf("shenzhen counts guangzhou: %+v", st)
		}
		wantStatus(t, call(t, env, "GET", "/stats?year=2026", authority, nil, &st), 200, "guangzhou stats")
		if st.Persons == 0 || st.RegionLevel != "区县" || st.Year != 2026 {
			t.Fatalf("guangzhou stats %+v", st)
		}
		if a := call(t, env, "GET", "/stats?year=abc", unit, nil, nil); a.status != 400 {
			t.Fatalf("bad year: %d", a.status)
		}
	})
}

// loginToken logs in; an account created over HTTP must change its
// password first, which the test does (and changes back) so the password
// stays the one given.
func loginToken(t *testing.T, env *servertest.Env, username, password string) string {
	t.Helper()
	c := env.Client()
	sess, err := c.Login(t.Context(), domain.LoginRequest{Username: username, Password: password, CaptchaCode: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.User.MustChangePassword {
		for _, ch := range []domain.PasswordChange{{Old: password, New: password + "x1"}, {Old: password + "x1", New: password}} {
			if err := c.ChangePassword(t.Context(), ch); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c.Token()
}

func firstRecord(t *testing.T, env *servertest.Env, tok string) int64 {
	t.Helper()
	var page domain.Page[domain.QueryRecord]
	wantStatus(t, call(t, env, "GET", "/query/records?limit=1", tok, nil, &page), 200, "records")
	return page.Items[0].ID
}

// The export is a stream of lines: the total, every record, then done; a
// bad filter is an ordinary error answer before any line.
func TestRecordExportStream(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		var page domain.Page[domain.QueryRecord]
		wantStatus(t, call(t, env, "GET", "/query/records?category=public", unit, nil, &page), 200, "records")
		a := send(t, "GET", env.URL+"/api/v1/query/record-export?category=public", unit, nil, map[string]string{"Accept-Encoding": "gzip"})
		wantStatus(t, a, 200, "export")
		if !strings.HasPrefix(a.header.Get("Content-Type"), "application/x-ndjson") || a.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("headers %v", a.header)
		}
		plain := send(t, "GET", env.URL+"/api/v1/query/record-export?category=public", unit, nil, nil)
		lines := bufio.NewScanner(bytes.NewReader(plain.body))
		var got []domain.RecordExportLine
		for lines.Scan() {
			var l domain.RecordExportLine
			if err := json.Unmarshal(lines.Bytes(), &l); err != nil {
				t.Fatalf("%v: %s", err, lines.Bytes())
			}
			got = append(got, l)
		}
		if len(got) != page.Total+2 || got[0].Total == nil || *got[0].Total != page.Total || !got[len(got)-1].Done {
			t.Fatalf("%d lines for %d records: %s", len(got), page.Total, plain.body)
		}
		for i, r := range page.Items {
			if got[i+1].Record == nil || got[i+1].Record.ID != r.ID || got[i+1].Record.CategoryLabel != "公需科目" {
				t.Fatalf("line %d: %+v, want record %d", i+1, got[i+1], r.ID)
			}
		}
		bad := send(t, "GET", env.URL+"/api/v1/query/record-export?from=2025-02-30", unit, nil, nil)
		if bad.status != 422 || bad.err(t).Fields["from"] == "" {
			t.Fatalf("bad filter: %d %s", bad.status, bad.body)
		}
	})
}
