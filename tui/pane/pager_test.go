package pane

import "testing"

// Paging stops at both ends, and an empty page past the end (rows removed
// meanwhile) steps back to the last page that has rows.
func TestPagerMovesWithinTheRows(t *testing.T) {
	p := Pager{Limit: 10}
	if p.View() != "共 0 条" || p.Next() || p.Prev() {
		t.Fatalf("empty pager moved or shows %q", p.View())
	}
	p.Received(25, 0)
	for _, want := range []bool{true, true, false} {
		if p.Next() != want {
			t.Fatalf("next at offset %d: want %v", p.Offset, want)
		}
	}
	if p.Request().Offset != 20 {
		t.Fatalf("next: offset %d", p.Offset)
	}
	if got := p.View(); got != "第 3/3 页  共 25 条" {
		t.Fatalf("view %q", got)
	}
	if !p.Received(15, 20) || p.Offset != 10 {
		t.Fatalf("past the end: offset %d", p.Offset)
	}
	if !p.Prev() || p.Offset != 0 {
		t.Fatalf("prev: offset %d", p.Offset)
	}
	if p.Prev() {
		t.Fatal("prev before the first page")
	}
}
