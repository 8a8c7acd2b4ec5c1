package screen

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/cellbuf"
)

// vt is a small terminal emulator: the sequences the screen may send, with
// xterm's rules for wide characters, so tests can check what an operator
// would see rather than which bytes were sent.
type vt struct {
	t             *testing.T
	w, h          int
	text          [][]string // "" marks the right half of a wide character
	style         [][]cellbuf.Style
	x, y          int
	pen           cellbuf.Style
	cursorVisible bool
	autowrap      bool
	altScreen     bool
}

func newVT(t *testing.T, w, h int) *vt {
	v := &vt{t: t, w: w, h: h, cursorVisible: true, autowrap: true}
	v.clear()
	return v
}

func (v *vt) clear() {
	v.text, v.style = make([][]string, v.h), make([][]cellbuf.Style, v.h)
	for y := range v.h {
		v.text[y], v.style[y] = make([]string, v.w), make([]cellbuf.Style, v.w)
		for x := range v.w {
			v.text[y][x] = " "
		}
	}
}

func (v *vt) blank(x, y int) {
	v.text[y][x], v.style[y][x] = " ", cellbuf.Style{}
}

// put writes a character the way xterm does: overwriting either half of a
// wide character erases all of it.
func (v *vt) put(s string, width int) {
	if v.x >= v.w {
		if !v.autowrap {
			v.t.Fatalf("write past the last column at row %d", v.y)
		}
		v.t.Fatalf("autowrap at row %d: the screen must not rely on it", v.y)
	}
	if width == 2 && v.x == v.w-1 {
		v.t.Fatalf("wide character %q split at the last column", s)
	}
	for i := range width {
		x := v.x + i
		if v.text[v.y][x] == "" && x > 0 {
			v.blank(x-1, v.y)
		}
		if x+1 < v.w && v.text[v.y][x+1] == "" {
			v.blank(x+1, v.y)
		}
	}
	v.text[v.y][v.x], v.style[v.y][v.x] = s, v.pen
	if width == 2 {
		v.text[v.y][v.x+1], v.style[v.y][v.x+1] = "", v.pen
	}
	v.x += width
	if v.x >= v.w && !v.autowrap {
		v.x = v.w - 1
	}
}

func (v *vt) write(b []byte) {
	p := ansi.NewParser()
	var state byte
	for len(b) > 0 {
		seq, width, n, next := ansi.DecodeSequence(b, state, p)
		state, b = next, b[n:]
		switch {
		case width > 0:
			v.put(string(seq), width)
		case string(seq) == "\r":
			v.x = 0
		case string(seq) == "\n":
			if v.y == v.h-1 {
				v.t.Fatal("line feed on the last line would scroll")
			}
			v.y++
		case ansi.HasCsiPrefix(seq):
			v.csi(string(seq), p)
		default:
			v.t.Fatalf("unexpected sequence %q", seq)
		}
	}
}

func (v *vt) param(p *ansi.Parser, i, def int) int {
	n, _ := p.Param(i, def)
	return max(n, def)
}

func (v *vt) csi(seq string, p *ansi.Parser) {
	switch {
	case strings.HasPrefix(seq, "\x1b[?"):
		on := strings.HasSuffix(seq, "h")
		switch strings.TrimRight(strings.TrimPrefix(seq, "\x1b[?"), "hl") {
		case "25":
			v.cursorVisible = on
		case "7":
			v.autowrap = on
		case "1049":
			v.altScreen = on
			v.clear()
		default:
			v.t.Fatalf("unexpected mode %q", seq)
		}
		return
	}
	switch seq[len(seq)-1] {
	case 'H':
		v.y, v.x = v.param(p, 0, 1)-1, v.param(p, 1, 1)-1
	case 'C':
		v.x += v.param(p, 0, 1)
	case 'D':
		v.x -= v.param(p, 0, 1)
	case 'B':
		v.y += v.param(p, 0, 1)
	case 'K':
		for x := v.x; x < v.w; x++ {
			v.text[v.y][x], v.style[v.y][x] = " ", v.pen
		}
		if v.x > 0 && v.text[v.y][v.x] == "" {
			v.blank(v.x-1, v.y)
		}
	case 'J':
		if seq != ansi.EraseEntireScreen {
			v.t.Fatalf("unexpected erase %q", seq)
		}
		v.clear()
	case 'm':
		cellbuf.ReadStyle(p.Params(), &v.pen)
	default:
		v.t.Fatalf("unexpected CSI %q", seq)
	}
	if v.x < 0 || v.x >= v.w || v.y < 0 || v.y >= v.h {
		v.t.Fatalf("cursor moved off the screen to %d,%d by %q", v.x, v.y, seq)
	}
}

// expect is what frame should look like after the screen's conversion.
func expect(frame string, w, h int, profile colorprofile.Profile) *cellbuf.Buffer {
	b := cellbuf.NewBuffer(w, h)
	cellbuf.SetContent(b, frame)
	for y := range h {
		for _, c := range b.Line(y) {
			if c != nil {
				if c.Style.Attrs&Caret != 0 {
					c.Style.Attrs &^= Caret | cellbuf.ReverseAttr
				}
				c.Style = cellbuf.ConvertStyle(c.Style, profile)
			}
		}
	}
	return b
}

// same fails the test unless the emulator shows frame.
func (v *vt) same(frame string, profile colorprofile.Profile) {
	v.t.Helper()
	want := expect(frame, v.w, v.h, profile)
	for y := range v.h {
		for x := range v.w {
			c := cellAt(want.Line(y), x)
			got, gotStyle := v.text[y][x], v.style[y][x]
			wantText := c.String()
			if c.Width == 0 {
				wantText = ""
			}
			if got != wantText || (got != "" && got != " " && !gotStyle.Equal(&c.Style)) || (got == " " && !gotStyle.Equal(&c.Style) && !c.Style.Empty()) {
				v.t.Fatalf("cell %d,%d: got %q %+v, want %q %+v\nscreen:\n%s", x, y, got, gotStyle, wantText, c.Style, v.dump())
			}
		}
	}
}

func (v *vt) dump() string {
	var b strings.Builder
	for y := range v.h {
		b.WriteString(strings.Join(v.text[y], "") + "\n")
	}
	return b.String()
}

func render(t *testing.T, s *Screen, out *bytes.Buffer, v *vt, frame string) int {
	t.Helper()
	out.Reset()
	if err := s.Draw(frame); err != nil {
		t.Fatal(err)
	}
	n := out.Len()
	v.write(out.Bytes())
	return n
}

var (
	ansiRenderer = Renderer()
	reverse      = ansiRenderer.NewStyle().Reverse(true)
	blue         = ansiRenderer.NewStyle().Bold(true).Foreground(lipgloss.Color("12"))
	caret        = ansiRenderer.NewStyle().Reverse(true).Blink(true)
)

func field(text string, width int) string {
	return "用户名：[" + text + caret.Render(" ") + strings.Repeat(" ", width-lipgloss.Width(text)-1) + "]"
}

func TestFramesShowExactlyOnTheTerminal(t *testing.T) {
	frames := []string{
		blue.Render("标题") + "\n" + field("", 10) + "\n" + reverse.Render(" 张三  男 ") + "\n  李四  女",
		blue.Render("标题") + "\n" + field("ab", 10) + "\n" + reverse.Render(" 张三  男 ") + "\n  李四  女",
		blue.Render("标题") + "\n" + field("ab张", 10) + "\n" + "  张三  男\n" + reverse.Render(" 李四  女 "),
		// Wide characters replaced by narrow ones and back, off by one.
		"a张b\n张三\nxyz",
		"ab张\nx张y\n张z",
		"\n\n",
		strings.Repeat("末", 10) + "\n" + strings.Repeat("x", 20) + "\n" + strings.Repeat("y", 19) + "末",
	}
	for _, profile := range []colorprofile.Profile{colorprofile.ANSI, colorprofile.ASCII, colorprofile.NoTTY} {
		t.Run(profile.String(), func(t *testing.T) {
			var out bytes.Buffer
			s := New(&out, profile)
			s.Resize(20, 4)
			v := newVT(t, 20, 4)
			for _, f := range frames {
				render(t, s, &out, v, f)
				v.same(f, profile)
			}
			if !v.altScreen || v.autowrap {
				t.Fatalf("alt screen %v, autowrap %v during the UI", v.altScreen, v.autowrap)
			}
			out.Reset()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			v.write(out.Bytes())
			if v.altScreen || !v.autowrap || !v.cursorVisible {
				t.Fatalf("terminal not restored: alt %v autowrap %v cursor %v", v.altScreen, v.autowrap, v.cursorVisible)
			}
		})
	}
}

func TestTheTerminalCursorRestsAtTheFocusedField(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, colorprofile.ANSI)
	s.Resize(30, 3)
	v := newVT(t, 30, 3)
	render(t, s, &out, v, "标题\n"+field("ab张", 10))
	if !v.cursorVisible || v.y != 1 || v.x != lipgloss.Width("用户名：[ab张") {
		t.Fatalf("cursor visible %v at %d,%d", v.cursorVisible, v.x, v.y)
	}
	if st := v.style[1][v.x]; st.Attrs&(cellbuf.ReverseAttr|Caret) != 0 {
		t.Fatalf("caret cell drawn with %+v; the terminal's cursor already marks it", st)
	}
	render(t, s, &out, v, "标题\n用户名：[ab张]")
	if v.cursorVisible {
		t.Fatal("cursor still shown with no field focused")
	}
}

func TestAKeystrokeCostsTheCellsItChanged(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, colorprofile.ANSI256)
	s.Resize(100, 30)
	v := newVT(t, 100, 30)
	chrome := blue.Render(strings.Repeat("标题", 10)) + "\n"
	render(t, s, &out, v, chrome+field("abc", 20))
	if n := render(t, s, &out, v, chrome+field("abcd", 20)); n > 16 {
		t.Fatalf("typing a letter sent %d bytes: %q", n, out.String())
	}
	if n := render(t, s, &out, v, chrome+field("abcd张", 20)); n > 18 {
		t.Fatalf("typing a Chinese character sent %d bytes: %q", n, out.String())
	}
	if n := render(t, s, &out, v, chrome+field("abcd张", 20)); n != 0 {
		t.Fatalf("the same frame again sent %d bytes: %q", n, out.String())
	}
	v.same(chrome+field("abcd张", 20), colorprofile.ANSI256)
}

func TestResizeRepaintsEverything(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, colorprofile.ANSI)
	s.Resize(10, 2)
	v := newVT(t, 10, 2)
	render(t, s, &out, v, "ab\ncd")
	s.Resize(12, 3)
	v = newVT(t, 12, 3)
	v.altScreen, v.autowrap, v.cursorVisible = true, false, false
	render(t, s, &out, v, "ab\ncd\nef")
	if !strings.Contains(out.String(), ansi.EraseEntireScreen) {
		t.Fatalf("no clear after resize: %q", out.String())
	}
	v.same("ab\ncd\nef", colorprofile.ANSI)
}

func TestMovesAreShortest(t *testing.T) {
	s := New(&bytes.Buffer{}, colorprofile.ANSI)
	for _, tc := range []struct {
		fromX, fromY, x, y int
		want               string
	}{
		{-1, 0, 0, 0, "\x1b[H"},
		{-1, 0, 0, 4, "\x1b[5H"},
		{-1, 0, 7, 4, "\x1b[5;8H"},
		{3, 4, 7, 4, "\x1b[4C"},
		{3, 4, 4, 4, "\x1b[C"},
		{9, 4, 0, 5, "\r\n"},
		{9, 4, 0, 4, "\r"},
		{9, 4, 8, 4, "\x1b[D"},
		{9, 4, 9, 7, "\x1b[3B"},
	} {
		s.buf.Reset()
		s.x, s.y = tc.fromX, tc.fromY
		s.moveTo(tc.x, tc.y)
		if got := s.buf.String(); got != tc.want {
			t.Errorf("move %d,%d→%d,%d = %q, want %q", tc.fromX, tc.fromY, tc.x, tc.y, got, tc.want)
		}
	}
}

func TestColoursFollowTheProfile(t *testing.T) {
	frame := blue.Render("A") + reverse.Render("B")
	for profile, want := range map[colorprofile.Profile]string{
		colorprofile.ANSI:  "\x1b[1;94mA\x1b[0;7mB\x1b[m",
		colorprofile.ASCII: "\x1b[1mA\x1b[0;7mB\x1b[m",
		colorprofile.NoTTY: "AB",
	} {
		var out bytes.Buffer
		s := New(&out, profile)
		s.Resize(2, 1)
		s.started, s.shown = true, cellbuf.NewBuffer(2, 1)
		s.x, s.y = 0, 0
		if err := s.Draw(frame); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != want {
			t.Errorf("%v: %q, want %q", profile, got, want)
		}
	}
}

func TestBytesSentAddsUp(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, colorprofile.ANSI)
	s.Resize(5, 1)
	_ = s.Draw("abc")
	_ = s.Draw("abd")
	_ = s.Close()
	if got := strconv.FormatInt(s.BytesSent(), 10); got != strconv.Itoa(out.Len()) {
		t.Fatalf("BytesSent %s, written %d", got, out.Len())
	}
}
