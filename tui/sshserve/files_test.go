package sshserve

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/scp"
	"github.com/pkg/sftp"
)

func sftpClient(t *testing.T, e *env, user string) *sftp.Client {
	t.Helper()
	c, err := sftp.NewClient(e.mustDial(t, user))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func put(t *testing.T, c *sftp.Client, path, content string) {
	t.Helper()
	f, err := c.Create(path)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	if _, err := f.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSFTPStaysInTheUsersFolder(t *testing.T) {
	e := start(t, nil)
	alice, bob := sftpClient(t, e, "alice"), sftpClient(t, e, "bob")
	put(t, alice, "inbox/模板.xlsx", "alice's")
	put(t, bob, "inbox/证书.pdf", "bob's")
	if err := bob.Rename("inbox/证书.pdf", "outbox/证书.pdf"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(e.files, "alice", "inbox", "模板.xlsx")); err != nil || string(b) != "alice's" {
		t.Fatalf("upload landed wrong: %q %v", b, err)
	}
	// A secret beside the files folder, and links pointing out of alice's.
	if err := os.WriteFile(filepath.Join(filepath.Dir(e.files), "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"to-bob":    filepath.Join(e.files, "bob", "outbox", "证书.pdf"),
		"to-secret": filepath.Join(filepath.Dir(e.files), "secret"),
		"to-etc":    "/etc/passwd",
	} {
		if err := os.Symlink(target, filepath.Join(e.files, "alice", "inbox", name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{
		"../bob/outbox/证书.pdf", "/../bob/outbox/证书.pdf", "inbox/../../bob/outbox/证书.pdf",
		"../../secret", "/etc/passwd", "inbox/to-bob", "inbox/to-secret", "inbox/to-etc",
	} {
		if f, err := alice.Open(p); err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			t.Errorf("alice read %q: %q", p, b)
		}
	}
	for _, p := range []string{"../bob/inbox/x", "inbox/to-secret"} {
		if f, err := alice.Create(p); err == nil {
			f.Close()
			t.Errorf("alice wrote %q", p)
		}
	}
	// ".." stops at the user's folder, and uploads outside inbox/ are
	// refused anyway.
	if f, err := alice.Create("/../../x"); err == nil {
		f.Close()
		t.Error("/../../x was accepted")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(e.files), "x")); err == nil {
		t.Error("a write escaped the files folder")
	}
	if b, _ := os.ReadFile(filepath.Join(filepath.Dir(e.files), "secret")); string(b) != "s" {
		t.Error("the secret was overwritten through a link")
	}
	entries, err := alice.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	if strings.Join(names, ",") != "inbox,outbox" {
		t.Fatalf("alice's / lists %v", names)
	}
	if err := alice.Symlink("inbox/模板.xlsx", "inbox/link"); err == nil {
		t.Error("symlink created")
	}
	if err := alice.RemoveDirectory("inbox"); err == nil {
		t.Error("inbox removed")
	}
	// Renaming within the folder works; out of it does not.
	if err := alice.Rename("inbox/模板.xlsx", "outbox/模板.xlsx"); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if err := alice.Rename("outbox/模板.xlsx", "../bob/inbox/模板.xlsx"); err == nil {
		if _, err := os.Stat(filepath.Join(e.files, "bob", "inbox", "模板.xlsx")); err == nil {
			t.Error("rename moved the file into bob's folder")
		}
	}
}

// fakeSession is all of a session the scp handler reads: its user.
type fakeSession struct {
	ssh.Session
	user string
}

func (f fakeSession) User() string { return f.user }

func TestLegacySCPStaysInTheUsersFolder(t *testing.T) {
	files := t.TempDir()
	if _, err := userArea(files, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(files, "bob", "outbox", "b.pdf"), []byte("bob's"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, alice := scpHandler{files: files, log: func(ssh.Session) *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }}, fakeSession{user: "alice"}
	for _, p := range []string{"../bob/outbox/b.pdf", "/../bob/outbox/b.pdf", "/etc/passwd"} {
		if e, closer, err := h.NewFileEntry(alice, p); err == nil {
			closer()
			t.Errorf("alice downloads %q: %+v", p, e)
		}
	}
	write := func(target, name string) error {
		_, err := h.Write(alice, &scp.FileEntry{Name: name, Filepath: filepath.Join(target, name), Reader: strings.NewReader("x"), Size: 1})
		return err
	}
	if err := write("inbox", "a.xlsx"); err != nil {
		t.Fatal(err)
	}
	if err := write("inbox/renamed.xlsx", "a.xlsx"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"inbox/a.xlsx", "inbox/renamed.xlsx"} {
		if _, err := os.Stat(filepath.Join(files, "alice", p)); err != nil {
			t.Errorf("%s not written: %v", p, err)
		}
	}
	for _, target := range []string{"../bob/inbox", "../../", "/../bob"} {
		_ = write(target, "evil")
	}
	if _, err := os.Stat(filepath.Join(files, "bob", "inbox", "evil")); err == nil {
		t.Error("alice wrote into bob's inbox")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(files), "evil")); err == nil {
		t.Error("alice wrote outside the files folder")
	}
	if e, closer, err := h.NewFileEntry(fakeSession{user: "bob"}, "outbox/b.pdf"); err != nil || e.Size != 5 {
		t.Fatalf("bob's own download: %v", err)
	} else {
		closer()
	}
	if _, _, err := h.NewFileEntry(fakeSession{user: "../bob"}, "outbox/b.pdf"); err == nil {
		t.Error("an invalid user name reached a folder")
	}
}
