package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// queryWorld is a seeded store with demo-unit, a Foshan unit and the query
// service.
type queryWorld struct {
	db              *store.DB
	q               *store.QueryService
	unit, other     context.Context
	unitID, otherID int64
}

func newQueryWorld(t *testing.T, db *store.DB) *queryWorld {
	t.Helper()
	seeded(t, db)
	auth := noCaptcha(db)
	w := &queryWorld{db: db, q: store.NewQueryService(db)}
	sess := login(t, auth, store.DemoUnit, store.DemoPassword)
	w.unit, w.unitID = as(t, auth, sess), sess.User.UnitID
	w.other, w.otherID = approvedUnit(t, db, auth, "fs-query", "91440605MA4X12345")
	return w
}

// all reads every page of a record query.
func (w *queryWorld) all(t *testing.T, ctx context.Context, q domain.RecordQuery) []domain.QueryRecord {
	t.Helper()
	var out []domain.QueryRecord
	q.Limit = 7
	for {
		q.Offset = len(out)
		page, err := w.q.QueryRecords(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if len(page.Items) == 0 || len(out) >= page.Total {
			if len(out) != page.Total {
				t.Fatalf("read %d of %d", len(out), page.Total)
			}
			return out
		}
	}
}

func TestQueryRecordsAreTheUnitsEffectiveRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		effective := count(t, db, `SELECT COUNT(*) FROM records WHERE unit_id = $1 AND status = 'effective'`, w.unitID)
		if effective == 0 || effective == count(t, db, `SELECT COUNT(*) FROM records WHERE unit_id = $1`, w.unitID) {
			t.Fatalf("the demo should have effective and other records (%d effective)", effective)
		}
		all := w.all(t, w.unit, domain.RecordQuery{})
		if len(all) != effective {
			t.Fatalf("%d records, want %d", len(all), effective)
		}
		flagged := 0
		for i, r := range all {
			if i > 0 && r.ID >= all[i-1].ID {
				t.Fatal("not newest first")
			}
			if r.Dishonest {
				flagged++
				if r.PersonName != "黄思琪" {
					t.Errorf("%s flagged", r.PersonName)
				}
			}
			if r.Category == domain.CategoryPublic && r.CategoryLabel != "公需科目" || r.FormLabel == r.Form {
				t.Errorf("labels of %+v", r)
			}
		}
		if flagged == 0 {
			t.Error("黄思琪's records carry no 失信 mark")
		}

		sample := all[len(all)-1]
		for name, tc := range map[string]struct {
			q    domain.RecordQuery
			keep func(domain.QueryRecord) bool
		}{
			"name":      {domain.RecordQuery{Name: "志明"}, func(r domain.QueryRecord) bool { return strings.Contains(r.PersonName, "志明") }},
			"id prefix": {domain.RecordQuery{IDNumber: sample.IDNumber[:10]}, func(r domain.QueryRecord) bool { return strings.HasPrefix(r.IDNumber, sample.IDNumber[:10]) }},
			"id":        {domain.RecordQuery{IDNumber: strings.ToLower(sample.IDNumber)}, func(r domain.QueryRecord) bool { return r.IDNumber == sample.IDNumber }},
			"year":      {domain.RecordQuery{Year: sample.Year}, func(r domain.QueryRecord) bool { return r.Year == sample.Year }},
			"category":  {domain.RecordQuery{Category: domain.CategoryPublic}, func(r domain.QueryRecord) bool { return r.Category == domain.CategoryPublic }},
			"source":    {domain.RecordQuery{Source: domain.SourceImport}, func(r domain.QueryRecord) bool { return r.Source == domain.SourceImport }},
			"dates": {domain.RecordQuery{From: sample.StartDate, To: sample.EndDate}, func(r domain.QueryRecord) bool {
				return r.StartDate >= sample.StartDate && r.EndDate <= sample.EndDate
			}},
		} {
			var want []int64
			for _, r := range all {
				if tc.keep(r) {
					want = append(want, r.ID)
				}
			}
			got := w.all(t, w.unit, tc.q)
			if len(got) != len(want) || len(want) == 0 {
				t.Errorf("%s: %d records, want %d (non-zero)", name, len(got), len(want))
				continue
			}
			for i := range got {
				if got[i].ID != want[i] {
					t.Errorf("%s: record %d is %d, want %d", name, i, got[i].ID, want[i])
				}
			}
		}

		detail, err := w.q.QueryRecord(w.unit, sample.ID)
		if err != nil || detail.Title != sample.Title || detail.Hours != sample.Hours {
			t.Fatalf("detail %+v %v", detail, err)
		}
		var draft int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM records WHERE unit_id = $1 AND status = 'draft'`, w.unitID).Scan(&draft); err != nil {
			t.Fatal(err)
		}
		_, err = w.q.QueryRecord(w.unit, draft)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.q.QueryRecord(w.other, sample.ID)
		wantCode(t, err, domain.CodeNotFound)
		if page, err := w.q.QueryRecords(w.other, domain.RecordQuery{}); err != nil || page.Total != 0 {
			t.Fatalf("another unit sees %+v %v", page, err)
		}
	})
}

func TestQueryRecordFiltersAreChecked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		for field, q := range map[string]domain.RecordQuery{
			"from":     {From: "2025-13-01"},
			"to":       {From: "2025-03-01", To: "2025-02-01"},
			"category": {Category: "sports"},
			"source":   {Source: "rumour"},
			"year":     {Year: 25},
		} {
			_, err := w.q.QueryRecords(w.unit, q)
			if de := wantCode(t, err, domain.CodeInvalid); de.Fields[field] == "" {
				t.Errorf("%s: %v", field, de.Fields)
			}
			err = w.q.ExportRecords(w.unit, q, func(domain.QueryRecord, int, int) error { return nil })
			wantCode(t, err, domain.CodeInvalid)
		}
		auth := noCaptcha(db)
		authority := as(t, auth, login(t, auth, store.DemoAuthority, store.DemoPassword))
		_, err := w.q.QueryRecords(authority, domain.RecordQuery{})
		wantCode(t, err, domain.CodeForbidden)
		_, err = w.q.QueryPlans(authority, domain.PlanQuery{})
		wantCode(t, err, domain.CodeForbidden)
		fresh := as(t, auth, login(t, auth, store.DemoNewUnit, store.DemoPassword))
		_, err = w.q.QueryRecords(fresh, domain.RecordQuery{})
		wantCode(t, err, domain.CodeModuleLocked)
		_, err = w.q.Statistics(fresh, 0)
		wantCode(t, err, domain.CodeModuleLocked)
	})
}

func TestExportWalksEveryRecordInBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		year := clock(t, db).Now().Year()
		load, err := db.GenerateLoad(t.Context(), "导出测试单位", "91440106MA5EXP01X", "440106", 40, 2345, year)
		if err != nil {
			t.Fatal(err)
		}
		ctx := domain.WithPrincipal(t.Context(), load.Principal)
		q := domain.RecordQuery{Category: domain.CategoryProfessional}
		want := w.all(t, ctx, q)
		var got []domain.QueryRecord
		err = w.q.ExportRecords(ctx, q, func(r domain.QueryRecord, n, total int) error {
			got = append(got, r)
			if n != len(got) || total != len(want) {
				t.Fatalf("row %d of %d, want %d of %d", n, total, len(got), len(want))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// More than two batches, in list order, with labels.
		if len(got) != len(want) || len(got) < 1100 {
			t.Fatalf("exported %d, listed %d", len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].CategoryLabel != "专业科目" {
				t.Fatalf("row %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		stop := errors.New("disk full")
		rows := 0
		err = w.q.ExportRecords(ctx, domain.RecordQuery{}, func(domain.QueryRecord, int, int) error {
			rows++
			if rows == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || rows != 10 {
			t.Fatalf("stopped after %d rows: %v", rows, err)
		}
		// The demo unit's export holds none of the generated unit's rows.
		n := 0
		if err := w.q.ExportRecords(w.unit, domain.RecordQuery{}, func(r domain.QueryRecord, _, _ int) error {
			n++
			return nil
		}); err != nil || n != count(t, db, `SELECT COUNT(*) FROM records WHERE unit_id = $1 AND status = 'effective'`, w.unitID) {
			t.Fatalf("demo export %d rows, %v", n, err)
		}
	})
}

func TestQueryPlansShowsApprovedPlansInFull(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		approved := count(t, db, `SELECT COUNT(*) FROM plans WHERE unit_id = $1 AND status = 'approved'`, w.unitID)
		if approved == 0 || approved == count(t, db, `SELECT COUNT(*) FROM plans WHERE unit_id = $1`, w.unitID) {
			t.Fatalf("the demo should have approved and other plans (%d approved)", approved)
		}
		page, err := w.q.QueryPlans(w.unit, domain.PlanQuery{})
		if err != nil || page.Total != approved {
			t.Fatalf("%+v %v, want %d", page, err, approved)
		}
		plan := page.Items[0]
		for _, p := range page.Items {
			if p.Status != domain.PlanApproved || p.UnitID != w.unitID {
				t.Fatalf("listed %+v", p)
			}
		}
		for name, q := range map[string]domain.PlanQuery{
			"year":   {Year: plan.Year},
			"course": {CourseID: plan.CourseID},
			"name":   {Name: string([]rune(plan.Name)[2:6])},
		} {
			got, err := w.q.QueryPlans(w.unit, q)
			if err != nil || got.Total == 0 {
				t.Fatalf("%s: %+v %v", name, got, err)
			}
		}
		if none, _ := w.q.QueryPlans(w.unit, domain.PlanQuery{Year: plan.Year + 5}); none.Total != 0 {
			t.Fatalf("year filter ignored: %d", none.Total)
		}
		var withFile int64
		if err := db.QueryRow(t.Context(), `SELECT p.id FROM plans p WHERE p.unit_id = $1 AND p.status = 'approved'
			AND EXISTS (SELECT 1 FROM attachments a WHERE a.owner_type = 'plan' AND a.owner_id = p.id)
			AND EXISTS (SELECT 1 FROM classes k WHERE k.plan_id = p.id)`, w.unitID).Scan(&withFile); err != nil {
			t.Fatal(err)
		}
		d, err := w.q.QueryPlan(w.unit, withFile)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Files) == 0 || len(d.ClassList) == 0 || len(d.ClassList[0].Subjects) == 0 ||
			len(d.ClassList[0].Lecturers) == 0 || d.ClassList[0].HeadName == "" {
			t.Fatalf("detail %+v", d)
		}
		var draft int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM plans WHERE unit_id = $1 AND status <> 'approved'`, w.unitID).Scan(&draft); err != nil {
			t.Fatal(err)
		}
		_, err = w.q.QueryPlan(w.unit, draft)
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.q.QueryPlan(w.other, withFile)
		wantCode(t, err, domain.CodeNotFound)
		if others, _ := w.q.QueryPlans(w.other, domain.PlanQuery{}); others.Total != 0 {
			t.Fatalf("another unit lists %d plans", others.Total)
		}
	})
}

// expectedStats recomputes a unit's year in Go, record by record, with the
// rule of domain.YearHours.
func expectedStats(t *testing.T, db *store.DB, unitIDs []int64, year int) (records int, hours domain.Hours, met int) {
	t.Helper()
	per := map[int64]*domain.YearHours{}
	for _, unitID := range unitIDs {
		n := count(t, db, `SELECT COUNT(*) FROM records WHERE unit_id = $1 AND status = 'effective' AND year = $2`, unitID, year)
		records += n
		for offset := 0; offset < n; offset += 500 {
			rows, err := store.EffectiveRecordsForTest(t.Context(), db, unitID, year, offset)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				y := per[r.PersonID]
				if y == nil {
					y = &domain.YearHours{Year: year, RequiredTotal: domain.HoursOf(90), RequiredPublic: domain.HoursOf(30), RequiredProfessional: domain.HoursOf(42)}
					per[r.PersonID] = y
				}
				y.Add(r.Category, r.Hours)
				hours += r.Hours
			}
		}
	}
	for _, y := range per {
		if y.Met() {
			met++
		}
	}
	return records, hours, met
}

func TestStatisticsOfAUnitAndOfAuthorities(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		year := clock(t, db).Now().Year()
		load, err := db.GenerateLoad(t.Context(), "统计测试单位", "91440104MA5TJ001X", "440104", 60, 900, year)
		if err != nil {
			t.Fatal(err)
		}
		ctx := domain.WithPrincipal(t.Context(), load.Principal)
		st, err := w.q.Statistics(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		records, hours, met := expectedStats(t, db, []int64{load.ID}, year)
		if st.Persons != 60 || st.Records != records || st.Hours != hours || st.Met != met || st.NotMet != 60-met || st.Units != 1 {
			t.Fatalf("stats %+v, want %d records %s hours %d met", st, records, hours, met)
		}
		if met == 0 || met == 60 {
			t.Fatalf("the load should have persons on both sides of the requirement (%d met)", met)
		}
		if st.RequiredTotal != domain.HoursOf(90) || st.ByRegion != nil {
			t.Fatalf("unit stats %+v", st)
		}
		sum := func(items []domain.StatItem) (h domain.Hours, n int) {
			for _, it := range items {
				h += it.Hours
				n += it.Records
			}
			return h, n
		}
		if h, n := sum(st.ByCategory); h != hours || n != records || len(st.ByCategory) != 3 || st.ByCategory[0].Label != "公需科目" {
			t.Fatalf("by category %+v", st.ByCategory)
		}
		if h, n := sum(st.ByMonth); h != hours || n != records || len(st.ByMonth) != 12 || st.ByMonth[11].Label != "12月" {
			t.Fatalf("by month %+v", st.ByMonth)
		}
		if prev, err := w.q.Statistics(ctx, year-1); err != nil || prev.Records == 0 || prev.Year != year-1 {
			t.Fatalf("previous year %+v %v", prev, err)
		}
		_, err = w.q.Statistics(ctx, 20)
		wantCode(t, err, domain.CodeInvalid)

		auth := noCaptcha(db)
		guangzhou := as(t, auth, login(t, auth, store.DemoAuthority, store.DemoPassword))
		gz, err := w.q.Statistics(guangzhou, year)
		if err != nil {
			t.Fatal(err)
		}
		records, hours, met = expectedStats(t, db, []int64{load.ID, w.unitID}, year)
		demoPersons := count(t, db, `SELECT COUNT(*) FROM persons WHERE unit_id = $1 AND status = 'confirmed'`, w.unitID)
		if gz.Units != 2 || gz.Persons != 60+demoPersons || gz.Records != records || gz.Hours != hours || gz.Met != met ||
			gz.RegionLevel != "区县" {
			t.Fatalf("guangzhou %+v, want %d records %s hours %d met", gz, records, hours, met)
		}
		byRegion := map[string]domain.StatItem{}
		for _, it := range gz.ByRegion {
			byRegion[it.Label] = it
		}
		if len(gz.ByRegion) != 11 || byRegion["越秀区"].Persons != 60 || byRegion["天河区"].Persons != demoPersons ||
			byRegion["越秀区"].Hours+byRegion["天河区"].Hours != hours || byRegion["荔湾区"].Records != 0 {
			t.Fatalf("by district %+v", gz.ByRegion)
		}
		province := as(t, auth, login(t, auth, store.DemoProvince, store.DemoPassword))
		gd, err := w.q.Statistics(province, year)
		if err != nil {
			t.Fatal(err)
		}
		cities := map[string]domain.StatItem{}
		for _, it := range gd.ByRegion {
			cities[it.Label] = it
		}
		// The Foshan unit counts in the province, under 佛山市.
		if gd.Units != 3 || gd.RegionLevel != "城市" || len(gd.ByRegion) != 21 || cities["广州市"].Hours != hours ||
			cities["广州市"].Persons != gz.Persons || cities["佛山市"].Persons != gd.Persons-gz.Persons {
			t.Fatalf("province %+v", gd)
		}
		if _, err := store.NewAdminService(db).CreateAccount(system(t), domain.NewAccount{
			Username: "sz-stats", Password: "Start2026a", Role: domain.RoleAuthority, RegionCode: "440300"}); err != nil {
			t.Fatal(err)
		}
		sz, err := w.q.Statistics(as(t, auth, login(t, auth, "sz-stats", "Start2026a")), year)
		if err != nil || sz.Units != 0 || sz.Persons != 0 || sz.Records != 0 {
			t.Fatalf("shenzhen %+v %v", sz, err)
		}
		person := as(t, auth, login(t, auth, store.DemoPerson, store.DemoPassword))
		_, err = w.q.Statistics(person, year)
		wantCode(t, err, domain.CodeForbidden)
	})
}

// The record query and the statistics read the records of a unit through
// indexes, never by scanning the table.
func TestQueriesUseIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.DialectSQLite {
			t.Skip("plans are checked on SQLite; the benchmark covers PostgreSQL's timing")
		}
		year := clock(t, db).Now().Year()
		load, err := db.GenerateLoad(t.Context(), "索引测试单位", "91440106MA5DX001X", "440106", 30, 300, year)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(t.Context(), `ANALYZE`); err != nil {
			t.Fatal(err)
		}
		check := func(what, query string, args []any) {
			plan, err := db.Explain(t.Context(), query, args...)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			t.Logf("%s:\n%s", what, plan)
			for _, step := range strings.Split(plan, "\n") {
				if strings.HasPrefix(step, "SCAN r") || strings.HasPrefix(step, "SCAN p") && !strings.Contains(step, "INDEX") {
					t.Errorf("%s scans a table:\n%s\n%s", what, plan, query)
				}
			}
		}
		for name, q := range map[string]domain.RecordQuery{
			"none": {}, "year": {Year: year}, "category": {Category: domain.CategoryPublic},
			"source": {Source: domain.SourceImport}, "name": {Name: "测试"}, "id": {IDNumber: "440106"},
			"year+category": {Year: year, Category: domain.CategoryProfessional},
		} {
			count, page, args, pageArgs := store.RecordQuerySQL(load.ID, q)
			check("count "+name, count, args)
			check("page "+name, page, pageArgs)
		}
		for query, args := range store.StatsSQL(load.ID, year) {
			check("stats", query, args)
		}
	})
}

// With a statistics cache, an authority's figures are reused until the
// TTL has passed, and say when they were computed; a unit's own summary is
// never reused.
func TestAuthorityStatisticsAreReusedWithinTheTTL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newQueryWorld(t, db)
		c := clock(t, db)
		year := c.Now().Year()
		auth := noCaptcha(db)
		guangzhou := as(t, auth, login(t, auth, store.DemoAuthority, store.DemoPassword))
		before, err := w.q.Statistics(guangzhou, year)
		if err != nil {
			t.Fatal(err)
		}
		if !before.ComputedAt.Equal(c.Now()) {
			t.Fatalf("computed at %v, want %v", before.ComputedAt, c.Now())
		}
		load, err := db.GenerateLoad(t.Context(), "缓存测试单位", "91440104MA5TJ002X", "440104", 20, 300, year)
		if err != nil {
			t.Fatal(err)
		}
		own, err := w.q.Statistics(domain.WithPrincipal(t.Context(), load.Principal), year)
		if err != nil || own.Persons != 20 {
			t.Fatalf("the new unit's own summary %+v, %v: want its 20 persons at once", own, err)
		}
		c.Advance(29 * time.Second)
		cached, err := w.q.Statistics(guangzhou, year)
		if err != nil || cached.Persons != before.Persons || !cached.ComputedAt.Equal(before.ComputedAt) {
			t.Fatalf("within the TTL: %d persons computed at %v, want the first figures (%d, %v); %v",
				cached.Persons, cached.ComputedAt, before.Persons, before.ComputedAt, err)
		}
		c.Advance(2 * time.Second)
		after, err := w.q.Statistics(guangzhou, year)
		if err != nil || after.Persons != before.Persons+20 || !after.ComputedAt.Equal(c.Now()) {
			t.Fatalf("past the TTL: %d persons computed at %v, want %d at %v; %v",
				after.Persons, after.ComputedAt, before.Persons+20, c.Now(), err)
		}
	}, func(o *store.Options) { o.StatsCacheTTL = 30 * time.Second })
}
