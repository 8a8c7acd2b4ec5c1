package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// certChina is the zone of the store's calendar rules.
var certChina = time.FixedZone("CST", 8*60*60)

// fakeRenderer records what it was asked to draw; err makes it unable to.
type fakeRenderer struct {
	mu    sync.Mutex
	err   error
	drawn [][]domain.Certificate
}

func (f *fakeRenderer) Ready() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// CheckText refuses a name holding 𠮷, as certpdf's standard font does.
func (f *fakeRenderer) CheckText(label, s string) error {
	if strings.ContainsRune(s, '𠮷') {
		return domain.Errorf(domain.CodeInvalid, "%s“%s”中的“𠮷”无法印在证书上", label, s)
	}
	return nil
}

func (f *fakeRenderer) Render(certs []domain.Certificate) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	f.drawn = append(f.drawn, certs)
	return []byte("%PDF-fake " + certs[0].Number), nil
}

// certWorld is the demo data with a second approved unit (佛山, fs-unit),
// fresh persons of demo-unit to certify, and a context per caller.
type certWorld struct {
	db    *store.DB
	auth  *store.AuthService
	certs *store.CertificateService
	reqs  *store.RequirementService
	pdf   *fakeRenderer

	unit, otherUnit, person, authority, province, admin context.Context

	unitID, otherUnitID int64
	year                int // last year, whose requirement the seed set
	seq                 int // persons made so far, for ID numbers
	titles              int // records made so far, for titles
}

func newCertWorld(t *testing.T, db *store.DB) *certWorld {
	t.Helper()
	seeded(t, db)
	w := &certWorld{db: db, auth: noCaptcha(db), reqs: store.NewRequirementService(db), pdf: &fakeRenderer{}}
	w.certs = store.NewCertificateService(db, w.pdf)
	if err := w.auth.RegisterUnit(t.Context(), registration("fs-unit", "91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE units SET status = 'approved', region_code = '440600',
		authority_id = (SELECT id FROM authorities WHERE region_code = '440600') WHERE uscc = $1`, validUSCC("91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	w.unit = w.ctx(t, store.DemoUnit, store.DemoPassword)
	w.otherUnit = w.ctx(t, "fs-unit", "Start2026a")
	w.person = w.ctx(t, store.DemoPerson, store.DemoPassword)
	w.authority = w.ctx(t, store.DemoAuthority, store.DemoPassword)
	w.province = w.ctx(t, store.DemoProvince, store.DemoPassword)
	w.admin = w.ctx(t, store.DemoAdmin, store.DemoPassword)
	w.unitID = w.unitOf(t, w.unit)
	w.otherUnitID = w.unitOf(t, w.otherUnit)
	w.year = clock(t, db).Now().In(certChina).Year() - 1
	return w
}

func (w *certWorld) ctx(t *testing.T, username, password string) context.Context {
	t.Helper()
	return as(t, w.auth, login(t, w.auth, username, password))
}

func (w *certWorld) unitOf(t *testing.T, ctx context.Context) int64 {
	p, _ := domain.PrincipalFrom(ctx)
	return p.User.UnitID
}

// addPerson makes a confirmed person of unit, with a valid ID number of
// Guangzhou's 天河区.
func (w *certWorld) addPerson(t *testing.T, unitID int64, name string) int64 {
	t.Helper()
	w.seq++
	first17 := fmt.Sprintf("440106198%d%02d%02d%03d", w.seq%10, 1+w.seq%12, 1+w.seq%28, w.seq%1000)
	id := first17 + string(domain.IDCheckChar(first17))
	if err := w.db.Exec(t.Context(), `INSERT INTO persons (id_number, name, gender, birth_date, unit_id, status, created_at, updated_at)
		VALUES ($1, $2, '男', '1980-01-01', $3, 'confirmed', 0, 0)`, id, name, unitID); err != nil {
		t.Fatal(err)
	}
	var pid int64
	if err := w.db.QueryRow(t.Context(), `SELECT id FROM persons WHERE id_number = $1`, id).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// addRecord stores a record of whole or half hours (half-hours given) in
// status, as any records path would leave it.
func (w *certWorld) addRecord(t *testing.T, personID, unitID int64, category string, halfHours, year int, status domain.RecordStatus) int64 {
	t.Helper()
	w.titles++
	title := "证书测试培训" + strconv.Itoa(w.titles)
	start := fmt.Sprintf("%d-03-01", year)
	end := fmt.Sprintf("%d-12-20", year)
	if err := w.db.Exec(t.Context(), `INSERT INTO records (person_id, unit_id, category, form, title, start_date, end_date,
		year, half_hours, source, status, created_at, updated_at)
		VALUES ($1, $2, $3, 'training', $4, $5, $6, $7, $8, 'unit', $9, 0, 0)`,
		personID, unitID, category, title, start, end, year, halfHours, string(status)); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := w.db.QueryRow(t.Context(), `SELECT id FROM records WHERE title = $1`, title).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// qualify gives a person exactly the default requirement of year: public
// 30, professional 42, elective 18.
func (w *certWorld) qualify(t *testing.T, personID, unitID int64, year int) {
	t.Helper()
	w.addRecord(t, personID, unitID, domain.CategoryPublic, 60, year, domain.RecordEffective)
	w.addRecord(t, personID, unitID, domain.CategoryProfessional, 84, year, domain.RecordEffective)
	w.addRecord(t, personID, unitID, domain.CategoryElective, 36, year, domain.RecordEffective)
}

func TestRequirementsAreEditedByProvinceAndAdminOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		this := w.year + 1
		list, err := w.reqs.Requirements(w.unit)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].Year != this || list[2].Year != this-2 {
			t.Fatalf("want the seeded three years newest first, got %+v", list)
		}
		if d := list[0]; d.Total != domain.HoursOf(90) || d.PublicMin != domain.HoursOf(30) ||
			d.ProfessionalMin != domain.HoursOf(42) || d.DailyCap != domain.HoursOf(8) || d.Version != 1 {
			t.Fatalf("default requirement: %+v", d)
		}
		next := domain.RequirementInput{Year: this + 1, Total: domain.HoursOf(96), PublicMin: domain.HoursOf(32),
			ProfessionalMin: domain.HoursOf(48), DailyCap: domain.HoursOf(8)}
		for name, ctx := range map[string]context.Context{"city authority": w.authority, "unit": w.unit, "person": w.person} {
			if _, err := w.reqs.CreateRequirement(ctx, next); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s creates: %v", name, err)
			}
			if _, err := w.reqs.UpdateRequirement(ctx, domain.RequirementInput{Year: this, Total: 180, PublicMin: 60,
				ProfessionalMin: 84, DailyCap: 16, Version: 1}); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s updates: %v", name, err)
			}
		}
		created, err := w.reqs.CreateRequirement(w.province, next)
		if err != nil || created.Version != 1 || created.Total != domain.HoursOf(96) {
			t.Fatalf("province creates: %+v %v", created, err)
		}
		_, err = w.reqs.CreateRequirement(w.admin, next)
		wantField(t, err, domain.CodeConflict, "year", "已设置")

		bad := next
		bad.Year, bad.PublicMin, bad.ProfessionalMin = this+1, domain.HoursOf(60), domain.HoursOf(42)
		_, err = w.reqs.CreateRequirement(w.province, bad)
		wantField(t, err, domain.CodeInvalid, "professional_min", "之和不能超过总学时")
		bad = next
		bad.Year = this + 2
		_, err = w.reqs.CreateRequirement(w.province, bad)
		wantField(t, err, domain.CodeInvalid, "year", "年度应在")

		up := domain.RequirementInput{Year: this, Total: domain.HoursOf(100), PublicMin: domain.HoursOf(30),
			ProfessionalMin: domain.HoursOf(50), DailyCap: domain.HoursOf(10), Version: 1}
		got, err := w.reqs.UpdateRequirement(w.admin, up)
		if err != nil || got.Version != 2 || got.Total != domain.HoursOf(100) || got.DailyCap != domain.HoursOf(10) {
			t.Fatalf("admin updates: %+v %v", got, err)
		}
		if _, err := w.reqs.UpdateRequirement(w.province, up); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(domain.ErrorMessage(err), "已被他人修改") {
			t.Fatalf("stale update: %v", err)
		}
		up.Year = 2001
		if _, err := w.reqs.UpdateRequirement(w.admin, up); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("update of a year without requirement: %v", err)
		}

		trail, err := store.NewHistoryService(db).History(w.authority, domain.EntityRequirement, int64(this))
		if err != nil || len(trail) != 1 {
			t.Fatalf("history: %+v %v", trail, err)
		}
		if e := trail[0]; e.ActorRole != domain.RoleAdmin || !strings.Contains(e.From, "总学时90") ||
			!strings.Contains(e.To, "总学时100") || !strings.Contains(e.To, "每日上限10") {
			t.Fatalf("audit entry: %+v", e)
		}
	})
}

// A year whose certificates were issued changes only once the editor has
// confirmed how many there are; they stay valid as issued.
func TestRequirementOfAYearWithCertificatesNeedsTheirNumberConfirmed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		list, err := w.reqs.Requirements(w.province)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			issued := count(t, db, `SELECT COUNT(*) FROM certificates WHERE year = $1 AND status = 'valid'`, r.Year)
			if issued == 0 {
				continue
			}
			up := domain.RequirementInput{Year: r.Year, Total: r.Total + domain.HoursOf(10), PublicMin: r.PublicMin,
				ProfessionalMin: r.ProfessionalMin, DailyCap: r.DailyCap, Version: r.Version}
			_, err := w.reqs.UpdateRequirement(w.province, up)
			wantField(t, err, domain.CodeConflict, "confirm_issued", strconv.Itoa(issued))
			if !strings.Contains(domain.ErrorMessage(err), fmt.Sprintf("已发放%d张有效的继续教育证书", issued)) ||
				!strings.Contains(domain.ErrorMessage(err), "仍按发放时的要求有效") {
				t.Fatalf("refusal %q", domain.ErrorMessage(err))
			}
			up.ConfirmIssued = issued + 1
			_, err = w.reqs.UpdateRequirement(w.province, up)
			wantCode(t, err, domain.CodeConflict)
			up.ConfirmIssued = issued
			got, err := w.reqs.UpdateRequirement(w.province, up)
			if err != nil || got.Total != r.Total+domain.HoursOf(10) {
				t.Fatalf("confirmed update: %+v %v", got, err)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM certificates WHERE year = $1 AND status = 'valid'`, r.Year); n != issued {
				t.Fatalf("%d certificates valid after the change, want %d", n, issued)
			}
			return
		}
		t.Fatal("no year of the demo has certificates")
	})
}

func TestPrintIsRefusedWithTheShortfallThenIssuesOneNumber(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		pid := w.addPerson(t, w.unitID, "赵短缺")
		w.addRecord(t, pid, w.unitID, domain.CategoryPublic, 40, w.year, domain.RecordEffective)       // 20
		w.addRecord(t, pid, w.unitID, domain.CategoryProfessional, 84, w.year, domain.RecordEffective) // 42
		w.addRecord(t, pid, w.unitID, domain.CategoryElective, 21, w.year, domain.RecordEffective)     // 10.5
		// Not effective, or another year: never counted.
		w.addRecord(t, pid, w.unitID, domain.CategoryPublic, 100, w.year, domain.RecordSubmitted)
		w.addRecord(t, pid, w.unitID, domain.CategoryPublic, 100, w.year, domain.RecordRejected)
		w.addRecord(t, pid, w.unitID, domain.CategoryPublic, 100, w.year-1, domain.RecordEffective)

		_, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		de := wantCode(t, err, domain.CodeConflict)
		if !strings.Contains(de.Message, "公需科目还差10学时，总学时还差17.5学时") ||
			de.Fields[domain.CategoryPublic] != "还差10学时" || de.Fields[domain.ShortfallTotal] != "还差17.5学时" ||
			de.Fields[domain.CategoryProfessional] != "" {
			t.Fatalf("shortfall: %+v", de)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM certificates WHERE person_id = $1`, pid); n != 0 {
			t.Fatalf("%d certificates after a refusal", n)
		}

		w.addRecord(t, pid, w.unitID, domain.CategoryPublic, 35, w.year, domain.RecordEffective) // public 37.5, total 90
		c, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.Number, "GD"+strconv.Itoa(w.year)+"440106") || len(c.Number) != 18 ||
			len(c.VerificationCode) != domain.VerificationCodeLength || c.Status != domain.CertificateValid {
			t.Fatalf("certificate: %+v", c)
		}
		if c.Name != "赵短缺" || c.UnitName != "广州市天河区示范科技有限公司" || c.Issuer != "广州市人力资源和社会保障局" ||
			c.Public != 75 || c.Professional != 84 || c.Elective != 21 || c.Total != 180 || c.IssuedBy == "" {
			t.Fatalf("certified copy: %+v", c)
		}
		again, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		if err != nil || again.Number != c.Number || again.ID != c.ID {
			t.Fatalf("second print must reuse the number: %+v %v", again, err)
		}
		trail, err := store.NewHistoryService(db).History(w.unit, domain.EntityCertificate, c.ID)
		if err != nil || len(trail) != 1 || trail[0].To != "valid" || !strings.Contains(trail[0].Comment, c.Number) {
			t.Fatalf("history: %+v %v", trail, err)
		}

		v, err := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: strings.ToLower(c.Number[:9]) + "-" + c.Number[9:],
			Code: " " + strings.ToLower(c.VerificationCode)})
		if err != nil || v.Status != domain.CertificateValid || v.Name != "赵短缺" || v.Total != 180 ||
			v.MaskedID != c.IDNumber[:6]+"********"+c.IDNumber[14:] || v.Year != w.year {
			t.Fatalf("verify: %+v %v", v, err)
		}
		wrong := "22222222"
		if c.VerificationCode == wrong {
			wrong = "33333333"
		}
		_, errCode := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: c.Number, Code: wrong})
		_, errNumber := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: "GD2000440106999999", Code: c.VerificationCode})
		if domain.ErrorCode(errCode) != domain.CodeNotFound || domain.ErrorMessage(errCode) != domain.ErrorMessage(errNumber) {
			t.Fatalf("a wrong code and a wrong number must answer alike: %v / %v", errCode, errNumber)
		}
		_, err = w.certs.Verify(t.Context(), domain.VerifyRequest{Number: "GD12", Code: ""})
		wantField(t, err, domain.CodeInvalid, "number", "18位")
	})
}

func TestRegenerateVoidsTheOldNumberForGood(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		pid := w.addPerson(t, w.unitID, "钱重打")
		w.qualify(t, pid, w.unitID, w.year)
		old, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.certs.Regenerate(w.unit, domain.RegenerateRequest{CertificateID: old.ID, Version: old.Version, Reason: "  "})
		wantField(t, err, domain.CodeInvalid, "reason", "作废原因")
		_, err = w.certs.Regenerate(w.unit, domain.RegenerateRequest{CertificateID: old.ID, Version: old.Version + 1, Reason: "姓名有误"})
		wantCode(t, err, domain.CodeConflict)

		fresh, err := w.certs.Regenerate(w.unit, domain.RegenerateRequest{CertificateID: old.ID, Version: old.Version, Reason: "姓名有误"})
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Number == old.Number || fresh.Status != domain.CertificateValid || fresh.Number[:12] != old.Number[:12] {
			t.Fatalf("new number: old %s new %+v", old.Number, fresh)
		}
		oldSeq, _ := strconv.Atoi(old.Number[12:])
		newSeq, _ := strconv.Atoi(fresh.Number[12:])
		if newSeq <= oldSeq {
			t.Fatalf("sequence went back: %d after %d", newSeq, oldSeq)
		}
		hist, err := w.certs.CertificateHistory(w.unit, domain.CertificateHistoryRequest{PersonID: pid, Year: w.year})
		if err != nil || len(hist) != 2 || hist[0].ID != fresh.ID {
			t.Fatalf("history: %+v %v", hist, err)
		}
		voided := hist[1]
		if voided.Status != domain.CertificateVoided || voided.VoidReason != "姓名有误" || voided.VoidedAt == nil ||
			voided.VoidedBy == "" || voided.ReplacedBy != fresh.Number {
			t.Fatalf("voided: %+v", voided)
		}
		if v, err := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: old.Number, Code: old.VerificationCode}); err != nil ||
			v.Status != domain.CertificateVoided || v.VoidedAt == nil {
			t.Fatalf("old number verifies as: %+v %v", v, err)
		}
		if v, err := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: fresh.Number, Code: fresh.VerificationCode}); err != nil ||
			v.Status != domain.CertificateValid {
			t.Fatalf("new number verifies as: %+v %v", v, err)
		}
		_, err = w.certs.Regenerate(w.unit, domain.RegenerateRequest{CertificateID: old.ID, Version: voided.Version, Reason: "再次"})
		wantCode(t, err, domain.CodeConflict)
		if _, err := w.certs.CertificatePDF(w.unit, []int64{old.ID}); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("PDF of a voided certificate: %v", err)
		}
		trail, err := store.NewHistoryService(db).History(w.unit, domain.EntityCertificate, old.ID)
		if err != nil || len(trail) != 2 || trail[1].From != "valid" || trail[1].To != "voided" ||
			!strings.Contains(trail[1].Comment, "姓名有误") || !strings.Contains(trail[1].Comment, fresh.Number) {
			t.Fatalf("audit of the voided certificate: %+v %v", trail, err)
		}

		// A stricter requirement refuses regeneration, and the valid
		// certificate stays valid.
		req, err := w.reqs.Requirements(w.admin)
		if err != nil {
			t.Fatal(err)
		}
		var version int64
		for _, r := range req {
			if r.Year == w.year {
				version = r.Version
			}
		}
		if _, err := w.reqs.UpdateRequirement(w.admin, domain.RequirementInput{Year: w.year, Total: domain.HoursOf(100),
			PublicMin: domain.HoursOf(30), ProfessionalMin: domain.HoursOf(42), DailyCap: domain.HoursOf(8), Version: version, ConfirmIssued: 3}); err != nil {
			t.Fatal(err)
		}
		_, err = w.certs.Regenerate(w.unit, domain.RegenerateRequest{CertificateID: fresh.ID, Version: fresh.Version, Reason: "单位名称有误"})
		if de := wantCode(t, err, domain.CodeConflict); !strings.Contains(de.Message, "总学时还差10学时") {
			t.Fatalf("refusal: %v", de)
		}
		if v, _ := w.certs.Verify(t.Context(), domain.VerifyRequest{Number: fresh.Number, Code: fresh.VerificationCode}); v.Status != domain.CertificateValid {
			t.Fatalf("a refused regeneration voided the certificate: %+v", v)
		}
	})
}

func TestCertificatesStayWithinTheTenant(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		mine := w.addPerson(t, w.unitID, "孙本单位")
		w.qualify(t, mine, w.unitID, w.year)
		c, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: mine, Year: w.year})
		if err != nil {
			t.Fatal(err)
		}
		theirs := w.addPerson(t, w.otherUnitID, "李外单位")
		w.qualify(t, theirs, w.otherUnitID, w.year)

		// The other unit cannot touch demo-unit's person or certificate.
		_, err = w.certs.Print(w.otherUnit, domain.PrintRequest{PersonID: mine, Year: w.year})
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.certs.Regenerate(w.otherUnit, domain.RegenerateRequest{CertificateID: c.ID, Version: c.Version, Reason: "越权"})
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.certs.CertificateHistory(w.otherUnit, domain.CertificateHistoryRequest{PersonID: mine, Year: w.year})
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.certs.CertificatePDF(w.otherUnit, []int64{c.ID})
		wantCode(t, err, domain.CodeNotFound)
		_, err = w.certs.Recount(w.otherUnit, domain.RecountRequest{Year: w.year, PersonID: mine})
		wantCode(t, err, domain.CodeNotFound)
		_, err = store.NewHistoryService(db).History(w.otherUnit, domain.EntityCertificate, c.ID)
		wantCode(t, err, domain.CodeNotFound)
		list, err := w.certs.ListCertificates(w.otherUnit, domain.CertificateQuery{Year: w.year})
		if err != nil || list.Rows.Total != 1 || list.Rows.Items[0].PersonID != theirs {
			t.Fatalf("other unit's list: %+v %v", list.Rows, err)
		}
		// Its numbers carry its own region.
		oc, err := w.certs.Print(w.otherUnit, domain.PrintRequest{PersonID: theirs, Year: w.year})
		if err != nil || oc.Number != "GD"+strconv.Itoa(w.year)+"440600000001" || oc.Issuer != "佛山市人力资源和社会保障局" {
			t.Fatalf("other unit's certificate: %+v %v", oc, err)
		}

		// A pending claim is not the unit's person yet.
		var pending int64
		if err := db.QueryRow(t.Context(), `SELECT id FROM persons WHERE name = '邓家乐'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		_, err = w.certs.Print(w.unit, domain.PrintRequest{PersonID: pending, Year: w.year})
		wantCode(t, err, domain.CodeNotFound)

		// Other roles: printing is a unit's; a person reads only its own.
		for name, ctx := range map[string]context.Context{"person": w.person, "authority": w.authority, "admin": w.admin} {
			if _, err := w.certs.Print(ctx, domain.PrintRequest{PersonID: mine, Year: w.year}); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s prints: %v", name, err)
			}
			if _, err := w.certs.ListCertificates(ctx, domain.CertificateQuery{Year: w.year}); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s lists: %v", name, err)
			}
		}
		if _, err := w.certs.CertificatePDF(w.person, []int64{c.ID}); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("a person draws another's certificate: %v", err)
		}
		if _, err := w.certs.CertificatePDF(w.authority, []int64{c.ID}); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("an authority draws a certificate: %v", err)
		}
		if _, err := w.certs.MyCertificates(w.unit); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("a unit asks for its own certificates: %v", err)
		}
		// The authority of the issuing region reads the history; another
		// city's does not exist for it.
		if _, err := store.NewHistoryService(db).History(w.authority, domain.EntityCertificate, c.ID); err != nil {
			t.Fatalf("guangzhou authority reads history: %v", err)
		}
		if _, err := store.NewHistoryService(db).History(w.authority, domain.EntityCertificate, oc.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("guangzhou authority reads foshan's certificate: %v", err)
		}
	})
}

func TestDemoPersonSeesAndDrawsOwnCertificates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		mine, err := w.certs.MyCertificates(w.person)
		if err != nil || len(mine) != 1 || mine[0].Name != "陈志明" || mine[0].Year != w.year || mine[0].Status != domain.CertificateValid {
			t.Fatalf("demo person's certificates: %+v %v", mine, err)
		}
		if _, err := w.certs.CertificatePDF(w.person, []int64{mine[0].ID}); err != nil {
			t.Fatal(err)
		}
		if got := w.pdf.drawn[len(w.pdf.drawn)-1]; len(got) != 1 || got[0].Number != mine[0].Number {
			t.Fatalf("drawn: %+v", got)
		}
		// The seed: 王建华 was regenerated once, 李晓红 is ready to print.
		list, err := w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]domain.CertificateRow{}
		for _, r := range list.Rows.Items {
			rows[r.Name] = r
		}
		if r := rows["王建华"]; !r.Met || r.Certificate == nil || r.Voided != 1 {
			t.Fatalf("王建华: %+v", r)
		}
		if r := rows["李晓红"]; !r.Met || r.Certificate != nil {
			t.Fatalf("李晓红: %+v", r)
		}
		if r := rows["陈志明"]; !r.Met || r.Certificate == nil || r.Certificate.Number != mine[0].Number {
			t.Fatalf("陈志明: %+v", r)
		}
		c, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: rows["李晓红"].PersonID, Year: w.year})
		if err != nil || c.Number[12:] != "000004" {
			t.Fatalf("next demo number: %+v %v", c, err)
		}
	})
}

func TestPrintNeedsARendererBeforeANumberIsDrawn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		pid := w.addPerson(t, w.unitID, "周无字体")
		w.qualify(t, pid, w.unitID, w.year)
		before := count(t, db, `SELECT COALESCE(SUM(last_seq), 0) FROM certificate_counters`)
		w.pdf.err = domain.Errorf(domain.CodeUnavailable, "服务器未安装中文字体")
		_, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		wantCode(t, err, domain.CodeUnavailable)
		_, err = w.certs.PrintBatch(w.unit, domain.BatchPrintRequest{Year: w.year, PersonIDs: []int64{pid}})
		wantCode(t, err, domain.CodeUnavailable)
		if after := count(t, db, `SELECT COALESCE(SUM(last_seq), 0) FROM certificate_counters`); after != before {
			t.Fatalf("numbers drawn without a renderer: %d → %d", before, after)
		}
	})
}

// A name the certificate font cannot show is refused at 打印, naming the
// character, before a number is drawn; a batch lists the person as refused.
func TestPrintRefusesAnUnprintableNameBeforeANumberIsDrawn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		rare := w.addPerson(t, w.unitID, "吉𠮷")
		plain := w.addPerson(t, w.unitID, "吉祥")
		w.qualify(t, rare, w.unitID, w.year)
		w.qualify(t, plain, w.unitID, w.year)
		before := count(t, db, `SELECT COALESCE(SUM(last_seq), 0) FROM certificate_counters`)
		_, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: rare, Year: w.year})
		wantCode(t, err, domain.CodeInvalid)
		if !strings.Contains(err.Error(), "𠮷") {
			t.Fatalf("message does not name the character: %v", err)
		}
		if after := count(t, db, `SELECT COALESCE(SUM(last_seq), 0) FROM certificate_counters`); after != before {
			t.Fatalf("a number was drawn for an unprintable name: %d → %d", before, after)
		}
		res, err := w.certs.PrintBatch(w.unit, domain.BatchPrintRequest{Year: w.year, PersonIDs: []int64{rare, plain}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Issued) != 1 || res.Issued[0].PersonID != plain || len(res.Refused) != 1 ||
			res.Refused[0].PersonID != rare || res.Refused[0].Name != "吉𠮷" || !strings.Contains(res.Refused[0].Message, "𠮷") {
			t.Fatalf("batch: %+v", res)
		}
	})
}

func TestBatchPrintIssuesTheQualifiedAndNamesTheRest(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		a := w.addPerson(t, w.unitID, "甲合格")
		b := w.addPerson(t, w.unitID, "乙不足")
		foreign := w.addPerson(t, w.otherUnitID, "丙外单位")
		w.qualify(t, a, w.unitID, w.year)
		w.addRecord(t, b, w.unitID, domain.CategoryProfessional, 84, w.year, domain.RecordEffective)
		res, err := w.certs.PrintBatch(w.unit, domain.BatchPrintRequest{Year: w.year, PersonIDs: []int64{a, b, foreign, a}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Issued) != 1 || res.Issued[0].PersonID != a || len(res.Refused) != 2 {
			t.Fatalf("batch: %+v", res)
		}
		short := res.Refused[0]
		if short.PersonID != b || short.Name != "乙不足" || len(short.Shortfalls) != 2 ||
			short.Shortfalls[0] != (domain.Shortfall{Category: domain.CategoryPublic, Missing: domain.HoursOf(30)}) ||
			short.Shortfalls[1] != (domain.Shortfall{Category: domain.ShortfallTotal, Missing: domain.HoursOf(48)}) {
			t.Fatalf("refusal: %+v", short)
		}
		if f := res.Refused[1]; f.PersonID != foreign || f.Name != "" {
			t.Fatalf("a foreign person must be refused without a name: %+v", f)
		}
		_, err = w.certs.PrintBatch(w.unit, domain.BatchPrintRequest{Year: w.year})
		wantField(t, err, domain.CodeInvalid, "person_ids", "请勾选")
		many := make([]int64, domain.MaxBatchPrint+1)
		_, err = w.certs.PrintBatch(w.unit, domain.BatchPrintRequest{Year: w.year, PersonIDs: many})
		wantField(t, err, domain.CodeInvalid, "person_ids", "最多")
		_, err = w.certs.Print(w.unit, domain.PrintRequest{PersonID: a, Year: w.year + 2})
		wantField(t, err, domain.CodeInvalid, "year", "年度应在")

		pdf, err := w.certs.CertificatePDF(w.unit, []int64{res.Issued[0].ID})
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("pdf: %q %v", pdf, err)
		}
		if _, err := w.certs.CertificatePDF(w.unit, nil); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("no ids: %v", err)
		}
	})
}

func TestFiftyConcurrentPrintsDrawDistinctNumbers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		const n = 50
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = w.addPerson(t, w.unitID, fmt.Sprintf("并发%02d", i))
			w.qualify(t, ids[i], w.unitID, w.year)
		}
		numbers := make([]string, 2*n)
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := 0; i < 2*n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half print fifty different persons, half the same one.
				pid := ids[0]
				if i < n {
					pid = ids[i]
				}
				c, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
				numbers[i], errs[i] = c.Number, err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("print %d: %v", i, err)
			}
		}
		seen := map[string]bool{}
		for _, num := range numbers[:n] {
			if seen[num] {
				t.Fatalf("number %s issued twice", num)
			}
			seen[num] = true
		}
		for _, num := range numbers[n:] {
			if num != numbers[0] {
				t.Fatalf("one person got two numbers: %s and %s", numbers[0], num)
			}
		}
		if c := count(t, db, `SELECT COUNT(*) FROM certificates WHERE person_id = $1`, ids[0]); c != 1 {
			t.Fatalf("%d certificates of one person", c)
		}
		// Every valid number of the region and year, the demo's included,
		// is distinct, and no draw was lost: the demo issued three numbers
		// (one voided), the prints fifty more. Draws of prints that found
		// the certificate issued meanwhile were rolled back.
		var seqs []int
		list, err := w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, State: domain.StateIssued,
			PageRequest: domain.PageRequest{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.Rows.Items {
			s, _ := strconv.Atoi(r.Certificate.Number[12:])
			seqs = append(seqs, s)
		}
		sort.Ints(seqs)
		if len(seqs) != n+2 {
			t.Fatalf("%d issued, want %d", len(seqs), n+2)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] == seqs[i-1] {
				t.Fatalf("sequence %d twice", seqs[i])
			}
		}
		if last := seqs[len(seqs)-1]; last != n+3 {
			t.Fatalf("last sequence %d, want %d", last, n+3)
		}
	})
}

// model is what the statistics must say: effective half-hours by person,
// year and category, kept by the test beside the random operations.
type model map[int64]map[int]map[string]int

func (m model) add(pid int64, year int, category string, h int) {
	if m[pid] == nil {
		m[pid] = map[int]map[string]int{}
	}
	if m[pid][year] == nil {
		m[pid][year] = map[string]int{}
	}
	m[pid][year][category] += h
}

func TestStatisticsAlwaysEqualARecountFromScratch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		rng := rand.New(rand.NewSource(7))
		var persons []int64
		for i := 0; i < 6; i++ {
			persons = append(persons, w.addPerson(t, w.unitID, fmt.Sprintf("统计%d", i)))
		}
		categories := []string{domain.CategoryPublic, domain.CategoryProfessional, domain.CategoryElective}
		type rec struct {
			id, pid  int64
			year, hh int
			category string
			status   domain.RecordStatus
		}
		var pending []rec
		want := model{}
		check := func(round int) {
			t.Helper()
			list, err := w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, PageRequest: domain.PageRequest{Limit: 200}})
			if err != nil {
				t.Fatal(err)
			}
			listed := map[int64]domain.YearHours{}
			for _, r := range list.Rows.Items {
				listed[r.PersonID] = r.Hours
			}
			met := map[int64]bool{}
			for _, state := range []domain.CertificateState{domain.StateMet, domain.StateShort} {
				page, err := w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, State: state, PageRequest: domain.PageRequest{Limit: 200}})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Rows.Items {
					if r.Met != (state == domain.StateMet) {
						t.Fatalf("round %d: %s filter lists %+v", round, state, r)
					}
					met[r.PersonID] = r.Met
				}
			}
			for _, pid := range persons {
				rc, err := w.certs.Recount(w.unit, domain.RecountRequest{Year: w.year, PersonID: pid})
				if err != nil {
					t.Fatal(err)
				}
				got := rc.Rows[0].Hours
				m := want[pid][w.year]
				exp := domain.YearHours{Year: w.year, Public: domain.Hours(m[domain.CategoryPublic]),
					Professional: domain.Hours(m[domain.CategoryProfessional]), Elective: domain.Hours(m[domain.CategoryElective])}
				exp.Total = exp.Public + exp.Professional + exp.Elective
				for name, h := range map[string]domain.YearHours{"list": listed[pid], "recount": got} {
					if h.Public != exp.Public || h.Professional != exp.Professional || h.Elective != exp.Elective || h.Total != exp.Total {
						t.Fatalf("round %d person %d: %s says %+v, records say %+v", round, pid, name, h, exp)
					}
				}
				if met[pid] != rc.Rows[0].Met || listed[pid].Met() != rc.Rows[0].Met {
					t.Fatalf("round %d person %d: met differs between filter, list and recount", round, pid)
				}
			}
		}
		for round := 0; round < 12; round++ {
			for op := 0; op < 8; op++ {
				pid := persons[rng.Intn(len(persons))]
				year := w.year - rng.Intn(2)
				category := categories[rng.Intn(3)]
				hh := 1 + rng.Intn(40)
				switch k := rng.Intn(4); {
				case k == 0 && len(pending) > 0:
					// A pending record is decided: approved or confirmed
					// (effective), rejected, or returned.
					i := rng.Intn(len(pending))
					r := pending[i]
					pending = append(pending[:i], pending[i+1:]...)
					to := []domain.RecordStatus{domain.RecordEffective, domain.RecordRejected, domain.RecordReturned}[rng.Intn(3)]
					if err := db.Exec(t.Context(), `UPDATE records SET status = $1 WHERE id = $2`, string(to), r.id); err != nil {
						t.Fatal(err)
					}
					if to == domain.RecordEffective {
						want.add(r.pid, r.year, r.category, r.hh)
					}
				case k == 1:
					status := []domain.RecordStatus{domain.RecordDraft, domain.RecordSubmitted}[rng.Intn(2)]
					id := w.addRecord(t, pid, w.unitID, category, hh, year, status)
					pending = append(pending, rec{id: id, pid: pid, year: year, hh: hh, category: category, status: status})
				default:
					w.addRecord(t, pid, w.unitID, category, hh, year, domain.RecordEffective)
					want.add(pid, year, category, hh)
				}
			}
			check(round)
		}
	})
}

func TestRecountWalksTheUnitInBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		pid := w.addPerson(t, w.unitID, "吴对比")
		w.qualify(t, pid, w.unitID, w.year)
		c, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: pid, Year: w.year})
		if err != nil {
			t.Fatal(err)
		}
		// Hours confirmed after printing: the certificate no longer
		// matches the records.
		w.addRecord(t, pid, w.unitID, domain.CategoryElective, 4, w.year, domain.RecordEffective)
		total := count(t, db, `SELECT COUNT(*) FROM persons WHERE unit_id = $1 AND status = 'confirmed'`, w.unitID)
		seen := map[int64]bool{}
		var after int64
		met, short, mismatched, calls := 0, 0, 0, 0
		for {
			calls++
			res, err := w.certs.Recount(w.unit, domain.RecountRequest{Year: w.year, AfterID: after, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != total {
				t.Fatalf("total %d, want %d", res.Total, total)
			}
			for _, r := range res.Rows {
				if seen[r.PersonID] || r.PersonID <= after {
					t.Fatalf("person %d counted twice or out of order", r.PersonID)
				}
				seen[r.PersonID] = true
			}
			met, short, mismatched = met+res.Met, short+res.Short, mismatched+res.Mismatched
			after = res.NextAfterID
			if res.Done {
				break
			}
			if calls > total {
				t.Fatal("recount never finishes")
			}
		}
		if len(seen) != total || met+short != total || calls != total/7+1 {
			t.Fatalf("recount covered %d of %d (met %d short %d) in %d calls", len(seen), total, met, short, calls)
		}
		if mismatched != 1 {
			t.Fatalf("%d mismatched certificates, want 1 (%s)", mismatched, c.Number)
		}
	})
}

func TestListFiltersByNameIDNumberAndState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCertWorld(t, db)
		a := w.addPerson(t, w.unitID, "欧阳筛选")
		w.qualify(t, a, w.unitID, w.year)
		var idNumber string
		if err := db.QueryRow(t.Context(), `SELECT id_number FROM persons WHERE id = $1`, a).Scan(&idNumber); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q    domain.CertificateQuery
			want int
		}{
			{domain.CertificateQuery{Name: "欧阳"}, 1},
			{domain.CertificateQuery{IDNumber: idNumber}, 1},
			{domain.CertificateQuery{IDNumber: idNumber[:12]}, 1},
			{domain.CertificateQuery{Name: "欧阳", State: domain.StateUnissued}, 1},
			{domain.CertificateQuery{Name: "欧阳", State: domain.StateShort}, 0},
			{domain.CertificateQuery{Name: "%"}, 0},
		} {
			c.q.Year = w.year
			list, err := w.certs.ListCertificates(w.unit, c.q)
			if err != nil || list.Rows.Total != c.want || len(list.Rows.Items) != c.want {
				t.Fatalf("%+v: %d rows (%v), want %d", c.q, list.Rows.Total, err, c.want)
			}
		}
		if _, err := w.certs.Print(w.unit, domain.PrintRequest{PersonID: a, Year: w.year}); err != nil {
			t.Fatal(err)
		}
		list, err := w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, Name: "欧阳", State: domain.StateIssued})
		if err != nil || list.Rows.Total != 1 || list.Rows.Items[0].Certificate == nil {
			t.Fatalf("issued filter: %+v %v", list.Rows, err)
		}
		_, err = w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: w.year, State: "bogus"})
		wantField(t, err, domain.CodeInvalid, "state", "筛选")
		// A year without a requirement row is measured against SPEC's default.
		list, err = w.certs.ListCertificates(w.unit, domain.CertificateQuery{Year: 2001})
		if err != nil || list.Requirement.Version != 0 || list.Requirement.Total != domain.HoursOf(90) {
			t.Fatalf("default requirement: %+v %v", list.Requirement, err)
		}
	})
}
