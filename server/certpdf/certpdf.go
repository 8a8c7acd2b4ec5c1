// Package certpdf draws 继续教育证书 as A4 PDF pages.
//
// Two ways to set Chinese, chosen by configuration:
//
//   - By default, the PDF standard Chinese font STSong-Light (Adobe-GB1),
//     which PDF readers supply themselves (stdpdf.go). The server needs
//     no font file, so a fresh machine prints; text stays extractable
//     through a ToUnicode map.
//   - A TrueType font named by the server's --cjk-font flag or the
//     JXJY_CJK_FONT environment variable wins when set; go-pdf/fpdf embeds
//     the subset of glyphs a document uses (ttfpdf.go), so the PDF looks
//     the same in every reader. fpdf reads TrueType outlines only:
//     OpenType/CFF (.otf) files and font collections (.ttc) are refused
//     with a message saying so.
//
// A character the font cannot show (a rare name such as 𠮷 in the
// standard font) is refused with a message naming it, never printed as a
// blank or a box. Control and formatting characters are left out of
// every text drawn.
package certpdf

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"jxjy/server/domain"
)

// EnvFont names the environment variable that may point at the font file.
const EnvFont = "JXJY_CJK_FONT"

// Renderer draws certificates. A configured font is loaded at the first
// use and kept; while it cannot be read the renderer looks again at every
// call, so fixing the file needs no restart.
type Renderer struct {
	configured string // a TrueType font given explicitly, or ""
	publicURL  string // base of the verification page the QR code opens, or ""

	mu   sync.Mutex
	font *ttfFont
}

// New returns a renderer. An empty fontPath means $JXJY_CJK_FONT, and
// when that is empty too, the PDF standard Chinese font. An empty
// publicURL leaves the QR code out.
func New(fontPath, publicURL string) *Renderer {
	if fontPath == "" {
		fontPath = os.Getenv(EnvFont)
	}
	return &Renderer{configured: fontPath, publicURL: publicURL}
}

// Ready reports why certificates cannot be drawn, as an unavailable
// *domain.Error in Chinese: only a configured font that cannot be used.
func (r *Renderer) Ready() error {
	_, err := r.loadFont()
	return err
}

// loadFont returns the configured font, or nil for the standard font.
func (r *Renderer) loadFont() (*ttfFont, error) {
	if r.configured == "" {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.font != nil {
		return r.font, nil
	}
	p := r.configured
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, unavailable("无法读取中文字体文件 %s：%v（不设 --cjk-font 与 %s 时使用PDF标准中文字体）", p, err, EnvFont)
	}
	if err := checkTrueType(p, b); err != nil {
		return nil, err
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, unavailable("中文字体文件 %s 不是有效的 TrueType 字体：%v", p, err)
	}
	r.font = &ttfFont{path: p, data: b, font: f}
	return r.font, nil
}

func unavailable(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.CodeUnavailable, format, args...)
}

// checkTrueType refuses what fpdf cannot embed, by the file's first four
// bytes (fpdf itself only prints a complaint and carries on).
func checkTrueType(path string, b []byte) error {
	if len(b) < 4 {
		return unavailable("中文字体文件 %s 不是有效的 TrueType 字体", path)
	}
	switch string(b[:4]) {
	case "\x00\x01\x00\x00", "true":
		return nil
	case "ttcf":
		return unavailable("中文字体文件 %s 是字体集合（.ttc），不能用于生成PDF；请改用单个 TrueType 字体文件（.ttf）", path)
	case "OTTO":
		return unavailable("中文字体文件 %s 是 OpenType/CFF 字体（.otf），不能用于生成PDF；请改用 TrueType 字体文件（.ttf）", path)
	}
	return unavailable("中文字体文件 %s 不是有效的 TrueType 字体", path)
}

// canvas is what a page is drawn on: in millimetres from the page's top
// left; text in one script at a time (ASCII in Helvetica, the rest in the
// Chinese font).
type canvas interface {
	addPage()
	drawColor(r, g, b int)
	fillColor(r, g, b int)
	textColor(r, g, b int)
	lineWidth(mm float64)
	dash(on bool)
	rect(x, y, w, h float64, style string) // "D" stroke, "F" fill, "FD" both
	line(x1, y1, x2, y2 float64)
	circle(x, y, r float64)
	text(x, baseline, size float64, s string, latin bool)
	width(size float64, s string, latin bool) float64
	covers(r rune) bool
	output() ([]byte, error)
}

// CheckText refuses, as an invalid *domain.Error, a text the certificate
// font cannot show; label names it in the message ("姓名").
func (r *Renderer) CheckText(label, s string) error {
	f, err := r.loadFont()
	if err != nil {
		return err
	}
	var c canvas = &stdCanvas{}
	if f != nil {
		c = &ttfCanvas{font: f}
	}
	return checkText(c, f, label, s)
}

func checkText(c canvas, f *ttfFont, label, s string) error {
	for _, ch := range clean(s) {
		if c.covers(ch) {
			continue
		}
		fix := "证书使用PDF标准中文字体（STSong-Light），不能保证显示此字；请服务器管理员用 --cjk-font 指定一个含此字的 TrueType 字体（.ttf）后再打印"
		if f != nil {
			fix = fmt.Sprintf("证书字体 %s 不含此字；请服务器管理员用 --cjk-font 换用含此字的 TrueType 字体（.ttf）后再打印", f.path)
		}
		return domain.Errorf(domain.CodeInvalid, "%s“%s”中的“%c”（U+%04X）无法印在证书上：%s", label, clean(s), ch, ch, fix)
	}
	return nil
}

// clean is s as drawn: line breaks and tabs become spaces, other control
// and formatting characters (bidirectional overrides, zero-width marks)
// are left out.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// Render draws each certificate on its own A4 page of one PDF. A text the
// font cannot show refuses the whole PDF with a message naming it.
func (r *Renderer) Render(certs []domain.Certificate) (out []byte, err error) {
	f, err := r.loadFont()
	if err != nil {
		return nil, err
	}
	// fpdf panics on some malformed fonts; a bad file must not take the
	// server down.
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("certpdf: render: %v", v)
		}
	}()
	var c canvas = newStdCanvas()
	if f != nil {
		c = newTTFCanvas(f)
	}
	pages := make([]certPage, len(certs))
	for i, cert := range certs {
		for _, t := range [][2]string{{"姓名", cert.Name}, {"身份证号", cert.IDNumber}, {"工作单位", cert.UnitName},
			{"发证机关", cert.Issuer}, {"证书编号", cert.Number}, {"验证码", cert.VerificationCode}} {
			if err := checkText(c, f, t[0], t[1]); err != nil {
				return nil, err
			}
		}
		pages[i] = certPage{Certificate: cert}
		if r.publicURL != "" {
			if pages[i].qr, err = qrModules(VerifyURL(r.publicURL, cert.Number, cert.VerificationCode)); err != nil {
				return nil, err
			}
		}
	}
	w := &writer{c: c}
	for _, p := range pages {
		w.page(p, r.publicURL)
	}
	return c.output()
}
