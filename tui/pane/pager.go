package pane

import (
	"strconv"

	"jxjy/server/domain"
)

// Pager is the server-side page a hand-built list shows: a page holds more
// rows than the screen, which scrolls within it; the list's page keys
// fetch the neighbours.
//
// On the lists the server pages by keyset (its pages carry Next) the next
// page is asked for by that cursor and the previous one by the cursor it
// was asked with, kept on a stack; the other lists page by offset. Offset
// is the current page's position either way, so both show "第 N/M 页".
type Pager struct {
	Limit, Offset, Total int

	after string   // the cursor the current page was asked with; "" by Offset
	next  string   // the current page's Next
	back  []string // the cursors of the pages before it, nearest last
}

// NewPager starts at the first page of domain.DefaultPageSize rows.
func NewPager() Pager { return Pager{Limit: domain.DefaultPageSize} }

// Request asks for the current page.
func (p *Pager) Request() domain.PageRequest {
	if p.after != "" {
		return domain.PageRequest{Limit: p.Limit, After: p.after}
	}
	return domain.PageRequest{Limit: p.Limit, Offset: p.Offset}
}

// First goes back to the first page (a new filter, a row added on top).
func (p *Pager) First() {
	p.Offset, p.after, p.next, p.back = 0, "", "", nil
}

// Next and Prev move a page and report whether there was one.
func (p *Pager) Next() bool {
	switch {
	case p.next != "":
		p.back = append(p.back, p.after)
		p.after, p.next = p.next, ""
	case p.after != "" || p.Offset+p.Limit >= p.Total:
		return false // a keyset list ends where the server says
	}
	p.Offset += p.Limit
	return true
}

func (p *Pager) Prev() bool {
	if p.Offset == 0 {
		return false
	}
	p.Offset = max(p.Offset-p.Limit, 0)
	p.after, p.next = "", ""
	if n := len(p.back); n > 0 {
		p.after, p.back = p.back[n-1], p.back[:n-1]
	}
	return true
}

// Received takes the page the server answered: the total matching, how
// many rows the page held and its Next. An empty page past the first
// (rows removed meanwhile) steps back: to the page before on a keyset
// list, to the last page that has rows on an offset one.
func (p *Pager) Received(total, rows int, next string) (again bool) {
	p.Total, p.next = total, next
	switch {
	case rows > 0 || p.Offset == 0:
		return false
	case p.after != "":
		return p.Prev()
	case p.Offset >= total:
		p.Offset = max((total-1)/max(p.Limit, 1)*p.Limit, 0)
		return true
	}
	return false
}

// Page is the current page's number, from 1.
func (p *Pager) Page() int { return p.Offset/max(p.Limit, 1) + 1 }

// Pages is how many pages the total makes (at least the current one).
func (p *Pager) Pages() int { return max((p.Total+p.Limit-1)/max(p.Limit, 1), p.Page()) }

// View is the page and row count: 第 2/5 页  共 230 条.
func (p *Pager) View() string {
	if p.Total == 0 {
		return "共 0 条"
	}
	return "第 " + strconv.Itoa(p.Page()) + "/" + strconv.Itoa(p.Pages()) + " 页  共 " + strconv.Itoa(p.Total) + " 条"
}
