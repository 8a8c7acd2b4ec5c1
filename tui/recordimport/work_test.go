package recordimport

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
)

// blockingImports answers nothing until the caller gives up, after
// reporting that the upload is half done.
type blockingImports struct {
	domain.RecordImportService
	started chan struct{}
}

func (b *blockingImports) ValidateImport(ctx context.Context, up domain.ImportUpload) (domain.ImportReport, error) {
	up.Progress(domain.ImportProgress{Stage: domain.StageUpload, Done: 5, Total: 10})
	close(b.started)
	<-ctx.Done()
	return domain.ImportReport{}, ctx.Err()
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

func plain(s string) string { return ansi.ReplaceAllString(s, "") }

func newModel(t *testing.T, svc domain.RecordImportService) *Model {
	t.Helper()
	c := common.New(common.Services{RecordImport: svc}, true, "")
	m := New(c).(*Model)
	m.SetSize(50, 17)
	return m
}

func TestWorkShowsTheCurrentStage(t *testing.T) {
	m := newModel(t, nil)
	m.begin(importing, "名单.xlsx")
	m.Update(event{to: m.id, at: domain.ImportProgress{Stage: domain.StageValidate, Done: 500, Total: 1000}, events: make(chan event)})
	v := plain(m.View())
	for _, want := range []string{"正在入库：名单.xlsx", "[校验数据]  数据入库", "500 / 1000 行   50%"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if full := strings.Count(v, "="); full != 24 {
		t.Errorf("bar has %d of 48 cells filled, want half:\n%s", full, v)
	}
	if strings.Contains(v, "上传文件") || strings.Contains(v, "读取表格") {
		t.Errorf("入库 stores the validation: it neither uploads nor reads:\n%s", v)
	}
	m.begin(validating, "名单.xlsx")
	m.Update(event{to: m.id, at: domain.ImportProgress{Stage: domain.StageRead, Done: 3000}, events: make(chan event)})
	if v := plain(m.View()); !strings.Contains(v, "已读取 3000 行") || strings.Contains(v, "=") {
		t.Errorf("reading shows %s", v)
	}
	// Another screen's events are not this one's.
	m.Update(event{to: m.id + 1, end: true, kind: importing, err: context.Canceled})
	if m.mode != working {
		t.Fatal("a foreign event ended the work")
	}
}

func TestEscCancelsTheUpload(t *testing.T) {
	svc := &blockingImports{started: make(chan struct{})}
	m := newModel(t, svc)
	path := filepath.Join(t.TempDir(), "名单.xlsx")
	if err := os.WriteFile(path, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("u")})
	m.path.SetValue(fieldPath, path)
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil || m.mode != working {
		t.Fatalf("no work started (mode %d)", m.mode)
	}
	<-svc.started
	msg := cmd()
	for {
		ev := msg.(event)
		if ev.end {
			break
		}
		m.Update(ev)
		if !strings.Contains(plain(m.View()), "5 B / 10 B   50%") {
			t.Fatalf("upload progress not shown:\n%s", plain(m.View()))
		}
		m.Update(tea.KeyMsg{Type: tea.KeyEsc})
		msg = listen(ev.events)()
	}
	m.Update(msg)
	if m.mode != home || m.outcome.Failure != "已取消" {
		t.Fatalf("after esc: mode %d, outcome %+v", m.mode, m.outcome)
	}
}
