package certpdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
)

func sample(name, number string) domain.Certificate {
	return domain.Certificate{
		ID: 1, Year: 2025, Number: number, VerificationCode: "K7Q2M9XP", Status: domain.CertificateValid,
		Name: name, IDNumber: "440106199003072517", UnitName: "广州市天河区示范科技有限公司",
		Issuer: "广州市人力资源和社会保障局", Public: domain.HoursOf(32), Professional: domain.HoursOf(48),
		Elective: 25, Total: domain.HoursOf(32) + domain.HoursOf(48) + 25,
		IssuedAt: time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC),
	}
}

// PDFText extracts a PDF's text with pdftotext (Debian's poppler-utils,
// which CI installs); elsewhere the test is skipped with the reason.
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext missing in CI: .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils); PDF text not checked")
	}
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// fontOrSkip is a renderer over an installed CJK font.
func fontOrSkip(t *testing.T) *Renderer {
	t.Helper()
	r := New("")
	if err := r.Ready(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no CJK font in CI (.ci/run installs %s): %v", fontPackage, err)
		}
		t.Skipf("no CJK font installed: %v", err)
	}
	return r
}

func TestCertificateTextExtractsInChinese(t *testing.T) {
	r := fontOrSkip(t)
	pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000123")})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	text := PDFText(t, pdf)
	for _, want := range []string{"继续教育证书", "陈志明", "440106199003072517", "广州市天河区示范科技有限公司",
		"GD2025440106000123", "K7Q2M9XP", "公需科目", "32", "专业科目", "48", "选修科目", "12.5", "合计", "92.5",
		"广州市人力资源和社会保障局", "2026年03月15日", "2025年度"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

func TestOnePagePerCertificate(t *testing.T) {
	r := fontOrSkip(t)
	pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000001"), sample("王建华", "GD2025440106000002")})
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(PDFText(t, pdf), "\f")
	if len(pages) < 2 || !strings.Contains(pages[0], "陈志明") || !strings.Contains(pages[1], "王建华") ||
		strings.Contains(pages[0], "王建华") {
		t.Fatalf("want one certificate per page, got %d pages", len(pages))
	}
}

func TestMissingFontIsAClearUnavailableError(t *testing.T) {
	r := &Renderer{candidates: []string{filepath.Join(t.TempDir(), "none.ttf")}}
	err := r.Ready()
	if domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), "fonts-droid-fallback") ||
		!strings.Contains(err.Error(), EnvFont) {
		t.Fatalf("want unavailable naming the package and %s, got %v", EnvFont, err)
	}
	if _, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000001")}); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("render without font: %v", err)
	}
	// A configured path that does not exist is named in the message.
	missing := filepath.Join(t.TempDir(), "字体.ttf")
	err = New(missing).Ready()
	if domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), missing) {
		t.Fatalf("configured missing font: %v", err)
	}
}

func TestUnsupportedFontFormatsAreNamed(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ magic, want string }{
		{"ttcf", ".ttc"}, {"OTTO", ".otf"}, {"<htm", "不是有效的 TrueType"}, {"", "不是有效的 TrueType"},
	} {
		path := filepath.Join(dir, "f"+c.magic)
		content := c.magic
		if content != "" {
			content += "and the rest of the file"
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		err := New(path).Ready()
		if domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), c.want) {
			t.Errorf("magic %q: want %q, got %v", c.magic, c.want, err)
		}
	}
}

func TestEnvironmentNamesTheFont(t *testing.T) {
	t.Setenv(EnvFont, "/nonexistent/cjk.ttf")
	if err := New("").Ready(); err == nil || !strings.Contains(err.Error(), "/nonexistent/cjk.ttf") {
		t.Fatalf("env font not used: %v", err)
	}
}
