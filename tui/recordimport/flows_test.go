package recordimport_test

import (
	"bytes"
	"os"
	"path/filepath"
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
	"jxjy/server/xlsximport"
	"jxjy/tui"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// start opens the TUI against a real server over db, logged in as
// demo-unit with 继续教育记录批量申报 open; the client is the TUI's.
func start(t *testing.T, db *store.DB) (*tuitest.Driver, *client.Client) {
	t.Helper()
	env := servertest.Start(t, db, false)
	c := client.New(env.URL, client.Options{RetryWait: 1})
	s := common.Services{Auth: c, Ref: c, Admin: c, Records: c, RecordImport: c}
	d := tuitest.New(t, tui.Options{Services: s, ServerURL: env.URL})
	d.Login(store.DemoUnit, store.DemoPassword)
	d.OpenModule("继续教育记录批量申报")
	return d, c
}

// retype replaces the focused field's text.
func retype(d *tuitest.Driver, s string) {
	d.Press(tea.KeyCtrlU)
	d.Type(s)
}

func sample(t *testing.T, dir string, rows int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := store.DemoImportWorkbook(&buf, rows, time.Now().In(time.FixedZone("CST", 8*3600))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "名单.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// spoil writes value into cell of the data sheet of the workbook at path.
func spoil(t *testing.T, path, cell, value string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellStr(xlsximport.DataSheet, cell, value); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// importedCount is how many records batch imports have stored.
func importedCount(t *testing.T, c *client.Client) int {
	t.Helper()
	page, err := c.ListRecords(t.Context(), domain.RecordFilter{Source: domain.SourceImport, PageRequest: domain.PageRequest{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

func dataRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsximport.DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The manual's four steps by keys: 模板下载, 上传模板, 数据入库, and the
// error report; then the same file again adds nothing.
func TestBatchImportFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, c := start(t, db)
		dir := t.TempDir()
		d.MustSee("第一步：按【t】模板下载")
		d.Fits("start")

		d.Type("t")
		d.MustSee("模板下载", "保存到", "继续教育记录导入模板.xlsx")
		tpl := filepath.Join(dir, "模板.xlsx")
		retype(d, tpl)
		d.Press(tea.KeyEnter)
		d.MustSee("已保存到")
		if rows := dataRows(t, tpl); len(rows) != 2 || rows[0][0] != "身份证号" {
			t.Fatalf("template rows %v", rows)
		}
		// Saving over it asks first, and n keeps the file.
		d.Type("t")
		retype(d, tpl)
		d.Press(tea.KeyEnter)
		d.MustSee("已存在，覆盖吗？(y/n)")
		d.Type("n")
		d.MustSee("保存到")
		d.Press(tea.KeyEsc)

		src := sample(t, dir, 150)
		d.Type("u")
		d.MustSee("文件路径", "tab 可浏览文件夹")
		d.Type(src)
		d.Press(tea.KeyEnter)
		d.MustSee("文件：名单.xlsx（工作表“导入数据”）", "共 149 行：有效 138，有误 11，已存在 0",
			"校验完成。按 i 将有效的行入库，按 e 保存错误报告", "行号", "列名", "问题")
		d.Fits("report")
		// The first problem is the ID number Excel turned into a number,
		// in full under the table.
		d.MustSee("[1/11]第42行，身份证号：身份证号被Excel转换为数字")
		d.Press(tea.KeyPgDown)
		d.MustSee("[11/11]第142行，开始日期：开始日期不存在")

		d.Type("e")
		d.MustSee("保存错误报告", "名单-错误报告.xlsx")
		report := filepath.Join(dir, "错误.xlsx")
		retype(d, report)
		d.Press(tea.KeyEnter)
		d.MustSee("已保存到")
		if rows := dataRows(t, report); len(rows) != 12 || !strings.Contains(rows[1][len(rows[1])-1], "科学计数法") {
			t.Fatalf("error report: %d rows, first %v", len(rows), rows[1])
		}

		// The file changes on disk after the check: a valid row made
		// invalid, more valid rows added. 数据入库 stores the report on
		// screen, not the file as it is now.
		sample(t, dir, 160)
		spoil(t, src, "A3", "4401")
		before := importedCount(t, c)
		d.Type("i")
		d.MustSee("将入库上述校验报告中的138条有效记录", "存在0行不入库")
		d.Type("y")
		d.MustSee("已入库138条记录（有误11行、已存在0行未入库）", "（已入库）")
		d.Fits("imported")
		if n := importedCount(t, c) - before; n != 138 {
			t.Fatalf("%d records stored, want the report's 138", n)
		}
		d.Type("i")
		d.MustSee("该校验报告中的有效记录已入库")

		// The file as it is now, uploaded again: its first row is now
		// bad, the other good rows are there already, and the added
		// ones are new.
		d.Type("u")
		d.MustSee("名单.xlsx ")
		d.Press(tea.KeyEnter)
		d.MustSee("共 159 行：有效 10，有误 12，已存在 137", "已有相同记录")
		// Only what needs fixing, counted by kind.
		d.Type("f")
		d.MustSee("只看有误（f 显示全部）：身份证号", "[1/12]第3行，身份证号")
		d.MustNotSee("已有相同记录")
		d.Fits("errors only")
		d.Type("f")
		d.MustSee("已有相同记录")
		d.MustNotSee("只看有误（f")
		d.Type("i")
		d.MustSee("将入库上述校验报告中的10条有效记录")
		d.Type("y")
		d.MustSee("已入库10条记录")
		if n := importedCount(t, c) - before; n != 148 {
			t.Fatalf("%d records stored, want 148", n)
		}
		// And once more: nothing left to store.
		d.Type("u")
		d.Press(tea.KeyEnter)
		d.MustSee("有效 0", "没有可入库的行")
		d.Type("i")
		d.MustSee("没有可入库的有效行")
	})
}

// A file that is not a workbook is refused at the path field, and what
// was typed stays; the picker lists only folders and workbooks.
func TestBatchImportRefusalsAndPicker(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db)
		dir := t.TempDir()
		fake := filepath.Join(dir, "导出.xlsx")
		if err := os.WriteFile(fake, []byte("身份证号,姓名\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "说明.txt"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		d.Type("i")
		d.MustSee("请先按 u 上传填写好的模板")
		d.Type("u")
		d.Type(fake)
		d.Press(tea.KeyEnter)
		d.MustSee("文件路径", "不是 Excel 工作簿")
		retype(d, filepath.Join(dir, "没有这个文件.xlsx"))
		d.Press(tea.KeyEnter)
		d.MustSee("无法打开：文件或文件夹不存在")

		retype(d, dir+string(filepath.Separator))
		d.Press(tea.KeyTab)
		d.MustSee("位置：", "导出.xlsx")
		d.MustNotSee("说明.txt")
		d.Fits("picker")
		d.Press(tea.KeyEnter) // the only entry: 导出.xlsx
		d.MustSee("不是 Excel 工作簿")
		d.Press(tea.KeyEsc)
		d.MustSee("第一步：按【t】模板下载")
	})
}

// Over SSH the operator's files come through the inbox and leave through
// the outbox: nothing is asked, nothing is overwritten, and the screen
// says how to fetch what was saved.
func TestBatchImportOverSSH(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		root := t.TempDir()
		for _, dir := range []string{common.InboxName, common.OutboxName} {
			if err := os.Mkdir(filepath.Join(root, dir), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		sample(t, filepath.Join(root, common.InboxName), 40)
		env := servertest.Start(t, db, false)
		c := client.New(env.URL, client.Options{RetryWait: 1})
		d := tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c, RecordImport: c}, ServerURL: env.URL,
			Files: common.Files{Mode: common.SSHFiles, Root: root, SSHUser: "clerk", SSHHost: "jxjy.example", SSHPort: 2222}})
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("继续教育记录批量申报")

		d.Type("t")
		d.MustSee("已保存到", "outbox/继续教育记录导入模板.xlsx", "-P 2222")
		d.Type("t")
		if _, err := os.Stat(filepath.Join(root, common.OutboxName, "继续教育记录导入模板-2.xlsx")); err != nil {
			t.Fatalf("the second template did not go beside the first: %v", err)
		}
		d.Fits("saved over SSH")

		d.Type("u")
		d.MustSee("scp -P 2222 文件名")
		d.Type("名单.xlsx")
		d.Press(tea.KeyEnter)
		d.MustSee("共 40 行：有效 39，有误 1，已存在 0")
		d.Type("e")
		d.MustSee("outbox/名单-错误报告.xlsx", "clerk@jxjy.example")
		d.Fits("report saved over SSH")
		if rows := dataRows(t, filepath.Join(root, common.OutboxName, "名单-错误报告.xlsx")); len(rows) != 2 {
			t.Fatalf("error report rows %v", rows)
		}
		// A path leading out of the operator's folder is refused.
		d.Type("u")
		retype(d, "../../etc/passwd")
		d.Press(tea.KeyEnter)
		d.MustSee("无法打开：只能访问本人的 inbox 和")
	})
}

// Over SSH the picker opened with nothing typed starts in the inbox, not
// in the server process's own folder (which the operator may not see).
func TestBatchImportPickerStartsInTheInboxOverSSH(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		root := t.TempDir()
		for _, dir := range []string{common.InboxName, common.OutboxName} {
			if err := os.Mkdir(filepath.Join(root, dir), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		sample(t, filepath.Join(root, common.InboxName), 5)
		env := servertest.Start(t, db, false)
		c := client.New(env.URL, client.Options{RetryWait: 1})
		d := tuitest.New(t, tui.Options{Services: common.Services{Auth: c, Ref: c, Admin: c, RecordImport: c}, ServerURL: env.URL,
			Files: common.Files{Mode: common.SSHFiles, Root: root, SSHUser: "clerk", SSHHost: "jxjy.example", SSHPort: 2222}})
		d.Login(store.DemoUnit, store.DemoPassword)
		d.OpenModule("继续教育记录批量申报")
		d.Type("u")
		d.Press(tea.KeyTab)
		d.MustSee("名单.xlsx")
		d.MustNotSee("只能访问本人")
	})
}
