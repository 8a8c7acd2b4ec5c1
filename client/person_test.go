package client_test

import (
	"context"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func idWithCheck(first17 string) string { return first17 + string(domain.IDCheckChar(first17)) }

func TestPersonRoundTrips(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		id := idWithCheck("44011719890214628")

		anon := env.Client()
		if err := anon.RegisterPerson(ctx, domain.PersonRegistration{IDNumber: id, Name: "区嘉怡", Mobile: "13900003333", Password: "Start2026a"}); err != nil {
			t.Fatal(err)
		}
		err := anon.RegisterPerson(ctx, domain.PersonRegistration{IDNumber: id, Name: "区嘉怡", Mobile: "13900003333", Password: "Start2026a"})
		wantCode(t, err, domain.CodeConflict)
		if domain.FieldErrorsOf(err)["id_number"] == "" {
			t.Fatalf("field error lost on the way: %v", err)
		}

		person := env.Client()
		s := mustLogin(t, person, id, "Start2026a")
		if !s.User.MustChangePassword || s.User.PersonID == 0 {
			t.Fatalf("session: %+v", s.User)
		}
		_, err = person.MyPerson(ctx)
		wantCode(t, err, domain.CodePasswordChange)
		if err := person.ChangePassword(ctx, domain.PasswordChange{Old: "Start2026a", New: "Better2026b"}); err != nil {
			t.Fatal(err)
		}
		me, err := person.MyPerson(ctx)
		if err != nil || me.Name != "区嘉怡" || me.Gender != "女" || me.BirthDate != "1989-02-14" {
			t.Fatalf("profile: %+v %v", me, err)
		}
		me, err = person.UpdateMyContact(ctx, domain.ContactUpdate{Mobile: "13900004444", Email: "ou@example.cn", Version: me.Version})
		if err != nil || me.Email != "ou@example.cn" {
			t.Fatalf("contact: %+v %v", me, err)
		}
		units, err := person.SearchUnits(ctx, domain.UnitSearch{Query: "天河区 示范", PageRequest: domain.PageRequest{Limit: 5}})
		if err != nil || units.Total != 0 {
			t.Fatalf("a query with a space: %+v %v", units, err)
		}
		units, err = person.SearchUnits(ctx, domain.UnitSearch{Query: "示范科技&"})
		if err != nil || units.Total != 0 {
			t.Fatalf("an ampersand is part of the query: %+v %v", units, err)
		}
		units, err = person.SearchUnits(ctx, domain.UnitSearch{Query: "示范科技"})
		if err != nil || units.Total != 1 {
			t.Fatalf("search: %+v %v", units, err)
		}
		me, err = person.ClaimUnit(ctx, domain.Claim{UnitID: units.Items[0].ID, Version: me.Version})
		if err != nil || me.Status != domain.AffiliationPending {
			t.Fatalf("claim: %+v %v", me, err)
		}
		me, err = person.WithdrawClaim(ctx, domain.Withdrawal{Version: me.Version})
		if err != nil || me.Status != domain.AffiliationNone {
			t.Fatalf("withdraw: %+v %v", me, err)
		}
		if me, err = person.ClaimUnit(ctx, domain.Claim{UnitID: units.Items[0].ID, Version: me.Version}); err != nil {
			t.Fatal(err)
		}

		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, demoPassword)
		page, err := unit.ListPersons(ctx, domain.PersonFilter{Name: "区嘉", Status: domain.AffiliationPending, PageRequest: domain.PageRequest{Limit: 3}})
		if err != nil || page.Total != 1 || page.Items[0].ID != me.ID {
			t.Fatalf("list: %+v %v", page, err)
		}
		page, err = unit.ListPersons(ctx, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 7, Offset: 14}})
		if err != nil || page.Total != 31 || len(page.Items) != 7 || page.Offset != 14 {
			t.Fatalf("page: %d %d %d %v", page.Total, len(page.Items), page.Offset, err)
		}
		got, err := unit.DecideAffiliation(ctx, me.ID, domain.AffiliationDecision{Decision: domain.DecisionAccept})
		if err != nil || got.Status != domain.AffiliationConfirmed {
			t.Fatalf("decide: %+v %v", got, err)
		}
		pending, _ := unit.ListPersons(ctx, domain.PersonFilter{Status: domain.AffiliationPending})
		ids := []int64{me.ID}
		for _, p := range pending.Items {
			ids = append(ids, p.ID)
		}
		sum, err := unit.DecideAffiliations(ctx, domain.AffiliationBatch{IDs: ids, Decision: domain.DecisionAccept})
		if err != nil || len(sum.Changed) != 4 || len(sum.Skipped) != 1 || sum.Skipped[0].ID != me.ID || sum.Decision != domain.DecisionAccept {
			t.Fatalf("batch: %+v %v", sum, err)
		}

		added, err := unit.AddPerson(ctx, domain.PersonInput{IDNumber: idWithCheck("44010319750606123"), Name: "甘国平"})
		if err != nil || added.Gender != "男" || added.BirthDate != "1975-06-06" {
			t.Fatalf("add: %+v %v", added, err)
		}
		_, err = unit.AddPerson(ctx, domain.PersonInput{IDNumber: added.IDNumber, Name: "甘国平"})
		wantCode(t, err, domain.CodeConflict)
		if domain.FieldErrorsOf(err)["id_number"] == "" {
			t.Fatalf("duplicate without its field: %v", err)
		}
		detail, err := unit.GetPerson(ctx, added.ID)
		if err != nil || detail.ID != added.ID {
			t.Fatalf("detail: %+v %v", detail, err)
		}
		in := domain.PersonInput{IDNumber: added.IDNumber, Name: "甘国平", Post: "质量经理", Version: detail.Version}
		if _, err := unit.UpdatePerson(ctx, added.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err = unit.UpdatePerson(ctx, added.ID, in)
		wantCode(t, err, domain.CodeConflict)
		_, err = unit.GetPerson(ctx, 999999)
		wantCode(t, err, domain.CodeNotFound)
	})
}

func TestTeacherRoundTrips(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, demoPassword)

		tc, err := unit.CreateTeacher(ctx, domain.TeacherInput{Name: "邝志诚", Gender: "男", Title: "高级讲师", Employer: "广州市技师学院"})
		if err != nil || !tc.Enabled() {
			t.Fatalf("create: %+v %v", tc, err)
		}
		_, err = unit.CreateTeacher(ctx, domain.TeacherInput{Name: "邝志诚"})
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["gender"] == "" {
			t.Fatalf("no gender field error: %v", err)
		}
		found, err := unit.ListTeachers(ctx, domain.TeacherFilter{Name: "志诚", State: domain.TeacherEnabled, PageRequest: domain.PageRequest{Limit: 5}})
		if err != nil || found.Total != 1 || found.Items[0].ID != tc.ID {
			t.Fatalf("list: %+v %v", found, err)
		}
		off, err := unit.DisableTeacher(ctx, tc.ID, domain.VersionRef{Version: tc.Version})
		if err != nil || off.Enabled() {
			t.Fatalf("disable: %+v %v", off, err)
		}
		picker, err := unit.EnabledTeachers(ctx, domain.TeacherFilter{Name: "志诚", State: domain.TeacherDisabled})
		if err != nil || picker.Total != 0 {
			t.Fatalf("picker offers a disabled teacher: %+v %v", picker, err)
		}
		on, err := unit.EnableTeacher(ctx, tc.ID, domain.VersionRef{Version: off.Version})
		if err != nil || !on.Enabled() {
			t.Fatalf("enable: %+v %v", on, err)
		}
		upd, err := unit.UpdateTeacher(ctx, tc.ID, domain.TeacherInput{Name: "邝志诚", Gender: "男", Title: "教授", Version: on.Version})
		if err != nil || upd.Title != "教授" {
			t.Fatalf("update: %+v %v", upd, err)
		}
		wantCode(t, unit.DeleteTeacher(ctx, tc.ID, domain.VersionRef{Version: on.Version}), domain.CodeConflict)
		if err := unit.DeleteTeacher(ctx, tc.ID, domain.VersionRef{Version: upd.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = unit.GetTeacher(ctx, tc.ID)
		wantCode(t, err, domain.CodeNotFound)
	})
}
