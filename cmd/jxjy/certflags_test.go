package main

import (
	"context"
	"strings"
	"testing"
)

// Every command that runs a server refuses a public address a QR code
// could not open, before opening anything; `jxjy ssh --server` refuses
// the embedded server's certificate settings.
func TestPublicURLIsCheckedWhereAServerRuns(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	for _, args := range [][]string{
		{"serve", "--public-url", "jxjy.example.gov.cn"},
		{"--public-url", "ftp://jxjy.example.gov.cn"},
		{"ssh", "--public-url", "https://jxjy.example.gov.cn/?x=1"},
	} {
		if err := run(context.Background(), args); err == nil || !strings.Contains(err.Error(), "公开地址") {
			t.Errorf("%v: %v, want the public address refused", args, err)
		}
	}
	err := run(context.Background(), []string{"ssh", "--server", "http://127.0.0.1:1", "--public-url", "https://jxjy.example.gov.cn"})
	if err == nil || !strings.Contains(err.Error(), "jxjy serve") {
		t.Errorf("ssh --server with --public-url: %v", err)
	}
}
