package sshserve

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pkg/sftp"
)

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// line is the first log line holding every part, or "".
func (l *logBuffer) line(parts ...string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(l.b.String(), "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return line
		}
	}
	return ""
}

func (l *logBuffer) mustHave(t *testing.T, parts ...string) {
	t.Helper()
	if l.line(parts...) == "" {
		l.mu.Lock()
		defer l.mu.Unlock()
		t.Errorf("no log line with %q in:\n%s", parts, l.b.String())
	}
}

func startLogged(t *testing.T) (*env, *logBuffer) {
	logs := &logBuffer{}
	e := start(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	return e, logs
}

func TestRefusalsSpeakBothLanguages(t *testing.T) {
	err := error(errUploadOutsideInbox)
	if err.Error() != "上传的文件只能放进 inbox/（uploads go into inbox/ only）" || !errors.Is(err, sftp.ErrSSHFxPermissionDenied) {
		t.Fatalf("%v", err)
	}
}

func TestTheFileAreaRefusesWhatTheUICannotSee(t *testing.T) {
	e, logs := startLogged(t)
	alice := sftpClient(t, e, "alice")
	put(t, alice, "inbox/模板.xlsx", "x")

	// SFTP says permission denied; the status text, which some clients
	// show, is the refusal's, in Chinese and English (the Go client keeps
	// only the code), and so is the log's why.
	refused := func(what string, err error, want string) {
		t.Helper()
		if !errors.Is(err, os.ErrPermission) {
			t.Errorf("%s: %v", what, err)
		}
		if logs.line("result=refused", want) == "" {
			t.Errorf("%s: no refusal %q logged", what, want)
		}
	}
	refused("rename outbox", alice.Rename("outbox", "ob2"), "inbox/ and outbox/ cannot be renamed")
	refused("posix-rename inbox", alice.PosixRename("inbox", "x"), "cannot be renamed")
	refused("move a file out of the boxes", alice.Rename("inbox/模板.xlsx", "模板.xlsx"), "only files in inbox/ and outbox/")
	refused("move a file over a box", alice.Rename("inbox/模板.xlsx", "outbox"), "cannot be renamed")
	refused("mkdir", alice.Mkdir("inbox/sub"), "folders cannot be created")
	refused("mkdir at the top", alice.Mkdir("new"), "folders cannot be created")
	refused("remove the inbox", alice.RemoveDirectory("inbox"), "cannot be renamed, moved or removed")
	refused("remove the outbox as a file", alice.Remove("outbox"), "cannot be renamed, moved or removed")
	for _, p := range []string{"inbox/../../x", "x", "/x", "outbox/y.xlsx", "inbox/sub/y.xlsx", "inbox"} {
		f, err := alice.Create(p)
		if err == nil {
			f.Close()
		}
		refused("upload to "+p, err, "uploads go into inbox/ only")
	}
	for _, p := range []string{"x", "ob2", "inbox/sub", "模板.xlsx"} {
		if _, err := os.Stat(filepath.Join(e.files, "alice", p)); err == nil {
			t.Errorf("%s exists", p)
		}
	}
	for _, d := range []string{"inbox", "outbox"} {
		if info, err := os.Stat(filepath.Join(e.files, "alice", d)); err != nil || !info.IsDir() {
			t.Errorf("%s is gone", d)
		}
	}
	// What stays allowed: ".." that resolves into the inbox, renaming within
	// and between the boxes, removing a file.
	put(t, alice, "inbox/../inbox/ok.xlsx", "ok")
	if err := alice.Rename("inbox/ok.xlsx", "outbox/ok.xlsx"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Rename("outbox/ok.xlsx", "outbox/好.xlsx"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Remove("outbox/好.xlsx"); err != nil {
		t.Fatal(err)
	}
	logs.mustHave(t, "file transfer", "user=alice", "via=sftp", "direction=rename", "file=\"outbox -> ob2\"", "result=refused")
	logs.mustHave(t, "direction=mkdir", "file=inbox/sub", "result=refused")
	logs.mustHave(t, "direction=upload", "file=x", "result=refused", "why=\"uploads go into inbox/ only\"")
	logs.mustHave(t, "direction=remove", "file=outbox/好.xlsx", "size=2", "result=ok")
}

// Every transfer is a log line with user, direction, file, size and result.
func TestEveryTransferIsLogged(t *testing.T) {
	e, logs := startLogged(t)
	alice := sftpClient(t, e, "alice")
	put(t, alice, "inbox/名单.xlsx", "12345")
	f, err := alice.Open("inbox/名单.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := alice.Remove("inbox/名单.xlsx"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Open("inbox/没有.xlsx"); err == nil {
		t.Fatal("opened a missing file")
	}
	logs.mustHave(t, "file transfer", "user=alice", "via=sftp", "direction=upload", "file=inbox/名单.xlsx", "size=5", "result=ok")
	logs.mustHave(t, "user=alice", "via=sftp", "direction=download", "file=inbox/名单.xlsx", "size=5", "result=ok")
	logs.mustHave(t, "user=alice", "via=sftp", "direction=remove", "file=inbox/名单.xlsx", "size=5", "result=ok")
	logs.mustHave(t, "user=alice", "via=sftp", "direction=download", "file=inbox/没有.xlsx", "result=failed")
}

// The OpenSSH client itself: scp (over SFTP), scp -O (the legacy
// protocol), scp -r and sftp's mkdir and rename, as an operator types them.
func TestOpenSSHClientsInTheFileArea(t *testing.T) {
	for _, tool := range []string{"scp", "sftp"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI needs the OpenSSH client: %v", err)
			}
			t.Skipf("no %s (apt-get install openssh-client)", tool)
		}
	}
	e, logs := startLogged(t)
	host, port, _ := net.SplitHostPort(e.addr)
	dir := t.TempDir()
	local := filepath.Join(dir, "名单.xlsx")
	if err := os.WriteFile(local, []byte("1234567"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "folder", "a.xlsx"), []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := []string{"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"}
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	scp := func(args ...string) (string, error) {
		return run("scp", append(append(append([]string{}, opts...), "-P", port), args...)...)
	}
	remote := "alice@" + host + ":"
	for _, legacy := range []bool{false, true} {
		var flag []string
		via := "sftp"
		if legacy {
			flag, via = []string{"-O"}, "scp"
		}
		if out, err := scp(append(flag, local, remote+"inbox/")...); err != nil {
			t.Fatalf("scp %v upload: %v %s", flag, err, out)
		}
		if out, err := scp(append(flag, remote+"inbox/名单.xlsx", filepath.Join(dir, "back.xlsx"))...); err != nil {
			t.Fatalf("scp %v download: %v %s", flag, err, out)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "back.xlsx")); string(b) != "1234567" {
			t.Fatalf("scp %v round trip: %q", flag, b)
		}
		out, err := scp(append(flag, local, remote+"inbox/../../x.xlsx")...)
		if err == nil {
			t.Errorf("scp %v to inbox/../../x.xlsx accepted: %s", flag, out)
		}
		if legacy && !strings.Contains(out, "上传的文件只能放进 inbox/") {
			t.Errorf("scp -O refusal says %q", out)
		}
		if out, err = scp(append(flag, "-r", "folder", remote+"inbox/")...); err == nil {
			t.Errorf("scp %v -r accepted: %s", flag, out)
		}
		if legacy && !strings.Contains(out, "folders cannot be created") {
			t.Errorf("scp -O -r refusal says %q", out)
		}
		logs.mustHave(t, "file transfer", "user=alice", "via="+via, "direction=upload", "file=inbox/名单.xlsx", "size=7", "result=ok")
		logs.mustHave(t, "user=alice", "via="+via, "direction=download", "file=inbox/名单.xlsx", "size=7", "result=ok")
		logs.mustHave(t, "user=alice", "via="+via, "direction=upload", "result=refused")
	}
	if _, err := os.Stat(filepath.Join(e.files, "alice", "inbox", "folder")); err == nil {
		t.Error("scp -r made a folder")
	}
	if _, err := os.Stat(filepath.Join(e.files, "x.xlsx")); err == nil {
		t.Error("an upload landed outside alice's folder")
	}
	if _, err := os.Stat(filepath.Join(e.files, "alice", "x.xlsx")); err == nil {
		t.Error("an upload landed outside the inbox")
	}
	batch := filepath.Join(dir, "batch")
	if err := os.WriteFile(batch, []byte("-rename outbox ob2\n-mkdir inbox/sub\n-put 名单.xlsx ../x.xlsx\nrm inbox/名单.xlsx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run("sftp", append(append([]string{}, opts...), "-P", port, "-b", batch, "alice@"+host)...)
	if err != nil {
		t.Fatalf("sftp batch: %v %s", err, out)
	}
	if !strings.Contains(out, "ermission denied") {
		t.Errorf("sftp says %q", out)
	}
	if _, err := os.Stat(filepath.Join(e.files, "alice", "outbox")); err != nil {
		t.Error("sftp renamed the outbox")
	}
	logs.mustHave(t, "via=sftp", "direction=remove", "file=inbox/名单.xlsx", "size=7", "result=ok")
	logs.mustHave(t, "via=sftp", "direction=rename", "result=refused")
}
