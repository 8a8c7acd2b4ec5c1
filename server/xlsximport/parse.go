package xlsximport

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

// DataSheet is the name of the template's data sheet, which Parse reads
// first; other sheets are read only when it is missing or empty.
const DataSheet = "导入数据"

// headerScanRows is how far down a sheet the header is looked for, past
// titles and notes above it.
const headerScanRows = 10

// progressEvery is how often, in rows, Parse reports its progress.
const progressEvery = 500

// Problem is one thing wrong with one cell.
type Problem struct {
	Field   Field
	Message string
}

// Row is one data row: the values as read, for the error report, and as
// understood, for the store. A value whose cell has a problem is unusable.
type Row struct {
	// Number is the row's number in the sheet, as Excel shows it.
	Number int
	// Cells are the values as read and cleaned: trimmed, a date in its
	// YYYY-MM-DD form once understood.
	Cells [fieldCount]string

	IDNumber  string // normalised, valid
	Birth     time.Time
	Name      string // without spaces
	Category  string // the label as written; the store maps it to a code
	Form      string // likewise
	Title     string
	Organizer string
	StartDate string // YYYY-MM-DD
	EndDate   string // YYYY-MM-DD
	Hours     domain.Hours
	Remark    string

	Problems []Problem
}

// Add records a problem with field, unless the field already has one: the
// first is the most basic.
func (r *Row) Add(f Field, msg string) {
	if msg == "" || r.Has(f) {
		return
	}
	r.Problems = append(r.Problems, Problem{Field: f, Message: msg})
}

// Has reports whether field has a problem.
func (r *Row) Has(f Field) bool {
	for _, p := range r.Problems {
		if p.Field == f {
			return true
		}
	}
	return false
}

// Valid reports whether the row has no problem.
func (r *Row) Valid() bool { return len(r.Problems) == 0 }

// Sheet is what Parse found: the sheet it read and its data rows, blank
// rows and the example row left out, and Skipped, the rows left out that
// look meant to be imported.
type Sheet struct {
	Name      string
	HeaderRow int
	Rows      []Row
	Skipped   []SkippedRow
}

// SkippedRow is a row left out, and why it may matter.
type SkippedRow struct {
	Number  int
	Message string
}

// msgFilledExample warns of an example row holding someone's data.
const msgFilledExample = "该行备注以“" + exampleMarker + "”开头，已按示例行忽略，但填写的不是示例数据。如需导入该行，请删除备注中的“" +
	exampleMarker + "”后重新上传"

// Options tune Parse.
type Options struct {
	// Today is the date in China; ID numbers born later and records
	// ending later are refused.
	Today  time.Time
	Limits Limits
	// Progress, if set, is called with the number of data rows read.
	Progress func(rows int)
}

// Parse reads a filled template and checks every cell that can be checked
// without the database. A file that cannot be imported at all answers a
// *domain.Error: too_large, unsupported_content, or invalid (no header, a
// required column missing, no data, too many rows).
func Parse(data []byte, opt Options) (*Sheet, error) {
	f, err := open(data, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	p := &parser{opt: opt, date1904: date1904}
	var headerless []string
	found := false
	for _, name := range sheetOrder(f) {
		sheet, ok, err := p.readSheet(f, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			headerless = append(headerless, name)
			continue
		}
		if len(sheet.Rows) > 0 {
			return sheet, nil
		}
		found = true
	}
	// excelize reads a part that inflates past its declared size as
	// cut short; say the file is damaged rather than that it lacks data.
	if part := forgedPart(data); part != "" {
		return nil, unsupported(fmt.Sprintf(msgForgedSize, part))
	}
	if found {
		return nil, invalid("表格中没有可导入的数据：请从表头下一行起填写（示例行会被忽略）")
	}
	return nil, invalid(fmt.Sprintf("未找到表头：工作表（%s）的前%d行中没有包含“身份证号”等列名的一行。请使用“模板下载”得到的模板填写",
		strings.Join(headerless, "、"), headerScanRows))
}

func invalid(msg string) error { return &domain.Error{Code: domain.CodeInvalid, Message: msg} }

// sheetOrder is the visible sheets, the template's data sheet first.
func sheetOrder(f *excelize.File) []string {
	var out []string
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err == nil && !visible {
			continue
		}
		if name == DataSheet {
			out = append([]string{name}, out...)
		} else {
			out = append(out, name)
		}
	}
	return out
}

type parser struct {
	opt      Options
	date1904 bool
}

// header is where each field's column is, by index.
type header struct {
	row     int // the last header row; data starts below it
	columns map[Field]int
}

// readSheet finds the header within the first rows of the sheet and reads
// the data under it; ok is false when the sheet has no header.
func (p *parser) readSheet(f *excelize.File, name string) (*Sheet, bool, error) {
	rows, err := f.Rows(name)
	if err != nil {
		// Chart sheets and other non-worksheets have no rows.
		return nil, false, nil
	}
	defer rows.Close()
	var top [][]string
	var h *header
	sheet := &Sheet{Name: name}
	number := 0
	// Next visits every row number, including rows the file leaves out
	// (their cells are nil), so counting calls gives Excel's row numbers.
	for rows.Next() {
		number++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, unsupported(msgDamaged)
		}
		if h != nil {
			if err := p.row(sheet, h, number, cells); err != nil {
				return nil, false, err
			}
			continue
		}
		// One row beyond the scan is kept, for a second header line under
		// a header on the last scanned row.
		top = append(top, cells)
		if len(top) <= headerScanRows {
			continue
		}
		if h, err = headerOf(name, top); h == nil {
			return nil, false, err
		}
		if err := p.rows(sheet, h, top); err != nil {
			return nil, false, err
		}
	}
	if rows.Error() != nil {
		return nil, false, unsupported(msgDamaged)
	}
	if h == nil {
		if h, err = headerOf(name, top); h == nil {
			return nil, false, err
		}
		if err := p.rows(sheet, h, top); err != nil {
			return nil, false, err
		}
	}
	sheet.HeaderRow = h.row
	return sheet, true, nil
}

// headerOf finds the header in the rows at the top of a sheet: nil when
// there is none, an error when it lacks a required column.
func headerOf(sheet string, top [][]string) (*header, error) {
	h := findHeader(top)
	if h == nil {
		return nil, nil
	}
	if missing := h.missing(); len(missing) > 0 {
		return nil, invalid(fmt.Sprintf("工作表“%s”的表头缺少必填列：%s。请使用“模板下载”得到的模板填写", sheet, strings.Join(missing, "、")))
	}
	return h, nil
}

// rows feeds the rows buffered while looking for the header; the first
// is the sheet's row 1.
func (p *parser) rows(sheet *Sheet, h *header, buffered [][]string) error {
	for i, cells := range buffered {
		if err := p.row(sheet, h, i+1, cells); err != nil {
			return err
		}
	}
	return nil
}

// findHeader picks the first row naming the ID number column and at least
// two other fields. Titles above it may be merged cells: only their first
// cell holds text, and it matches nothing. A second header line under it
// (a merged "培训时间" over 开始日期 and 结束日期) fills in what the first
// line lacks.
func findHeader(top [][]string) *header {
	for i, cells := range top[:min(len(top), headerScanRows)] {
		cols := headerColumns(cells, nil)
		if _, ok := cols[FieldIDNumber]; !ok || len(cols) < 3 {
			continue
		}
		h := &header{row: i + 1, columns: cols}
		if i+1 < len(top) {
			if more := headerColumns(top[i+1], cols); len(more) > len(cols) {
				h.row, h.columns = i+2, more
			}
		}
		return h
	}
	return nil
}

// headerColumns maps the fields named in cells to their columns, adding to
// a copy of known; a field or column already known keeps its place.
func headerColumns(cells []string, known map[Field]int) map[Field]int {
	cols := make(map[Field]int, fieldCount)
	taken := map[int]bool{}
	for f, c := range known {
		cols[f], taken[c] = c, true
	}
	for c, text := range cells {
		field, ok := headerFields[normalizeHeader(text)]
		if !ok || taken[c] {
			continue
		}
		if _, dup := cols[field]; !dup {
			cols[field], taken[c] = c, true
		}
	}
	return cols
}

func (h *header) missing() []string {
	var out []string
	for _, f := range Fields() {
		if _, ok := h.columns[f]; !ok && columns[f].required {
			out = append(out, f.Label())
		}
	}
	return out
}

// row reads one row under the header; blank rows and the example row are
// skipped.
func (p *parser) row(sheet *Sheet, h *header, number int, cells []string) error {
	if number <= h.row {
		return nil
	}
	r := Row{Number: number}
	blank := true
	for f, c := range h.columns {
		if c < len(cells) {
			r.Cells[f] = strings.TrimSpace(cells[c])
		}
		if removeSpaces(r.Cells[f]) != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	if strings.HasPrefix(domain.NormalizeInput(r.Cells[FieldRemark]), exampleMarker) {
		// The example's own ID number marks the untouched example; any
		// other means data was typed over it and is being left out.
		if id := removeSpaces(domain.NormalizeInput(r.Cells[FieldIDNumber])); id != "" && id != exampleIDNumber {
			sheet.Skipped = append(sheet.Skipped, SkippedRow{Number: number, Message: msgFilledExample})
		}
		return nil
	}
	if len(sheet.Rows) >= p.opt.Limits.MaxRows {
		return invalid(fmt.Sprintf("数据超过%d行，请分批导入", p.opt.Limits.MaxRows))
	}
	p.check(&r)
	sheet.Rows = append(sheet.Rows, r)
	if p.opt.Progress != nil && len(sheet.Rows)%progressEvery == 0 {
		p.opt.Progress(len(sheet.Rows))
	}
	return nil
}

// check turns the cells into values, recording a problem for each cell
// that cannot be used.
func (p *parser) check(r *Row) {
	today := p.opt.Today
	var msg string
	r.IDNumber, r.Birth, msg = parseIDNumber(r.Cells[FieldIDNumber], today)
	if msg == "" {
		r.Cells[FieldIDNumber] = r.IDNumber
	}
	r.Add(FieldIDNumber, msg)

	r.Name = removeSpaces(domain.NormalizeInput(r.Cells[FieldName]))
	r.Add(FieldName, checkText(r.Name, 50, "姓名"))

	r.Category = removeSpaces(domain.NormalizeInput(r.Cells[FieldCategory]))
	r.Add(FieldCategory, required(r.Category, "请选择科目类别"))
	r.Form = removeSpaces(domain.NormalizeInput(r.Cells[FieldForm]))
	r.Add(FieldForm, required(r.Form, "请选择培训形式"))

	r.Title = cleanText(r.Cells[FieldTitle])
	r.Add(FieldTitle, checkText(r.Title, domain.RecordTitleMax, "培训内容"))
	r.Organizer = cleanText(r.Cells[FieldOrganizer])
	r.Add(FieldOrganizer, maxLength(r.Organizer, domain.RecordOrganizerMax, "主办单位"))
	r.Remark = cleanText(r.Cells[FieldRemark])
	r.Add(FieldRemark, maxLength(r.Remark, domain.RecordRemarkMax, "备注"))

	for _, d := range []struct {
		field Field
		out   *string
	}{{FieldStart, &r.StartDate}, {FieldEnd, &r.EndDate}} {
		*d.out, msg = parseDate(r.Cells[d.field], p.date1904, d.field.Label())
		if msg == "" {
			r.Cells[d.field] = *d.out
		}
		r.Add(d.field, msg)
	}
	if !r.Has(FieldStart) && !r.Has(FieldEnd) {
		startMsg, endMsg := domain.CheckRecordDates(r.StartDate, r.EndDate, today)
		r.Add(FieldStart, startMsg)
		r.Add(FieldEnd, endMsg)
	}
	if !r.Has(FieldStart) && !r.Has(FieldIDNumber) {
		// Nobody trains professionally before sixteen: such a date is a
		// typo, in the date or the ID number.
		if sixteen := r.Birth.AddDate(minTrainingAge, 0, 0).Format(domain.DateLayout); r.StartDate < sixteen {
			r.Add(FieldStart, fmt.Sprintf("开始日期早于该人员年满%d周岁之日（%s，按身份证号的出生日期），请检查开始日期或身份证号",
				minTrainingAge, sixteen))
		}
	}

	r.Hours, msg = parseHours(r.Cells[FieldHours])
	r.Add(FieldHours, msg)
}

// minTrainingAge is the youngest age a record can be from.
const minTrainingAge = 16

// checkText is domain.CheckText, saying the limit when s is too long, as
// maxLength does.
func checkText(s string, max int, label string) string {
	if strings.TrimSpace(s) == "" {
		return "请填写" + label
	}
	return maxLength(s, max, label)
}

func required(s, msg string) string {
	if s == "" {
		return msg
	}
	return ""
}

func maxLength(s string, max int, label string) string {
	if len([]rune(s)) > max {
		return fmt.Sprintf("%s不能超过%d字", label, max)
	}
	return ""
}

// lineBreaks are the line breaks a cell may hold (Alt+Enter).
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// cleanText joins the lines of a cell and trims it.
func cleanText(s string) string {
	return strings.TrimSpace(lineBreaks.Replace(s))
}

var (
	// scientificRe is a number in scientific notation: how Excel writes an
	// ID number typed into a number cell (4.40106199003072E+17), either
	// stored that way or copied as the text Excel showed.
	scientificRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+$`)
	decimalRe    = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
)

// Messages for ID numbers Excel made into numbers.
const (
	msgIDScientific = "身份证号被Excel转换为数字（科学计数法），末几位已丢失。请将该列设为文本格式后重新填写完整的18位号码"
	msgIDRounded    = "身份证号末3位为000且校验位不正确，疑似被Excel转换为数字后丢失末位。请将该列设为文本格式后重新填写"
)

// parseIDNumber reads an ID number cell. Spaces anywhere and a leading
// apostrophe (Excel's text marker, kept by some exports) are dropped.
func parseIDNumber(cell string, today time.Time) (string, time.Time, string) {
	s := strings.TrimPrefix(removeSpaces(domain.NormalizeInput(cell)), "'")
	switch {
	case s == "":
		return "", time.Time{}, "请填写身份证号"
	case scientificRe.MatchString(s):
		return "", time.Time{}, msgIDScientific
	case decimalRe.MatchString(s):
		return "", time.Time{}, "身份证号被Excel转换为带小数的数字，请将该列设为文本格式后重新填写"
	}
	info, msg := domain.ParseIDNumber(s, today)
	if msg == "身份证号校验位不正确" && strings.HasSuffix(s, "000") {
		msg = msgIDRounded
	}
	return info.Number, info.Birth, msg
}

var (
	// dateRe is a date written out: 2025-03-15, 2025/3/15, 2025.3.15,
	// 2025年3月15日.
	dateRe = regexp.MustCompile(`^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$`)
	// compactDateRe is 20250315.
	compactDateRe = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
)

// maxSerial is 9999-12-31, Excel's last date.
const maxSerial = 2958465

// parseDate reads a date cell: text in the usual spellings, or an Excel
// serial number (how Excel stores a date typed into a date cell), in the
// workbook's 1900 or 1904 date system. A time of day is ignored.
func parseDate(cell string, date1904 bool, label string) (string, string) {
	s := domain.NormalizeInput(cell)
	// "2025-03-15 00:00:00", "2025-03-15T00:00:00Z": keep the date.
	if i := strings.IndexAny(s, " T"); i >= 8 {
		s = s[:i]
	}
	s = removeSpaces(s)
	if s == "" {
		return "", "请填写" + label
	}
	var y, m, d int
	if parts := compactDateRe.FindStringSubmatch(s); parts != nil {
		y, m, d = atoi(parts[1]), atoi(parts[2]), atoi(parts[3])
	} else if serial, err := strconv.ParseFloat(s, 64); err == nil {
		if serial < 1 || serial > maxSerial {
			return "", label + "无法识别，请填写如 2025-03-15 的日期"
		}
		t, err := excelize.ExcelDateToTime(math.Floor(serial), date1904)
		if err != nil {
			return "", label + "无法识别，请填写如 2025-03-15 的日期"
		}
		y, m, d = t.Year(), int(t.Month()), t.Day()
	} else if parts := dateRe.FindStringSubmatch(s); parts != nil {
		y, m, d = atoi(parts[1]), atoi(parts[2]), atoi(parts[3])
	} else {
		return "", label + "格式无法识别，请填写如 2025-03-15 的日期"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", fmt.Sprintf("%s不存在：%d年%d月%d日", label, y, m, d)
	}
	if y < 1900 {
		return "", label + "早于1900年，请检查"
	}
	return t.Format(domain.DateLayout), ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// parseHours reads an hours cell: a number, possibly full-width, possibly
// followed by 学时 or 小时. A computed value a hair off a half hour
// (7.4999999999) counts as that half hour.
func parseHours(cell string) (domain.Hours, string) {
	s := removeSpaces(domain.NormalizeInput(cell))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "学时"), "小时")
	if s == "" {
		return 0, "请填写学时"
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
		if half := math.Round(v*2) / 2; math.Abs(v-half) < 1e-9 {
			s = strconv.FormatFloat(half, 'f', -1, 64)
		}
	}
	h, msg := domain.ParseHours(s)
	switch {
	case msg != "":
		return 0, msg
	case h <= 0:
		return 0, "学时应大于0"
	}
	return h, ""
}
