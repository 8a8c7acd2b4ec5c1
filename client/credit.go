package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var _ domain.CreditService = (*Client)(nil)

func creditValues(f domain.CreditFilter) url.Values {
	v := url.Values{"name": {f.Name}, "type": {f.Type}}
	if f.ActiveOnly {
		v.Set("active", "true")
	}
	return v
}

func creditPath(id int64) string { return "/credit/" + strconv.FormatInt(id, 10) }

// ListCredit implements domain.CreditService.
func (c *Client) ListCredit(ctx context.Context, f domain.CreditFilter) (domain.Page[domain.CreditRecord], error) {
	var out domain.Page[domain.CreditRecord]
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/credit", creditValues(f), f.PageRequest), out: &out})
	return out, err
}

// ListUnitCredit implements domain.CreditService.
func (c *Client) ListUnitCredit(ctx context.Context, f domain.CreditFilter) (domain.Page[domain.CreditRecord], error) {
	var out domain.Page[domain.CreditRecord]
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/unit/credit", creditValues(f), f.PageRequest), out: &out})
	return out, err
}

// GetCredit implements domain.CreditService.
func (c *Client) GetCredit(ctx context.Context, id int64) (domain.CreditRecord, error) {
	var out domain.CreditRecord
	err := c.do(ctx, call{method: http.MethodGet, path: creditPath(id), out: &out})
	return out, err
}

// CreateCredit implements domain.CreditService.
func (c *Client) CreateCredit(ctx context.Context, in domain.CreditInput) (domain.CreditRecord, error) {
	var out domain.CreditRecord
	err := c.do(ctx, call{method: http.MethodPost, path: "/credit", in: in, out: &out})
	return out, err
}

// UpdateCredit implements domain.CreditService.
func (c *Client) UpdateCredit(ctx context.Context, id int64, in domain.CreditInput) (domain.CreditRecord, error) {
	var out domain.CreditRecord
	err := c.do(ctx, call{method: http.MethodPost, path: creditPath(id), in: in, out: &out})
	return out, err
}

// CreditUnits implements domain.CreditService.
func (c *Client) CreditUnits(ctx context.Context, q domain.UnitSearch) (domain.Page[domain.UnitBrief], error) {
	var out domain.Page[domain.UnitBrief]
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/credit-units", url.Values{"q": {q.Query}}, q.PageRequest), out: &out})
	return out, err
}
