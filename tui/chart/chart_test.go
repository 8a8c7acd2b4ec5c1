package chart

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func plain(s string) []string { return strings.Split(ansi.ReplaceAllString(s, ""), "\n") }

var cities = []Bar{
	{Label: "广州市", Value: 1200, Text: "1200"},
	{Label: "本级", Value: 300.5, Text: "300.5"},
	{Label: "12月", Value: 0, Text: "0"},
	{Label: "深圳市龙岗区", Value: 1, Text: "1"},
}

func TestBarsAlignChineseLabelsWithinTheWidth(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		st := styles.New(ascii)
		for _, w := range []int{80, 50, 30} {
			lines := plain(Bars(st, cities, w))
			if len(lines) != len(cities) {
				t.Fatalf("%d lines", len(lines))
			}
			// The widest label (six Chinese characters, 12 cells) sets the
			// label column, up to a third of the width.
			labelW := min(12, w/3)
			for i, l := range lines {
				if textwidth.Width(l) != w {
					t.Errorf("ascii=%v w=%d line %d is %d cells: %q", ascii, w, i, textwidth.Width(l), l)
				}
				// Every bar starts in the same column, after the labels
				// and a space.
				label := textwidth.Truncate(l, labelW+1, "")
				if !strings.HasSuffix(label, " ") || textwidth.Width(label) != labelW+1 || strings.HasSuffix(label, "  ") && i == 0 {
					t.Errorf("ascii=%v w=%d line %d: label column %q", ascii, w, i, label)
				}
				if !strings.HasSuffix(strings.TrimRight(l, " "), cities[i].Text) {
					t.Errorf("line %d lacks its figure: %q", i, l)
				}
			}
			// The largest value fills the room; zero draws nothing; a tiny
			// value still shows.
			full := st.BarCells[0]
			room := w - labelW - 1 - 1 - len("300.5")
			if n := strings.Count(lines[0], full); n != room {
				t.Errorf("ascii=%v w=%d: top bar %d cells, want %d: %q", ascii, w, n, room, lines[0])
			}
			if strings.ContainsAny(lines[2], strings.Join(st.BarCells, "")) {
				t.Errorf("a zero value has a bar: %q", lines[2])
			}
			if !strings.ContainsAny(lines[3], strings.Join(st.BarCells, "")) {
				t.Errorf("a small value has no bar: %q", lines[3])
			}
		}
	}
}

func TestASCIIBarsAreUnambiguous(t *testing.T) {
	for _, l := range plain(Bars(styles.New(true), cities, 60)) {
		for _, r := range l {
			if runewidth.IsAmbiguousWidth(r) {
				t.Fatalf("ASCII chart uses %q: %q", r, l)
			}
		}
	}
	st := styles.New(false)
	second := plain(Bars(st, []Bar{{Label: "a", Value: 10}, {Label: "b", Value: 3}}, 30))[1]
	if !strings.ContainsAny(second, strings.Join(st.BarCells[1:], "")) {
		t.Errorf("the Unicode theme draws no eighth-cell end: %q", second)
	}
}

func TestBarsScale(t *testing.T) {
	st := styles.New(true)
	lines := plain(Bars(st, []Bar{{Label: "甲", Value: 100, Text: "100"}, {Label: "乙", Value: 50, Text: "50"}}, 30))
	a, b := strings.Count(lines[0], "#"), strings.Count(lines[1], "#")
	if a < 2*b-1 || a > 2*b+1 {
		t.Fatalf("bars of 100 and 50 are %d and %d cells", a, b)
	}
	if Bars(st, nil, 30) != "" {
		t.Fatal("an empty chart draws something")
	}
}
