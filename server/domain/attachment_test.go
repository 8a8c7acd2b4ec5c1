package domain

import (
	"strings"
	"testing"
)

func TestCheckAttachmentName(t *testing.T) {
	cases := []struct {
		in, name, msg string
	}{
		{" 营业执照.PDF ", "营业执照.PDF", ""},
		{"scan 01.jpeg", "scan 01.jpeg", ""},
		{"", "", "请提供文件名"},
		{"../etc/passwd.pdf", "", "文件名不能包含路径分隔符（/ 或 \\）"},
		{`C:\docs\licence.pdf`, "", "文件名不能包含路径分隔符（/ 或 \\）"},
		{"a..pdf", "", "文件名不能包含“..”"},
		{"bad\x07name.pdf", "", "文件名不能包含控制字符"},
		{"line\nbreak.pdf", "", "文件名不能包含控制字符"},
		{".hidden.pdf", "", "文件名不能以“.”开头"},
		{"\xff\xfe.pdf", "", "文件名编码无效"},
		{strings.Repeat("长", 98) + ".pdf", "", "文件名不能超过100个字符"},
		{"tool.exe", "", "只能上传 " + AttachmentExtensions + " 文件"},
		{"noextension", "", "只能上传 " + AttachmentExtensions + " 文件"},
	}
	for _, c := range cases {
		name, msg := CheckAttachmentName(c.in)
		if name != c.name || msg != c.msg {
			t.Errorf("%q: (%q, %q), want (%q, %q)", c.in, name, msg, c.name, c.msg)
		}
	}
}

func TestAttachmentContentType(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	cases := []struct {
		name string
		head []byte
		want string
		msg  string
	}{
		{"a.pdf", pdf, "application/pdf", ""},
		{"A.PDF", pdf, "application/pdf", ""},
		{"a.png", png, "image/png", ""},
		{"a.docx", zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""},
		{"a.pdf", png, "", "文件内容与扩展名不符，请确认文件格式"},
		{"a.jpg", []byte("MZ\x90\x00 this is a program"), "", "文件内容与扩展名不符，请确认文件格式"},
		{"a.pdf", []byte("<html><script>"), "", "文件内容与扩展名不符，请确认文件格式"},
		{"a.exe", pdf, "", "只能上传 " + AttachmentExtensions + " 文件"},
	}
	for _, c := range cases {
		got, msg := AttachmentContentType(c.name, c.head)
		if got != c.want || msg != c.msg {
			t.Errorf("%s: (%q, %q), want (%q, %q)", c.name, got, msg, c.want, c.msg)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 20 << 20: "20.0 MB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %s, want %s", n, got, want)
		}
	}
}
