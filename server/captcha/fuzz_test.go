package captcha

import (
	"strings"
	"testing"
)

// FuzzCaptcha checks the answer comparison and the drawing with any input:
// no panic, the art keeps its size, and only the code itself (in any case,
// with surrounding spaces) is accepted.
//
//	go test -run '^$' -fuzz '^FuzzCaptcha$' -fuzztime 60s ./server/captcha
func FuzzCaptcha(f *testing.F) {
	for _, s := range [][2]string{{"ABCDE", "abcde"}, {"ABCDE", " ABCDE\t"}, {"AB", "ABCDE"}, {"", ""}, {"ÀBCDE", "àbcde"},
		{"\xff\xfe", "\xff\xfe"}, {strings.Repeat("Z", 100), "z"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, code, answer string) {
		art := Render(code)
		lines := strings.Split(art, "\n")
		if len(lines) != artHeight {
			t.Fatalf("Render(%q) has %d lines", code, len(lines))
		}
		// The width holds for codes the server makes: ASCII, Length long.
		if len(code) <= Length && strings.IndexFunc(code, func(r rune) bool { return r >= 0x80 }) < 0 {
			for _, l := range lines {
				if len(l) > 60 || strings.Trim(l, " #@%.,'`?") != "" {
					t.Fatalf("Render(%q) line %q", code, l)
				}
			}
		}
		if Equal(code, answer) && !strings.EqualFold(code, strings.TrimSpace(answer)) {
			t.Fatalf("Equal(%q, %q)", code, answer)
		}
	})
}
