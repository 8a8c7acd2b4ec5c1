package domain

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// HostileStrings are the inputs the issue reproduced, one per kind of
// hostile text; the API and TUI tests send them too.
var hostileStrings = []string{
	"恶人\x1b[2J", "题张\x1b[2J\x1b[31m三", "a\x00b", "tab\there", "del\x7f", "c1\u0085", "c1\u009b2J",
	"bidi\u202eevil", "iso\u2066x\u2069", "mark\u200f", "\xed\xa0\x80bad", "lone\ufffd", "bad\xffbyte", "bell\a",
}

func TestTextProblem(t *testing.T) {
	for _, s := range hostileStrings {
		for _, multi := range []bool{false, true} {
			if TextProblem(s, multi) == "" {
				t.Errorf("%q (multiline %v) accepted", s, multi)
			}
		}
	}
	if got := TextProblem("\xed\xa0\x80bad", false); got != TextEncodingMessage {
		t.Errorf("invalid UTF-8: %q", got)
	}
	if got := TextProblem("恶人\x1b[2J", false); got != TextControlMessage {
		t.Errorf("ESC: %q", got)
	}
	for _, s := range []string{"张三", "", "O'Brien & 李", "ａｂｃ", "𠀀 emoji 😀", "全角　空格"} {
		if p := TextProblem(s, false); p != "" {
			t.Errorf("%q refused: %s", s, p)
		}
	}
	for _, s := range []string{"一行\n二行", "a\r\nb", "a\rb", "a\u2028b"} {
		if p := TextProblem(s, false); p != TextLineMessage {
			t.Errorf("%q single-line: %q", s, p)
		}
		if p := TextProblem(s, true); p != "" {
			t.Errorf("%q multi-line refused: %s", s, p)
		}
		if n := NormalizeLineBreaks(s); strings.ContainsAny(n, "\r\u2028\u2029") || !strings.Contains(n, "\n") {
			t.Errorf("%q normalised to %q", s, n)
		}
	}
	if got := NormalizeLineBreaks("a\r\n\r\nb\rc"); got != "a\n\nb\nc" {
		t.Errorf("normalise: %q", got)
	}
}

func TestMultilineFieldsAreDeclared(t *testing.T) {
	for _, f := range []string{"summary", "description", "remark", "reason", "review_comment"} {
		if !MultilineField(f) {
			t.Errorf("%s should be multi-line", f)
		}
	}
	for _, f := range []string{"name", "title", "username", "file_name"} {
		if MultilineField(f) {
			t.Errorf("%s should be single-line", f)
		}
	}
}

func TestVisibleTextAndCleanText(t *testing.T) {
	if got := VisibleText("张\x1b[2J\x1b[31m三", false); got != "张␛[2J␛[31m三" {
		t.Errorf("visible: %q", got)
	}
	if got := VisibleText("a\u202eb\xffc\nd", false); got != `a\u202eb\xffc␊d` {
		t.Errorf("visible: %q", got)
	}
	if got := VisibleText("a\r\nb", true); got != "a\nb" {
		t.Errorf("visible multi-line: %q", got)
	}
	if got := CleanText("张\x1b[2J\u202e三\n四\xff", false); got != "张[2J三 四" {
		t.Errorf("clean: %q", got)
	}
	if got := CleanText("一\r\n二\x00", true); got != "一\n二" {
		t.Errorf("clean multi-line: %q", got)
	}
}

// FuzzTextRule: the rule never panics; what it accepts is valid UTF-8
// without a forbidden rune; the visible and cleaned forms of anything
// always pass it; accepted text is left unchanged by both.
func FuzzTextRule(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s, false)
	}
	f.Add("一行\r\n二行", true)
	f.Add("张三", false)
	f.Fuzz(func(t *testing.T, s string, multi bool) {
		problem := TextProblem(s, multi)
		if problem == "" {
			if !utf8.ValidString(s) {
				t.Fatalf("%q accepted with invalid UTF-8", s)
			}
			for _, r := range s {
				if ForbiddenRune(r) || (!multi && lineBreak(r)) {
					t.Fatalf("%q accepted with %U", s, r)
				}
			}
			want := s
			if multi {
				want = NormalizeLineBreaks(s)
			}
			if CleanText(s, multi) != want || VisibleText(s, multi) != want {
				t.Fatalf("%q changed by CleanText or VisibleText", s)
			}
		}
		for _, out := range []string{CleanText(s, multi), VisibleText(s, multi)} {
			if p := TextProblem(out, multi); p != "" {
				t.Fatalf("%q -> %q still refused: %s", s, out, p)
			}
		}
	})
}
