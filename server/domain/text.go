package domain

import (
	"strings"
	"unicode/utf8"
)

// The one rule for text entering the server: every string of a JSON body,
// every query parameter and path value, every upload name and every cell of
// an imported sheet passes TextProblem before anything reads it. Text that
// could steer a terminal (C0 and C1 controls, DEL), reorder what a reader
// sees (bidi controls), or was already broken on its way in (invalid UTF-8,
// lone surrogates, which decoders turn into U+FFFD) is refused, not
// silently repaired, so what is stored is what the sender saw.

// Text problems, shown next to the field.
const (
	TextControlMessage  = "含有不可见的控制字符，请删除后重试"
	TextEncodingMessage = "含有无效的字符编码（非 UTF-8 或残缺字符），请重新输入"
	TextLineMessage     = "不能换行，请写在一行内"
)

// multilineFields are the JSON fields that are multi-line by nature
// (职能简介, descriptions, remarks, reasons, review comments, plan
// content, notes): only they may hold line breaks, which are stored as
// "\n". The column of the same name in the database is multi-line too.
var multilineFields = map[string]bool{
	"summary":        true, // 职能简介, 师资简介
	"description":    true,
	"remark":         true,
	"comment":        true,
	"review_comment": true,
	"reason":         true,
	"void_reason":    true,
	"return_reason":  true,
	"handling":       true, // 失信处理情况
	"content":        true, // 课程计划内容
	"notes":          true,
}

// MultilineField reports whether the JSON field (or column) of that name
// may hold line breaks.
func MultilineField(name string) bool { return multilineFields[name] }

// MultilineFields lists the multi-line fields, for documentation and tests.
func MultilineFields() []string {
	out := make([]string, 0, len(multilineFields))
	for k := range multilineFields {
		out = append(out, k)
	}
	return out
}

// lineBreak reports the runes that end a line: LF, CR, and the Unicode
// line and paragraph separators (NEL is a C1 control and refused).
func lineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
}

// ForbiddenRune reports the runes no stored text may hold: C0 controls
// (line breaks are judged separately), DEL, C1 controls, the bidi
// embedding, override and isolate controls and marks, and U+FFFD, the mark
// of text broken before it arrived.
func ForbiddenRune(r rune) bool {
	switch {
	case r < 0x20 && !lineBreak(r), r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == utf8.RuneError, r >= 0xd800 && r <= 0xdfff:
		return true
	}
	return false
}

// TextProblem says why s may not be stored ("" when it may). Line breaks
// are allowed only when multiline is true.
func TextProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return TextEncodingMessage
	}
	problem := ""
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return TextEncodingMessage
		case ForbiddenRune(r):
			problem = TextControlMessage
		case lineBreak(r) && !multiline && problem == "":
			problem = TextLineMessage
		}
	}
	return problem
}

// NormalizeLineBreaks stores every line break of a multi-line field as
// "\n" (CRLF, CR, U+2028 and U+2029 all become one LF).
func NormalizeLineBreaks(s string) string {
	if !strings.ContainsAny(s, "\r\u2028\u2029") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer("\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
}

// CleanText is what `jxjy admin scan-text --clean` stores in place of a
// value the rule refuses: invalid bytes and forbidden runes removed, line
// breaks normalised in multi-line fields and turned into spaces elsewhere.
// Clean text passes TextProblem.
func CleanText(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	if multiline {
		s = NormalizeLineBreaks(s)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError, ForbiddenRune(r):
		case lineBreak(r) && !multiline:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// VisibleText is for output that leaves the server as text a person reads
// (exported sheets, error reports, the public certificate check): every
// control, bidi or broken character is written as its visible escape, so
// nothing stored can steer the reader's program. Line breaks stay only
// when multiline is true.
func VisibleText(s string, multiline bool) string {
	if multiline {
		s = NormalizeLineBreaks(s)
	}
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || ForbiddenRune(r) || (lineBreak(r) && !multiline) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case ForbiddenRune(r) || lineBreak(r):
			b.WriteString(RuneEscape(r))
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// RuneEscape is the visible form of a control or bidi rune: its Unicode
// control picture for C0 controls and DEL (␛ for ESC), \uXXXX otherwise.
func RuneEscape(r rune) string {
	switch {
	case r < 0x20:
		return string(rune(0x2400 + r))
	case r == 0x7f:
		return "\u2421"
	}
	const digits = "0123456789abcdef"
	return `\u` + string([]byte{digits[r>>12&0xf], digits[r>>8&0xf], digits[r>>4&0xf], digits[r&0xf]})
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
