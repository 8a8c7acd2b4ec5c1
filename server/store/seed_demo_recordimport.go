package store

import (
	"fmt"
	"io"
	"strings"
	"time"

	"jxjy/server/domain"
	"jxjy/server/xlsximport"
)

// DemoImportWorkbook writes a filled 继续教育记录批量申报 template for
// demo-unit's persons, as a clerk would upload it: mostly good rows, and
// every tenth row one of the traps real files carry, so that uploading it
// shows the validation at work. today is the date in China; the dates of
// the rows lie before it. The demo data set is fixed, so the file fits
// any database seeded with it.
func DemoImportWorkbook(w io.Writer, rows int, today time.Time) error {
	ch := seedChoices()
	return xlsximport.Filled(w, ch, demoImportRows(rows, today, ch))
}

// ImportPerson is a person a generated import file names.
type ImportPerson struct{ IDNumber, Name string }

// ImportWorkbook writes a filled template of rows good rows naming persons
// in turn, laid out as DemoImportWorkbook's good rows. batch goes into
// every 培训内容, so files of different batches hold different records:
// benchmarks import one file after another, each stored afresh.
func ImportWorkbook(w io.Writer, persons []ImportPerson, rows int, today time.Time, batch string) error {
	if len(persons) == 0 {
		return fmt.Errorf("store: an import file needs persons")
	}
	ch := seedChoices()
	out := make([][]any, rows)
	for i := range out {
		out[i] = goodImportRow(persons, i, today, ch, batch)
	}
	return xlsximport.Filled(w, ch, out)
}

// seedChoices are the labels of the seeded category and form
// dictionaries, as the template's drop-downs offer them.
func seedChoices() xlsximport.Choices {
	var ch xlsximport.Choices
	for _, d := range seedDicts {
		for _, it := range d.items {
			switch d.kind {
			case domain.DictCategory:
				ch.Categories = append(ch.Categories, it.Label)
			case domain.DictForm:
				ch.Forms = append(ch.Forms, it.Label)
			}
		}
	}
	return ch
}

// goodImportRow is row i as it should be: a distinct course, person and
// period, with hours within the default cap of 8 a day.
func goodImportRow(persons []ImportPerson, i int, today time.Time, ch xlsximport.Choices, batch string) []any {
	p := persons[i%len(persons)]
	c := demoCourses[i%len(demoCourses)]
	days := 1 + i%3
	start := 20 + (i/len(persons))%300
	day := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format(domain.DateLayout) }
	return []any{p.IDNumber, p.Name, ch.Categories[i%len(ch.Categories)], ch.Forms[i%len(ch.Forms)],
		fmt.Sprintf("%s（%s第%d期）", c.name, batch, i+1), "广东省继续教育学院", day(start), day(start - days + 1),
		float64(4 * days), ""}
}

// demoImportRows are rows data rows; row i is good unless i%10 == 9.
func demoImportRows(rows int, today time.Time, ch xlsximport.Choices) [][]any {
	var confirmed, pending, outsiders []demoPerson
	for _, p := range demoPersons {
		switch p.status {
		case domain.AffiliationConfirmed:
			confirmed = append(confirmed, p)
		case domain.AffiliationPending:
			pending = append(pending, p)
		default:
			outsiders = append(outsiders, p)
		}
	}
	day := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format(domain.DateLayout) }
	members := make([]ImportPerson, len(confirmed))
	for i, p := range confirmed {
		members[i] = ImportPerson{IDNumber: p.idNumber(), Name: p.name}
	}
	good := func(i int) []any { return goodImportRow(members, i, today, ch, "") }
	set := func(row []any, f xlsximport.Field, v any) []any {
		row[f] = v
		return row
	}
	traps := []func(i int) []any{
		// Handled: full-width digits, stray spaces, an Excel date, a date
		// in Chinese, hours in full-width.
		func(i int) []any {
			r := good(i)
			r[xlsximport.FieldIDNumber] = fullWidth(r[xlsximport.FieldIDNumber].(string))
			return set(r, xlsximport.FieldName, " "+r[xlsximport.FieldName].(string)+"\u3000")
		},
		func(i int) []any {
			r := good(i)
			start, _ := time.Parse(domain.DateLayout, r[xlsximport.FieldStart].(string))
			return set(r, xlsximport.FieldStart, xlsximport.Date(start))
		},
		func(i int) []any {
			r := good(i)
			end, _ := time.Parse(domain.DateLayout, r[xlsximport.FieldEnd].(string))
			r[xlsximport.FieldHours] = "２.５"
			return set(r, xlsximport.FieldEnd, end.Format("2006年1月2日"))
		},
		// Reported.
		func(i int) []any {
			return set(good(i), xlsximport.FieldIDNumber, xlsximport.Number(scientific(confirmed[i%len(confirmed)].idNumber())))
		},
		func(i int) []any {
			r := good(i)
			return set(r, xlsximport.FieldName, strings.Replace(r[xlsximport.FieldName].(string), "明", "名", 1)+"某")
		},
		func(i int) []any {
			p := pending[i%len(pending)]
			return set(set(good(i), xlsximport.FieldIDNumber, p.idNumber()), xlsximport.FieldName, p.name)
		},
		func(i int) []any {
			p := outsiders[i%len(outsiders)]
			return set(set(good(i), xlsximport.FieldIDNumber, p.idNumber()), xlsximport.FieldName, p.name)
		},
		func(i int) []any { return set(good(i), xlsximport.FieldHours, 30) },
		func(i int) []any { return set(good(i), xlsximport.FieldEnd, day(-3)) },
		func(i int) []any { return set(good(i), xlsximport.FieldStart, day(0)) },
		func(i int) []any { return set(good(i), xlsximport.FieldCategory, "公共科目") },
		func(i int) []any { return set(good(i), xlsximport.FieldHours, "2.3") },
		func(i int) []any { return good(i - 1) }, // the row above, again
		func(i int) []any { return set(good(i), xlsximport.FieldStart, "2025-02-30") },
		func(int) []any { return []any{"", " ", ""} }, // blank: skipped
	}
	out := make([][]any, 0, rows)
	for i := 0; i < rows; i++ {
		if i%10 == 9 {
			out = append(out, traps[(i/10)%len(traps)](i))
		} else {
			out = append(out, good(i))
		}
	}
	return out
}

// fullWidth writes ASCII digits and letters as an IME's full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// scientific is an ID number as Excel stores it once typed into a number
// cell: 15 significant digits in scientific notation.
func scientific(idNumber string) string {
	return idNumber[:1] + "." + strings.TrimRight(idNumber[1:15], "0") + "E+17"
}
