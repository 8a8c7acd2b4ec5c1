package pane

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/keys"
	term "jxjy/tui/screen"
	"jxjy/tui/styles"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// everyControl is a value holding every character that could steer a
// terminal: all C0 controls, DEL, all C1 controls, the bidi controls, whole
// escape sequences (clear, colour, window title) and a broken byte.
func everyControl() string {
	var b strings.Builder
	b.WriteString("张")
	for r := rune(0); r < 0x20; r++ {
		b.WriteRune(r)
	}
	b.WriteRune(0x7f)
	for r := rune(0x80); r <= 0x9f; r++ {
		b.WriteRune(r)
	}
	for _, r := range "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c" {
		b.WriteRune(r)
	}
	b.WriteString("\x1b[2J\x1b[31m\x1b]0;forged\x07\x1b[H\xff三")
	return b.String()
}

// hostileFrame lays out the shared widgets at w×h holding value: a table
// row, detail rows (one multi-line), a status line and a form value.
func hostileFrame(value string, w, h int) string {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256) // styled, as on a real terminal
	st := styles.NewWithRenderer(r, false)
	c := &common.Common{Styles: st, Keys: keys.New(false)}
	tb := table.New(st, c.Keys, "空", table.Column{Title: "姓名", Width: 10, Flex: true}, table.Column{Title: "单位", Width: 16})
	tb.SetRows([]table.Row{{ID: 1, Cells: []string{value, value}}, {ID: 2, Cells: []string{"李四", "广州"}}})
	tb.Focus()
	tb.SetSize(w, 4)
	detail := Labelled(c, [][2]string{{"姓名", value}, {"职能简介", "第一行\n" + value}}, w)
	var o Outcome
	o.Done("已保存：" + value)
	in := form.NewText(c.Keys, false, 500)
	in.SetValue(value)
	in.SetWidth(w / 2)
	return textwidth.Block(strings.Join([]string{tb.View(), strings.Join(detail, "\n"), o.View(c, w), in.View()}, "\n"), w, h)
}

var (
	sgrSeq = regexp.MustCompile("\x1b\\[[0-9;]*m")
	// The renderer's own sequences: modes, moves, erases, attributes.
	rendererSeq = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]|\r\n|\r")
)

// badRune is any control (but the frame's own line feeds) or bidi rune.
func badRune(r rune) bool {
	return (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

func TestEveryControlCharacterIsDrawnHarmlessly(t *testing.T) {
	const w, h = 80, 24
	frame := hostileFrame(everyControl(), w, h)

	// The frame is exactly the layout: h lines of w cells.
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if textwidth.Width(l) != w {
			t.Errorf("line %d is %d cells: %q", i, textwidth.Width(l), l)
		}
	}
	// Nothing in it but text and the styles' own attributes.
	for _, r := range sgrSeq.ReplaceAllString(frame, "") {
		if badRune(r) {
			t.Fatalf("frame holds %U:\n%q", r, frame)
		}
	}
	if !strings.Contains(frame, "张␀␁") || !strings.Contains(frame, "␛[2J") {
		t.Errorf("controls are not shown visibly:\n%s", sgrSeq.ReplaceAllString(frame, ""))
	}

	// On the terminal: only the renderer's sequences, and no attribute
	// the same layout with clean text would not use (no forged red).
	draw := func(frame string) string {
		var out bytes.Buffer
		s := term.New(&out, colorprofile.ANSI256)
		s.Resize(w, h)
		if err := s.Draw(frame); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	hostile, clean := draw(frame), draw(hostileFrame("张三", w, h))
	for _, r := range rendererSeq.ReplaceAllString(hostile, "") {
		if badRune(r) || r == '\n' {
			t.Fatalf("terminal receives %U:\n%q", r, hostile)
		}
	}
	if n := strings.Count(hostile, "\x1b[2J"); n != 1 {
		t.Errorf("%d screen clears, want the renderer's first one only", n)
	}
	cleanSGR := map[string]bool{}
	for _, seq := range sgrSeq.FindAllString(clean, -1) {
		cleanSGR[seq] = true
	}
	for _, seq := range sgrSeq.FindAllString(hostile, -1) {
		if !cleanSGR[seq] {
			t.Errorf("the data set attribute %q", seq)
		}
	}
}

// The renderer's last defence holds without the text layer too: a frame
// carrying raw sequences sends none of them on.
func TestScreenDropsEscapesARawFrameCarries(t *testing.T) {
	var out bytes.Buffer
	s := term.New(&out, colorprofile.ANSI256)
	s.Resize(40, 2)
	if err := s.Draw("ok"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := s.Draw("a\x1b]0;forged\x07b\u009b2Jc\u202ed\x1b]8;;http://x\x07L"); err != nil {
		t.Fatal(err)
	}
	for _, r := range rendererSeq.ReplaceAllString(out.String(), "") {
		if badRune(r) || r == '\n' {
			t.Fatalf("terminal receives %U: %q", r, out.String())
		}
	}
}
