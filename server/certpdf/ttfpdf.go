package certpdf

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// ttfFont is a configured TrueType font: its bytes for fpdf, which embeds
// the subset a document uses, and its parsed tables to tell which
// characters it has.
type ttfFont struct {
	path string
	data []byte
	font *sfnt.Font
}

// Font families of the fpdf canvas: the CJK font, and the PDF core font
// Helvetica for ASCII, because CJK fallback fonts such as
// DroidSansFallback carry no Latin letters or digits.
const (
	cjkFamily   = "cjk"
	latinFamily = "Helvetica"
)

// ttfCanvas draws with fpdf, embedding the subset of the configured font.
type ttfCanvas struct {
	pdf  *fpdf.Fpdf
	font *ttfFont
}

func newTTFCanvas(f *ttfFont) *ttfCanvas {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(cjkFamily, "", f.data)
	pdf.SetTitle("继续教育证书", true)
	pdf.SetCreator("jxjy", true)
	return &ttfCanvas{pdf: pdf, font: f}
}

func (c *ttfCanvas) addPage()                              { c.pdf.AddPage() }
func (c *ttfCanvas) drawColor(r, g, b int)                 { c.pdf.SetDrawColor(r, g, b) }
func (c *ttfCanvas) fillColor(r, g, b int)                 { c.pdf.SetFillColor(r, g, b) }
func (c *ttfCanvas) textColor(r, g, b int)                 { c.pdf.SetTextColor(r, g, b) }
func (c *ttfCanvas) lineWidth(mm float64)                  { c.pdf.SetLineWidth(mm) }
func (c *ttfCanvas) rect(x, y, w, h float64, style string) { c.pdf.Rect(x, y, w, h, style) }
func (c *ttfCanvas) line(x1, y1, x2, y2 float64)           { c.pdf.Line(x1, y1, x2, y2) }
func (c *ttfCanvas) circle(x, y, r float64)                { c.pdf.Circle(x, y, r, "D") }

func (c *ttfCanvas) dash(on bool) {
	if on {
		c.pdf.SetDashPattern([]float64{1.5, 1.2}, 0)
		return
	}
	c.pdf.SetDashPattern(nil, 0)
}

func (c *ttfCanvas) setFont(size float64, latin bool) {
	family := cjkFamily
	if latin {
		family = latinFamily
	}
	c.pdf.SetFont(family, "", size)
}

func (c *ttfCanvas) text(x, baseline, size float64, s string, latin bool) {
	c.setFont(size, latin)
	c.pdf.Text(x, baseline, s)
}

func (c *ttfCanvas) width(size float64, s string, latin bool) float64 {
	c.setFont(size, latin)
	return c.pdf.GetStringWidth(s)
}

// covers asks the font's character map. ASCII is drawn in Helvetica.
// Characters beyond the Basic Multilingual Plane are refused: fpdf's
// subsetter reads only the font's 16-bit character map.
func (c *ttfCanvas) covers(r rune) bool {
	if r >= 0x20 && r < 0x7f {
		return true
	}
	if r > 0xffff {
		return false
	}
	var buf sfnt.Buffer
	g, err := c.font.font.GlyphIndex(&buf, r)
	return err == nil && g != 0
}

func (c *ttfCanvas) output() ([]byte, error) {
	var buf bytes.Buffer
	if err := c.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("certpdf: render: %w", err)
	}
	return buf.Bytes(), nil
}
