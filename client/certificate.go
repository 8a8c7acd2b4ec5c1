package client

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

var (
	_ domain.RequirementService = (*Client)(nil)
	_ domain.CertificateService = (*Client)(nil)
)

// Requirements implements domain.RequirementService.
func (c *Client) Requirements(ctx context.Context) ([]domain.Requirement, error) {
	var out []domain.Requirement
	err := c.do(ctx, call{method: http.MethodGet, path: "/requirements", out: &out})
	return out, err
}

// CreateRequirement implements domain.RequirementService.
func (c *Client) CreateRequirement(ctx context.Context, in domain.RequirementInput) (domain.Requirement, error) {
	var out domain.Requirement
	err := c.do(ctx, call{method: http.MethodPost, path: "/requirements", in: in, out: &out})
	return out, err
}

// UpdateRequirement implements domain.RequirementService.
func (c *Client) UpdateRequirement(ctx context.Context, in domain.RequirementInput) (domain.Requirement, error) {
	var out domain.Requirement
	err := c.do(ctx, call{method: http.MethodPost, path: "/requirements/" + strconv.Itoa(in.Year), in: in, out: &out})
	return out, err
}

// ListCertificates implements domain.CertificateService.
func (c *Client) ListCertificates(ctx context.Context, q domain.CertificateQuery) (domain.CertificateList, error) {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" && value != "0" {
			v.Set(name, value)
		}
	}
	set("year", strconv.Itoa(q.Year))
	set("name", q.Name)
	set("id_number", q.IDNumber)
	set("state", string(q.State))
	set("limit", strconv.Itoa(q.Limit))
	set("offset", strconv.Itoa(q.Offset))
	var out domain.CertificateList
	err := c.do(ctx, call{method: http.MethodGet, path: "/certificates?" + v.Encode(), out: &out})
	return out, err
}

// Recount implements domain.CertificateService.
func (c *Client) Recount(ctx context.Context, r domain.RecountRequest) (domain.RecountResult, error) {
	var out domain.RecountResult
	err := c.do(ctx, call{method: http.MethodPost, path: "/certificates/recount", in: r, out: &out})
	return out, err
}

// Print implements domain.CertificateService.
func (c *Client) Print(ctx context.Context, r domain.PrintRequest) (domain.Certificate, error) {
	var out domain.Certificate
	err := c.do(ctx, call{method: http.MethodPost, path: "/certificates", in: r, out: &out})
	return out, err
}

// PrintBatch implements domain.CertificateService.
func (c *Client) PrintBatch(ctx context.Context, r domain.BatchPrintRequest) (domain.BatchPrintResult, error) {
	var out domain.BatchPrintResult
	err := c.do(ctx, call{method: http.MethodPost, path: "/certificates/batch", in: r, out: &out})
	return out, err
}

// Regenerate implements domain.CertificateService.
func (c *Client) Regenerate(ctx context.Context, r domain.RegenerateRequest) (domain.Certificate, error) {
	var out domain.Certificate
	path := "/certificates/" + strconv.FormatInt(r.CertificateID, 10) + "/regenerate"
	err := c.do(ctx, call{method: http.MethodPost, path: path, in: r, out: &out})
	return out, err
}

// CertificateHistory implements domain.CertificateService.
func (c *Client) CertificateHistory(ctx context.Context, r domain.CertificateHistoryRequest) ([]domain.Certificate, error) {
	v := url.Values{"person_id": {strconv.FormatInt(r.PersonID, 10)}, "year": {strconv.Itoa(r.Year)}}
	var out []domain.Certificate
	err := c.do(ctx, call{method: http.MethodGet, path: "/certificates/history?" + v.Encode(), out: &out})
	return out, err
}

// MyCertificates implements domain.CertificateService.
func (c *Client) MyCertificates(ctx context.Context) ([]domain.Certificate, error) {
	var out []domain.Certificate
	err := c.do(ctx, call{method: http.MethodGet, path: "/certificates/mine", out: &out})
	return out, err
}

// CertificatePDF implements domain.CertificateService: the PDF's bytes, a
// GET and so retried like any read.
func (c *Client) CertificatePDF(ctx context.Context, ids []int64) ([]byte, error) {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	req := c.http.R().SetContext(ctx).SetHeader("Accept", domain.ContentTypePDF+", application/json")
	if t := c.Token(); t != "" {
		req.SetAuthToken(t)
	}
	resp, err := req.Get("/certificates/pdf?" + url.Values{"ids": {strings.Join(parts, ",")}}.Encode())
	if err != nil {
		return nil, linkError(ctx)
	}
	if resp.StatusCode() >= 400 {
		return nil, decodeError(resp.StatusCode(), resp.Body())
	}
	if !bytes.HasPrefix(resp.Body(), []byte("%PDF")) {
		return nil, domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
	}
	return resp.Body(), nil
}

// Verify implements domain.CertificateService; it needs no session.
func (c *Client) Verify(ctx context.Context, r domain.VerifyRequest) (domain.Verification, error) {
	var out domain.Verification
	err := c.do(ctx, call{method: http.MethodPost, path: "/certificates/verify", in: r, out: &out, noKey: true})
	return out, err
}
