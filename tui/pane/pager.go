package pane

import (
	"strconv"

	"jxjy/server/domain"
)

// Pager is the server-side page a hand-built list shows: a page holds more
// rows than the screen, which scrolls within it; the list's page keys
// fetch the neighbours.
type Pager struct {
	Limit, Offset, Total int
}

// NewPager starts at the first page of domain.DefaultPageSize rows.
func NewPager() Pager { return Pager{Limit: domain.DefaultPageSize} }

// Request asks for the current page.
func (p *Pager) Request() domain.PageRequest {
	return domain.PageRequest{Limit: p.Limit, Offset: p.Offset}
}

// Next and Prev move a page and report whether there was one.
func (p *Pager) Next() bool {
	if p.Offset+p.Limit >= p.Total {
		return false
	}
	p.Offset += p.Limit
	return true
}

func (p *Pager) Prev() bool {
	if p.Offset == 0 {
		return false
	}
	p.Offset = max(p.Offset-p.Limit, 0)
	return true
}

// Received takes the page the server answered; an empty page past the end
// (rows removed meanwhile) steps back to the last page that has rows.
func (p *Pager) Received(total, offset int) (again bool) {
	p.Total, p.Offset = total, offset
	if offset > 0 && offset >= total {
		p.Offset = max((total-1)/max(p.Limit, 1)*p.Limit, 0)
		return true
	}
	return false
}

// View is the page and row count: 第 2/5 页  共 230 条.
func (p *Pager) View() string {
	if p.Total == 0 {
		return "共 0 条"
	}
	pages := (p.Total + p.Limit - 1) / p.Limit
	return "第 " + strconv.Itoa(p.Offset/p.Limit+1) + "/" + strconv.Itoa(pages) + " 页  共 " + strconv.Itoa(p.Total) + " 条"
}
