package filepick

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/common"
)

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Folders come first, hidden entries and those the offer refuses are left
// out, enter opens a folder and picks a file, and backspace goes back up.
func TestPickerListsOpensAndPicks(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "子目录"), 0o700); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(dir, "a.xlsx"))
	touch(t, filepath.Join(dir, "b.txt"))
	touch(t, filepath.Join(dir, ".hidden.xlsx"))
	touch(t, filepath.Join(dir, "子目录", "c.xlsx"))
	c := common.New(common.Services{}, false, "")
	p := New(c, dir, "（空）", func(e fs.DirEntry) bool { return e.IsDir() || filepath.Ext(e.Name()) == ".xlsx" })
	p.SetSize(60, 10)

	view := p.View(60)
	if !strings.Contains(view, "a.xlsx") || strings.Contains(view, "b.txt") || strings.Contains(view, ".hidden") {
		t.Fatalf("listing:\n%s", view)
	}
	if strings.Index(view, "子目录") > strings.Index(view, "a.xlsx") {
		t.Fatalf("folder not first:\n%s", view)
	}
	if got := p.Update(tea.KeyMsg{Type: tea.KeyEnter}); got != "" {
		t.Fatalf("entering a folder picked %q", got)
	}
	if got := p.Update(tea.KeyMsg{Type: tea.KeyEnter}); got != filepath.Join(dir, "子目录", "c.xlsx") {
		t.Fatalf("picked %q", got)
	}
	p.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if !strings.Contains(p.View(60), "a.xlsx") {
		t.Fatalf("backspace did not go up:\n%s", p.View(60))
	}
}

// Over SSH the picker never climbs above the operator's folder.
func TestPickerStopsAtSSHFolder(t *testing.T) {
	root := t.TempDir()
	inbox := filepath.Join(root, common.InboxName)
	if err := os.Mkdir(inbox, 0o700); err != nil {
		t.Fatal(err)
	}
	c := common.New(common.Services{}, false, "")
	c.Files = common.Files{Mode: common.SSHFiles, Root: root}
	p := New(c, inbox, "（空）", nil)
	p.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	p.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if view := p.View(60); !strings.Contains(view, "位置：.") || strings.Contains(view, "无法打开") {
		t.Fatalf("left the user's folder:\n%s", view)
	}
}
