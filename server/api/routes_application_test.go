package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// onboardingCallers are the sessions the route tests call with: the unit
// that applies, another (approved) unit, the authorities of Guangzhou, of
// Shenzhen and of the province, a person and an admin; "" is anonymous.
type onboardingCallers map[string]string

func newOnboardingCallers(t *testing.T, env *servertest.Env) onboardingCallers {
	t.Helper()
	a := send(t, "POST", env.URL+"/api/v1/admin/accounts", token(t, env, store.DemoAdmin),
		strings.NewReader(`{"username":"sz-hr","password":"Demo@2026","role":"authority","region_code":"440300"}`), nil)
	if a.status != 201 {
		t.Fatalf("create 深圳 authority: %d %s", a.status, a.body)
	}
	return onboardingCallers{
		"anonymous": "",
		"unit":      token(t, env, store.DemoNewUnit),
		"otherUnit": token(t, env, store.DemoUnit),
		"guangzhou": token(t, env, store.DemoAuthority),
		"shenzhen":  token(t, env, "sz-hr"),
		"province":  token(t, env, store.DemoProvince),
		"person":    token(t, env, store.DemoPerson),
		"admin":     token(t, env, store.DemoAdmin),
	}
}

// submitted takes demo-new-unit's application to submitted with one
// attachment, over the API, and returns the unit's and the file's ids.
func submittedOverHTTP(t *testing.T, env *servertest.Env, tok string) (unitID, fileID int64) {
	t.Helper()
	var app domain.UnitApplication
	a := send(t, "GET", env.URL+"/api/v1/unit/application", tok, nil, nil)
	if a.status != 200 || json.Unmarshal(a.body, &app) != nil {
		t.Fatalf("my application: %d %s", a.status, a.body)
	}
	f := domain.FormOf(app)
	f.UnitType, f.RegionCode, f.LegalRep, f.ContactPerson = "enterprise", "440104", "赵立新", "孙小梅"
	f.Mobile, f.Email, f.PostalCode, f.Address = "13711112222", "hr@xinchuang.cn", "510030", "广州市越秀区东风中路300号"
	body, _ := json.Marshal(f)
	a = send(t, "POST", env.URL+"/api/v1/unit/application", tok, bytes.NewReader(body), nil)
	if a.status != 200 || json.Unmarshal(a.body, &app) != nil {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	pdf := store.DemoPDF("licence")
	a = send(t, "POST", fmt.Sprintf("%s/api/v1/entities/unit/%d/attachments?name=%s", env.URL, app.ID, "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"),
		tok, bytes.NewReader(pdf), nil)
	var att domain.Attachment
	if a.status != 201 || json.Unmarshal(a.body, &att) != nil || att.Name != "营业执照.pdf" {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
	a = send(t, "POST", env.URL+"/api/v1/unit/application/submit", tok, strings.NewReader(fmt.Sprintf(`{"version":%d}`, app.Version)), nil)
	if a.status != 200 {
		t.Fatalf("submit: %d %s", a.status, a.body)
	}
	return app.ID, att.ID
}

// Every onboarding route, by every kind of caller: roles are refused at
// the route (403), other tenants' ids answer 404, frozen data 409.
func TestOnboardingRoutesByCaller(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		who := newOnboardingCallers(t, env)
		unitID, fileID := submittedOverHTTP(t, env, who["unit"])
		app := "/unit-applications/" + strconv.FormatInt(unitID, 10)
		owner := "/entities/unit/" + strconv.FormatInt(unitID, 10)
		file := "/attachments/" + strconv.FormatInt(fileID, 10)
		pdf := string(store.DemoPDF("another"))

		type want map[string]int
		routes := []struct {
			method, path, body string
			want               want
		}{
			{"GET", "/unit/application", "", want{"anonymous": 401, "unit": 200, "otherUnit": 200, "guangzhou": 403, "person": 403, "admin": 403}},
			{"POST", "/unit/application", `{"name":"某单位","uscc":"91440101MA5911110H","version":1}`,
				want{"anonymous": 401, "unit": 409, "guangzhou": 403, "person": 403, "admin": 403}},
			{"POST", "/unit/application/submit", `{"version":1}`, want{"anonymous": 401, "unit": 409, "otherUnit": 409, "guangzhou": 403, "person": 403}},
			{"POST", "/unit/info", `{"version":1}`, want{"anonymous": 401, "unit": 424, "otherUnit": 422, "guangzhou": 403, "person": 403}},
			{"GET", "/unit-applications", "", want{"anonymous": 401, "unit": 403, "otherUnit": 403, "guangzhou": 200, "shenzhen": 200, "province": 200, "person": 403, "admin": 403}},
			{"GET", app, "", want{"anonymous": 401, "unit": 403, "otherUnit": 403, "guangzhou": 200, "shenzhen": 404, "province": 200, "person": 403}},
			{"POST", app + "/review", `{"action":"approve","version":1}`, want{"anonymous": 401, "otherUnit": 403, "shenzhen": 404, "guangzhou": 409, "person": 403}},
			{"GET", owner + "/attachments", "", want{"anonymous": 401, "unit": 200, "otherUnit": 404, "guangzhou": 200, "shenzhen": 404, "province": 200, "person": 404, "admin": 404}},
			{"POST", owner + "/attachments?name=b.pdf", pdf, want{"anonymous": 401, "unit": 409, "otherUnit": 404, "guangzhou": 403, "shenzhen": 404, "person": 404}},
			{"GET", file, "", want{"anonymous": 401, "unit": 200, "otherUnit": 404, "guangzhou": 200, "shenzhen": 404, "province": 200, "person": 404}},
			{"DELETE", file, "", want{"anonymous": 401, "unit": 409, "otherUnit": 404, "guangzhou": 403, "shenzhen": 404, "person": 404}},
			{"GET", owner + "/history", "", want{"anonymous": 401, "unit": 200, "otherUnit": 404, "guangzhou": 200, "shenzhen": 404, "province": 200, "person": 404, "admin": 404}},
			{"GET", "/entities/spaceship/1/history", "", want{"unit": 400}},
			{"GET", "/attachments/abc", "", want{"unit": 400}},
		}
		for _, rt := range routes {
			for caller, status := range rt.want {
				var body *strings.Reader
				if rt.body != "" {
					body = strings.NewReader(rt.body)
				}
				var a answer
				if body != nil {
					a = send(t, rt.method, env.URL+"/api/v1"+rt.path, who[caller], body, nil)
				} else {
					a = send(t, rt.method, env.URL+"/api/v1"+rt.path, who[caller], nil, nil)
				}
				if a.status != status {
					t.Errorf("%s %s as %s: %d, want %d (%s)", rt.method, rt.path, caller, a.status, status, a.body)
				}
				if caller == "shenzhen" && a.status == 404 && bytes.Contains(a.body, []byte("新创")) {
					t.Errorf("%s %s leaks the application to 深圳", rt.method, rt.path)
				}
			}
		}

		// 深圳's queue does not hold it; Guangzhou's does.
		for caller, has := range map[string]bool{"shenzhen": false, "guangzhou": true, "province": true} {
			a := send(t, "GET", env.URL+"/api/v1/unit-applications?status=submitted&limit=200", who[caller], nil, nil)
			var page domain.Page[domain.UnitApplication]
			if err := json.Unmarshal(a.body, &page); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, it := range page.Items {
				found = found || it.ID == unitID
			}
			if found != has {
				t.Errorf("%s queue holds it: %v", caller, found)
			}
		}
		a := send(t, "GET", env.URL+"/api/v1/unit-applications?limit=x", who["guangzhou"], nil, nil)
		if a.status != 400 {
			t.Errorf("bad limit: %d", a.status)
		}

		// The download carries its name, type, length and digest.
		a = send(t, "GET", env.URL+"/api/v1"+file, who["guangzhou"], nil, nil)
		if a.header.Get("Content-Type") != "application/pdf" || !strings.Contains(a.header.Get("Content-Disposition"), "filename*=utf-8''%E8%90%A5") ||
			a.header.Get("X-Attachment-SHA256") == "" || !bytes.HasPrefix(a.body, []byte("%PDF")) || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("download headers %v", a.header)
		}

		// Returning needs a reason; then the unit may change its files again.
		a = send(t, "POST", env.URL+"/api/v1"+app+"/review", who["guangzhou"], strings.NewReader(`{"action":"return","version":3}`), nil)
		if a.status != 422 {
			t.Fatalf("return without reason: %d %s", a.status, a.body)
		}
		var cur domain.UnitApplication
		_ = json.Unmarshal(send(t, "GET", env.URL+"/api/v1"+app, who["guangzhou"], nil, nil).body, &cur)
		a = send(t, "POST", env.URL+"/api/v1"+app+"/review", who["guangzhou"],
			strings.NewReader(fmt.Sprintf(`{"action":"return","version":%d,"comment":"请补充材料"}`, cur.Version)), nil)
		if a.status != 200 {
			t.Fatalf("return: %d %s", a.status, a.body)
		}
		a = send(t, "DELETE", env.URL+"/api/v1"+file, who["unit"], nil, nil)
		if a.status != 204 {
			t.Fatalf("delete once returned: %d %s", a.status, a.body)
		}
	})
}

// Uploads are bounded by the upload limit, not by the JSON one.
func TestUploadLimitIsNotTheJSONLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, MaxBodyBytes: 1 << 10, MaxUploadBytes: 3 << 20})
		tok := token(t, env, store.DemoNewUnit)
		var app domain.UnitApplication
		_ = json.Unmarshal(send(t, "GET", env.URL+"/api/v1/unit/application", tok, nil, nil).body, &app)
		url := fmt.Sprintf("%s/api/v1/entities/unit/%d/attachments?name=", env.URL, app.ID)
		big := append(store.DemoPDF("big"), bytes.Repeat([]byte(" "), 2<<20)...)
		a := send(t, "POST", url+"big.pdf", tok, bytes.NewReader(big), nil)
		if a.status != 201 {
			t.Fatalf("2 MB upload under a 1 KB JSON limit: %d %s", a.status, a.body)
		}
		huge := append(store.DemoPDF("huge"), bytes.Repeat([]byte(" "), 3<<20)...)
		a = send(t, "POST", url+"huge.pdf", tok, bytes.NewReader(huge), nil)
		if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(a.body), "3.0 MB") {
			t.Fatalf("over the upload limit: %d %s", a.status, a.body)
		}
		a = send(t, "POST", url+"..%2Fx.pdf", tok, strings.NewReader("%PDF-1.4"), nil)
		if a.status != 422 || !strings.Contains(string(a.body), "路径分隔符") {
			t.Fatalf("name with a separator: %d %s", a.status, a.body)
		}
		a = send(t, "POST", env.URL+"/api/v1/unit/application", tok, strings.NewReader(`{"name":"`+strings.Repeat("x", 2<<10)+`"}`), nil)
		if a.status != 413 {
			t.Fatalf("the JSON limit still holds elsewhere: %d", a.status)
		}
	})
}
