// Package screen puts the UI's frames on a terminal as cheaply as it can:
// it keeps a copy of what the terminal shows and sends only the cells that
// changed, in the colours the terminal can show, and leaves the terminal's
// own cursor at the focused field so that an input method opens its
// candidate window there. Operators work over slow links from county
// offices, where every byte of a redraw is a delay they feel.
//
// Bubble Tea v1's own renderer rewrites every changed line in full; typing
// one character into a field costs a whole styled line, moving in a table
// two. Here the same key costs the character and a cursor move.
package screen

import (
	"bytes"
	"io"
	"strconv"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/cellbuf"
)

// Screen is one terminal's contents. It is not safe for concurrent use.
type Screen struct {
	out     io.Writer
	profile colorprofile.Profile

	width, height int
	// shown is what the terminal displays; nil until the first frame and
	// after a resize, when the next frame clears and paints everything.
	shown *cellbuf.Buffer
	pen   cellbuf.Style // the terminal's current SGR attributes
	// x, y is where the terminal's cursor is; x < 0 when not known (after
	// writing in the last column, where terminals differ).
	x, y      int
	cursorOn  bool
	started   bool
	buf       bytes.Buffer
	bytesSent int64
}

// New makes a screen writing to out for a terminal that shows profile's
// colours: ANSI16/256/TrueColor pass the UI's 16 colours through, ASCII
// (NO_COLOR) drops colours but keeps bold and reverse video, so selections
// and the cursor still show, and NoTTY (TERM=dumb) drops all attributes.
func New(out io.Writer, profile colorprofile.Profile) *Screen {
	return &Screen{out: out, profile: profile, x: -1}
}

// Resize sets the terminal's size; the next frame repaints everything, since
// terminals rewrap or clear their contents in their own ways on a resize.
func (s *Screen) Resize(width, height int) {
	s.width, s.height = max(width, 0), max(height, 0)
	s.shown = nil
}

// Forget makes the screen assume a terminal it has never drawn on (an
// operator reattaching from a new connection): the next frame enters the
// alternate screen, clears it and paints every cell.
func (s *Screen) Forget() {
	s.started, s.shown, s.cursorOn = false, nil, false
	s.pen, s.x, s.y = cellbuf.Style{}, -1, 0
}

// Size is the terminal's size as last set.
func (s *Screen) Size() (width, height int) { return s.width, s.height }

// BytesSent counts everything written so far.
func (s *Screen) BytesSent() int64 { return s.bytesSent }

// Caret is the style attribute that marks the cursor of the focused text
// field in a frame (see styles.Styles.Cursor): the screen puts the
// terminal's cursor on that cell and draws the cell plainly, since a
// terminal draws its cursor by inverting the cell it is on.
const Caret = cellbuf.SlowBlinkAttr

// Draw makes the terminal show frame, a string of at most the screen's
// height in lines, each at most its width in cells. It writes only what
// differs from the previous frame, in a single write.
func (s *Screen) Draw(frame string) error {
	if s.width == 0 || s.height == 0 {
		return nil
	}
	next := cellbuf.NewBuffer(s.width, s.height)
	cellbuf.SetContent(next, frame)
	caretX, caretY, hasCaret := s.prepare(next)

	s.buf.Reset()
	if !s.started {
		// Alternate screen, no autowrap (writing the last column of the
		// last line must not scroll), cursor hidden until a field has it.
		s.buf.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.ResetModeAutoWrap + ansi.HideCursor)
		s.started, s.cursorOn = true, false
	}
	if s.shown == nil {
		s.buf.WriteString(ansi.ResetStyle + ansi.CursorHomePosition + ansi.EraseEntireScreen)
		s.pen, s.x, s.y = cellbuf.Style{}, 0, 0
		s.shown = cellbuf.NewBuffer(s.width, s.height)
	}
	for y := range s.height {
		s.drawLine(y, s.shown.Line(y), next.Line(y))
	}
	if !s.pen.Empty() {
		// Leave the terminal plain: what an input method draws at the
		// cursor, or the shell after a dropped link, must not inherit it.
		s.buf.WriteString(ansi.ResetStyle)
		s.pen = cellbuf.Style{}
	}
	switch {
	case hasCaret:
		s.moveTo(caretX, caretY)
		if !s.cursorOn {
			s.buf.WriteString(ansi.ShowCursor)
			s.cursorOn = true
		}
	case s.cursorOn:
		s.buf.WriteString(ansi.HideCursor)
		s.cursorOn = false
	}
	s.shown = next
	return s.flush()
}

// Close restores the terminal: attributes, cursor, autowrap and the main
// screen, as the operator's shell had them.
func (s *Screen) Close() error {
	if !s.started {
		return nil
	}
	s.buf.Reset()
	s.buf.WriteString(ansi.ResetStyle + ansi.ShowCursor + ansi.SetModeAutoWrap + ansi.ResetModeAltScreenSaveCursor)
	s.started, s.shown = false, nil
	return s.flush()
}

func (s *Screen) flush() error {
	if s.buf.Len() == 0 {
		return nil
	}
	n, err := s.out.Write(s.buf.Bytes())
	s.bytesSent += int64(n)
	return err
}

// prepare converts every cell to the terminal's profile and finds the
// caret, which it draws plainly.
func (s *Screen) prepare(b *cellbuf.Buffer) (x, y int, found bool) {
	for row := range b.Height() {
		line := b.Line(row)
		for col, c := range line {
			if c == nil {
				continue
			}
			if c.Style.Attrs&Caret != 0 && !found {
				x, y, found = col, row, true
				c.Style.Attrs &^= Caret | cellbuf.ReverseAttr
			}
			c.Style.Attrs &^= Caret
			c.Style = cellbuf.ConvertStyle(c.Style, s.profile)
			harmless(c)
		}
	}
	return x, y, found
}

// harmless is the last defence against text that slipped past
// textwidth.Safe: the frame parser keeps an escape it does not know (an OSC
// title, an 8-bit CSI, a bidi override) as a cell's text, and the terminal
// would obey it. Such a rune is drawn as a visible mark of one cell
// instead, and a link from a frame is dropped (the UI draws none).
func harmless(c *cellbuf.Cell) {
	c.Link = cellbuf.Link{}
	if c.Width > 0 && unsafeRune(c.Rune) {
		// What the parser swallowed with it (an OSC's text) would take
		// more cells than the one the screen counts.
		c.Rune, c.Comb = visibleRune(c.Rune), nil
		return
	}
	comb := c.Comb[:0]
	for _, r := range c.Comb {
		if !unsafeRune(r) {
			comb = append(comb, r)
		}
	}
	if len(comb) == 0 {
		comb = nil
	}
	c.Comb = comb
}

// unsafeRune reports the runes a terminal treats as commands: C0 and C1
// controls, DEL, and the bidi controls that reorder what follows.
func unsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// visibleRune is the one-cell mark of an unsafe rune: its control picture
// (␛ for ESC), or ? for the rest.
func visibleRune(r rune) rune {
	switch {
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return 0x2421
	}
	return '?'
}

// cellAt is the cell at x, a blank for cells never set.
func cellAt(l cellbuf.Line, x int) *cellbuf.Cell {
	if c := l.At(x); c != nil {
		return c
	}
	return &cellbuf.BlankCell
}

func same(a, b cellbuf.Line, x int) bool { return cellAt(a, x).Equal(cellAt(b, x)) }

// drawLine sends the runs of cells that differ between old and next. Two
// runs close together are sent as one when reprinting the cells between
// them costs less than moving the cursor over them.
func (s *Screen) drawLine(y int, old, next cellbuf.Line) {
	w := len(next)
	x := 0
	for x < w {
		if same(old, next, x) {
			x++
			continue
		}
		start := x
		for start > 0 && cellAt(next, start).Width == 0 {
			start-- // a change inside a wide character redraws all of it
		}
		end := x + 1
		for end < w {
			if !same(old, next, end) {
				end++
				continue
			}
			gap := end
			for gap < w && same(old, next, gap) {
				gap++
			}
			if gap == w || s.reprintCost(next, end, gap) > len(ansi.CursorForward(gap-end)) {
				break
			}
			end = gap
		}
		s.drawRun(y, start, end, next)
		x = end
	}
}

// reprintCost estimates the bytes needed to send cells [from, to) again.
func (s *Screen) reprintCost(l cellbuf.Line, from, to int) int {
	n := 0
	pen := cellAt(l, max(from-1, 0)).Style
	for x := from; x < to; x++ {
		c := cellAt(l, x)
		if !c.Style.Equal(&pen) {
			n += len(sgr(pen, c.Style))
			pen = c.Style
		}
		n += len(c.String())
	}
	return n
}

// drawRun prints cells [from, to) of line y; blanks running to the end of
// the line are erased rather than printed.
func (s *Screen) drawRun(y, from, to int, l cellbuf.Line) {
	w := len(l)
	blankFrom := to
	if to == w {
		for blankFrom > from && cellAt(l, blankFrom-1).Equal(&cellbuf.BlankCell) {
			blankFrom--
		}
		if to-blankFrom <= len(ansi.EraseLineRight) {
			blankFrom = to
		}
	}
	s.moveTo(from, y)
	for x := from; x < blankFrom; {
		c := cellAt(l, x)
		if c.Width == 0 {
			x++
			continue
		}
		s.setPen(c.Style)
		s.buf.WriteString(c.String())
		x += c.Width
		s.x = x
		if x >= w {
			s.x = -1 // in the last column; where the cursor is now varies
		}
	}
	if blankFrom < to {
		s.setPen(cellbuf.Style{})
		s.moveTo(blankFrom, y)
		s.buf.WriteString(ansi.EraseLineRight)
	}
}

func (s *Screen) setPen(st cellbuf.Style) {
	if st.Equal(&s.pen) {
		return
	}
	s.buf.WriteString(sgr(s.pen, st))
	s.pen = st
}

// sgr changes the attributes from pen to st. It always resets before
// setting, which costs two bytes more than a difference would but cannot
// leave an attribute behind.
func sgr(pen, st cellbuf.Style) string {
	if st.Empty() {
		return ansi.ResetStyle
	}
	seq := st.Sequence()
	if pen.Empty() {
		return seq
	}
	return "\x1b[0;" + seq[len("\x1b["):]
}

// moveTo moves the terminal's cursor to column x of line y, the shortest
// way the screen knows.
func (s *Screen) moveTo(x, y int) {
	if s.x == x && s.y == y {
		return
	}
	best := cup(x, y)
	if s.x >= 0 {
		var rel string
		switch {
		case y == s.y && x > s.x:
			rel = ansi.CursorForward(x - s.x)
		case y == s.y && x == 0:
			rel = "\r"
		case y == s.y:
			rel = ansi.CursorBackward(s.x - x)
		case y == s.y+1 && x == 0:
			rel = "\r\n"
		case x == s.x && y > s.y:
			rel = ansi.CursorDown(y - s.y)
		}
		if rel != "" && len(rel) < len(best) {
			best = rel
		}
	}
	s.buf.WriteString(best)
	s.x, s.y = x, y
}

// cup is an absolute move, leaving out the defaults.
func cup(x, y int) string {
	switch {
	case x == 0 && y == 0:
		return ansi.CursorHomePosition
	case x == 0:
		return "\x1b[" + strconv.Itoa(y+1) + "H"
	}
	return "\x1b[" + strconv.Itoa(y+1) + ";" + strconv.Itoa(x+1) + "H"
}
