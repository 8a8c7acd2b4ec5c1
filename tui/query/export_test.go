package query

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
)

// streamingQueries is a QueryService whose export hands out n records,
// pausing once half-way so the screen is seen with a half-full bar.
type streamingQueries struct {
	domain.QueryService
	n int
}

func (s streamingQueries) ExportRecords(ctx context.Context, _ domain.RecordQuery, each func(domain.QueryRecord, int, int) error) error {
	for i := 1; i <= s.n; i++ {
		if i == s.n/2+1 {
			time.Sleep(2 * progressEvery)
		}
		first17 := fmt.Sprintf("4401061980%04d%03d", i%10000, i%1000)
		r := domain.QueryRecord{ID: int64(i), PersonName: "测试人员" + fmt.Sprint(i%10000),
			IDNumber: first17 + string(domain.IDCheckChar(first17)), CategoryLabel: "专业科目", FormLabel: "网络学习",
			Title: "专业技术人员继续教育课程", StartDate: "2026-03-01", EndDate: "2026-03-02", Year: 2026,
			Hours: domain.HoursOf(8), Source: domain.SourceImport}
		if err := each(r, i, s.n); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// An export of 100,000 records shows its progress as the rows stream in,
// then saves a workbook with every row, Chinese headers and the ID
// numbers as text.
func TestExportOf100000RecordsShowsProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100,000-row workbook")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	const n = 100_000
	c := common.New(common.Services{Queries: streamingQueries{n: n}}, false, "")
	st := pane.NewStack(c, func(s *pane.Stack) common.Component { return newExport(s, domain.RecordQuery{}, "全部有效记录") })
	v := st.Top().(*exportView)
	v.SetSize(50, 17)

	start := time.Now()
	cmd := v.Update(tea.KeyMsg{Type: tea.KeyEnter})
	var halfway string
	for cmd != nil {
		msg := cmd()
		if ev, ok := msg.(exported); ok && !ev.end && ev.done > n/2 && halfway == "" {
			cmd = v.Update(msg)
			halfway = v.View()
			continue
		}
		cmd = v.Update(msg)
	}
	t.Logf("exported %d rows in %s", n, time.Since(start).Round(time.Millisecond))
	if !strings.Contains(halfway, "正在导出") || !strings.Contains(halfway, "/ 100,000 条") ||
		!strings.Contains(halfway, "█") || !strings.Contains(halfway, "  ]") {
		t.Fatalf("no half-full progress bar:\n%s", halfway)
	}
	final := v.View()
	if !strings.Contains(final, "已导出 100,000 条记录") || !strings.Contains(final, "100%") {
		t.Fatalf("final screen:\n%s", final)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	// Count the rows in the sheet's XML: reading 100,000 rows back through
	// excelize takes far longer than writing them. Headers, text-styled ID
	// numbers and cell types are read back in package export's tests.
	z, err := zip.OpenReader(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	rows, sheetXML := 0, ""
	for _, zf := range z.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			rows = bytes.Count(b, []byte("<row "))
			sheetXML = string(b)
		}
	}
	if rows != n+1 || !strings.Contains(sheetXML, "身份证号") || !strings.Contains(sheetXML, `<c r="A100001"`) {
		t.Fatalf("%d rows in the sheet", rows)
	}
}

func TestCancelledExportLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	c := common.New(common.Services{Queries: streamingQueries{n: 4000}}, false, "")
	st := pane.NewStack(c, func(s *pane.Stack) common.Component { return newExport(s, domain.RecordQuery{}, "") })
	v := st.Top().(*exportView)
	v.SetSize(50, 17)
	cmd := v.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if !v.Nested() {
		t.Fatal("esc would leave a running export")
	}
	v.Update(tea.KeyMsg{Type: tea.KeyEsc})
	for cmd != nil {
		cmd = v.Update(cmd())
	}
	if !strings.Contains(v.View(), "已取消导出") {
		t.Fatalf("screen:\n%s", v.View())
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("left %v", files)
	}
}
