package store_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// recordWorld is the demo data on a fixed day, with a context per caller
// of the records tests and a second approved unit (佛山) with one person.
type recordWorld struct {
	db      *store.DB
	auth    *store.AuthService
	records *store.RecordService
	files   *store.AttachmentService
	history *store.HistoryService

	unit, person, institution, otherUnit, authority context.Context

	member, pending, unaffiliated, foreign int64 // person ids
	demoPersonID                           int64
}

// recordToday is the China date the records tests run on.
var recordToday = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)

func newRecordWorld(t *testing.T, db *store.DB) *recordWorld {
	t.Helper()
	// 10:00 in China.
	clock(t, db).Set(recordToday.Add(2 * time.Hour))
	seeded(t, db)
	w := &recordWorld{db: db, auth: noCaptcha(db), records: store.NewRecordService(db),
		files: store.NewAttachmentService(db, 0), history: store.NewHistoryService(db)}
	if err := w.auth.RegisterUnit(t.Context(), registration("fs-unit", "91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE units SET status = 'approved' WHERE uscc = $1`, validUSCC("91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `INSERT INTO persons (id_number, name, gender, birth_date, unit_id, status, created_at, updated_at)
		SELECT '11010519491231002X', '外单位人员', '女', '1949-12-31', id, 'confirmed', 0, 0 FROM units WHERE uscc = $1`,
		validUSCC("91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	w.unit = w.ctx(t, store.DemoUnit, store.DemoPassword)
	w.person = w.ctx(t, store.DemoPerson, store.DemoPassword)
	w.institution = w.ctx(t, store.DemoInstitution, store.DemoPassword)
	w.authority = w.ctx(t, store.DemoAuthority, store.DemoPassword)
	w.otherUnit = w.ctx(t, "fs-unit", "Start2026a")
	w.member = w.personID(t, "李晓红")
	w.pending = w.personID(t, "邓家乐")
	w.unaffiliated = w.personID(t, "叶俊峰")
	w.foreign = w.personID(t, "外单位人员")
	w.demoPersonID = w.personID(t, "陈志明")
	return w
}

func (w *recordWorld) ctx(t *testing.T, username, password string) context.Context {
	t.Helper()
	return as(t, w.auth, login(t, w.auth, username, password))
}

func (w *recordWorld) personID(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := w.db.QueryRow(t.Context(), `SELECT id FROM persons WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return id
}

// day is the date n days before the test's today.
func day(n int) string { return recordToday.AddDate(0, 0, -n).Format(domain.DateLayout) }

// input is a valid two-day training ending three days ago.
func input(title string) domain.RecordInput {
	return domain.RecordInput{Category: domain.CategoryProfessional, Form: "training", Title: title,
		Organizer: "广东省继续教育学院", StartDate: day(4), EndDate: day(3), Hours: domain.HoursOf(12), Remark: "测试"}
}

func (w *recordWorld) create(t *testing.T, ctx context.Context, in domain.RecordInput) domain.Record {
	t.Helper()
	r, err := w.records.CreateRecord(ctx, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Title, err)
	}
	return r
}

// trail is the record's history as from→to pairs with comments.
func (w *recordWorld) trail(t *testing.T, ctx context.Context, id int64) []domain.AuditEntry {
	t.Helper()
	h, err := w.history.History(ctx, domain.EntityRecord, id)
	if err != nil {
		t.Fatalf("history %d: %v", id, err)
	}
	return h
}

func wantTrail(t *testing.T, got []domain.AuditEntry, want ...string) {
	t.Helper()
	var moves []string
	for _, e := range got {
		if e.From != "" || e.To != "" {
			moves = append(moves, e.From+">"+e.To)
		}
	}
	if len(moves) != len(want) {
		t.Fatalf("trail %v, want %v", moves, want)
	}
	for i := range want {
		if moves[i] != want[i] {
			t.Fatalf("trail %v, want %v", moves, want)
		}
	}
}

func (w *recordWorld) hours(t *testing.T, personID int64) domain.YearHours {
	t.Helper()
	y, err := w.db.HoursByCategory(t.Context(), personID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func TestRecordUnitDeclaresConfirmsAndDeletes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		before := w.hours(t, w.member)

		in := input("区块链技术应用研修")
		in.PersonID = w.member
		r := w.create(t, w.unit, in)
		if r.Status != domain.RecordDraft || r.Source != domain.SourceUnit || r.PersonName != "李晓红" ||
			r.Year != 2026 || r.Hours != domain.HoursOf(12) || r.Version != 1 || r.UnitName == "" {
			t.Fatalf("created: %+v", r)
		}
		if got := w.hours(t, w.member); got.Total != before.Total {
			t.Fatalf("a draft counted: %+v", got)
		}

		// Attach while a draft; the history records it.
		a, err := w.files.UploadAttachment(w.unit, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: r.ID,
			Name: "结业证书.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("certificate"))})
		if err != nil {
			t.Fatalf("upload: %v", err)
		}

		// Edit with the version read; a stale version is a conflict.
		in.Hours, in.Version = domain.HoursOf(16), r.Version
		r, err = w.records.UpdateRecord(w.unit, r.ID, in)
		if err != nil || r.Hours != domain.HoursOf(16) || r.Version != 2 || r.Attachments != 1 {
			t.Fatalf("update: %+v %v", r, err)
		}
		_, err = w.records.UpdateRecord(w.unit, r.ID, in)
		wantCode(t, err, domain.CodeConflict)
		_, err = w.records.ConfirmRecord(w.unit, r.ID, 1)
		wantCode(t, err, domain.CodeConflict)

		r, err = w.records.ConfirmRecord(w.unit, r.ID, r.Version)
		if err != nil || r.Status != domain.RecordEffective || r.EffectiveAt == nil {
			t.Fatalf("confirm: %+v %v", r, err)
		}
		if got := w.hours(t, w.member); got.Professional != before.Professional+domain.HoursOf(16) ||
			got.Total != before.Total+domain.HoursOf(16) || got.Records != before.Records+1 {
			t.Fatalf("hours after confirm: %+v, before %+v", got, before)
		}

		// Effective: no more edits, files, confirmations or deletion.
		in.Version = r.Version
		_, err = w.records.UpdateRecord(w.unit, r.ID, in)
		wantCode(t, err, domain.CodeConflict)
		_, err = w.records.ConfirmRecord(w.unit, r.ID, r.Version)
		wantCode(t, err, domain.CodeConflict)
		err = w.records.DeleteRecord(w.unit, r.ID, r.Version)
		wantCode(t, err, domain.CodeConflict)
		wantCode(t, w.files.DeleteAttachment(w.unit, a.ID), domain.CodeConflict)
		wantTrail(t, w.trail(t, w.unit, r.ID), ">draft", "draft>effective")

		// A draft is deleted with its files; then it is gone.
		in = input("待删除的记录")
		in.PersonID = w.member
		d := w.create(t, w.unit, in)
		a, err = w.files.UploadAttachment(w.unit, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: d.ID,
			Name: "x.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("x"))})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.records.DeleteRecord(w.unit, d.ID, d.Version+1), domain.CodeConflict)
		if err := w.records.DeleteRecord(w.unit, d.ID, d.Version); err != nil {
			t.Fatalf("delete: %v", err)
		}
		_, err = w.records.GetRecord(w.unit, d.ID)
		wantCode(t, err, domain.CodeNotFound)
		if n := count(t, db, `SELECT COUNT(*) FROM attachments WHERE id = $1`, a.ID); n != 0 {
			t.Fatal("attachment of a deleted record kept")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'record' AND entity_id = $1 AND from_state = 'draft'`, d.ID); n != 1 {
			t.Fatalf("deletion not audited: %d", n)
		}
	})
}

func TestRecordValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		ok := input("数据治理专题培训")
		ok.PersonID = w.member
		w.create(t, w.unit, ok)

		for _, c := range []struct {
			name, field, msg string
			code             domain.Code
			edit             func(in *domain.RecordInput)
		}{
			{"over the daily cap", "hours", "每天最多8学时", domain.CodeInvalid, func(in *domain.RecordInput) { in.Hours = domain.HoursOf(17) }},
			{"zero hours", "hours", "请填写学时", domain.CodeInvalid, func(in *domain.RecordInput) { in.Hours = 0 }},
			{"negative hours", "hours", "大于0", domain.CodeInvalid, func(in *domain.RecordInput) { in.Hours = -1 }},
			{"end before start", "end_date", "不能早于开始日期", domain.CodeInvalid, func(in *domain.RecordInput) { in.StartDate, in.EndDate = day(2), day(5) }},
			{"future end", "end_date", "不能晚于今天", domain.CodeInvalid, func(in *domain.RecordInput) { in.EndDate = day(-1) }},
			{"future start", "start_date", "不能晚于今天", domain.CodeInvalid, func(in *domain.RecordInput) { in.StartDate, in.EndDate = day(-2), day(-3) }},
			{"impossible date", "start_date", "有效", domain.CodeInvalid, func(in *domain.RecordInput) { in.StartDate = "2026-02-30" }},
			{"no category", "category", "科目类别", domain.CodeInvalid, func(in *domain.RecordInput) { in.Category = "" }},
			{"bad category", "category", "无效", domain.CodeInvalid, func(in *domain.RecordInput) { in.Category = "sports" }},
			{"unknown form", "form", "无效", domain.CodeInvalid, func(in *domain.RecordInput) { in.Form = "party" }},
			{"no title", "title", "培训内容", domain.CodeInvalid, func(in *domain.RecordInput) { in.Title = "  " }},
			{"no person", "person_id", "请选择人员", domain.CodeInvalid, func(in *domain.RecordInput) { in.PersonID = 0 }},
			{"duplicate", "title", "相同培训内容", domain.CodeConflict, func(in *domain.RecordInput) {}},
			{"person of another unit", "person_id", "不是本单位", domain.CodeNotFound, func(in *domain.RecordInput) { in.PersonID = w.foreign }},
			{"pending claim", "person_id", "不是本单位", domain.CodeNotFound, func(in *domain.RecordInput) { in.PersonID = w.pending }},
			{"no unit", "person_id", "不是本单位", domain.CodeNotFound, func(in *domain.RecordInput) { in.PersonID = w.unaffiliated }},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := ok
				c.edit(&in)
				_, err := w.records.CreateRecord(w.unit, in)
				wantField(t, err, c.code, c.field, c.msg)
			})
		}

		// Full-width digits and a three-day course at the cap are fine; the
		// cap follows the year's requirement.
		in := ok
		in.Title, in.StartDate, in.EndDate, in.Hours = "网络安全研修", "２０２６－０６－０１", "2026-06-03 ", domain.HoursOf(24)
		if r := w.create(t, w.unit, in); r.StartDate != "2026-06-01" || r.EndDate != "2026-06-03" {
			t.Fatalf("normalised dates: %+v", r)
		}
		if err := db.Exec(t.Context(), `INSERT INTO requirements (year, total_half_hours, public_min_half_hours,
			professional_min_half_hours, daily_cap_half_hours) VALUES (2026, 180, 60, 84, 12)
			ON CONFLICT (year) DO UPDATE SET daily_cap_half_hours = 12`); err != nil {
			t.Fatal(err)
		}
		in.Title = "网络安全研修二"
		_, err := w.records.CreateRecord(w.unit, in)
		wantField(t, err, domain.CodeInvalid, "hours", "每天最多6学时")

		// "Today" is China's: at 20:00 UTC it is already tomorrow there.
		clock(t, db).Set(recordToday.Add(20 * time.Hour))
		in.Title, in.StartDate, in.EndDate, in.Hours = "跨日记录", "2026-06-16", "2026-06-16", domain.HoursOf(4)
		w.create(t, w.unit, in)
	})
}

func TestRecordPersonSubmissionIsReturnedFixedAndApproved(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		before := w.hours(t, w.demoPersonID)
		r := w.create(t, w.person, input("人工智能伦理讲座"))
		if r.Source != domain.SourcePerson || r.PersonID != w.demoPersonID || r.UnitName != "广州市天河区示范科技有限公司" {
			t.Fatalf("created: %+v", r)
		}
		// The unit does not see the person's draft yet.
		_, err := w.records.GetRecord(w.unit, r.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.records.ConfirmRecord(w.unit, r.ID, r.Version)
		wantCode(t, err, domain.CodeNotFound)

		r, err = w.records.SubmitRecord(w.person, r.ID, r.Version)
		if err != nil || r.Status != domain.RecordSubmitted {
			t.Fatalf("submit: %+v %v", r, err)
		}
		// Submitted: the person can no longer change it; the unit may not
		// confirm it, only review it.
		_, err = w.records.UpdateRecord(w.person, r.ID, domain.RecordInput{Version: r.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = w.records.ConfirmRecord(w.unit, r.ID, r.Version)
		wantCode(t, err, domain.CodeConflict)
		queue, err := w.records.ListRecords(w.unit, domain.RecordFilter{Status: domain.RecordSubmitted, Source: domain.SourcePerson})
		if err != nil || !containsRecord(queue.Items, r.ID) {
			t.Fatalf("queue: %+v %v", queue, err)
		}

		// Returning needs a reason.
		_, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordReturn, Version: r.Version})
		wantField(t, err, domain.CodeInvalid, "comment", "理由")
		r, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordReturn,
			Comment: "请补充讲座签到证明", Version: r.Version})
		if err != nil || r.Status != domain.RecordReturned || r.ReviewComment != "请补充讲座签到证明" {
			t.Fatalf("return: %+v %v", r, err)
		}
		_, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordApprove, Version: r.Version})
		wantCode(t, err, domain.CodeConflict)

		// The person sees the reason, fixes the record and sends it again.
		mine, err := w.records.GetRecord(w.person, r.ID)
		if err != nil || mine.ReviewComment != "请补充讲座签到证明" {
			t.Fatalf("person's view: %+v %v", mine, err)
		}
		if _, err := w.files.UploadAttachment(w.person, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: r.ID,
			Name: "签到表.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("sign-in"))}); err != nil {
			t.Fatalf("upload to returned: %v", err)
		}
		fix := input("人工智能伦理讲座")
		fix.Hours, fix.Version = domain.HoursOf(6), mine.Version
		r, err = w.records.UpdateRecord(w.person, r.ID, fix)
		if err != nil || r.Status != domain.RecordReturned || r.Hours != domain.HoursOf(6) {
			t.Fatalf("fix: %+v %v", r, err)
		}
		r, err = w.records.SubmitRecord(w.person, r.ID, r.Version)
		if err != nil || r.Status != domain.RecordSubmitted || r.ReviewComment != "" {
			t.Fatalf("resubmit: %+v %v", r, err)
		}
		r, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordApprove, Version: r.Version})
		if err != nil || r.Status != domain.RecordEffective || r.EffectiveAt == nil || r.ReviewedAt == nil {
			t.Fatalf("approve: %+v %v", r, err)
		}
		if got := w.hours(t, w.demoPersonID); got.Professional != before.Professional+domain.HoursOf(6) {
			t.Fatalf("hours: %+v, before %+v", got, before)
		}
		wantTrail(t, w.trail(t, w.person, r.ID), ">draft", "draft>submitted", "submitted>returned",
			"returned>submitted", "submitted>effective")
		_, err = w.records.SubmitRecord(w.person, r.ID, r.Version)
		wantCode(t, err, domain.CodeConflict)
		wantCode(t, w.records.DeleteRecord(w.person, r.ID, r.Version), domain.CodeConflict)
	})
}

func TestRecordRejectionIsFinal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		r := w.create(t, w.person, input("行业年会"))
		r, err := w.records.SubmitRecord(w.person, r.ID, r.Version)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordReject, Version: r.Version})
		wantField(t, err, domain.CodeInvalid, "comment", "理由")
		r, err = w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordReject,
			Comment: "不属于继续教育范围", Version: r.Version})
		if err != nil || r.Status != domain.RecordRejected {
			t.Fatalf("reject: %+v %v", r, err)
		}
		for name, err := range map[string]error{
			"submit": func() error { _, err := w.records.SubmitRecord(w.person, r.ID, r.Version); return err }(),
			"edit": func() error {
				in := input("行业年会")
				in.Version = r.Version
				_, err := w.records.UpdateRecord(w.person, r.ID, in)
				return err
			}(),
			"review": func() error {
				_, err := w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: domain.RecordApprove, Version: r.Version})
				return err
			}(),
			"delete": w.records.DeleteRecord(w.person, r.ID, r.Version),
		} {
			if domain.ErrorCode(err) != domain.CodeConflict {
				t.Errorf("%s on a rejected record: %v", name, err)
			}
		}
		// A rejected record no longer blocks declaring the same again.
		w.create(t, w.person, input("行业年会"))
	})
}

func TestRecordInstitutionSubmitsAndUnitBatchApproves(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		before := w.hours(t, w.member)
		named := func(title, idNumber, name string) domain.RecordInput {
			in := input(title)
			in.IDNumber, in.Name = idNumber, name
			return in
		}
		memberID := w.idNumber(t, w.member)
		for _, c := range []struct {
			in    domain.RecordInput
			field string
			code  domain.Code
		}{
			{named("x", memberID, "王五"), "name", domain.CodeInvalid},
			{named("x", "440106199003072518", "陈志明"), "id_number", domain.CodeInvalid},
			{named("x", "11010519491231002X", "李晓红"), "id_number", domain.CodeInvalid},
			{named("x", w.idNumber(t, w.pending), "邓家乐"), "id_number", domain.CodeInvalid},
			{named("x", memberID, ""), "name", domain.CodeInvalid},
		} {
			_, err := w.records.CreateRecord(w.institution, c.in)
			wantCode(t, err, c.code)
			if _, ok := domain.FieldErrorsOf(err)[c.field]; !ok {
				t.Errorf("%s/%s: fields %v", c.in.IDNumber, c.in.Name, domain.FieldErrorsOf(err))
			}
		}
		var ids []int64
		for _, title := range []string{"创新能力建设一", "创新能力建设二", "创新能力建设三"} {
			r := w.create(t, w.institution, named(title, " "+memberID+" ", "李晓红"))
			if r.Source != domain.SourceInstitution || r.PersonID != w.member || r.InstitutionName == "" {
				t.Fatalf("created: %+v", r)
			}
			r, err := w.records.SubmitRecord(w.institution, r.ID, r.Version)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		// A person's submission and a unit's record are not batch-approved;
		// another unit's id is unknown.
		p := w.create(t, w.person, input("个人申报"))
		p, _ = w.records.SubmitRecord(w.person, p.ID, p.Version)
		own := input("单位申报")
		own.PersonID = w.member
		u := w.create(t, w.unit, own)
		oin := input("外单位记录")
		oin.PersonID = w.foreign
		o := w.create(t, w.otherUnit, oin)

		sum, err := w.records.ApproveRecords(w.unit, domain.RecordBatchApproval{IDs: append(ids, p.ID, u.ID, o.ID, ids[0])})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Approved) != 3 || len(sum.Skipped) != 3 {
			t.Fatalf("summary: %+v", sum)
		}
		for _, r := range sum.Approved {
			if r.Status != domain.RecordEffective {
				t.Fatalf("approved: %+v", r)
			}
		}
		if got := w.hours(t, w.member); got.Total != before.Total+domain.HoursOf(36) {
			t.Fatalf("hours: %+v before %+v", got, before)
		}
		again, err := w.records.ApproveRecords(w.unit, domain.RecordBatchApproval{IDs: ids})
		if err != nil || len(again.Approved) != 0 || len(again.Skipped) != 3 {
			t.Fatalf("second batch: %+v %v", again, err)
		}
		_, err = w.records.ApproveRecords(w.unit, domain.RecordBatchApproval{})
		wantField(t, err, domain.CodeInvalid, "ids", "勾选")

		// The institution's 申报查询 shows the outcome.
		mine, err := w.records.ListRecords(w.institution, domain.RecordFilter{Status: domain.RecordEffective})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if !containsRecord(mine.Items, id) {
				t.Fatalf("institution list lacks %d: %+v", id, mine)
			}
		}
	})
}

func (w *recordWorld) idNumber(t *testing.T, personID int64) string {
	t.Helper()
	var s string
	if err := w.db.QueryRow(t.Context(), `SELECT id_number FROM persons WHERE id = $1`, personID).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func containsRecord(rs []domain.Record, id int64) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

func TestRecordScope(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		in := input("单位草稿")
		in.PersonID = w.demoPersonID
		draft := w.create(t, w.unit, in)
		inst := input("机构草稿")
		inst.IDNumber, inst.Name = store.DemoPerson, "陈志明"
		instDraft := w.create(t, w.institution, inst)

		// Another unit knows none of demo-unit's records.
		_, err := w.records.GetRecord(w.otherUnit, draft.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.records.ConfirmRecord(w.otherUnit, draft.ID, draft.Version)
		wantCode(t, err, domain.CodeNotFound)
		wantCode(t, w.records.DeleteRecord(w.otherUnit, draft.ID, draft.Version), domain.CodeNotFound)
		_, err = w.history.History(w.otherUnit, domain.EntityRecord, draft.ID)
		wantCode(t, err, domain.CodeNotFound)
		page, err := w.records.ListRecords(w.otherUnit, domain.RecordFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("other unit's list: %+v %v", page, err)
		}

		// The person sees neither the unit's nor the institution's draft,
		// and may not delete the unit's records.
		for _, id := range []int64{draft.ID, instDraft.ID} {
			_, err = w.records.GetRecord(w.person, id)
			wantCode(t, err, domain.CodeNotFound)
			_, err = w.files.ListAttachments(w.person, domain.EntityRecord, id)
			wantCode(t, err, domain.CodeNotFound)
		}
		// The unit does not see the institution's draft either.
		_, err = w.records.GetRecord(w.unit, instDraft.ID)
		wantCode(t, err, domain.CodeNotFound)
		draft, err = w.records.ConfirmRecord(w.unit, draft.ID, draft.Version)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.records.GetRecord(w.person, draft.ID); err != nil {
			t.Fatalf("person reads own effective record: %v", err)
		}
		wantCode(t, w.records.DeleteRecord(w.person, draft.ID, draft.Version), domain.CodeForbidden)
		_, err = w.files.UploadAttachment(w.person, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: draft.ID,
			Name: "a.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("a"))})
		wantCode(t, err, domain.CodeForbidden)

		// The institution sees its own records only.
		_, err = w.records.GetRecord(w.institution, draft.ID)
		wantCode(t, err, domain.CodeNotFound)
		// Reviewers read a submission's files but do not change them.
		instDraft, err = w.records.SubmitRecord(w.institution, instDraft.ID, instDraft.Version)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.files.ListAttachments(w.unit, domain.EntityRecord, instDraft.ID); err != nil {
			t.Fatalf("reviewer lists files: %v", err)
		}
		_, err = w.files.UploadAttachment(w.unit, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: instDraft.ID,
			Name: "a.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("a"))})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.files.UploadAttachment(w.institution, domain.AttachmentUpload{OwnerType: domain.EntityRecord, OwnerID: instDraft.ID,
			Name: "a.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("a"))})
		wantCode(t, err, domain.CodeConflict)

		// Roles without records.
		_, err = w.records.ListRecords(w.authority, domain.RecordFilter{})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.history.History(w.authority, domain.EntityRecord, draft.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.records.ConfirmRecord(w.person, draft.ID, draft.Version)
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.records.SubmitRecord(w.unit, draft.ID, draft.Version)
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.records.ReviewRecord(w.institution, instDraft.ID, domain.RecordReview{Decision: domain.RecordApprove, Version: instDraft.Version})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.records.MyHours(w.unit)
		wantCode(t, err, domain.CodeForbidden)

		// A unit whose application is not approved is locked out.
		locked := w.ctx(t, store.DemoNewUnit, store.DemoPassword)
		_, err = w.records.ListRecords(locked, domain.RecordFilter{})
		wantCode(t, err, domain.CodeModuleLocked)
	})
}

func TestRecordPersonWithoutUnitCannotDeclare(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		for _, name := range []string{"叶俊峰", "邓家乐"} {
			ctx := w.ctx(t, w.idNumber(t, w.personID(t, name)), store.DemoPassword)
			_, err := w.records.CreateRecord(ctx, input("自学"))
			wantCode(t, err, domain.CodeConflict)
		}
	})
}

func TestRecordListFiltersAndPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		all, err := w.records.ListRecords(w.unit, domain.RecordFilter{PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil || all.Total == 0 || all.Total != len(all.Items) {
			t.Fatalf("all: %d %d %v", all.Total, len(all.Items), err)
		}
		for _, r := range all.Items {
			if r.Source.Reviewed() && r.Status == domain.RecordDraft {
				t.Fatalf("unit sees a declarer's draft: %+v", r)
			}
		}
		for _, c := range []struct {
			f     domain.RecordFilter
			check func(domain.Record) bool
		}{
			{domain.RecordFilter{Source: domain.SourceInstitution}, func(r domain.Record) bool { return r.Source == domain.SourceInstitution }},
			{domain.RecordFilter{Status: domain.RecordSubmitted}, func(r domain.Record) bool { return r.Status == domain.RecordSubmitted }},
			{domain.RecordFilter{Person: "陈"}, func(r domain.Record) bool { return r.PersonName == "陈志明" }},
			{domain.RecordFilter{Person: "4401061990"}, func(r domain.Record) bool { return r.IDNumber == store.DemoPerson }},
			{domain.RecordFilter{Category: domain.CategoryPublic}, func(r domain.Record) bool { return r.Category == domain.CategoryPublic }},
			{domain.RecordFilter{From: day(20), To: day(10)}, func(r domain.Record) bool { return r.StartDate >= day(20) && r.EndDate <= day(10) }},
		} {
			page, err := w.records.ListRecords(w.unit, c.f)
			if err != nil || page.Total == 0 || page.Total >= all.Total {
				t.Fatalf("%+v: %d of %d, %v", c.f, page.Total, all.Total, err)
			}
			for _, r := range page.Items {
				if !c.check(r) {
					t.Fatalf("%+v let through %+v", c.f, r)
				}
			}
		}
		// The queue is oldest first; pages do not overlap.
		first, _ := w.records.ListRecords(w.unit, domain.RecordFilter{Status: domain.RecordSubmitted, PageRequest: domain.PageRequest{Limit: 2}})
		second, _ := w.records.ListRecords(w.unit, domain.RecordFilter{Status: domain.RecordSubmitted, PageRequest: domain.PageRequest{Limit: 2, Offset: 2}})
		if len(first.Items) != 2 || len(second.Items) == 0 || first.Items[0].UpdatedAt.After(first.Items[1].UpdatedAt) ||
			first.Items[1].ID == second.Items[0].ID {
			t.Fatalf("pages: %+v / %+v", first.Items, second.Items)
		}
		// LIKE wildcards in the person filter are literal.
		if page, _ := w.records.ListRecords(w.unit, domain.RecordFilter{Person: "%"}); page.Total != 0 {
			t.Fatalf("%% matched %d", page.Total)
		}
		_, err = w.records.ListRecords(w.unit, domain.RecordFilter{Status: "lost"})
		wantField(t, err, domain.CodeInvalid, "status", "无效")
		_, err = w.records.ListRecords(w.unit, domain.RecordFilter{From: "2026-13-01"})
		wantField(t, err, domain.CodeInvalid, "from", "有效")

		// The person picker lists confirmed members only.
		persons, err := w.records.SearchRecordPersons(w.unit, domain.RecordPersonSearch{Query: "李"})
		if err != nil || persons.Total == 0 {
			t.Fatalf("picker: %+v %v", persons, err)
		}
		for _, q := range []string{"邓家乐", "叶俊峰", "外单位"} {
			if p, _ := w.records.SearchRecordPersons(w.unit, domain.RecordPersonSearch{Query: q}); p.Total != 0 {
				t.Fatalf("picker offers %s: %+v", q, p)
			}
		}
		byID, _ := w.records.SearchRecordPersons(w.unit, domain.RecordPersonSearch{Query: "440104198805"})
		if byID.Total != 1 || byID.Items[0].Name != "李晓红" {
			t.Fatalf("picker by ID: %+v", byID)
		}
	})
}

func TestMyHoursCountsEffectiveRecordsOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		years, err := w.records.MyHours(w.person)
		if err != nil || len(years) == 0 || years[0].Year != 2026 {
			t.Fatalf("years: %+v %v", years, err)
		}
		// Recompute from the person's visible records: only effective ones
		// count, by category.
		page, err := w.records.ListRecords(w.person, domain.RecordFilter{Year: 2026, PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		var want domain.YearHours
		statuses := map[domain.RecordStatus]bool{}
		for _, r := range page.Items {
			statuses[r.Status] = true
			if r.Status == domain.RecordEffective {
				want.Add(r.Category, r.Hours)
			}
		}
		got := years[0]
		if got.Public != want.Public || got.Professional != want.Professional || got.Elective != want.Elective ||
			got.Total != want.Total || got.Total == 0 {
			t.Fatalf("2026: %+v, want %+v", got, want)
		}
		if len(statuses) < 4 {
			t.Fatalf("demo person's records cover only %v", statuses)
		}
		if got.RequiredTotal != domain.HoursOf(90) || got.RequiredPublic != domain.HoursOf(30) || got.Met() {
			t.Fatalf("requirement: %+v", got)
		}
		// A year without records shows its requirement and nothing else.
		empty, err := db.HoursByCategory(t.Context(), w.demoPersonID, 2019)
		if err != nil || empty.Total != 0 || empty.Year != 2019 || empty.RequiredTotal != domain.HoursOf(90) {
			t.Fatalf("2019: %+v %v", empty, err)
		}
	})
}

func TestDemoRecordsCoverEverySourceAndState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		newRecordWorld(t, db)
		for _, c := range []struct{ source, status string }{
			{"unit", "draft"}, {"unit", "effective"}, {"import", "effective"}, {"class", "effective"},
			{"person", "draft"}, {"person", "submitted"}, {"person", "effective"}, {"person", "returned"}, {"person", "rejected"},
			{"institution", "draft"}, {"institution", "submitted"}, {"institution", "effective"}, {"institution", "returned"},
		} {
			if n := count(t, db, `SELECT COUNT(*) FROM records WHERE source = $1 AND status = $2`, c.source, c.status); n == 0 {
				t.Errorf("no demo record %s/%s", c.source, c.status)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE source = 'institution' AND status = 'submitted'`); n < 3 {
			t.Errorf("%d institution submissions to batch-approve, want 3", n)
		}
		// Every demo record's history starts with its creation and ends in
		// its state.
		if n := count(t, db, `SELECT COUNT(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM audit_entries e
			WHERE e.entity_type = 'record' AND e.entity_id = r.id AND e.to_state = r.status)`); n != 0 {
			t.Errorf("%d demo records without a history ending in their state", n)
		}
	})
}

// Every action on every state of every declarer's workflow: allowed
// exactly where SPEC §5.6 allows it, and then leading where the state
// machine says; refused otherwise, as a conflict or a refusal, never as a
// failure.
func TestRecordTransitionMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		seq := 0
		type made struct {
			r     domain.Record
			in    domain.RecordInput
			owner context.Context
		}
		must := func(r domain.Record, err error) domain.Record {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// declare makes a fresh record of source in state st the way its
		// declarer and the unit would.
		declare := func(source domain.RecordSource, st domain.RecordStatus) made {
			seq++
			in := input("状态矩阵记录" + strconv.Itoa(seq))
			owner := map[domain.RecordSource]context.Context{domain.SourceUnit: w.unit,
				domain.SourcePerson: w.person, domain.SourceInstitution: w.institution}[source]
			switch source {
			case domain.SourceUnit:
				in.PersonID = w.member
			case domain.SourceInstitution:
				in.IDNumber, in.Name = store.DemoPerson, "陈志明"
			}
			r := w.create(t, owner, in)
			review := func(d domain.RecordDecision) {
				r = must(w.records.ReviewRecord(w.unit, r.ID, domain.RecordReview{Decision: d, Comment: "理由", Version: r.Version}))
			}
			switch {
			case source == domain.SourceUnit && st == domain.RecordEffective:
				r = must(w.records.ConfirmRecord(w.unit, r.ID, r.Version))
			case source != domain.SourceUnit && st != domain.RecordDraft:
				r = must(w.records.SubmitRecord(owner, r.ID, r.Version))
				switch st {
				case domain.RecordEffective:
					review(domain.RecordApprove)
				case domain.RecordRejected:
					review(domain.RecordReject)
				case domain.RecordReturned:
					review(domain.RecordReturn)
				}
			}
			if r.Status != st {
				t.Fatalf("made %s/%s: %+v", source, st, r)
			}
			return made{r: r, in: in, owner: owner}
		}
		review := func(d domain.RecordDecision) func(m made) (domain.Record, error) {
			return func(m made) (domain.Record, error) {
				return w.records.ReviewRecord(w.unit, m.r.ID, domain.RecordReview{Decision: d, Comment: "理由", Version: m.r.Version})
			}
		}
		actions := []struct {
			name    string
			run     func(m made) (domain.Record, error)
			allowed func(source domain.RecordSource, st domain.RecordStatus) bool
		}{
			{"confirm", func(m made) (domain.Record, error) { return w.records.ConfirmRecord(w.unit, m.r.ID, m.r.Version) },
				func(src domain.RecordSource, st domain.RecordStatus) bool {
					return src == domain.SourceUnit && st == domain.RecordDraft
				}},
			{"submit", func(m made) (domain.Record, error) { return w.records.SubmitRecord(m.owner, m.r.ID, m.r.Version) },
				func(src domain.RecordSource, st domain.RecordStatus) bool { return src.Reviewed() && st.Editable() }},
			{"approve", review(domain.RecordApprove), func(src domain.RecordSource, st domain.RecordStatus) bool {
				return src.Reviewed() && st == domain.RecordSubmitted
			}},
			{"reject", review(domain.RecordReject), func(src domain.RecordSource, st domain.RecordStatus) bool {
				return src.Reviewed() && st == domain.RecordSubmitted
			}},
			{"return", review(domain.RecordReturn), func(src domain.RecordSource, st domain.RecordStatus) bool {
				return src.Reviewed() && st == domain.RecordSubmitted
			}},
			{"edit", func(m made) (domain.Record, error) {
				in := m.in
				in.Remark, in.Version = "改过", m.r.Version
				return w.records.UpdateRecord(m.owner, m.r.ID, in)
			}, func(_ domain.RecordSource, st domain.RecordStatus) bool { return st.Editable() }},
			{"delete", func(m made) (domain.Record, error) {
				return domain.Record{}, w.records.DeleteRecord(m.owner, m.r.ID, m.r.Version)
			}, func(_ domain.RecordSource, st domain.RecordStatus) bool { return st == domain.RecordDraft }},
		}
		all := []domain.RecordStatus{domain.RecordDraft, domain.RecordSubmitted, domain.RecordReturned, domain.RecordRejected, domain.RecordEffective}
		for _, c := range []struct {
			source domain.RecordSource
			states []domain.RecordStatus
		}{
			{domain.SourceUnit, []domain.RecordStatus{domain.RecordDraft, domain.RecordEffective}},
			{domain.SourcePerson, all},
			{domain.SourceInstitution, all},
		} {
			for _, st := range c.states {
				for _, a := range actions {
					m := declare(c.source, st)
					got, err := a.run(m)
					want := a.allowed(c.source, st)
					switch {
					case want && err != nil:
						t.Errorf("%s %s on %s: refused: %v", c.source, a.name, st, err)
					case !want && err == nil:
						t.Errorf("%s %s on %s: allowed, now %s", c.source, a.name, st, got.Status)
					case !want:
						// The unit does not see drafts declarers still hold.
						hidden := c.source.Reviewed() && st == domain.RecordDraft && m.owner != w.unit &&
							a.name != "submit" && a.name != "edit" && a.name != "delete"
						switch code := domain.ErrorCode(err); {
						case hidden && code == domain.CodeNotFound:
						case !hidden && (code == domain.CodeConflict || code == domain.CodeForbidden):
						default:
							t.Errorf("%s %s on %s: %v", c.source, a.name, st, err)
						}
					case a.name == "delete":
						_, err := w.records.GetRecord(m.owner, m.r.ID)
						wantCode(t, err, domain.CodeNotFound)
					case a.name == "edit":
						if got.Status != st || got.Remark != "改过" || got.Version != m.r.Version+1 {
							t.Errorf("%s edit on %s: %+v", c.source, st, got)
						}
					default:
						if next, _ := domain.RecordMachineFor(c.source).Next(st, a.name); got.Status != next {
							t.Errorf("%s %s on %s: now %s, want %s", c.source, a.name, st, got.Status, next)
						}
					}
				}
			}
		}
	})
}
