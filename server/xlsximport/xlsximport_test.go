package xlsximport

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

var (
	testChoices = Choices{
		Categories: []string{"公需科目", "专业科目", "选修科目"},
		Forms:      []string{"培训/研修/进修", "学术会议", "学术讲座", "网络学习", "实践活动", "其他"},
	}
	testToday = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
)

// Valid ID numbers (GB 11643 check characters).
const (
	idChen  = "440106199003072517"
	idZhang = "11010519491231002X"
)

// goodRow is a row every check accepts; tests change one cell of it.
func goodRow() []any {
	return []any{idChen, "陈志明", "专业科目", "培训/研修/进修", "人工智能技术应用与发展", "广东省继续教育学院",
		"2026-03-02", "2026-03-03", 12, "备注文字"}
}

func with(row []any, f Field, v any) []any {
	out := append([]any(nil), row...)
	out[f] = v
	return out
}

func options() Options {
	return Options{Today: testToday, Limits: DefaultLimits()}
}

// filled is the template with rows, as bytes.
func filled(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Filled(&buf, testChoices, rows); err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

// workbook builds a file by hand with build, for layouts the template
// never has.
func workbook(t *testing.T, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

func setRow(t *testing.T, f *excelize.File, sheet string, row int, cells ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
		t.Fatalf("set row %d: %v", row, err)
	}
}

func labels() []any {
	out := []any{}
	for _, f := range Fields() {
		out = append(out, f.Label())
	}
	return out
}

func mustParse(t *testing.T, data []byte) *Sheet {
	t.Helper()
	s, err := Parse(data, options())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

func wantError(t *testing.T, err error, code domain.Code, contains string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("want %s error ~ %q, got %v", code, contains, err)
	}
	if de.Code != code || !strings.Contains(de.Message, contains) {
		t.Fatalf("want %s error ~ %q, got %s: %s", code, contains, de.Code, de.Message)
	}
}

func problem(r Row, f Field) string {
	for _, p := range r.Problems {
		if p.Field == f {
			return p.Message
		}
	}
	return ""
}

func TestTemplateLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf, testChoices); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != DataSheet+","+choicesSheet+","+instructionsSheet {
		t.Errorf("sheets %v", got)
	}
	if visible, _ := f.GetSheetVisible(choicesSheet); visible {
		t.Error("the choices sheet is visible")
	}
	header, _ := f.GetRows(DataSheet)
	if len(header) != 2 {
		t.Fatalf("want header and example row, got %d rows", len(header))
	}
	for i, fl := range Fields() {
		if header[0][i] != fl.Label() {
			t.Errorf("header %d = %q, want %q", i, header[0][i], fl.Label())
		}
	}
	if !strings.HasPrefix(header[1][FieldRemark], exampleMarker) {
		t.Errorf("example row remark %q", header[1][FieldRemark])
	}
	style, err := f.GetColStyle(DataSheet, "A")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.NumFmt != 49 {
		t.Errorf("ID column style %+v (%v), want text format 49", st, err)
	}
	dvs, err := f.GetDataValidations(DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists[dv.Sqref[:1]] = dv.Formula1
		}
	}
	if !strings.Contains(lists["C"], choicesSheet) || !strings.Contains(lists["D"], choicesSheet) {
		t.Errorf("drop-downs on 科目类别 and 培训形式 missing: %v", lists)
	}
	forms, _ := f.GetRows(choicesSheet)
	if len(forms) != len(testChoices.Forms) || forms[0][0] != "公需科目" || forms[5][1] != "其他" {
		t.Errorf("choices sheet %v", forms)
	}
	notes, _ := f.GetRows(instructionsSheet)
	if len(notes) < 10 || !strings.Contains(notes[0][0], "填写说明") {
		t.Errorf("instructions %v", notes)
	}
	// The blank template parses to "no data": its example row is skipped.
	var raw bytes.Buffer
	if err := Template(&raw, testChoices); err != nil {
		t.Fatal(err)
	}
	_, err = Parse(raw.Bytes(), options())
	wantError(t, err, domain.CodeInvalid, "没有可导入的数据")
}

func TestParseGoodRow(t *testing.T) {
	s := mustParse(t, filled(t, goodRow()))
	if s.Name != DataSheet || s.HeaderRow != 1 || len(s.Rows) != 1 {
		t.Fatalf("sheet %q header %d rows %d", s.Name, s.HeaderRow, len(s.Rows))
	}
	r := s.Rows[0]
	if !r.Valid() {
		t.Fatalf("problems %v", r.Problems)
	}
	want := Row{Number: 3, IDNumber: idChen, Name: "陈志明", Category: "专业科目", Form: "培训/研修/进修",
		Title: "人工智能技术应用与发展", Organizer: "广东省继续教育学院", StartDate: "2026-03-02", EndDate: "2026-03-03",
		Hours: domain.HoursOf(12), Remark: "备注文字"}
	want.Cells = r.Cells
	if r.Number != want.Number || r.IDNumber != want.IDNumber || r.Name != want.Name || r.Category != want.Category ||
		r.Form != want.Form || r.Title != want.Title || r.Organizer != want.Organizer || r.StartDate != want.StartDate ||
		r.EndDate != want.EndDate || r.Hours != want.Hours || r.Remark != want.Remark {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
}

// TestParseCells covers the cells real files carry: each case changes one
// cell of a good row and expects either a value or a problem there.
func TestParseCells(t *testing.T) {
	serial := Date(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	cases := []struct {
		name    string
		field   Field
		cell    any
		want    string // the value understood, when no problem
		problem string // part of the problem, when one
	}{
		{"ID typed as a number", FieldIDNumber, Number("4.40106199003072E+17"), "", "科学计数法"},
		{"ID pasted as the text Excel showed", FieldIDNumber, "4.40106E+17", "", "科学计数法"},
		{"ID as a number with a decimal point", FieldIDNumber, Number("440106199003072.5"), "", "带小数"},
		{"ID written out after rounding", FieldIDNumber, Number("440106199003072000"), "", "末3位为000"},
		{"ID full-width", FieldIDNumber, "４４０１０６１９９００３０７２５１７", idChen, ""},
		{"ID with spaces and a trailing space", FieldIDNumber, " 440106 19900307 2517 ", idChen, ""},
		{"ID with Excel's text apostrophe", FieldIDNumber, "'" + idChen, idChen, ""},
		{"ID lowercase x", FieldIDNumber, "11010519491231002x", idZhang, ""},
		{"ID wrong check digit", FieldIDNumber, "440106199003072518", "", "校验位不正确"},
		{"ID too short", FieldIDNumber, "44010619900307", "", "18位"},
		{"ID missing", FieldIDNumber, "", "", "请填写身份证号"},
		{"name with a trailing ideographic space", FieldName, "陈志明\u3000", "陈志明", ""},
		{"name with a space inside", FieldName, "陈 志明 ", "陈志明", ""},
		{"name missing", FieldName, "   ", "", "请填写姓名"},
		{"category with trailing spaces", FieldCategory, "专业科目  ", "专业科目", ""},
		{"category missing", FieldCategory, "", "", "请选择科目类别"},
		{"form missing", FieldForm, "", "", "请选择培训形式"},
		{"title over two lines", FieldTitle, "人工智能\n技术应用 ", "人工智能 技术应用", ""},
		{"title too long", FieldTitle, strings.Repeat("长", domain.RecordTitleMax+1), "", "培训内容不能超过200字"},
		{"organizer too long", FieldOrganizer, strings.Repeat("长", domain.RecordOrganizerMax+1), "", "不能超过100字"},
		{"start as an Excel date", FieldStart, serial, "2026-03-02", ""},
		{"start as a serial typed as text", FieldStart, "46083", "2026-03-02", ""},
		{"start as a serial number", FieldStart, 46083, "2026-03-02", ""},
		{"start with slashes", FieldStart, "2026/3/2", "2026-03-02", ""},
		{"start in Chinese", FieldStart, "2026年3月2日", "2026-03-02", ""},
		{"start with dots", FieldStart, "2026.3.2", "2026-03-02", ""},
		{"start compact", FieldStart, "20260302", "2026-03-02", ""},
		{"start with a time", FieldStart, "2026-03-02 00:00:00", "2026-03-02", ""},
		{"start full-width", FieldStart, "２０２６－０３－０２", "2026-03-02", ""},
		{"start that does not exist", FieldStart, "2026-02-30", "", "开始日期不存在"},
		{"start day-first", FieldStart, "2/3/2026", "", "开始日期格式无法识别"},
		{"start after end", FieldStart, "2026-03-04", "", ""},
		{"start before the person was sixteen", FieldStart, "2006-03-06", "", "开始日期早于该人员年满16周岁之日（2006-03-07"},
		{"start on the sixteenth birthday", FieldStart, "2006-03-07", "2006-03-07", ""},
		{"end in the future", FieldEnd, "2026-05-21", "", "结束日期不能晚于今天"},
		{"end missing", FieldEnd, "", "", "请填写结束日期"},
		{"hours full-width", FieldHours, "１２", "24", ""},
		{"hours with a unit", FieldHours, "8学时", "16", ""},
		{"hours as a computed number", FieldHours, 7.4999999999999, "15", ""},
		{"hours half", FieldHours, "1.5", "3", ""},
		{"hours off the half-hour grid", FieldHours, "2.3", "", "0.5的倍数"},
		{"hours zero", FieldHours, 0, "", "学时应大于0"},
		{"hours negative", FieldHours, -2, "", "学时应大于0"},
		{"hours text", FieldHours, "十二", "", "学时应为数字"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, filled(t, with(goodRow(), c.field, c.cell)))
			if len(s.Rows) != 1 {
				t.Fatalf("%d rows", len(s.Rows))
			}
			r := s.Rows[0]
			if c.name == "start after end" {
				if got := problem(r, FieldEnd); !strings.Contains(got, "结束日期不能早于开始日期") {
					t.Fatalf("end problem %q", got)
				}
				return
			}
			got := problem(r, c.field)
			if c.problem != "" {
				if !strings.Contains(got, c.problem) {
					t.Fatalf("problem %q, want ~ %q (all: %v)", got, c.problem, r.Problems)
				}
				return
			}
			if !r.Valid() {
				t.Fatalf("problems %v", r.Problems)
			}
			values := map[Field]string{FieldIDNumber: r.IDNumber, FieldName: r.Name, FieldCategory: r.Category,
				FieldTitle: r.Title, FieldStart: r.StartDate, FieldEnd: r.EndDate, FieldHours: strconv.Itoa(int(r.Hours))}
			if values[c.field] != c.want {
				t.Fatalf("value %q, want %q", values[c.field], c.want)
			}
		})
	}
}

func TestParseDate1904(t *testing.T) {
	data := workbook(t, func(f *excelize.File) {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
		setRow(t, f, "Sheet1", 1, labels()...)
		// 2026-03-02 is 44621 days after 1904-01-01.
		setRow(t, f, "Sheet1", 2, idChen, "陈志明", "专业科目", "其他", "课程", "", 44621, 44621, 8, "")
	})
	r := mustParse(t, data).Rows[0]
	if r.StartDate != "2026-03-02" || !r.Valid() {
		t.Fatalf("start %q problems %v", r.StartDate, r.Problems)
	}
}

func TestParseLayouts(t *testing.T) {
	good := goodRow()
	cases := []struct {
		name      string
		build     func(t *testing.T, f *excelize.File)
		sheet     string
		headerRow int
		rows      []int // row numbers read
	}{
		{"blank rows between and after the data", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, labels()...)
			setRow(t, f, "Sheet1", 2, good...)
			setRow(t, f, "Sheet1", 3, "  ", "", "\u3000")
			setRow(t, f, "Sheet1", 6, with(good, FieldTitle, "另一门课")...)
			setRow(t, f, "Sheet1", 9, "", "", "", "", "", "", "", "", "", "", "列外的注释")
		}, "Sheet1", 1, []int{2, 6}},
		{"extra sheets before the data", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "本文件由人事科整理")
			if _, err := f.NewSheet("数据"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "数据", 1, labels()...)
			setRow(t, f, "数据", 2, good...)
		}, "数据", 1, []int{2}},
		{"merged title rows above the header", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "2026年继续教育记录汇总")
			if err := f.MergeCell("Sheet1", "A1", "J1"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "Sheet1", 2, "填报单位：示范科技")
			if err := f.MergeCell("Sheet1", "A2", "J2"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "Sheet1", 3, labels()...)
			setRow(t, f, "Sheet1", 4, good...)
		}, "Sheet1", 3, []int{4}},
		{"two-level header with merged cells", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "身份证号", "姓名", "科目类别", "培训形式", "培训内容", "主办单位", "培训时间", "", "学时", "备注")
			setRow(t, f, "Sheet1", 2, "", "", "", "", "", "", "开始日期", "结束日期")
			for _, span := range [][2]string{{"A1", "A2"}, {"B1", "B2"}, {"G1", "H1"}, {"I1", "I2"}} {
				if err := f.MergeCell("Sheet1", span[0], span[1]); err != nil {
					t.Fatal(err)
				}
			}
			setRow(t, f, "Sheet1", 3, good...)
		}, "Sheet1", 2, []int{3}},
		{"other headers, reordered, starred and with hints", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "*姓名", "学时（小时）", "身份证号码", "科目", " 学习形式 ", "培训项目", "开始时间\n(YYYY-MM-DD)", "结束时间", "备注", "主办方")
			setRow(t, f, "Sheet1", 2, "陈志明", 12, idChen, "专业科目", "其他", "课程", "2026-03-02", "2026-03-03", "", "")
		}, "Sheet1", 1, []int{2}},
		{"the template's sheet comes first", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, labels()...)
			setRow(t, f, "Sheet1", 2, with(good, FieldTitle, "旧表")...)
			if _, err := f.NewSheet(DataSheet); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, DataSheet, 1, labels()...)
			setRow(t, f, DataSheet, 2, good...)
			setRow(t, f, DataSheet, 3, good...)
		}, DataSheet, 1, []int{2, 3}},
		{"an empty data sheet gives way to a filled one", func(t *testing.T, f *excelize.File) {
			if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, DataSheet, 1, labels()...)
			if _, err := f.NewSheet("Sheet2"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "Sheet2", 1, labels()...)
			setRow(t, f, "Sheet2", 2, good...)
		}, "Sheet2", 1, []int{2}},
		{"hidden sheets are ignored", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, labels()...)
			setRow(t, f, "Sheet1", 2, with(good, FieldTitle, "隐藏的旧数据")...)
			if _, err := f.NewSheet("Sheet2"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "Sheet2", 1, labels()...)
			setRow(t, f, "Sheet2", 2, good...)
			f.SetActiveSheet(1)
			if err := f.SetSheetVisible("Sheet1", false); err != nil {
				t.Fatal(err)
			}
		}, "Sheet2", 1, []int{2}},
		{"header on the tenth row", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 10, labels()...)
			setRow(t, f, "Sheet1", 11, good...)
		}, "Sheet1", 10, []int{11}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, workbook(t, func(f *excelize.File) { c.build(t, f) }))
			if s.Name != c.sheet || s.HeaderRow != c.headerRow {
				t.Fatalf("sheet %q header row %d, want %q %d", s.Name, s.HeaderRow, c.sheet, c.headerRow)
			}
			var got []int
			for _, r := range s.Rows {
				got = append(got, r.Number)
				if !r.Valid() {
					t.Errorf("row %d problems %v", r.Number, r.Problems)
				}
			}
			if len(got) != len(c.rows) {
				t.Fatalf("rows %v, want %v", got, c.rows)
			}
			for i := range got {
				if got[i] != c.rows[i] {
					t.Fatalf("rows %v, want %v", got, c.rows)
				}
			}
		})
	}
}

func TestParseRefusesSheets(t *testing.T) {
	cases := []struct {
		name     string
		build    func(t *testing.T, f *excelize.File)
		limits   func(*Limits)
		code     domain.Code
		contains string
	}{
		{"no header anywhere", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "张三", "12")
		}, nil, domain.CodeInvalid, "未找到表头"},
		{"header below the scanned rows", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 12, labels()...)
			setRow(t, f, "Sheet1", 13, goodRow()...)
		}, nil, domain.CodeInvalid, "未找到表头"},
		{"required columns missing", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "身份证号", "姓名", "科目类别", "培训形式", "培训内容", "开始日期")
			setRow(t, f, "Sheet1", 2, idChen)
		}, nil, domain.CodeInvalid, "缺少必填列：结束日期、学时"},
		{"too many rows", func(t *testing.T, f *excelize.File) {
			setRow(t, f, "Sheet1", 1, labels()...)
			for i := 2; i <= 5; i++ {
				setRow(t, f, "Sheet1", i, goodRow()...)
			}
		}, func(l *Limits) { l.MaxRows = 3 }, domain.CodeInvalid, "数据超过3行"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := options()
			if c.limits != nil {
				c.limits(&opt.Limits)
			}
			_, err := Parse(workbook(t, func(f *excelize.File) { c.build(t, f) }), opt)
			wantError(t, err, c.code, c.contains)
		})
	}
}

// zipOf builds a zip archive of the named parts.
func zipOf(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseRefusesFiles(t *testing.T) {
	good := filled(t, goodRow())
	var encrypted bytes.Buffer
	func() {
		f, err := excelize.OpenReader(bytes.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Write(&encrypted, excelize.Options{Password: "secret"}); err != nil {
			t.Fatal(err)
		}
	}()
	legacy := append(append([]byte{}, oleSignature...), bytes.Repeat([]byte{0}, 504)...)
	legacy = append(legacy, utf16LE("Workbook")...)
	manyParts := map[string][]byte{"xl/workbook.xml": []byte("<workbook/>")}
	for i := 0; i < 12; i++ {
		manyParts["xl/media/image"+strconv.Itoa(i)+".png"] = []byte("x")
	}
	cases := []struct {
		name     string
		data     []byte
		limits   func(*Limits)
		code     domain.Code
		contains string
	}{
		{"empty", nil, nil, domain.CodeInvalid, "文件为空"},
		{"over the size limit", good, func(l *Limits) { l.MaxBytes = int64(len(good)) - 1 }, domain.CodeTooLarge, "文件超过"},
		{"encrypted", encrypted.Bytes(), nil, domain.CodeUnsupportedContent, "已加密"},
		{"legacy .xls", legacy, nil, domain.CodeUnsupportedContent, ".xls"},
		{"csv", []byte("身份证号,姓名\n440106199003072517,陈志明\n"), nil, domain.CodeUnsupportedContent, "不是 Excel 工作簿"},
		{"a zip that is not a workbook", zipOf(t, map[string][]byte{"word/document.xml": []byte("<w/>")}), nil, domain.CodeUnsupportedContent, "不是 Excel 工作簿"},
		{"truncated", good[:len(good)/2], nil, domain.CodeUnsupportedContent, "已损坏"},
		{"a decompression bomb", zipOf(t, map[string][]byte{
			"xl/workbook.xml":          []byte("<workbook/>"),
			"xl/worksheets/sheet1.xml": bytes.Repeat([]byte("<row/>"), 400_000),
		}), func(l *Limits) { l.MaxUnzipped = 1 << 20 }, domain.CodeUnsupportedContent, "解压后超过1.0 MB"},
		{"too many parts", zipOf(t, manyParts), func(l *Limits) { l.MaxParts = 10 }, domain.CodeUnsupportedContent, "包含13个部件"},
		{"a workbook excelize cannot read", zipOf(t, map[string][]byte{"xl/workbook.xml": []byte("<workbook><sheets><sheet")}), nil,
			domain.CodeUnsupportedContent, "已损坏"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := options()
			if c.limits != nil {
				c.limits(&opt.Limits)
			}
			_, err := Parse(c.data, opt)
			wantError(t, err, c.code, c.contains)
		})
	}
}

// A part that inflates past the size its header declares is a damaged
// file, not one without a header.
func TestParseNamesAPartWithAForgedSize(t *testing.T) {
	good := filled(t, goodRow())
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		raw, err := zf.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		h := zf.FileHeader
		if strings.HasPrefix(h.Name, "xl/worksheets/") {
			h.UncompressedSize64 = 100
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Parse(buf.Bytes(), options())
	wantError(t, err, domain.CodeUnsupportedContent, "文件已损坏：压缩包中的部件“xl/worksheets/")
}

// A row marked as the example but holding someone's data is left out,
// with a warning; the untouched example is left out silently.
func TestParseWarnsOfAFilledExampleRow(t *testing.T) {
	s := mustParse(t, filled(t, goodRow(), with(goodRow(), FieldRemark, exampleMarker+"本行为填写示例")))
	if len(s.Rows) != 1 || len(s.Skipped) != 1 || s.Skipped[0].Number != 4 || !strings.Contains(s.Skipped[0].Message, "已按示例行忽略") {
		t.Fatalf("rows %d, skipped %+v", len(s.Rows), s.Skipped)
	}
	if s := mustParse(t, filled(t, goodRow())); len(s.Skipped) != 0 {
		t.Fatalf("the template's own example row warned: %+v", s.Skipped)
	}
}

func TestParseReportsProgress(t *testing.T) {
	rows := make([][]any, 1200)
	for i := range rows {
		rows[i] = with(goodRow(), FieldTitle, "课程"+strconv.Itoa(i))
	}
	var seen []int
	opt := options()
	opt.Progress = func(n int) { seen = append(seen, n) }
	s, err := Parse(filled(t, rows...), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 1200 || len(seen) != 2 || seen[0] != 500 || seen[1] != 1000 {
		t.Fatalf("rows %d, progress %v", len(s.Rows), seen)
	}
}

func TestErrorReportRoundTrip(t *testing.T) {
	s := mustParse(t, filled(t,
		goodRow(),
		with(goodRow(), FieldIDNumber, Number("4.40106199003072E+17")),
		with(with(goodRow(), FieldHours, "2.3"), FieldStart, Date(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))),
	))
	s.Rows[0].Add(FieldName, "姓名与身份证号对应的人员不一致")
	var buf bytes.Buffer
	if err := ErrorReport(&buf, testChoices, s.Rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := f.GetRows(DataSheet)
	if len(got) != 4 {
		t.Fatalf("want header and 3 bad rows, got %d rows", len(got))
	}
	if got[0][fieldCount] != reportRowLabel || got[0][fieldCount+1] != reportProblemLabel {
		t.Fatalf("extra columns %v", got[0])
	}
	if got[1][fieldCount] != "3" || !strings.Contains(got[1][fieldCount+1], "姓名：姓名与身份证号对应的人员不一致") {
		t.Errorf("row 1 %v", got[1])
	}
	if !strings.Contains(got[2][fieldCount+1], "身份证号：") || !strings.Contains(got[3][fieldCount+1], "学时：") {
		t.Errorf("problems %q %q", got[2][fieldCount+1], got[3][fieldCount+1])
	}
	// Dates understood are written out; the report reads back as a file
	// to upload again once fixed.
	if got[3][FieldStart] != "2026-03-01" {
		t.Errorf("start %q", got[3][FieldStart])
	}
	again := mustParse(t, buf.Bytes())
	if len(again.Rows) != 3 || again.Rows[0].IDNumber != idChen || !again.Rows[0].Valid() {
		t.Fatalf("report parsed back: %d rows, first %+v", len(again.Rows), again.Rows[0])
	}
	if problem(again.Rows[2], FieldHours) == "" {
		t.Errorf("the bad hours came back fixed: %+v", again.Rows[2])
	}
}
