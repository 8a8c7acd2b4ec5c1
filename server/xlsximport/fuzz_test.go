package xlsximport

import (
	"bytes"
	"errors"
	"testing"

	"jxjy/server/domain"
)

// fuzzLimits keep one fuzz input cheap; the checks are the same as with
// the default limits.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxUnzipped: 4 << 20, MaxParts: 100, MaxRows: 50}

// checkParsed is what every Parse answer must be: a sheet of at most
// MaxRows rows whose problems all say something, or a domain error with
// one of the codes an upload can get.
func checkParsed(t *testing.T, sheet *Sheet, err error) {
	t.Helper()
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || de.Message == "" {
			t.Fatalf("not a domain error: %#v", err)
		}
		switch de.Code {
		case domain.CodeTooLarge, domain.CodeUnsupportedContent, domain.CodeInvalid:
		default:
			t.Fatalf("unexpected code %s: %s", de.Code, de.Message)
		}
		return
	}
	if len(sheet.Rows) == 0 || len(sheet.Rows) > fuzzLimits.MaxRows {
		t.Fatalf("%d rows", len(sheet.Rows))
	}
	for _, r := range sheet.Rows {
		for _, p := range r.Problems {
			if p.Message == "" {
				t.Fatalf("row %d: a problem without a message", r.Number)
			}
		}
	}
}

// FuzzParse feeds arbitrary bytes, seeded with real workbooks, to the
// parser: no panic, bounded work, a clear error for everything it refuses.
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 60s ./server/xlsximport
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	if err := Filled(&buf, testChoices, [][]any{goodRow(), with(goodRow(), FieldHours, "１２．５")}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	if err := Template(&buf, testChoices); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add(append(append([]byte(nil), oleSignature...), encryptedPackage...))
	f.Add([]byte("身份证号,姓名\n440106199003072517,陈志明\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sheet, err := Parse(data, Options{Today: testToday, Limits: fuzzLimits})
		checkParsed(t, sheet, err)
	})
}

// FuzzParseCells writes arbitrary cell text into a real workbook, so the
// fuzzer works on the cell checks instead of the zip container.
//
//	go test -run '^$' -fuzz '^FuzzParseCells$' -fuzztime 60s ./server/xlsximport
func FuzzParseCells(f *testing.F) {
	f.Add(idChen, "陈志明", "专业科目", "2026-03-02", "2026-03-03", "12")
	f.Add(" 4401061990030725１７ ", "", "专业", "2026/3/2", "45000", "0.25")
	f.Add("4.40106E+17", "=1+1", "公需科目", "2026-02-30", "1899-12-31", "-1")
	f.Add(idZhang, "\x00\u202e", "选修科目", "二〇二六年三月二日", "2027-01-01", "1e9")
	f.Fuzz(func(t *testing.T, id, name, category, start, end, hours string) {
		row := goodRow()
		row[FieldIDNumber], row[FieldName], row[FieldCategory] = id, name, category
		row[FieldStart], row[FieldEnd], row[FieldHours] = start, end, hours
		var buf bytes.Buffer
		if err := Filled(&buf, testChoices, [][]any{row}); err != nil {
			t.Skip("excelize refuses the cell text:", err)
		}
		sheet, err := Parse(buf.Bytes(), Options{Today: testToday, Limits: fuzzLimits})
		checkParsed(t, sheet, err)
		if err != nil || !sheet.Rows[0].Valid() {
			return
		}
		r := sheet.Rows[0]
		if _, msg := domain.ParseIDNumber(r.IDNumber, testToday); msg != "" || r.Hours <= 0 || r.StartDate > r.EndDate ||
			len(r.StartDate) != len("2006-01-02") || len(r.EndDate) != len("2006-01-02") {
			t.Fatalf("accepted row %+v", r)
		}
	})
}
