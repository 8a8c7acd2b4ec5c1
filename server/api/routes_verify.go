package api

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"jxjy/server/domain"
)

// verifyRoutes is the public verification page a certificate's QR code
// opens (PUBLIC_URL/verify?n=NUMBER&c=CODE): outsiders (an employer, a 职称
// committee) check a certificate with a phone's browser, no account and no
// JavaScript. It asks the same service as POST /certificates/verify, under
// the same per-address budget, so a wrong number and a wrong code answer
// alike here too.
func (a *API) verifyRoutes() []Route {
	page := Access{Public: true, RateLimited: true}
	return []Route{
		{Method: "GET", Path: "/verify", Summary: "证书查验网页（二维码打开；n=证书编号，c=验证码；无需登录）", Access: page, Page: true, handler: a.verifyPage},
	}
}

// verifyView is what the page shows: the form, and a result or an error.
type verifyView struct {
	Number, Code string
	Result       *domain.Verification
	Error        string
	FieldErrors  map[string]string
}

func (v verifyView) Valid() bool { return v.Result.Status == domain.CertificateValid }

func (a *API) verifyPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := verifyView{Number: q.Get("n"), Code: q.Get("c")}
	status := http.StatusOK
	if v.Number != "" || v.Code != "" {
		res, err := a.cfg.Certificates.Verify(r.Context(), domain.VerifyRequest{Number: v.Number, Code: v.Code})
		var de *domain.Error
		switch {
		case err == nil:
			v.Result = &res
		case errors.As(err, &de) && (de.Code == domain.CodeInvalid || de.Code == domain.CodeNotFound):
			v.Error, v.FieldErrors, status = de.Message, de.Fields, de.Code.HTTPStatus()
		default:
			return err
		}
	}
	writePage(w, status, v)
	return nil
}

// writePageError is the page's answer to a refusal before the service
// (over the budget) or a failure: the message in the page, not JSON.
func (a *API) writePageError(w http.ResponseWriter, r *http.Request, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		a.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r.Context())), slog.Any("err", err))
		de = &domain.Error{Code: domain.CodeInternal, Message: "服务器内部错误，请稍后再试"}
	}
	writePage(w, de.Code.HTTPStatus(), verifyView{Error: de.Message})
}

func writePage(w http.ResponseWriter, status int, v verifyView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Nothing but the page's own style: no script, no frame, no form
	// elsewhere, and the QR code's number and code never leave in a
	// Referer.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src '"+verifyStyleHash+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = verifyTemplate.Execute(w, v)
}

const verifyStyle = `
body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f6f2ee;color:#222;line-height:1.6}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.25rem;color:#962020;margin:.5rem 0 1rem}
form{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:1rem}
label{display:block;margin-bottom:.75rem}
input{display:block;width:100%;box-sizing:border-box;font-size:1.1rem;padding:.5rem;margin-top:.25rem;border:1px solid #999;border-radius:.25rem;text-transform:uppercase}
button{font-size:1.1rem;padding:.5rem 1.5rem;background:#962020;color:#fff;border:0;border-radius:.25rem}
.field{color:#b00020;font-size:.9rem}
#result{background:#fff;border-radius:.5rem;padding:1rem;margin-bottom:1rem;border:2px solid}
#result.valid{border-color:#1b7f3b}
#result.voided{border-color:#b00020}
#status{font-size:1.5rem;margin:0 0 .5rem}
.valid #status{color:#1b7f3b}
.voided #status{color:#b00020}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}
dt{color:#666}
dd{margin:0;word-break:break-all}
#error{background:#fff;border:2px solid #b00020;border-radius:.5rem;padding:1rem;color:#b00020}
.note{color:#666;font-size:.9rem}
`

var verifyStyleHash = func() string {
	sum := sha256.Sum256([]byte(verifyStyle))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// The form asks GET verify (relative, so a server behind a path prefix
// works): the answer is the same page a QR code opens.
var verifyTemplate = template.Must(template.New("verify").Funcs(template.FuncMap{
	"date": func(r *domain.Verification) string {
		return r.IssuedAt.In(domain.ChinaTime).Format("2006年01月02日")
	},
	"voidDate": func(r *domain.Verification) string {
		if r.VoidedAt == nil {
			return ""
		}
		return r.VoidedAt.In(domain.ChinaTime).Format("2006年01月02日")
	},
}).Parse(strings.Replace(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>继续教育证书查验</title>
<style>STYLE</style>
</head>
<body>
<main>
<h1>广东省专业技术人员继续教育证书查验</h1>
{{with .Result}}<section id="result" class="{{if $.Valid}}valid{{else}}voided{{end}}">
<p id="status">{{if $.Valid}}有效{{else}}已作废{{end}}</p>
{{if not $.Valid}}<p id="voided">该证书{{with voidDate .}}已于{{.}}{{else}}已{{end}}作废，不能再作为学时证明{{with .ReplacedBy}}；现行证书编号为 <b id="replacement">{{.}}</b>{{end}}。</p>{{end}}
<dl>
<dt>证书编号</dt><dd id="number">{{.Number}}</dd>
<dt>姓名</dt><dd id="name">{{.Name}}</dd>
<dt>身份证号</dt><dd id="masked-id">{{.MaskedID}}</dd>
<dt>工作单位</dt><dd id="unit">{{.UnitName}}</dd>
<dt>年度</dt><dd id="year">{{.Year}}年度</dd>
<dt>学时</dt><dd id="hours">{{.Total}}学时</dd>
<dt>发证机关</dt><dd id="issuer">{{.Issuer}}</dd>
<dt>发证日期</dt><dd id="issued">{{date .}}</dd>
</dl>
</section>{{end}}
{{with .Error}}<p id="error" role="alert">{{.}}</p>{{end}}
<form method="get" action="verify">
<label>证书编号<input name="n" value="{{.Number}}" maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="GD开头的18位编号" required></label>
{{with index .FieldErrors "number"}}<p class="field">{{.}}</p>{{end}}
<label>验证码<input name="c" value="{{.Code}}" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="证书底部的8位验证码" required></label>
{{with index .FieldErrors "code"}}<p class="field">{{.}}</p>{{end}}
<button type="submit">查验</button>
</form>
<p class="note">证书编号和验证码印在证书底部；用手机扫描证书上的二维码会自动填好并查验。本页只回答证书是否由本系统签发、是否有效，身份证号只显示首尾几位。</p>
</main>
</body>
</html>
`, "STYLE", verifyStyle, 1)))
