package store_test

import (
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// 数据入库 stores the rows the validation counted valid, whatever the file
// says now: it is not read again.
func TestImportValidatedStoresExactlyTheReport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		first := importFile(t,
			importRow(m[0], m[1], "校验课程一"),
			importRow(m[0], m[1], "校验课程二"),
			importRow(m[0], "别人", "姓名不符"),
		)
		rep, err := c.imports.ValidateImport(c.unit, upload(first))
		if err != nil {
			t.Fatal(err)
		}
		if rep.ID == "" || len(rep.SHA256) != 64 || rep.Valid != 2 || rep.Invalid != 1 ||
			!rep.ExpiresAt.Equal(storetest.ClockOf(db).Now().Add(domain.ImportValidationTTL)) {
			t.Fatalf("report %+v", rep)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE title LIKE '校验课程%'`); n != 0 {
			t.Fatalf("validation stored %d records", n)
		}
		before := c.records(t)
		var stages []domain.ImportStage
		res, err := c.imports.ImportValidated(c.unit, rep.ID, func(p domain.ImportProgress) { stages = append(stages, p.Stage) })
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 2 || res.Report.Valid != 2 || res.Report.ID != rep.ID || c.records(t)-before != 2 {
			t.Fatalf("inserted %d, stored %d, report %+v", res.Inserted, c.records(t)-before, res.Report)
		}
		if len(stages) == 0 || stages[0] != domain.StageValidate || stages[len(stages)-1] != domain.StageStore {
			t.Errorf("progress stages %v", stages)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE comment LIKE '批量申报入库（导入.xlsx 第%'`); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		// Once only; its error report stays until it expires.
		_, err = c.imports.ImportValidated(c.unit, rep.ID, nil)
		wantMessage(t, err, domain.CodeNotFound, "已入库")
		if data, err := c.imports.ValidationErrorReport(c.unit, rep.ID); err != nil || len(data) == 0 {
			t.Fatalf("error report after 入库: %d bytes, %v", len(data), err)
		}
	})
}

func TestImportValidationIsTheOperatorsLastAndExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		a, err := c.imports.ValidateImport(c.unit, upload(importFile(t, importRow(m[0], m[1], "第一个文件"))))
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.imports.ValidateImport(c.unit, upload(importFile(t, importRow(m[0], m[1], "第二个文件"), importRow(m[0], m[1], "第二个文件二"))))
		if err != nil {
			t.Fatal(err)
		}
		// A new upload replaces the last.
		_, err = c.imports.ImportValidated(c.unit, a.ID, nil)
		wantMessage(t, err, domain.CodeNotFound, "未找到该校验结果")
		// Another unit's operator cannot use it, nor tell it exists.
		_, err = c.imports.ImportValidated(c.otherUnit, b.ID, nil)
		wantMessage(t, err, domain.CodeNotFound, "未找到该校验结果")
		_, err = c.imports.ValidationErrorReport(c.otherUnit, b.ID)
		wantMessage(t, err, domain.CodeNotFound, "未找到该校验结果")
		_, err = c.imports.ImportValidated(c.unit, "", nil)
		wantCode(t, err, domain.CodeNotFound)
		// Only units.
		_, err = c.imports.ImportValidated(c.person, b.ID, nil)
		wantCode(t, err, domain.CodeForbidden)

		storetest.ClockOf(db).Advance(domain.ImportValidationTTL)
		before := c.records(t)
		_, err = c.imports.ImportValidated(c.unit, b.ID, nil)
		wantMessage(t, err, domain.CodeNotFound, "已过期")
		if c.records(t) != before {
			t.Fatal("an expired validation stored records")
		}
	})
}

// What the database can change between the check and 入库 is checked
// again; anything else is taken from the validation.
func TestImportValidatedRechecksWhatTheDatabaseCanChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		rep, err := c.imports.ValidateImport(c.unit, upload(importFile(t,
			importRow(m[0], m[1], "复核课程一"), importRow(m[0], m[1], "复核课程二"))))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(t.Context(), `UPDATE persons SET status = 'pending' WHERE id = $1`, c.recordWorld.member); err != nil {
			t.Fatal(err)
		}
		before := c.records(t)
		_, err = c.imports.ImportValidated(c.unit, rep.ID, nil)
		wantMessage(t, err, domain.CodeConflict, "第3行、第4行的人员已不是本单位已确认的专业技术人员")
		if c.records(t) != before {
			t.Fatal("records stored for a person no longer confirmed")
		}
		if err := db.Exec(t.Context(), `UPDATE persons SET status = 'confirmed' WHERE id = $1`, c.recordWorld.member); err != nil {
			t.Fatal(err)
		}

		// A record of the same key stored meanwhile: nothing is stored.
		rep, err = c.imports.ValidateImport(c.unit, upload(importFile(t,
			importRow(m[0], m[1], "复核课程一"), importRow(m[0], m[1], "复核课程二"))))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.imports.ImportRecords(c.unit, upload(importFile(t, importRow(m[0], m[1], "复核课程二")))); err != nil {
			t.Fatal(err)
		}
		before = c.records(t)
		_, err = c.imports.ImportValidated(c.unit, rep.ID, nil)
		wantCode(t, err, domain.CodeConflict)
		if c.records(t) != before {
			t.Fatal("a partial import was stored")
		}
	})
}

// The store never makes an effective record dated after today, whatever
// the validation said when the clock was elsewhere.
func TestImportNeverStoresARecordEndingAfterToday(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		row := importRow(m[0], m[1], "今天结束的课程")
		row[6], row[7] = day(1), day(0)
		rep, err := c.imports.ValidateImport(c.unit, upload(importFile(t, row)))
		if err != nil || rep.Valid != 1 {
			t.Fatalf("validate: %+v %v", rep, err)
		}
		clock := storetest.ClockOf(db)
		clock.Set(clock.Now().Add(-48 * time.Hour))
		_, err = c.imports.ImportValidated(c.unit, rep.ID, nil)
		wantMessage(t, err, domain.CodeConflict, "晚于今天")
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE status = 'effective' AND end_date > $1`,
			clock.Now().In(domain.ChinaTime).Format(domain.DateLayout)); n != 0 {
			t.Fatalf("%d effective records after today", n)
		}
	})
}

// Pending validations are bounded over all operators: the oldest go first.
func TestImportValidationsAreBounded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		c.imports.WithPendingLimits(store.PendingLimits{Count: 1, Bytes: 1 << 30})
		m := c.member
		mine, err := c.imports.ValidateImport(c.unit, upload(importFile(t, importRow(m[0], m[1], "有界课程"))))
		if err != nil {
			t.Fatal(err)
		}
		storetest.ClockOf(db).Advance(time.Second)
		if _, err := c.imports.ValidateImport(c.otherUnit, upload(importFile(t, importRow(m[0], m[1], "别的单位")))); err != nil {
			t.Fatal(err)
		}
		_, err = c.imports.ImportValidated(c.unit, mine.ID, nil)
		wantMessage(t, err, domain.CodeNotFound, "未找到该校验结果")
		if n := count(t, db, `SELECT COUNT(*) FROM import_validations`); n != 1 {
			t.Fatalf("%d validations kept, want 1", n)
		}
		c.imports.WithPendingLimits(store.PendingLimits{Count: 100, Bytes: 1})
		storetest.ClockOf(db).Advance(time.Second)
		if _, err := c.imports.ValidateImport(c.unit, upload(importFile(t, importRow(m[0], m[1], "有界课程")))); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM import_validations`); n != 1 {
			t.Fatalf("%d validations kept over the byte bound, want the newest only", n)
		}
	})
}

func wantMessage(t *testing.T, err error, code domain.Code, contains string) {
	t.Helper()
	wantCode(t, err, code)
	if err != nil && !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q lacks %q", err, contains)
	}
}
