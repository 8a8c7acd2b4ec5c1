package query_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/xuri/excelize/v2"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
	"jxjy/tui/tuitest"
)

// start opens the TUI against a real server over db; saved files land in
// a fresh folder, the one the UI "was started in".
func start(t *testing.T, db *store.DB, ascii bool) (*tuitest.Driver, *servertest.Env, string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, History: c, Attachments: c, Courses: c, Queries: c}
	return tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL, ASCII: ascii}), env, dir
}

func TestPlanQueryShowsApprovedPlansInFull(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _, _ := start(t, db, false)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("专业课计划查询")
		d.MustSee("全部已通过计划", "2026年度人工智能")
		d.Fits("plan list")
		d.Press(tea.KeyEnter)
		d.MustSee("计划与培训班", "计划名称", "培训班 1：")
		d.Fits("plan detail")
		d.Press(tea.KeyPgDown)
		d.MustSee("班主任", "授课教师", "人工智能发展概论")
		d.Press(tea.KeyCtrlN)
		d.MustSee("附件(1)", "培训计划书.pdf")
		d.Press(tea.KeyCtrlN)
		d.Press(tea.KeyEsc)

		// 查询 with a year nobody planned for finds nothing; the filter
		// line says what was asked.
		d.Type("/")
		d.MustSee("查询条件", "年度", "专业课程", "计划名称")
		d.Type("2099")
		d.Press(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
		d.MustSee("查询：年度=2099", "没有符合条件的已通过计划")
		d.Type("/")
		d.Press(tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace)
		d.Press(tea.KeyEnter, tea.KeyEnter)
		d.Type("人工智能")
		d.Press(tea.KeyEnter)
		d.MustSee("查询：名称=人工智能", "2026年度人工智能")
	})
}

func TestRecordQueryFiltersMarksAndExports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, env, dir := start(t, db, false)
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("继续教育培训记录查询")
		d.MustSee("全部有效记录", "陈志明")
		d.Fits("record list")
		d.Type("/")
		d.Type("黄思琪")
		d.Press(tea.KeyCtrlS)
		d.MustSee("⚠黄思琪")

		d.Type("/")
		for range 3 {
			d.Press(tea.KeyBackspace)
		}
		d.Type("陈志明")
		d.Press(tea.KeyCtrlS)
		d.MustSee("查询：姓名=陈志明", "陈志明")
		d.MustNotSee("黄思琪")
		d.Press(tea.KeyEnter)
		d.MustSee("培训记录详情", "身份证号", store.DemoPerson, "生效时间")
		d.Press(tea.KeyEsc)

		d.Type("x")
		d.MustSee("导出继续教育培训记录", "文件名", "查询：姓名=陈志明")
		d.Fits("export")
		d.Press(tea.KeyEnter)
		d.MustSee("已导出", "条记录", "已保存到", "100%")
		d.Fits("exported")
		want := countRecords(t, env, "陈志明")
		files, _ := filepath.Glob(filepath.Join(dir, "继续教育培训记录_*.xlsx"))
		if len(files) != 1 {
			t.Fatalf("saved files %v", files)
		}
		rows := readSheet(t, files[0])
		if len(rows) != want+1 || rows[0][2] != "身份证号" || rows[1][2] != store.DemoPerson || rows[1][1] != "陈志明" {
			t.Fatalf("%d rows, want %d: %v", len(rows)-1, want, rows)
		}
		// A second export of the same name never replaces the first.
		d.Press(tea.KeyEsc)
		d.Type("x")
		d.Press(tea.KeyEnter)
		d.MustSee("已导出")
		files, _ = filepath.Glob(filepath.Join(dir, "继续教育培训记录_*.xlsx"))
		if len(files) != 2 {
			t.Fatalf("saved files %v", files)
		}
	})
}

func countRecords(t *testing.T, env *servertest.Env, name string) int {
	t.Helper()
	c := env.Client()
	if _, err := c.Login(t.Context(), domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaCode: "x"}); err != nil {
		t.Fatal(err)
	}
	page, err := c.QueryRecords(t.Context(), domain.RecordQuery{Name: name})
	if err != nil || page.Total == 0 {
		t.Fatalf("%+v %v", page, err)
	}
	return page.Total
}

func readSheet(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var barLine = regexp.MustCompile(`(已达标|未达标|公需科目|专业科目|选修科目|\d+月|天河区|越秀区) +[█▉▊▋▌▍▎▏#]*`)

// The statistics at 80×24: charts with their Chinese labels aligned, the
// unit's summary inside 继续教育培训记录查询 and the authority's 统计 by
// district; x exports the same figures.
func TestStatisticsChartsAt80x24(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		for _, ascii := range []bool{false, true} {
			d, _, dir := start(t, db, ascii)
			d.Login(store.DemoUnit, store.DemoPassword)
			d.OpenModule("继续教育培训记录查询")
			d.Type("s")
			d.MustSee("广州市天河区示范科技有限公司", "达标情况", "已达标", "未达标", "按科目类别", "公需科目")
			d.Fits("unit stats")
			checkBars(t, d.View())
			d.Press(tea.KeyPgDown)
			d.MustSee("按月份", "12月")
			checkBars(t, d.View())
			d.Type("[")
			year := strconv.Itoa(thisYear() - 1)
			d.MustSee(year + "年度")
			d.Type("x")
			d.MustSee("已保存到")
			if files, _ := filepath.Glob(filepath.Join(dir, "统计_*_"+year+".xlsx")); len(files) != 1 {
				t.Fatalf("stats workbook: %v", files)
			}
			d.Press(tea.KeyCtrlX)

			d.Login(store.DemoAuthority, store.DemoPassword)
			d.OpenModule("统计")
			d.MustSee("广州市人力资源和社会保障局", "统计于", "已达标")
			d.Fits("authority stats")
			for range 4 {
				d.Press(tea.KeyPgDown)
			}
			d.MustSee("按区县", "天河区", "越秀区")
			d.Fits("authority stats by district")
			checkBars(t, d.View())
			if ascii && strings.ContainsAny(d.View(), "█⚠…●") {
				t.Fatalf("ASCII theme shows Unicode glyphs:\n%s", d.View())
			}
			d.Press(tea.KeyCtrlX)
		}
	})
}

// checkBars asserts the bars of each chart on screen start in one column:
// the labels are padded to equal width by cells, Chinese counting two.
func checkBars(t *testing.T, view string) {
	t.Helper()
	charts, run := 0, map[int]bool{}
	end := func() {
		if len(run) > 1 {
			t.Errorf("bars of one chart start in columns %v:\n%s", run, view)
		}
		if len(run) > 0 {
			charts++
		}
		run = map[int]bool{}
	}
	for _, l := range strings.Split(view, "\n") {
		m := barLine.FindStringSubmatchIndex(l)
		if m == nil {
			end()
			continue
		}
		run[textwidth.Width(l[:m[3]])+1] = true
	}
	end()
	if charts == 0 {
		t.Errorf("no chart on screen:\n%s", view)
	}
}

func thisYear() int { return time.Now().In(time.FixedZone("CST", 8*3600)).Year() }
