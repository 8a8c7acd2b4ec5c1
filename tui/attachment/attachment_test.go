package attachment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
)

// fakeFiles keeps attachments in memory.
type fakeFiles struct {
	mu      sync.Mutex
	items   []domain.Attachment
	content map[int64][]byte
	corrupt bool // serve content that does not match its digest
}

func (f *fakeFiles) ListAttachments(context.Context, string, int64) ([]domain.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]domain.Attachment{}, f.items...), nil
}

func (f *fakeFiles) UploadAttachment(_ context.Context, up domain.AttachmentUpload) (domain.Attachment, error) {
	var b bytes.Buffer
	chunk := make([]byte, 16)
	for {
		n, err := up.Body.Read(chunk)
		b.Write(chunk[:n])
		if n > 0 && up.Progress != nil {
			up.Progress(int64(b.Len()), up.Size)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return domain.Attachment{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sum := sha256.Sum256(b.Bytes())
	a := domain.Attachment{ID: int64(len(f.items) + 1), Name: up.Name, Size: int64(b.Len()), SHA256: hex.EncodeToString(sum[:])}
	f.items = append(f.items, a)
	f.content[a.ID] = b.Bytes()
	return a, nil
}

func (f *fakeFiles) OpenAttachment(_ context.Context, id int64) (domain.Attachment, io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.items {
		if a.ID == id {
			content := f.content[id]
			if f.corrupt {
				content = append([]byte("x"), content[1:]...)
			}
			return a, io.NopCloser(bytes.NewReader(content)), nil
		}
	}
	return domain.Attachment{}, nil, domain.Errorf(domain.CodeNotFound, "附件不存在")
}

func (f *fakeFiles) DeleteAttachment(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range f.items {
		if a.ID == id {
			f.items = append(f.items[:i], f.items[i+1:]...)
			return nil
		}
	}
	return domain.Errorf(domain.CodeNotFound, "附件不存在")
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// harness runs a panel as the UI would, synchronously, and keeps every
// frame it drew.
type harness struct {
	t      *testing.T
	p      *Panel
	files  *fakeFiles
	frames []string
}

func newHarness(t *testing.T, files common.Files, editable bool) *harness {
	fake := &fakeFiles{content: map[int64][]byte{}}
	c := common.New(common.Services{Attachments: fake}, false, "")
	c.Files = files
	h := &harness{t: t, p: New(c, domain.EntityUnit), files: fake}
	h.p.SetSize(54, 12)
	h.run(h.p.Load(7, editable))
	return h
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	default:
		next := h.p.Update(msg, false)
		h.frames = append(h.frames, ansi.ReplaceAllString(h.p.View(), ""))
		h.run(next)
	}
}

func (h *harness) keys(s string) {
	for _, r := range s {
		h.run(h.p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}, true))
	}
}

func (h *harness) press(types ...tea.KeyType) {
	for _, k := range types {
		h.run(h.p.Update(tea.KeyMsg{Type: k}, true))
	}
}

func (h *harness) mustSee(texts ...string) {
	h.t.Helper()
	v := ansi.ReplaceAllString(h.p.View(), "")
	for _, s := range texts {
		if !strings.Contains(v, s) {
			h.t.Fatalf("panel lacks %q:\n%s", s, v)
		}
	}
}

func TestUploadChecksLocallyThenShowsProgress(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	content := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789"), 40)...)
	for name, b := range map[string][]byte{"licence.pdf": content, "empty.pdf": nil, "setup.exe": []byte("MZ")} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir("folder.pdf", 0o700); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, common.Files{}, true)
	h.mustSee("暂无附件", "共 0 个附件")
	h.keys("u")
	if !h.p.Typing() || !h.p.Nested() {
		t.Fatal("the path field must have the keyboard, and esc close it")
	}
	for path, msg := range map[string]string{
		"missing.pdf": "文件或文件夹不存在", "empty.pdf": "文件为空", "setup.exe": "只能上传",
		"folder.pdf": "请选择文件，而不是文件夹",
	} {
		h.press(tea.KeyCtrlU)
		h.keys(path)
		h.press(tea.KeyEnter)
		h.mustSee(msg)
	}
	if len(h.files.items) != 0 {
		t.Fatal("a refused file reached the service")
	}
	h.press(tea.KeyCtrlU)
	h.keys("licence.pdf")
	h.frames = nil
	h.press(tea.KeyEnter)
	sawProgress := false
	for _, f := range h.frames {
		if strings.Contains(f, "正在上传：licence.pdf") && strings.Contains(f, "[=") && strings.Contains(f, "%") {
			sawProgress = true
		}
	}
	if !sawProgress {
		t.Fatalf("no progress frame among:\n%s", strings.Join(h.frames, "\n----\n"))
	}
	h.mustSee("已上传：licence.pdf", "409 B")
	if !h.p.TakeChanged() || h.p.TakeChanged() {
		t.Fatal("an upload must be reported once")
	}
	if !bytes.Equal(h.files.content[1], content) {
		t.Fatal("uploaded content differs")
	}
}

func TestDownloadAsksBeforeReplacingAndChecksTheDigest(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	h := newHarness(t, common.Files{}, false)
	pdf := []byte("%PDF-1.4 licence")
	if _, err := h.files.UploadAttachment(context.Background(), domain.AttachmentUpload{Name: "营业执照.pdf", Size: int64(len(pdf)), Body: bytes.NewReader(pdf)}); err != nil {
		t.Fatal(err)
	}
	h.run(h.p.Load(7, false))
	h.keys("u")
	h.keys("x")
	if h.p.Nested() {
		t.Fatal("a read-only panel opened an upload or delete")
	}
	target := filepath.Join(dir, "营业执照.pdf")
	if err := os.WriteFile(target, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("d")
	h.mustSee("下载：营业执照.pdf", "保存到：")
	h.press(tea.KeyEnter)
	h.mustSee("已存在，覆盖吗？(y/n)")
	h.keys("n")
	if b, _ := os.ReadFile(target); string(b) != "mine" {
		t.Fatal("replaced without consent")
	}

	h.files.corrupt = true
	h.keys("d")
	h.press(tea.KeyEnter)
	h.keys("y")
	h.mustSee("下载失败：下载的文件校验不符")
	if b, _ := os.ReadFile(target); string(b) != "mine" {
		t.Fatal("a broken download replaced the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}

	h.files.corrupt = false
	h.keys("d")
	h.press(tea.KeyCtrlU)
	h.keys(filepath.Join(dir, "副本.pdf"))
	h.press(tea.KeyEnter)
	h.mustSee("已保存到")
	if b, _ := os.ReadFile(filepath.Join(dir, "副本.pdf")); !bytes.Equal(b, pdf) {
		t.Fatalf("downloaded %q", b)
	}
}

func TestDeleteAsksFirst(t *testing.T) {
	h := newHarness(t, common.Files{}, true)
	pdf := []byte("%PDF-1.4")
	_, _ = h.files.UploadAttachment(context.Background(), domain.AttachmentUpload{Name: "a.pdf", Size: 8, Body: bytes.NewReader(pdf)})
	h.run(h.p.Load(7, true))
	h.keys("x")
	h.mustSee("确定删除附件“a.pdf”吗？(y/n)")
	h.keys("n")
	if len(h.files.items) != 1 {
		t.Fatal("deleted after n")
	}
	h.keys("x")
	h.keys("y")
	h.mustSee("已删除：a.pdf", "暂无附件")
	if !h.p.TakeChanged() {
		t.Fatal("a delete must be reported")
	}
}

// Over SSH the picker stays in the operator's folder and downloads go to
// the outbox with the command to fetch them.
func TestSSHFilesStayInTheUsersFolder(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{common.InboxName, common.OutboxName} {
		if err := os.Mkdir(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	pdf := []byte("%PDF-1.4 scan")
	if err := os.WriteFile(filepath.Join(root, common.InboxName, "scan.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, common.Files{Mode: common.SSHFiles, Root: root, SSHUser: "op", SSHHost: "jxjy.example", SSHPort: 2222}, true)
	h.keys("u")
	h.mustSee("scp -P 2222")
	h.press(tea.KeyTab)
	h.mustSee("位置：inbox", "scan.pdf")
	h.press(tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace)
	h.mustSee("位置：.", "inbox"+string(filepath.Separator))
	h.press(tea.KeyEsc)
	h.keys("/etc/passwd")
	h.press(tea.KeyEnter)
	h.mustSee("无法打开：只能访问本人的 inbox 和 outbox")
	h.press(tea.KeyCtrlU)
	h.keys("scan.pdf")
	h.press(tea.KeyEnter)
	h.mustSee("已上传：scan.pdf")
	h.keys("d")
	h.mustSee("请在本机执行：scp -P 2222")
	if b, _ := os.ReadFile(filepath.Join(root, common.OutboxName, "scan.pdf")); !bytes.Equal(b, pdf) {
		t.Fatalf("outbox holds %q", b)
	}
}
