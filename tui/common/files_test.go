package common

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func sshFiles(t *testing.T) (Files, string) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "alice")
	for _, d := range []string{InboxName, OutboxName} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return Files{Mode: SSHFiles, Root: root, SSHUser: "alice", SSHHost: "jxjy.example", SSHPort: 2222}, base
}

func TestSSHFilesStayInTheUsersFolder(t *testing.T) {
	f, base := sshFiles(t)
	secret := filepath.Join(base, "secret.txt")
	if err := os.WriteFile(secret, []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.InboxDir(), "模板.xlsx"), []byte("t"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(f.InboxDir(), "link.txt")); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Open(filepath.Join(f.InboxDir(), "模板.xlsx")); err != nil {
		t.Fatalf("own file: %v", err)
	} else {
		got.Close()
	}
	for _, p := range []string{
		secret,
		filepath.Join(f.InboxDir(), "..", "..", "secret.txt"),
		filepath.Join(f.InboxDir(), "link.txt"),
		"inbox/模板.xlsx", // relative: not a path the picker gives
		"/etc/passwd",
	} {
		if got, err := f.Open(p); err == nil {
			b, _ := io.ReadAll(got)
			got.Close()
			t.Errorf("opened %s: %q", p, b)
		}
	}
	if _, err := f.ReadDir(base); !errors.Is(err, ErrOutsideFiles) {
		t.Errorf("listed the folder above: %v", err)
	}
	if up, ok := f.Parent(f.InboxDir()); !ok || up != f.Root {
		t.Errorf("Parent(inbox) = %s %v", up, ok)
	}
	if _, ok := f.Parent(f.Root); ok {
		t.Error("a picker may climb above the user's folder")
	}
}

func TestCreateNeverReplacesAndNeverLeavesTheOutbox(t *testing.T) {
	f, base := sshFiles(t)
	var paths []string
	for range 3 {
		file, p, err := f.Create("证书 2026.pdf")
		if err != nil {
			t.Fatal(err)
		}
		file.Close()
		paths = append(paths, f.Display(p))
	}
	want := []string{"outbox/证书_2026.pdf", "outbox/证书_2026-2.pdf", "outbox/证书_2026-3.pdf"}
	for i := range want {
		if paths[i] != want[i] {
			t.Fatalf("created %v, want %v", paths, want)
		}
	}
	for _, name := range []string{"../x.pdf", "a/b.pdf", "", ".."} {
		if file, _, err := f.Create(name); err == nil {
			file.Close()
			t.Errorf("created %q", name)
		}
	}
	// An outbox replaced by a link out of the folder is refused.
	if err := os.RemoveAll(f.OutboxDir()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, f.OutboxDir()); err != nil {
		t.Fatal(err)
	}
	if file, p, err := f.Create("x.pdf"); err == nil {
		file.Close()
		t.Fatalf("created %s through a linked outbox", p)
	}
}

func TestCommandsShownOnScreen(t *testing.T) {
	f, _ := sshFiles(t)
	saved := filepath.Join(f.OutboxDir(), "证书.pdf")
	if got, want := f.FetchCommand(saved), "scp -P 2222 alice@jxjy.example:outbox/证书.pdf ."; got != want {
		t.Errorf("FetchCommand = %q, want %q", got, want)
	}
	if got, want := f.PutCommand(), "scp -P 2222 文件名 alice@jxjy.example:inbox/"; got != want {
		t.Errorf("PutCommand = %q, want %q", got, want)
	}
	f.SSHPort, f.SSHHost = 22, "::1"
	if got, want := f.FetchCommand(filepath.Join(f.OutboxDir(), "a b&c.pdf")), "scp 'alice@[::1]:outbox/a b&c.pdf' ."; got != want {
		t.Errorf("FetchCommand = %q, want %q", got, want)
	}
	local := Files{}
	if local.FetchCommand("/tmp/x.pdf") != "" || local.PutCommand() != "" {
		t.Error("local files show scp commands")
	}
	if got := local.SavedMessage("/home/op/x.pdf"); got != "已保存到 /home/op/x.pdf" {
		t.Errorf("local SavedMessage = %q", got)
	}
}
