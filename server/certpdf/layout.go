package certpdf

import (
	"fmt"
	"strings"

	"jxjy/server/domain"
)

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

// certPage is one certificate with its QR code (nil without a public
// address).
type certPage struct {
	domain.Certificate
	qr [][]bool
}

// writer sets mixed Chinese and ASCII text in one size, each run in its
// script's font.
type writer struct {
	c    canvas
	size float64
}

// run is a stretch of text in one script.
type run struct {
	text  string
	latin bool
}

// token is what a line never breaks inside: one Chinese character, an
// ASCII word (an ID number, a certificate number), or a kept phrase such
// as "92.5学时".
type token []run

func runsOf(s string) []run {
	var out []run
	for _, r := range clean(s) {
		latin := r < 0x80
		if n := len(out); n > 0 && latin && out[n-1].latin {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{text: string(r), latin: latin})
	}
	return out
}

// breakable is s with a possible line break between any two characters
// except inside an ASCII word.
func breakable(s string) []token {
	var out []token
	for _, r := range runsOf(s) {
		out = append(out, token{r})
	}
	return out
}

// kept is s as one token.
func kept(s string) []token { return []token{runsOf(s)} }

func tokens(parts ...[]token) []token {
	var out []token
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func (w *writer) width(runs []run) float64 {
	total := 0.0
	for _, r := range runs {
		total += w.c.width(w.size, r.text, r.latin)
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
		w.c.text(x, baseline, w.size, r.text, r.latin)
		x += w.c.width(w.size, r.text, r.latin)
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

// paragraph wraps the tokens to width, leading mm apart, and returns the
// y under them. A token wider than a whole line (a long web address) is
// the one place a word is broken.
func (w *writer) paragraph(size, x, y, width, leading float64, toks []token) float64 {
	w.size = size
	var cur []run
	curW := 0.0
	for _, t := range toks {
		tw := w.width(t)
		if tw > width {
			var chars []token
			for _, r := range t {
				for _, ch := range r.text {
					chars = append(chars, token{{text: string(ch), latin: r.latin}})
				}
			}
			y = w.paragraph(size, x, y, width, leading, chars)
			continue
		}
		if curW+tw > width && len(cur) > 0 && !(len(t) == 1 && strings.Contains(closing, t[0].text)) {
			w.line(x, y, width, cur, 'L')
			y += leading
			cur, curW = nil, 0
		}
		cur = append(cur, t...)
		curW += tw
	}
	if len(cur) > 0 {
		w.line(x, y, width, cur, 'L')
		y += leading
	}
	return y
}

func (w *writer) page(p certPage, publicURL string) {
	c := w.c
	c.addPage()

	// A double frame, the outer one heavier.
	c.drawColor(150, 30, 30)
	c.lineWidth(1.2)
	c.rect(margin, margin, pageW-2*margin, pageH-2*margin, "D")
	c.lineWidth(0.3)
	c.rect(margin+3, margin+3, pageW-2*margin-6, pageH-2*margin-6, "D")

	c.textColor(150, 30, 30)
	w.text(16, 0, 36, pageW, "广东省专业技术人员", 'C')
	w.text(30, 0, 47, pageW, "继续教育证书", 'C')

	c.textColor(0, 0, 0)
	w.text(11, textX, 70, textW, "证书编号："+p.Number, 'R')
	y := 84.0
	for _, f := range [][2]string{
		{"姓　　名：", p.Name},
		{"身份证号：", p.IDNumber},
		{"工作单位：", p.UnitName},
		{"年　　度：", fmt.Sprintf("%d年度", p.Year)},
	} {
		w.size = 14
		label := runsOf(f[0])
		indent := w.width(label)
		w.line(textX, y, indent, label, 'L')
		y = w.paragraph(14, textX+indent, y, textW-indent, 9, breakable(f[1]))
	}
	w.paragraph(14, textX, y+5, textW, 10, tokens(
		breakable("经审核，该同志参加"), kept(fmt.Sprintf("%d年度", p.Year)),
		breakable("专业技术人员继续教育，累计完成"), kept(p.Total.String()+"学时"),
		breakable("，达到年度学时要求，特发此证。")))

	hoursTable(w, p.Certificate)
	w.seal()
	w.text(13, textX, 222, textW, "发证机关："+p.Issuer, 'R')
	w.text(13, textX, 232, textW, "发证日期："+p.IssuedAt.In(domain.ChinaTime).Format("2006年01月02日"), 'R')
	w.footer(p, publicURL)
}

// seal marks where the issuing authority stamps: a dashed circle over the
// issuer's name, the usual place of an official seal.
func (w *writer) seal() {
	const cx, cy, r = pageW - textX - 24, 228.0, 18.0
	c := w.c
	c.drawColor(190, 120, 120)
	c.lineWidth(0.3)
	c.dash(true)
	c.circle(cx, cy, r)
	c.dash(false)
	c.textColor(190, 120, 120)
	w.text(8, cx-r, cy+r-5.5, 2*r, "（发证机关盖章处）", 'C')
	c.textColor(0, 0, 0)
}

// footer gives the number and code, and how an outsider checks them: the
// QR code and the public page when the server has a public address.
func (w *writer) footer(p certPage, publicURL string) {
	const top, qrSize = 252.0, 25.0
	c := w.c
	c.drawColor(120, 120, 120)
	c.lineWidth(0.2)
	c.line(textX, top-3, textX+textW, top-3)
	x, width := textX, textW
	how := tokens(breakable("凭"), kept("证书编号"), breakable("和"), kept("验证码"), breakable("可向发证机关核验本证书真伪。"))
	if p.qr != nil {
		qrCode(c, textX, top+1, qrSize, p.qr)
		x, width = textX+qrSize+5, textW-qrSize-5
		how = tokens(breakable("用手机扫描左侧二维码，或在浏览器打开 "), kept(strings.TrimRight(publicURL, "/")+"/verify"),
			breakable(" 输入"), kept("证书编号"), breakable("和"), kept("验证码"), breakable("，即可核验本证书真伪及是否已作废。"))
	}
	w.text(11, x, top+1, width, "证书编号："+p.Number+"　验证码："+p.VerificationCode, 'L')
	y := w.paragraph(9, x, top+8, width, 4.6, how)
	w.paragraph(9, x, y, width, 4.6, tokens(breakable("本证书为"), kept(fmt.Sprintf("%d年度", p.Year)), breakable("继续教育学时证明，涂改无效。")))
}

// qrCode draws the modules as black squares in a size mm square at x, y;
// the page around it is the quiet zone.
func qrCode(c canvas, x, y, size float64, modules [][]bool) {
	cell := size / float64(len(modules))
	c.fillColor(0, 0, 0)
	for row, line := range modules {
		// Runs of dark modules as one rectangle each: fewer operators,
		// and no hairline seams between neighbours in a reader.
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			c.rect(x+float64(start)*cell, y+float64(row)*cell, float64(col-start)*cell, cell, "F")
		}
	}
}

// hoursTable is the hours by category, with the total.
func hoursTable(w *writer, p domain.Certificate) {
	const x, w1, w2, h = 45.0, 70.0, 50.0, 10.0
	rows := [][2]string{
		{"科目类别", "学时"},
		{"公需科目", p.Public.String()},
		{"专业科目", p.Professional.String()},
		{"选修科目", p.Elective.String()},
		{"合计", p.Total.String()},
	}
	c := w.c
	c.drawColor(0, 0, 0)
	c.fillColor(240, 240, 240)
	c.lineWidth(0.3)
	y := 158.0
	for i, r := range rows {
		style := "D"
		if i == 0 || i == len(rows)-1 {
			style = "FD"
		}
		c.rect(x, y, w1, h, style)
		c.rect(x+w1, y, w2, h, style)
		// The line's top sits so the text is centred in the cell.
		top := y + (h-13*ptToMM)/2 - 0.6
		w.text(13, x, top, w1, r[0], 'C')
		w.text(13, x+w1, top, w2, r[1], 'C')
		y += h
	}
}
