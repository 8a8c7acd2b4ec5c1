package main

import (
	"context"
	"strings"
	"testing"
)

// A slow-client timeout of zero would mean none; `jxjy serve` refuses it,
// and a negative attachment count, before opening anything.
func TestServeRefusesLimitsThatDisableThemselves(t *testing.T) {
	for _, args := range [][]string{
		{"--read-header-timeout", "0s"},
		{"--read-timeout", "-1s"},
		{"--write-timeout", "0s"},
		{"--idle-timeout", "0s"},
		{"--max-attachments", "-1"},
	} {
		err := run(context.Background(), append([]string{"serve"}, args...))
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("serve %v: %v, want a refusal naming the flag", args, err)
		}
	}
}

// `jxjy tui` and `jxjy ssh` refuse a remote http:// server before any
// password is typed, naming --insecure-http; loopback http:// and any
// https:// pass this check. `jxjy serve` wants both TLS files or none.
func TestPlainHTTPToARemoteServerIsRefused(t *testing.T) {
	for _, cmd := range []string{"tui", "ssh"} {
		err := run(context.Background(), []string{cmd, "--server", "http://remote-host:8080"})
		if err == nil || !strings.Contains(err.Error(), "--insecure-http") || !strings.Contains(err.Error(), "明文") {
			t.Errorf("%s --server http://remote-host:8080: %v", cmd, err)
		}
	}
	var link linkFlags
	fs := newFlagSet("t")
	link.add(fs)
	for _, url := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://jxjy.gd.example"} {
		if _, err := link.clientOptions(url); err != nil {
			t.Errorf("%s refused: %v", url, err)
		}
	}
	if err := fs.Parse([]string{"--insecure-http"}); err != nil {
		t.Fatal(err)
	}
	if o, err := link.clientOptions("http://remote-host:8080"); err != nil || !o.InsecureHTTP {
		t.Errorf("--insecure-http: %+v %v", o, err)
	}
	if err := fs.Parse([]string{"--ca-file", "/nonexistent/ca.pem"}); err != nil {
		t.Fatal(err)
	}
	if _, err := link.clientOptions("https://jxjy.gd.example"); err == nil || !strings.Contains(err.Error(), "CA") {
		t.Errorf("a missing --ca-file: %v", err)
	}
	err := run(context.Background(), []string{"serve", "--tls-cert", "/x.pem"})
	if err == nil || !strings.Contains(err.Error(), "--tls-key") {
		t.Errorf("serve --tls-cert without --tls-key: %v", err)
	}
}
