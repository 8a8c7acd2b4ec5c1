package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

// MyApplication implements domain.UnitApplicationService.
func (c *Client) MyApplication(ctx context.Context) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodGet, path: "/unit/application", out: &out})
	return out, err
}

// SaveApplication implements domain.UnitApplicationService.
func (c *Client) SaveApplication(ctx context.Context, f domain.ApplicationForm) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodPost, path: "/unit/application", in: f, out: &out})
	return out, err
}

// SubmitApplication implements domain.UnitApplicationService.
func (c *Client) SubmitApplication(ctx context.Context, s domain.ApplicationSubmit) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodPost, path: "/unit/application/submit", in: s, out: &out})
	return out, err
}

// UpdateUnitInfo implements domain.UnitApplicationService.
func (c *Client) UpdateUnitInfo(ctx context.Context, i domain.UnitInfo) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodPost, path: "/unit/info", in: i, out: &out})
	return out, err
}

// ListApplications implements domain.UnitApplicationService.
func (c *Client) ListApplications(ctx context.Context, q domain.ApplicationQuery) (domain.Page[domain.UnitApplication], error) {
	v := url.Values{}
	if q.Status != "" {
		v.Set("status", string(q.Status))
	}
	if q.Name != "" {
		v.Set("name", q.Name)
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset != 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	path := "/unit-applications"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var out domain.Page[domain.UnitApplication]
	err := c.do(ctx, call{method: http.MethodGet, path: path, out: &out})
	return out, err
}

// GetApplication implements domain.UnitApplicationService.
func (c *Client) GetApplication(ctx context.Context, id int64) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodGet, path: "/unit-applications/" + strconv.FormatInt(id, 10), out: &out})
	return out, err
}

// ReviewApplication implements domain.UnitApplicationService.
func (c *Client) ReviewApplication(ctx context.Context, id int64, r domain.ApplicationReview) (domain.UnitApplication, error) {
	var out domain.UnitApplication
	err := c.do(ctx, call{method: http.MethodPost, path: "/unit-applications/" + strconv.FormatInt(id, 10) + "/review", in: r, out: &out})
	return out, err
}
