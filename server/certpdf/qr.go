package certpdf

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// VerifyURL is the address a certificate's QR code opens: the server's
// public verification page with the number and code filled in.
func VerifyURL(publicURL, number, code string) string {
	return strings.TrimRight(publicURL, "/") + "/verify?" + url.Values{"n": {number}, "c": {code}}.Encode()
}

// CheckPublicURL accepts an absolute http(s) address without query or
// fragment, the base the QR codes point at.
func CheckPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("公开地址 %q 应为 http:// 或 https:// 开头的完整网址，不带查询参数，例如 https://jxjy.example.gov.cn", s)
	}
	return nil
}

// qrModules is the QR code of s (error correction M, which survives a
// smudge or a fold) as rows of dark modules, without the quiet zone.
func qrModules(s string) ([][]bool, error) {
	code, err := encoder.Encoder_encode(s, decoder.ErrorCorrectionLevel_M, nil)
	if err != nil {
		return nil, fmt.Errorf("certpdf: QR code: %w", err)
	}
	m := code.GetMatrix()
	rows := make([][]bool, m.GetHeight())
	for y := range rows {
		rows[y] = make([]bool, m.GetWidth())
		for x := range rows[y] {
			rows[y][x] = m.Get(x, y) == 1
		}
	}
	return rows, nil
}
