package pane

import (
	"strconv"
	"testing"
)

// Paging stops at both ends, and an empty page past the end (rows removed
// meanwhile) steps back to the last page that has rows.
func TestPagerMovesWithinTheRows(t *testing.T) {
	p := Pager{Limit: 10}
	if p.View() != "共 0 条" || p.Next() || p.Prev() {
		t.Fatalf("empty pager moved or shows %q", p.View())
	}
	p.Received(25, 10, "")
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
	if !p.Received(15, 0, "") || p.Offset != 10 {
		t.Fatalf("past the end: offset %d", p.Offset)
	}
	if !p.Prev() || p.Offset != 0 {
		t.Fatalf("prev: offset %d", p.Offset)
	}
	if p.Prev() {
		t.Fatal("prev before the first page")
	}
}

// On a keyset list the next page is asked for by the cursor the server
// gave, the previous ones by the cursors they were asked with, and the
// page number is the same as by offset; the list ends where the server
// gives no cursor, whatever the total says.
func TestPagerFollowsTheCursors(t *testing.T) {
	p := Pager{Limit: 10}
	// Pages of a list of 35 rows whose cursors are "c10", "c20", "c30".
	serve := func() {
		pr := p.Request()
		if pr.After != "" && pr.Offset != 0 {
			t.Fatalf("asked by cursor and offset: %+v", pr)
		}
		start := 0
		if pr.After != "" {
			start, _ = strconv.Atoi(pr.After[1:])
		}
		next := ""
		if start+10 < 35 {
			next = "c" + strconv.Itoa(start+10)
		}
		if p.Received(35, min(10, 35-start), next) {
			t.Fatalf("page at %q stepped back", pr.After)
		}
	}
	serve()
	var asked []string
	for p.Next() {
		asked = append(asked, p.Request().After)
		serve()
	}
	if got := p.View(); got != "第 4/4 页  共 35 条" || len(asked) != 3 || asked[2] != "c30" {
		t.Fatalf("forward: %q %v", got, asked)
	}
	for _, want := range []string{"c20", "c10", ""} {
		if !p.Prev() || p.Request().After != want {
			t.Fatalf("back: asked %+v, want cursor %q", p.Request(), want)
		}
		serve()
	}
	if p.View() != "第 1/4 页  共 35 条" || p.Prev() || p.Request().Offset != 0 {
		t.Fatalf("back at the first page: %q %+v", p.View(), p.Request())
	}
	// Rows added meanwhile raise the total; the list still ends where the
	// last cursor does.
	for p.Next() {
		serve()
		p.Total = 50
	}
	if p.Page() != 4 {
		t.Fatalf("ended at page %d", p.Page())
	}
	// The rows of the last page were removed: back to the page before.
	if !p.Received(30, 0, "") || p.Page() != 3 || p.Request().After != "c20" {
		t.Fatalf("empty last page: page %d, %+v", p.Page(), p.Request())
	}
	p.First()
	if p.Page() != 1 || p.Request().After != "" || p.Prev() {
		t.Fatalf("first: %+v", p.Request())
	}
}
