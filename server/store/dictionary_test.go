package store_test

import (
	"context"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func dictItem(t *testing.T, svc *store.DictionaryService, ctx context.Context, kind, code string) domain.DictEntry {
	t.Helper()
	ds, err := svc.Dictionaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		for _, it := range d.Items {
			if d.Kind == kind && it.Code == code {
				return it
			}
		}
	}
	t.Fatalf("no %s/%s", kind, code)
	return domain.DictEntry{}
}

func refItem(t *testing.T, db *store.DB, kind, code string) (domain.DictItem, bool) {
	t.Helper()
	ref, err := store.NewReferenceService(db).Reference(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range ref.Dictionaries[kind] {
		if it.Code == code {
			return it, true
		}
	}
	return domain.DictItem{}, false
}

func TestDictionaries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		svc := store.NewDictionaryService(db)
		ctx := as(t, auth, login(t, auth, store.DemoAdmin, store.DemoPassword))

		ds, err := svc.Dictionaries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != len(domain.EditableDictKinds) || ds[0].Kind != domain.DictUnitType || ds[0].Name != "单位类型" ||
			len(ds[0].Items) != 5 || ds[0].Items[0].Code != "enterprise" || ds[0].Items[0].Version != 1 || ds[0].Items[0].Disabled {
			t.Fatalf("dictionaries: %+v", ds)
		}
		for _, d := range ds {
			if d.Kind == domain.DictCategory && !d.Fixed || d.Kind != domain.DictCategory && d.Fixed {
				t.Fatalf("fixed flag of %s: %v", d.Kind, d.Fixed)
			}
		}

		added, err := svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: " ｖｒ_lab ", Label: " 虚拟仿真实训 "})
		if err != nil {
			t.Fatal(err)
		}
		if added.Code != "vr_lab" || added.Label != "虚拟仿真实训" || added.Kind != domain.DictForm || added.Sort != 7 || added.Disabled || added.ID == 0 {
			t.Fatalf("added: %+v", added)
		}
		if it, ok := refItem(t, db, domain.DictForm, "vr_lab"); !ok || it.Label != "虚拟仿真实训" || it.Disabled {
			t.Fatalf("reference after add: %+v %v", it, ok)
		}
		h, err := db.History(t.Context(), domain.EntityDictItem, added.ID)
		if err != nil || len(h) != 1 || h[0].ActorRole != domain.RoleAdmin || !strings.Contains(h[0].Comment, "虚拟仿真实训") {
			t.Fatalf("history of add: %+v %v", h, err)
		}

		_, err = svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "vr_lab", Label: "另一个"})
		wantField(t, err, domain.CodeConflict, "code", "已存在")
		_, err = svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "vr2", Label: "学术会议"})
		wantField(t, err, domain.CodeConflict, "label", "已存在")
		_, err = svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "bad-code", Label: "abc"})
		wantField(t, err, domain.CodeInvalid, "code", "字母、数字和下划线")
		wantField(t, err, domain.CodeInvalid, "label", "中文")
		_, err = svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "long", Label: strings.Repeat("长", 51)})
		wantField(t, err, domain.CodeInvalid, "label", "50")
		// The same code in another dictionary is a different item.
		if _, err := svc.AddDictItem(ctx, domain.DictUnitType, domain.NewDictItem{Code: "vr_lab", Label: "虚拟仿真实训"}); err != nil {
			t.Fatalf("same code and label in another kind: %v", err)
		}
		_, err = svc.AddDictItem(ctx, domain.DictCategory, domain.NewDictItem{Code: "extra", Label: "额外科目"})
		de := wantCode(t, err, domain.CodeInvalid)
		if !strings.Contains(de.Message, "不能增删") {
			t.Fatalf("category add: %v", err)
		}
		_, err = svc.AddDictItem(ctx, "region", domain.NewDictItem{Code: "x", Label: "某地"})
		wantCode(t, err, domain.CodeBadRequest)
		_, err = svc.UpdateDictItem(ctx, "region", "440100", domain.DictItemChange{Label: "某地", Version: 1})
		wantCode(t, err, domain.CodeBadRequest)

		// Relabel, then a stale version conflicts and changes nothing.
		it := dictItem(t, svc, ctx, domain.DictForm, "online")
		renamed, err := svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "网络培训", Version: it.Version})
		if err != nil || renamed.Label != "网络培训" || renamed.Version != it.Version+1 || renamed.Disabled {
			t.Fatalf("relabel: %+v %v", renamed, err)
		}
		_, err = svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "在线学习", Version: it.Version})
		wantCode(t, err, domain.CodeConflict)
		_, err = svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "学术讲座", Version: renamed.Version})
		wantField(t, err, domain.CodeConflict, "label", "已存在")
		_, err = svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "", Version: renamed.Version})
		wantField(t, err, domain.CodeInvalid, "label", "请填写")
		_, err = svc.UpdateDictItem(ctx, domain.DictForm, "nowhere", domain.DictItemChange{Label: "无此项", Version: 1})
		wantCode(t, err, domain.CodeNotFound)
		if got := dictItem(t, svc, ctx, domain.DictForm, "online"); got != renamed {
			t.Fatalf("after refused changes: %+v, want %+v", got, renamed)
		}

		// Disable and enable: the reference keeps the item, flagged.
		off, err := svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "网络培训", Disabled: true, Version: renamed.Version})
		if err != nil || !off.Disabled {
			t.Fatalf("disable: %+v %v", off, err)
		}
		if ref, ok := refItem(t, db, domain.DictForm, "online"); !ok || !ref.Disabled || ref.Label != "网络培训" {
			t.Fatalf("reference of a disabled item: %+v %v", ref, ok)
		}
		h, err = db.History(t.Context(), domain.EntityDictItem, off.ID)
		if err != nil || len(h) != 2 || !strings.Contains(h[0].Comment, "「网络学习」改为「网络培训」") ||
			h[1].From != "启用" || h[1].To != "已停用" {
			t.Fatalf("history of relabel and disable: %+v %v", h, err)
		}
		// Saving what is already stored writes nothing.
		same, err := svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "网络培训", Disabled: true, Version: off.Version})
		if err != nil || same != off {
			t.Fatalf("unchanged save: %+v %v", same, err)
		}

		// Categories: relabel yes, disable no.
		cat := dictItem(t, svc, ctx, domain.DictCategory, "elective")
		_, err = svc.UpdateDictItem(ctx, domain.DictCategory, "elective", domain.DictItemChange{Label: cat.Label, Disabled: true, Version: cat.Version})
		wantCode(t, err, domain.CodeInvalid)
		if _, err := svc.UpdateDictItem(ctx, domain.DictCategory, "elective", domain.DictItemChange{Label: "选修课", Version: cat.Version}); err != nil {
			t.Fatalf("relabel a category: %v", err)
		}

		// Restarting reseeds missing rows only: edits and disabled flags stay.
		if err := db.Prepare(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := dictItem(t, svc, ctx, domain.DictForm, "online"); got != off {
			t.Fatalf("after reseed: %+v, want %+v", got, off)
		}
		if got := dictItem(t, svc, ctx, domain.DictCategory, "elective"); got.Label != "选修课" {
			t.Fatalf("category after reseed: %+v", got)
		}
		// A seeded row an administrator's label now blocks stays out
		// rather than failing the start.
		if err := db.Exec(t.Context(), `DELETE FROM dict_items WHERE kind = 'form' AND code = 'lecture'`); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "talk", Label: "学术讲座"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Prepare(t.Context()); err != nil {
			t.Fatalf("reseed with a clashing label: %v", err)
		}
		if _, ok := refItem(t, db, domain.DictForm, "lecture"); ok {
			t.Fatal("the seeded row came back under a label already taken")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM dict_items WHERE kind = 'form'`); n != 7 {
			t.Fatalf("%d form items, want 7", n)
		}
	})
}

func TestDictionariesAdminOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		auth := noCaptcha(db)
		svc := store.NewDictionaryService(db)
		hist := store.NewHistoryService(db)
		admin := as(t, auth, login(t, auth, store.DemoAdmin, store.DemoPassword))
		it := dictItem(t, svc, admin, domain.DictForm, "online")
		for _, user := range []string{store.DemoUnit, store.DemoAuthority, store.DemoProvince, store.DemoPerson, store.DemoInstitution} {
			ctx := as(t, auth, login(t, auth, user, store.DemoPassword))
			_, err := svc.Dictionaries(ctx)
			wantCode(t, err, domain.CodeForbidden)
			_, err = svc.AddDictItem(ctx, domain.DictForm, domain.NewDictItem{Code: "x_" + user, Label: "越权新增"})
			wantCode(t, err, domain.CodeForbidden)
			_, err = svc.UpdateDictItem(ctx, domain.DictForm, "online", domain.DictItemChange{Label: "越权修改", Disabled: true, Version: it.Version})
			wantCode(t, err, domain.CodeForbidden)
			_, err = hist.History(ctx, domain.EntityDictItem, it.ID)
			wantCode(t, err, domain.CodeNotFound)
		}
		if got := dictItem(t, svc, admin, domain.DictForm, "online"); got != it {
			t.Fatalf("refused changes changed %+v into %+v", it, got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE entity_type = $1`, domain.EntityDictItem); n != 0 {
			t.Fatalf("%d audit entries from refused changes", n)
		}
		if _, err := hist.History(admin, domain.EntityDictItem, it.ID); err != nil {
			t.Fatalf("admin history: %v", err)
		}
		// The system principal of `jxjy admin` may maintain dictionaries.
		if _, err := svc.AddDictItem(system(t), domain.DictEducation, domain.NewDictItem{Code: "doctor", Label: "博士研究生"}); err != nil {
			t.Fatal(err)
		}
	})
}

// disableDict disables kind/code as `jxjy admin` would.
func disableDict(t *testing.T, db *store.DB, kind, code string) {
	t.Helper()
	svc := store.NewDictionaryService(db)
	it := dictItem(t, svc, system(t), kind, code)
	if _, err := svc.UpdateDictItem(system(t), kind, code, domain.DictItemChange{Label: it.Label, Disabled: true, Version: it.Version}); err != nil {
		t.Fatal(err)
	}
}

// A disabled 培训形式 is refused for a new record, for a record changed
// to it and in an import; a record already holding it saves unchanged.
func TestDisabledDictItemRefusedForNewRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		w := c.recordWorld
		online := input("网络课程：数字化转型")
		online.Form = "online"
		old := w.create(t, w.person, online)
		other := w.create(t, w.person, input("线下培训：项目管理"))
		disableDict(t, db, domain.DictForm, "online")

		online.Title = "网络课程：人工智能导论"
		_, err := w.records.CreateRecord(w.person, online)
		wantField(t, err, domain.CodeInvalid, domain.RecordFieldForm, "该选项已停用")
		online.Form = "nowhere"
		_, err = w.records.CreateRecord(w.person, online)
		wantField(t, err, domain.CodeInvalid, domain.RecordFieldForm, "培训形式无效")

		change := input("线下培训：项目管理")
		change.Form, change.Version = "online", other.Version
		_, err = w.records.UpdateRecord(w.person, other.ID, change)
		wantField(t, err, domain.CodeInvalid, domain.RecordFieldForm, "该选项已停用")

		keep := input("网络课程：数字化转型（补充）")
		keep.Form, keep.Version = "online", old.Version
		saved, err := w.records.UpdateRecord(w.person, old.ID, keep)
		if err != nil || saved.Form != "online" || saved.Title != keep.Title {
			t.Fatalf("unchanged disabled form: %+v %v", saved, err)
		}

		m := c.member
		rep, err := c.imports.ValidateImport(c.unit, upload(importFile(t,
			append(importRow(m[0], m[1], "停用形式")[:2], "专业科目", "网络学习", "停用形式", "", day(4), day(3), 8, ""))))
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, rep, 3, "培训形式", "培训形式已停用，请从下拉列表选择（培训/研修/进修、学术会议、学术讲座、实践活动、其他）")
	})
}

// 学历, 职称级别 and 失信类型 follow the same rule.
func TestDisabledDictItemRefusedForNewPersonsAndCredit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		persons := store.NewPersonService(db)
		before, err := persons.AddPerson(w.unit, validInput(idNumber("44010619850101123"), "黄志强"))
		if err != nil {
			t.Fatal(err)
		}
		entry, err := w.credit.CreateCredit(w.unit, w.entry(w.memberID, 0))
		if err != nil {
			t.Fatal(err)
		}
		disableDict(t, db, domain.DictEducation, "bachelor")
		disableDict(t, db, domain.DictTitleLevel, "intermediate")
		disableDict(t, db, domain.DictDishonestyType, "exam_cheating")

		_, err = persons.AddPerson(w.unit, validInput(idNumber("44010619860202123"), "林小燕"))
		wantField(t, err, domain.CodeInvalid, "education", "该选项已停用")
		wantField(t, err, domain.CodeInvalid, "title_level", "该选项已停用")
		in := validInput(before.IDNumber, "黄志强")
		in.Post, in.Version = "项目经理", before.Version
		if p, err := persons.UpdatePerson(w.unit, before.ID, in); err != nil || p.Education != "bachelor" || p.Post != "项目经理" {
			t.Fatalf("unchanged disabled codes: %+v %v", p, err)
		}

		_, err = w.credit.CreateCredit(w.unit, w.entry(w.memberID, 0))
		wantField(t, err, domain.CodeInvalid, "type", "该选项已停用")
		upd := w.entry(w.memberID, 0)
		upd.Handling, upd.Version = "取消考试成绩，通报批评，记入档案。", entry.Version
		if c, err := w.credit.UpdateCredit(w.unit, entry.ID, upd); err != nil || c.Type != "exam_cheating" {
			t.Fatalf("unchanged disabled type: %+v %v", c, err)
		}
	})
}

// An application keeps a since disabled 单位类型 through save and 送审,
// and may not switch to one.
func TestDisabledDictItemInApplications(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		a, err := w.apps.MyApplication(w.newUnit)
		if err != nil {
			t.Fatal(err)
		}
		w.upload(t, w.newUnit, a.ID, "营业执照.pdf", store.DemoPDF("licence"))
		if a, err = w.apps.SaveApplication(w.newUnit, w.completeForm(t, a)); err != nil {
			t.Fatal(err)
		}
		disableDict(t, db, domain.DictUnitType, "enterprise")
		disableDict(t, db, domain.DictUnitType, "public_institution")

		f := domain.FormOf(a)
		f.UnitType = "public_institution"
		_, err = w.apps.SaveApplication(w.newUnit, f)
		wantField(t, err, domain.CodeInvalid, domain.FieldUnitType, "该选项已停用")
		f.UnitType, f.Summary = "enterprise", "信息技术服务与软件开发"
		if a, err = w.apps.SaveApplication(w.newUnit, f); err != nil {
			t.Fatalf("unchanged disabled unit type: %v", err)
		}
		if a, err = w.apps.SubmitApplication(w.newUnit, domain.ApplicationSubmit{Version: a.Version}); err != nil || a.Status != domain.ApplicationSubmitted {
			t.Fatalf("submit with a disabled unit type: %+v %v", a, err)
		}
	})
}
