package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// idNumber completes area+birth+seq (17 digits) with its check character.
func idNumber(first17 string) string { return first17 + string(domain.IDCheckChar(first17)) }

// badCheck is idNumber with a wrong check character.
func badCheck(first17 string) string {
	good := domain.IDCheckChar(first17)
	for _, c := range "0123456789X" {
		if byte(c) != good {
			return first17 + string(c)
		}
	}
	return ""
}

// personnel is a seeded store with the services and callers the persons
// tests share: demo-unit, a second approved unit, and the demo person.
type personnel struct {
	db                  *store.DB
	auth                *store.AuthService
	persons             *store.PersonService
	teachers            *store.TeacherService
	unit, other, person context.Context
	unitID, otherID     int64
}

func newPersonnel(t *testing.T, db *store.DB) *personnel {
	t.Helper()
	seeded(t, db)
	auth := noCaptcha(db)
	e := &personnel{db: db, auth: auth, persons: store.NewPersonService(db), teachers: store.NewTeacherService(db)}
	unitSess := login(t, auth, store.DemoUnit, store.DemoPassword)
	e.unit, e.unitID = as(t, auth, unitSess), unitSess.User.UnitID
	e.other, e.otherID = approvedUnit(t, db, auth, "fs-unit", "91440605MA4X12345")
	e.person = as(t, auth, login(t, auth, store.DemoPerson, store.DemoPassword))
	return e
}

// approvedUnit registers a unit in Foshan and approves it directly.
func approvedUnit(t *testing.T, db *store.DB, auth *store.AuthService, username, usccFirst17 string) (context.Context, int64) {
	t.Helper()
	if err := auth.RegisterUnit(t.Context(), registration(username, usccFirst17)); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE units SET status = 'approved', region_code = '440600'
		WHERE id = (SELECT unit_id FROM users WHERE username_key = $1)`, username); err != nil {
		t.Fatal(err)
	}
	sess := login(t, auth, username, "Start2026a")
	return as(t, auth, sess), sess.User.UnitID
}

// registerPerson registers a person and returns their session context.
func (e *personnel) registerPerson(t *testing.T, id, name string) context.Context {
	t.Helper()
	err := e.persons.RegisterPerson(t.Context(), domain.PersonRegistration{IDNumber: id, Name: name, Mobile: "13900001111", Password: "Start2026a"})
	if err != nil {
		t.Fatalf("register %s: %v", id, err)
	}
	return as(t, e.auth, login(t, e.auth, id, "Start2026a"))
}

func pendingIDs(t *testing.T, e *personnel) []int64 {
	t.Helper()
	page, err := e.persons.ListPersons(e.unit, domain.PersonFilter{Status: domain.AffiliationPending})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, p := range page.Items {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestPersonRegistersClaimsAndIsConfirmed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		id := idNumber("44010519920815123")
		reg := domain.PersonRegistration{IDNumber: " " + strings.ToLower(id) + " ", Name: " 赵晓雯 ", Mobile: "13900001111", Password: "Start2026a"}
		if err := e.persons.RegisterPerson(t.Context(), reg); err != nil {
			t.Fatal(err)
		}
		sess := login(t, e.auth, id, "Start2026a")
		if u := sess.User; u.Role != domain.RolePerson || !u.MustChangePassword || u.PersonID == 0 || u.DisplayName != "赵晓雯" || u.UnitID != 0 {
			t.Fatalf("person session: %+v", u)
		}
		me := as(t, e.auth, sess)
		p, err := e.persons.MyPerson(me)
		if err != nil || p.IDNumber != id || p.Gender != "男" || p.BirthDate != "1992-08-15" || p.Status != domain.AffiliationNone ||
			p.UnitID != 0 || !p.HasAccount || p.Mobile != "13900001111" {
			t.Fatalf("own record: %+v %v", p, err)
		}

		err = e.persons.RegisterPerson(t.Context(), reg)
		wantField(t, err, domain.CodeConflict, "id_number", "已注册")
		err = e.persons.RegisterPerson(t.Context(), domain.PersonRegistration{IDNumber: badCheck("44010519920815123"), Name: "甲", Mobile: "1390000", Password: "x"})
		wantField(t, err, domain.CodeInvalid, "id_number", "校验位不正确")
		wantField(t, err, domain.CodeInvalid, "mobile", "")
		wantField(t, err, domain.CodeInvalid, "password", "")
		// The demo person has a login already.
		err = e.persons.RegisterPerson(t.Context(), domain.PersonRegistration{IDNumber: store.DemoPerson, Name: "陈志明", Mobile: "13900001111", Password: "Start2026a"})
		wantField(t, err, domain.CodeConflict, "id_number", "已注册")

		// Approved units only, by part of the name or the start of the USCC.
		found, err := e.persons.SearchUnits(me, domain.UnitSearch{Query: "天河区示范"})
		if err != nil || found.Total != 1 || found.Items[0].ID != e.unitID || found.Items[0].RegionName != "天河区" {
			t.Fatalf("search by name: %+v %v", found, err)
		}
		found, err = e.persons.SearchUnits(me, domain.UnitSearch{Query: "91440605ma"})
		if err != nil || found.Total != 1 || found.Items[0].ID != e.otherID {
			t.Fatalf("search by USCC: %+v %v", found, err)
		}
		if found, _ := e.persons.SearchUnits(me, domain.UnitSearch{Query: "新创信息"}); found.Total != 0 {
			t.Fatalf("a draft unit was offered: %+v", found)
		}
		_, err = e.persons.SearchUnits(e.unit, domain.UnitSearch{})
		wantCode(t, err, domain.CodeForbidden)

		var draftID int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM units WHERE status = 'draft'`).Scan(&draftID); err != nil {
			t.Fatal(err)
		}
		_, err = e.persons.ClaimUnit(me, domain.Claim{UnitID: draftID, Version: p.Version})
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.persons.ClaimUnit(me, domain.Claim{UnitID: e.unitID, Version: p.Version + 1})
		wantCode(t, err, domain.CodeConflict)
		p, err = e.persons.ClaimUnit(me, domain.Claim{UnitID: e.unitID, Version: p.Version})
		if err != nil || p.Status != domain.AffiliationPending || p.UnitID != e.unitID || p.UnitName != "广州市天河区示范科技有限公司" {
			t.Fatalf("claim: %+v %v", p, err)
		}
		_, err = e.persons.ClaimUnit(me, domain.Claim{UnitID: e.otherID, Version: p.Version})
		wantCode(t, err, domain.CodeConflict)

		// The unit sees the claim; the other unit does not.
		if ids := pendingIDs(t, e); len(ids) != 5 || ids[0] != p.ID {
			t.Fatalf("pending claims (newest first): %v, want %d first of 5", ids, p.ID)
		}
		_, err = e.persons.GetPerson(e.other, p.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.persons.DecideAffiliation(e.other, p.ID, domain.AffiliationDecision{Decision: domain.DecisionAccept})
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.persons.DecideAffiliation(e.unit, p.ID, domain.AffiliationDecision{Decision: "maybe"})
		wantField(t, err, domain.CodeInvalid, "decision", "")

		got, err := e.persons.DecideAffiliation(e.unit, p.ID, domain.AffiliationDecision{Decision: domain.DecisionAccept})
		if err != nil || got.Status != domain.AffiliationConfirmed || got.UnitID != e.unitID {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		_, err = e.persons.DecideAffiliation(e.unit, p.ID, domain.AffiliationDecision{Decision: domain.DecisionRefuse})
		wantCode(t, err, domain.CodeConflict)
		if p, _ := e.persons.MyPerson(me); p.Status != domain.AffiliationConfirmed {
			t.Fatalf("person sees %s", p.Status)
		}
		_, err = e.persons.WithdrawClaim(me, domain.Withdrawal{Version: got.Version})
		wantCode(t, err, domain.CodeConflict)
		h, err := db.History(t.Context(), domain.EntityPerson, p.ID)
		if err != nil || len(h) != 3 || h[1].To != "pending" || h[2].From != "pending" || h[2].To != "confirmed" ||
			h[2].ActorRole != domain.RoleUnit || !strings.Contains(h[1].Comment, "天河区示范") {
			t.Fatalf("history: %+v %v", h, err)
		}
	})
}

func TestRefusedClaimFreesThePerson(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		me := e.registerPerson(t, idNumber("44010419850101002"), "钱小梅")
		p, _ := e.persons.MyPerson(me)
		p, err := e.persons.ClaimUnit(me, domain.Claim{UnitID: e.unitID, Version: p.Version})
		if err != nil {
			t.Fatal(err)
		}
		if p.Gender != "女" {
			t.Fatalf("gender %s from %s", p.Gender, p.IDNumber)
		}
		refused, err := e.persons.DecideAffiliation(e.unit, p.ID, domain.AffiliationDecision{Decision: domain.DecisionRefuse})
		if err != nil || refused.Status != domain.AffiliationNone || refused.UnitID != 0 {
			t.Fatalf("refuse: %+v %v", refused, err)
		}
		_, err = e.persons.GetPerson(e.unit, p.ID)
		wantCode(t, err, domain.CodeNotFound)
		p, err = e.persons.ClaimUnit(me, domain.Claim{UnitID: e.otherID, Version: refused.Version})
		if err != nil || p.Status != domain.AffiliationPending || p.UnitID != e.otherID {
			t.Fatalf("claim after refusal: %+v %v", p, err)
		}
		p, err = e.persons.WithdrawClaim(me, domain.Withdrawal{Version: p.Version})
		if err != nil || p.Status != domain.AffiliationNone || p.UnitID != 0 {
			t.Fatalf("withdraw: %+v %v", p, err)
		}
		_, err = e.persons.WithdrawClaim(me, domain.Withdrawal{Version: p.Version})
		wantCode(t, err, domain.CodeConflict)
		h, _ := db.History(t.Context(), domain.EntityPerson, p.ID)
		if len(h) != 5 || h[2].Comment != "单位确认：不属于本单位，申请已退回" || h[4].Comment != "撤回加入单位申请" {
			t.Fatalf("history: %+v", h)
		}
	})
}

func TestBatchConfirmationReportsEveryID(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		pending := pendingIDs(t, e)
		if len(pending) != 4 {
			t.Fatalf("demo pending claims: %v", pending)
		}
		other := e.registerPerson(t, idNumber("44060519800101003"), "孔德胜")
		op, _ := e.persons.MyPerson(other)
		op, err := e.persons.ClaimUnit(other, domain.Claim{UnitID: e.otherID, Version: op.Version})
		if err != nil {
			t.Fatal(err)
		}
		me, _ := e.persons.MyPerson(e.person) // confirmed in demo-unit

		ids := []int64{pending[0], pending[1], pending[0], me.ID, op.ID, 999999}
		sum, err := e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{IDs: ids, Decision: domain.DecisionAccept})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Changed) != 2 || sum.Changed[0].ID != pending[0] || sum.Changed[1].Status != domain.AffiliationConfirmed {
			t.Fatalf("changed: %+v", sum.Changed)
		}
		reasons := map[int64]string{}
		for _, s := range sum.Skipped {
			reasons[s.ID] = s.Reason
		}
		if len(sum.Skipped) != 3 || reasons[me.ID] != "该人员不是待确认状态" ||
			reasons[op.ID] != "不是本单位待确认的人员" || reasons[999999] != reasons[op.ID] {
			t.Fatalf("skipped: %+v", sum.Skipped)
		}
		if p, _ := e.persons.MyPerson(other); p.Status != domain.AffiliationPending || p.UnitID != e.otherID {
			t.Fatalf("another unit's claim was touched: %+v", p)
		}

		sum, err = e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{IDs: pending[2:], Decision: domain.DecisionRefuse})
		if err != nil || len(sum.Changed) != 2 || len(sum.Skipped) != 0 || sum.Changed[0].Status != domain.AffiliationNone {
			t.Fatalf("refuse batch: %+v %v", sum, err)
		}
		if ids := pendingIDs(t, e); len(ids) != 0 {
			t.Fatalf("still pending: %v", ids)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'person' AND comment LIKE '单位确认%' AND at > 0`); n < 4 {
			t.Fatalf("%d decision audit entries", n)
		}

		_, err = e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{Decision: domain.DecisionAccept})
		wantField(t, err, domain.CodeInvalid, "ids", "勾选")
		_, err = e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{IDs: []int64{1}, Decision: ""})
		wantField(t, err, domain.CodeInvalid, "decision", "")
		_, err = e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{IDs: make([]int64, domain.MaxBatch+1), Decision: domain.DecisionAccept})
		wantField(t, err, domain.CodeInvalid, "ids", "500")
		_, err = e.persons.DecideAffiliations(e.person, domain.AffiliationBatch{IDs: []int64{1}, Decision: domain.DecisionAccept})
		wantCode(t, err, domain.CodeForbidden)
	})
}

// A batch is one transaction: a failure part-way leaves nothing changed.
func TestBatchConfirmationIsAllOrNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		pending := pendingIDs(t, e)
		// The audit entry of the last row cannot be written.
		trigger := `CREATE TRIGGER audit_guard BEFORE INSERT ON audit_entries
			WHEN NEW.entity_id = ` + itoa(pending[len(pending)-1]) + ` BEGIN SELECT RAISE(ABORT, 'boom'); END`
		if db.Dialect() == store.DialectPostgres {
			if err := db.Exec(t.Context(), `CREATE FUNCTION audit_guard() RETURNS trigger AS $$
				BEGIN IF NEW.entity_id = `+itoa(pending[len(pending)-1])+` THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`); err != nil {
				t.Fatal(err)
			}
			trigger = `CREATE TRIGGER audit_guard BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_guard()`
		}
		if err := db.Exec(t.Context(), trigger); err != nil {
			t.Fatal(err)
		}
		_, err := e.persons.DecideAffiliations(e.unit, domain.AffiliationBatch{IDs: pending, Decision: domain.DecisionAccept})
		if err == nil {
			t.Fatal("the batch succeeded past a failing row")
		}
		if ids := pendingIDs(t, e); len(ids) != len(pending) {
			t.Fatalf("half a batch was applied: %d of %d still pending", len(ids), len(pending))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func validInput(id, name string) domain.PersonInput {
	return domain.PersonInput{IDNumber: id, Name: name, Ethnicity: "汉族", Education: "bachelor", Degree: "学士",
		Specialty: "软件工程", Title: "工程师", TitleLevel: "intermediate", Post: "开发", Mobile: "13711112222", Email: "a@b.cn"}
}

func TestUnitAddsPersons(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		first17 := "44011119870623402"
		in := validInput(strings.ToLower(idNumber(first17)), " 何嘉欣 ")
		p, err := e.persons.AddPerson(e.unit, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.IDNumber != idNumber(first17) || p.Name != "何嘉欣" || p.Gender != "女" || p.BirthDate != "1987-06-23" ||
			p.Status != domain.AffiliationConfirmed || p.UnitID != e.unitID || p.HasAccount || p.TitleLevel != "intermediate" {
			t.Fatalf("added: %+v", p)
		}
		h, _ := db.History(t.Context(), domain.EntityPerson, p.ID)
		if len(h) != 1 || h[0].To != "confirmed" || h[0].ActorRole != domain.RoleUnit {
			t.Fatalf("history: %+v", h)
		}

		persons := count(t, db, "SELECT COUNT(*) FROM persons")
		_, err = e.persons.AddPerson(e.unit, validInput(badCheck(first17), "何嘉欣"))
		wantField(t, err, domain.CodeInvalid, "id_number", "身份证号校验位不正确")
		_, err = e.persons.AddPerson(e.unit, validInput(idNumber(first17), "何嘉欣"))
		wantField(t, err, domain.CodeConflict, "id_number", "本单位已有该人员")
		_, err = e.persons.AddPerson(e.other, validInput(idNumber(first17), "何嘉欣"))
		wantField(t, err, domain.CodeConflict, "id_number", "已属于其他单位")
		pendingHere := pendingIDs(t, e)[0]
		var pendingID string
		if err := db.QueryRow(t.Context(), `SELECT id_number FROM persons WHERE id = $1`, pendingHere).Scan(&pendingID); err != nil {
			t.Fatal(err)
		}
		_, err = e.persons.AddPerson(e.unit, validInput(pendingID, "某人"))
		wantField(t, err, domain.CodeConflict, "id_number", "专业技术人员信息确认")
		_, err = e.persons.AddPerson(e.other, validInput(pendingID, "某人"))
		wantField(t, err, domain.CodeConflict, "id_number", "其他单位")
		free := idNumber("44060519900101005")
		e.registerPerson(t, free, "自由人")
		// A self-registered person in no unit joins (see person_squat_test.go).
		if p, err := e.persons.AddPerson(e.unit, validInput(free, "自由人")); err != nil || p.Status != domain.AffiliationConfirmed {
			t.Fatalf("adding a self-registered person: %+v %v", p, err)
		}

		bad := validInput(idNumber("44011119870623412"), "")
		bad.Education, bad.TitleLevel, bad.Mobile, bad.Email = "phd", "top", "123", "x@"
		_, err = e.persons.AddPerson(e.unit, bad)
		for _, f := range []string{"name", "mobile", "email"} {
			wantField(t, err, domain.CodeInvalid, f, "")
		}
		bad.Name, bad.Mobile, bad.Email = "某人", "", ""
		_, err = e.persons.AddPerson(e.unit, bad)
		wantField(t, err, domain.CodeInvalid, "education", "学历")
		wantField(t, err, domain.CodeInvalid, "title_level", "职称级别")
		future := validInput(idNumber("440111"+clock(t, db).Now().AddDate(0, 0, 2).Format("20060102")+"123"), "未来")
		_, err = e.persons.AddPerson(e.unit, future)
		wantField(t, err, domain.CodeInvalid, "id_number", "晚于今天")
		if n := count(t, db, "SELECT COUNT(*) FROM persons"); n != persons+1 {
			t.Fatalf("refused additions stored %d persons", n-persons-1)
		}
		_, err = e.persons.AddPerson(e.person, validInput(idNumber("44011119870623423"), "某人"))
		wantCode(t, err, domain.CodeForbidden)

		// With a login, which must change its password first.
		withLogin := validInput(idNumber("44011319790304005"), "龙海生")
		withLogin.CreateAccount, withLogin.Password = true, "short"
		_, err = e.persons.AddPerson(e.unit, withLogin)
		wantField(t, err, domain.CodeInvalid, "password", "")
		withLogin.Password = "Start2026a"
		p, err = e.persons.AddPerson(e.unit, withLogin)
		if err != nil || !p.HasAccount {
			t.Fatalf("with login: %+v %v", p, err)
		}
		sess := login(t, e.auth, withLogin.IDNumber, "Start2026a")
		if !sess.User.MustChangePassword || sess.User.PersonID != p.ID || sess.User.DisplayName != "龙海生" {
			t.Fatalf("login of an added person: %+v", sess.User)
		}
	})
}

func TestUnitEditsPersons(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		me, err := e.persons.MyPerson(e.person)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.persons.GetPerson(e.unit, me.ID)
		if err != nil || p.Name != "陈志明" || !p.HasAccount {
			t.Fatalf("get: %+v %v", p, err)
		}
		in := validInput(p.IDNumber, "陈志明")
		in.Title, in.Version = "正高级工程师", p.Version
		in.TitleLevel = "senior"
		upd, err := e.persons.UpdatePerson(e.unit, p.ID, in)
		if err != nil || upd.Title != "正高级工程师" || upd.Version != p.Version+1 || upd.Gender != p.Gender {
			t.Fatalf("update: %+v %v", upd, err)
		}
		_, err = e.persons.UpdatePerson(e.unit, p.ID, in) // the version read before
		de := wantCode(t, err, domain.CodeConflict)
		if de.Message != "数据已被他人修改，请刷新后重试" {
			t.Fatalf("stale message %q", de.Message)
		}
		in.Version, in.Name = upd.Version, "陈志铭"
		if _, err := e.persons.UpdatePerson(e.unit, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if u := login(t, e.auth, store.DemoPerson, store.DemoPassword).User; u.DisplayName != "陈志铭" {
			t.Fatalf("login name not kept with the person's: %q", u.DisplayName)
		}
		changed := in
		changed.IDNumber = idNumber("44010619900307261")
		_, err = e.persons.UpdatePerson(e.unit, p.ID, changed)
		wantField(t, err, domain.CodeInvalid, "id_number", "不可修改")
		_, err = e.persons.UpdatePerson(e.other, p.ID, in)
		wantCode(t, err, domain.CodeNotFound)

		pending := pendingIDs(t, e)[0]
		pp, _ := e.persons.GetPerson(e.unit, pending)
		pin := validInput(pp.IDNumber, pp.Name)
		pin.Version = pp.Version
		_, err = e.persons.UpdatePerson(e.unit, pending, pin)
		wantCode(t, err, domain.CodeConflict)

		// A member without a login gets one on edit.
		noLogin, err := e.persons.AddPerson(e.unit, validInput(idNumber("44011219880808123"), "易建新"))
		if err != nil {
			t.Fatal(err)
		}
		nin := validInput(noLogin.IDNumber, noLogin.Name)
		nin.Version, nin.CreateAccount, nin.Password = noLogin.Version, true, "Start2026a"
		if got, err := e.persons.UpdatePerson(e.unit, noLogin.ID, nin); err != nil || !got.HasAccount {
			t.Fatalf("login on edit: %+v %v", got, err)
		}
		login(t, e.auth, noLogin.IDNumber, "Start2026a")

		// The person edits their own contact fields.
		mine, _ := e.persons.MyPerson(e.person)
		got, err := e.persons.UpdateMyContact(e.person, domain.ContactUpdate{Mobile: "13612345678", Email: "me@example.cn", Version: mine.Version})
		if err != nil || got.Mobile != "13612345678" || got.Email != "me@example.cn" {
			t.Fatalf("own contact: %+v %v", got, err)
		}
		_, err = e.persons.UpdateMyContact(e.person, domain.ContactUpdate{Mobile: "13612345678", Version: mine.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.persons.UpdateMyContact(e.person, domain.ContactUpdate{Mobile: "1", Version: got.Version})
		wantField(t, err, domain.CodeInvalid, "mobile", "")
		_, err = e.persons.MyPerson(e.unit)
		wantCode(t, err, domain.CodeForbidden)
	})
}

func TestUnitsSeeOnlyTheirOwnPersons(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		page, err := e.persons.ListPersons(e.other, domain.PersonFilter{})
		if err != nil || page.Total != 0 || len(page.Items) != 0 {
			t.Fatalf("another unit listed demo-unit's persons: %+v %v", page, err)
		}
		mine, err := e.persons.ListPersons(e.unit, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil || mine.Total != 30 {
			t.Fatalf("demo-unit persons: %d %v", mine.Total, err)
		}
		for _, p := range mine.Items {
			if _, err := e.persons.GetPerson(e.other, p.ID); domain.ErrorCode(err) != domain.CodeNotFound {
				t.Fatalf("other unit read person %d: %v", p.ID, err)
			}
			if p.UnitID != e.unitID {
				t.Fatalf("listed a person of unit %d", p.UnitID)
			}
		}
		newUnit := as(t, e.auth, login(t, e.auth, store.DemoNewUnit, store.DemoPassword))
		_, err = e.persons.ListPersons(newUnit, domain.PersonFilter{})
		wantCode(t, err, domain.CodeModuleLocked)
		_, err = e.persons.ListPersons(e.person, domain.PersonFilter{})
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.persons.ListPersons(t.Context(), domain.PersonFilter{})
		wantCode(t, err, domain.CodeUnauthenticated)
		_, err = e.persons.ListPersons(e.unit, domain.PersonFilter{Status: "gone"})
		wantField(t, err, domain.CodeInvalid, "status", "")
	})
}

func TestPersonListFiltersAndPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		list := func(f domain.PersonFilter) domain.Page[domain.Person] {
			t.Helper()
			page, err := e.persons.ListPersons(e.unit, f)
			if err != nil {
				t.Fatal(err)
			}
			return page
		}
		if p := list(domain.PersonFilter{Name: "陈志"}); p.Total != 1 || p.Items[0].IDNumber != store.DemoPerson {
			t.Fatalf("by name: %+v", p)
		}
		if p := list(domain.PersonFilter{Name: "明"}); p.Total < 2 {
			t.Fatalf("by part of a name: %d", p.Total)
		}
		if p := list(domain.PersonFilter{IDNumber: store.DemoPerson}); p.Total != 1 {
			t.Fatalf("by whole ID: %d", p.Total)
		}
		if p := list(domain.PersonFilter{IDNumber: "440106"}); p.Total != 4 {
			t.Fatalf("by ID prefix: %d", p.Total)
		}
		if p := list(domain.PersonFilter{IDNumber: "%"}); p.Total != 0 {
			t.Fatalf("a LIKE wildcard matched as such: %d", p.Total)
		}
		eng := list(domain.PersonFilter{Title: "高级工程师"})
		for _, p := range eng.Items {
			if !strings.Contains(p.Title, "高级工程师") {
				t.Fatalf("title filter let %q through", p.Title)
			}
		}
		if eng.Total != 7 {
			t.Fatalf("by title: %d", eng.Total)
		}
		if p := list(domain.PersonFilter{Status: domain.AffiliationConfirmed, Title: "工程师", Name: "王"}); p.Total != 1 || p.Items[0].Name != "王建华" {
			t.Fatalf("combined: %+v", p)
		}
		first := list(domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 12}})
		second := list(domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 12, Offset: 12}})
		last := list(domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 12, Offset: 24}})
		if first.Total != 30 || len(first.Items) != 12 || len(second.Items) != 12 || len(last.Items) != 6 || second.Offset != 12 {
			t.Fatalf("pages: %d %d %d %d", first.Total, len(first.Items), len(second.Items), len(last.Items))
		}
		if first.Items[0].ID <= first.Items[1].ID || first.Items[11].ID <= second.Items[0].ID {
			t.Fatal("pages are not newest first")
		}
	})
}

// Ten thousand persons in one unit: every filter reads the unit's index
// range, never the whole table, and a page comes back at once.
func TestPersonListAtScale(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		ctx := t.Context()
		const n = 10000
		err := db.Exec(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < `+itoa(n)+`)
			INSERT INTO persons (id_number, name, gender, birth_date, title, unit_id, status, created_at, updated_at)
			SELECT '4406051985' || CAST(1000000 + i AS TEXT) || 'X', '测试' || CAST(i AS TEXT), '男', '1985-01-01',
				CASE WHEN i % 10 = 0 THEN '高级工程师' ELSE '工程师' END, $1,
				CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'confirmed' END, 0, 0
			FROM seq`, e.otherID)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.DialectPostgres {
			if err := db.Exec(ctx, `ANALYZE persons`); err != nil {
				t.Fatal(err)
			}
		}
		filters := []domain.PersonFilter{
			{}, {Name: "测试99"}, {IDNumber: "44060519851009"}, {IDNumber: "440605198510099999"},
			{Title: "高级"}, {Status: domain.AffiliationPending}, {Name: "测试", Title: "高级", Status: domain.AffiliationConfirmed},
		}
		for _, f := range filters {
			f.Limit, f.Offset = 20, 200
			start := time.Now()
			page, err := e.persons.ListPersons(e.other, f)
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			// Timing is logged, not asserted: the query plan below is the
			// guarantee; BenchmarkQueries measures.
			t.Logf("%+v: %d of %d in %v", f, len(page.Items), page.Total, took)
			if db.Dialect() != store.DialectSQLite {
				continue
			}
			plans, err := db.PersonListPlans(ctx, e.otherID, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, plan := range plans {
				t.Logf("plan: %s", plan)
				if !strings.Contains(plan, "USING INDEX persons_unit") && !strings.Contains(plan, "USING COVERING INDEX persons_unit") &&
					!strings.Contains(plan, "USING INDEX sqlite_autoindex_persons") {
					t.Errorf("%+v: plan does not use a unit index: %s", f, plan)
				}
			}
		}
		page, err := e.persons.ListPersons(e.other, domain.PersonFilter{Status: domain.AffiliationPending})
		if err != nil || page.Total != n/100 {
			t.Fatalf("pending at scale: %d %v", page.Total, err)
		}
	})
}
