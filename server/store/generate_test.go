package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// tinyProvince has 12 persons a unit (trainee groups of three) and five
// records a person, as the full-size province, plus a big unit of 30 with
// six records each.
var tinyProvince = store.GenerateOptions{Seed: 7, Units: 25, Persons: 300, Records: 1500, BigUnit: 30}

// genUnits selects the generated units' ids.
const genUnits = `SELECT unit_id FROM users WHERE username_key LIKE 'gen-unit-%' OR username_key = 'gen-big-unit'`

// schemaOf spells out the indexes and constraints of db's schema, as the
// database reports them.
func schemaOf(t *testing.T, db *store.DB) string {
	t.Helper()
	queries := []string{`SELECT group_concat(name || ':' || COALESCE(sql, ''), ';')
		FROM (SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name)`}
	if db.Dialect() == store.DialectPostgres {
		queries = []string{
			`SELECT string_agg(indexname || ':' || indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT string_agg(conname || ':' || pg_get_constraintdef(oid), ';' ORDER BY conname) FROM pg_constraint
				WHERE connamespace = current_schema()::regnamespace`,
		}
	}
	var out []string
	for _, q := range queries {
		var s string
		if err := db.QueryRow(t.Context(), q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// Generate fills every city with approved units that can log in, persons
// with valid ID numbers, plans and classes in every state, records of
// three years in every state and certificates, consistent as the modules
// themselves would have left them; the schema comes out as it went in.
func TestGenerateTinyProvince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		seeded(t, db)
		schema := schemaOf(t, db)
		var steps int
		opts := tinyProvince
		opts.Progress = func(string, int, int) { steps++ }
		res, err := db.Generate(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Units != 26 || res.Persons != 330 || res.Records != 1680 || res.Teachers != 78 || res.Plans != 104 ||
			res.Classes != 182 || res.Enrollments != 25*12+4*7 || steps == 0 || len(res.Phases) == 0 {
			t.Fatalf("%+v after %d progress steps", res, steps)
		}
		if got := schemaOf(t, db); got != schema {
			t.Errorf("schema after generate differs:\n%s\nwas\n%s", got, schema)
		}
		// No effective record ends after today: a closed class credits
		// its end date, and only a class that has ended is closed.
		today := storetest.ClockOf(db).Now().In(domain.ChinaTime).Format(domain.DateLayout)
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE status = 'effective' AND end_date > $1`, today); n != 0 {
			t.Errorf("%d effective records end after today", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM classes WHERE status = 'closed' AND end_date > $1`, today); n != 0 {
			t.Errorf("%d closed classes end after today", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records r JOIN classes k ON k.id = r.class_id WHERE r.end_date <> k.end_date`); n != 0 {
			t.Errorf("%d class records not dated the class's end", n)
		}
		// 26 units: one in each city's first county, then five in second
		// counties (the big unit is in 广州市 itself).
		if n := count(t, db, `SELECT COUNT(DISTINCT SUBSTR(region_code, 1, 4)) FROM units WHERE id IN (`+genUnits+`)`); n != 21 {
			t.Errorf("units in %d cities, want 21", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units u JOIN regions r ON r.code = u.region_code
			WHERE r.level = 3 AND u.id IN (`+genUnits+`)`); n != 23 {
			t.Errorf("%d units in counties, want 23 (all but 东莞's, 中山's and the big one)", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units WHERE status = 'approved' AND authority_id IS NOT NULL AND id IN (`+genUnits+`)`); n != 26 {
			t.Errorf("%d approved units under an authority, want 26", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM persons WHERE status = 'confirmed' AND unit_id IN (`+genUnits+`)`); n != 330 {
			t.Errorf("%d confirmed persons, want 330", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM persons p JOIN users u ON u.unit_id = p.unit_id
			WHERE u.username_key = 'gen-big-unit'`); n != 30 {
			t.Errorf("big unit has %d persons, want 30", n)
		}
		if n := count(t, db, `SELECT COUNT(DISTINCT year) FROM records WHERE unit_id IN (`+genUnits+`)`); n != 3 {
			t.Errorf("records over %d years, want 3", n)
		}
		total := 0
		for _, s := range []domain.RecordStatus{domain.RecordDraft, domain.RecordSubmitted, domain.RecordEffective,
			domain.RecordRejected, domain.RecordReturned} {
			n := count(t, db, `SELECT COUNT(*) FROM records WHERE status = $1 AND unit_id IN (`+genUnits+`)`, string(s))
			if n == 0 || n != res.RecordsByStatus[s] {
				t.Errorf("%d records %s, reported %d", n, s, res.RecordsByStatus[s])
			}
			total += n
		}
		if total != 1680 {
			t.Errorf("%d records, want 1680", total)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE (status = 'effective') <> (effective_at IS NOT NULL)`); n != 0 {
			t.Errorf("%d records whose effective_at disagrees with their state", n)
		}
		today = storetest.ClockOf(db).Now().In(certChina).Format(domain.DateLayout)
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE unit_id IN (`+genUnits+`)
			AND (start_date > end_date OR CAST(SUBSTR(start_date, 1, 4) AS INTEGER) <> year
				OR CAST(SUBSTR(end_date, 1, 4) AS INTEGER) <> year OR (source <> 'class' AND start_date > $1))`, today); n != 0 {
			t.Errorf("%d records outside their year or starting after today", n)
		}

		for _, s := range []domain.PlanStatus{domain.PlanDraft, domain.PlanSubmitted, domain.PlanApproved,
			domain.PlanReturned, domain.PlanRejected} {
			n := count(t, db, `SELECT COUNT(*) FROM plans WHERE status = $1 AND unit_id IN (`+genUnits+`)`, string(s))
			if n == 0 || n != res.PlansByStatus[s] {
				t.Errorf("%d plans %s, reported %d", n, s, res.PlansByStatus[s])
			}
		}
		for _, s := range []domain.ClassStatus{domain.ClassPending, domain.ClassOpen, domain.ClassClosed, domain.ClassCancelled} {
			n := count(t, db, `SELECT COUNT(*) FROM classes WHERE status = $1 AND unit_id IN (`+genUnits+`)`, string(s))
			if n == 0 || n != res.ClassesByStatus[s] {
				t.Errorf("%d classes %s, reported %d", n, s, res.ClassesByStatus[s])
			}
		}
		for what, q := range map[string]string{
			"classes of unapproved plans not pending": `SELECT COUNT(*) FROM classes k JOIN plans p ON p.id = k.plan_id
				WHERE p.status <> 'approved' AND k.status <> 'pending'`,
			"trainees of classes neither open nor closed": `SELECT COUNT(*) FROM enrollments e JOIN classes k ON k.id = e.class_id
				WHERE k.status NOT IN ('open', 'closed')`,
			"trainees of a closed class without a result": `SELECT COUNT(*) FROM enrollments e JOIN classes k ON k.id = e.class_id
				WHERE k.status = 'closed' AND e.result IS NULL`,
			"trainees of another unit": `SELECT COUNT(*) FROM enrollments e JOIN classes k ON k.id = e.class_id
				JOIN persons p ON p.id = e.person_id WHERE p.unit_id <> k.unit_id`,
			"results disagreeing with scores": `SELECT COUNT(*) FROM enrollments
				WHERE result IS NOT NULL AND (result = 'pass') <> (score >= 60)`,
			"passing trainees of a closed class not credited": `SELECT COUNT(*) FROM enrollments e JOIN classes k ON k.id = e.class_id
				WHERE k.status = 'closed' AND e.result = 'pass' AND NOT EXISTS (SELECT 1 FROM records r
					WHERE r.class_id = k.id AND r.person_id = e.person_id AND r.status = 'effective' AND r.source = 'class'
					AND r.title = k.name AND r.half_hours = k.half_hours AND r.start_date = k.start_date
					AND r.end_date = k.end_date AND r.category = 'professional')`,
			"class credits without a pass": `SELECT COUNT(*) FROM records r WHERE r.class_id IS NOT NULL AND NOT EXISTS
				(SELECT 1 FROM enrollments e JOIN classes k ON k.id = e.class_id
					WHERE e.class_id = r.class_id AND e.person_id = r.person_id AND e.result = 'pass' AND k.status = 'closed')`,
			"trainees without attendance": `SELECT COUNT(*) FROM enrollments e WHERE e.class_id IN (SELECT id FROM classes WHERE unit_id IN (` + genUnits + `))
				AND NOT EXISTS (SELECT 1 FROM attendance_marks m WHERE m.enrollment_id = e.id)`,
		} {
			if n := count(t, db, q); n != 0 {
				t.Errorf("%d %s", n, what)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE source = 'class' AND unit_id IN (`+genUnits+`)`); n == 0 {
			t.Error("no class credited its trainees")
		}

		// Every plan of a generated unit is complete as 送审 requires.
		auth := noCaptcha(db)
		unit := as(t, auth, login(t, auth, store.GeneratedUnitPrefix+"00025", store.DemoPassword))
		if p, _ := domain.PrincipalFrom(unit); p.User.Role != domain.RoleUnit || !p.User.UnitActive() {
			t.Fatalf("generated unit logs in as %+v", p.User)
		}
		plans := store.NewPlanService(db)
		page, err := plans.ListPlans(unit, domain.PlanFilter{})
		if err != nil || page.Total != 4 {
			t.Fatalf("plans of a generated unit: %+v, %v", page, err)
		}
		for _, pl := range page.Items {
			d, err := plans.GetPlan(unit, pl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if problems := d.SubmitProblems(); len(problems) > 0 || d.CourseName == "" {
				t.Errorf("plan %s (course %q): %v", pl.Name, d.CourseName, problems)
			}
		}

		// Certificates: the hours they copy are each person's effective
		// hours of the year and meet its requirement; numbers carry the
		// year and the unit's region; counters stand at or past them.
		if res.Certificates[domain.CertificateValid] == 0 || res.Certificates[domain.CertificateVoided] == 0 {
			t.Fatalf("certificates %v, want valid and voided ones", res.Certificates)
		}
		sum := func(category string) string {
			return `(SELECT COALESCE(SUM(r.half_hours), 0) FROM records r WHERE r.person_id = c.person_id
				AND r.year = c.year AND r.status = 'effective' AND r.category = '` + category + `')`
		}
		for what, q := range map[string]string{
			"certificates whose hours differ from a recount": `SELECT COUNT(*) FROM certificates c WHERE c.unit_id IN (` + genUnits + `)
				AND (c.public_half_hours <> ` + sum("public") + ` OR c.professional_half_hours <> ` + sum("professional") +
				` OR c.elective_half_hours <> ` + sum("elective") + `)`,
			"certificates numbered off their year or region": `SELECT COUNT(*) FROM certificates c JOIN units u ON u.id = c.unit_id
				WHERE c.number <> 'GD' || CAST(c.year AS TEXT) || u.region_code || SUBSTR(c.number, 13, 6) OR LENGTH(c.number) <> 18`,
			"certificates past their counter": `SELECT COUNT(*) FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM certificate_counters k
				WHERE k.year = c.year AND k.region_code = SUBSTR(c.number, 7, 6) AND k.last_seq >= CAST(SUBSTR(c.number, 13, 6) AS INTEGER))`,
			"voided certificates not replaced by a valid one": `SELECT COUNT(*) FROM certificates v LEFT JOIN certificates n ON n.id = v.replaced_by
				WHERE v.status = 'voided' AND v.unit_id IN (` + genUnits + `)
				AND (n.id IS NULL OR n.person_id <> v.person_id OR n.year <> v.year OR n.status <> 'valid' OR n.id < v.id)`,
			"certificates of this year": `SELECT COUNT(*) FROM certificates WHERE year = ` + fmt.Sprint(storetest.ClockOf(db).Now().In(certChina).Year()),
		} {
			if n := count(t, db, q); n != 0 {
				t.Errorf("%d %s", n, what)
			}
		}
		lastYear := storetest.ClockOf(db).Now().In(certChina).Year() - 1
		first := count(t, db, `SELECT MIN(id) FROM certificates WHERE unit_id IN (`+genUnits+`)`)
		for id := first; id < first+40; id++ {
			var person int64
			var year int
			var number, code, status string
			if err := db.QueryRow(ctx, `SELECT person_id, year, number, verification_code, status FROM certificates WHERE id = $1`,
				id).Scan(&person, &year, &number, &code, &status); err != nil {
				t.Fatal(err)
			}
			if h, err := db.HoursByCategory(ctx, person, year); err != nil || !h.Met() {
				t.Fatalf("certificate %s of person %d: hours %+v, %v", number, person, h, err)
			}
			certs := store.NewCertificateService(db, &fakeRenderer{})
			v, err := certs.Verify(ctx, domain.VerifyRequest{Number: number, Code: code})
			if err != nil || string(v.Status) != status {
				t.Fatalf("verify %s: %+v, %v", number, v, err)
			}
		}

		// The big unit: a recount of all its persons agrees with every
		// certificate, and printing for a person who met the requirement
		// without one draws a number past every generated one.
		big := as(t, auth, login(t, auth, store.GeneratedBigUnit, store.DemoPassword))
		certs := store.NewCertificateService(db, &fakeRenderer{})
		rc, err := certs.Recount(big, domain.RecountRequest{Year: lastYear})
		if err != nil || rc.Total != 30 || !rc.Done || rc.Met == 0 || rc.Mismatched != 0 {
			t.Fatalf("recount of the big unit: %+v, %v", rc, err)
		}
		list, err := certs.ListCertificates(big, domain.CertificateQuery{Year: lastYear, State: domain.StateUnissued})
		if err != nil {
			t.Fatal(err)
		}
		if list.Rows.Total == 0 {
			t.Fatalf("no big-unit person met %d's requirement without a certificate", lastYear)
		}
		printed, err := certs.Print(big, domain.PrintRequest{PersonID: list.Rows.Items[0].PersonID, Year: lastYear})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM certificates WHERE year = $1 AND SUBSTR(number, 7, 6) = $2 AND number >= $3`,
			lastYear, printed.Number[6:12], printed.Number); n != 1 {
			t.Errorf("printed %s, yet %d numbers of its year and region are at or past it", printed.Number, n)
		}

		firstPerson := count(t, db, `SELECT MIN(id) FROM persons WHERE unit_id IN (`+genUnits+`)`)
		for id := firstPerson; id < firstPerson+330; id++ {
			var number, gender string
			if err := db.QueryRow(ctx, `SELECT id_number, gender FROM persons WHERE id = $1`, id).Scan(&number, &gender); err != nil {
				t.Fatal(err)
			}
			info, msg := domain.ParseIDNumber(number, time.Now())
			if msg != "" || info.Gender != gender {
				t.Fatalf("person %d: %s %s: %q (%s)", id, number, gender, msg, info.Gender)
			}
		}
		firstUnit := count(t, db, `SELECT MIN(id) FROM units WHERE id IN (`+genUnits+`)`)
		for id := firstUnit; id < firstUnit+26; id++ {
			var uscc string
			if err := db.QueryRow(ctx, `SELECT uscc FROM units WHERE id = $1`, id).Scan(&uscc); err != nil {
				t.Fatal(err)
			}
			if msg := domain.CheckUSCC(uscc); msg != "" {
				t.Fatalf("unit %d: %s: %s", id, uscc, msg)
			}
		}

		// The identity sequences moved past the explicit ids.
		if err := db.Exec(ctx, `INSERT INTO units (name, uscc, created_at, updated_at) VALUES ('后来的单位', 'X', 0, 0)`); err != nil {
			t.Fatalf("insert after generate: %v", err)
		}
		if _, err := db.Generate(ctx, tinyProvince); err == nil {
			t.Fatal("a second generate into the same database was allowed")
		}
	})
}

// An interrupted generate still puts back every index and constraint it
// set aside for the load.
func TestGenerateInterruptedKeepsSchema(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		schema := schemaOf(t, db)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		opts := tinyProvince
		opts.Progress = func(table string, done, _ int) {
			if table == "records" {
				cancel()
			}
		}
		if _, err := db.Generate(ctx, opts); err == nil {
			t.Fatal("generate went on after its context ended")
		}
		if got := schemaOf(t, db); got != schema {
			t.Errorf("schema after an interrupted generate differs:\n%s\nwas\n%s", got, schema)
		}
	})
}

// The same seed and sizes give the same rows.
func TestGenerateIsDeterministic(t *testing.T) {
	digest := func() string {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "gen.db"),
			store.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Generate(ctx, tinyProvince); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		sample := func(table, query string, step int, n int) {
			var first int
			if err := db.QueryRow(ctx, `SELECT MIN(id) FROM `+table+` WHERE unit_id IN (`+genUnits+`)`).Scan(&first); err != nil {
				t.Fatal(err)
			}
			for id := first; id < first+n; id += step {
				var a, b, c, d, e, f string
				if err := db.QueryRow(ctx, query, id).Scan(&a, &b, &c, &d, &e, &f); err != nil {
					t.Fatalf("%s %d: %v", table, id, err)
				}
				fmt.Fprintln(h, table, a, b, c, d, e, f)
			}
		}
		sample("records", `SELECT p.id_number, p.name, r.title, r.status, r.start_date, CAST(r.half_hours AS TEXT)
			FROM records r JOIN persons p ON p.id = r.person_id WHERE r.id = $1`, 7, 1680)
		sample("plans", `SELECT name, status, year, COALESCE(course_id, 0), created_at, updated_at FROM plans WHERE id = $1`, 1, 104)
		sample("classes", `SELECT name, status, start_date, end_date, half_hours, updated_at FROM classes WHERE id = $1`, 1, 182)
		sample("certificates", `SELECT number, verification_code, status, public_half_hours + 1000 * professional_half_hours,
			elective_half_hours, issued_at FROM certificates WHERE id = $1`, 1, 100)
		var enrollments, counters string
		if err := db.QueryRow(ctx, `SELECT group_concat(t, ',') FROM (SELECT e.person_id || ':' || COALESCE(e.score, -1) || ':' ||
			COALESCE(m.mark, '') AS t FROM enrollments e LEFT JOIN attendance_marks m ON m.enrollment_id = e.id ORDER BY e.id)`).Scan(&enrollments); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT group_concat(t, ',') FROM (SELECT year || region_code || ':' || last_seq AS t
			FROM certificate_counters ORDER BY year, region_code)`).Scan(&counters); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(h, enrollments, counters)
		return fmt.Sprintf("%x", h.Sum(nil))
	}
	if a, b := digest(), digest(); a != b {
		t.Fatalf("two runs with one seed differ: %s and %s", a, b)
	}
}
