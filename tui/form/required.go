package form

import "strings"

// Required is a Check that only asks for a value; label names the field in
// the message (请填写<label>).
func Required(label string) func(*Form, string) string {
	return func(_ *Form, v string) string {
		if strings.TrimSpace(v) == "" {
			return "请填写" + label
		}
		return ""
	}
}

// SameAs is a Check for a confirmation field that must repeat field key.
func SameAs(key, msg string) func(*Form, string) string {
	return func(f *Form, v string) string {
		if v == "" {
			return "请再次输入密码"
		}
		if v != f.Value(key) {
			return msg
		}
		return ""
	}
}
