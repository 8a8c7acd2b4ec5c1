package domain

import (
	"strings"
	"testing"
)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	if ErrorCode(err) != CodeInvalid {
		t.Fatalf("want an invalid error, got %v", err)
	}
	return FieldErrorsOf(err)
}

func TestPersonInputValidate(t *testing.T) {
	in := PersonInput{IDNumber: " 11010519491231002x ", Name: " 王芳 ", Title: " 工程师 ", TitleLevel: "intermediate",
		Mobile: " 13800138000 ", Email: "wf@example.cn"}
	info, err := in.Validate(today)
	if err != nil {
		t.Fatal(err)
	}
	if in.IDNumber != "11010519491231002X" || in.Name != "王芳" || in.Title != "工程师" || in.Mobile != "13800138000" ||
		info.Gender != "女" || info.Birth.Format(DateLayout) != "1949-12-31" {
		t.Fatalf("normalised %+v, info %+v", in, info)
	}

	bad := PersonInput{IDNumber: "440106199003072518", Name: " ", TitleLevel: "senior", Mobile: "12345",
		Email: "no-at", Specialty: strings.Repeat("学", 51), CreateAccount: true, Password: "abc"}
	_, err = bad.Validate(today)
	f := fieldsOf(t, err)
	want := map[string]string{
		"id_number": "身份证号校验位不正确", "name": "请填写姓名", "title": "填写职称级别时请同时填写职称",
		"mobile": "手机号码应为1开头的11位数字", "email": "电子邮箱格式不正确", "specialty": "所学专业过长", "password": "密码至少8位",
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("field %s = %q, want %q", k, f[k], v)
		}
	}
	if len(f) != len(want) {
		t.Errorf("fields %v", f)
	}

	fullWidth := PersonInput{IDNumber: "４４０１０６１９９００３０７２５１７", Name: "陈志明"}
	if _, err := fullWidth.Validate(today); err != nil || fullWidth.IDNumber != "440106199003072517" {
		t.Fatalf("full-width ID number: %q %v", fullWidth.IDNumber, err)
	}

	// Optional fields may stay blank; no password without a login.
	minimal := PersonInput{IDNumber: "440106199003072517", Name: "陈志明", Password: "x"}
	if _, err := minimal.Validate(today); err != nil {
		t.Fatalf("minimal input: %v", err)
	}
}

func TestPersonRegistrationValidate(t *testing.T) {
	r := PersonRegistration{IDNumber: "440106199003072517 ", Name: "陈志明", Mobile: "13800138000", Password: "Start2026a"}
	info, err := r.Validate(today)
	if err != nil || info.Gender != "男" || r.IDNumber != "440106199003072517" {
		t.Fatalf("%+v %v", info, err)
	}
	r = PersonRegistration{IDNumber: withCheck("44010620301201123")}
	f := fieldsOf(t, func() error { _, err := r.Validate(today); return err }())
	for _, k := range []string{"id_number", "name", "mobile", "password"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
}

func TestContactUpdateValidate(t *testing.T) {
	c := ContactUpdate{Mobile: " 13800138000 ", Email: ""}
	if err := c.Validate(); err != nil || c.Mobile != "13800138000" {
		t.Fatalf("%+v %v", c, err)
	}
	c = ContactUpdate{Mobile: "", Email: "x"}
	f := fieldsOf(t, c.Validate())
	if f["mobile"] == "" || f["email"] == "" {
		t.Fatalf("fields %v", f)
	}
}

func TestAffiliationMachine(t *testing.T) {
	allowed := map[[2]string]Affiliation{
		{"none", ActionClaim}:       AffiliationPending,
		{"pending", ActionWithdraw}: AffiliationNone,
		{"pending", ActionConfirm}:  AffiliationConfirmed,
		{"pending", ActionRefuse}:   AffiliationNone,
	}
	for _, from := range []Affiliation{AffiliationNone, AffiliationPending, AffiliationConfirmed} {
		for _, action := range []string{ActionClaim, ActionWithdraw, ActionConfirm, ActionRefuse} {
			to, ok := AffiliationMachine.Next(from, action)
			want, allowedHere := allowed[[2]string{string(from), action}]
			if ok != allowedHere || to != want {
				t.Errorf("%s --%s--> %q %v, want %q %v", from, action, to, ok, want, allowedHere)
			}
		}
	}
	if !AffiliationPending.Valid() || Affiliation("x").Valid() || AffiliationPending.Label() != "待单位确认" {
		t.Fatal("Valid/Label")
	}
}

func TestDecisions(t *testing.T) {
	if a, ok := DecisionAccept.Action(); !ok || a != ActionConfirm {
		t.Fatal("accept")
	}
	if a, ok := DecisionRefuse.Action(); !ok || a != ActionRefuse {
		t.Fatal("refuse")
	}
	if _, ok := Decision("yes").Action(); ok {
		t.Fatal("unknown decision accepted")
	}
	if err := (AffiliationBatch{IDs: []int64{1, 2}, Decision: DecisionAccept}).Validate(); err != nil {
		t.Fatal(err)
	}
	f := fieldsOf(t, AffiliationBatch{Decision: "x"}.Validate())
	if f["ids"] != "请先勾选人员" || f["decision"] == "" {
		t.Fatalf("fields %v", f)
	}
	f = fieldsOf(t, AffiliationBatch{IDs: make([]int64, MaxBatch+1), Decision: DecisionRefuse}.Validate())
	if f["ids"] != "一次最多确认500人" {
		t.Fatalf("fields %v", f)
	}
}

func TestTeacherInputValidate(t *testing.T) {
	in := TeacherInput{Name: " 李老师 ", IDNumber: "11010519491231002x"}
	if err := in.Validate(today); err != nil || in.Gender != "女" || in.IDNumber != "11010519491231002X" || in.Name != "李老师" {
		t.Fatalf("%+v %v", in, err)
	}
	in = TeacherInput{Name: "李老师", Gender: "男", IDNumber: "11010519491231002X"}
	if f := fieldsOf(t, in.Validate(today)); f["gender"] != "性别与身份证号不符" {
		t.Fatalf("fields %v", f)
	}
	in = TeacherInput{Name: "李老师", Gender: "女"}
	if err := in.Validate(today); err != nil {
		t.Fatal(err)
	}
	in = TeacherInput{Gender: "未知", IDNumber: "", Mobile: "1", Summary: strings.Repeat("简", 1001)}
	f := fieldsOf(t, in.Validate(today))
	for _, k := range []string{"name", "gender", "mobile", "summary"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	in = TeacherInput{Name: "李老师", IDNumber: "440106199003072518"}
	if f := fieldsOf(t, in.Validate(today)); f["id_number"] != "身份证号校验位不正确" {
		t.Fatalf("fields %v", f)
	}
}

func TestTeacherMachine(t *testing.T) {
	cases := []struct {
		from   TeacherState
		action string
		to     TeacherState
		ok     bool
	}{
		{TeacherEnabled, ActionDisable, TeacherDisabled, true},
		{TeacherDisabled, ActionEnable, TeacherEnabled, true},
		{TeacherEnabled, ActionEnable, "", false},
		{TeacherDisabled, ActionDisable, "", false},
	}
	for _, c := range cases {
		if to, ok := TeacherMachine.Next(c.from, c.action); to != c.to || ok != c.ok {
			t.Errorf("%s --%s--> %q %v", c.from, c.action, to, ok)
		}
	}
}
