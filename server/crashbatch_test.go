package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/xlsximport"
)

// as signs username in on the store itself, for preparing data before
// any server runs (the store is opened without captcha).
func as(t *testing.T, db *store.DB, username string) context.Context {
	t.Helper()
	auth := store.NewAuthService(db, store.AuthConfig{})
	cap, err := auth.NewCaptcha(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.Login(t.Context(), domain.LoginRequest{Username: username, Password: store.DemoPassword, CaptchaID: cap.ID, CaptchaCode: "x"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := auth.Authenticate(t.Context(), s.Token)
	if err != nil {
		t.Fatal(err)
	}
	return domain.WithPrincipal(t.Context(), p)
}

// addPersons adds n confirmed persons to demo-unit (新增), with ID numbers
// no demo person has.
func addPersons(t *testing.T, db *store.DB, n int) []domain.Person {
	t.Helper()
	ctx := as(t, db, store.DemoUnit)
	persons := store.NewPersonService(db)
	surnames, given := []rune("王李张刘陈杨黄赵吴周"), []rune("伟芳娜敏静丽强磊军洋涛明超秀霞平刚桂英华")
	born := time.Date(1981, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]domain.Person, n)
	for i := range out {
		first17 := "440103" + born.AddDate(0, 0, i).Format("20060102") + "881"
		p, err := persons.AddPerson(ctx, domain.PersonInput{IDNumber: first17 + string(domain.IDCheckChar(first17)),
			Name: string(surnames[i%len(surnames)]) + string(given[i/len(surnames)%len(given)])})
		if err != nil {
			t.Fatalf("add person %d: %v", i+1, err)
		}
		out[i] = p
	}
	return out
}

// ids reads one column of int64s.
func ids(t *testing.T, db *sql.DB, query string, args ...any) []int64 {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// inList is "id1,id2,…" for an IN clause; the ids are the test's own.
func inList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A server killed with SIGKILL half-way through a batch review of the
// most records one batch takes (domain.MaxBatch), inside its single
// transaction, holds after a restart none of the approvals and none of
// their audit entries; the same batch sent again approves every record,
// with one audit entry each.
func TestKillDuringBatchReview(t *testing.T) {
	const title = "崩溃测试专题培训"
	// demo-institution declares and submits the batch for 50 new persons
	// of demo-unit, ten records each.
	prepare := func(t *testing.T, db *store.DB) {
		people := addPersons(t, db, 50)
		ctx := as(t, db, store.DemoInstitution)
		records := store.NewRecordService(db)
		for i := range domain.MaxBatch {
			p := people[i%len(people)]
			day := time.Now().AddDate(0, 0, -10-i/len(people)).Format(domain.DateLayout)
			r, err := records.CreateRecord(ctx, domain.RecordInput{IDNumber: p.IDNumber, Name: p.Name,
				Category: domain.CategoryProfessional, Form: "training", Title: fmt.Sprintf("%s（第%d期）", title, i+1),
				Organizer: "广东省继续教育学院", StartDate: day, EndDate: day, Hours: domain.HoursOf(4)})
			if err != nil {
				t.Fatalf("record %d: %v", i+1, err)
			}
			if _, err := records.SubmitRecord(ctx, r.ID, r.Version); err != nil {
				t.Fatalf("submit record %d: %v", i+1, err)
			}
		}
	}
	crashEngines(t, prepare, func(t *testing.T, d crashDB) {
		batch := ids(t, d.sql, `SELECT id FROM records WHERE source = 'institution' AND status = 'submitted'
			AND title LIKE $1 ORDER BY id`, title+"%")
		if len(batch) != domain.MaxBatch {
			t.Fatalf("%d submitted records prepared, want %d", len(batch), domain.MaxBatch)
		}
		in := inList(batch)
		versions := count(t, d.sql, `SELECT COALESCE(SUM(version), 0) FROM records WHERE id IN (`+in+`)`)
		auditOf := `SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'record' AND entity_id IN (` + in + `)`
		audited := count(t, d.sql, auditOf)

		half := domain.MaxBatch / 2
		child, url := startChild(t, d, "record-approval:"+strconv.Itoa(half))
		c := login(t, url, store.DemoUnit)
		done := make(chan error, 1)
		go func() {
			_, code, err := send(url, "POST", "/records/approvals", c.Token(), domain.RecordBatchApproval{IDs: batch, Comment: "批量同意"}, nil)
			if err == nil && code != "" {
				err = fmt.Errorf("answered %s", code)
			}
			done <- err
		}()
		killAtCrashPoint(t, d, child, done)

		_, url = startChild(t, d, "")
		if n := count(t, d.sql, `SELECT COUNT(*) FROM records WHERE status = 'submitted' AND id IN (`+in+`)`); n != len(batch) {
			t.Fatalf("%d of %d records still submitted after the kill: part of the batch survived", n, len(batch))
		}
		if v := count(t, d.sql, `SELECT COALESCE(SUM(version), 0) FROM records WHERE id IN (`+in+`)`); v != versions {
			t.Fatalf("record versions moved from %d to %d although no approval committed", versions, v)
		}
		if n := count(t, d.sql, auditOf); n != audited {
			t.Fatalf("%d audit entries of the batch's records survived the kill", n-audited)
		}

		sum, err := login(t, url, store.DemoUnit).ApproveRecords(t.Context(), domain.RecordBatchApproval{IDs: batch, Comment: "批量同意"})
		if err != nil {
			t.Fatalf("the batch again after the restart: %v", err)
		}
		if len(sum.Approved) != len(batch) || len(sum.Skipped) != 0 {
			t.Fatalf("the batch again: %d approved, %d skipped, want %d approved", len(sum.Approved), len(sum.Skipped), len(batch))
		}
		if n := count(t, d.sql, `SELECT COUNT(*) FROM records WHERE status = 'effective' AND id IN (`+in+`)`); n != len(batch) {
			t.Fatalf("%d of %d records effective after the batch", n, len(batch))
		}
		if n := count(t, d.sql, `SELECT COUNT(*) FROM (SELECT entity_id FROM audit_entries
			WHERE entity_type = 'record' AND to_state = 'effective' AND entity_id IN (`+in+`)
			GROUP BY entity_id HAVING COUNT(*) = 1) once`); n != len(batch) {
			t.Fatalf("%d of %d approved records have exactly one approval in the audit trail", n, len(batch))
		}
	})
}

// certificateHoursWorkbook is an import file that brings every person up
// to the default requirement of year exactly: 30 hours of public, 42 of
// professional and 18 of elective training, within 8 hours a day.
func certificateHoursWorkbook(t *testing.T, ref domain.Reference, persons []domain.Person, year int) []byte {
	t.Helper()
	var ch xlsximport.Choices
	label := map[string]string{}
	for _, it := range ref.Dictionaries[domain.DictCategory] {
		ch.Categories = append(ch.Categories, it.Label)
		label[it.Code] = it.Label
	}
	for _, it := range ref.Dictionaries[domain.DictForm] {
		ch.Forms = append(ch.Forms, it.Label)
	}
	parts := []struct {
		category string
		month    time.Month
		days     int
		hours    float64
	}{
		{domain.CategoryPublic, time.March, 4, 30},
		{domain.CategoryProfessional, time.May, 6, 42},
		{domain.CategoryElective, time.September, 3, 18},
	}
	var rows [][]any
	for _, p := range persons {
		for _, part := range parts {
			start := time.Date(year, part.month, 10, 0, 0, 0, 0, time.UTC)
			rows = append(rows, []any{p.IDNumber, p.Name, label[part.category], ch.Forms[0],
				fmt.Sprintf("%d年度%s专题培训", year, label[part.category]), "广东省继续教育学院",
				start.Format(domain.DateLayout), start.AddDate(0, 0, part.days-1).Format(domain.DateLayout), part.hours, ""})
		}
	}
	var file bytes.Buffer
	if err := xlsximport.Filled(&file, ch, rows); err != nil {
		t.Fatal(err)
	}
	return file.Bytes()
}

// seqs are the sequence numbers of the certificates of year and region,
// ascending: the last six digits of their numbers.
func seqs(t *testing.T, db *sql.DB, year int, region string) []int {
	t.Helper()
	prefix := fmt.Sprintf("%s%04d%s", domain.CertificateNumberPrefix, year, region)
	rows, err := db.QueryContext(t.Context(), `SELECT number FROM certificates WHERE number LIKE $1 ORDER BY number`, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var number string
		if err := rows.Scan(&number); err != nil {
			t.Fatal(err)
		}
		seq, err := strconv.Atoi(strings.TrimPrefix(number, prefix))
		if err != nil {
			t.Fatalf("certificate number %s: %v", number, err)
		}
		out = append(out, seq)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkNumbering fails unless the certificates of year and region hold
// the numbers 1…last_seq of their counter, each once: no number drawn by
// a killed transaction is lost, none is given twice.
func checkNumbering(t *testing.T, db *sql.DB, year int, region string) {
	t.Helper()
	last := count(t, db, `SELECT COALESCE(MAX(last_seq), 0) FROM certificate_counters WHERE year = $1 AND region_code = $2`, year, region)
	got := seqs(t, db, year, region)
	if len(got) != last {
		t.Fatalf("counter at %d, %d certificates: %v", last, len(got), got)
	}
	for i, s := range got {
		if s != i+1 {
			t.Fatalf("certificate sequence numbers %v are not 1…%d", got, last)
		}
	}
}

// A batch print is one transaction. A server killed with SIGKILL inside
// it, at the batch's 100th certificate, holds after a restart none of the
// batch's certificates, no audit entry of them and a number counter with
// no gap; the same batch sent again issues every certificate, numbered
// on from where the counter stood.
func TestKillDuringCertificateBatch(t *testing.T) {
	const persons, killAt = domain.MaxBatchPrint, 100
	year := time.Now().In(time.FixedZone("CST", 8*60*60)).Year() - 1
	// demo-unit gets the batch's persons, each with exactly the hours of
	// last year's requirement, imported.
	var batch []int64
	prepare := func(t *testing.T, db *store.DB) {
		people := addPersons(t, db, persons)
		batch = batch[:0]
		for _, p := range people {
			batch = append(batch, p.ID)
		}
		ref, err := store.NewReferenceService(db).Reference(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		file := certificateHoursWorkbook(t, ref, people, year)
		res, err := store.NewRecordImportService(db).ImportRecords(as(t, db, store.DemoUnit),
			domain.ImportUpload{Name: "hours.xlsx", Size: int64(len(file)), Body: bytes.NewReader(file)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 3*persons {
			t.Fatalf("imported %d records, want %d: %+v", res.Inserted, 3*persons, res.Report)
		}
	}
	crashEngines(t, prepare, func(t *testing.T, d crashDB) {
		var region string
		if err := d.sql.QueryRowContext(t.Context(), `SELECT n.region_code FROM units n JOIN users u ON u.unit_id = n.id
			WHERE u.username_key = $1`, store.DemoUnit).Scan(&region); err != nil {
			t.Fatal(err)
		}
		in := inList(batch)
		certsOf := `SELECT COUNT(*) FROM certificates WHERE year = $1 AND person_id IN (` + in + `)`
		// Audit entries of certificates, kept or not: a killed issue must
		// leave none behind.
		certAudit := `SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'certificate'`
		audited := count(t, d.sql, certAudit)

		child, url := startChild(t, d, "certificate:"+strconv.Itoa(killAt))
		c := login(t, url, store.DemoUnit)
		if n := count(t, d.sql, certsOf, year); n != 0 {
			t.Fatalf("%d certificates before the batch", n)
		}
		done := make(chan error, 1)
		go func() {
			_, code, err := send(url, "POST", "/certificates/batch", c.Token(), domain.BatchPrintRequest{Year: year, PersonIDs: batch}, nil)
			if err == nil && code != "" {
				err = fmt.Errorf("answered %s", code)
			}
			done <- err
		}()
		killAtCrashPoint(t, d, child, done)

		_, url = startChild(t, d, "")
		if n := count(t, d.sql, certsOf, year); n != 0 {
			t.Fatalf("%d certificates after the kill, want none", n)
		}
		if n := count(t, d.sql, certAudit) - audited; n != 0 {
			t.Fatalf("%d new certificate audit entries after the kill, want none", n)
		}
		checkNumbering(t, d.sql, year, region)

		out, err := login(t, url, store.DemoUnit).PrintBatch(t.Context(), domain.BatchPrintRequest{Year: year, PersonIDs: batch})
		if err != nil {
			t.Fatalf("the batch again after the restart: %v", err)
		}
		if len(out.Issued) != persons || len(out.Refused) != 0 {
			t.Fatalf("the batch again: %d issued, %d refused, want %d issued", len(out.Issued), len(out.Refused), persons)
		}
		seen := map[string]bool{}
		for _, cert := range out.Issued {
			if seen[cert.Number] {
				t.Fatalf("number %s given twice", cert.Number)
			}
			seen[cert.Number] = true
		}
		if n := count(t, d.sql, certsOf, year); n != persons {
			t.Fatalf("%d certificates after the batch, want %d", n, persons)
		}
		if n := count(t, d.sql, certAudit) - audited; n != persons {
			t.Fatalf("%d certificate audit entries after the batch, want %d", n, persons)
		}
		checkNumbering(t, d.sql, year, region)
	})
}
