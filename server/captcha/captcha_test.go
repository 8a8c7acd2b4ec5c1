package captcha

import (
	"strings"
	"testing"
)

func TestNewCodeUsesAlphabet(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCode()
		if len(c) != Length {
			t.Fatalf("code %q has %d characters, want %d", c, len(c), Length)
		}
		for j := 0; j < len(c); j++ {
			if !strings.ContainsRune(Alphabet, rune(c[j])) {
				t.Fatalf("code %q has %q, outside the alphabet", c, c[j])
			}
		}
		seen[c] = true
	}
	// 31^5 codes: 2000 draws collide with probability about 7%, never 10 times.
	if len(seen) < 1990 {
		t.Fatalf("only %d distinct codes in 2000 draws", len(seen))
	}
}

func TestAlphabetHasNoAmbiguousCharacters(t *testing.T) {
	if strings.ContainsAny(Alphabet, "0O1IL") {
		t.Fatalf("alphabet %q contains an ambiguous character", Alphabet)
	}
	for i := 0; i < len(Alphabet); i++ {
		if glyphs[Alphabet[i]] == nil {
			t.Errorf("no glyph for %q", Alphabet[i])
		}
	}
}

func TestGlyphsAreDistinctAndFillTheirBox(t *testing.T) {
	seen := map[string]byte{}
	for ch, g := range glyphs {
		if len(g) != glyphHeight {
			t.Fatalf("glyph %q has %d rows", ch, len(g))
		}
		for _, row := range g {
			if len(row) != glyphWidth {
				t.Fatalf("glyph %q row %q is not %d wide", ch, row, glyphWidth)
			}
		}
		key := strings.Join(g, "\n")
		if other, dup := seen[key]; dup {
			t.Fatalf("glyphs %q and %q are drawn alike", ch, other)
		}
		seen[key] = ch
		if strings.TrimSpace(g[0]) == "" || strings.TrimSpace(g[glyphHeight-1]) == "" {
			t.Errorf("glyph %q leaves its top or bottom row empty", ch)
		}
		var left, right bool
		for _, row := range g {
			left = left || row[0] != ' '
			right = right || row[glyphWidth-1] != ' '
		}
		if !left || !right {
			t.Errorf("glyph %q leaves its left or right column empty", ch)
		}
	}
}

func TestRenderShape(t *testing.T) {
	for i := 0; i < 200; i++ {
		art := Render(NewCode())
		lines := strings.Split(art, "\n")
		if len(lines) < 5 || len(lines) > 7 {
			t.Fatalf("art has %d lines, want 5-7:\n%s", len(lines), art)
		}
		for _, l := range lines {
			if len(l) > 60 {
				t.Fatalf("line %q is %d columns, want ≤ 60", l, len(l))
			}
			for j := 0; j < len(l); j++ {
				if l[j] < 0x20 || l[j] > 0x7e {
					t.Fatalf("line %q has non-printable or non-ASCII byte %#x", l, l[j])
				}
			}
		}
	}
}

func TestRenderVaries(t *testing.T) {
	first := Render("ABCDE")
	for i := 0; i < 20; i++ {
		if Render("ABCDE") != first {
			return
		}
	}
	t.Fatal("twenty drawings of one code are identical: no noise")
}

// TestRenderIsLegible reads the art back the way a person does: ignore the
// specks, cut the strokes into glyphs at blank columns, and match each glyph
// against the font.
func TestRenderIsLegible(t *testing.T) {
	for i := 0; i < 300; i++ {
		code := NewCode()
		art := Render(code)
		if got := read(t, art); got != code {
			t.Fatalf("drew %s, read back %s:\n%s", code, got, art)
		}
	}
}

func read(t *testing.T, art string) string {
	t.Helper()
	lines := strings.Split(art, "\n")
	width := 0
	for _, l := range lines {
		width = max(width, len(l))
	}
	ink := func(r, c int) bool {
		return c < len(lines[r]) && strings.IndexByte(strokes, lines[r][c]) >= 0
	}
	inkColumn := func(c int) bool {
		for r := range lines {
			if ink(r, c) {
				return true
			}
		}
		return false
	}
	var out strings.Builder
	for c := 0; c < width; {
		if !inkColumn(c) {
			c++
			continue
		}
		start := c
		for c < width && inkColumn(c) {
			c++
		}
		if c-start != glyphWidth {
			t.Fatalf("a glyph is %d columns wide:\n%s", c-start, art)
		}
		top := -1
		for r := range lines {
			for x := start; x < c && top < 0; x++ {
				if ink(r, x) {
					top = r
				}
			}
		}
		var shape []string
		for r := top; r < top+glyphHeight; r++ {
			var row strings.Builder
			for x := start; x < c; x++ {
				if r < len(lines) && ink(r, x) {
					row.WriteByte('#')
				} else {
					row.WriteByte(' ')
				}
			}
			shape = append(shape, row.String())
		}
		out.WriteByte(match(shape))
	}
	return out.String()
}

func match(shape []string) byte {
	for ch, g := range glyphs {
		if strings.Join(g, "\n") == strings.Join(shape, "\n") {
			return ch
		}
	}
	return '?'
}

func TestEqual(t *testing.T) {
	cases := []struct {
		code, answer string
		want         bool
	}{
		{"AB3XY", "AB3XY", true},
		{"AB3XY", "ab3xy", true},
		{"AB3XY", " ab3Xy ", true},
		{"AB3XY", "AB3X", false},
		{"AB3XY", "AB3XZ", false},
		{"AB3XY", "", false},
	}
	for _, c := range cases {
		if got := Equal(c.code, c.answer); got != c.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", c.code, c.answer, got, c.want)
		}
	}
}
