// Package xlsximport reads and writes the workbook of 继续教育记录批量申报
// (1.6.2): the template a unit downloads, the filled file it uploads and the
// error report it saves. It knows spreadsheets, not the database: it turns
// cells into checked values and leaves people, dictionaries, hour caps and
// duplicates to the store.
//
// Real files are untidy, and every trap is either handled or reported
// precisely: ID numbers that Excel turned into numbers (scientific
// notation loses the last digits), dates as text in several spellings or
// as Excel serial numbers, full-width digits and spaces, stray spaces,
// blank rows, extra sheets, title rows and merged or two-level headers.
// Files that are not .xlsx, are encrypted, too big or decompression bombs
// are refused before excelize parses them, with bounded memory.
package xlsximport

import (
	"strings"

	"jxjy/server/domain"
)

// Field is one column of the template.
type Field int

const (
	FieldIDNumber Field = iota
	FieldName
	FieldCategory
	FieldForm
	FieldTitle
	FieldOrganizer
	FieldStart
	FieldEnd
	FieldHours
	FieldRemark
	fieldCount
)

// column describes a field: its header in the template, other headers
// that mean it in files made by hand, and its line in 填写说明.
type column struct {
	label    string
	aliases  []string
	required bool
	width    float64
	hint     string
}

var columns = [fieldCount]column{
	FieldIDNumber: {"身份证号", []string{"身份证号码", "公民身份号码", "证件号码", "身份证"}, true, 22,
		"18位居民身份证号，末位X大小写均可。本列为文本格式，请勿改为数字：Excel会把长数字变成科学计数法并丢失末几位"},
	FieldName: {"姓名", []string{"人员姓名", "专业技术人员姓名"}, true, 10,
		"须与本单位专业技术人员信息中的姓名一致"},
	FieldCategory: {"科目类别", []string{"科目", "类别", "科目类型"}, true, 12,
		"从下拉列表选择"},
	FieldForm: {"培训形式", []string{"学习形式", "形式", "培训方式", "学习方式"}, true, 16,
		"从下拉列表选择"},
	FieldTitle: {"培训内容", []string{"培训项目", "培训名称", "学习内容", "课程名称", "项目名称", "内容"}, true, 30,
		"培训、会议、讲座等的名称，最多200字"},
	FieldOrganizer: {"主办单位", []string{"主办方", "举办单位", "培训机构", "施教机构"}, false, 24,
		"选填，最多100字"},
	FieldStart: {"开始日期", []string{"开始时间", "培训开始日期", "起始日期"}, true, 13,
		"如 2025-03-15（也可写 2025/3/15、2025年3月15日，或使用Excel日期），不能晚于结束日期"},
	FieldEnd: {"结束日期", []string{"结束时间", "培训结束日期", "截止日期"}, true, 13,
		"不能晚于今天；记录计入结束日期所在年度"},
	FieldHours: {"学时", []string{"学时数", "培训学时", "获得学时"}, true, 8,
		"大于0，以0.5为单位，且不超过“每天上限 × 天数”（每天上限按该年度学时要求，默认8学时）"},
	FieldRemark: {"备注", []string{"说明"}, false, 24,
		"选填，最多500字"},
}

// Label is the field's header in the template, as problems name it.
func (f Field) Label() string { return columns[f].label }

// Fields lists every field in template order.
func Fields() []Field {
	out := make([]Field, fieldCount)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

// exampleMarker starts the 备注 of the template's example row; rows whose
// 备注 starts with it are skipped, so a forgotten example is never imported.
const exampleMarker = "【示例】"

// headerFields maps every accepted header, normalised, to its field.
var headerFields = func() map[string]Field {
	m := map[string]Field{}
	for i, c := range columns {
		m[c.label] = Field(i)
		for _, a := range c.aliases {
			m[a] = Field(i)
		}
	}
	return m
}()

// normalizeHeader reduces a header cell to the words that name it:
// full-width forms, spaces and line breaks, required-field stars and hints
// in brackets ("*开始日期（YYYY-MM-DD）") are dropped.
func normalizeHeader(s string) string {
	s = removeSpaces(domain.NormalizeInput(s))
	s = strings.Trim(s, "*")
	if i := strings.IndexAny(s, "([【"); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, ":：")
}

// removeSpaces drops every whitespace character, including the ones
// NormalizeInput leaves inside a value (tabs, line breaks, no-break spaces).
func removeSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u3000', '\u2002', '\u2003', '\u2009', '\u200b', '\ufeff':
			return -1
		}
		return r
	}, s)
}
