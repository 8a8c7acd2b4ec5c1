package certpdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/server/certpdf/pdftest"
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

// ttfOrSkip is a renderer over an installed TrueType CJK font (CI
// installs fonts-droid-fallback); elsewhere the test is skipped.
func ttfOrSkip(t *testing.T, publicURL string) *Renderer {
	t.Helper()
	const font = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	if _, err := os.Stat(font); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no CJK font in CI (.ci/run installs fonts-droid-fallback): %v", err)
		}
		t.Skipf("no TrueType CJK font installed (apt-get install fonts-droid-fallback): %v", err)
	}
	return New(font, publicURL)
}

// renderers are the two ways of setting Chinese: the standard font,
// always, and an embedded TrueType font where one is installed.
func renderers(t *testing.T, publicURL string, test func(t *testing.T, r *Renderer)) {
	t.Run("standard font", func(t *testing.T) { test(t, New("", publicURL)) })
	t.Run("TrueType font", func(t *testing.T) { test(t, ttfOrSkip(t, publicURL)) })
}

func TestCertificateTextExtractsInChinese(t *testing.T) {
	renderers(t, "", func(t *testing.T, r *Renderer) {
		pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000123")})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
		}
		text := pdftest.Text(t, pdf)
		for _, want := range []string{"继续教育证书", "陈志明", "440106199003072517", "广州市天河区示范科技有限公司",
			"GD2025440106000123", "K7Q2M9XP", "公需科目", "32", "专业科目", "48", "选修科目", "12.5", "合计", "92.5",
			"广州市人力资源和社会保障局", "2026年03月15日", "2025年度", "92.5学时", "发证机关盖章处", "向发证机关核验"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "ctrl+g") {
			t.Errorf("the footer still points at the TUI's key:\n%s", text)
		}
	})
}

func TestOnePagePerCertificate(t *testing.T) {
	renderers(t, "", func(t *testing.T, r *Renderer) {
		pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000001"), sample("王建华", "GD2025440106000002")})
		if err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(pdftest.Text(t, pdf), "\f")
		if len(pages) < 2 || !strings.Contains(pages[0], "陈志明") || !strings.Contains(pages[1], "王建华") ||
			strings.Contains(pages[0], "王建华") {
			t.Fatalf("want one certificate per page, got %d pages", len(pages))
		}
	})
}

func TestMissingConfiguredFontIsAClearUnavailableError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "字体.ttf")
	r := New(missing, "")
	if err := r.Ready(); domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), missing) {
		t.Fatalf("configured missing font: %v", err)
	}
	if _, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000001")}); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("render with a missing configured font: %v", err)
	}
}

func TestNoFontConfiguredUsesTheStandardFont(t *testing.T) {
	t.Setenv(EnvFont, "")
	r := New("", "")
	if err := r.Ready(); err != nil {
		t.Fatalf("the standard font needs nothing installed: %v", err)
	}
	pdf, err := r.Render([]domain.Certificate{sample("陈志明", "GD2025440106000001")})
	if err != nil {
		t.Fatal(err)
	}
	// Not embedded: the reader supplies STSong-Light; ToUnicode keeps
	// the text extractable.
	for _, want := range []string{"/BaseFont /STSong-Light", "/Encoding /UniGB-UTF16-H", "/ToUnicode", "<9648> <9648>"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if bytes.Contains(pdf, []byte("/FontFile")) {
		t.Error("the standard font must not be embedded")
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
		err := New(path, "").Ready()
		if domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), c.want) {
			t.Errorf("magic %q: want %q, got %v", c.magic, c.want, err)
		}
	}
}

func TestEnvironmentNamesTheFont(t *testing.T) {
	t.Setenv(EnvFont, "/nonexistent/cjk.ttf")
	if err := New("", "").Ready(); err == nil || !strings.Contains(err.Error(), "/nonexistent/cjk.ttf") {
		t.Fatalf("env font not used: %v", err)
	}
}
