package api_test

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

const reviewers = 20

// race sends the same review from reviewers sessions at once and counts
// the answers by status.
func race(t *testing.T, env *servertest.Env, user, path string, body any) map[int]int {
	t.Helper()
	tokens := make([]string, reviewers)
	for i := range tokens {
		tokens[i] = token(t, env, user)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var start, done sync.WaitGroup
	start.Add(1)
	for _, tok := range tokens {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			a := call(t, env, "POST", path, tok, body, nil)
			mu.Lock()
			statuses[a.status]++
			mu.Unlock()
		}()
	}
	start.Done()
	done.Wait()
	return statuses
}

// transitions counts the audit entries that moved the entity to state.
func transitions(t *testing.T, env *servertest.Env, tok, entity string, id int64, to string) int {
	t.Helper()
	var history []domain.AuditEntry
	a := call(t, env, "GET", "/entities/"+entity+"/"+strconv.FormatInt(id, 10)+"/history", tok, nil, nil)
	if a.status != 200 || json.Unmarshal(a.body, &history) != nil {
		t.Fatalf("history of %s %d: %d %s", entity, id, a.status, a.body)
	}
	n := 0
	for _, e := range history {
		if e.To == to {
			n++
		}
	}
	return n
}

// Twenty reviewers approving the same submitted record, or the same
// submitted plan, at the same moment: exactly one approval happens and is
// audited once; every other reviewer is told someone else was first.
func TestConcurrentReviewersMakeOneTransition(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		// Twenty reviewers log in to one demo account within a second:
		// more than the per-account login budget allows.
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, LoginAttemptsPerMinute: -1})
		unit := token(t, env, store.DemoUnit)
		var records domain.Page[domain.Record]
		wantStatus(t, call(t, env, "GET", "/records?status=submitted&limit=1", unit, nil, &records), 200, "submitted records")
		if len(records.Items) == 0 {
			t.Fatal("no submitted record in the demo data")
		}
		rec := records.Items[0]
		got := race(t, env, store.DemoUnit, "/records/"+strconv.FormatInt(rec.ID, 10)+"/review",
			domain.RecordReview{Decision: domain.RecordApprove, Version: rec.Version})
		if got[200] != 1 || got[409] != reviewers-1 {
			t.Fatalf("record review answers by status: %v", got)
		}
		if n := transitions(t, env, unit, domain.EntityRecord, rec.ID, string(domain.RecordEffective)); n != 1 {
			t.Fatalf("%d audited approvals of the record", n)
		}

		authority := token(t, env, store.DemoAuthority)
		var plans domain.Page[domain.Plan]
		wantStatus(t, call(t, env, "GET", "/plan-reviews?status=submitted&limit=1", authority, nil, &plans), 200, "plan queue")
		if len(plans.Items) == 0 {
			t.Fatal("no submitted plan in the demo data")
		}
		plan := plans.Items[0]
		got = race(t, env, store.DemoAuthority, "/plans/"+strconv.FormatInt(plan.ID, 10)+"/review",
			domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version})
		if got[200] != 1 || got[409] != reviewers-1 {
			t.Fatalf("plan review answers by status: %v", got)
		}
		if n := transitions(t, env, authority, domain.EntityPlan, plan.ID, string(domain.PlanApproved)); n != 1 {
			t.Fatalf("%d audited approvals of the plan", n)
		}
	})
}
