package store_test

import (
	"context"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// countyUnit registers a unit, fills its application for region, attaches
// a licence and sends it to review; it returns the unit's context and the
// application as sent.
func countyUnit(t *testing.T, w *appWorld, username, usccFirst17, name, region string) (context.Context, domain.UnitApplication) {
	t.Helper()
	reg := registration(username, usccFirst17)
	reg.UnitName = name
	if err := w.auth.RegisterUnit(t.Context(), reg); err != nil {
		t.Fatal(err)
	}
	ctx := as(t, w.auth, login(t, w.auth, username, reg.Password))
	a, err := w.apps.MyApplication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.upload(t, ctx, a.ID, "营业执照.pdf", store.DemoPDF("licence"))
	f := w.completeForm(t, a)
	f.RegionCode = region
	if a, err = w.apps.SaveApplication(ctx, f); err != nil {
		t.Fatal(err)
	}
	if a, err = w.apps.SubmitApplication(ctx, domain.ApplicationSubmit{Version: a.Version}); err != nil {
		t.Fatal(err)
	}
	return ctx, a
}

func queueNames(t *testing.T, w *appWorld, ctx context.Context) map[string]bool {
	t.Helper()
	page, err := w.apps.ListApplications(ctx, domain.ApplicationQuery{PageRequest: domain.PageRequest{Limit: domain.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, a := range page.Items {
		out[a.Name] = true
	}
	return out
}

// A county authority sees its county only, its city all the city's
// counties, another city none; reviews go to the competent authority and
// stay visible above it.
func TestCountyAuthorityScoping(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		admin := store.NewAdminService(db)
		const chancheng, nanhai = "佛山市禅城区测试陶瓷有限公司", "佛山市南海区测试铝材有限公司"

		// Sent before 禅城区 has an authority: 佛山's is competent.
		_, cc := countyUnit(t, w, "cc-unit", "91440604MA4C00001", chancheng, "440604")
		if cc.AuthorityName != "佛山市人力资源和社会保障局" || cc.RegionName != "禅城区" {
			t.Fatalf("禅城 unit before its county has an authority: %+v", cc)
		}
		u, err := admin.CreateAccount(system(t), domain.NewAccount{Username: "cc-hr", Password: store.DemoPassword,
			Role: domain.RoleAuthority, RegionCode: "440604"})
		if err != nil || u.DisplayName != "佛山市禅城区人力资源和社会保障局" || u.RegionCode != "440604" {
			t.Fatalf("create 禅城区 authority: %+v %v", u, err)
		}
		if _, err := admin.CreateAccount(system(t), domain.NewAccount{Username: "fs-hr", Password: store.DemoPassword,
			Role: domain.RoleAuthority, RegionCode: "440600"}); err != nil {
			t.Fatal(err)
		}
		_, err = admin.CreateAccount(system(t), domain.NewAccount{Username: "nowhere", Password: store.DemoPassword,
			Role: domain.RoleAuthority, RegionCode: "449999"})
		wantCode(t, err, domain.CodeNotFound)
		ccHR, fsHR := w.ctx(t, "cc-hr"), w.ctx(t, "fs-hr")
		_, nh := countyUnit(t, w, "nh-unit", "91440605MA4C00002", nanhai, "440605")

		// Applications.
		if q := queueNames(t, w, ccHR); !q[chancheng] || q[nanhai] || len(q) != 1 {
			t.Errorf("禅城区 sees %v, want its own unit only", q)
		}
		if q := queueNames(t, w, fsHR); !q[chancheng] || !q[nanhai] {
			t.Errorf("佛山市 sees %v, want both counties' units", q)
		}
		if q := queueNames(t, w, w.guangzhou); q[chancheng] || q[nanhai] {
			t.Errorf("广州市 sees %v", q)
		}
		if q := queueNames(t, w, w.province); !q[chancheng] || !q[nanhai] {
			t.Errorf("the province sees %v", q)
		}
		_, err = w.apps.GetApplication(ccHR, nh.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.apps.GetApplication(w.guangzhou, cc.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.apps.ReviewApplication(w.guangzhou, cc.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: cc.Version})
		wantCode(t, err, domain.CodeNotFound)

		approved, err := w.apps.ReviewApplication(ccHR, cc.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: cc.Version})
		if err != nil || approved.Status != domain.ApplicationApproved || approved.AuthorityName != "佛山市禅城区人力资源和社会保障局" {
			t.Fatalf("禅城区 approves its unit: %+v %v", approved, err)
		}
		if seen, err := w.apps.GetApplication(fsHR, cc.ID); err != nil || seen.Status != domain.ApplicationApproved {
			t.Fatalf("佛山市 after 禅城区 approved: %+v %v", seen, err)
		}
		if _, err := w.apps.ReviewApplication(fsHR, nh.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: nh.Version}); err != nil {
			t.Fatalf("佛山市 approves 南海's unit: %v", err)
		}

		// 失信: 禅城区 finds and records its own unit only; 佛山 and the
		// province see the entry, 广州 does not.
		credit := store.NewCreditService(db)
		found, err := credit.CreditUnits(ccHR, domain.UnitSearch{Query: "佛山市"})
		if err != nil || found.Total != 1 || found.Items[0].ID != cc.ID {
			t.Fatalf("禅城区 unit search: %+v %v", found, err)
		}
		today := clock(t, db).Now().In(time.FixedZone("CST", 8*3600)).Format(domain.DateLayout)
		entry := domain.CreditInput{UnitID: nh.ID, Type: "fake_hours", Description: "虚报继续教育学时。",
			OccurredDate: today, Handling: "通报批评。", ValidFrom: today, DocumentNumber: "禅人社〔2026〕1号"}
		_, err = credit.CreateCredit(ccHR, entry)
		wantCode(t, err, domain.CodeNotFound)
		entry.UnitID = cc.ID
		rec, err := credit.CreateCredit(ccHR, entry)
		if err != nil {
			t.Fatal(err)
		}
		for who, ctx := range map[string]context.Context{"佛山市": fsHR, "广东省": w.province} {
			if _, err := credit.GetCredit(ctx, rec.ID); err != nil {
				t.Errorf("%s does not see 禅城区's entry: %v", who, err)
			}
		}
		_, err = credit.GetCredit(w.guangzhou, rec.ID)
		wantCode(t, err, domain.CodeNotFound)

		// 统计: 佛山 by county, 禅城区 its own unit, 广州 neither.
		q := store.NewQueryService(db)
		year := clock(t, db).Now().In(domain.ChinaTime).Year()
		fs, err := q.Statistics(fsHR, year)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, it := range fs.ByRegion {
			labels = append(labels, it.Label)
		}
		if fs.Units != 2 || fs.RegionLevel != "区县" || len(fs.ByRegion) != 5 || fs.ByRegion[0].Label != "禅城区" {
			t.Errorf("佛山 statistics: %d units, level %q, by region %v", fs.Units, fs.RegionLevel, labels)
		}
		if st, err := q.Statistics(ccHR, year); err != nil || st.Units != 1 || len(st.ByRegion) != 0 {
			t.Errorf("禅城区 statistics: %+v %v", st, err)
		}
		gd, err := q.Statistics(w.province, year)
		if err != nil || len(gd.ByRegion) != 21 {
			t.Fatalf("province statistics by city: %+v %v", gd, err)
		}
		gz, err := q.Statistics(w.guangzhou, year)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range gz.ByRegion {
			if it.Label == "禅城区" || it.Label == "南海区" {
				t.Errorf("广州 statistics list %s", it.Label)
			}
		}
	})
}

// An older database (the 33 regions of earlier releases, an authority
// seeded for each Guangzhou district) gains the new county codes at the
// next start; its units keep their regions and authorities, and migration
// 25 drops the district authorities nobody refers to.
func TestOlderDatabaseGainsTheCounties(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		ctx := t.Context()
		for _, q := range []string{
			`DELETE FROM regions WHERE level = 3 AND parent_code <> '440100'`,
			`INSERT INTO authorities (name, region_code, level) VALUES ('广州市天河区人力资源和社会保障局', '440106', 3)`,
			`INSERT INTO authorities (name, region_code, level) VALUES ('广州市海珠区人力资源和社会保障局', '440105', 3)`,
			`UPDATE units SET authority_id = (SELECT id FROM authorities WHERE region_code = '440106')
				WHERE name = '广州市天河区示范科技有限公司'`,
			// Later migrations go too, so goose sees 25 as the next one.
			`DROP TABLE institution_record_refs`,
			`DROP TABLE api_token_calls`,
			`DROP TABLE api_tokens`,
			`DELETE FROM goose_db_version WHERE version_id >= 25`,
		} {
			if err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		units := `SELECT COUNT(*) FROM units u JOIN authorities a ON a.id = u.authority_id
			WHERE u.region_code = '440105' AND a.region_code = '440100'`
		before := count(t, db, units)
		if n := count(t, db, `SELECT COUNT(*) FROM regions`); n != 33 || before == 0 {
			t.Fatalf("%d regions, %d 海珠 units under the city", n, before)
		}
		if err := db.Prepare(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM regions`); n != 144 {
			t.Errorf("%d regions after the start, want 144", n)
		}
		if n := count(t, db, units); n != before {
			t.Errorf("%d 海珠 units under the city, was %d", n, before)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units u JOIN authorities a ON a.id = u.authority_id
			WHERE u.name = '广州市天河区示范科技有限公司' AND a.region_code = '440106'`); n != 1 {
			t.Errorf("the unit under the 天河 authority lost it")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM authorities WHERE region_code = '440105'`); n != 0 {
			t.Errorf("the unstaffed 海珠 authority is still there")
		}
	})
}

// 专业课计划审核 through a county: demo-unit's (天河区) plan is in the
// 天河区 authority's queue, which approves it; the city still sees it, the
// 海珠区 authority never does.
func TestCountyAuthorityReviewsPlans(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		admin := store.NewAdminService(db)
		for user, region := range map[string]string{"th-hr": "440106", "hz-hr": "440105"} {
			if _, err := admin.CreateAccount(system(t), domain.NewAccount{Username: user, Password: "Start2026a",
				Role: domain.RoleAuthority, RegionCode: region}); err != nil {
				t.Fatal(err)
			}
		}
		tianhe := as(t, e.auth, login(t, e.auth, "th-hr", "Start2026a"))
		haizhu := as(t, e.auth, login(t, e.auth, "hz-hr", "Start2026a"))
		plan, _ := e.draftPlan(t, 30)
		plan, err := e.plans.SubmitPlan(e.unit, plan.ID, domain.PlanSubmit{Version: plan.Version})
		if err != nil {
			t.Fatal(err)
		}
		if q, err := e.plans.ListPlanReviews(tianhe, domain.PlanFilter{Status: domain.PlanSubmitted}); err != nil || !hasPlan(q.Items, plan.ID) {
			t.Fatalf("天河区 queue: %+v %v", q, err)
		}
		if q, err := e.plans.ListPlanReviews(haizhu, domain.PlanFilter{}); err != nil || hasPlan(q.Items, plan.ID) {
			t.Fatalf("海珠区 queue: %+v %v", q, err)
		}
		_, err = e.plans.ReviewPlan(haizhu, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version})
		wantCode(t, err, domain.CodeNotFound)
		if plan, err = e.plans.ReviewPlan(tianhe, plan.ID, domain.PlanReview{Action: domain.PlanApprove, Version: plan.Version}); err != nil {
			t.Fatalf("天河区 approves: %v", err)
		}
		for who, ctx := range map[string]context.Context{"广州市": e.city, "广东省": e.province} {
			if d, err := e.plans.GetPlan(ctx, plan.ID); err != nil || d.Status != domain.PlanApproved {
				t.Errorf("%s after 天河区 approved: %+v %v", who, d.Plan, err)
			}
		}
	})
}
