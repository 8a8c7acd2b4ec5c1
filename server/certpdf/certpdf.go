// Package certpdf draws 继续教育证书 as A4 PDF pages with go-pdf/fpdf.
//
// Chinese needs a CJK font, which jxjy does not ship (a full one is
// several megabytes). The font is read at run time from the file named by
// the server's --cjk-font flag or the JXJY_CJK_FONT environment variable,
// else from the first of DefaultFonts that exists; Debian's
// fonts-droid-fallback package provides the first. fpdf embeds only the
// glyphs a document uses. It reads TrueType outlines only: OpenType/CFF
// (.otf) files and font collections (.ttc) are refused with a message
// saying so.
package certpdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"

	"jxjy/server/domain"
)

// EnvFont names the environment variable that may point at the font file.
const EnvFont = "JXJY_CJK_FONT"

// DefaultFonts are tried in order when no font is configured.
var DefaultFonts = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", // Debian: fonts-droid-fallback
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",    // Debian: fonts-arphic-gkai00mp
}

// fontPackage is the Debian package the error message recommends.
const fontPackage = "fonts-droid-fallback"

// Renderer draws certificates. It loads the font at the first use and
// keeps it; while no font is found it looks again at every call, so
// installing the package needs no restart.
type Renderer struct {
	configured string // a path given explicitly, or ""
	candidates []string

	mu   sync.Mutex
	font []byte
}

// New returns a renderer using the font at path; an empty path means
// $JXJY_CJK_FONT, then DefaultFonts.
func New(path string) *Renderer {
	if path == "" {
		path = os.Getenv(EnvFont)
	}
	return &Renderer{configured: path, candidates: DefaultFonts}
}

// Ready loads the font, or reports why certificates cannot be drawn as an
// unavailable *domain.Error in Chinese.
func (r *Renderer) Ready() error {
	_, err := r.loadFont()
	return err
}

func (r *Renderer) loadFont() ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.font != nil {
		return r.font, nil
	}
	paths := r.candidates
	if r.configured != "" {
		paths = []string{r.configured}
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) && r.configured == "" {
			continue
		}
		if err != nil {
			return nil, unavailable("无法读取中文字体文件 %s：%v", p, err)
		}
		if err := checkTrueType(p, b); err != nil {
			return nil, err
		}
		r.font = b
		return b, nil
	}
	return nil, unavailable("服务器未安装中文字体，无法生成证书PDF。请在服务器上安装 Debian 软件包 %s（apt-get install %s），"+
		"或用 --cjk-font 参数或环境变量 %s 指定一个含中文字形的 TrueType 字体文件（.ttf）", fontPackage, fontPackage, EnvFont)
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
		return unavailable("中文字体文件 %s 是字体集合（.ttc），不能用于生成PDF；请改用单个 TrueType 字体文件（.ttf），例如安装 %s", path, fontPackage)
	case "OTTO":
		return unavailable("中文字体文件 %s 是 OpenType/CFF 字体（.otf），不能用于生成PDF；请改用 TrueType 字体文件（.ttf），例如安装 %s", path, fontPackage)
	}
	return unavailable("中文字体文件 %s 不是有效的 TrueType 字体", path)
}

// Font families: the CJK font, and the PDF core font Helvetica for ASCII,
// because CJK fallback fonts such as DroidSansFallback carry no Latin
// letters or digits.
const (
	cjkFamily   = "cjk"
	latinFamily = "Helvetica"
)

// Render draws each certificate on its own A4 page of one PDF.
func (r *Renderer) Render(certs []domain.Certificate) (out []byte, err error) {
	font, err := r.loadFont()
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
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(cjkFamily, "", font)
	pdf.SetTitle("继续教育证书", true)
	pdf.SetCreator("jxjy", true)
	for _, c := range certs {
		page(&writer{pdf: pdf}, c)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("certpdf: render: %w", err)
	}
	return buf.Bytes(), nil
}

// A4 in millimetres, the frame's inset and the text column.
const (
	pageW  = 210.0
	pageH  = 297.0
	margin = 12.0
	textX  = 30.0
	textW  = pageW - 2*textX
)

// ptToMM converts a font size to millimetres.
const ptToMM = 25.4 / 72

// writer sets mixed Chinese and ASCII text in one size, each run in its
// family.
type writer struct {
	pdf  *fpdf.Fpdf
	size float64
}

// run is a stretch of text in one family; an ASCII run is also a word
// that lines never break inside (an ID number, a certificate number).
type run struct {
	text  string
	latin bool
}

func runsOf(s string) []run {
	var out []run
	for _, r := range s {
		latin := r < 0x80
		if n := len(out); n > 0 && latin && out[n-1].latin {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{text: string(r), latin: latin})
	}
	return out
}

func (w *writer) font(latin bool) {
	family := cjkFamily
	if latin {
		family = latinFamily
	}
	w.pdf.SetFont(family, "", w.size)
}

func (w *writer) width(runs []run) float64 {
	total := 0.0
	for _, r := range runs {
		w.font(r.latin)
		total += w.pdf.GetStringWidth(r.text)
	}
	return total
}

// line draws runs on the baseline of a line whose top is y, aligned
// 'L', 'C' or 'R' within [x, x+width].
func (w *writer) line(x, y, width float64, runs []run, align byte) {
	switch align {
	case 'C':
		x += (width - w.width(runs)) / 2
	case 'R':
		x += width - w.width(runs)
	}
	baseline := y + w.size*ptToMM
	for _, r := range runs {
		w.font(r.latin)
		w.pdf.Text(x, baseline, r.text)
		x += w.pdf.GetStringWidth(r.text)
	}
}

// text draws s as one line.
func (w *writer) text(size, x, y, width float64, s string, align byte) {
	w.size = size
	w.line(x, y, width, runsOf(s), align)
}

// closing punctuation may hang past the line's end rather than start the
// next line (the usual Chinese typesetting rule).
const closing = "，。、；：）”！？"

// paragraph wraps s to width, leading mm apart, and returns the y under it.
func (w *writer) paragraph(size, x, y, width, leading float64, s string) float64 {
	w.size = size
	var cur []run
	curW := 0.0
	for _, r := range runsOf(s) {
		rw := w.width([]run{r})
		if curW+rw > width && len(cur) > 0 && !strings.Contains(closing, r.text) {
			w.line(x, y, width, cur, 'L')
			y += leading
			cur, curW = nil, 0
		}
		cur = append(cur, r)
		curW += rw
	}
	if len(cur) > 0 {
		w.line(x, y, width, cur, 'L')
		y += leading
	}
	return y
}

func page(w *writer, c domain.Certificate) {
	pdf := w.pdf
	pdf.AddPage()

	// A double frame, the outer one heavier.
	pdf.SetDrawColor(150, 30, 30)
	pdf.SetLineWidth(1.2)
	pdf.Rect(margin, margin, pageW-2*margin, pageH-2*margin, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(margin+3, margin+3, pageW-2*margin-6, pageH-2*margin-6, "D")

	pdf.SetTextColor(150, 30, 30)
	w.text(16, 0, 36, pageW, "广东省专业技术人员", 'C')
	w.text(30, 0, 47, pageW, "继续教育证书", 'C')

	pdf.SetTextColor(0, 0, 0)
	w.text(11, textX, 70, textW, "证书编号："+c.Number, 'R')
	y := 84.0
	for _, f := range [][2]string{
		{"姓　　名：", c.Name},
		{"身份证号：", c.IDNumber},
		{"工作单位：", c.UnitName},
		{"年　　度：", fmt.Sprintf("%d年度", c.Year)},
	} {
		w.size = 14
		label := runsOf(f[0])
		indent := w.width(label)
		w.line(textX, y, indent, label, 'L')
		y = w.paragraph(14, textX+indent, y, textW-indent, 9, f[1])
	}
	w.paragraph(14, textX, y+5, textW, 10, fmt.Sprintf("经审核，该同志参加%d年度专业技术人员继续教育，累计完成%s学时，"+
		"达到年度学时要求，特发此证。", c.Year, c.Total))

	hoursTable(w, c)

	w.text(13, textX, 222, textW, "发证机关："+c.Issuer, 'R')
	w.text(13, textX, 232, textW, "发证日期："+c.IssuedAt.In(domain.ChinaTime).Format("2006年01月02日"), 'R')

	pdf.SetDrawColor(120, 120, 120)
	pdf.SetLineWidth(0.2)
	pdf.Line(textX, 252, textX+textW, 252)
	w.text(11, textX, 256, textW, "验证码："+c.VerificationCode, 'L')
	w.paragraph(9, textX, 264, textW, 5, "凭证书编号和验证码可在本系统【证书查验】中核验真伪（登录界面按 ctrl+g）。"+
		"本证书为"+fmt.Sprint(c.Year)+"年度继续教育学时证明，涂改无效。")
}

// hoursTable is the hours by category, with the total.
func hoursTable(w *writer, c domain.Certificate) {
	const x, w1, w2, h = 45.0, 70.0, 50.0, 10.0
	rows := [][2]string{
		{"科目类别", "学时"},
		{"公需科目", c.Public.String()},
		{"专业科目", c.Professional.String()},
		{"选修科目", c.Elective.String()},
		{"合计", c.Total.String()},
	}
	pdf := w.pdf
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetFillColor(240, 240, 240)
	pdf.SetLineWidth(0.3)
	y := 158.0
	for i, r := range rows {
		style := "D"
		if i == 0 || i == len(rows)-1 {
			style = "FD"
		}
		pdf.Rect(x, y, w1, h, style)
		pdf.Rect(x+w1, y, w2, h, style)
		// The line's top sits so the text is centred in the cell.
		top := y + (h-13*ptToMM)/2 - 0.6
		w.text(13, x, top, w1, r[0], 'C')
		w.text(13, x+w1, top, w2, r[1], 'C')
		y += h
	}
}
