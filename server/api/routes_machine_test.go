package api_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// newAPIToken creates a token for demo-institution with the caller's session.
func newAPIToken(t *testing.T, env *servertest.Env, session string, req domain.NewAPIToken) domain.CreatedAPIToken {
	t.Helper()
	var tok domain.CreatedAPIToken
	wantStatus(t, call(t, env, "POST", "/api-tokens", session, req, &tok), 201, "create token")
	if !domain.IsAPIToken(tok.Token) || tok.ID == 0 {
		t.Fatalf("created token: %+v", tok)
	}
	return tok
}

func machineRecord(ext, title string, hours int) domain.MachineRecord {
	in := recordInput(title, hours)
	in.IDNumber, in.Name = store.DemoPerson, "陈志明"
	return domain.MachineRecord{ExternalID: ext, RecordInput: in}
}

// Who manages tokens, and what a token reaches: the machine routes only;
// sessions never reach those.
func TestAPITokensReachOnlyMachineRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		admin, inst := toks[store.DemoAdmin], toks[store.DemoInstitution]

		byAdmin := newAPIToken(t, env, admin, domain.NewAPIToken{Institution: store.DemoInstitution, Name: "LMS"})
		own := newAPIToken(t, env, inst, domain.NewAPIToken{Name: "自建平台"})
		if byAdmin.InstitutionID != own.InstitutionID || byAdmin.Username != store.DemoInstitution {
			t.Fatalf("tokens of different institutions: %+v %+v", byAdmin.APIToken, own.APIToken)
		}
		for _, u := range []string{store.DemoUnit, store.DemoPerson, store.DemoAuthority} {
			wantStatus(t, call(t, env, "POST", "/api-tokens", toks[u], domain.NewAPIToken{Institution: store.DemoInstitution}, nil), 403, u+" creates a token")
			wantStatus(t, call(t, env, "GET", "/api-tokens", toks[u], nil, nil), 403, u+" lists tokens")
		}
		// An institution naming another account finds none.
		wantStatus(t, call(t, env, "POST", "/api-tokens", inst, domain.NewAPIToken{Institution: store.DemoUnit}, nil), 404, "institution names a unit")
		wantStatus(t, call(t, env, "POST", "/api-tokens", admin, domain.NewAPIToken{Institution: store.DemoUnit}, nil), 404, "admin names a unit")
		past := storetest.ClockOf(db).Now().Add(-time.Hour)
		wantStatus(t, call(t, env, "POST", "/api-tokens", admin, domain.NewAPIToken{Institution: store.DemoInstitution, ExpiresAt: &past}, nil), 422, "expired at birth")

		var list []domain.APIToken
		a := call(t, env, "GET", "/api-tokens", inst, nil, &list)
		wantStatus(t, a, 200, "list")
		if len(list) != 2 || strings.Contains(string(a.body), byAdmin.Token) || strings.Contains(string(a.body), own.Token) {
			t.Fatalf("list: %s", a.body)
		}
		var renamed domain.APIToken
		wantStatus(t, call(t, env, "POST", "/api-tokens/"+strconv.FormatInt(own.ID, 10), inst, map[string]string{"name": "教务系统"}, &renamed), 200, "rename")
		if renamed.Name != "教务系统" {
			t.Fatalf("renamed: %+v", renamed)
		}

		// A token reaches no route but the machine's, public ones included.
		for _, rt := range env.Srv.API.Routes() {
			path := strings.NewReplacer("{id}", "1", "{type}", "record", "{kind}", "form", "{code}", "x").Replace(rt.Path)
			a := call(t, env, rt.Method, path, byAdmin.Token, map[string]any{}, nil)
			switch {
			case rt.Access.Machine && (a.status == 401 || a.status == 403 || a.status >= 500):
				t.Errorf("%s %s with a token: %d %s", rt.Method, path, a.status, a.body)
			case !rt.Access.Machine && a.status != 403:
				t.Errorf("%s %s with a token: %d %s, want 403", rt.Method, path, a.status, a.body)
			}
			if !rt.Access.Machine {
				continue
			}
			for user, s := range toks {
				if a := call(t, env, rt.Method, path, s, map[string]any{}, nil); a.status != 403 {
					t.Errorf("%s %s by %s's session: %d %s, want 403", rt.Method, path, user, a.status, a.body)
				}
			}
			for _, s := range []string{"", "forged", domain.APITokenPrefix + "forged"} {
				if a := call(t, env, rt.Method, path, s, map[string]any{}, nil); a.status != 401 {
					t.Errorf("%s %s with %q: %d %s, want 401", rt.Method, path, s, a.status, a.body)
				}
			}
		}

		// Revoked: 401 at once; the other token still works.
		wantStatus(t, call(t, env, "POST", "/api-tokens/"+strconv.FormatInt(byAdmin.ID, 10)+"/revoke", admin, nil, nil), 204, "revoke")
		wantStatus(t, call(t, env, "GET", "/machine/records", byAdmin.Token, nil, nil), 401, "revoked token")
		wantStatus(t, call(t, env, "GET", "/machine/records", own.Token, nil, nil), 200, "live token")
		wantStatus(t, call(t, env, "POST", "/api-tokens/"+strconv.FormatInt(byAdmin.ID, 10)+"/revoke", toks[store.DemoUnit], nil, nil), 403, "unit revokes")

		// Expired: 401.
		clock := storetest.ClockOf(db)
		soon := clock.Now().Add(time.Hour)
		short := newAPIToken(t, env, admin, domain.NewAPIToken{Institution: strconv.FormatInt(own.InstitutionID, 10), Name: "短期", ExpiresAt: &soon})
		wantStatus(t, call(t, env, "GET", "/machine/records", short.Token, nil, nil), 200, "before expiry")
		clock.Advance(time.Hour)
		wantStatus(t, call(t, env, "GET", "/machine/records", short.Token, nil, nil), 401, "expired token")

		// Every call is in the token's log, the refused ones too.
		calls, err := db.TokenCalls(t.Context(), byAdmin.ID)
		if err != nil || len(calls) < len(env.Srv.API.Routes()) || calls[0] != "GET /api/v1/machine/records 401" {
			t.Fatalf("call log: %v %v", calls[:min(3, len(calls))], err)
		}
	})
}

// The batch: per-record results, resend without duplicates, the unit's
// 认定 queue, and the decisions read back since a cursor.
func TestMachineRecordsDeliverAndSync(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		unit := toks[store.DemoUnit]
		tok := newAPIToken(t, env, toks[store.DemoAdmin], domain.NewAPIToken{Institution: store.DemoInstitution, Name: "LMS"}).Token

		var pending domain.Page[domain.Person]
		wantStatus(t, call(t, env, "GET", "/persons?status=pending&limit=1", unit, nil, &pending), 200, "pending persons")
		unitless := pending.Items[0]

		bad := machineRecord("e-bad", "未来的培训", 4)
		bad.StartDate, bad.EndDate = chinaDay(-3), chinaDay(-4)
		stranger := machineRecord("e-stranger", "冒名培训", 4)
		stranger.Name = "张三"
		noUnit := machineRecord("e-nounit", "待确认人员培训", 4)
		noUnit.IDNumber, noUnit.Name = unitless.IDNumber, unitless.Name
		batch := domain.MachineBatch{Records: []domain.MachineRecord{
			machineRecord("e-1", "平台课程一", 2), machineRecord("e-2", "平台课程二", 3), machineRecord("e-3", "平台课程三", 4),
			bad, stranger, noUnit,
			machineRecord("e-1b", "平台课程一", 2), // same person, content and start as e-1
			machineRecord("", "没有编号", 2),
			machineRecord("e-2", "平台课程二（重发）", 3), // the same external id within the batch
		}}
		var res domain.MachineBatchResult
		wantStatus(t, call(t, env, "POST", "/machine/records", tok, batch, &res), 200, "deliver")
		if res.Stored != 3 || res.Duplicates != 1 || res.Errors != 5 || len(res.Results) != 9 {
			t.Fatalf("result: %+v", res)
		}
		want := []string{"stored", "stored", "stored", "error", "error", "error", "error", "error", "duplicate"}
		for i, r := range res.Results {
			if r.Result != want[i] || r.Index != i {
				t.Errorf("record %d: %+v, want %s", i, r, want[i])
			}
		}
		if res.Results[8].RecordID != res.Results[1].RecordID {
			t.Errorf("in-batch resend answered %d, stored %d", res.Results[8].RecordID, res.Results[1].RecordID)
		}
		if res.Results[3].Fields[domain.RecordFieldStart] == "" && res.Results[3].Fields["end_date"] == "" {
			t.Errorf("future dates: %+v", res.Results[3])
		}
		if res.Results[4].Fields[domain.RecordFieldName] != "身份证号与姓名不匹配，请核对" {
			t.Errorf("stranger: %+v", res.Results[4])
		}
		if res.Results[5].Message != "该人员尚未归属单位" || res.Results[5].Fields[domain.RecordFieldIDNumber] != "该人员尚未归属单位" {
			t.Errorf("no unit: %+v", res.Results[5])
		}
		if res.Results[6].Fields["title"] == "" || res.Results[7].Fields["external_id"] == "" {
			t.Errorf("content duplicate / no id: %+v %+v", res.Results[6], res.Results[7])
		}

		// Resend: nothing new, each answered with its stored record.
		var again domain.MachineBatchResult
		wantStatus(t, call(t, env, "POST", "/machine/records", tok, batch, &again), 200, "resend")
		if again.Stored != 0 || again.Duplicates != 4 {
			t.Fatalf("resend: %+v", again)
		}
		for _, i := range []int{0, 1, 2} {
			if again.Results[i].RecordID != res.Results[i].RecordID {
				t.Errorf("resend %d: %+v, stored %d", i, again.Results[i], res.Results[i].RecordID)
			}
		}

		// In the unit's 认定 queue, 已送审, as the institution's records.
		var queue domain.Page[domain.Record]
		wantStatus(t, call(t, env, "GET", "/records?source=institution&status=submitted&limit=100", unit, nil, &queue), 200, "queue")
		inQueue := map[int64]domain.Record{}
		for _, r := range queue.Items {
			inQueue[r.ID] = r
		}
		for _, i := range []int{0, 1, 2} {
			r, ok := inQueue[res.Results[i].RecordID]
			if !ok || r.InstitutionName == "" || r.Status != domain.RecordSubmitted {
				t.Fatalf("record %d not in the queue: %+v", res.Results[i].RecordID, r)
			}
		}
		var history []domain.AuditEntry
		wantStatus(t, call(t, env, "GET", "/entities/record/"+strconv.FormatInt(res.Results[0].RecordID, 10)+"/history", unit, nil, &history), 200, "history")
		if len(history) != 1 || !strings.Contains(history[0].Comment, "机构接口送审") || !strings.Contains(history[0].Comment, "e-1") {
			t.Fatalf("history: %+v", history)
		}

		// Sync from the start: the three, 已送审.
		var changes domain.MachineChanges
		wantStatus(t, call(t, env, "GET", "/machine/records", tok, nil, &changes), 200, "changes")
		if len(changes.Items) != 3 || changes.Items[0].Status != domain.RecordSubmitted || changes.More {
			t.Fatalf("changes: %+v", changes)
		}
		cursor := changes.Next
		wantStatus(t, call(t, env, "GET", "/machine/records?since="+cursor, tok, nil, &changes), 200, "no changes")
		if len(changes.Items) != 0 || changes.Next != cursor {
			t.Fatalf("nothing moved: %+v", changes)
		}

		// The unit decides; the machine reads the decisions with reasons.
		decide := map[string]domain.RecordDecision{"e-1": domain.RecordApprove, "e-2": domain.RecordReturn, "e-3": domain.RecordReject}
		for i, ext := range []string{"e-1", "e-2", "e-3"} {
			r := inQueue[res.Results[i].RecordID]
			rv := domain.RecordReview{Decision: decide[ext], Version: r.Version}
			if rv.Decision != domain.RecordApprove {
				rv.Comment = "证明材料不全：" + ext
			}
			wantStatus(t, call(t, env, "POST", "/records/"+strconv.FormatInt(r.ID, 10)+"/review", unit, rv, nil), 200, "review "+ext)
		}
		wantStatus(t, call(t, env, "GET", "/machine/records?since="+cursor, tok, nil, &changes), 200, "decisions")
		got := map[string]domain.MachineRecordState{}
		for _, s := range changes.Items {
			got[s.ExternalID] = s
		}
		if len(changes.Items) != 3 || got["e-1"].Status != domain.RecordEffective || got["e-2"].Status != domain.RecordReturned ||
			got["e-3"].Status != domain.RecordRejected || got["e-3"].ReviewComment != "证明材料不全：e-3" || got["e-2"].ReviewedAt == nil {
			t.Fatalf("decisions: %+v", changes.Items)
		}
		// Paging from the start by 2 walks the six changes (three deliveries,
		// three decisions), ending at every record's state now.
		seen, final := 0, map[string]domain.RecordStatus{}
		for c := ""; ; {
			var page domain.MachineChanges
			wantStatus(t, call(t, env, "GET", "/machine/records?limit=2&since="+c, tok, nil, &page), 200, "page")
			seen += len(page.Items)
			for _, s := range page.Items {
				final[s.ExternalID] = s.Status
			}
			c = page.Next
			if !page.More {
				break
			}
		}
		if seen != 6 || len(final) != 3 || final["e-1"] != domain.RecordEffective || final["e-2"] != domain.RecordReturned {
			t.Fatalf("paged %d changes: %v", seen, final)
		}
		wantStatus(t, call(t, env, "GET", "/machine/records?since=garbage", tok, nil, nil), 400, "bad cursor")
	})
}

// 1,000 records go in one call; 1,001 are refused whole.
func TestMachineBatchLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := newAPIToken(t, env, token(t, env, store.DemoAdmin), domain.NewAPIToken{Institution: store.DemoInstitution}).Token
		batch := domain.MachineBatch{}
		for i := range domain.MaxMachineBatch + 1 {
			batch.Records = append(batch.Records, machineRecord(fmt.Sprintf("bulk-%04d", i), fmt.Sprintf("平台课程第%04d讲", i), 1))
		}
		a := call(t, env, "POST", "/machine/records", tok, batch, nil)
		wantStatus(t, a, 413, "1,001 records")
		if a.err(t).Code != domain.CodeTooLarge {
			t.Fatalf("1,001: %s", a.body)
		}
		wantStatus(t, call(t, env, "POST", "/machine/records", tok, domain.MachineBatch{}, nil), 422, "empty batch")
		batch.Records = batch.Records[:domain.MaxMachineBatch]
		start := time.Now()
		var res domain.MachineBatchResult
		wantStatus(t, call(t, env, "POST", "/machine/records", tok, batch, &res), 200, "1,000 records")
		t.Logf("%s: 1,000 records in %v", db.Dialect(), time.Since(start))
		if res.Stored != domain.MaxMachineBatch || res.Errors != 0 {
			t.Fatalf("1,000: stored %d, errors %d: %+v", res.Stored, res.Errors, res.Results[0])
		}
		start = time.Now()
		wantStatus(t, call(t, env, "POST", "/machine/records", tok, batch, &res), 200, "resend 1,000")
		t.Logf("%s: resend of 1,000 in %v", db.Dialect(), time.Since(start))
		if res.Duplicates != domain.MaxMachineBatch {
			t.Fatalf("resend 1,000: %+v", res.Duplicates)
		}
	})
}

// Each token has its own budget.
func TestAPITokenRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, TokenPerMinute: 1, TokenBurst: 2})
		admin := token(t, env, store.DemoAdmin)
		one := newAPIToken(t, env, admin, domain.NewAPIToken{Institution: store.DemoInstitution}).Token
		other := newAPIToken(t, env, admin, domain.NewAPIToken{Institution: store.DemoInstitution}).Token
		for i := range 2 {
			wantStatus(t, call(t, env, "GET", "/machine/records", one, nil, nil), 200, "within budget "+strconv.Itoa(i))
		}
		wantStatus(t, call(t, env, "GET", "/machine/records", one, nil, nil), 429, "over budget")
		wantStatus(t, call(t, env, "GET", "/machine/records", other, nil, nil), 200, "another token")
	})
}
