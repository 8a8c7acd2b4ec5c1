package domain

import (
	"strings"
	"testing"
)

func TestDictItemChecks(t *testing.T) {
	codes := map[string]string{
		"vr_lab": "", "A1_b2": "", "": "请填写", "vr-lab": "字母、数字和下划线", "虚拟": "字母、数字和下划线",
		strings.Repeat("a", DictCodeMaxLen): "", strings.Repeat("a", DictCodeMaxLen+1): "32",
	}
	for code, want := range codes {
		if got := CheckDictCode(code); want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("CheckDictCode(%q) = %q, want %q", code, got, want)
		}
	}
	labels := map[string]string{
		"虚拟仿真实训": "", "培训/研修/进修": "", "IT企业": "", "  ": "请填写", "abc": "中文", "学\x07时": "不可见",
		strings.Repeat("长", DictLabelMaxLen): "", strings.Repeat("长", DictLabelMaxLen+1): "50",
	}
	for label, want := range labels {
		if got := CheckDictLabel(label); want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("CheckDictLabel(%q) = %q, want %q", label, got, want)
		}
	}
	n := NewDictItem{Code: " ｖｒ_lab ", Label: " 虚拟 "}
	n.Normalize()
	if n != (NewDictItem{Code: "vr_lab", Label: "虚拟"}) || n.Validate() != nil {
		t.Fatalf("normalized %+v: %v", n, n.Validate())
	}
	if k, ok := EditableDictKind(DictCategory); !ok || !k.Fixed {
		t.Fatalf("category: %+v %v", k, ok)
	}
	if _, ok := EditableDictKind("region"); ok {
		t.Fatal("regions are not edited here")
	}
}
