package api_test

import (
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

// planPaths are the route prefixes of the catalog, plan and class modules.
var planPaths = []string{"/courses", "/plans", "/plan-reviews", "/classes", "/class-status", "/enrollments", "/sessions", "/subjects"}

func isPlanRoute(path string) bool {
	for _, p := range planPaths {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// planSend sends in as JSON (nil: no body) and decodes a 2xx answer into out.
func planSend(t *testing.T, env *servertest.Env, method, path, tok string, in, out any) answer {
	t.Helper()
	var body *bytes.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	} else {
		body = bytes.NewReader(nil)
	}
	a := send(t, method, env.URL+"/api/v1"+path, tok, body, map[string]string{"Content-Type": "application/json"})
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %v %s", method, path, err, a.body)
		}
	}
	return a
}

func planID(id int64) string { return strconv.FormatInt(id, 10) }

func TestPlanRoutesRefuseOtherRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tokens := map[domain.Role]string{
			domain.RoleUnit:        token(t, env, store.DemoUnit),
			domain.RoleAuthority:   token(t, env, store.DemoAuthority),
			domain.RolePerson:      token(t, env, store.DemoPerson),
			domain.RoleInstitution: token(t, env, store.DemoInstitution),
			domain.RoleAdmin:       token(t, env, store.DemoAdmin),
		}
		seen := 0
		for _, rt := range env.Srv.API.Routes() {
			if !isPlanRoute(rt.Path) {
				continue
			}
			seen++
			if len(rt.Access.Roles) == 0 || rt.Access.Public {
				t.Errorf("%s %s is open to every role", rt.Method, rt.Path)
				continue
			}
			allowed := map[domain.Role]bool{}
			for _, r := range rt.Access.Roles {
				allowed[r] = true
			}
			path := strings.ReplaceAll(rt.Path, "{id}", "1")
			for role, tok := range tokens {
				if allowed[role] {
					continue
				}
				a := send(t, rt.Method, env.URL+"/api/v1"+path, tok, strings.NewReader("{}"), nil)
				if a.status != 403 || a.err(t).Code != domain.CodeForbidden {
					t.Errorf("%s %s as %s: %d %s", rt.Method, path, role, a.status, a.body)
				}
			}
		}
		if seen < 30 {
			t.Fatalf("only %d plan routes found", seen)
		}
	})
}

func TestPlanRoutesKeepTenantsApart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit, city, province := token(t, env, store.DemoUnit), token(t, env, store.DemoAuthority), token(t, env, store.DemoProvince)
		admin := token(t, env, store.DemoAdmin)
		a := planSend(t, env, "POST", "/admin/accounts", admin, domain.NewAccount{Username: "fs-hr", Password: store.DemoPassword,
			Role: domain.RoleAuthority, RegionCode: "440600"}, nil)
		wantPlanStatus(t, a, 201, "create Foshan's authority")
		foshan := loginToken(t, env, "fs-hr", store.DemoPassword)
		// demo-authority approves the demo unit waiting in its queue: a
		// second approved unit, in the same city.
		var apps domain.Page[domain.UnitApplication]
		wantPlanStatus(t, planSend(t, env, "GET", "/unit-applications?status=submitted", city, nil, &apps), 200, "applications")
		review := domain.ApplicationReview{Action: domain.ActionApprove, Version: apps.Items[0].Version}
		wantPlanStatus(t, planSend(t, env, "POST", "/unit-applications/"+planID(apps.Items[0].ID)+"/review", city, review, nil), 200, "approve")
		other := token(t, env, store.DemoSubmittedUnit)

		var plans domain.Page[domain.Plan]
		wantPlanStatus(t, planSend(t, env, "GET", "/plans?status=submitted", unit, nil, &plans), 200, "list")
		if plans.Total != 1 {
			t.Fatalf("demo submitted plans: %+v", plans)
		}
		submitted := plans.Items[0]
		var classes domain.Page[domain.Class]
		wantPlanStatus(t, planSend(t, env, "GET", "/classes?status=open", unit, nil, &classes), 200, "classes")
		open := classes.Items[0]

		path := "/plans/" + planID(submitted.ID)
		for _, tok := range []string{foshan, other} {
			a := planSend(t, env, "GET", path, tok, nil, nil)
			if a.status != 404 || a.err(t).Code != domain.CodeNotFound {
				t.Fatalf("foreign read of a plan: %d %s", a.status, a.body)
			}
		}
		for _, p := range []string{"/classes/" + planID(open.ID), "/classes/" + planID(open.ID) + "/enrollments",
			"/classes/" + planID(open.ID) + "/attendance", "/classes/" + planID(open.ID) + "/candidates"} {
			wantPlanStatus(t, planSend(t, env, "GET", p, other, nil, nil), 404, "another unit reads "+p)
		}
		wantPlanStatus(t, planSend(t, env, "POST", path+"/review", foshan,
			domain.PlanReview{Action: domain.PlanApprove, Version: submitted.Version}, nil), 404, "another city reviews")
		var queue domain.Page[domain.Plan]
		wantPlanStatus(t, planSend(t, env, "GET", "/plan-reviews", foshan, nil, &queue), 200, "Foshan's queue")
		if queue.Total != 0 {
			t.Fatalf("Foshan sees Guangzhou's plans: %+v", queue)
		}
		wantPlanStatus(t, planSend(t, env, "GET", "/plan-reviews?status=submitted", province, nil, &queue), 200, "province queue")
		if queue.Total != 1 {
			t.Fatalf("province queue: %+v", queue)
		}
		wantPlanStatus(t, planSend(t, env, "GET", path, city, nil, nil), 200, "the city reads")
		wantPlanStatus(t, planSend(t, env, "GET", "/plans?status=nonsense", unit, nil, nil), 422, "bad status")
		wantPlanStatus(t, planSend(t, env, "GET", "/plans?year=abc", unit, nil, nil), 400, "bad year")
		wantPlanStatus(t, planSend(t, env, "GET", "/plans/abc", unit, nil, nil), 404, "bad id")
	})
}

func wantPlanStatus(t *testing.T, a answer, status int, what string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: %d, want %d: %s", what, a.status, status, a.body)
	}
}

// TestRetriedCloseCreditsOnce replays a 结班 with its Idempotency-Key, as
// a client does after a dropped answer, and closes again without one.
func TestRetriedCloseCreditsOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		// The demo's open class ends in two days: close it once it has.
		storetest.ClockOf(db).Advance(3 * 24 * time.Hour)
		unit := token(t, env, store.DemoUnit)
		var classes domain.Page[domain.Class]
		wantPlanStatus(t, planSend(t, env, "GET", "/classes?status=open", unit, nil, &classes), 200, "classes")
		open := classes.Items[0]
		var trainees []domain.Enrollment
		wantPlanStatus(t, planSend(t, env, "GET", "/classes/"+planID(open.ID)+"/enrollments", unit, nil, &trainees), 200, "trainees")
		var sheet domain.ResultSheet
		for i, tr := range trainees {
			score := 70 + i
			sheet.Entries = append(sheet.Entries, domain.ResultEntry{EnrollmentID: tr.ID, Score: &score, Result: domain.ResultPass, Version: tr.Version})
		}
		sheet.Entries[0].Result = domain.ResultFail
		wantPlanStatus(t, planSend(t, env, "POST", "/classes/"+planID(open.ID)+"/results", unit, sheet, nil), 200, "results")

		before := classRecordCount(t, env, unit)
		body, _ := json.Marshal(domain.ClassStatusChange{IDs: []int64{open.ID}, Action: domain.ClassActionClose})
		hdr := map[string]string{"Idempotency-Key": "close-1", "Content-Type": "application/json"}
		first := send(t, "POST", env.URL+"/api/v1/class-status", unit, bytes.NewReader(body), hdr)
		second := send(t, "POST", env.URL+"/api/v1/class-status", unit, bytes.NewReader(body), hdr)
		if first.status != 200 || !bytes.Equal(first.body, second.body) || second.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s / %s", first.status, first.body, second.body)
		}
		var sum domain.ClassStatusSummary
		_ = json.Unmarshal(first.body, &sum)
		if len(sum.Changed) != 1 || sum.Credited != len(trainees)-1 {
			t.Fatalf("close: %+v", sum)
		}
		third := planSend(t, env, "POST", "/class-status", unit, domain.ClassStatusChange{IDs: []int64{open.ID}, Action: domain.ClassActionClose}, &sum)
		if third.status != 200 || len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "已结班") {
			t.Fatalf("close again: %d %+v", third.status, sum)
		}
		if n := classRecordCount(t, env, unit); n != before+len(trainees)-1 {
			t.Fatalf("%d class records, want %d", n, before+len(trainees)-1)
		}
	})
}

// classRecordCount is how many effective records closing classes gave the
// unit's persons, as the records module lists them.
func classRecordCount(t *testing.T, env *servertest.Env, tok string) int {
	t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	wantPlanStatus(t, planSend(t, env, "GET", "/records?source=class&status=effective&limit=1", tok, nil, &page), 200, "records")
	return page.Total
}
