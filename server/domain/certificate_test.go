package domain

import (
	"reflect"
	"strings"
	"testing"
)

func TestShortfallsByPart(t *testing.T) {
	req := Requirement{Total: HoursOf(90), PublicMin: HoursOf(30), ProfessionalMin: HoursOf(42)}
	for _, c := range []struct {
		name                         string
		public, professional, extras Hours
		want                         []Shortfall
		text                         string
	}{
		{"met exactly", HoursOf(30), HoursOf(42), HoursOf(18), nil, ""},
		{"elective fills only the total", HoursOf(30), HoursOf(42), HoursOf(10),
			[]Shortfall{{ShortfallTotal, HoursOf(8)}}, "总学时还差8学时"},
		{"public beyond its minimum does not make up professional", HoursOf(60), HoursOf(41), 0,
			[]Shortfall{{CategoryProfessional, HoursOf(1)}}, "专业科目还差1学时"},
		{"every part short, half hours", 41, HoursOf(42), 0,
			[]Shortfall{{CategoryPublic, 19}, {ShortfallTotal, 55}}, "公需科目还差9.5学时，总学时还差27.5学时"},
		{"nothing at all", 0, 0, 0,
			[]Shortfall{{CategoryPublic, HoursOf(30)}, {CategoryProfessional, HoursOf(42)}, {ShortfallTotal, HoursOf(90)}},
			"公需科目还差30学时，专业科目还差42学时，总学时还差90学时"},
	} {
		var y YearHours
		y.Add(CategoryPublic, c.public)
		y.Add(CategoryProfessional, c.professional)
		y.Add(CategoryElective, c.extras)
		y = y.WithRequirement(req)
		got := y.Shortfalls()
		if !reflect.DeepEqual(got, c.want) || ShortfallText(got) != c.text || y.Met() != (len(c.want) == 0) {
			t.Errorf("%s: %+v %q (met %v), want %+v %q", c.name, got, ShortfallText(got), y.Met(), c.want, c.text)
		}
	}
}

func TestShortfallErrorNamesEveryPart(t *testing.T) {
	err := ShortfallError(2025, []Shortfall{{CategoryPublic, 19}, {ShortfallTotal, HoursOf(10)}})
	if err.Code != CodeConflict || !strings.Contains(err.Message, "未达到2025年度学时要求") ||
		!strings.Contains(err.Message, "公需科目还差9.5学时，总学时还差10学时") ||
		err.Fields[CategoryPublic] != "还差9.5学时" || err.Fields[ShortfallTotal] != "还差10学时" || len(err.Fields) != 2 {
		t.Fatalf("%+v", err)
	}
}

func TestRequirementInputValidation(t *testing.T) {
	ok := RequirementInput{Year: 2026, Total: HoursOf(90), PublicMin: HoursOf(30), ProfessionalMin: HoursOf(42), DailyCap: HoursOf(8)}
	if err := ok.Validate(2026); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit  func(*RequirementInput)
		field string
	}{
		{func(r *RequirementInput) { r.Year = 1999 }, "year"},
		{func(r *RequirementInput) { r.Year = 2028 }, "year"},
		{func(r *RequirementInput) { r.Total = 0 }, "total"},
		{func(r *RequirementInput) { r.Total = HoursOf(1001) }, "total"},
		{func(r *RequirementInput) { r.PublicMin = -1 }, "public_min"},
		{func(r *RequirementInput) { r.PublicMin = HoursOf(91) }, "public_min"},
		{func(r *RequirementInput) { r.ProfessionalMin = HoursOf(61) }, "professional_min"},
		{func(r *RequirementInput) { r.DailyCap = 0 }, "daily_cap"},
		{func(r *RequirementInput) { r.DailyCap = HoursOf(25) }, "daily_cap"},
	} {
		in := ok
		c.edit(&in)
		if FieldErrorsOf(in.Validate(2026))[c.field] == "" {
			t.Errorf("%+v: no error at %s", in, c.field)
		}
	}
	next := ok
	next.Year = 2027
	if err := next.Validate(2026); err != nil {
		t.Fatalf("next year may be set ahead: %v", err)
	}
}

func TestCertificateNumbersAndCodes(t *testing.T) {
	n, ok := FormatCertificateNumber(2025, "440106", 123)
	if !ok || n != "GD2025440106000123" || len(n) != 18 {
		t.Fatalf("%q %v", n, ok)
	}
	for _, seq := range []int{0, 1000000} {
		if _, ok := FormatCertificateNumber(2025, "440106", seq); ok {
			t.Errorf("sequence %d fits six digits", seq)
		}
	}
	if got := NormalizeCertificateNumber(" gd2025-4401０6-000123 "); got != "GD2025440106000123" {
		t.Errorf("normalised number %q", got)
	}
	if got := NormalizeVerificationCode("k7q2 m9xp"); got != "K7Q2M9XP" {
		t.Errorf("normalised code %q", got)
	}
	for _, r := range "0O1I" {
		if strings.ContainsRune(VerificationAlphabet, r) {
			t.Errorf("alphabet holds look-alike %q", r)
		}
	}
	if len(VerificationAlphabet) != 32 {
		t.Errorf("alphabet of %d letters: codes would be biased", len(VerificationAlphabet))
	}
	if got := MaskIDNumber("440106199003072517"); got != "440106********2517" {
		t.Errorf("masked %q", got)
	}
	if got := MaskIDNumber("abc"); got != "***" {
		t.Errorf("masked short %q", got)
	}
}

func TestVerifyRequestShapes(t *testing.T) {
	v := VerifyRequest{Number: "gd2025440106000123", Code: "k7q2-m9xp"}
	if err := v.Validate(); err != nil || v.Number != "GD2025440106000123" || v.Code != "K7Q2M9XP" {
		t.Fatalf("%+v %v", v, err)
	}
	for _, bad := range []VerifyRequest{{}, {Number: "GD2025", Code: "K7Q2M9XP"}, {Number: "XX2025440106000123", Code: "K7Q2M9XP"},
		{Number: "GD2025440106000123", Code: "K7Q"}} {
		if err := bad.Validate(); ErrorCode(err) != CodeInvalid {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestCertificateQueryAndYears(t *testing.T) {
	q := CertificateQuery{Year: 2025, State: "bogus"}
	if FieldErrorsOf(q.Validate(2026))["state"] == "" {
		t.Fatal("unknown state accepted")
	}
	q = CertificateQuery{Year: 2027}
	if FieldErrorsOf(q.Validate(2026))["year"] == "" {
		t.Fatal("future year accepted")
	}
	q = CertificateQuery{Year: 2026, IDNumber: " 44010619900307251x ", Name: " 陈 "}
	if err := q.Validate(2026); err != nil || q.IDNumber != "44010619900307251X" || q.Name != "陈" {
		t.Fatalf("%+v %v", q, err)
	}
	for i, s := range CertificateStates {
		if s.Label() == string(s) && s != StateAll {
			t.Errorf("state %d has no label", i)
		}
	}
	r := RegenerateRequest{Reason: "  "}
	if FieldErrorsOf(r.Validate())["reason"] == "" {
		t.Fatal("blank reason accepted")
	}
	if FieldErrorsOf(BatchPrintRequest{}.Validate())["person_ids"] == "" ||
		FieldErrorsOf(BatchPrintRequest{PersonIDs: make([]int64, MaxBatchPrint+1)}.Validate())["person_ids"] == "" {
		t.Fatal("batch size unchecked")
	}
}
