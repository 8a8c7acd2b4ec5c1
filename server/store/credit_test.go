package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// creditWorld is a seeded store with the callers the credit tests share:
// demo-unit and a Foshan unit, the Guangzhou, province and Shenzhen
// authorities, and the demo person.
type creditWorld struct {
	db                               *store.DB
	credit                           *store.CreditService
	unit, other                      context.Context
	guangzhou, province, shenzhen    context.Context
	person                           context.Context
	unitID, otherID                  int64
	today                            string
	memberID, otherMemberID, pending int64
}

func newCreditWorld(t *testing.T, db *store.DB) *creditWorld {
	t.Helper()
	seeded(t, db)
	auth := noCaptcha(db)
	w := &creditWorld{db: db, credit: store.NewCreditService(db)}
	sess := login(t, auth, store.DemoUnit, store.DemoPassword)
	w.unit, w.unitID = as(t, auth, sess), sess.User.UnitID
	w.other, w.otherID = approvedUnit(t, db, auth, "fs-credit", "91440605MA4X12345")
	w.guangzhou = as(t, auth, login(t, auth, store.DemoAuthority, store.DemoPassword))
	w.province = as(t, auth, login(t, auth, store.DemoProvince, store.DemoPassword))
	if _, err := store.NewAdminService(db).CreateAccount(system(t), domain.NewAccount{
		Username: "sz-authority", Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "440300"}); err != nil {
		t.Fatal(err)
	}
	w.shenzhen = as(t, auth, login(t, auth, "sz-authority", "Start2026a"))
	w.person = as(t, auth, login(t, auth, store.DemoPerson, store.DemoPassword))
	w.today = clock(t, db).Now().In(time.FixedZone("CST", 8*3600)).Format(domain.DateLayout)
	w.memberID = personByName(t, db, "李晓红")
	w.pending = personByName(t, db, "邓家乐")
	persons := store.NewPersonService(db)
	p, err := persons.AddPerson(w.other, validInput(idNumber("44060519900101123"), "佛山员工"))
	if err != nil {
		t.Fatal(err)
	}
	w.otherMemberID = p.ID
	return w
}

func personByName(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(t.Context(), `SELECT id FROM persons WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return id
}

// entry is a valid input about person (unit) or unit (authority).
func (w *creditWorld) entry(personID, unitID int64) domain.CreditInput {
	return domain.CreditInput{PersonID: personID, UnitID: unitID, Type: "exam_cheating",
		Description: "继续教育考试中由他人代考。", OccurredDate: w.today, Handling: "取消考试成绩，通报批评。",
		ValidFrom: w.today, ValidTo: "", DocumentNumber: "测试〔2026〕1号"}
}

func TestCreditUnitRecordsItsPersonsAndFlagsThem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		flagged, err := db.DishonestPersons(t.Context(), []int64{w.memberID})
		if err != nil || flagged[w.memberID] {
			t.Fatalf("before: flagged %v, %v", flagged, err)
		}
		c, err := w.credit.CreateCredit(w.unit, w.entry(w.memberID, 0))
		if err != nil {
			t.Fatal(err)
		}
		if c.Subject != domain.CreditPerson || c.PersonName != "李晓红" || !c.Active || c.TypeLabel != "考试作弊" ||
			c.RecorderName != "广州市天河区示范科技有限公司" || c.UnitID != w.unitID || c.Version != 1 {
			t.Fatalf("created %+v", c)
		}
		flagged, err = db.DishonestPersons(t.Context(), []int64{w.memberID, w.pending})
		if err != nil || !flagged[w.memberID] || flagged[w.pending] {
			t.Fatalf("after: flagged %v, %v", flagged, err)
		}
		page, err := w.credit.ListCredit(w.unit, domain.CreditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// The seeded entry about 黄思琪 and the new one; never the
		// authority's entry about the unit itself.
		if page.Total != 2 || page.Items[0].ID != c.ID {
			t.Fatalf("list: %+v", page)
		}
		for _, it := range page.Items {
			if it.Subject != domain.CreditPerson {
				t.Fatalf("unit list holds %+v", it)
			}
		}
		named, err := w.credit.ListCredit(w.unit, domain.CreditFilter{Name: "晓红"})
		if err != nil || named.Total != 1 || named.Items[0].ID != c.ID {
			t.Fatalf("by name: %+v %v", named, err)
		}
		typed, err := w.credit.ListCredit(w.unit, domain.CreditFilter{Type: "fake_hours"})
		if err != nil || typed.Total != 1 || typed.Items[0].PersonName != "黄思琪" {
			t.Fatalf("by type: %+v %v", typed, err)
		}

		in := w.entry(w.memberID, 0)
		in.Handling, in.ValidTo, in.Version = "取消成绩，一年内不得参加考试。", w.today, c.Version
		updated, err := w.credit.UpdateCredit(w.unit, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if updated.Version != 2 || updated.Handling != in.Handling || updated.ValidTo != w.today {
			t.Fatalf("updated %+v", updated)
		}
		_, err = w.credit.UpdateCredit(w.unit, c.ID, in)
		wantCode(t, err, domain.CodeConflict)

		hist, err := store.NewHistoryService(db).History(w.unit, domain.EntityCredit, c.ID)
		if err != nil || len(hist) != 2 || hist[0].Comment != "录入失信信息" || hist[1].Comment != "修改失信信息" {
			t.Fatalf("history %+v %v", hist, err)
		}
	})
}

func TestCreditInputIsValidated(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		tomorrow := clock(t, db).Now().Add(48 * time.Hour).Format(domain.DateLayout)
		for _, tc := range []struct {
			name  string
			edit  func(*domain.CreditInput)
			code  domain.Code
			field string
		}{
			{"no type", func(in *domain.CreditInput) { in.Type = "" }, domain.CodeInvalid, "type"},
			{"unknown type", func(in *domain.CreditInput) { in.Type = "murder" }, domain.CodeInvalid, "type"},
			{"no description", func(in *domain.CreditInput) { in.Description = "  " }, domain.CodeInvalid, "description"},
			{"bad date", func(in *domain.CreditInput) { in.OccurredDate = "2025-02-30" }, domain.CodeInvalid, "occurred_date"},
			{"future", func(in *domain.CreditInput) { in.OccurredDate = tomorrow }, domain.CodeInvalid, "occurred_date"},
			{"no handling", func(in *domain.CreditInput) { in.Handling = "" }, domain.CodeInvalid, "handling"},
			{"end before start", func(in *domain.CreditInput) { in.ValidTo = "2000-01-01" }, domain.CodeInvalid, "valid_to"},
			{"long document", func(in *domain.CreditInput) { in.DocumentNumber = strings.Repeat("号", 51) }, domain.CodeInvalid, "document_number"},
			{"pending claim", func(in *domain.CreditInput) { in.PersonID = w.pending }, domain.CodeNotFound, "person_id"},
			{"another unit's person", func(in *domain.CreditInput) { in.PersonID = w.otherMemberID }, domain.CodeNotFound, "person_id"},
			{"no person", func(in *domain.CreditInput) { in.PersonID = 0 }, domain.CodeNotFound, "person_id"},
		} {
			in := w.entry(w.memberID, 0)
			tc.edit(&in)
			_, err := w.credit.CreateCredit(w.unit, in)
			if de := wantCode(t, err, tc.code); de.Fields[tc.field] == "" {
				t.Errorf("%s: fields %v", tc.name, de.Fields)
			}
		}
		// Full-width digits, as IMEs type them, are read as dates.
		in := w.entry(w.memberID, 0)
		in.ValidFrom = "２０２０－０１－０１"
		c, err := w.credit.CreateCredit(w.unit, in)
		if err != nil || c.ValidFrom != "2020-01-01" {
			t.Fatalf("full-width: %+v %v", c, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM credit_records WHERE person_id = $1`, w.memberID); n != 1 {
			t.Fatalf("%d entries stored, want only the valid one", n)
		}
	})
}

func TestCreditTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		own, err := w.credit.CreateCredit(w.unit, w.entry(w.memberID, 0))
		if err != nil {
			t.Fatal(err)
		}
		// Another unit neither sees nor changes demo-unit's entry.
		_, err = w.credit.GetCredit(w.other, own.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.credit.UpdateCredit(w.other, own.ID, w.entry(w.otherMemberID, 0))
		wantCode(t, err, domain.CodeNotFound)
		page, err := w.credit.ListCredit(w.other, domain.CreditFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("other unit's list: %+v %v", page, err)
		}
		// Authorities keep unit entries only: a unit's entry about its
		// person is not theirs to see.
		_, err = w.credit.GetCredit(w.guangzhou, own.ID)
		wantCode(t, err, domain.CodeNotFound)
		// A person has no credit module.
		_, err = w.credit.ListCredit(w.person, domain.CreditFilter{})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.credit.CreateCredit(w.person, w.entry(w.memberID, 0))
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.credit.ListUnitCredit(w.guangzhou, domain.CreditFilter{})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.credit.CreditUnits(w.unit, domain.UnitSearch{})
		wantCode(t, err, domain.CodeForbidden)
	})
}

func TestCreditAuthorityRecordsUnitsOfItsRegion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		units, err := w.credit.CreditUnits(w.guangzhou, domain.UnitSearch{Query: "天河"})
		if err != nil || units.Total != 1 || units.Items[0].ID != w.unitID || units.Items[0].RegionName != "天河区" {
			t.Fatalf("units: %+v %v", units, err)
		}
		// The Foshan unit is outside Guangzhou's region.
		if units, _ := w.credit.CreditUnits(w.guangzhou, domain.UnitSearch{}); units.Total != 1 {
			t.Fatalf("guangzhou sees %d units", units.Total)
		}
		if units, _ := w.credit.CreditUnits(w.province, domain.UnitSearch{}); units.Total != 2 {
			t.Fatalf("province sees %d units", units.Total)
		}
		_, err = w.credit.CreateCredit(w.guangzhou, w.entry(0, w.otherID))
		wantField(t, err, domain.CodeNotFound, "unit_id", "本辖区")

		c, err := w.credit.CreateCredit(w.guangzhou, w.entry(0, w.unitID))
		if err != nil {
			t.Fatal(err)
		}
		if c.Subject != domain.CreditUnit || c.UnitName != "广州市天河区示范科技有限公司" ||
			c.RecorderName != "广州市人力资源和社会保障局" || c.PersonID != 0 {
			t.Fatalf("created %+v", c)
		}
		// The seeded entry and this one; the province sees them too.
		for _, ctx := range []context.Context{w.guangzhou, w.province} {
			page, err := w.credit.ListCredit(ctx, domain.CreditFilter{Name: "天河"})
			if err != nil || page.Total != 2 {
				t.Fatalf("authority list: %+v %v", page, err)
			}
		}
		page, err := w.credit.ListCredit(w.shenzhen, domain.CreditFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("shenzhen list: %+v %v", page, err)
		}
		_, err = w.credit.GetCredit(w.shenzhen, c.ID)
		wantCode(t, err, domain.CodeNotFound)
		in := w.entry(0, w.unitID)
		in.Version = c.Version
		_, err = w.credit.UpdateCredit(w.shenzhen, c.ID, in)
		wantCode(t, err, domain.CodeNotFound)
		// The province sees Guangzhou's entry but does not rewrite it.
		if _, err := w.credit.GetCredit(w.province, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.credit.UpdateCredit(w.province, c.ID, in)
		wantCode(t, err, domain.CodeForbidden)
		in.Description = "补充：涉及3名人员。"
		if got, err := w.credit.UpdateCredit(w.guangzhou, c.ID, in); err != nil || got.Description != in.Description {
			t.Fatalf("update: %+v %v", got, err)
		}

		// The unit sees the entries about itself, read-only.
		about, err := w.credit.ListUnitCredit(w.unit, domain.CreditFilter{})
		if err != nil || about.Total != 2 || about.Items[0].ID != c.ID || about.Items[0].Description != in.Description {
			t.Fatalf("unit view: %+v %v", about, err)
		}
		if got, err := w.credit.GetCredit(w.unit, c.ID); err != nil || got.ID != c.ID {
			t.Fatalf("unit detail: %+v %v", got, err)
		}
		in.Version = 2
		_, err = w.credit.UpdateCredit(w.unit, c.ID, in)
		wantCode(t, err, domain.CodeForbidden)
		if others, _ := w.credit.ListUnitCredit(w.other, domain.CreditFilter{}); others.Total != 0 {
			t.Fatalf("the Foshan unit sees %d entries about itself", others.Total)
		}
	})
}

func TestCreditActiveFollowsTheValidityPeriod(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		in := w.entry(w.memberID, 0)
		in.ValidTo = w.today
		c, err := w.credit.CreateCredit(w.unit, in)
		if err != nil || !c.Active {
			t.Fatalf("%+v %v", c, err)
		}
		active, _ := w.credit.ListCredit(w.unit, domain.CreditFilter{ActiveOnly: true})
		clock(t, db).Advance(48 * time.Hour)
		got, err := w.credit.GetCredit(w.unit, c.ID)
		if err != nil || got.Active {
			t.Fatalf("expired entry: %+v %v", got, err)
		}
		if flagged, _ := db.DishonestPersons(t.Context(), []int64{w.memberID}); flagged[w.memberID] {
			t.Fatal("a person with an expired entry is still flagged")
		}
		later, _ := w.credit.ListCredit(w.unit, domain.CreditFilter{ActiveOnly: true})
		all, _ := w.credit.ListCredit(w.unit, domain.CreditFilter{})
		if later.Total != active.Total-1 || all.Total != 2 {
			t.Fatalf("active %d then %d, all %d", active.Total, later.Total, all.Total)
		}
	})
}

func TestCreditAttachmentsFollowTheEntry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		files := store.NewAttachmentService(db, 0)
		own, err := w.credit.CreateCredit(w.unit, w.entry(w.memberID, 0))
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n处理决定书\n")
		up := func(ctx context.Context, id int64) error {
			_, err := files.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityCredit, OwnerID: id,
				Name: "处理决定书.pdf", Size: int64(len(pdf)), Body: bytes.NewReader(pdf)})
			return err
		}
		if err := up(w.unit, own.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, up(w.other, own.ID), domain.CodeNotFound)
		_, err = files.ListAttachments(w.guangzhou, domain.EntityCredit, own.ID)
		wantCode(t, err, domain.CodeNotFound)

		about, err := w.credit.CreateCredit(w.guangzhou, w.entry(0, w.unitID))
		if err != nil {
			t.Fatal(err)
		}
		if err := up(w.guangzhou, about.ID); err != nil {
			t.Fatal(err)
		}
		// The unit reads the authority's file but cannot add its own.
		list, err := files.ListAttachments(w.unit, domain.EntityCredit, about.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("unit's view of the authority's files: %v %v", list, err)
		}
		wantCode(t, up(w.unit, about.ID), domain.CodeForbidden)
		wantCode(t, up(w.province, about.ID), domain.CodeForbidden)
		_, err = files.ListAttachments(w.shenzhen, domain.EntityCredit, about.ID)
		wantCode(t, err, domain.CodeNotFound)
	})
}
