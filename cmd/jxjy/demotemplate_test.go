package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/server/xlsximport"
)

func TestDemoTemplateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "示例.xlsx")
	if err := run(t.Context(), []string{"demo-template", "--out", out, "--rows", "40"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := xlsximport.Parse(data, xlsximport.Options{Today: time.Now(), Limits: xlsximport.DefaultLimits()})
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Rows) != 40 {
		t.Errorf("%d rows, want 40", len(sheet.Rows))
	}
	// An existing file is kept unless --force.
	err = run(t.Context(), []string{"demo-template", "--out", out})
	if err == nil || !strings.Contains(err.Error(), "已存在") {
		t.Fatalf("overwrote without --force: %v", err)
	}
	if err := run(t.Context(), []string{"demo-template", "--out", out, "--rows", "5", "--force"}); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"demo-template", "--rows", "0"}); err == nil {
		t.Fatal("0 rows accepted")
	}
}
