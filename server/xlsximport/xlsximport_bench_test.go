package xlsximport

import (
	"bytes"
	"fmt"
	"testing"

	"jxjy/server/domain"
)

// bench10000 is a filled template of 10,000 good rows for 5,000 persons,
// shaped as the files `jxjy bench --scenario import` uploads.
func bench10000(b *testing.B) []byte {
	b.Helper()
	rows := make([][]any, 10000)
	for i := range rows {
		first17 := fmt.Sprintf("440106%s%03d", testToday.AddDate(-40, 0, -(i%5000)).Format("20060102"), i%1000)
		id := first17 + string(domain.IDCheckChar(first17))
		days := 1 + i%3
		start := testToday.AddDate(0, 0, -20-i/5000)
		rows[i] = []any{id, fmt.Sprintf("测试人员%d", i%5000), testChoices.Categories[i%3], testChoices.Forms[i%6],
			fmt.Sprintf("人工智能技术应用与发展（第%d期）", i+1), "广东省继续教育学院",
			start.Format(domain.DateLayout), start.AddDate(0, 0, days-1).Format(domain.DateLayout), float64(4 * days), ""}
	}
	var buf bytes.Buffer
	if err := Filled(&buf, testChoices, rows); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkExcelizeRead10000 is excelize alone reading the file that
// BenchmarkParse10000 parses: the import's yardstick.
func BenchmarkExcelizeRead10000(b *testing.B) {
	data := bench10000(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		// The header, the example row and the data.
		if n, err := ReadPlain(data); err != nil || n != 10002 {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}

// BenchmarkParse10000 is Parse on the same file: excelize's read plus
// every check that needs no database.
func BenchmarkParse10000(b *testing.B) {
	data := bench10000(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sheet, err := Parse(data, options())
		if err != nil || len(sheet.Rows) != 10000 {
			b.Fatalf("%v", err)
		}
		for _, r := range sheet.Rows {
			if !r.Valid() {
				b.Fatalf("row %d: %+v", r.Number, r.Problems)
			}
		}
	}
}
