package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
)

func record(i int) domain.QueryRecord {
	first17 := fmt.Sprintf("44010619900307%03d", i%1000)
	return domain.QueryRecord{ID: int64(i), PersonName: "陈志明", IDNumber: first17 + string(domain.IDCheckChar(first17)),
		Category: "public", CategoryLabel: "公需科目", FormLabel: "网络学习", Title: "专业技术人员职业道德与诚信建设",
		Organizer: "广东省专业技术人员继续教育网", StartDate: "2026-03-01", EndDate: "2026-03-04", Year: 2026,
		Hours: domain.Hours(3), Source: domain.SourceImport, EffectiveAt: time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)}
}

func TestRecordSheetKeepsIDNumbersAsTextUnderChineseHeaders(t *testing.T) {
	s, err := NewRecordSheet()
	if err != nil {
		t.Fatal(err)
	}
	const n = 2500
	for i := range n {
		if err := s.Add(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if sheet != "继续教育培训记录" || len(rows) != n+1 {
		t.Fatalf("sheet %q with %d rows", sheet, len(rows))
	}
	if strings.Join(rows[0][:4], ",") != "序号,姓名,身份证号,科目类别" || rows[0][10] != "学时" {
		t.Fatalf("header %v", rows[0])
	}
	want := record(7)
	got := rows[8]
	if got[2] != want.IDNumber || got[1] != "陈志明" || got[10] != "1.5" || got[11] != "批量申报" || got[12] != "2026-03-05 10:00" {
		t.Fatalf("row %v", got)
	}
	// The ID number is a string cell in a text-formatted cell, never a
	// number Excel would round.
	typ, err := f.GetCellType(sheet, "C9")
	if err != nil || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Fatalf("ID cell type %v %v", typ, err)
	}
	styleID, err := f.GetCellStyle(sheet, "C9")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(styleID)
	if err != nil || style.NumFmt != textFormat {
		t.Fatalf("ID cell style %+v %v", style, err)
	}
	if typ, _ := f.GetCellType(sheet, "K9"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("hours cell type %v", typ)
	}
}

func TestStatsWorkbookHoldsEveryBreakdown(t *testing.T) {
	st := domain.Stats{Year: 2026, ScopeName: "广州市人力资源和社会保障局", Units: 2, Persons: 10, Records: 30, Hours: 200,
		RequiredTotal: 180, RequiredPublic: 60, RequiredProfessional: 84, Met: 4, NotMet: 6,
		ByCategory: []domain.StatItem{{Key: "public", Label: "公需科目", Records: 10, Hours: 61}},
		ByMonth:    []domain.StatItem{{Key: "01", Label: "1月", Records: 3, Hours: 9}},
		ByRegion:   []domain.StatItem{{Key: "440106", Label: "天河区", Records: 30, Hours: 200, Persons: 10}}, RegionLevel: "区县"}
	var buf bytes.Buffer
	if err := WriteStats(&buf, st); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "概况,按科目类别,按月份,按区县" {
		t.Fatalf("sheets %s", got)
	}
	overview, _ := f.GetRows("概况")
	if overview[4][1] != "10" || overview[10][1] != "40.0%" || !strings.Contains(overview[7][1], "90") {
		t.Fatalf("overview %v", overview)
	}
	region, _ := f.GetRows("按区县")
	if strings.Join(region[0], ",") != "区县,记录数,学时,专业技术人员数" || strings.Join(region[1], ",") != "天河区,30,100,10" {
		t.Fatalf("regions %v", region)
	}
	cats, _ := f.GetRows("按科目类别")
	if strings.Join(cats[1], ",") != "公需科目,10,30.5" {
		t.Fatalf("categories %v", cats)
	}
}
