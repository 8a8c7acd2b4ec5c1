package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/server/xlsximport"
)

var importChoices = xlsximport.Choices{
	Categories: []string{"公需科目", "专业科目", "选修科目"},
	Forms:      []string{"培训/研修/进修", "学术会议", "学术讲座", "网络学习", "实践活动", "其他"},
}

// importRow is a good row for person (ID number, name) with title.
func importRow(idNumber, name, title string) []any {
	return []any{idNumber, name, "专业科目", "培训/研修/进修", title, "广东省继续教育学院", day(4), day(3), 12, ""}
}

func importFile(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsximport.Filled(&buf, importChoices, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(data []byte) domain.ImportUpload {
	return domain.ImportUpload{Name: "导入.xlsx", Size: int64(len(data)), Body: bytes.NewReader(data)}
}

// importCase is the records world with the people an import names.
type importCase struct {
	*recordWorld
	imports *store.RecordImportService
	// ID numbers and names of demo-unit's persons.
	member, pending, unaffiliated, foreign [2]string
}

func newImportCase(t *testing.T, db *store.DB) *importCase {
	w := newRecordWorld(t, db)
	c := &importCase{recordWorld: w, imports: store.NewRecordImportService(db)}
	for _, p := range []struct {
		id  int64
		out *[2]string
	}{{w.member, &c.member}, {w.pending, &c.pending}, {w.unaffiliated, &c.unaffiliated}, {w.foreign, &c.foreign}} {
		if err := db.QueryRow(t.Context(), `SELECT id_number, name FROM persons WHERE id = $1`, p.id).Scan(&p.out[0], &p.out[1]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (c *importCase) records(t *testing.T) int {
	return count(t, c.db, `SELECT COUNT(*) FROM records`)
}

// problems renders a report's problems as "row column message" lines.
func problems(rep domain.ImportReport) []string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, fmt.Sprintf("%d %s %s", p.Row, p.Column, p.Message))
	}
	return out
}

func wantProblem(t *testing.T, rep domain.ImportReport, row int, column, contains string) {
	t.Helper()
	for _, p := range rep.Problems {
		if p.Row == row && p.Column == column && strings.Contains(p.Message, contains) {
			return
		}
	}
	t.Errorf("no problem at row %d %s ~ %q in:\n%s", row, column, contains, strings.Join(problems(rep), "\n"))
}

func TestImportValidatesEveryRowAndStoresNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		data := importFile(t,
			importRow(m[0], m[1], "良好的一行"),                                                             // row 3
			importRow(m[0], "李小红", "姓名不符"),                                                             // 4
			importRow(c.pending[0], c.pending[1], "待确认人员"),                                             // 5
			importRow(c.unaffiliated[0], c.unaffiliated[1], "未归属单位的人员"),                                // 6
			importRow(c.foreign[0], c.foreign[1], "外单位人员"),                                             // 7
			append(importRow(m[0], m[1], "类别无效")[:2], "公共科目", "其他", "类别无效", "", day(4), day(3), 8, ""), // 8
			append(importRow(m[0], m[1], "学时超限")[:8], 17, ""),                                          // 9: 2 days × 8
			importRow(m[0], m[1], "良好的一行"),                                                             // 10: repeats row 3
			importRow(" "+m[0]+" ", m[1]+"\u3000", "带空格的一行"),                                           // 11
		)
		before := c.records(t)
		rep, err := c.imports.ValidateImport(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, rep, 4, "姓名", "姓名与系统中该身份证号的人员（"+m[1]+"）不一致")
		wantProblem(t, rep, 5, "身份证号", "尚未确认为本单位人员")
		wantProblem(t, rep, 6, "身份证号", "不是本单位的专业技术人员")
		wantProblem(t, rep, 7, "身份证号", "不是本单位的专业技术人员")
		wantProblem(t, rep, 8, "科目类别", "科目类别无效，请从下拉列表选择（公需科目、专业科目、选修科目）")
		wantProblem(t, rep, 9, "学时", "每天最多8学时，2天最多16学时")
		wantProblem(t, rep, 10, "培训内容", "与第3行重复")
		if rep.Rows != 9 || rep.Valid != 2 || rep.Invalid != 7 || rep.Existing != 0 || rep.Sheet != xlsximport.DataSheet {
			t.Errorf("report %d rows: %d valid, %d invalid, %d existing, sheet %q\n%s",
				rep.Rows, rep.Valid, rep.Invalid, rep.Existing, rep.Sheet, strings.Join(problems(rep), "\n"))
		}
		if after := c.records(t); after != before {
			t.Errorf("validation stored %d records", after-before)
		}
		// The second upload of the file reuses the first one's reading,
		// not the problems the database found then: the pending person
		// confirmed meanwhile, row 5 is good now.
		if err := db.Exec(t.Context(), `UPDATE persons SET status = 'confirmed' WHERE id_number = $1`, c.pending[0]); err != nil {
			t.Fatal(err)
		}
		again, err := c.imports.ValidateImport(c.unit, upload(data))
		if err != nil || again.Valid != 3 || again.Invalid != 6 {
			t.Errorf("validated again: %v, %d valid, %d invalid\n%s", err, again.Valid, again.Invalid, strings.Join(problems(again), "\n"))
		}
	})
}

func TestImportStoresValidRowsOnceAndReimportAddsNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		data := importFile(t,
			importRow(m[0], m[1], "批量课程一"),
			importRow(m[0], m[1], "批量课程二"),
			importRow(m[0], "别人", "姓名不符"),
		)
		before := c.records(t)
		hoursBefore := c.hours(t, c.recordWorld.member)
		var stages []domain.ImportStage
		up := upload(data)
		up.Progress = func(p domain.ImportProgress) { stages = append(stages, p.Stage) }
		res, err := c.imports.ImportRecords(c.unit, up)
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 2 || res.Report.Valid != 2 || res.Report.Invalid != 1 {
			t.Fatalf("inserted %d, report %+v", res.Inserted, res.Report)
		}
		if got := c.records(t) - before; got != 2 {
			t.Fatalf("%d records stored, want 2", got)
		}
		if len(stages) == 0 || stages[len(stages)-1] != domain.StageStore {
			t.Errorf("progress stages %v", stages)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE title LIKE '批量课程%' AND source = 'import'
			AND status = 'effective' AND effective_at IS NOT NULL AND half_hours = 24 AND year = $1 AND person_id = $2`,
			recordToday.Year(), c.recordWorld.member); n != 2 {
			t.Errorf("%d imported records as expected, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_entries e JOIN records r ON e.entity_type = 'record' AND e.entity_id = r.id
			WHERE r.title LIKE '批量课程%' AND e.to_state = 'effective' AND e.comment LIKE '批量申报入库（导入.xlsx 第%'`); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if got := c.hours(t, c.recordWorld.member).Total - hoursBefore.Total; got != domain.HoursOf(24) {
			t.Errorf("hours grew by %s, want 24", got)
		}

		again, err := c.imports.ImportRecords(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		if again.Inserted != 0 || again.Report.Existing != 2 || again.Report.Valid != 0 || again.Report.Invalid != 1 {
			t.Fatalf("re-import inserted %d, report %+v", again.Inserted, again.Report)
		}
		if got := c.records(t) - before; got != 2 {
			t.Fatalf("re-import left %d records, want 2", got)
		}
		rep, err := c.imports.ValidateImport(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Existing != 2 || !rep.Problems[0].Existing || rep.Problems[0].Message != "已有相同记录（同一人员、培训内容和开始日期），入库时跳过" {
			t.Errorf("validation of a stored file: %+v", rep)
		}
		// Each audit entry names its record's row in the file.
		for title, row := range map[string]int{"批量课程一": 3, "批量课程二": 4} {
			if n := count(t, db, `SELECT COUNT(*) FROM audit_entries e JOIN records r ON e.entity_type = 'record' AND e.entity_id = r.id
				WHERE r.title = $1 AND e.comment = $2`, title, fmt.Sprintf("批量申报入库（导入.xlsx 第%d行）", row)); n != 1 {
				t.Errorf("%s: %d audit entries naming row %d, want 1", title, n, row)
			}
		}
		// A rejected record no longer holds its key: the row is stored again.
		if err := db.Exec(t.Context(), `UPDATE records SET status = 'rejected' WHERE title = '批量课程一'`); err != nil {
			t.Fatal(err)
		}
		third, err := c.imports.ImportRecords(c.unit, upload(data))
		if err != nil || third.Inserted != 1 || third.Report.Existing != 1 {
			t.Fatalf("import after a rejection: inserted %d, existing %d, %v", third.Inserted, third.Report.Existing, err)
		}
	})
}

func TestImportConcurrentImportsOfOneFileStoreItOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		rows := make([][]any, 50)
		for i := range rows {
			rows[i] = importRow(c.member[0], c.member[1], fmt.Sprintf("并发课程%d", i))
		}
		data := importFile(t, rows...)
		before := c.records(t)
		var wg sync.WaitGroup
		results := make([]domain.ImportResult, 3)
		errs := make([]error, 3)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = c.imports.ImportRecords(c.unit, upload(data))
			}()
		}
		wg.Wait()
		inserted := 0
		for i, err := range errs {
			if err != nil {
				t.Fatalf("import %d: %v", i, err)
			}
			inserted += results[i].Inserted
		}
		if inserted != 50 || c.records(t)-before != 50 {
			t.Fatalf("inserted %d, stored %d, want 50 once", inserted, c.records(t)-before)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		rows := make([][]any, 600)
		for i := range rows {
			rows[i] = importRow(c.member[0], c.member[1], fmt.Sprintf("中断课程%d", i))
		}
		before := c.records(t)
		ctx, cancel := context.WithCancel(c.unit)
		defer cancel()
		up := upload(importFile(t, rows...))
		// The link drops once 250 records are written.
		up.Progress = func(p domain.ImportProgress) {
			if p.Stage == domain.StageStore && p.Done >= 250 {
				cancel()
			}
		}
		if _, err := c.imports.ImportRecords(ctx, up); err == nil {
			t.Fatal("import survived its cancelled context")
		}
		if got := c.records(t); got != before {
			t.Fatalf("%d records stored by a failed import", got-before)
		}
	})
}

func TestImportUsesTheYearsDailyCap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		if err := db.Exec(t.Context(), `UPDATE requirements SET daily_cap_half_hours = 8 WHERE year = $1`, recordToday.Year()); err != nil {
			t.Fatal(err)
		}
		m := c.member
		rep, err := c.imports.ValidateImport(c.unit, upload(importFile(t,
			append(importRow(m[0], m[1], "每天四学时")[:8], 8, ""),
			append(importRow(m[0], m[1], "超出四学时")[:8], 8.5, ""),
			// A year without a requirement row takes the default cap of 8.
			append(importRow(m[0], m[1], "很久以前")[:6], "2010-03-01", "2010-03-01", 8, ""),
		)))
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, rep, 4, "学时", "每天最多4学时，2天最多8学时")
		if rep.Valid != 2 || rep.Invalid != 1 {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestImportErrorReport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		m := c.member
		data := importFile(t,
			importRow(m[0], m[1], "良好的一行"),
			importRow(c.foreign[0], c.foreign[1], "外单位人员"),
			append(importRow(m[0], m[1], "学时格式")[:8], "2.3", ""),
		)
		out, err := c.imports.ImportErrorReport(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(xlsximport.DataSheet)
		if len(rows) != 3 {
			t.Fatalf("want header and 2 rows, got %v", rows)
		}
		last := len(rows[0]) - 1
		if rows[0][last] != "错误说明" || rows[1][0] != c.foreign[0] || !strings.Contains(rows[1][last], "不是本单位") ||
			!strings.Contains(rows[2][last], "学时：学时应为0.5的倍数") {
			t.Errorf("report rows %v", rows)
		}
		_, err = c.imports.ImportErrorReport(c.unit, upload(importFile(t, importRow(m[0], m[1], "都对"))))
		wantCode(t, err, domain.CodeInvalid)
	})
}

func TestImportCallers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		data := importFile(t, importRow(c.member[0], c.member[1], "谁能导入"))
		newUnit := c.ctx(t, store.DemoNewUnit, store.DemoPassword)
		for _, cc := range []struct {
			name string
			ctx  context.Context
			code domain.Code
		}{
			{"a person", c.person, domain.CodeForbidden},
			{"an authority", c.authority, domain.CodeForbidden},
			{"an institution", c.institution, domain.CodeForbidden},
			{"a unit not yet approved", newUnit, domain.CodeModuleLocked},
		} {
			t.Run(cc.name, func(t *testing.T) {
				_, err := c.imports.ValidateImport(cc.ctx, upload(data))
				wantCode(t, err, cc.code)
				_, err = c.imports.ImportRecords(cc.ctx, upload(data))
				wantCode(t, err, cc.code)
				_, err = c.imports.ImportTemplate(cc.ctx)
				wantCode(t, err, cc.code)
			})
		}
		// Another unit may not import demo-unit's people, and learns
		// nothing about them.
		res, err := c.imports.ImportRecords(c.otherUnit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 0 || res.Report.Invalid != 1 || res.Report.Problems[0].Message != "该身份证号不是本单位的专业技术人员，请先在“专业技术人员信息维护”中添加" {
			t.Errorf("another unit's import: %+v", res)
		}
	})
}

func TestImportTemplateCarriesTheDictionaries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		if err := db.Exec(t.Context(), `UPDATE dict_items SET label = '公需课' WHERE kind = 'category' AND code = 'public'`); err != nil {
			t.Fatal(err)
		}
		data, err := c.imports.ImportTemplate(c.unit)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		choices, _ := f.GetRows("选项")
		if choices[0][0] != "公需课" || len(choices) != 6 {
			t.Errorf("choices %v", choices)
		}
		// The renamed label is what a cell must say now.
		m := c.member
		rep, err := c.imports.ValidateImport(c.unit, upload(importFile(t,
			append(importRow(m[0], m[1], "新标签")[:2], "公需课", "网络学习", "新标签", "", day(4), day(3), 8, ""))))
		if err != nil || rep.Valid != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
	})
}

func TestImportRefusesOversizedUploads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		_, err := c.imports.ValidateImport(c.unit, domain.ImportUpload{Name: "大.xlsx", Size: domain.MaxImportBytes + 1, Body: strings.NewReader("")})
		wantCode(t, err, domain.CodeTooLarge)
		// A size the client did not announce is measured while reading.
		big := bytes.Repeat([]byte("x"), domain.MaxImportBytes+10)
		_, err = c.imports.ValidateImport(c.unit, domain.ImportUpload{Name: "大.xlsx", Size: -1, Body: bytes.NewReader(big)})
		wantCode(t, err, domain.CodeTooLarge)
		_, err = c.imports.ValidateImport(c.unit, upload([]byte("身份证号,姓名\n")))
		wantCode(t, err, domain.CodeUnsupportedContent)
	})
}

// TestDemoImportWorkbook checks the README's sample file against the demo
// data: its good rows import, each trap is reported, and a second import
// adds nothing.
func TestDemoImportWorkbook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		var buf bytes.Buffer
		if err := store.DemoImportWorkbook(&buf, 150, recordToday); err != nil {
			t.Fatal(err)
		}
		res, err := c.imports.ImportRecords(c.unit, upload(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rep := res.Report
		// 15 traps: 3 handled, 11 reported, 1 blank row skipped.
		if rep.Rows != 149 || rep.Invalid != 11 || res.Inserted != 138 {
			t.Errorf("sample: %d rows, %d invalid, %d inserted\n%s", rep.Rows, rep.Invalid, res.Inserted, strings.Join(problems(rep), "\n"))
		}
		for _, want := range []string{"科学计数法", "不一致", "尚未确认", "不是本单位", "学时超过上限", "不能晚于今天",
			"不能早于开始日期", "科目类别无效", "0.5的倍数", "与第131行重复", "不存在"} {
			if !strings.Contains(strings.Join(problems(rep), "\n"), want) {
				t.Errorf("sample lacks a %q problem", want)
			}
		}
		again, err := c.imports.ImportRecords(c.unit, upload(buf.Bytes()))
		if err != nil || again.Inserted != 0 || again.Report.Existing != 138 {
			t.Fatalf("second import: %+v, %v", again, err)
		}
	})
}

// TestImport10000Rows is the acceptance run: a 10,000-row file with one
// bad row in ten is checked and stored in seconds, on both databases.
func TestImport10000Rows(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("10,000 rows: a timing run, for plain go test")
	}
	var buf bytes.Buffer
	if err := store.DemoImportWorkbook(&buf, 10000, recordToday); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newImportCase(t, db)
		start := time.Now()
		rep, err := c.imports.ValidateImport(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		validated := time.Since(start)
		res, err := c.imports.ImportRecords(c.unit, upload(data))
		if err != nil {
			t.Fatal(err)
		}
		imported := time.Since(start) - validated
		t.Logf("%s file, %d rows (%d invalid): validate %v, validate+store %d records %v",
			domain.FormatBytes(int64(len(data))), rep.Rows, rep.Invalid, validated.Round(time.Millisecond),
			res.Inserted, imported.Round(time.Millisecond))
		// One row in ten is a trap (see DemoImportWorkbook): 66 are blank,
		// 733 are reported.
		if rep.Rows != 9934 || rep.Invalid != 733 || res.Inserted != rep.Valid {
			t.Errorf("report %d rows, %d valid, %d invalid; inserted %d", rep.Rows, rep.Valid, rep.Invalid, res.Inserted)
		}
		again, err := c.imports.ImportRecords(c.unit, upload(data))
		if err != nil || again.Inserted != 0 || again.Report.Existing != res.Inserted {
			t.Fatalf("re-import: inserted %d, existing %d, %v", again.Inserted, again.Report.Existing, err)
		}
	})
}
