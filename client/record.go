package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var _ domain.RecordService = (*Client)(nil)

func recordPath(id int64, action string) string {
	p := "/records/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

// ListRecords implements domain.RecordService.
func (c *Client) ListRecords(ctx context.Context, f domain.RecordFilter) (domain.Page[domain.Record], error) {
	var out domain.Page[domain.Record]
	v := url.Values{"person": {f.Person}, "source": {string(f.Source)}, "status": {string(f.Status)},
		"category": {f.Category}, "from": {f.From}, "to": {f.To}}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/records", v, f.PageRequest), out: &out})
	return out, err
}

// GetRecord implements domain.RecordService.
func (c *Client) GetRecord(ctx context.Context, id int64) (domain.Record, error) {
	var out domain.Record
	err := c.do(ctx, call{method: http.MethodGet, path: recordPath(id, ""), out: &out})
	return out, err
}

// CreateRecord implements domain.RecordService.
func (c *Client) CreateRecord(ctx context.Context, in domain.RecordInput) (domain.Record, error) {
	var out domain.Record
	err := c.do(ctx, call{method: http.MethodPost, path: "/records", in: in, out: &out})
	return out, err
}

// UpdateRecord implements domain.RecordService.
func (c *Client) UpdateRecord(ctx context.Context, id int64, in domain.RecordInput) (domain.Record, error) {
	var out domain.Record
	err := c.do(ctx, call{method: http.MethodPost, path: recordPath(id, ""), in: in, out: &out})
	return out, err
}

// DeleteRecord implements domain.RecordService.
func (c *Client) DeleteRecord(ctx context.Context, id int64, version int64) error {
	path := recordPath(id, "") + "?version=" + strconv.FormatInt(version, 10)
	return c.do(ctx, call{method: http.MethodDelete, path: path})
}

func (c *Client) moveRecord(ctx context.Context, id int64, action string, version int64) (domain.Record, error) {
	var out domain.Record
	err := c.do(ctx, call{method: http.MethodPost, path: recordPath(id, action), in: domain.VersionRef{Version: version}, out: &out})
	return out, err
}

// ConfirmRecord implements domain.RecordService.
func (c *Client) ConfirmRecord(ctx context.Context, id int64, version int64) (domain.Record, error) {
	return c.moveRecord(ctx, id, "confirm", version)
}

// SubmitRecord implements domain.RecordService.
func (c *Client) SubmitRecord(ctx context.Context, id int64, version int64) (domain.Record, error) {
	return c.moveRecord(ctx, id, "submit", version)
}

// ReviewRecord implements domain.RecordService.
func (c *Client) ReviewRecord(ctx context.Context, id int64, r domain.RecordReview) (domain.Record, error) {
	var out domain.Record
	err := c.do(ctx, call{method: http.MethodPost, path: recordPath(id, "review"), in: r, out: &out})
	return out, err
}

// ApproveRecords implements domain.RecordService.
func (c *Client) ApproveRecords(ctx context.Context, b domain.RecordBatchApproval) (domain.RecordBatchSummary, error) {
	var out domain.RecordBatchSummary
	err := c.do(ctx, call{method: http.MethodPost, path: "/records/approvals", in: b, out: &out})
	return out, err
}

// SearchRecordPersons implements domain.RecordService.
func (c *Client) SearchRecordPersons(ctx context.Context, q domain.RecordPersonSearch) (domain.Page[domain.RecordPerson], error) {
	var out domain.Page[domain.RecordPerson]
	path := personnelURL("/records/persons", url.Values{"q": {q.Query}}, q.PageRequest)
	err := c.do(ctx, call{method: http.MethodGet, path: path, out: &out})
	return out, err
}

// MyHours implements domain.RecordService.
func (c *Client) MyHours(ctx context.Context) ([]domain.YearHours, error) {
	var out []domain.YearHours
	err := c.do(ctx, call{method: http.MethodGet, path: "/records/hours", out: &out})
	return out, err
}
