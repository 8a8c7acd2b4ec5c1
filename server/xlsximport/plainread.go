package xlsximport

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// ReadPlain reads every cell of the template's data sheet with excelize
// alone, as raw values (what Parse asks excelize for), checking nothing,
// and returns the number of rows it saw. It is the yardstick the import
// is measured against: `jxjy bench --scenario import` and
// BenchmarkExcelizeRead10000 time it on the file they import.
func ReadPlain(data []byte) (int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.Rows(DataSheet)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			rows.Close()
			return n, err
		}
		n++
	}
	if err := rows.Error(); err != nil {
		rows.Close()
		return n, err
	}
	return n, rows.Close()
}
