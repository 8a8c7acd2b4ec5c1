package certpdf

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// stdCanvas writes a PDF whose Chinese is set in STSong-Light, one of the
// standard CJK fonts of PDF (Adobe-GB1 character collection) that PDF
// readers supply themselves: nothing is embedded, so the server needs no
// font file. ASCII is set in the base-14 Helvetica. Text is encoded with
// the predefined UniGB-UTF16-H CMap, and a ToUnicode map of the characters
// used keeps it extractable (copy, search, pdftotext).
//
// fpdf cannot write a non-embedded CID font, and a certificate needs
// little: rectangles, lines, a circle, dashes and text. This is that
// little.
type stdCanvas struct {
	pages   []*bytes.Buffer
	page    *bytes.Buffer
	stroke  [3]int
	fill    [3]int
	textRGB [3]int
	used    map[rune]bool // characters set in STSong-Light, for ToUnicode
}

func newStdCanvas() *stdCanvas { return &stdCanvas{used: map[rune]bool{}} }

// k converts millimetres to points.
const k = 72 / 25.4

func (c *stdCanvas) addPage() {
	c.page = &bytes.Buffer{}
	c.pages = append(c.pages, c.page)
}

func (c *stdCanvas) op(format string, args ...any) {
	fmt.Fprintf(c.page, format+"\n", args...)
}

// pt converts a length in millimetres; y converts a distance from the
// page's top to PDF's upward axis.
func pt(mm float64) float64  { return mm * k }
func yPt(mm float64) float64 { return (pageH - mm) * k }

func rgb(v [3]int) string {
	return fmt.Sprintf("%.3g %.3g %.3g", float64(v[0])/255, float64(v[1])/255, float64(v[2])/255)
}

func (c *stdCanvas) drawColor(r, g, b int) { c.stroke = [3]int{r, g, b} }
func (c *stdCanvas) fillColor(r, g, b int) { c.fill = [3]int{r, g, b} }
func (c *stdCanvas) textColor(r, g, b int) { c.textRGB = [3]int{r, g, b} }
func (c *stdCanvas) lineWidth(mm float64)  { c.op("%.2f w", pt(mm)) }

func (c *stdCanvas) dash(on bool) {
	if on {
		c.op("[%.2f %.2f] 0 d", pt(1.5), pt(1.2))
		return
	}
	c.op("[] 0 d")
}

func (c *stdCanvas) rect(x, y, w, h float64, style string) {
	colors := map[string]string{"D": rgb(c.stroke) + " RG", "F": rgb(c.fill) + " rg", "FD": rgb(c.stroke) + " RG " + rgb(c.fill) + " rg"}[style]
	paint := map[string]string{"D": "S", "F": "f", "FD": "B"}[style]
	c.op("%s %.2f %.2f %.2f %.2f re %s", colors, pt(x), yPt(y+h), pt(w), pt(h), paint)
}

func (c *stdCanvas) line(x1, y1, x2, y2 float64) {
	c.op("%s RG %.2f %.2f m %.2f %.2f l S", rgb(c.stroke), pt(x1), yPt(y1), pt(x2), yPt(y2))
}

// circle strokes a circle as four Bézier quarters.
func (c *stdCanvas) circle(x, y, r float64) {
	const kappa = 0.5523
	cx, cy, R, d := pt(x), yPt(y), pt(r), pt(r)*kappa
	c.op("%s RG %.2f %.2f m", rgb(c.stroke), cx+R, cy)
	c.op("%.2f %.2f %.2f %.2f %.2f %.2f c", cx+R, cy+d, cx+d, cy+R, cx, cy+R)
	c.op("%.2f %.2f %.2f %.2f %.2f %.2f c", cx-d, cy+R, cx-R, cy+d, cx-R, cy)
	c.op("%.2f %.2f %.2f %.2f %.2f %.2f c", cx-R, cy-d, cx-d, cy-R, cx, cy-R)
	c.op("%.2f %.2f %.2f %.2f %.2f %.2f c S", cx+d, cy-R, cx+R, cy-d, cx+R, cy)
}

func (c *stdCanvas) text(x, baseline, size float64, s string, latin bool) {
	font, enc := "F1", "("+escapeLiteral(s)+")"
	if !latin {
		font, enc = "F2", "<"+utf16Hex(s)+">"
		for _, r := range s {
			c.used[r] = true
		}
	}
	c.op("BT %s rg /%s %.2f Tf %.2f %.2f Td %s Tj ET", rgb(c.textRGB), font, size, pt(x), yPt(baseline), enc)
}

func (c *stdCanvas) width(size float64, s string, latin bool) float64 {
	units := 0
	for _, r := range s {
		if latin && r >= 0x20 && r < 0x7f {
			units += helveticaWidths[r-0x20]
		} else {
			units += 1000 // every character of the font's CJK set is square
		}
	}
	return float64(units) * size / 1000 / k
}

// covers tells which characters STSong-Light is sure to have: those of
// GB 18030's two-byte part and CJK Extension A (Adobe-GB1-4). Newer
// ideographs and the supplementary planes (Extension B on, such as 𠮷) may
// be missing from the reader's font, so they are refused rather than
// printed blank.
func (c *stdCanvas) covers(r rune) bool {
	switch {
	case r >= 0x20 && r < 0x7f,
		r == 0xb7, r == 0xd7, r == 0xf7, strings.ContainsRune(pinyin, r),
		r >= 0x2010 && r <= 0x2026, // dashes, quotes, ellipsis
		r >= 0x3000 && r <= 0x3017, // CJK punctuation and brackets
		r >= 0x3400 && r <= 0x4db5, // Extension A
		r >= 0x4e00 && r <= 0x9fa5, // the unified ideographs of GB 18030
		r >= 0xff01 && r <= 0xff5e, // full-width forms
		r >= 0xffe0 && r <= 0xffe5:
		return true
	}
	return false
}

// pinyin are the Latin letters with tone marks of GB 2312.
const pinyin = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"

func (c *stdCanvas) output() ([]byte, error) {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	stream := func(data []byte) string {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	const firstPage = 9
	kids := make([]string, len(c.pages))
	for i := range c.pages {
		kids[i] = fmt.Sprintf("%d 0 R", firstPage+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(c.pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [5 0 R] /ToUnicode 7 0 R >>")
	obj("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light " +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 6 0 R /DW 1000 >>")
	obj("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] " +
		"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
	obj(stream(c.toUnicode()))
	obj("<< /Title <" + "FEFF" + utf16Hex("继续教育证书") + "> /Creator (jxjy) /Producer (jxjy) >>")
	for i, p := range c.pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "+
			"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>", pt(pageW), pt(pageH), firstPage+2*i+1))
		obj(stream(bytes.TrimSuffix(p.Bytes(), []byte("\n"))))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes(), nil
}

// toUnicode maps each UTF-16 code used back to its character, which
// extraction needs: a reader cannot be assumed to invert UniGB-UTF16-H.
func (c *stdCanvas) toUnicode() []byte {
	runes := make([]rune, 0, len(c.used))
	for r := range c.used {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(runes) > 0 {
		n := min(len(runes), 100) // a block holds at most 100 entries
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, r := range runes[:n] {
			fmt.Fprintf(&b, "<%s> <%s>\n", utf16Hex(string(r)), utf16Hex(string(r)))
		}
		b.WriteString("endbfchar\n")
		runes = runes[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.Bytes()
}

func utf16Hex(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

func escapeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}

// helveticaWidths are Helvetica's advance widths of ASCII 0x20–0x7e, in
// thousandths of the size (the base-14 font metrics).
var helveticaWidths = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}
