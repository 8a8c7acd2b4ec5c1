package api_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// approveOther lets demo-authority approve the submitted demo unit
// (海珠区), so tests have a second approved unit, and logs it in.
func approveOther(t *testing.T, env *servertest.Env) (string, int64) {
	t.Helper()
	auth := token(t, env, store.DemoAuthority)
	var queue struct {
		Items []struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		} `json:"items"`
	}
	wantStatus(t, call(t, env, "GET", "/unit-applications?status=submitted", auth, nil, &queue), 200, "review queue")
	if len(queue.Items) == 0 {
		t.Fatal("no submitted application in the demo data")
	}
	app := queue.Items[0]
	review := map[string]any{"action": "approve", "version": app.Version}
	wantStatus(t, call(t, env, "POST", "/unit-applications/"+strconv.FormatInt(app.ID, 10)+"/review", auth, review, nil), 200, "approve")
	return token(t, env, store.DemoSubmittedUnit), app.ID
}

// Another approved unit gets not_found for every one of demo-unit's
// persons and teachers, and lists none of them.
func TestPersonnelTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		other, otherID := approveOther(t, env)
		var persons domain.Page[domain.Person]
		call(t, env, "GET", "/persons?limit=200", unit, nil, &persons)
		var teachers domain.Page[domain.Teacher]
		call(t, env, "GET", "/teachers?limit=200", unit, nil, &teachers)
		if persons.Total != 30 || teachers.Total != 8 {
			t.Fatalf("demo-unit has %d persons, %d teachers", persons.Total, teachers.Total)
		}
		var pendingID int64
		for _, p := range persons.Items {
			if p.Status == domain.AffiliationPending {
				pendingID = p.ID
			}
		}
		pid := strconv.FormatInt(pendingID, 10)
		tc := teachers.Items[0]
		tid := strconv.FormatInt(tc.ID, 10)
		version := domain.VersionRef{Version: tc.Version}
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/persons/" + pid, nil},
			{"POST", "/persons/" + pid, domain.PersonInput{IDNumber: persons.Items[0].IDNumber, Name: "篡改"}},
			{"POST", "/persons/" + pid + "/decision", domain.AffiliationDecision{Decision: domain.DecisionAccept}},
			{"GET", "/teachers/" + tid, nil},
			{"POST", "/teachers/" + tid, domain.TeacherInput{Name: "篡改", Gender: "男", Version: tc.Version}},
			{"POST", "/teachers/" + tid + "/disable", version},
			{"POST", "/teachers/" + tid + "/enable", version},
			{"DELETE", "/teachers/" + tid + "?version=" + strconv.FormatInt(tc.Version, 10), nil},
		} {
			a := call(t, env, c.method, c.path, other, c.body, nil)
			if a.status != 404 || a.err(t).Code != domain.CodeNotFound {
				t.Errorf("%s %s by another unit: %d %s", c.method, c.path, a.status, a.body)
			}
		}
		// Adding one of demo-unit's persons is refused at the ID number,
		// not a silent transfer.
		a := call(t, env, "POST", "/persons", other, domain.PersonInput{IDNumber: persons.Items[len(persons.Items)-1].IDNumber, Name: "转移"}, nil)
		if a.status != 409 || a.err(t).Fields["id_number"] != "该身份证号已属于其他单位，不能添加" {
			t.Errorf("adding another unit's person: %d %s", a.status, a.body)
		}
		var sum domain.AffiliationSummary
		call(t, env, "POST", "/persons/decisions", other, domain.AffiliationBatch{IDs: []int64{pendingID}, Decision: domain.DecisionRefuse}, &sum)
		if len(sum.Changed) != 0 || len(sum.Skipped) != 1 {
			t.Fatalf("another unit's batch: %+v", sum)
		}
		for _, path := range []string{"/persons", "/persons?status=pending", "/teachers", "/teachers/enabled"} {
			var page domain.Page[json.RawMessage]
			call(t, env, "GET", path, other, nil, &page)
			if page.Total != 0 {
				t.Errorf("%s by another unit: %d", path, page.Total)
			}
		}
		var after domain.Person
		call(t, env, "GET", "/persons/"+pid, unit, nil, &after)
		var afterT domain.Teacher
		call(t, env, "GET", "/teachers/"+tid, unit, nil, &afterT)
		if after.Status != domain.AffiliationPending || afterT.Version != tc.Version {
			t.Fatalf("another unit changed demo-unit's data: %+v %+v", after, afterT)
		}

		// A claim 否'd by demo-unit frees the person to claim the other unit.
		wantStatus(t, call(t, env, "POST", "/persons/"+pid+"/decision", unit, domain.AffiliationDecision{Decision: domain.DecisionRefuse}, nil), 200, "否")
		claimant := token(t, env, after.IDNumber)
		var me domain.Person
		call(t, env, "GET", "/person/profile", claimant, nil, &me)
		var claimed domain.Person
		wantStatus(t, call(t, env, "POST", "/person/profile/claim", claimant, domain.Claim{UnitID: otherID, Version: me.Version}, &claimed), 200, "claim the other unit")
		var theirs domain.Page[domain.Person]
		call(t, env, "GET", "/persons?status=pending", other, nil, &theirs)
		if theirs.Total != 1 || theirs.Items[0].ID != pendingID {
			t.Fatalf("the other unit's claims: %+v", theirs)
		}
		wantStatus(t, call(t, env, "GET", "/persons/"+pid, unit, nil, nil), 404, "the old unit reads the person")
	})
}
