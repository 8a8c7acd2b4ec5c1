// Package captcha makes login codes and draws them as plain-ASCII art that
// reads at 80 columns in any terminal, over SSH, without colour or Unicode.
package captcha

import (
	"crypto/rand"
	"crypto/subtle"
	mrand "math/rand/v2"
	"strings"
)

// Alphabet leaves out 0 O 1 I L, which operators confuse in any font.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Length is the number of characters in a code.
const Length = 5

// NewCode returns a random code of Length characters from Alphabet. It uses
// crypto/rand: a predictable code would defeat the captcha.
func NewCode() string {
	// Rejection sampling keeps the choice uniform: 248 = 8 × len(Alphabet).
	const limit = 256 - 256%len(Alphabet)
	code := make([]byte, 0, Length)
	buf := make([]byte, 1)
	for len(code) < Length {
		_, _ = rand.Read(buf)
		if int(buf[0]) < limit {
			code = append(code, Alphabet[int(buf[0])%len(Alphabet)])
		}
	}
	return string(code)
}

// Equal compares a typed answer with a code, ignoring case and surrounding
// spaces, in constant time.
func Equal(code, answer string) bool {
	a := strings.ToUpper(strings.TrimSpace(answer))
	return subtle.ConstantTimeCompare([]byte(strings.ToUpper(code)), []byte(a)) == 1
}

// Art geometry: glyphs are glyphHeight rows tall and may sit one row higher
// or lower, so the art has glyphHeight+2 lines.
const (
	glyphWidth  = 5
	glyphHeight = 5
	artHeight   = glyphHeight + 2
)

// strokes are the characters a glyph is drawn with, one per glyph; noise
// uses only light punctuation, so strokes always stand out.
const (
	strokes = "#@%"
	noise   = ".,'`"
)

// Render draws code as artHeight lines of plain ASCII, each at most 60
// columns wide. Every drawing differs (glyph offsets, spacing, strokes and
// specks are random) so the art cannot be matched by a simple lookup, but
// the glyphs themselves are never distorted. Characters outside Alphabet
// are drawn as '?'.
func Render(code string) string {
	code = strings.ToUpper(code)
	width := 3 + len(code)*(glyphWidth+3)
	grid := make([][]byte, artHeight)
	for i := range grid {
		grid[i] = []byte(strings.Repeat(" ", width))
	}
	x := 1 + mrand.IntN(3)
	for i := 0; i < len(code); i++ {
		g := glyphs[code[i]]
		if g == nil {
			g = unknownGlyph
		}
		y := mrand.IntN(artHeight - glyphHeight + 1)
		stroke := strokes[mrand.IntN(len(strokes))]
		for r, row := range g {
			for c := 0; c < glyphWidth; c++ {
				if row[c] != ' ' {
					grid[y+r][x+c] = stroke
				}
			}
		}
		x += glyphWidth + 2 + mrand.IntN(2)
	}
	// Specks go only on cells with no stroke around them, so they never
	// blur a glyph's outline.
	for n := 0; n < 6; n++ {
		r, c := mrand.IntN(artHeight), mrand.IntN(x)
		if isolated(grid, r, c) {
			grid[r][c] = noise[mrand.IntN(len(noise))]
		}
	}
	lines := make([]string, artHeight)
	for i, row := range grid {
		lines[i] = strings.TrimRight(string(row), " ")
	}
	return strings.Join(lines, "\n")
}

func isolated(grid [][]byte, r, c int) bool {
	for dr := -1; dr <= 1; dr++ {
		for dc := -1; dc <= 1; dc++ {
			rr, cc := r+dr, c+dc
			if rr < 0 || rr >= len(grid) || cc < 0 || cc >= len(grid[rr]) {
				continue
			}
			if grid[rr][cc] != ' ' {
				return false
			}
		}
	}
	return true
}

var unknownGlyph = []string{
	" ### ",
	"#   #",
	"  ## ",
	"     ",
	"  #  ",
}

// glyphs is a 5×5 font for Alphabet. Every glyph touches all four edges of
// its box, which keeps the shapes as large as the box allows.
var glyphs = map[byte][]string{
	'2': {" ### ", "#   #", "  ## ", " #   ", "#####"},
	'3': {"#### ", "    #", " ### ", "    #", "#### "},
	'4': {"#   #", "#   #", "#####", "    #", "    #"},
	'5': {"#####", "#    ", "#### ", "    #", "#### "},
	'6': {" ### ", "#    ", "#### ", "#   #", " ### "},
	'7': {"#####", "    #", "   # ", "  #  ", "  #  "},
	'8': {" ### ", "#   #", " ### ", "#   #", " ### "},
	'9': {" ### ", "#   #", " ####", "    #", " ### "},
	'A': {" ### ", "#   #", "#####", "#   #", "#   #"},
	'B': {"#### ", "#   #", "#### ", "#   #", "#### "},
	'C': {" ####", "#    ", "#    ", "#    ", " ####"},
	'D': {"#### ", "#   #", "#   #", "#   #", "#### "},
	'E': {"#####", "#    ", "#### ", "#    ", "#####"},
	'F': {"#####", "#    ", "#### ", "#    ", "#    "},
	'G': {" ####", "#    ", "#  ##", "#   #", " ####"},
	'H': {"#   #", "#   #", "#####", "#   #", "#   #"},
	'J': {"  ###", "    #", "    #", "#   #", " ### "},
	'K': {"#   #", "#  # ", "###  ", "#  # ", "#   #"},
	'M': {"#   #", "## ##", "# # #", "#   #", "#   #"},
	'N': {"#   #", "##  #", "# # #", "#  ##", "#   #"},
	'P': {"#### ", "#   #", "#### ", "#    ", "#    "},
	'Q': {" ### ", "#   #", "# # #", "#  # ", " ## #"},
	'R': {"#### ", "#   #", "#### ", "#  # ", "#   #"},
	'S': {" ####", "#    ", " ### ", "    #", "#### "},
	'T': {"#####", "  #  ", "  #  ", "  #  ", "  #  "},
	'U': {"#   #", "#   #", "#   #", "#   #", " ### "},
	'V': {"#   #", "#   #", "#   #", " # # ", "  #  "},
	'W': {"#   #", "#   #", "# # #", "## ##", "#   #"},
	'X': {"#   #", " # # ", "  #  ", " # # ", "#   #"},
	'Y': {"#   #", " # # ", "  #  ", "  #  ", "  #  "},
	'Z': {"#####", "   # ", "  #  ", " #   ", "#####"},
}
