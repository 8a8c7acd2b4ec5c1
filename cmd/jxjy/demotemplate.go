package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// runDemoTemplate writes demo-unit's filled 继续教育记录批量申报 file, the
// one the README's demo uploads: made by the program from the demo data,
// so the repository carries no spreadsheet.
func runDemoTemplate(args []string) error {
	flagSet := newFlagSet("demo-template")
	out := flagSet.String("out", "继续教育记录导入示例.xlsx", "file to write")
	rows := flagSet.Int("rows", 150, "data rows; one in ten shows a common mistake")
	force := flagSet.Bool("force", false, "replace an existing file")
	if err := parse(flagSet, args); err != nil {
		return err
	}
	if *rows < 1 || *rows > domain.MaxImportRows {
		return fmt.Errorf("--rows 应在 1 到 %d 之间", domain.MaxImportRows)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(*out, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("文件已存在：%s（加 --force 覆盖）", *out)
	}
	if err != nil {
		return err
	}
	today := time.Now().In(domain.ChinaTime)
	err = store.DemoImportWorkbook(f, *rows, today)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Printf("已生成 %s：%d 行数据，每10行中有1行演示常见问题。以 demo-unit 登录，在“继续教育记录批量申报”中按 u 上传。\n", *out, *rows)
	return nil
}
