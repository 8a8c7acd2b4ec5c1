package api_test

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jxjy/server"
	"jxjy/server/certpdf/pdftest"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// lastYear is the year demo-unit's certified persons meet.
func lastYear() int { return time.Now().In(time.FixedZone("CST", 8*3600)).Year() - 1 }

// certRow finds a demo-unit person of the printing list by name.
func certRow(t *testing.T, env *servertest.Env, unit, name string) domain.CertificateRow {
	t.Helper()
	var list domain.CertificateList
	path := "/certificates?year=" + strconv.Itoa(lastYear()) + "&name=" + url.QueryEscape(name)
	wantStatus(t, call(t, env, "GET", path, unit, nil, &list), 200, "list "+name)
	if len(list.Rows.Items) != 1 {
		t.Fatalf("%s: %+v", name, list.Rows)
	}
	return list.Rows.Items[0]
}

// Every certificate route admits its roles only; requirements are edited
// by the province authority and administrators.
func TestCertificateRoutesByRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		toks := demoTokens(t, env)
		toks[store.DemoProvince] = token(t, env, store.DemoProvince)
		unit := toks[store.DemoUnit]
		year := strconv.Itoa(lastYear())
		ready := certRow(t, env, unit, "李晓红")
		held := certRow(t, env, unit, "陈志明").Certificate
		print := domain.PrintRequest{PersonID: ready.PersonID, Year: lastYear()}
		pdfPath := "/certificates/pdf?ids=" + strconv.FormatInt(held.ID, 10)
		for _, c := range []struct {
			method, path string
			body         any
			allowed      map[string]int
		}{
			{"GET", "/requirements", nil, map[string]int{store.DemoUnit: 200, store.DemoAuthority: 200, store.DemoPerson: 200,
				store.DemoInstitution: 200, store.DemoAdmin: 200, store.DemoProvince: 200}},
			{"GET", "/certificates?year=" + year, nil, map[string]int{store.DemoUnit: 200}},
			{"POST", "/certificates", print, map[string]int{store.DemoUnit: 200}},
			{"POST", "/certificates/batch", domain.BatchPrintRequest{Year: lastYear(), PersonIDs: []int64{ready.PersonID}}, map[string]int{store.DemoUnit: 200}},
			{"POST", "/certificates/recount", domain.RecountRequest{Year: lastYear()}, map[string]int{store.DemoUnit: 200}},
			{"GET", "/certificates/history?person_id=" + strconv.FormatInt(ready.PersonID, 10) + "&year=" + year, nil, map[string]int{store.DemoUnit: 200}},
			{"GET", pdfPath, nil, map[string]int{store.DemoUnit: 200, store.DemoPerson: 200}},
			{"GET", "/certificates/mine", nil, map[string]int{store.DemoPerson: 200}},
		} {
			for user, tok := range toks {
				want, ok := c.allowed[user]
				switch {
				case ok:
				case user == store.DemoNewUnit && c.allowed[store.DemoUnit] != 0:
					want = 424
				default:
					want = 403
				}
				a := call(t, env, c.method, c.path, tok, c.body, nil)
				if a.status != want {
					t.Errorf("%s %s as %s: %d %s, want %d", c.method, c.path, user, a.status, a.body, want)
				}
			}
		}
		// Editing requirements: the province and admins; a city authority
		// is refused by the service.
		next := domain.RequirementInput{Year: lastYear() + 2, Total: domain.HoursOf(90), PublicMin: domain.HoursOf(30),
			ProfessionalMin: domain.HoursOf(42), DailyCap: domain.HoursOf(8)}
		for user, want := range map[string]int{store.DemoUnit: 403, store.DemoPerson: 403, store.DemoInstitution: 403,
			store.DemoAuthority: 403, store.DemoNewUnit: 403, store.DemoProvince: 201} {
			if a := call(t, env, "POST", "/requirements", toks[user], next, nil); a.status != want {
				t.Errorf("create requirement as %s: %d %s, want %d", user, a.status, a.body, want)
			}
		}
		update := next
		update.Total, update.Version = domain.HoursOf(100), 1
		var got domain.Requirement
		wantStatus(t, call(t, env, "POST", "/requirements/"+strconv.Itoa(next.Year), toks[store.DemoAdmin], update, &got), 200, "admin updates")
		if got.Total != domain.HoursOf(100) || got.Version != 2 {
			t.Fatalf("updated: %+v", got)
		}
		wantStatus(t, call(t, env, "POST", "/requirements/"+strconv.Itoa(next.Year), toks[store.DemoProvince], update, nil), 409, "stale update")
		wantStatus(t, call(t, env, "POST", "/requirements/2001", toks[store.DemoAdmin], update, nil), 404, "year without requirement")
		// The check needs no session.
		v := domain.VerifyRequest{Number: held.Number, Code: held.VerificationCode}
		var got2 domain.Verification
		wantStatus(t, call(t, env, "POST", "/certificates/verify", "", v, &got2), 200, "anonymous check")
		if got2.Name != "陈志明" || got2.MaskedID != "440106********2517" || got2.Status != domain.CertificateValid {
			t.Fatalf("check: %+v", got2)
		}
		v.Code = "22222222"
		if held.VerificationCode == v.Code {
			v.Code = "33333333"
		}
		wantStatus(t, call(t, env, "POST", "/certificates/verify", "", v, nil), 404, "wrong code")
	})
}

// Another unit gets not_found for demo-unit's persons and certificates.
func TestCertificateTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		other, _ := approveOther(t, env)
		row := certRow(t, env, unit, "王建华")
		c := row.Certificate
		id, pid := strconv.FormatInt(c.ID, 10), strconv.FormatInt(row.PersonID, 10)
		year := strconv.Itoa(lastYear())
		for _, x := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/certificates", domain.PrintRequest{PersonID: row.PersonID, Year: lastYear()}},
			{"POST", "/certificates/recount", domain.RecountRequest{Year: lastYear(), PersonID: row.PersonID}},
			{"GET", "/certificates/history?person_id=" + pid + "&year=" + year, nil},
			{"POST", "/certificates/" + id + "/regenerate", domain.RegenerateRequest{Version: c.Version, Reason: "越权"}},
			{"GET", "/certificates/pdf?ids=" + id, nil},
			{"GET", "/entities/certificate/" + id + "/history", nil},
		} {
			a := call(t, env, x.method, x.path, other, x.body, nil)
			if a.status != 404 {
				t.Errorf("%s %s by another unit: %d %s", x.method, x.path, a.status, a.body)
			}
		}
		var list domain.CertificateList
		wantStatus(t, call(t, env, "GET", "/certificates?year="+year+"&limit=200", other, nil, &list), 200, "other unit's list")
		for _, r := range list.Rows.Items {
			if r.PersonID == row.PersonID {
				t.Fatal("another unit lists demo-unit's person")
			}
		}
	})
}

// 打印 writes a PDF whose Chinese text extracts; 重新生成 voids the old
// number, which the check then reports, while the new one verifies.
func TestPrintRegenerateAndVerifyOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		row := certRow(t, env, unit, "李晓红")
		var c domain.Certificate
		wantStatus(t, call(t, env, "POST", "/certificates", unit, domain.PrintRequest{PersonID: row.PersonID, Year: lastYear()}, &c), 200, "print")
		a := send(t, "GET", env.URL+"/api/v1/certificates/pdf?ids="+strconv.FormatInt(c.ID, 10), unit, nil, nil)
		if a.status != 200 || a.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(a.body, []byte("%PDF-")) {
			t.Fatalf("pdf: %d %v", a.status, a.header)
		}
		text := pdftest.Text(t, a.body)
		for _, want := range []string{"李晓红", c.Number, c.VerificationCode, "广州市天河区示范科技有限公司", "广州市人力资源和社会保障局"} {
			if !strings.Contains(text, want) {
				t.Fatalf("PDF text lacks %q:\n%s", want, text)
			}
		}
		var fresh domain.Certificate
		wantStatus(t, call(t, env, "POST", "/certificates/"+strconv.FormatInt(c.ID, 10)+"/regenerate", unit,
			domain.RegenerateRequest{Version: c.Version, Reason: "身份证号打印模糊"}, &fresh), 201, "regenerate")
		var old, now domain.Verification
		wantStatus(t, call(t, env, "POST", "/certificates/verify", "", domain.VerifyRequest{Number: c.Number, Code: c.VerificationCode}, &old), 200, "old")
		wantStatus(t, call(t, env, "POST", "/certificates/verify", "", domain.VerifyRequest{Number: fresh.Number, Code: fresh.VerificationCode}, &now), 200, "new")
		if old.Status != domain.CertificateVoided || now.Status != domain.CertificateValid || fresh.Number == c.Number {
			t.Fatalf("old %+v, new %+v", old, now)
		}
		wantStatus(t, call(t, env, "GET", "/certificates/pdf?ids="+strconv.FormatInt(c.ID, 10), unit, nil, nil), 409, "voided pdf")
		// Two pages in one PDF for a batch.
		chen := certRow(t, env, unit, "陈志明").Certificate
		a = send(t, "GET", env.URL+"/api/v1/certificates/pdf?ids="+strconv.FormatInt(fresh.ID, 10)+","+strconv.FormatInt(chen.ID, 10), unit, nil, nil)
		pages := strings.Split(pdftest.Text(t, a.body), "\f")
		if a.status != 200 || len(pages) < 2 || !strings.Contains(pages[0], "李晓红") || !strings.Contains(pages[1], "陈志明") {
			t.Fatalf("batch pdf: %d, %d pages", a.status, len(pages))
		}
		// A person short of hours is refused with the shortfall.
		short := certRow(t, env, unit, "张丽娟")
		a = call(t, env, "POST", "/certificates", unit, domain.PrintRequest{PersonID: short.PersonID, Year: lastYear()}, nil)
		if e := a.err(t); a.status != 409 || !strings.Contains(e.Message, domain.ShortfallText(short.Shortfalls)) || e.Fields["public"] == "" {
			t.Fatalf("short print: %d %s", a.status, a.body)
		}
	})
}

// The public check is budgeted per address like the other anonymous doors.
func TestVerificationIsRateLimited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: 1})
		var last answer
		for i := 0; i < 30; i++ {
			last = call(t, env, "POST", "/certificates/verify", "", domain.VerifyRequest{Number: "GD2025440106999999", Code: "ABCDEFGH"}, nil)
			if last.status == 429 {
				break
			}
			if last.status != 404 {
				t.Fatalf("check %d: %d %s", i, last.status, last.body)
			}
		}
		if last.status != 429 || last.err(t).Code != domain.CodeRateLimited {
			t.Fatalf("never limited: %d %s", last.status, last.body)
		}
	})
}
