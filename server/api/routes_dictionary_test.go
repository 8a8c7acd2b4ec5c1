package api_test

import (
	"strconv"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// 字典维护 answers the administrator only; every other role is forbidden and
// changes nothing.
func TestDictionaryRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		admin := toks[store.DemoAdmin]
		var ds []domain.Dictionary
		wantStatus(t, call(t, env, "GET", "/admin/dictionaries", admin, nil, &ds), 200, "dictionaries")
		if len(ds) != len(domain.EditableDictKinds) || len(ds[2].Items) == 0 {
			t.Fatalf("dictionaries: %+v", ds)
		}
		form := ds[2].Items[0]
		for user, tok := range toks {
			if user == store.DemoAdmin {
				continue
			}
			wantStatus(t, call(t, env, "GET", "/admin/dictionaries", tok, nil, nil), 403, user+" lists")
			wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form", tok, domain.NewDictItem{Code: "x", Label: "越权"}, nil), 403, user+" adds")
			wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form/"+form.Code, tok,
				domain.DictItemChange{Label: "越权", Disabled: true, Version: form.Version}, nil), 403, user+" updates")
		}
		wantStatus(t, call(t, env, "GET", "/admin/dictionaries", "", nil, nil), 401, "anonymous lists")

		var added domain.DictEntry
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form", admin, domain.NewDictItem{Code: "vr_lab", Label: "虚拟仿真实训"}, &added), 201, "add")
		if added.Code != "vr_lab" || added.Version != 1 {
			t.Fatalf("added: %+v", added)
		}
		a := call(t, env, "POST", "/admin/dictionaries/form", admin, domain.NewDictItem{Code: "vr_lab", Label: "另一项"}, nil)
		wantStatus(t, a, 409, "duplicate code")
		if a.err(t).Fields["code"] == "" {
			t.Fatalf("duplicate code without a field error: %s", a.body)
		}
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/category", admin, domain.NewDictItem{Code: "x", Label: "额外"}, nil), 422, "add a category")
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/region", admin, domain.NewDictItem{Code: "x", Label: "某地"}, nil), 400, "add a region")

		var off domain.DictEntry
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form/vr_lab", admin,
			domain.DictItemChange{Label: "虚拟仿真", Disabled: true, Version: added.Version}, &off), 200, "relabel and disable")
		if off.Label != "虚拟仿真" || !off.Disabled || off.Version != 2 {
			t.Fatalf("updated: %+v", off)
		}
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form/vr_lab", admin,
			domain.DictItemChange{Label: "虚拟", Version: added.Version}, nil), 409, "stale version")
		wantStatus(t, call(t, env, "POST", "/admin/dictionaries/form/nowhere", admin,
			domain.DictItemChange{Label: "无此项", Version: 1}, nil), 404, "unknown code")

		var ref domain.Reference
		wantStatus(t, call(t, env, "GET", "/reference", "", nil, &ref), 200, "reference")
		found := false
		for _, it := range ref.Dictionaries[domain.DictForm] {
			if it.Code == "vr_lab" {
				found = it.Disabled && it.Label == "虚拟仿真"
			}
		}
		if !found {
			t.Fatalf("reference lacks the disabled item: %+v", ref.Dictionaries[domain.DictForm])
		}
		var trail []domain.AuditEntry
		wantStatus(t, call(t, env, "GET", "/entities/dict_item/"+strconv.FormatInt(off.ID, 10)+"/history", admin, nil, &trail), 200, "history")
		if len(trail) != 2 {
			t.Fatalf("history: %+v", trail)
		}
		wantStatus(t, call(t, env, "GET", "/entities/dict_item/"+strconv.FormatInt(off.ID, 10)+"/history", toks[store.DemoUnit], nil, nil), 404, "unit reads the history")
	})
}
