package client

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

var _ domain.QueryService = (*Client)(nil)

// QueryPlans implements domain.QueryService.
func (c *Client) QueryPlans(ctx context.Context, q domain.PlanQuery) (domain.Page[domain.Plan], error) {
	v := url.Values{"name": {q.Name}}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	if q.CourseID != 0 {
		v.Set("course_id", strconv.FormatInt(q.CourseID, 10))
	}
	var out domain.Page[domain.Plan]
	err := c.do(ctx, call{method: http.MethodGet, path: personnelURL("/query/plans", v, q.PageRequest), out: &out})
	return out, err
}

// QueryPlan implements domain.QueryService.
func (c *Client) QueryPlan(ctx context.Context, id int64) (domain.QueryPlanDetail, error) {
	var out domain.QueryPlanDetail
	err := c.do(ctx, call{method: http.MethodGet, path: "/query/plans/" + strconv.FormatInt(id, 10), out: &out})
	return out, err
}

func recordQueryURL(path string, q domain.RecordQuery) string {
	v := url.Values{"name": {q.Name}, "id_number": {q.IDNumber}, "category": {q.Category},
		"source": {string(q.Source)}, "from": {q.From}, "to": {q.To}}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	return personnelURL(path, v, q.PageRequest)
}

// QueryRecords implements domain.QueryService.
func (c *Client) QueryRecords(ctx context.Context, q domain.RecordQuery) (domain.Page[domain.QueryRecord], error) {
	var out domain.Page[domain.QueryRecord]
	err := c.do(ctx, call{method: http.MethodGet, path: recordQueryURL("/query/records", q), out: &out})
	return out, err
}

// QueryRecord implements domain.QueryService.
func (c *Client) QueryRecord(ctx context.Context, id int64) (domain.QueryRecord, error) {
	var out domain.QueryRecord
	err := c.do(ctx, call{method: http.MethodGet, path: "/query/records/" + strconv.FormatInt(id, 10), out: &out})
	return out, err
}

// Statistics implements domain.QueryService.
func (c *Client) Statistics(ctx context.Context, year int) (domain.Stats, error) {
	path := "/stats"
	if year != 0 {
		path += "?year=" + strconv.Itoa(year)
	}
	var out domain.Stats
	err := c.do(ctx, call{method: http.MethodGet, path: path, out: &out})
	return out, err
}

// maxExportLine bounds one line of the export stream: a record is well
// under a kilobyte, its text fields being bounded.
const maxExportLine = 1 << 20

// ExportRecords implements domain.QueryService over the export stream
// (domain.RecordExportLine). Unlike file transfers it accepts gzip: the
// lines are text and shrink several times on a county office's link. It
// is not retried: each rerun would start over, and the caller decides.
// A stream that ends without its closing line is an error, so a cut link
// never passes for a complete export.
func (c *Client) ExportRecords(ctx context.Context, q domain.RecordQuery, each func(r domain.QueryRecord, n, total int) error) error {
	q.PageRequest = domain.PageRequest{}
	req, err := c.transferRequest(ctx, http.MethodGet, recordQueryURL("/query/record-export", q), nil)
	if err != nil {
		return err
	}
	// The transport asks for gzip and unpacks it when left to itself.
	req.Header.Del("Accept-Encoding")
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := c.transfers().Do(req)
	if err != nil {
		return linkError(ctx)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return errorOf(resp)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 64<<10), maxExportLine)
	total, n := -1, 0
	for lines.Scan() {
		var line domain.RecordExportLine
		if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
			return domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
		switch {
		case line.Error != nil:
			return line.Error
		case line.Done:
			return nil
		case line.Total != nil:
			total = *line.Total
		case line.Record != nil && total >= 0:
			n++
			if err := each(*line.Record, n, max(total, n)); err != nil {
				return err
			}
		default:
			return domain.Errorf(domain.CodeUnavailable, "服务器应答无法解析")
		}
	}
	if ctx.Err() != nil {
		return linkError(ctx)
	}
	return domain.Errorf(domain.CodeUnavailable, "导出中断：连接已断开，请重试")
}

// Work implements domain.WorkService.
func (c *Client) Work(ctx context.Context) (domain.WorkCounts, error) {
	out := domain.WorkCounts{}
	err := c.do(ctx, call{method: http.MethodGet, path: "/work", out: &out})
	return out, err
}
