package certpdf

import (
	"bytes"
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"jxjy/server/certpdf/pdftest"
	"jxjy/server/domain"
)

// Rare characters of names: CJK Extension A (䶮) is in STSong-Light and
// prints; Extension B (𠮷) may be missing from a reader's font and is
// refused at 打印 with a message naming it, never left blank.
func TestRareCharactersPrintOrAreRefusedByName(t *testing.T) {
	r := New("", "")
	if err := r.CheckText("姓名", "刘䶮"); err != nil {
		t.Fatalf("䶮 (Extension A) refused: %v", err)
	}
	pdf, err := r.Render([]domain.Certificate{sample("刘䶮", "GD2025440106000123")})
	if err != nil {
		t.Fatal(err)
	}
	err = r.CheckText("姓名", "吉𠮷")
	if domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("𠮷: want invalid, got %v", err)
	}
	for _, want := range []string{"姓名", "“𠮷”", "U+20BB7", "--cjk-font"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if _, err := r.Render([]domain.Certificate{sample("吉𠮷", "GD2025440106000124")}); domain.ErrorCode(err) != domain.CodeInvalid ||
		!strings.Contains(err.Error(), "𠮷") {
		t.Fatalf("render of 𠮷: %v", err)
	}
	// A character no Chinese font has (a private-use code point) is
	// refused by the TrueType font too.
	ttf := ttfOrSkip(t, "")
	if err := ttf.CheckText("工作单位", "广州\ue000公司"); domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(err.Error(), "U+E000") {
		t.Fatalf("TrueType font, private-use character: %v", err)
	}
	if err := ttf.CheckText("姓名", "吉𠮷"); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("TrueType font, 𠮷: %v", err)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "刘䶮") {
		t.Errorf("䶮 does not extract:\n%s", text)
	}
}

// Control and formatting characters stored before the server's text rule
// never reach the page: an escape sequence, a bidirectional override, a
// zero-width space, NUL.
func TestControlCharactersAreLeftOut(t *testing.T) {
	if got := clean("陈\x1b[31m志\u202e明\x00\u200b\tX\x7f\u0085"); got != "陈[31m志明 X" {
		t.Fatalf("clean: %q", got)
	}
	c := sample("陈\x1b[31m志\u202e明\x00", "GD2025440106000123")
	c.UnitName = "广州\r\n示范\u2066公司"
	renderers(t, "", func(t *testing.T, r *Renderer) {
		pdf, err := r.Render([]domain.Certificate{c})
		if err != nil {
			t.Fatal(err)
		}
		// The standard font's page streams are not compressed: what was
		// drawn can be read in the file.
		if r.configured == "" {
			if bytes.Contains(pdf, []byte("\x1b")) || bytes.Contains(pdf, []byte("\x00")) {
				t.Error("PDF carries a raw control character")
			}
			if m := drawnControl.Find(pdf); m != nil {
				t.Errorf("PDF draws %s", m)
			}
		}
		text := pdftest.Text(t, pdf)
		if !strings.Contains(text, "陈[31m志明") || !strings.Contains(text, "广州 示范公司") {
			t.Errorf("cleaned text missing:\n%s", text)
		}
	})
}

// drawnControl finds a control or formatting character in a hex string
// of UTF-16 codes.
var drawnControl = regexp.MustCompile(`<(?:[0-9A-F]{4})*?(?:00[01][0-9A-F]|007F|008[0-9A-F]|009[0-9A-F]|200B|202E|2066)(?:[0-9A-F]{4})*> Tj`)

// recorder is a standard canvas that keeps each text with its baseline.
type recorder struct {
	*stdCanvas
	lines map[float64]string
}

func (r *recorder) text(x, baseline, size float64, s string, latin bool) {
	r.lines[baseline] += s
}

// A number never parts from its unit: "92.5学时" and "2025年度" stay on one
// line whatever the figures do to the line's length.
func TestNoLineBreakInsideNumbersAndUnits(t *testing.T) {
	for _, total := range []domain.Hours{domain.HoursOf(90), domain.HoursOf(90) + 1, domain.HoursOf(120), domain.HoursOf(1000) + 1, 7} {
		for _, year := range []int{2025, 12025} {
			rec := &recorder{stdCanvas: newStdCanvas(), lines: map[float64]string{}}
			rec.addPage()
			c := sample("欧阳志明", "GD2025440106000123")
			c.Total, c.Year = total, year
			qr, err := qrModules(VerifyURL("https://jxjy.example.gov.cn", c.Number, c.VerificationCode))
			if err != nil {
				t.Fatal(err)
			}
			(&writer{c: rec}).page(certPage{Certificate: c, qr: qr}, "https://jxjy.example.gov.cn")
			all := ""
			for _, l := range rec.lines {
				all += l + "\n"
			}
			for _, want := range []string{total.String() + "学时", "累计完成", "特发此证", "证书编号", "验证码", "https://jxjy.example.gov.cn/verify"} {
				if !strings.Contains(all, want) {
					t.Errorf("total %s, year %d: %q broken across lines:\n%s", total, year, want, all)
				}
			}
			if !strings.Contains(all, "参加"+strconv.Itoa(year)+"年度") && !strings.Contains(all, "\n"+strconv.Itoa(year)+"年度") {
				t.Errorf("year %d broken across lines:\n%s", year, all)
			}
		}
	}
}

// The QR code holds the verification URL: drawn as modules, read back by
// a decoder.
func TestQRCodeDecodesToTheVerifyURL(t *testing.T) {
	want := VerifyURL("https://jxjy.example.gov.cn/", "GD2025440106000123", "K7Q2M9XP")
	if want != "https://jxjy.example.gov.cn/verify?c=K7Q2M9XP&n=GD2025440106000123" {
		t.Fatalf("url %q", want)
	}
	modules, err := qrModules(want)
	if err != nil {
		t.Fatal(err)
	}
	const scale, quiet = 4, 4
	n := len(modules)
	img := image.NewGray(image.Rect(0, 0, (n+2*quiet)*scale, (n+2*quiet)*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y, row := range modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != want {
		t.Fatalf("decoded %q, want %q", res.GetText(), want)
	}
	// With a public address the page carries the QR code; without it, none.
	with, err := New("", "https://jxjy.example.gov.cn").Render([]domain.Certificate{sample("陈志明", "GD2025440106000123")})
	if err != nil {
		t.Fatal(err)
	}
	without, err := New("", "").Render([]domain.Certificate{sample("陈志明", "GD2025440106000123")})
	if err != nil {
		t.Fatal(err)
	}
	if fills := bytes.Count(with, []byte(" re f")) - bytes.Count(without, []byte(" re f")); fills < 100 {
		t.Fatalf("QR code drawn with %d rectangles", fills)
	}
}

func TestPublicURLMustBeAWebAddress(t *testing.T) {
	for _, ok := range []string{"https://jxjy.example.gov.cn", "http://127.0.0.1:8080", "https://example.cn/jxjy/"} {
		if err := CheckPublicURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"jxjy.example.gov.cn", "ftp://x", "https://", "https://x/?a=1", "https://x/#f", "https://u:p@x"} {
		if err := CheckPublicURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
