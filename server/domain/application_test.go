package domain

import (
	"strings"
	"testing"
)

func completeForm() ApplicationForm {
	return ApplicationForm{
		Name: "广州市越秀区新创信息技术有限公司", USCC: "91440101MA5911110H", UnitType: "enterprise",
		RegionCode: "440104", LegalRep: "张三", ContactPerson: "李四",
		OfficePhone: "020-83331234", Mobile: "13711112222", Email: "hr@example.com",
		PostalCode: "510030", Address: "广州市越秀区中山五路1号", Summary: "软件开发", Version: 1,
	}
}

func TestApplicationDraftMayBePartial(t *testing.T) {
	f := ApplicationForm{Name: "  某单位 ", USCC: " 91440101ma5911110h ", Mobile: "137"}
	err := f.Validate(false)
	fields := FieldErrorsOf(err)
	if len(fields) != 1 || fields[FieldMobile] != "手机号码应为1开头的11位数字" {
		t.Fatalf("a draft checks only what is filled in: %v", err)
	}
	if f.Name != "某单位" || f.USCC != "91440101MA5911110H" {
		t.Fatalf("not normalised: %+v", f)
	}
	f.Mobile = ""
	if err := f.Validate(false); err != nil {
		t.Fatalf("a blank draft but for its identity saves: %v", err)
	}
	f.Name = ""
	if FieldErrorsOf(f.Validate(false))[FieldUnitName] != "请填写单位名称" {
		t.Fatal("the name is always required")
	}
}

func TestApplicationSubmitNeedsEveryRequiredField(t *testing.T) {
	full := completeForm()
	if err := full.Validate(true); err != nil {
		t.Fatalf("complete form refused: %v", err)
	}
	optional := completeForm()
	optional.OfficePhone, optional.Summary = "", ""
	if err := optional.Validate(true); err != nil {
		t.Fatalf("office phone and summary are optional: %v", err)
	}
	empty := ApplicationForm{Name: "某单位", USCC: "91440101MA5911110H"}
	fields := FieldErrorsOf(empty.Validate(true))
	want := map[string]string{
		FieldUnitType: "请选择单位类型", FieldRegion: "请选择所属地区",
		FieldLegalRep: "请填写法定代表人", FieldContactPerson: "请填写联系人", FieldMobile: "请填写移动电话",
		FieldEmail: "请填写电子邮箱", FieldPostalCode: "请填写邮政编码", FieldAddress: "请填写单位通讯地址",
	}
	if len(fields) != len(want) {
		t.Fatalf("fields = %v", fields)
	}
	for k, msg := range want {
		if fields[k] != msg {
			t.Errorf("%s = %q, want %q", k, fields[k], msg)
		}
	}
}

func TestApplicationFieldRules(t *testing.T) {
	cases := []struct {
		key, value, want string
	}{
		{FieldUSCC, "91440101MA5911110X", "统一社会信用代码校验位不正确"},
		{FieldOfficePhone, "8333", "电话号码格式不正确（如 020-12345678）"},
		{FieldOfficePhone, "020-83331234", ""},
		{FieldEmail, "hr@", "电子邮箱格式不正确"},
		{FieldPostalCode, "51003", "邮政编码应为6位数字"},
		{FieldPostalCode, "012345", ""},
		{FieldMobile, "12711112222", "手机号码应为1开头的11位数字"},
		{FieldSummary, strings.Repeat("字", 1001), "职能简介不能超过1000字"},
		{FieldAddress, strings.Repeat("路", 201), "单位通讯地址过长"},
	}
	for _, c := range cases {
		if got := CheckApplicationField(c.key, c.value, true); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.key, c.value, got, c.want)
		}
	}
}

func TestUnitInfoValidation(t *testing.T) {
	i := InfoOf(UnitApplication{ContactPerson: " 王五 ", Mobile: "13711112222", Email: "a@b.cn",
		PostalCode: "510000", Address: "广州", Version: 4})
	if err := i.Validate(); err != nil || i.ContactPerson != "王五" || i.Version != 4 {
		t.Fatalf("info %+v: %v", i, err)
	}
	i.Mobile, i.Email = "", "x"
	fields := FieldErrorsOf(i.Validate())
	if fields[FieldMobile] != "请填写移动电话" || fields[FieldEmail] != "电子邮箱格式不正确" || len(fields) != 2 {
		t.Fatalf("fields = %v", fields)
	}
}

func TestApplicationReviewValidation(t *testing.T) {
	ok := ApplicationReview{Action: ActionApprove}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	ret := ApplicationReview{Action: ActionReturn, Comment: "  "}
	if FieldErrorsOf(ret.Validate())["comment"] != "请填写退回原因" {
		t.Fatal("return without a reason passed")
	}
	bad := ApplicationReview{Action: "reject"}
	if FieldErrorsOf(bad.Validate())["action"] == "" {
		t.Fatal("unknown action passed")
	}
}

func TestScopePrefix(t *testing.T) {
	for scope, want := range map[string]string{"440000": "44", "440100": "4401", "440106": "440106", "x": "x"} {
		if got := ScopePrefix(scope); got != want {
			t.Errorf("ScopePrefix(%s) = %s, want %s", scope, got, want)
		}
		if len(scope) == 6 && !InScope(scope, want+strings.Repeat("0", 6-len(want))) {
			t.Errorf("prefix of %s disagrees with InScope", scope)
		}
	}
}
