package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/server/xlsximport"
)

// importFile is demo-unit's sample workbook with rows data rows.
func importFile(t *testing.T, rows int) []byte {
	t.Helper()
	var buf bytes.Buffer
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	if err := store.DemoImportWorkbook(&buf, rows, today); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sendFile(t *testing.T, env *servertest.Env, path, tok string, data []byte, hdr map[string]string) answer {
	t.Helper()
	h := map[string]string{"Content-Type": domain.ContentTypeXLSX}
	for k, v := range hdr {
		h[k] = v
	}
	return send(t, "POST", env.URL+"/api/v1"+path+"?name="+url.QueryEscape("导入.xlsx"), tok, bytes.NewReader(data), h)
}

// Every import route answers units only, and only approved ones.
func TestImportRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		// Its 40th row is an ID number Excel made a number, so there is an
		// error report to download.
		data := importFile(t, 40)
		paths := map[string]bool{"/record-import/template": false, "/record-import/validate": true,
			"/record-import": true, "/record-import/error-report": true}
		// A validation's routes: an unknown id is the unit's 404 (the
		// role and the module lock are checked first).
		byID := map[string]string{"/record-import/validations/0123": "POST", "/record-import/validations/0123/error-report": "GET"}
		covered := 0
		for _, rt := range env.Srv.API.Routes() {
			if strings.HasPrefix(rt.Path, "/record-import") {
				covered++
			}
		}
		if covered != len(paths)+len(byID) {
			t.Fatalf("%d import routes, %d in the test", covered, len(paths)+len(byID))
		}
		for path, method := range byID {
			for user, tok := range toks {
				want := 403
				switch user {
				case store.DemoUnit:
					want = 404
				case store.DemoNewUnit:
					want = 424
				}
				wantStatus(t, send(t, method, env.URL+"/api/v1"+path, tok, nil, nil), want, path+" by "+user)
			}
			wantStatus(t, send(t, method, env.URL+"/api/v1"+path, "", nil, nil), 401, path+" without a session")
		}
		for path, upload := range paths {
			for user, tok := range toks {
				var a answer
				if upload {
					a = sendFile(t, env, path, tok, data, nil)
				} else {
					a = send(t, "GET", env.URL+"/api/v1"+path, tok, nil, nil)
				}
				want := 403
				switch user {
				case store.DemoUnit:
					want = 200
				case store.DemoNewUnit:
					want = 424
				}
				if a.status != want {
					t.Errorf("%s by %s: %d %s, want %d", path, user, a.status, a.body, want)
				}
			}
			var a answer
			if upload {
				a = sendFile(t, env, path, "", data, nil)
			} else {
				a = send(t, "GET", env.URL+"/api/v1"+path, "", nil, nil)
			}
			wantStatus(t, a, 401, path+" without a session")
		}
	})
}

func TestImportTemplateDownload(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		a := send(t, "GET", env.URL+"/api/v1/record-import/template", token(t, env, store.DemoUnit), nil, nil)
		wantStatus(t, a, 200, "template")
		if a.header.Get("Content-Type") != domain.ContentTypeXLSX || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("headers %v", a.header)
		}
		f, err := excelize.OpenReader(bytes.NewReader(a.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(xlsximport.DataSheet)
		if len(rows) != 2 || rows[0][0] != "身份证号" {
			t.Errorf("template rows %v", rows)
		}
	})
}

// readLines splits an NDJSON answer.
func readLines(t *testing.T, body []byte) []domain.ImportLine {
	t.Helper()
	var out []domain.ImportLine
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var l domain.ImportLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func TestImportStreamsProgressAndStoresOncePerKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoUnit)
		data := importFile(t, 600)
		ndjson := map[string]string{"Accept": "application/x-ndjson", "Accept-Encoding": "identity"}

		a := sendFile(t, env, "/record-import/validate", tok, data, ndjson)
		wantStatus(t, a, 200, "validate")
		if !strings.HasPrefix(a.header.Get("Content-Type"), "application/x-ndjson") {
			t.Fatalf("content type %q", a.header.Get("Content-Type"))
		}
		lines := readLines(t, a.body)
		last := lines[len(lines)-1]
		if len(lines) < 2 || lines[0].Progress == nil || last.Report == nil {
			t.Fatalf("lines %+v", lines)
		}
		valid := last.Report.Valid
		if valid < 500 || last.Report.Invalid == 0 {
			t.Fatalf("report %d valid %d invalid", valid, last.Report.Invalid)
		}

		keyed := map[string]string{"Accept": "application/x-ndjson", "Accept-Encoding": "identity", "Idempotency-Key": "import-1"}
		first := sendFile(t, env, "/record-import", tok, data, keyed)
		wantStatus(t, first, 200, "import")
		lines = readLines(t, first.body)
		res := lines[len(lines)-1].Result
		if res == nil || res.Inserted != valid {
			t.Fatalf("import answered %+v, want %d inserted", lines[len(lines)-1], valid)
		}
		sawStore := false
		for _, l := range lines {
			sawStore = sawStore || (l.Progress != nil && l.Progress.Stage == domain.StageStore)
		}
		if !sawStore {
			t.Errorf("no store progress in %d lines", len(lines))
		}
		// A retry with the same key gets the first answer back, as JSON.
		again := sendFile(t, env, "/record-import", tok, data, keyed)
		wantStatus(t, again, 200, "replay")
		var replayed domain.ImportResult
		if err := json.Unmarshal(again.body, &replayed); err != nil || again.header.Get("Idempotent-Replayed") != "true" || replayed.Inserted != valid {
			t.Fatalf("replay %s %v (%v)", again.body, again.header, err)
		}
		// A new import of the same file stores nothing more.
		fresh := sendFile(t, env, "/record-import", tok, data, map[string]string{"Idempotency-Key": "import-2"})
		var second domain.ImportResult
		if err := json.Unmarshal(fresh.body, &second); err != nil || second.Inserted != 0 || second.Report.Existing != valid {
			t.Fatalf("second import %s (%v)", fresh.body, err)
		}
		// And checking it again finds every valid row stored.
		var rep domain.ImportReport
		if err := json.Unmarshal(sendFile(t, env, "/record-import/validate", tok, data, nil).body, &rep); err != nil ||
			rep.Existing != valid || rep.Valid != 0 {
			t.Fatalf("validation after import %+v (%v)", rep, err)
		}
	})
}

func TestImportRefusalsOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoUnit)
		ndjson := map[string]string{"Accept": "application/x-ndjson"}
		// Refused before any progress: a plain error answer.
		a := sendFile(t, env, "/record-import/validate", tok, []byte("身份证号,姓名\n"), ndjson)
		wantStatus(t, a, 415, "csv")
		if e := a.err(t); !strings.Contains(e.Message, "不是 Excel 工作簿") {
			t.Errorf("csv refused with %q", e.Message)
		}
		big := bytes.Repeat([]byte{'x'}, domain.MaxImportBytes+1)
		wantStatus(t, sendFile(t, env, "/record-import", tok, big, nil), 413, "oversized")
		// The error report lists the bad rows of the sample.
		rep := sendFile(t, env, "/record-import/error-report", tok, importFile(t, 80), nil)
		wantStatus(t, rep, 200, "error report")
		f, err := excelize.OpenReader(bytes.NewReader(rep.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(xlsximport.DataSheet)
		if len(rows) != 6 || !strings.Contains(rows[0][len(rows[0])-1], "错误说明") {
			t.Errorf("error report rows %v", rows)
		}
	})
}

// Another approved unit imports demo-unit's sample: every row names a
// person that is not its own, and nothing is stored or revealed.
func TestImportTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		other, _ := approveOther(t, env)
		a := sendFile(t, env, "/record-import", other, importFile(t, 20), map[string]string{"Idempotency-Key": "other-1"})
		wantStatus(t, a, 200, "other unit's import")
		var res domain.ImportResult
		if err := json.Unmarshal(a.body, &res); err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 0 || res.Report.Valid != 0 {
			t.Fatalf("another unit imported %+v", res)
		}
		for _, p := range res.Report.Problems {
			if p.Column == "姓名" && strings.Contains(p.Message, "（") {
				t.Errorf("a foreign person's name leaked: %+v", p)
			}
		}
	})
}

// 数据入库 over HTTP names the validation, not a file (whatever became of
// the file since): the stored rows are the report's, and the validation is
// used once, by its owner, before it expires.
func TestImportStoresTheValidationOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tok := token(t, env, store.DemoUnit)
		ndjson := map[string]string{"Accept": "application/x-ndjson", "Accept-Encoding": "identity"}
		var rep domain.ImportReport
		a := sendFile(t, env, "/record-import/validate", tok, importFile(t, 40), nil)
		if err := json.Unmarshal(a.body, &rep); err != nil || a.status != 200 || rep.ID == "" || len(rep.SHA256) != 64 || rep.ExpiresAt.IsZero() {
			t.Fatalf("validate: %d %s", a.status, a.body)
		}
		other, _ := approveOther(t, env)
		wantStatus(t, send(t, "POST", env.URL+"/api/v1/record-import/validations/"+rep.ID, other, nil, nil), 404, "another unit's id")
		wantStatus(t, send(t, "GET", env.URL+"/api/v1/record-import/validations/"+rep.ID+"/error-report", other, nil, nil), 404,
			"another unit's error report")

		stored := send(t, "POST", env.URL+"/api/v1/record-import/validations/"+rep.ID, tok, nil, ndjson)
		wantStatus(t, stored, 200, "store")
		lines := readLines(t, stored.body)
		res := lines[len(lines)-1].Result
		if res == nil || res.Inserted != rep.Valid || res.Report.Rows != rep.Rows {
			t.Fatalf("store answered %+v, want the report's %d", lines[len(lines)-1], rep.Valid)
		}
		again := send(t, "POST", env.URL+"/api/v1/record-import/validations/"+rep.ID, tok, nil, nil)
		wantStatus(t, again, 404, "stored twice")
		if e := again.err(t); !strings.Contains(e.Message, "已入库") {
			t.Errorf("second store refused with %q", e.Message)
		}
		report := send(t, "GET", env.URL+"/api/v1/record-import/validations/"+rep.ID+"/error-report", tok, nil, nil)
		wantStatus(t, report, 200, "error report of the validation")

		// A validation past its expiry is refused, saying so.
		a = sendFile(t, env, "/record-import/validate", tok, importFile(t, 60), nil)
		if err := json.Unmarshal(a.body, &rep); err != nil {
			t.Fatal(err)
		}
		storetest.ClockOf(db).Advance(domain.ImportValidationTTL)
		tok = token(t, env, store.DemoUnit)
		expired := send(t, "POST", env.URL+"/api/v1/record-import/validations/"+rep.ID, tok, nil, nil)
		wantStatus(t, expired, 404, "expired")
		if e := expired.err(t); !strings.Contains(e.Message, "已过期") {
			t.Errorf("expired validation refused with %q", e.Message)
		}
	})
}
