package api_test

import (
	"context"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"jxjy/server"
	"jxjy/server/certpdf/pdftest"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// verifyWorld is the demo data with 李晓红's certificate printed and
// regenerated: old is voided, replaced by fresh.
func verifyWorld(t *testing.T, env *servertest.Env) (old, fresh domain.Certificate) {
	t.Helper()
	unit := token(t, env, store.DemoUnit)
	row := certRow(t, env, unit, "李晓红")
	wantStatus(t, call(t, env, "POST", "/certificates", unit, domain.PrintRequest{PersonID: row.PersonID, Year: lastYear()}, &old), 200, "print")
	wantStatus(t, call(t, env, "POST", "/certificates/"+strconv.FormatInt(old.ID, 10)+"/regenerate", unit,
		domain.RegenerateRequest{Version: old.Version, Reason: "姓名有误"}, &fresh), 201, "regenerate")
	return old, fresh
}

func verifyPage(t *testing.T, env *servertest.Env, number, code string) answer {
	t.Helper()
	return send(t, "GET", env.URL+"/verify?"+url.Values{"n": {number}, "c": {code}}.Encode(), "", nil, nil)
}

func TestVerifyPageShowsValidAndVoided(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		old, fresh := verifyWorld(t, env)

		a := verifyPage(t, env, fresh.Number, strings.ToLower(fresh.VerificationCode))
		body := string(a.body)
		if a.status != 200 || !strings.Contains(body, `<p id="status">有效</p>`) {
			t.Fatalf("valid: %d\n%s", a.status, body)
		}
		for _, want := range []string{fresh.Number, "李晓红", domain.MaskIDNumber(fresh.IDNumber), fresh.UnitName,
			strconv.Itoa(fresh.Year) + "年度", fresh.Total.String() + "学时", fresh.Issuer} {
			if !strings.Contains(body, want) {
				t.Errorf("valid page lacks %q", want)
			}
		}
		if strings.Contains(body, fresh.IDNumber) {
			t.Error("the page shows the whole ID number")
		}
		for header, want := range map[string]string{
			"Content-Type":            "text/html; charset=utf-8",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-store",
			"Content-Security-Policy": "default-src 'none'; style-src 'sha256-",
		} {
			if got := a.header.Get(header); !strings.HasPrefix(got, want) {
				t.Errorf("%s: %q, want %q", header, got, want)
			}
		}
		if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if strings.Contains(body, "<script") {
			t.Error("the page carries a script")
		}

		a = verifyPage(t, env, old.Number, old.VerificationCode)
		body = string(a.body)
		if a.status != 200 || !strings.Contains(body, `<p id="status">已作废</p>`) ||
			!strings.Contains(body, `<b id="replacement">`+fresh.Number+`</b>`) {
			t.Fatalf("voided: %d\n%s", a.status, body)
		}

		// A wrong code and an unknown number answer alike.
		wrongCode := verifyPage(t, env, fresh.Number, "ZZZZZZZZ")
		unknown := verifyPage(t, env, "GD2025440106999999", fresh.VerificationCode)
		if wrongCode.status != 404 || unknown.status != 404 ||
			strings.NewReplacer(fresh.Number, "N", "ZZZZZZZZ", "C").Replace(string(wrongCode.body)) !=
				strings.NewReplacer("GD2025440106999999", "N", fresh.VerificationCode, "C").Replace(string(unknown.body)) {
			t.Fatalf("wrong code %d and unknown number %d answer differently:\n%s\n%s", wrongCode.status, unknown.status, wrongCode.body, unknown.body)
		}
		if !strings.Contains(string(unknown.body), "证书编号或验证码不正确") {
			t.Fatalf("unknown: %s", unknown.body)
		}

		// The form alone, then a malformed number: the field's message.
		form := send(t, "GET", env.URL+"/verify", "", nil, nil)
		if form.status != 200 || !strings.Contains(string(form.body), `<form method="get" action="verify">`) ||
			strings.Contains(string(form.body), `id="status"`) {
			t.Fatalf("form: %d\n%s", form.status, form.body)
		}
		bad := verifyPage(t, env, "12345", "")
		if bad.status != 422 && bad.status != 400 || !strings.Contains(string(bad.body), "证书编号应为GD开头的18位编号") ||
			!strings.Contains(string(bad.body), "请填写验证码") {
			t.Fatalf("malformed: %d\n%s", bad.status, bad.body)
		}
	})
}

// Everything the page echoes is escaped.
func TestVerifyPageEscapes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		a := verifyPage(t, env, `"><script>alert(1)</script>`, `<img src=x onerror=alert(2)>`)
		if strings.Contains(string(a.body), "<script>alert") || strings.Contains(string(a.body), "<img src=x") {
			t.Fatalf("input echoed unescaped:\n%s", a.body)
		}
		if !strings.Contains(string(a.body), "&lt;script&gt;") {
			t.Fatalf("input not echoed escaped:\n%s", a.body)
		}
	})
}

// The page and POST /certificates/verify draw on one budget per address,
// and a refusal is a page too.
func TestVerifyPageSharesTheRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: 1})
		v := domain.VerifyRequest{Number: "GD2025440106999999", Code: "ZZZZZZZZ"}
		for i := 0; ; i++ {
			if i > 100 {
				t.Fatal("the JSON check is never limited")
			}
			if call(t, env, "POST", "/certificates/verify", "", v, nil).status == http.StatusTooManyRequests {
				break
			}
		}
		a := verifyPage(t, env, v.Number, v.Code)
		if a.status != http.StatusTooManyRequests || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(a.body), "操作过于频繁") {
			t.Fatalf("page over the budget: %d %s\n%s", a.status, a.header.Get("Content-Type"), a.body)
		}
	})
}

// scanQR renders the PDF's first page as pdftoppm does for a printer and
// decodes the QR code on it, as a phone's camera would.
func scanQR(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := pdftest.Tool(t, "poppler-utils", "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "-r", "150", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found on the rendered certificate: %v", err)
	}
	return res.GetText()
}

// browse loads url in headless Chromium (tool) and returns the DOM it built.
func browse(t *testing.T, tool, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("chromium %s: %v", url, err) // not Fatal: browse runs in goroutines
	}
	return string(out)
}

var statusInDOM = regexp.MustCompile(`<p id="status">([^<]*)</p>`)

// The QR code on a printed certificate, decoded from the page as
// rendered, opens the public page in a real browser: 有效 for the current
// certificate, 已作废 with the replacing number for the voided one.
func TestQRCodeOpensTheVerifyPageInChromium(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, PublicURL: servertest.Self})
		unit := token(t, env, store.DemoUnit)
		old, fresh := verifyWorld(t, env)
		pdf := send(t, "GET", env.URL+"/api/v1/certificates/pdf?ids="+strconv.FormatInt(fresh.ID, 10), unit, nil, nil)
		if pdf.status != 200 {
			t.Fatalf("pdf: %d %s", pdf.status, pdf.body)
		}
		chromium := pdftest.Tool(t, "chromium", "chromium", "chromium-browser", "google-chrome")
		scanned := scanQR(t, pdf.body)
		want := env.URL + "/verify?" + url.Values{"n": {fresh.Number}, "c": {fresh.VerificationCode}}.Encode()
		if scanned != want {
			t.Fatalf("QR code says %q, want %q", scanned, want)
		}
		// The voided one as the page's form submits it (GET, fields n and
		// c). Both browsers run at once: each takes seconds to start.
		voidedURL := env.URL + "/verify?" + url.Values{"n": {old.Number}, "c": {old.VerificationCode}}.Encode()
		doms := make([]string, 2)
		var wg sync.WaitGroup
		for i, u := range []string{scanned, voidedURL} {
			wg.Go(func() { doms[i] = browse(t, chromium, u) })
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		if m := statusInDOM.FindStringSubmatch(doms[0]); m == nil || m[1] != "有效" || !strings.Contains(doms[0], "李晓红") {
			t.Fatalf("valid certificate in Chromium:\n%s", doms[0])
		}
		if m := statusInDOM.FindStringSubmatch(doms[1]); m == nil || m[1] != "已作废" || !strings.Contains(doms[1], fresh.Number) {
			t.Fatalf("voided certificate in Chromium:\n%s", doms[1])
		}
	})
}
