package client_test

import (
	"context"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestDictionaryRoundTrips(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		admin := env.Client()
		mustLogin(t, admin, store.DemoAdmin, store.DemoPassword)

		ds, err := admin.Dictionaries(ctx)
		if err != nil || len(ds) != len(domain.EditableDictKinds) || ds[1].Kind != domain.DictCategory || !ds[1].Fixed {
			t.Fatalf("dictionaries: %+v %v", ds, err)
		}
		added, err := admin.AddDictItem(ctx, domain.DictDishonestyType, domain.NewDictItem{Code: "fake_attendance", Label: "考勤造假"})
		if err != nil || added.ID == 0 || added.Kind != domain.DictDishonestyType {
			t.Fatalf("add: %+v %v", added, err)
		}
		_, err = admin.AddDictItem(ctx, domain.DictDishonestyType, domain.NewDictItem{Code: "x y", Label: "考勤造假"})
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["code"] == "" {
			t.Fatalf("field error lost on the way: %v", err)
		}
		off, err := admin.UpdateDictItem(ctx, domain.DictDishonestyType, "fake_attendance",
			domain.DictItemChange{Label: "考勤记录造假", Disabled: true, Version: added.Version})
		if err != nil || !off.Disabled || off.Label != "考勤记录造假" {
			t.Fatalf("update: %+v %v", off, err)
		}
		_, err = admin.UpdateDictItem(ctx, domain.DictDishonestyType, "fake_attendance",
			domain.DictItemChange{Label: "考勤造假", Version: added.Version})
		wantCode(t, err, domain.CodeConflict)

		ref, err := env.Client().Reference(ctx)
		if err != nil {
			t.Fatal(err)
		}
		items := ref.Dictionaries[domain.DictDishonestyType]
		if last := items[len(items)-1]; last.Code != "fake_attendance" || !last.Disabled || items[0].Disabled {
			t.Fatalf("reference: %+v", items)
		}

		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, store.DemoPassword)
		_, err = unit.Dictionaries(ctx)
		wantCode(t, err, domain.CodeForbidden)
	})
}
