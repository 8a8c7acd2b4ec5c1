// Package export writes what the query screens show to .xlsx workbooks:
// 继续教育培训记录 row by row as they stream in (excelize's stream writer
// keeps memory flat at 100,000 rows), and the statistics as tables. ID
// numbers are text cells in a text-formatted column, so Excel neither
// shows them as 4.40106E+17 nor rounds their last digits.
package export

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

// textFormat is Excel's built-in "@" number format: the cell is text.
const textFormat = 49

// recordColumns are the export's headers and column widths.
var recordColumns = []struct {
	title string
	width float64
}{
	{"序号", 8}, {"姓名", 10}, {"身份证号", 21}, {"科目类别", 10}, {"培训形式", 14},
	{"培训内容", 36}, {"主办单位", 28}, {"开始日期", 12}, {"结束日期", 12}, {"年度", 7},
	{"学时", 7}, {"记录来源", 10}, {"生效时间", 18}, {"备注", 24},
}

// RecordSheet is a workbook of records being written.
type RecordSheet struct {
	file   *excelize.File
	stream *excelize.StreamWriter
	text   int // style of the ID column
	rows   int
}

// NewRecordSheet starts a workbook with its header row.
func NewRecordSheet() (*RecordSheet, error) {
	f := excelize.NewFile()
	s := &RecordSheet{file: f}
	if err := s.start(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *RecordSheet) start() error {
	const sheet = "继续教育培训记录"
	if err := s.file.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head, err := s.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: textFormat})
	if err != nil {
		return err
	}
	if s.text, err = s.file.NewStyle(&excelize.Style{NumFmt: textFormat}); err != nil {
		return err
	}
	if s.stream, err = s.file.NewStreamWriter(sheet); err != nil {
		return err
	}
	// Widths and the ID column's style come before any row, as the stream
	// writer requires.
	for i, c := range recordColumns {
		if err := s.stream.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := s.stream.SetColStyle(3, 3, s.text); err != nil {
		return err
	}
	if err := s.stream.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(recordColumns))
	for i, c := range recordColumns {
		cells[i] = excelize.Cell{StyleID: head, Value: c.title}
	}
	return s.stream.SetRow("A1", cells)
}

// Add writes the next record.
func (s *RecordSheet) Add(r domain.QueryRecord) error {
	s.rows++
	cell, err := excelize.CoordinatesToCellName(1, s.rows+1)
	if err != nil {
		return err
	}
	return s.stream.SetRow(cell, visibleCells([]any{
		s.rows, r.PersonName, excelize.Cell{StyleID: s.text, Value: domain.VisibleText(r.IDNumber, false)}, r.CategoryLabel, r.FormLabel,
		r.Title, r.Organizer, r.StartDate, r.EndDate, r.Year, hoursValue(r.Hours), r.Source.Label(),
		r.EffectiveAt.In(domain.ChinaTime).Format("2006-01-02 15:04"), r.Remark,
	}))
}

// Rows is how many records were added.
func (s *RecordSheet) Rows() int { return s.rows }

// WriteTo finishes the workbook into w; the sheet is done with either way.
func (s *RecordSheet) WriteTo(w io.Writer) (int64, error) {
	defer s.file.Close()
	if err := s.stream.Flush(); err != nil {
		return 0, err
	}
	return s.file.WriteTo(w)
}

// Close discards an unfinished workbook and its temporary files.
func (s *RecordSheet) Close() error { return s.file.Close() }

// WriteStats writes the figures of st as a workbook: an overview, then a
// sheet for each breakdown, each with the numbers the charts show.
func WriteStats(w io.Writer, st domain.Stats) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	overview := "概况"
	if err := f.SetSheetName("Sheet1", overview); err != nil {
		return err
	}
	rows := [][]any{
		{"统计范围", st.ScopeName}, {"年度", st.Year}, {"单位数", st.Units}, {"专业技术人员数", st.Persons},
		{"有效记录数", st.Records}, {"总学时", hoursValue(st.Hours)},
		{"年度学时要求", fmt.Sprintf("总学时不少于%s，其中公需科目不少于%s、专业科目不少于%s", st.RequiredTotal, st.RequiredPublic, st.RequiredProfessional)},
		{"达到要求人数", st.Met}, {"未达到要求人数", st.NotMet}, {"达标率", fmt.Sprintf("%.1f%%", st.MetPercent())},
	}
	if err := table(f, overview, bold, []string{"项目", "数值"}, rows, []float64{18, 60}); err != nil {
		return err
	}
	sheets := []struct {
		name, first string
		items       []domain.StatItem
	}{
		{"按科目类别", "科目类别", st.ByCategory},
		{"按月份", "月份", st.ByMonth},
	}
	if len(st.ByRegion) > 0 {
		sheets = append(sheets, struct {
			name, first string
			items       []domain.StatItem
		}{"按" + st.RegionLevel, st.RegionLevel, st.ByRegion})
	}
	for _, s := range sheets {
		if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		head := []string{s.first, "记录数", "学时"}
		if s.name == "按"+st.RegionLevel {
			head = append(head, "专业技术人员数")
		}
		var rows [][]any
		for _, it := range s.items {
			row := []any{it.Label, it.Records, hoursValue(it.Hours)}
			if len(head) == 4 {
				row = append(row, it.Persons)
			}
			rows = append(rows, row)
		}
		if err := table(f, s.name, bold, head, rows, []float64{14, 10, 10, 16}); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// visibleCells shows, never carries, any control character of the
// server's text in a sheet (domain.VisibleText): a workbook is opened by
// other programs, which must not be steered by what a tenant typed.
func visibleCells(cells []any) []any {
	for i, c := range cells {
		if s, ok := c.(string); ok {
			cells[i] = domain.VisibleText(s, false)
		}
	}
	return cells
}

// table writes a header in bold and rows under it.
func table(f *excelize.File, sheet string, bold int, head []string, rows [][]any, widths []float64) error {
	for i := range head {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, widths[min(i, len(widths)-1)]); err != nil {
			return err
		}
	}
	headCells := make([]any, len(head))
	for i, h := range head {
		headCells[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &headCells); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(head), 1)
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return err
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		r = visibleCells(r)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	return nil
}

// hoursValue is h as a number cell: 1.5, not "1.5".
func hoursValue(h domain.Hours) float64 { return float64(h) / 2 }
