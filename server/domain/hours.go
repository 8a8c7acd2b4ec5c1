package domain

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Hours counts study hours (学时) in half-hour steps, stored as the number
// of half-hours so sums and comparisons are exact. On the wire and on
// screen it is a decimal: 1.5.
type Hours int

// HoursOf converts whole hours (for constants and demo data).
func HoursOf(whole int) Hours { return Hours(whole * 2) }

// String renders 3 as "1.5" and 4 as "2".
func (h Hours) String() string {
	s := strconv.Itoa(int(h) / 2)
	if h < 0 && h > -2 {
		s = "-0"
	}
	if h%2 != 0 {
		s += ".5"
	}
	return s
}

// MarshalJSON writes a JSON number.
func (h Hours) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalJSON accepts a JSON number in half-hour steps.
func (h *Hours) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &Error{Code: CodeBadRequest, Message: "学时应为数字"}
	}
	v, msg := ParseHours(n.String())
	if msg != "" {
		return &Error{Code: CodeBadRequest, Message: msg}
	}
	*h = v
	return nil
}

// ParseHours reads hours as typed by an operator or found in a spreadsheet:
// full-width digits and stray spaces are accepted; the value must be a
// multiple of 0.5. Positivity and caps are the caller's rules.
func ParseHours(s string) (Hours, string) {
	s = strings.TrimSpace(toHalfWidth(s))
	if s == "" {
		return 0, "请填写学时"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f > 1e6 || f < -1e6 {
		return 0, "学时应为数字"
	}
	doubled := f * 2
	if doubled != float64(int64(doubled)) {
		return 0, "学时应为0.5的倍数"
	}
	return Hours(int64(doubled)), ""
}

// toHalfWidth maps full-width ASCII (０-９, ．, Ａ…) and the ideographic
// space to their ASCII forms, as real Excel files and IMEs produce them.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

// NormalizeInput trims and converts full-width characters: what every
// typed or imported identifier and number goes through first.
func NormalizeInput(s string) string { return strings.TrimSpace(toHalfWidth(s)) }
