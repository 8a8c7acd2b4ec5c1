package form

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/tui/keys"
	"jxjy/tui/styles"
)

func TestWindowKeepsTheFocusedFieldInSight(t *testing.T) {
	km := keys.New(false)
	var fields []Field
	for _, label := range []string{"一", "二", "三", "四", "五", "六"} {
		fields = append(fields, Field{Key: label, Label: label, Control: NewText(km, false, 10)})
	}
	f := New(styles.New(false), km, 10, fields...)
	if got := strings.Count(f.Window(10), "\n") + 1; got != 6 {
		t.Fatalf("a form that fits shows whole: %d lines", got)
	}
	shows := func(want ...string) {
		t.Helper()
		v := f.Window(3)
		if strings.Count(v, "\n") != 2 {
			t.Fatalf("window of %d lines:\n%s", strings.Count(v, "\n")+1, v)
		}
		for _, w := range want {
			if !strings.Contains(v, w+"：") {
				t.Fatalf("window lacks %s:\n%s", w, v)
			}
		}
	}
	shows("一", "二", "三")
	for range 4 {
		f.Update(tea.KeyMsg{Type: tea.KeyTab})
	}
	shows("三", "四", "五") // focus on 五, scrolled just enough
	f.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	shows("三", "四", "五") // 四 is in sight: no jump
	f.Focus("一")
	shows("一", "二", "三")
}
