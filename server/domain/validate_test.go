package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// withCheck completes a 17-digit body with its correct check character.
func withCheck(body string) string { return body + string(IDCheckChar(body)) }

func TestParseIDNumber(t *testing.T) {
	tests := []struct {
		name, in, wantNum, wantGender, wantBirth, wantErr string
	}{
		{"spec vector X", "11010519491231002X", "11010519491231002X", "女", "1949-12-31", ""},
		{"spec vector digit", "440106199003072517", "440106199003072517", "男", "1990-03-07", ""},
		{"lowercase x normalised", "11010519491231002x", "11010519491231002X", "女", "1949-12-31", ""},
		{"surrounding spaces", " 440106199003072517 ", "440106199003072517", "男", "1990-03-07", ""},
		{"leap day 2000", withCheck("44010620000229123"), "", "", "2000-02-29", ""},
		{"29 Feb in a common year", withCheck("44010620230229123"), "", "", "", "身份证号中的出生日期无效"},
		{"29 Feb 1900 is not a leap day", withCheck("44010619000229123"), "", "", "", "身份证号中的出生日期无效"},
		{"future birth date", withCheck("44010620301201123"), "", "", "", "身份证号中的出生日期晚于今天"},
		{"wrong check digit", "440106199003072518", "", "", "", "身份证号校验位不正确"},
		{"17 chars", "44010619900307251", "", "", "", "身份证号应为18位"},
		{"letter inside", "4401061990030725A7", "", "", "", "身份证号前17位应为数字"},
		{"bad last char", "44010619900307251Y", "", "", "", "身份证号末位应为数字或X"},
		{"empty", "", "", "", "", "请填写身份证号"},
		{"full-width digits are not ASCII", "４40106199003072517", "", "", "", "身份证号应为18位"},
		{"month 13", withCheck("44010619901301123"), "", "", "", "身份证号中的出生日期无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, msg := ParseIDNumber(tt.in, today)
			if msg != tt.wantErr {
				t.Fatalf("message = %q, want %q", msg, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			if tt.wantNum != "" && info.Number != tt.wantNum {
				t.Errorf("number = %q, want %q", info.Number, tt.wantNum)
			}
			if tt.wantGender != "" && info.Gender != tt.wantGender {
				t.Errorf("gender = %q, want %q", info.Gender, tt.wantGender)
			}
			if got := info.Birth.Format(DateLayout); got != tt.wantBirth {
				t.Errorf("birth = %s, want %s", got, tt.wantBirth)
			}
		})
	}
}

func TestIDNumberBornToday(t *testing.T) {
	id := withCheck("440106" + today.Format("20060102") + "123")
	if _, msg := ParseIDNumber(id, today); msg != "" {
		t.Fatalf("born today refused: %s", msg)
	}
}

// usccWithCheckZero finds a code whose check character is '0', the trap of
// the formula's (31 − Σ mod 31) mod 31 when Σ mod 31 is 0.
func usccWithCheckZero(t *testing.T) string {
	for i := 0; i < 100000; i++ {
		body := fmt.Sprintf("9144010%010d", i)
		if USCCCheckChar(body) == '0' {
			return body + "0"
		}
	}
	t.Fatal("no code with check 0 found")
	return ""
}

func TestCheckUSCC(t *testing.T) {
	zero := usccWithCheckZero(t)
	tests := []struct{ name, in, want string }{
		{"spec vector 1", "91350100M000100Y43", ""},
		{"spec vector 2", "91440101MA5911110H", ""},
		{"check char 0", zero, ""},
		{"check char 0 miswritten as O", zero[:17] + "O", "统一社会信用代码含无效字符（不使用 I、O、S、V、Z）"},
		{"wrong check", "91440101MA5911110J", "统一社会信用代码校验位不正确"},
		{"too short", "91440101MA591111", "统一社会信用代码应为18位"},
		{"empty", "", "请填写统一社会信用代码"},
	}
	for _, c := range "IOSVZ" {
		tests = append(tests, struct{ name, in, want string }{"forbidden " + string(c), "91440101" + string(c) + "A5911110H", "统一社会信用代码含无效字符（不使用 I、O、S、V、Z）"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckUSCC(tt.in); got != tt.want {
				t.Fatalf("CheckUSCC(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if NormalizeUSCC(" 91440101ma5911110h ") != "91440101MA5911110H" {
		t.Fatal("lower case USCC not normalised")
	}
}

func TestSimpleValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		ok   bool
	}{
		{"mobile ok", CheckMobile, "13800138000", true},
		{"mobile 12x", CheckMobile, "12800138000", false},
		{"mobile short", CheckMobile, "1380013800", false},
		{"mobile letters", CheckMobile, "1380013800a", false},
		{"postal ok", CheckPostalCode, "510630", true},
		{"postal leading zero", CheckPostalCode, "010010", true},
		{"postal 5 digits", CheckPostalCode, "51063", false},
		{"postal full-width", CheckPostalCode, "５１０６３０", false},
		{"email ok", CheckEmail, "hr@example.com.cn", true},
		{"email no tld", CheckEmail, "hr@example", false},
		{"email no at", CheckEmail, "hr.example.com", false},
		{"email space", CheckEmail, "h r@example.com", false},
		{"phone ok", CheckPhone, "020-38881234", true},
		{"phone letters", CheckPhone, "020-3888ABCD", false},
		{"username ok", CheckUsername, "demo-unit_1", true},
		{"username short", CheckUsername, "abc", false},
		{"username chinese", CheckUsername, "单位账号", false},
		{"password ok", CheckPassword, "Demo@2026", true},
		{"password short", CheckPassword, "ab12", false},
		{"password no digit", CheckPassword, "abcdefghij", false},
		{"password no letter", CheckPassword, "1234567890", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); (got == "") != tt.ok {
				t.Fatalf("(%q) = %q, want ok=%v", tt.in, got, tt.ok)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for in, ok := range map[string]bool{
		"2024-02-29": true, "2023-02-29": false, "2024-2-1": false, "2024/02/01": false, "": false, " 2024-01-31 ": true,
	} {
		if _, msg := ParseDate(in); (msg == "") != ok {
			t.Errorf("ParseDate(%q) = %q, want ok=%v", in, msg, ok)
		}
	}
}

func TestUnitRegistrationReportsEveryField(t *testing.T) {
	r := UnitRegistration{Username: "ab", Password: "short", UnitName: " ", USCC: "91440101MA5911110J", Mobile: "123"}
	fields := FieldErrorsOf(r.Validate())
	for _, f := range []string{"username", "password", "unit_name", "uscc", "mobile"} {
		if fields[f] == "" {
			t.Errorf("no error for %s in %v", f, fields)
		}
	}
	ok := UnitRegistration{Username: "new-unit", Password: "Passw0rd", UnitName: " 广州测试单位 ", USCC: "91440101ma5911110h", Mobile: "13800138000"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok.USCC != "91440101MA5911110H" || ok.UnitName != "广州测试单位" {
		t.Fatalf("not normalised: %+v", ok)
	}
}

func TestErrorStatusTableIsABijection(t *testing.T) {
	seen := map[int]Code{}
	for c, s := range codeStatus {
		if other, dup := seen[s]; dup {
			t.Fatalf("status %d used by %s and %s", s, c, other)
		}
		seen[s] = c
		if CodeForStatus(c.HTTPStatus()) != c {
			t.Fatalf("round trip of %s failed", c)
		}
	}
	if CodeForStatus(502) != CodeUnavailable || CodeForStatus(418) != CodeBadRequest {
		t.Fatal("unknown statuses not classified")
	}
}

func TestErrorHelpers(t *testing.T) {
	f := Fields{}
	f.Add("uscc", "first")
	f.Add("uscc", "second")
	f.Check(false, "mobile", "never")
	err := f.Err()
	if ErrorCode(err) != CodeInvalid || FieldErrorsOf(err)["uscc"] != "first" || len(FieldErrorsOf(err)) != 1 {
		t.Fatalf("unexpected %#v", err)
	}
	if (Fields{}).Err() != nil {
		t.Fatal("empty fields must be nil error")
	}
	foreign := fmt.Errorf("pq: relation users does not exist")
	if ErrorCode(foreign) != CodeInternal || strings.Contains(ErrorMessage(foreign), "relation") {
		t.Fatal("foreign errors must be hidden")
	}
	wrapped := fmt.Errorf("ctx: %w", Errorf(CodeConflict, "重复"))
	if ErrorCode(wrapped) != CodeConflict || ErrorMessage(wrapped) != "重复" {
		t.Fatal("wrapped domain error not found")
	}
}

func TestInScope(t *testing.T) {
	for _, tt := range []struct {
		scope, code string
		want        bool
	}{
		{"440000", "440106", true}, {"440000", "450100", false},
		{"440100", "440106", true}, {"440100", "440100", true}, {"440100", "440300", false},
		{"440106", "440106", true}, {"440106", "440105", false}, {"44", "440106", false},
	} {
		if got := InScope(tt.scope, tt.code); got != tt.want {
			t.Errorf("InScope(%s,%s)=%v", tt.scope, tt.code, got)
		}
	}
}

func TestMenuFor(t *testing.T) {
	unit := User{Role: RoleUnit, UnitStatus: ApplicationApproved}
	var titles []string
	for _, g := range MenuFor(unit) {
		for _, m := range g.Modules {
			titles = append(titles, m.Title)
		}
	}
	if len(titles) != 17 || titles[0] != "法人单位角色申请" || titles[16] != "继续教育培训记录查询" {
		t.Fatalf("unit menu = %v", titles)
	}
	for _, st := range []ApplicationStatus{ApplicationDraft, ApplicationSubmitted, ApplicationReturned} {
		m := MenuFor(User{Role: RoleUnit, UnitStatus: st})
		if len(m) != 1 || len(m[0].Modules) != 1 || m[0].Modules[0].Key != ModuleRoleApplication {
			t.Fatalf("inactive unit (%s) menu = %+v", st, m)
		}
	}
	for _, r := range []Role{RoleAuthority, RolePerson, RoleInstitution, RoleAdmin} {
		if len(MenuFor(User{Role: r})) == 0 {
			t.Errorf("no menu for %s", r)
		}
	}
}

func TestApplicationMachine(t *testing.T) {
	checkMachine(t, ApplicationMachine,
		[]ApplicationStatus{ApplicationDraft, ApplicationSubmitted, ApplicationApproved, ApplicationReturned},
		[]string{"submit", "approve", "return"},
		map[string]ApplicationStatus{"draft submit": ApplicationSubmitted, "returned submit": ApplicationSubmitted,
			"submitted approve": ApplicationApproved, "submitted return": ApplicationReturned})
	if !ApplicationDraft.Editable() || !ApplicationReturned.Editable() || ApplicationSubmitted.Editable() || ApplicationApproved.Editable() {
		t.Fatal("editable states wrong")
	}
}

// checkMachine checks every (state, action) pair of a machine against the
// allowed table: everything not listed must be refused.
func checkMachine[S ~string](t *testing.T, m Machine[S], states []S, actions []string, allowed map[string]S) {
	t.Helper()
	for _, from := range states {
		for _, action := range actions {
			to, ok := m.Next(from, action)
			want, wantOK := allowed[string(from)+" "+action]
			if ok != wantOK || to != want {
				t.Errorf("%s --%s--> %q,%v; want %q,%v", from, action, to, ok, want, wantOK)
			}
		}
	}
}

func TestWorkflowMachines(t *testing.T) {
	checkMachine(t, SubmittedRecordMachine,
		[]RecordStatus{RecordDraft, RecordSubmitted, RecordEffective, RecordRejected, RecordReturned},
		[]string{"submit", "approve", "reject", "return", "confirm"},
		map[string]RecordStatus{"draft submit": RecordSubmitted, "returned submit": RecordSubmitted,
			"submitted approve": RecordEffective, "submitted reject": RecordRejected, "submitted return": RecordReturned})
	checkMachine(t, UnitRecordMachine,
		[]RecordStatus{RecordDraft, RecordSubmitted, RecordEffective},
		[]string{"confirm", "submit"},
		map[string]RecordStatus{"draft confirm": RecordEffective})
	checkMachine(t, PlanMachine,
		[]PlanStatus{PlanDraft, PlanSubmitted, PlanApproved, PlanReturned, PlanRejected},
		[]string{"submit", "approve", "return", "reject"},
		map[string]PlanStatus{"draft submit": PlanSubmitted, "returned submit": PlanSubmitted,
			"submitted approve": PlanApproved, "submitted return": PlanReturned, "submitted reject": PlanRejected})
	checkMachine(t, ClassMachine,
		[]ClassStatus{ClassPending, ClassOpen, ClassClosed, ClassCancelled},
		[]string{"open", "close", "cancel"},
		map[string]ClassStatus{"pending open": ClassOpen, "open close": ClassClosed,
			"pending cancel": ClassCancelled, "open cancel": ClassCancelled})
}

func TestCompetentAuthorityIsTheNearest(t *testing.T) {
	all := []Authority{{ID: 1, RegionCode: "440000"}, {ID: 2, RegionCode: "440600"}, {ID: 3, RegionCode: "440604"}}
	for code, want := range map[string]int64{"440604": 3, "440605": 2, "440600": 2, "440106": 1, "440000": 1, "x": 0} {
		if a, _ := CompetentAuthority(all, code); a.ID != want {
			t.Errorf("competent authority of %s = %d, want %d", code, a.ID, want)
		}
	}
	if got := strings.Join(RegionChain("440604"), " "); got != "440604 440600 440000" {
		t.Errorf("chain of 440604 = %s", got)
	}
	if got := strings.Join(RegionChain("440000"), " "); got != "440000" {
		t.Errorf("chain of 440000 = %s", got)
	}
}
