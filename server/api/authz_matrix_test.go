package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// matrixRoles are the callers of the authorization matrix, in the order of
// the letters of every authzMatrix entry.
var matrixRoles = []string{
	"anonymous", "unit A (demo-unit)", "unit B (海珠)", "person (陈志明, of A)", "institution",
	"authority X (广州)", "authority Y (深圳)", "province", "admin",
}

// authzMatrix says, for every route and every caller of matrixRoles, what a
// call against unit A's resources (path ids are A's) must answer:
//
//	o  allowed: 2xx, or a business refusal (400/409/413/415/422), which is
//	   not an authorization failure; the answer may carry A's data
//	s  allowed, but only over the caller's own scope: the answer must not
//	   carry any of A's sensitive data
//	.  denied: 401/403/404/424, and the answer carries none of A's data
//
// Columns (nABpiXYPa): anonymous (n), unit A, unit B, person, institution,
// authority X, authority Y, province (P), admin. A route missing here fails
// the test, so no route ships unclassified.
var authzMatrix = map[string]string{
	//                                         nABpiXYPa
	"GET /healthz":                                     "sssssssss",
	"GET /reference":                                   "sssssssss",
	"POST /captcha":                                    "sssssssss",
	"POST /session":                                    "sssssssss",
	"GET /session":                                     ".oooooooo",
	"DELETE /session":                                  ".oooooooo",
	"POST /session/password":                           ".oooooooo",
	"GET /verify":                                      "sssssssss",
	"GET /work":                                        ".osssosos",
	"POST /units":                                      "sssssssss",
	"POST /admin/accounts":                             "........o",
	"POST /admin/password-resets":                      "........o",
	"GET /admin/dictionaries":                          "........o",
	"POST /admin/dictionaries/{kind}":                  "........o",
	"POST /admin/dictionaries/{kind}/{code}":           "........o",
	"GET /unit/application":                            ".os......",
	"GET /unit-applications":                           ".....oso.",
	"GET /unit-applications/{id}":                      ".....o.o.",
	"GET /entities/{type}/{id}/attachments":            ".o.......",
	"GET /attachments/{id}":                            ".o.......",
	"GET /entities/{type}/{id}/history":                ".o.......",
	"GET /person/profile":                              "...s.....",
	"GET /person/units":                                "...o.....",
	"GET /persons":                                     ".os......",
	"GET /persons/{id}":                                ".o.......",
	"GET /teachers":                                    ".os......",
	"GET /teachers/enabled":                            ".os......",
	"GET /teachers/{id}":                               ".o.......",
	"GET /credit":                                      ".os..oso.",
	"GET /credit/{id}":                                 ".o.......",
	"GET /unit/credit":                                 ".os......",
	"GET /credit-units":                                ".....oso.",
	"GET /query/plans":                                 ".os......",
	"GET /query/plans/{id}":                            ".o.......",
	"GET /query/records":                               ".os......",
	"GET /query/records/{id}":                          ".o.......",
	"GET /query/record-export":                         ".os......",
	"GET /stats":                                       ".os..oso.",
	"GET /records":                                     ".osss....",
	"GET /records/persons":                             ".os......",
	"GET /records/hours":                               "...s.....",
	"GET /records/{id}":                                ".o.......",
	"GET /courses":                                     ".os..oso.",
	"GET /plans":                                       ".os......",
	"GET /plans/{id}":                                  ".o...o.o.",
	"GET /plan-reviews":                                ".....oso.",
	"GET /classes":                                     ".os......",
	"GET /classes/{id}":                                ".o.......",
	"GET /classes/{id}/candidates":                     ".o.......",
	"GET /classes/{id}/enrollments":                    ".o.......",
	"GET /classes/{id}/attendance":                     ".o.......",
	"GET /record-import/template":                      ".os......",
	"GET /requirements":                                ".osssosoo",
	"GET /certificates":                                ".os......",
	"GET /certificates/history":                        ".o.......",
	"GET /certificates/pdf":                            ".o.......",
	"GET /certificates/mine":                           "...s.....",
	"POST /unit/application":                           ".os......",
	"POST /unit/application/submit":                    ".os......",
	"POST /unit/info":                                  ".os......",
	"POST /unit-applications/{id}/review":              ".....o.o.",
	"POST /entities/{type}/{id}/attachments":           ".o.......",
	"POST /person-registrations":                       "sosssosoo",
	"POST /person/profile/contact":                     "...s.....",
	"POST /person/profile/claim":                       "...s.....",
	"POST /person/profile/withdraw":                    "...s.....",
	"POST /persons":                                    ".os......",
	"POST /persons/decisions":                          ".os......",
	"POST /persons/{id}":                               ".o.......",
	"POST /persons/{id}/decision":                      ".o.......",
	"POST /teachers":                                   ".os......",
	"POST /teachers/{id}":                              ".o.......",
	"POST /teachers/{id}/enable":                       ".o.......",
	"POST /teachers/{id}/disable":                      ".o.......",
	"POST /credit":                                     ".os..oso.",
	"POST /credit/{id}":                                ".os..oso.",
	"POST /records":                                    ".osss....",
	"POST /records/approvals":                          ".os......",
	"POST /records/{id}":                               ".o.......",
	"POST /records/{id}/confirm":                       ".o.......",
	"POST /records/{id}/submit":                        ".........",
	"POST /records/{id}/review":                        ".o.......",
	"POST /courses":                                    ".......o.",
	"POST /courses/{id}":                               ".......o.",
	"POST /courses/{id}/enable":                        ".......o.",
	"POST /courses/{id}/disable":                       ".......o.",
	"POST /plans":                                      ".os......",
	"POST /plans/{id}":                                 ".o.......",
	"POST /plans/{id}/submit":                          ".o.......",
	"POST /plans/{id}/classes":                         ".o.......",
	"POST /plans/{id}/review":                          ".....o.o.",
	"POST /classes/{id}":                               ".o.......",
	"POST /classes/{id}/teachers":                      ".o.......",
	"POST /classes/{id}/subjects":                      ".o.......",
	"POST /class-status":                               ".os......",
	"POST /classes/{id}/enrollments":                   ".o.......",
	"POST /enrollments/{id}/cancel":                    ".o.......",
	"POST /classes/{id}/results":                       ".o.......",
	"POST /classes/{id}/sessions":                      ".o.......",
	"POST /sessions/{id}/normal":                       ".o.......",
	"POST /sessions/{id}/marks":                        ".o.......",
	"POST /record-import/validate":                     ".os......",
	"POST /record-import":                              ".os......",
	"POST /record-import/error-report":                 ".os......",
	"POST /record-import/validations/{id}":             ".o.......",
	"GET /record-import/validations/{id}/error-report": ".o.......",
	"POST /requirements":                               ".......oo",
	"POST /requirements/{year}":                        ".......oo",
	"POST /certificates":                               ".os......",
	"POST /certificates/batch":                         ".os......",
	"POST /certificates/recount":                       ".os......",
	"POST /certificates/{id}/regenerate":               ".o.......",
	"POST /certificates/verify":                        "sosssosoo",
	"DELETE /attachments/{id}":                         ".o.......",
	"DELETE /teachers/{id}":                            ".o.......",
	"DELETE /records/{id}":                             ".o.......",
	"DELETE /plans/{id}":                               ".o.......",
	"DELETE /classes/{id}":                             ".o.......",
	"DELETE /subjects/{id}":                            ".o.......",
	// Institution API tokens (issue 23): an institution manages its own
	// (s), the admin any; no token exists under A's ids. Machine routes
	// admit no session at all; TestAPITokensReachOnlyMachineRoutes covers
	// what a token reaches.
	"GET /api-tokens":              "....s...o",
	"POST /api-tokens":             "....s...o",
	"POST /api-tokens/{id}":        ".........",
	"POST /api-tokens/{id}/revoke": ".........",
	"GET /machine/records":         ".........",
	"POST /machine/records":        ".........",
}

// matrixFixture is unit A's side of the demo data, and a token per role.
type matrixFixture struct {
	env       *servertest.Env
	tokens    []string // per matrixRoles; "" for anonymous
	ids       map[string]string
	sensitive []string        // strings only A's side may see
	pages     map[string]bool // route paths served at the root, not under /api/v1
}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1})
		f := newMatrixFixture(t, env)
		routes := env.Srv.API.Routes()
		f.pages = map[string]bool{}
		for _, rt := range routes {
			f.pages[rt.Path] = rt.Page
		}
		// Reads first, deletions last: a write allowed for A must not take
		// away a resource a later route reads.
		order := map[string]int{"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
		sort.SliceStable(routes, func(i, j int) bool { return order[routes[i].Method] < order[routes[j].Method] })
		var missing []string
		for _, rt := range routes {
			key := rt.Method + " " + rt.Path
			want, ok := authzMatrix[key]
			if !ok || len(want) != len(matrixRoles) {
				missing = append(missing, fmt.Sprintf("%q: %q,", key, f.observe(t, rt.Method, rt.Path)))
				continue
			}
			got := make([]byte, len(matrixRoles))
			// Denied callers first, so a write allowed for A cannot change
			// what they would have reached.
			for pass := 0; pass < 2; pass++ {
				for i := range matrixRoles {
					if (want[i] == '.') != (pass == 0) {
						continue
					}
					got[i] = f.classify(t, rt.Method, rt.Path, i, want[i])
				}
			}
			if string(got) != want {
				t.Errorf("%-45q want %q got %q", key, want, got)
			}
		}
		if len(missing) > 0 {
			t.Errorf("routes without an authorization matrix entry; add them to authzMatrix once "+
				"each letter is what the role should get (what they get now is shown):\n%s", strings.Join(missing, "\n"))
		}
	})
}

// classify calls the route as role i and answers the matrix letter its
// answer earns; a leak of A's data turns an s or . into a '!'.
func (f *matrixFixture) classify(t *testing.T, method, pattern string, i int, want byte) byte {
	t.Helper()
	path, body, hdr := f.request(method, pattern)
	tok := f.tokens[i]
	if method == "DELETE" && pattern == "/session" && tok != "" {
		tok = f.freshToken(t, i)
	}
	prefix := "/api/v1"
	if f.pages[pattern] {
		prefix = ""
	}
	a := send(t, method, f.env.URL+prefix+path, tok, bytes.NewReader(body), hdr)
	leaked := ""
	for _, s := range f.sensitive {
		if bytes.Contains(a.body, []byte(s)) {
			leaked = s
		}
	}
	var got byte
	switch {
	case a.status >= 200 && a.status < 300, a.status == 400, a.status == 409, a.status == 413, a.status == 415, a.status == 422:
		got = 'o'
		if leaked == "" && want == 's' {
			got = 's'
		}
	case a.status == 401, a.status == 403, a.status == 404, a.status == 424:
		got = '.'
		if leaked != "" {
			got = '!'
		}
	default:
		got = '?'
	}
	if got != want && want != 's' {
		t.Logf("%s %s as %s: %d %.300s (leaked %q)", method, path, matrixRoles[i], a.status, a.body, leaked)
	}
	return got
}

// observe is what every role gets from a route the matrix lacks, so the
// failure shows the entry to review and add.
func (f *matrixFixture) observe(t *testing.T, method, pattern string) string {
	t.Helper()
	got := make([]byte, len(matrixRoles))
	for i := range matrixRoles {
		got[i] = f.classify(t, method, pattern, i, 's')
		if got[i] == 's' && matrixASide[i] {
			got[i] = 'o'
		}
	}
	return string(got)
}

// matrixASide marks the roles entitled to A's data: A itself, its city's
// authority, the province and the administrator.
var matrixASide = []bool{false, true, false, false, false, true, false, true, true}

// request fills the route's path parameters with A's ids and gives it a
// body that passes validation where that is cheap, so the scope check is
// reached, but no business rule: stale versions.
func (f *matrixFixture) request(method, pattern string) (string, []byte, map[string]string) {
	path := pattern
	kind := strings.SplitN(strings.TrimPrefix(pattern, "/"), "/", 2)[0]
	for _, p := range []string{"{type}", "{id}", "{year}"} {
		v := f.ids[pattern]
		if v == "" || p != "{id}" {
			v = f.ids[kind+p]
		}
		if v == "" {
			v = f.ids[p]
		}
		path = strings.ReplaceAll(path, p, v)
	}
	if q := f.ids["?"+method+" "+pattern]; q != "" {
		path += "?" + q
	}
	if method == "GET" || method == "DELETE" {
		return path, nil, nil
	}
	if strings.HasSuffix(pattern, "/attachments") || strings.HasPrefix(pattern, "/record-import") {
		return path, []byte("not a file"), map[string]string{"Content-Type": "application/octet-stream"}
	}
	body := `{"version": 999999}`
	if b := f.ids["{}"+method+" "+pattern]; b != "" {
		body = b
	}
	return path, []byte(body), map[string]string{"Content-Type": "application/json"}
}

func (f *matrixFixture) freshToken(t *testing.T, i int) string {
	t.Helper()
	user := []string{"", store.DemoUnit, store.DemoSubmittedUnit, store.DemoPerson, store.DemoInstitution,
		store.DemoAuthority, matrixShenzhen, store.DemoProvince, store.DemoAdmin}[i]
	return loginToken(t, f.env, user, matrixPassword(user))
}

const matrixShenzhen = "sz-authority"

func matrixPassword(user string) string {
	if user == matrixShenzhen {
		return "Shenzhen@2026"
	}
	return store.DemoPassword
}

// newMatrixFixture logs every role in, approves unit B, creates the 深圳
// authority and collects the ids of A's resources.
func newMatrixFixture(t *testing.T, env *servertest.Env) *matrixFixture {
	t.Helper()
	f := &matrixFixture{env: env, ids: map[string]string{}}
	unitB, unitBID := approveOther(t, env)
	admin := token(t, env, store.DemoAdmin)
	wantStatus(t, call(t, env, "POST", "/admin/accounts", admin, domain.NewAccount{
		Username: matrixShenzhen, Password: matrixPassword(matrixShenzhen), Role: domain.RoleAuthority,
		RegionCode: "440300", DisplayName: "深圳市人力资源和社会保障局"}, nil), 201, "create the 深圳 authority")
	unitA := token(t, env, store.DemoUnit)
	f.tokens = []string{"", unitA, unitB, token(t, env, store.DemoPerson), token(t, env, store.DemoInstitution),
		token(t, env, store.DemoAuthority), loginToken(t, env, matrixShenzhen, matrixPassword(matrixShenzhen)),
		token(t, env, store.DemoProvince), admin}

	get := func(path string) any {
		t.Helper()
		var v any
		wantStatus(t, call(t, env, "GET", path, unitA, nil, &v), 200, "fixture "+path)
		return v
	}
	id := func(v any, key string) string {
		t.Helper()
		if n, ok := findFirst(v, key).(float64); ok {
			return strconv.FormatInt(int64(n), 10)
		}
		t.Fatalf("fixture: no %q in %v", key, v)
		return ""
	}

	// A's person (not the logged-in person 陈志明) and everything of theirs.
	persons := get("/persons?limit=200").(map[string]any)["items"].([]any)
	var person map[string]any
	for _, p := range persons {
		if p.(map[string]any)["id_number"] != store.DemoPerson && p.(map[string]any)["status"] == string(domain.AffiliationConfirmed) {
			person = p.(map[string]any)
			break
		}
	}
	personID := strconv.FormatInt(int64(person["id"].(float64)), 10)
	unit := get("/unit/application")
	f.sensitive = []string{person["id_number"].(string), person["name"].(string), findFirst(unit, "uscc").(string)}

	records := get("/records?limit=200").(map[string]any)["items"].([]any)
	var recordID string
	for _, r := range records {
		if r.(map[string]any)["id_number"] != store.DemoPerson && r.(map[string]any)["source"] == string(domain.SourceUnit) {
			recordID = strconv.FormatInt(int64(r.(map[string]any)["id"].(float64)), 10)
			break
		}
	}
	// The class with most trainees has enrollments and attendance sessions.
	// (its plan is approved, with subjects).
	var classID string
	most := -1.0
	for _, c := range get("/classes?limit=200").(map[string]any)["items"].([]any) {
		if n := c.(map[string]any)["enrolled"].(float64); n > most {
			most, classID = n, strconv.FormatInt(int64(c.(map[string]any)["id"].(float64)), 10)
		}
	}
	planID := id(get("/classes/"+classID), "plan_id")
	plan := get("/plans/" + planID)
	sheet := get("/classes/" + classID + "/attendance")
	enrollments := get("/classes/" + classID + "/enrollments")
	enrollmentID := id(enrollments, "id")
	year := strconv.Itoa(lastYear())
	certs := get("/certificates?limit=200&year=" + year)
	var certID string
	for _, r := range certs.(map[string]any)["rows"].(map[string]any)["items"].([]any) {
		row := r.(map[string]any)
		if c, ok := row["certificate"].(map[string]any); ok && row["id_number"] != store.DemoPerson {
			certID = strconv.FormatInt(int64(c["id"].(float64)), 10)
			break
		}
	}
	if certID == "" {
		t.Fatal("fixture: no certificate of A's other persons")
	}

	// An attachment of A's own, on the first of A's records that takes one.
	var att domain.Attachment
	for _, r := range records {
		rid := strconv.FormatInt(int64(r.(map[string]any)["id"].(float64)), 10)
		if sendFileAs(t, env, "/entities/record/"+rid+"/attachments?name=proof.pdf", unitA, store.DemoPDF("A"), &att).status == 201 {
			break
		}
	}
	if att.ID == 0 {
		t.Fatal("fixture: no record of A takes an attachment")
	}

	// A validation of A's, kept for 数据入库; its file has a bad row, so
	// it has an error report.
	var validation domain.ImportReport
	if a := sendFile(t, env, "/record-import/validate", unitA, importFile(t, 40), nil); a.status != 200 || json.Unmarshal(a.body, &validation) != nil {
		t.Fatalf("fixture: validation %d %s", a.status, a.body)
	}

	f.ids = map[string]string{
		"{id}":                                    personID,
		"record-import{id}":                       validation.ID,
		"{type}":                                  domain.EntityRecord,
		"{year}":                                  year,
		"entities{id}":                            recordID,
		"records{id}":                             recordID,
		"query{id}":                               strconv.FormatInt(firstRecord(t, env, unitA), 10),
		"teachers{id}":                            id(get("/teachers?limit=1"), "id"),
		"credit{id}":                              id(get("/credit?limit=1"), "id"),
		"plans{id}":                               planID,
		"classes{id}":                             classID,
		"subjects{id}":                            id(findFirst(plan, "subjects"), "id"),
		"sessions{id}":                            id(findFirst(sheet, "sessions"), "id"),
		"enrollments{id}":                         enrollmentID,
		"certificates{id}":                        certID,
		"attachments{id}":                         strconv.FormatInt(att.ID, 10),
		"unit-applications{id}":                   id(unit, "id"),
		"courses{id}":                             "1",
		"/query/plans/{id}":                       planID,
		"{}POST /persons/{id}/decision":           `{"decision": "accept"}`,
		"{}POST /records/{id}/review":             `{"decision": "approve", "version": 999999}`,
		"{}POST /certificates/{id}/regenerate":    `{"reason": "矩阵测试", "version": 999999}`,
		"{}POST /plans/{id}/review":               `{"action": "approve", "version": 999999}`,
		"{}POST /unit-applications/{id}/review":   `{"action": "approve", "version": 999999}`,
		"{}POST /sessions/{id}/marks":             `{"enrollment_ids": [` + enrollmentID + `], "mark": "late"}`,
		"{}POST /classes/{id}/enrollments":        `{"person_ids": [` + personID + `]}`,
		"{}POST /person/profile/claim":            `{"unit_id": ` + strconv.FormatInt(unitBID, 10) + `, "version": 999999}`,
		"?GET /certificates":                      "year=" + year,
		"?GET /certificates/history":              "person_id=" + personID + "&year=" + year,
		"?GET /certificates/pdf":                  "ids=" + certID,
		"?GET /stats":                             "year=" + year,
		"?DELETE /plans/{id}":                     "version=999999",
		"?DELETE /classes/{id}":                   "version=999999",
		"?DELETE /records/{id}":                   "version=999999",
		"?DELETE /teachers/{id}":                  "version=999999",
		"?POST /entities/{type}/{id}/attachments": "name=x.pdf",
	}
	return f
}

// findFirst returns the value of the first key found in v, depth first; an
// array answers its first element.
func findFirst(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		if w, ok := x[key]; ok {
			arr, isArray := w.([]any)
			switch {
			case isArray && len(arr) > 0:
				return arr[0]
			case !isArray:
				return w
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if r := findFirst(x[k], key); r != nil {
				return r
			}
		}
	case []any:
		for _, e := range x {
			if r := findFirst(e, key); r != nil {
				return r
			}
		}
	}
	return nil
}

func sendFileAs(t *testing.T, env *servertest.Env, path, tok string, data []byte, out any) answer {
	t.Helper()
	a := send(t, http.MethodPost, env.URL+"/api/v1"+path, tok, bytes.NewReader(data), map[string]string{"Content-Type": "application/pdf"})
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatal(err)
		}
	}
	return a
}
