package xlsximport

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

// Choices are the labels the drop-downs offer, in dictionary order.
type Choices struct {
	Categories []string
	Forms      []string
}

// Sheet names beside DataSheet.
const (
	instructionsSheet = "填写说明"
	// choicesSheet holds the drop-down lists: a list typed into the
	// validation itself is limited to 255 characters, a sheet range is not.
	choicesSheet = "选项"
)

// Extra columns of the error report, after the template's own.
const (
	reportRowLabel     = "原行号"
	reportProblemLabel = "错误说明"
)

// Number is a numeric cell written as its literal, e.g.
// "4.40106199003072E+17": how Excel stores an ID number typed into a
// General cell. Files in tests and demos use it to set that trap.
type Number string

// Date is a date cell as Excel stores a typed date: a serial number shown
// with a date format.
type Date time.Time

// exampleIDNumber is the example row's ID number: a row marked as the
// example that holds another is someone's data (Sheet.Skipped).
const exampleIDNumber = "11010519491231002X"

// exampleRow is the template's second row, which Parse skips by its 备注.
func exampleRow(ch Choices) []any {
	return []any{exampleIDNumber, "张三", first(ch.Categories), first(ch.Forms), "专业技术人员职业道德与诚信建设",
		"广东省继续教育学院", "2025-03-01", "2025-03-02", 12, exampleMarker + "本行为填写示例，导入时自动忽略，可删除"}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// Template writes the blank template: the header, an example row,
// drop-downs for 科目类别 and 培训形式, the ID column as text and the
// 填写说明 sheet.
func Template(w io.Writer, ch Choices) error { return Filled(w, ch, nil) }

// Filled writes the template with rows under the example row; a cell is a
// string, an int, a float64, a Number or a Date. Demos and tests use it
// to make the files operators would upload.
func Filled(w io.Writer, ch Choices, rows [][]any) error {
	b, err := newBook(ch, nil)
	if err != nil {
		return err
	}
	defer b.f.Close()
	if err := b.setRow(2, exampleRow(ch), b.example); err != nil {
		return err
	}
	for i, r := range rows {
		if err := b.setRow(i+3, r, 0); err != nil {
			return err
		}
	}
	return b.f.Write(w)
}

// ErrorReport writes the rows that have problems, with their values as
// read, their row number in the uploaded file and every problem in a
// 错误说明 column. It is laid out as the template, drop-downs included, so
// the operator fixes it and uploads it as it is.
func ErrorReport(w io.Writer, ch Choices, rows []Row) error {
	b, err := newBook(ch, []string{reportRowLabel, reportProblemLabel})
	if err != nil {
		return err
	}
	defer b.f.Close()
	n := 2
	for _, r := range rows {
		if r.Valid() {
			continue
		}
		cells := make([]any, 0, fieldCount+2)
		for _, c := range r.Cells {
			cells = append(cells, c)
		}
		problems := make([]string, 0, len(r.Problems))
		for _, p := range r.Problems {
			problems = append(problems, p.Field.Label()+"："+p.Message)
		}
		cells = append(cells, r.Number, strings.Join(problems, "；"))
		if err := b.setRow(n, cells, 0); err != nil {
			return err
		}
		n++
	}
	return b.f.Write(w)
}

// book is a workbook laid out as the template.
type book struct {
	f       *excelize.File
	example int // style of the example row
	date    int // style of a Date cell
}

// cellName is the name of the cell at column c (0-based) and row.
func cellName(c, row int) string {
	name, _ := excelize.CoordinatesToCellName(c+1, row)
	return name
}

func colName(c int) string {
	name, _ := excelize.ColumnNumberToName(c + 1)
	return name
}

// newBook makes the data sheet with the header (and extra columns after
// it), column formats, validations and frozen header, and the
// instructions and choices sheets.
func newBook(ch Choices, extra []string) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f}
	if err := b.build(ch, extra); err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

func (b *book) build(ch Choices, extra []string) error {
	f := b.f
	if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
		return err
	}
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
	})
	if err != nil {
		return err
	}
	requiredStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
	})
	if err != nil {
		return err
	}
	// Number format 49 is "@", text: what is typed stays as typed.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	dateFormat := "yyyy-mm-dd"
	if b.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return err
	}
	if b.example, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}, NumFmt: 49}); err != nil {
		return err
	}
	for i, c := range columns {
		col := colName(i)
		if err := f.SetColWidth(DataSheet, col, col, c.width); err != nil {
			return err
		}
		style := headerStyle
		if c.required {
			style = requiredStyle
		}
		if err := b.setHeader(i, c.label, style); err != nil {
			return err
		}
	}
	for i, label := range extra {
		c := int(fieldCount) + i
		if err := f.SetColWidth(DataSheet, colName(c), colName(c), 10+30*float64(i)); err != nil {
			return err
		}
		if err := b.setHeader(c, label, headerStyle); err != nil {
			return err
		}
	}
	if err := f.SetColStyle(DataSheet, colName(int(FieldIDNumber)), text); err != nil {
		return err
	}
	for _, fl := range []Field{FieldStart, FieldEnd} {
		if err := f.SetColStyle(DataSheet, colName(int(fl)), b.date); err != nil {
			return err
		}
	}
	if err := f.SetPanes(DataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := b.validations(ch); err != nil {
		return err
	}
	return b.instructions(ch)
}

func (b *book) setHeader(c int, label string, style int) error {
	if err := b.f.SetCellStr(DataSheet, cellName(c, 1), label); err != nil {
		return err
	}
	return b.f.SetCellStyle(DataSheet, cellName(c, 1), cellName(c, 1), style)
}

// validations adds the drop-downs, the ID number's length check and the
// hours' range, on every row an import may have.
func (b *book) validations(ch Choices) error {
	f := b.f
	if _, err := f.NewSheet(choicesSheet); err != nil {
		return err
	}
	last := domain.MaxImportRows + 2
	span := func(fl Field) string {
		return fmt.Sprintf("%s2:%s%d", colName(int(fl)), colName(int(fl)), last)
	}
	for i, list := range [][]string{ch.Categories, ch.Forms} {
		for j, label := range list {
			if err := f.SetCellStr(choicesSheet, cellName(i, j+1), label); err != nil {
				return err
			}
		}
	}
	for i, fl := range []Field{FieldCategory, FieldForm} {
		list := [][]string{ch.Categories, ch.Forms}[i]
		if len(list) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = span(fl)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", choicesSheet, colName(i), colName(i), len(list)))
		dv.SetError(excelize.DataValidationErrorStyleStop, fl.Label(), "请从下拉列表中选择"+fl.Label())
		if err := f.AddDataValidation(DataSheet, dv); err != nil {
			return err
		}
	}
	id := excelize.NewDataValidation(true)
	id.Sqref = span(FieldIDNumber)
	if err := id.SetRange(18, 18, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	id.SetInput("身份证号", "请填写18位身份证号。本列为文本格式，请勿改为数字")
	id.SetError(excelize.DataValidationErrorStyleWarning, "身份证号", "身份证号应为18位")
	if err := f.AddDataValidation(DataSheet, id); err != nil {
		return err
	}
	hours := excelize.NewDataValidation(true)
	hours.Sqref = span(FieldHours)
	if err := hours.SetRange(0.5, 10000.0, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	hours.SetError(excelize.DataValidationErrorStyleWarning, "学时", "学时应为大于0的数字，以0.5为单位")
	if err := f.AddDataValidation(DataSheet, hours); err != nil {
		return err
	}
	return f.SetSheetVisible(choicesSheet, false)
}

// instructions writes the 填写说明 sheet.
func (b *book) instructions(ch Choices) error {
	f := b.f
	if _, err := f.NewSheet(instructionsSheet); err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := f.SetColWidth(instructionsSheet, "A", "A", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(instructionsSheet, "B", "B", 10); err != nil {
		return err
	}
	if err := f.SetColWidth(instructionsSheet, "C", "C", 90); err != nil {
		return err
	}
	lines := [][]string{{"继续教育记录批量申报 填写说明"}, {}, {"列名", "是否必填", "填写要求"}}
	for i, c := range columns {
		need := "选填"
		if c.required {
			need = "必填"
		}
		hint := c.hint
		switch Field(i) {
		case FieldCategory:
			hint += "：" + strings.Join(ch.Categories, "、")
		case FieldForm:
			hint += "：" + strings.Join(ch.Forms, "、")
		}
		lines = append(lines, []string{c.label, need, hint})
	}
	lines = append(lines, []string{}, []string{"注意事项"})
	for i, note := range []string{
		"在“" + DataSheet + "”工作表中填写，每行一条记录，从第3行开始；第2行为示例，导入时自动忽略，可删除。表头（第1行）请勿修改。",
		"人员须为本单位已确认的专业技术人员，姓名须与系统中的一致。",
		"从其他表格粘贴身份证号时，请使用“选择性粘贴 → 数值”，并确认号码没有变成 4.40106E+17 这样的科学计数法。",
		"同一人员、相同培训内容、相同开始日期的记录只能有一条；已入库的记录再次导入时自动跳过，不会重复。",
		fmt.Sprintf("一个文件最多%d行数据、不超过%s；请保存为 .xlsx 格式，不要设置打开密码。", domain.MaxImportRows, domain.FormatBytes(domain.MaxImportBytes)),
		"上传后系统逐行校验并列出所有问题（行号、列名、原因）；确认后“数据入库”只保存校验通过的行。可保存“错误报告”，修改后直接重新上传。",
	} {
		lines = append(lines, []string{fmt.Sprintf("%d.", i+1), "", note})
	}
	for r, line := range lines {
		for c, v := range line {
			if err := f.SetCellStr(instructionsSheet, cellName(c, r+1), v); err != nil {
				return err
			}
		}
		if len(line) == 3 {
			if err := f.SetCellStyle(instructionsSheet, cellName(2, r+1), cellName(2, r+1), wrap); err != nil {
				return err
			}
		}
	}
	if err := f.SetCellStyle(instructionsSheet, "A1", "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(instructionsSheet, "A3", "C3", bold); err != nil {
		return err
	}
	notes := len(columns) + 5
	return f.SetCellStyle(instructionsSheet, cellName(0, notes), cellName(0, notes), bold)
}

// excelEpoch is day 0 of Excel's 1900 date system for every date after
// February 1900 (Excel counts a 29 February 1900 that never was).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelSerial is t's day as Excel's 1900-system serial number.
func excelSerial(t time.Time) float64 {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return float64(day.Sub(excelEpoch) / (24 * time.Hour))
}

// setRow writes the cells of one row; style, when not 0, applies to all.
func (b *book) setRow(row int, cells []any, style int) error {
	f := b.f
	for c, v := range cells {
		name := cellName(c, row)
		var err error
		switch v := v.(type) {
		case Number:
			err = f.SetCellDefault(DataSheet, name, string(v))
		case Date:
			if err = f.SetCellFloat(DataSheet, name, excelSerial(time.Time(v)), -1, 64); err == nil {
				err = f.SetCellStyle(DataSheet, name, name, b.date)
			}
		case string:
			err = f.SetCellStr(DataSheet, name, v)
		default:
			err = f.SetCellValue(DataSheet, name, v)
		}
		if err != nil {
			return err
		}
		if style != 0 {
			if err := f.SetCellStyle(DataSheet, name, name, style); err != nil {
				return err
			}
		}
	}
	return nil
}
