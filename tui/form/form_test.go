package form

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

func newTestForm() *Form {
	km := keys.New(false)
	return New(styles.New(false), km, 20,
		Field{Key: "name", Label: "单位名称", Control: NewText(km, false, 50), Check: Required("单位名称")},
		Field{Key: "pw", Label: "密码", Control: NewText(km, true, 50)},
		Field{Key: "again", Label: "确认密码", Control: NewText(km, true, 50), Check: SameAs("pw", "两次输入的密码不一致")},
	)
}

func typeInto(f *Form, s string) { f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

func lineOf(t *testing.T, view, text string) int {
	t.Helper()
	for i, l := range strings.Split(view, "\n") {
		if strings.Contains(l, text) {
			return i
		}
	}
	t.Fatalf("no %q in:\n%s", text, view)
	return -1
}

func TestErrorBesideItsFieldWhenItFitsElseBelow(t *testing.T) {
	f := newTestForm()
	f.Update(tea.KeyMsg{Type: tea.KeyTab}) // leaving the empty name
	f.SetWidth(70)
	v := f.View()
	if lineOf(t, v, "请填写单位名称") != lineOf(t, v, "单位名称：") {
		t.Fatalf("error not beside the field:\n%s", v)
	}
	f.SetWidth(40)
	v = f.View()
	if lineOf(t, v, "请填写单位名称") != lineOf(t, v, "单位名称：")+1 {
		t.Fatalf("error not below the field:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if textwidth.Width(l) > 40 {
			t.Fatalf("line wider than 40: %q", l)
		}
	}
	// Below, the message starts under the input, after the label.
	lines := strings.Split(v, "\n")
	msg, field := lines[lineOf(t, v, "请填写单位名称")], lines[0]
	if textwidth.Width(msg[:strings.Index(msg, "请")]) != textwidth.Width(field[:strings.Index(field, "[")]) {
		t.Fatalf("message not aligned with the input:\n%s", v)
	}
}

func TestLocalRulesWaitUntilTheFieldIsLeftOrFilled(t *testing.T) {
	f := newTestForm()
	if f.Error("name") != "" {
		t.Fatal("untouched empty field already in error")
	}
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	typeInto(f, "abc")
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	typeInto(f, "ab")
	if f.Error("name") != "请填写单位名称" || f.Error("again") != "两次输入的密码不一致" {
		t.Fatalf("errors: name %q again %q", f.Error("name"), f.Error("again"))
	}
	typeInto(f, "c")
	if f.Error("again") != "" {
		t.Fatalf("matching confirmation still in error: %q", f.Error("again"))
	}
	if f.Update(tea.KeyMsg{Type: tea.KeyEnter}) != Submitted {
		t.Fatal("enter on the last field did not submit")
	}
	if f.Validate() || f.rows[f.focus].Key != "name" {
		t.Fatalf("Validate passed or focus %q not on the bad field", f.rows[f.focus].Key)
	}
}

func TestServerErrorsStayUntilTheFieldIsEdited(t *testing.T) {
	f := newTestForm()
	others := f.SetServerErrors(map[string]string{"name": "该单位已注册", "uscc": "信用代码重复"})
	if len(others) != 1 || others[0] != "信用代码重复" {
		t.Fatalf("others = %v", others)
	}
	if f.Error("name") != "该单位已注册" {
		t.Fatalf("name error = %q", f.Error("name"))
	}
	f.Update(tea.KeyMsg{Type: tea.KeyRight}) // moves the cursor, changes nothing
	if f.Error("name") != "该单位已注册" {
		t.Fatal("server error dropped without an edit")
	}
	typeInto(f, "广州")
	if f.Error("name") != "" {
		t.Fatalf("server error kept after an edit: %q", f.Error("name"))
	}
}

func TestPickerFiltersAndChooses(t *testing.T) {
	km := keys.New(false)
	p := NewPicker(styles.New(false), km, 3, "加载中")
	p.SetWidth(40)
	p.Focus()
	if p.Value() != "" || !strings.Contains(p.View(), "加载中") {
		t.Fatalf("empty picker: %q %q", p.Value(), p.View())
	}
	p.SetOptions([]Option{{"440000", "广东省 440000"}, {"440100", "广州市 440100"}, {"440106", "天河区 440106"}, {"440300", "深圳市 440300"}})
	if p.Value() != "440000" {
		t.Fatalf("first option not chosen: %q", p.Value())
	}
	p.HandleKey(tea.KeyMsg{Type: tea.KeyDown})
	if p.Value() != "440100" {
		t.Fatalf("down chose %q", p.Value())
	}
	p.HandleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("天河")})
	if p.Value() != "440106" {
		t.Fatalf("filter chose %q", p.Value())
	}
	p.HandleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if p.Value() != "" || !strings.Contains(p.View(), "无匹配项") {
		t.Fatalf("no match chose %q", p.Value())
	}
	if p.HandleKey(tea.KeyMsg{Type: tea.KeyTab}) {
		t.Fatal("picker swallowed tab")
	}
	for _, l := range strings.Split(p.View(), "\n") {
		if textwidth.Width(l) > 40 {
			t.Fatalf("picker line wider than 40: %q", l)
		}
	}
}

// The pointer, the highlighted label and the keys follow one state: an
// inactive form marks no field and takes no typing; each focus change
// moves the marker to where the next character lands.
func TestFocusMarkerIsWhereTypingLands(t *testing.T) {
	km, st := keys.New(false), styles.New(false)
	f := New(st, km, 10,
		Field{Key: "a", Label: "甲", Control: NewText(km, false, 10)},
		Field{Key: "facts", Label: "只读", Control: readOnlyControl{}},
		Field{Key: "b", Label: "乙", Control: NewText(km, false, 10)},
		Field{Key: "pw", Label: "密码", Control: NewText(km, true, 10)})
	marked := func() string {
		for _, l := range strings.Split(f.View(), "\n") {
			if strings.HasPrefix(l, st.Pointer) {
				return l
			}
		}
		return ""
	}
	typeX := func() { f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}) }

	f.SetActive(false)
	if marked() != "" {
		t.Fatalf("inactive form marks a field:\n%s", f.View())
	}
	f.SetActive(true)
	for _, step := range []struct {
		key  tea.KeyType
		want string
	}{{tea.KeyShiftTab, "甲"}, {tea.KeyTab, "乙"}, {tea.KeyTab, "密码"}, {tea.KeyTab, "甲"}} {
		f.Update(tea.KeyMsg{Type: step.key})
		if f.FocusedKey() == "facts" {
			t.Fatal("tab stopped on a read-only row")
		}
		before := f.Value(f.FocusedKey())
		typeX()
		if l := marked(); !strings.Contains(l, step.want) || f.Value(f.FocusedKey()) != before+"x" {
			t.Fatalf("after %v: marker on %q, typing went to %q", step.key, l, f.FocusedKey())
		}
	}
	if !f.Dirty() {
		t.Fatal("typed form not dirty")
	}
	f.MarkClean()
	if f.Dirty() {
		t.Fatal("dirty after MarkClean")
	}
}

type readOnlyControl struct{}

func (readOnlyControl) Focus()                    {}
func (readOnlyControl) Blur()                     {}
func (readOnlyControl) HandleKey(tea.KeyMsg) bool { return false }
func (readOnlyControl) Value() string             { return "" }
func (readOnlyControl) SetValue(string)           {}
func (readOnlyControl) SetWidth(int)              {}
func (readOnlyControl) View() string              { return "（自动）" }
func (readOnlyControl) ReadOnly() bool            { return true }
