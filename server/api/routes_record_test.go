package api_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// recordRouteRoles is who may call each records route, written out here
// rather than read from the route table, so a loosened rule fails.
var recordRouteRoles = []struct {
	method, path string
	roles        []domain.Role
}{
	{"GET", "/records", []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}},
	{"POST", "/records", []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}},
	{"GET", "/records/persons", []domain.Role{domain.RoleUnit}},
	{"GET", "/records/hours", []domain.Role{domain.RolePerson}},
	{"POST", "/records/approvals", []domain.Role{domain.RoleUnit}},
	{"GET", "/records/{id}", []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}},
	{"POST", "/records/{id}", []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}},
	{"DELETE", "/records/{id}", []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}},
	{"POST", "/records/{id}/confirm", []domain.Role{domain.RoleUnit}},
	{"POST", "/records/{id}/submit", []domain.Role{domain.RolePerson, domain.RoleInstitution}},
	{"POST", "/records/{id}/review", []domain.Role{domain.RoleUnit}},
}

// Every records route answers only its roles: the others get forbidden,
// a unit not yet approved gets module_locked; the table covers them all.
func TestRecordRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		roleOf := map[string]domain.Role{
			store.DemoUnit: domain.RoleUnit, store.DemoNewUnit: domain.RoleUnit, store.DemoAuthority: domain.RoleAuthority,
			store.DemoPerson: domain.RolePerson, store.DemoInstitution: domain.RoleInstitution, store.DemoAdmin: domain.RoleAdmin,
		}
		covered := 0
		for _, rt := range env.Srv.API.Routes() {
			if rt.Path == "/records" || strings.HasPrefix(rt.Path, "/records/") {
				covered++
			}
		}
		if covered != len(recordRouteRoles) {
			t.Fatalf("%d records routes, %d in the table", covered, len(recordRouteRoles))
		}
		for _, rt := range recordRouteRoles {
			// No such record: the role check comes first, then not_found.
			path := strings.Replace(rt.path, "{id}", "999999", 1)
			if rt.method == "DELETE" {
				path += "?version=1"
			}
			for user, tok := range toks {
				allowed := false
				for _, r := range rt.roles {
					allowed = allowed || r == roleOf[user]
				}
				a := call(t, env, rt.method, path, tok, map[string]any{}, nil)
				switch {
				case user == store.DemoNewUnit && allowed:
					if a.status != 424 {
						t.Errorf("%s %s by %s: %d %s, want module_locked", rt.method, path, user, a.status, a.body)
					}
				case !allowed:
					if a.status != 403 {
						t.Errorf("%s %s by %s: %d %s, want forbidden", rt.method, path, user, a.status, a.body)
					}
				case a.status == 403 || a.status == 424 || a.status >= 500:
					t.Errorf("%s %s by %s: %d %s", rt.method, path, user, a.status, a.body)
				}
			}
		}
	})
}

// clientOf logs username in with a client of its own.
func clientOf(t *testing.T, env *servertest.Env, username, password string) *client.Client {
	t.Helper()
	c := env.Client()
	cap, err := c.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: username, Password: password, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return c
}

func wantRecordErr(t *testing.T, err error, code domain.Code, field string) {
	t.Helper()
	if domain.ErrorCode(err) != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	if field != "" {
		if _, ok := domain.FieldErrorsOf(err)[field]; !ok {
			t.Fatalf("want a message at %s, got %v", field, err)
		}
	}
}

// chinaDay is the date n days before today in China, as the server's rule
// reads "today".
func chinaDay(n int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -n).Format(domain.DateLayout)
}

func recordInput(title string, hours int) domain.RecordInput {
	return domain.RecordInput{Category: domain.CategoryProfessional, Form: "training", Title: title,
		Organizer: "广东省继续教育学院", StartDate: chinaDay(5), EndDate: chinaDay(4), Hours: domain.HoursOf(hours)}
}

// The acceptance walk, over HTTP with the client the TUI uses.
func TestRecordWorkflowsOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := t.Context()
		unit := clientOf(t, env, store.DemoUnit, store.DemoPassword)
		person := clientOf(t, env, store.DemoPerson, store.DemoPassword)
		institution := clientOf(t, env, store.DemoInstitution, store.DemoPassword)
		approveOther(t, env)
		other := clientOf(t, env, store.DemoSubmittedUnit, store.DemoPassword)

		hoursBefore, err := person.MyHours(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// demo-unit declares for 陈志明, attaches, confirms; deletes a draft.
		found, err := unit.SearchRecordPersons(ctx, domain.RecordPersonSearch{Query: store.DemoPerson})
		if err != nil || found.Total != 1 {
			t.Fatalf("picker: %+v %v", found, err)
		}
		in := recordInput("新一代信息技术研修班", 16)
		in.PersonID = found.Items[0].ID
		r, err := unit.CreateRecord(ctx, in)
		if err != nil || r.Status != domain.RecordDraft {
			t.Fatalf("create: %+v %v", r, err)
		}
		if _, err := unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: r.ID,
			Name: "结业证书.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("certificate"))}); err != nil {
			t.Fatalf("attach: %v", err)
		}
		_, err = other.ConfirmRecord(ctx, r.ID, r.Version)
		wantRecordErr(t, err, domain.CodeNotFound, "")
		r, err = unit.ConfirmRecord(ctx, r.ID, r.Version)
		if err != nil || r.Status != domain.RecordEffective || r.Attachments != 1 {
			t.Fatalf("confirm: %+v %v", r, err)
		}
		wantRecordErr(t, unit.DeleteRecord(ctx, r.ID, r.Version), domain.CodeConflict, "")
		draft, err := unit.CreateRecord(ctx, func() domain.RecordInput { d := recordInput("误录的记录", 4); d.PersonID = in.PersonID; return d }())
		if err != nil {
			t.Fatal(err)
		}
		if err := unit.DeleteRecord(ctx, draft.ID, draft.Version); err != nil {
			t.Fatalf("delete draft: %v", err)
		}
		_, err = unit.GetRecord(ctx, draft.ID)
		wantRecordErr(t, err, domain.CodeNotFound, "")

		// Refusals at the fields.
		for _, c := range []struct {
			edit  func(*domain.RecordInput)
			code  domain.Code
			field string
		}{
			{func(i *domain.RecordInput) { i.Hours = domain.HoursOf(17) }, domain.CodeInvalid, "hours"},
			{func(i *domain.RecordInput) { i.StartDate, i.EndDate = chinaDay(3), chinaDay(6) }, domain.CodeInvalid, "end_date"},
			{func(i *domain.RecordInput) { i.EndDate = chinaDay(-2) }, domain.CodeInvalid, "end_date"},
			{func(i *domain.RecordInput) {}, domain.CodeConflict, "title"},
		} {
			bad := in
			c.edit(&bad)
			_, err := unit.CreateRecord(ctx, bad)
			wantRecordErr(t, err, c.code, c.field)
		}
		_, err = other.CreateRecord(ctx, in)
		wantRecordErr(t, err, domain.CodeNotFound, "person_id")

		// The person submits; the unit returns it; the person fixes and
		// resubmits; the unit approves.
		p, err := person.CreateRecord(ctx, recordInput("信息安全管理体系讲座", 6))
		if err != nil {
			t.Fatal(err)
		}
		if p, err = person.SubmitRecord(ctx, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		_, err = unit.ReviewRecord(ctx, p.ID, domain.RecordReview{Decision: domain.RecordReturn, Version: p.Version})
		wantRecordErr(t, err, domain.CodeInvalid, "comment")
		if p, err = unit.ReviewRecord(ctx, p.ID, domain.RecordReview{Decision: domain.RecordReturn, Comment: "学时填写有误", Version: p.Version}); err != nil {
			t.Fatal(err)
		}
		mine, err := person.GetRecord(ctx, p.ID)
		if err != nil || mine.Status != domain.RecordReturned || mine.ReviewComment != "学时填写有误" {
			t.Fatalf("person's view: %+v %v", mine, err)
		}
		fix := recordInput("信息安全管理体系讲座", 4)
		fix.Version = mine.Version
		if p, err = person.UpdateRecord(ctx, p.ID, fix); err != nil {
			t.Fatal(err)
		}
		if p, err = person.SubmitRecord(ctx, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if p, err = unit.ReviewRecord(ctx, p.ID, domain.RecordReview{Decision: domain.RecordApprove, Version: p.Version}); err != nil || p.Status != domain.RecordEffective {
			t.Fatalf("approve: %+v %v", p, err)
		}
		history, err := person.History(ctx, domain.EntityRecord, p.ID)
		if err != nil || len(history) != 6 {
			t.Fatalf("history: %+v %v", history, err)
		}

		// The institution submits three; the unit approves them at once.
		var ids []int64
		for i := 1; i <= 3; i++ {
			in := recordInput("机构培训第"+strconv.Itoa(i)+"期", 8)
			in.IDNumber, in.Name = store.DemoPerson, "陈志明"
			r, err := institution.CreateRecord(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if r, err = institution.SubmitRecord(ctx, r.ID, r.Version); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		sum, err := unit.ApproveRecords(ctx, domain.RecordBatchApproval{IDs: ids, Comment: "批量同意"})
		if err != nil || len(sum.Approved) != 3 || len(sum.Skipped) != 0 {
			t.Fatalf("batch: %+v %v", sum, err)
		}
		queried, err := institution.ListRecords(ctx, domain.RecordFilter{Status: domain.RecordEffective})
		if err != nil || queried.Total < 3 {
			t.Fatalf("申报查询: %+v %v", queried, err)
		}

		// 我的学时 grew by exactly the effective ones: 16 + 4 + 3×8.
		hoursAfter, err := person.MyHours(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var before, after domain.Hours
		for _, y := range hoursBefore {
			before += y.Total
		}
		for _, y := range hoursAfter {
			after += y.Total
		}
		if after-before != domain.HoursOf(44) {
			t.Fatalf("hours grew by %s, want 44", after-before)
		}
	})
}

// A retried create carrying the same Idempotency-Key stores one record.
func TestRecordCreateIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoPerson)
		body := `{"category":"public","form":"online","title":"重试的申报","start_date":"` + chinaDay(3) +
			`","end_date":"` + chinaDay(3) + `","hours":2.5}`
		hdr := map[string]string{"Content-Type": "application/json", "Idempotency-Key": "record-retry-1"}
		first := send(t, "POST", env.URL+"/api/v1/records", tok, strings.NewReader(body), hdr)
		again := send(t, "POST", env.URL+"/api/v1/records", tok, strings.NewReader(body), hdr)
		if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) {
			t.Fatalf("first %d %s, again %d %s", first.status, first.body, again.status, again.body)
		}
		var page domain.Page[domain.Record]
		call(t, env, "GET", "/records?person=&source=person&status=draft", tok, nil, &page)
		n := 0
		for _, r := range page.Items {
			if r.Title == "重试的申报" {
				n++
				if r.Hours != 5 {
					t.Fatalf("hours %s", r.Hours)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d records stored", n)
		}
		wantStatus(t, call(t, env, "DELETE", "/records/1", tok, nil, nil), 400, "delete without a version")
		a := send(t, "POST", env.URL+"/api/v1/records", tok, strings.NewReader(strings.Replace(body, "2.5", "2.3", 1)),
			map[string]string{"Content-Type": "application/json"})
		if a.status != 422 || a.err(t).Fields["hours"] != "学时应为0.5的倍数" {
			t.Fatalf("2.3 hours: %d %s", a.status, a.body)
		}
	})
}

// Another unit, another person and the institution get not_found for
// every route naming one of demo-unit's records, and change nothing.
func TestRecordTenancyByRoute(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		approveOther(t, env)
		other := token(t, env, store.DemoSubmittedUnit)
		var drafts, queue domain.Page[domain.Record]
		call(t, env, "GET", "/records?source=unit&status=draft", unit, nil, &drafts)
		call(t, env, "GET", "/records?status=submitted&source=institution", unit, nil, &queue)
		if len(drafts.Items) == 0 || len(queue.Items) == 0 {
			t.Fatalf("demo data: %d drafts, %d submitted", len(drafts.Items), len(queue.Items))
		}
		var draft domain.Record
		for _, r := range drafts.Items {
			if r.IDNumber != store.DemoPerson {
				draft = r
			}
		}
		sub := queue.Items[0]
		d, s := strconv.FormatInt(draft.ID, 10), strconv.FormatInt(sub.ID, 10)
		v := domain.VersionRef{Version: draft.Version}
		edit := domain.RecordInput{PersonID: draft.PersonID, Category: "public", Form: "online", Title: "篡改",
			StartDate: chinaDay(3), EndDate: chinaDay(3), Hours: 2, Version: draft.Version}
		strangers := map[string]string{
			"another unit": other,
			"a person":     token(t, env, store.DemoPerson),
			"institution":  token(t, env, store.DemoInstitution),
		}
		for who, tok := range strangers {
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/records/" + d, nil},
				{"POST", "/records/" + d, edit},
				{"DELETE", "/records/" + d + "?version=" + strconv.FormatInt(draft.Version, 10), nil},
				{"POST", "/records/" + d + "/confirm", v},
				{"POST", "/records/" + d + "/submit", v},
				{"POST", "/records/" + s + "/review", domain.RecordReview{Decision: domain.RecordApprove, Version: sub.Version}},
				{"GET", "/entities/record/" + d + "/history", nil},
				{"GET", "/entities/record/" + d + "/attachments", nil},
			} {
				a := call(t, env, c.method, c.path, tok, c.body, nil)
				// A role that may not call the route at all is forbidden
				// first; one that may never learns the record exists.
				if a.status != 404 && a.status != 403 {
					t.Errorf("%s: %s %s: %d %s", who, c.method, c.path, a.status, a.body)
				}
				if who == "another unit" && !strings.HasSuffix(c.path, "/submit") && a.status != 404 {
					t.Errorf("%s: %s %s: %d, want 404", who, c.method, c.path, a.status)
				}
			}
		}
		var sum domain.RecordBatchSummary
		wantStatus(t, call(t, env, "POST", "/records/approvals", other, domain.RecordBatchApproval{IDs: []int64{sub.ID}}, &sum), 200, "batch")
		if len(sum.Approved) != 0 || len(sum.Skipped) != 1 {
			t.Fatalf("another unit's batch: %+v", sum)
		}
		var after domain.Record
		call(t, env, "GET", "/records/"+s, unit, nil, &after)
		var afterDraft domain.Record
		call(t, env, "GET", "/records/"+d, unit, nil, &afterDraft)
		if after.Status != domain.RecordSubmitted || after.Version != sub.Version || afterDraft.Version != draft.Version {
			t.Fatalf("strangers changed demo-unit's records: %+v %+v", after, afterDraft)
		}
	})
}

// Hours a domain type refuses while decoding come back as a field error
// on hours, with the rule: 0.25 is no multiple of 0.5, a word no number.
func TestHoursTypeErrorsNameTheField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoPerson)
		for hours, want := range map[string]string{`0.25`: "学时应为0.5的倍数", `"四"`: "学时应为数字", `true`: "学时应为数字"} {
			body := `{"category":"public","form":"online","title":"学时类型","start_date":"` + chinaDay(3) +
				`","end_date":"` + chinaDay(3) + `","hours":` + hours + `}`
			a := send(t, "POST", env.URL+"/api/v1/records", tok, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
			if a.status != 422 {
				t.Errorf("hours %s: %d %s", hours, a.status, a.body)
				continue
			}
			if e := a.err(t); e.Code != domain.CodeInvalid || e.Fields["hours"] != want {
				t.Errorf("hours %s: %+v, want hours: %s", hours, e, want)
			}
		}
	})
}
