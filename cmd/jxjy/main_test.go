package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/client"
	"jxjy/server/domain"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeShutsDownCleanly starts `jxjy serve` on SQLite, writes through
// the API, stops it like a signal would and checks the write survived and
// the WAL was folded back into the database file.
func TestServeShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "jxjy.db")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", "sqlite://" + dbPath, "--captcha", "off", "--demo"})
	}()
	c := client.New("http://"+addr, client.Options{Retries: 1, RetryWait: time.Millisecond})
	deadline := time.Now().Add(20 * time.Second)
	for c.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := c.RegisterUnit(ctx, domain.UnitRegistration{Username: "after-crash", Password: "Passw0rd1", UnitName: "关停测试单位", USCC: "91440101MA5911110H", Mobile: "13800138000"}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if fi, err := os.Stat(dbPath + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("WAL not checkpointed: %d bytes left", fi.Size())
	}
	// A second start sees the unit (the username is taken).
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	addr2 := freeAddr(t)
	go func() {
		done <- run(ctx2, []string{"serve", "--addr", addr2, "--db", "sqlite://" + dbPath, "--captcha", "off"})
	}()
	c2 := client.New("http://"+addr2, client.Options{Retries: 1, RetryWait: time.Millisecond})
	for c2.Ping(ctx2) != nil {
		time.Sleep(50 * time.Millisecond)
	}
	err := c2.RegisterUnit(ctx2, domain.UnitRegistration{Username: "after-crash", Password: "Passw0rd1", UnitName: "另一单位", USCC: "91350100M000100Y43", Mobile: "13800138000"})
	if domain.ErrorCode(err) != domain.CodeConflict {
		t.Fatalf("registration lost across restart: %v", err)
	}
	cancel2()
	<-done
}

func TestAdminCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "a.db")
	ctx := context.Background()
	if err := run(ctx, []string{"admin", "create-account", "--db", db, "--role", "authority", "--username", "sz-hr", "--region", "440300", "--password", "Start1234"}); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"admin", "create-account", "--db", db, "--role", "authority", "--username", "sz-hr", "--region", "440300"})
	if domain.ErrorCode(err) != domain.CodeConflict {
		t.Fatalf("duplicate account: %v", err)
	}
	if err := run(ctx, []string{"admin", "reset-password", "--db", db, "--username", "sz-hr"}); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"admin", "reset-password", "--db", db, "--username", "nobody"})
	if domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	// scan-text reads the whole database (what it finds and cleans is
	// tested in the store's suite).
	for _, args := range [][]string{{"admin", "scan-text", "--db", db}, {"admin", "scan-text", "--db", db, "--clean"}} {
		if err := run(ctx, args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"frobnicate"}); !errors.Is(err, errUsage) {
		t.Fatalf("unknown command: %v", err)
	}
	if err := run(ctx, []string{"serve", "--captcha", "maybe"}); err == nil || !strings.Contains(err.Error(), "on 或 off") {
		t.Fatalf("bad captcha flag: %v", err)
	}
	if err := run(ctx, []string{"admin", "create-account", "--username", "x"}); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("missing db: %v", err)
	}
	if p := randomPassword(); domain.CheckPassword(p) != "" {
		t.Fatalf("generated password %q breaks the policy", p)
	}
}

func TestAdminTokenCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	if err := run(ctx, []string{"admin", "create-account", "--db", db, "--role", "institution", "--username", "edu-plat", "--name", "某在线学习平台", "--password", "Start1234"}); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := runAdminToken(ctx, []string{"create-token", "--db", db, "--institution", "edu-plat", "--name", "LMS", "--expires", "2099-12-31"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "令牌: "+domain.APITokenPrefix) || !strings.Contains(out.String(), "2100-01-01 00:00") {
		t.Fatalf("create-token printed %q", out.String())
	}
	out.Reset()
	if err := runAdminToken(ctx, []string{"list-tokens", "--db", db, "--institution", "edu-plat"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "#1\tLMS\t某在线学习平台（edu-plat）\t有效") || strings.Contains(out.String(), domain.APITokenPrefix) {
		t.Fatalf("list-tokens printed %q", out.String())
	}
	if err := runAdminToken(ctx, []string{"revoke-token", "--db", db, "--id", "1"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runAdminToken(ctx, []string{"list-tokens", "--db", db}, &out); err != nil || !strings.Contains(out.String(), "已吊销") {
		t.Fatalf("after revoke: %v %q", err, out.String())
	}
	err := runAdminToken(ctx, []string{"create-token", "--db", db, "--institution", "nobody"}, io.Discard)
	if domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("unknown institution: %v", err)
	}
	if err := runAdminToken(ctx, []string{"create-token", "--db", db, "--institution", "edu-plat", "--expires", "soon"}, io.Discard); err == nil {
		t.Fatal("bad --expires accepted")
	}
	if err := run(ctx, []string{"admin", "revoke-token", "--db", db, "--id", "99"}); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("unknown token: %v", err)
	}
}
