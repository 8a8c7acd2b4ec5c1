package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// appWorld is the demo data with a context per caller of the role
// application tests, and an extra 深圳 authority (not in the demo set).
type appWorld struct {
	db      *store.DB
	auth    *store.AuthService
	apps    *store.ApplicationService
	files   *store.AttachmentService
	history *store.HistoryService

	newUnit, unit, guangzhou, shenzhen, province, person context.Context
}

func newAppWorld(t *testing.T, db *store.DB) *appWorld {
	t.Helper()
	seeded(t, db)
	w := &appWorld{db: db, auth: noCaptcha(db), apps: store.NewApplicationService(db),
		files: store.NewAttachmentService(db, 0), history: store.NewHistoryService(db)}
	if _, err := store.NewAdminService(db).CreateAccount(system(t), domain.NewAccount{Username: "sz-hr",
		Password: store.DemoPassword, Role: domain.RoleAuthority, RegionCode: "440300"}); err != nil {
		t.Fatal(err)
	}
	w.newUnit = w.ctx(t, store.DemoNewUnit)
	w.unit = w.ctx(t, store.DemoUnit)
	w.guangzhou = w.ctx(t, store.DemoAuthority)
	w.shenzhen = w.ctx(t, "sz-hr")
	w.province = w.ctx(t, store.DemoProvince)
	w.person = w.ctx(t, store.DemoPerson)
	return w
}

// ctx logs username in afresh: the principal carries the unit's status as
// it is now.
func (w *appWorld) ctx(t *testing.T, username string) context.Context {
	t.Helper()
	return as(t, w.auth, login(t, w.auth, username, store.DemoPassword))
}

// authorityID is the id of the authority of region.
func (w *appWorld) authorityID(t *testing.T, region string) int64 {
	t.Helper()
	var id int64
	if err := w.db.QueryRow(t.Context(), `SELECT id FROM authorities WHERE region_code = $1`, region).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// completeForm fills demo-new-unit's application completely.
func (w *appWorld) completeForm(t *testing.T, a domain.UnitApplication) domain.ApplicationForm {
	f := domain.FormOf(a)
	f.UnitType, f.RegionCode = "enterprise", "440104"
	f.LegalRep, f.ContactPerson, f.OfficePhone = "赵立新", "孙小梅", "020-83334567"
	f.Mobile, f.Email, f.PostalCode = "13711112222", "hr@xinchuang.cn", "510030"
	f.Address, f.Summary = "广州市越秀区东风中路300号", "信息技术服务"
	return f
}

func (w *appWorld) upload(t *testing.T, ctx context.Context, unitID int64, name string, content []byte) domain.Attachment {
	t.Helper()
	a, err := w.files.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: unitID,
		Name: name, Size: int64(len(content)), Body: bytes.NewReader(content)})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return a
}

// submittedApplication takes demo-new-unit's application to submitted.
func (w *appWorld) submittedApplication(t *testing.T) domain.UnitApplication {
	t.Helper()
	a, err := w.apps.MyApplication(w.newUnit)
	if err != nil {
		t.Fatal(err)
	}
	w.upload(t, w.newUnit, a.ID, "营业执照.pdf", store.DemoPDF("licence"))
	if a, err = w.apps.SaveApplication(w.newUnit, w.completeForm(t, a)); err != nil {
		t.Fatal(err)
	}
	if a, err = w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: a.Version}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestApplicationWalkThrough(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		a, err := w.apps.MyApplication(w.newUnit)
		if err != nil || a.Status != domain.ApplicationDraft || a.Name != "广州市越秀区新创信息技术有限公司" || a.Attachments != 0 {
			t.Fatalf("new unit's application: %+v %v", a, err)
		}

		// A half-filled draft saves; a bad value is refused at its field.
		f := domain.FormOf(a)
		f.ContactPerson, f.Mobile = "孙小梅", "137"
		_, err = w.apps.SaveApplication(w.newUnit, f)
		wantField(t, err, domain.CodeInvalid, domain.FieldMobile, "11位")
		f.Mobile = "13711112222"
		saved, err := w.apps.SaveApplication(w.newUnit, f)
		if err != nil || saved.ContactPerson != "孙小梅" || saved.Version != a.Version+1 {
			t.Fatalf("partial save: %+v %v", saved, err)
		}

		// Submitting an incomplete application without files names it all.
		_, err = w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: saved.Version})
		de := wantCode(t, err, domain.CodeInvalid)
		for _, k := range []string{domain.FieldUnitType, domain.FieldRegion, domain.FieldLegalRep,
			domain.FieldEmail, domain.FieldPostalCode, domain.FieldAddress, domain.FieldAttachments} {
			if de.Fields[k] == "" {
				t.Errorf("no message for %s: %v", k, de.Fields)
			}
		}

		// Complete but without an attachment: still refused.
		full, err := w.apps.SaveApplication(w.newUnit, w.completeForm(t, saved))
		if err != nil || full.RegionName != "越秀区" || full.AuthorityName != "广州市人力资源和社会保障局" {
			t.Fatalf("full save: %+v %v", full, err)
		}
		_, err = w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: full.Version})
		de = wantCode(t, err, domain.CodeInvalid)
		if len(de.Fields) != 1 || de.Fields[domain.FieldAttachments] == "" {
			t.Fatalf("want only the attachment missing: %v", de.Fields)
		}

		w.upload(t, w.newUnit, a.ID, "营业执照.pdf", store.DemoPDF("licence"))
		sub, err := w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: full.Version})
		if err != nil || sub.Status != domain.ApplicationSubmitted || sub.Attachments != 1 {
			t.Fatalf("submit: %+v %v", sub, err)
		}

		// Submitted: the unit can no longer change it or its files.
		_, err = w.apps.SaveApplication(w.newUnit, domain.FormOf(sub))
		wantCode(t, err, domain.CodeConflict)
		_, err = w.files.UploadAttachment(w.newUnit, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "b.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("other"))})
		wantCode(t, err, domain.CodeConflict)

		// The Guangzhou authority finds it and returns it with a reason.
		queue, err := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Status: domain.ApplicationSubmitted})
		if err != nil || !containsApplication(queue.Items, a.ID) {
			t.Fatalf("queue: %+v %v", queue, err)
		}
		_, err = w.apps.ReviewApplication(w.guangzhou, a.ID, domain.ApplicationReview{Action: domain.ActionReturn, Version: sub.Version})
		wantField(t, err, domain.CodeInvalid, "comment", "退回原因")
		ret, err := w.apps.ReviewApplication(w.guangzhou, a.ID, domain.ApplicationReview{Action: domain.ActionReturn,
			Version: sub.Version, Comment: "营业执照扫描件不清晰，请重新上传"})
		if err != nil || ret.Status != domain.ApplicationReturned {
			t.Fatalf("return: %+v %v", ret, err)
		}

		// The unit sees the reason, replaces the file, fixes and resubmits.
		mine, _ := w.apps.MyApplication(w.newUnit)
		if mine.Status != domain.ApplicationReturned || mine.ReturnReason != "营业执照扫描件不清晰，请重新上传" {
			t.Fatalf("returned application as the unit sees it: %+v", mine)
		}
		files, err := w.files.ListAttachments(w.newUnit, domain.EntityUnit, a.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("files: %v %v", files, err)
		}
		if err := w.files.DeleteAttachment(w.newUnit, files[0].ID); err != nil {
			t.Fatal(err)
		}
		w.upload(t, w.newUnit, a.ID, "营业执照（清晰）.pdf", store.DemoPDF("licence, sharper"))
		fix := domain.FormOf(mine)
		fix.Address = "广州市越秀区东风中路300号5楼"
		fixed, err := w.apps.SaveApplication(w.newUnit, fix)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: fixed.Version})
		if err != nil || again.Status != domain.ApplicationSubmitted || again.ReturnReason != "" {
			t.Fatalf("resubmit: %+v %v", again, err)
		}

		approved, err := w.apps.ReviewApplication(w.guangzhou, a.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: again.Version})
		if err != nil || approved.Status != domain.ApplicationApproved {
			t.Fatalf("approve: %+v %v", approved, err)
		}
		me, err := w.auth.Me(w.newUnit)
		if err != nil || !me.User.UnitActive() {
			t.Fatalf("approval did not activate the unit: %+v %v", me.User, err)
		}

		h, err := w.history.History(w.newUnit, domain.EntityUnit, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range h {
			trail = append(trail, e.From+">"+e.To+" "+string(e.ActorRole)+" "+e.Comment)
		}
		want := []string{
			">draft unit 单位注册",
			"> unit 上传附件 营业执照.pdf",
			"draft>submitted unit 送审",
			"submitted>returned authority 营业执照扫描件不清晰，请重新上传",
			"> unit 删除附件 营业执照.pdf",
			"> unit 上传附件 营业执照（清晰）.pdf",
			"returned>submitted unit 送审",
			"submitted>approved authority 同意",
		}
		if strings.Join(trail, "\n") != strings.Join(want, "\n") {
			t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(trail, "\n"), strings.Join(want, "\n"))
		}
		if h[3].ActorName != "广州市人力资源和社会保障局" || h[3].ActorUserID == 0 || h[3].At.IsZero() {
			t.Fatalf("review entry: %+v", h[3])
		}
	})
}

func containsName(items []domain.UnitApplication, name string) bool {
	for _, a := range items {
		if a.Name == name {
			return true
		}
	}
	return false
}

func containsApplication(items []domain.UnitApplication, id int64) bool {
	for _, a := range items {
		if a.ID == id {
			return true
		}
	}
	return false
}

// Every transition the machine does not list is refused, from each state.
func TestApplicationRefusedTransitions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		draft, _ := w.apps.MyApplication(w.newUnit)
		review := func(action string, a domain.UnitApplication) error {
			r := domain.ApplicationReview{Action: action, Version: a.Version, Comment: "原因"}
			_, err := w.apps.ReviewApplication(w.guangzhou, a.ID, r)
			return err
		}
		// A draft is the unit's own: the authority cannot even see it.
		wantCode(t, review(domain.ActionApprove, draft), domain.CodeNotFound)
		wantCode(t, review(domain.ActionReturn, draft), domain.CodeNotFound)

		sub := w.submittedApplication(t)
		_, err := w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: sub.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = w.apps.UpdateUnitInfo(w.newUnit, domain.InfoOf(sub))
		wantCode(t, err, domain.CodeConflict)
		// A stale version is a conflict too, and changes nothing.
		wantCode(t, review(domain.ActionApprove, domain.UnitApplication{ID: sub.ID, Version: sub.Version - 1}), domain.CodeConflict)

		ret, err := w.apps.ReviewApplication(w.guangzhou, sub.ID, domain.ApplicationReview{Action: domain.ActionReturn, Version: sub.Version, Comment: "缺少材料"})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, review(domain.ActionApprove, ret), domain.CodeConflict)
		wantCode(t, review(domain.ActionReturn, ret), domain.CodeConflict)

		sub2, err := w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: ret.Version})
		if err != nil {
			t.Fatal(err)
		}
		ok, err := w.apps.ReviewApplication(w.province, sub2.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: sub2.Version})
		if err != nil || ok.Status != domain.ApplicationApproved {
			t.Fatalf("the province may approve within its subtree: %+v %v", ok, err)
		}
		wantCode(t, review(domain.ActionApprove, ok), domain.CodeConflict)
		wantCode(t, review(domain.ActionReturn, ok), domain.CodeConflict)
		_, err = w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: ok.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = w.apps.SaveApplication(w.newUnit, domain.FormOf(ok))
		wantCode(t, err, domain.CodeConflict)

		// Roles: only units apply, only authorities review.
		_, err = w.apps.SaveApplication(w.guangzhou, domain.FormOf(ok))
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.apps.ReviewApplication(w.unit, ok.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: ok.Version})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.apps.ListApplications(w.person, domain.ApplicationQuery{})
		wantCode(t, err, domain.CodeForbidden)

		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'unit' AND entity_id = $1 AND to_state <> ''`, ok.ID); n != 5 {
			t.Fatalf("%d state entries, want 5 (registered, submitted, returned, submitted, approved)", n)
		}
	})
}

func TestApplicationScope(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		sub := w.submittedApplication(t)
		files, _ := w.files.ListAttachments(w.newUnit, domain.EntityUnit, sub.ID)

		// 深圳's authority, another unit and a person see nothing of it.
		for name, ctx := range map[string]context.Context{"shenzhen": w.shenzhen, "other unit": w.unit, "person": w.person} {
			_, err := w.apps.GetApplication(ctx, sub.ID)
			wantCode(t, err, domain.CodeNotFound)
			_, err = w.files.ListAttachments(ctx, domain.EntityUnit, sub.ID)
			wantCode(t, err, domain.CodeNotFound)
			_, _, err = w.files.OpenAttachment(ctx, files[0].ID)
			wantCode(t, err, domain.CodeNotFound)
			err = w.files.DeleteAttachment(ctx, files[0].ID)
			wantCode(t, err, domain.CodeNotFound)
			_, err = w.history.History(ctx, domain.EntityUnit, sub.ID)
			wantCode(t, err, domain.CodeNotFound)
			t.Logf("%s: refused", name)
		}
		_, err := w.apps.ReviewApplication(w.shenzhen, sub.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: sub.Version})
		wantCode(t, err, domain.CodeNotFound)
		q, err := w.apps.ListApplications(w.shenzhen, domain.ApplicationQuery{})
		if err != nil || q.Total != 0 || len(q.Items) != 0 {
			t.Fatalf("深圳 queue: %+v %v", q, err)
		}

		// Guangzhou and the province see it and its files, but may not change them.
		for _, ctx := range []context.Context{w.guangzhou, w.province} {
			if got, err := w.apps.GetApplication(ctx, sub.ID); err != nil || got.ID != sub.ID {
				t.Fatalf("get: %v", err)
			}
			att, rc, err := w.files.OpenAttachment(ctx, files[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			if att.Name != "营业执照.pdf" {
				t.Fatalf("attachment %+v", att)
			}
			wantCode(t, w.files.DeleteAttachment(ctx, files[0].ID), domain.CodeForbidden)
		}
		// The first account of 越秀区 sets up its authority, which becomes
		// competent for the application sent to the city; the city still
		// sees it, a neighbouring district's authority does not.
		admin := store.NewAdminService(db)
		if _, err := admin.CreateAccount(system(t), domain.NewAccount{Username: "yx-hr",
			Password: store.DemoPassword, Role: domain.RoleAuthority, RegionCode: "440104"}); err != nil {
			t.Fatal(err)
		}
		moved, err := w.apps.GetApplication(w.ctx(t, "yx-hr"), sub.ID)
		if err != nil || moved.AuthorityName != "广州市越秀区人力资源和社会保障局" {
			t.Fatalf("越秀区 authority on its unit's application: %+v %v", moved, err)
		}
		if _, err := w.apps.GetApplication(w.guangzhou, sub.ID); err != nil {
			t.Fatalf("the city no longer sees its county's application: %v", err)
		}
		if _, err := admin.CreateAccount(system(t), domain.NewAccount{Username: "hz-hr",
			Password: store.DemoPassword, Role: domain.RoleAuthority, RegionCode: "440105"}); err != nil {
			t.Fatal(err)
		}
		_, err = w.apps.GetApplication(w.ctx(t, "hz-hr"), sub.ID)
		wantCode(t, err, domain.CodeNotFound)

		// Another unit's attachment ids are as foreign as its application.
		own, _ := w.apps.MyApplication(w.unit)
		_, err = w.files.ListAttachments(w.newUnit, domain.EntityUnit, own.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.files.UploadAttachment(w.unit, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: sub.ID,
			Name: "x.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("x"))})
		wantCode(t, err, domain.CodeNotFound)
	})
}

func TestApplicationQueueFiltersAndPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		clock(t, db).Advance(1000)
		sub := w.submittedApplication(t)
		gzSubmitted := count(t, db, `SELECT COUNT(*) FROM units u JOIN authorities a ON a.id = u.authority_id
			WHERE u.status = 'submitted' AND a.region_code LIKE '4401%'`)
		q, err := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Status: domain.ApplicationSubmitted})
		if err != nil || gzSubmitted < 2 || q.Total != gzSubmitted || len(q.Items) != gzSubmitted {
			t.Fatalf("queue: %+v %v", q, err)
		}
		if q.Items[len(q.Items)-1].ID != sub.ID {
			t.Fatalf("queue is not oldest first: the newest submission is not last")
		}
		page, _ := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Status: domain.ApplicationSubmitted,
			PageRequest: domain.PageRequest{Limit: 1, Offset: gzSubmitted - 1}})
		if page.Total != gzSubmitted || len(page.Items) != 1 || page.Items[0].ID != sub.ID || page.Offset != gzSubmitted-1 {
			t.Fatalf("last page: %+v", page)
		}
		named, _ := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Name: "新创"})
		if named.Total != 1 || named.Items[0].ID != sub.ID {
			t.Fatalf("name filter: %+v", named)
		}
		wild, _ := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Name: "%"})
		if wild.Total != 0 {
			t.Fatalf("%% must match itself, not everything: %+v", wild)
		}
		approved, _ := w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Status: domain.ApplicationApproved})
		for _, a := range approved.Items {
			if a.Status != domain.ApplicationApproved {
				t.Fatalf("status filter let %s through", a.Status)
			}
		}
		if approved.Total == 0 || !containsName(approved.Items, "广州市天河区示范科技有限公司") {
			t.Fatalf("approved: %+v", approved)
		}
		all, _ := w.apps.ListApplications(w.province, domain.ApplicationQuery{PageRequest: domain.PageRequest{Limit: domain.MaxPageSize}})
		if sent := count(t, db, `SELECT COUNT(*) FROM units WHERE status <> 'draft'`); all.Total != sent || containsApplication(all.Items, 0) {
			t.Fatalf("the province sees every sent application: %d of %d", all.Total, sent)
		}
		for _, a := range all.Items {
			if a.Status == domain.ApplicationDraft {
				t.Fatal("a draft in the queue")
			}
		}
		_, err = w.apps.ListApplications(w.guangzhou, domain.ApplicationQuery{Status: domain.ApplicationDraft})
		wantField(t, err, domain.CodeInvalid, "status", "筛选")
	})
}

func TestApplicationReferenceChecks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		a, _ := w.apps.MyApplication(w.newUnit)
		f := w.completeForm(t, a)
		f.UnitType, f.RegionCode = "bank", "440000"
		_, err := w.apps.SaveApplication(w.newUnit, f)
		wantField(t, err, domain.CodeInvalid, domain.FieldUnitType, "单位类型无效")
		wantField(t, err, domain.CodeInvalid, domain.FieldRegion, "地级市或区县")
		f.UnitType, f.RegionCode = "enterprise", "449999"
		_, err = w.apps.SaveApplication(w.newUnit, f)
		wantField(t, err, domain.CodeInvalid, domain.FieldRegion, "无效")

		// The competent authority is the nearest up the tree: the city's
		// while the county has none, the county's once it has.
		for region, want := range map[string]string{
			"440604": "佛山市人力资源和社会保障局", "440600": "佛山市人力资源和社会保障局",
			"441302": "惠州市人力资源和社会保障局", "440104": "广州市人力资源和社会保障局",
		} {
			f := w.completeForm(t, a)
			f.RegionCode = region
			saved, err := w.apps.SaveApplication(w.newUnit, f)
			if err != nil || saved.AuthorityName != want || saved.AuthorityID != w.authorityID(t, region[:4]+"00") {
				t.Fatalf("region %s: %+v %v, want %s", region, saved, err, want)
			}
			a = saved
		}
		if _, err := store.NewAdminService(db).CreateAccount(system(t), domain.NewAccount{Username: "cc-hr",
			Password: store.DemoPassword, Role: domain.RoleAuthority, RegionCode: "440604"}); err != nil {
			t.Fatal(err)
		}
		f = w.completeForm(t, a)
		f.RegionCode = "440604"
		if a, err = w.apps.SaveApplication(w.newUnit, f); err != nil || a.AuthorityName != "佛山市禅城区人力资源和社会保障局" {
			t.Fatalf("禅城区 once it has an authority: %+v %v", a, err)
		}

		// Another unit's USCC is taken.
		var other string
		if err := db.QueryRow(t.Context(), `SELECT uscc FROM units WHERE status = 'approved'`).Scan(&other); err != nil {
			t.Fatal(err)
		}
		f = w.completeForm(t, a)
		f.USCC = other
		_, err = w.apps.SaveApplication(w.newUnit, f)
		wantField(t, err, domain.CodeConflict, domain.FieldUSCC, "已注册")

		// A stale save is a conflict; the stored data is unchanged.
		stale := w.completeForm(t, a)
		stale.Version--
		stale.LegalRep = "不应保存"
		_, err = w.apps.SaveApplication(w.newUnit, stale)
		de := wantCode(t, err, domain.CodeConflict)
		if de.Message != "数据已被他人修改，请刷新后重试" {
			t.Fatalf("stale message %q", de.Message)
		}
		now, _ := w.apps.MyApplication(w.newUnit)
		if now.LegalRep == "不应保存" || now.Version != a.Version {
			t.Fatalf("stale save changed the row: %+v", now)
		}
	})
}

func TestUnitInfoMaintenance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		a, err := w.apps.MyApplication(w.unit)
		if err != nil || a.Status != domain.ApplicationApproved {
			t.Fatalf("demo-unit: %+v %v", a, err)
		}
		i := domain.InfoOf(a)
		i.ContactPerson, i.Mobile, i.Summary = "刘芳", "13600001111", a.Summary
		got, err := w.apps.UpdateUnitInfo(w.unit, i)
		if err != nil || got.ContactPerson != "刘芳" || got.Mobile != "13600001111" || got.Version != a.Version+1 {
			t.Fatalf("update: %+v %v", got, err)
		}
		if got.Name != a.Name || got.USCC != a.USCC || got.Status != domain.ApplicationApproved {
			t.Fatal("identity or status changed by maintenance")
		}
		h, _ := w.history.History(w.unit, domain.EntityUnit, a.ID)
		if last := h[len(h)-1]; last.Comment != "修改单位信息：联系人、移动电话" || last.To != "" {
			t.Fatalf("maintenance entry: %+v", last)
		}
		// Unchanged data is no change at all; a stale version is refused.
		same, err := w.apps.UpdateUnitInfo(w.unit, domain.InfoOf(got))
		if err != nil || same.Version != got.Version {
			t.Fatalf("no-op update: %+v %v", same, err)
		}
		_, err = w.apps.UpdateUnitInfo(w.unit, i)
		wantCode(t, err, domain.CodeConflict)
		i = domain.InfoOf(got)
		i.Email = "not-an-email"
		_, err = w.apps.UpdateUnitInfo(w.unit, i)
		wantField(t, err, domain.CodeInvalid, domain.FieldEmail, "电子邮箱")
	})
}
