package pane

import (
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
)

// A refusal lands at the fields it names; the line carries what no field
// took, or the error's own message when every field took its part.
func TestFormErrorPutsMessagesAtFields(t *testing.T) {
	c := common.New(common.Services{}, false, "")
	f := form.New(c.Styles, c.Keys, 10,
		form.Field{Key: "a", Label: "甲", Control: form.NewText(c.Keys, false, 10)},
		form.Field{Key: "b", Label: "乙", Control: form.NewText(c.Keys, false, 10)})

	err := &domain.Error{Code: domain.CodeInvalid, Message: "输入有误", Fields: map[string]string{"b": "乙不对", "x": "别处的问题"}}
	if got := FormError(f, err); got != "别处的问题" {
		t.Fatalf("line %q", got)
	}
	if f.Error("b") != "乙不对" || f.Error("a") != "" {
		t.Fatalf("fields: a %q b %q", f.Error("a"), f.Error("b"))
	}
	if !strings.Contains(f.View(), c.Styles.Pointer+" 乙") {
		t.Fatalf("focus not on the field in error:\n%s", f.View())
	}

	err = &domain.Error{Code: domain.CodeInvalid, Message: "输入有误", Fields: map[string]string{"a": "甲不对"}}
	if got := FormError(f, err); got != common.ErrorText(err) {
		t.Fatalf("line %q", got)
	}
}
