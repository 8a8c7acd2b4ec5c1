package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"jxjy/server/domain"
)

// queryRoutes are 查询统计: the unit's 专业课计划查询 and
// 继续教育培训记录查询 with its export and summary, and the authority's 统计.
func (a *API) queryRoutes() []Route {
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	stats := Access{Roles: []domain.Role{domain.RoleUnit, domain.RoleAuthority}}
	qs := a.cfg.Queries
	return []Route{
		{Method: "GET", Path: "/query/plans", Summary: "专业课计划查询：本单位已通过的计划（year、course_id、name、limit、offset）", Access: unit, handler: a.queryPlans},
		{Method: "GET", Path: "/query/plans/{id}", Summary: "专业课计划详情：培训班、科目、教师与附件", Access: unit, handler: withID(qs.QueryPlan)},
		{Method: "GET", Path: "/query/records", Summary: "继续教育培训记录查询（name、id_number、year、category、source、from、to、limit、offset 或 after）", Access: unit, handler: a.queryRecords},
		{Method: "GET", Path: "/query/records/{id}", Summary: "培训记录详情", Access: unit, handler: withID(qs.QueryRecord)},
		{Method: "GET", Path: "/query/record-export", Summary: "导出培训记录：NDJSON 流，先总数、后逐条记录（筛选参数同查询）", Access: unit, handler: a.exportRecords},
		{Method: "GET", Path: "/stats", Summary: "统计：单位汇总或本辖区统计（year）", Access: stats, handler: a.statistics},
	}
}

func (a *API) queryPlans(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	course, err := queryInt(r, "course_id")
	if err != nil {
		return err
	}
	q := domain.PlanQuery{Year: year, CourseID: int64(course), Name: r.URL.Query().Get("name"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Plan], error) {
		return a.cfg.Queries.QueryPlans(ctx, q)
	})(w, r)
}

// recordQuery reads the record filters from the URL.
func recordQuery(r *http.Request) (domain.RecordQuery, error) {
	page, err := pageParams(r)
	if err != nil {
		return domain.RecordQuery{}, err
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return domain.RecordQuery{}, err
	}
	v := r.URL.Query()
	return domain.RecordQuery{Name: v.Get("name"), IDNumber: v.Get("id_number"), Year: year,
		Category: v.Get("category"), Source: domain.RecordSource(v.Get("source")),
		From: v.Get("from"), To: v.Get("to"), PageRequest: page}, nil
}

func (a *API) queryRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := recordQuery(r)
	if err != nil {
		return err
	}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.QueryRecord], error) {
		return a.cfg.Queries.QueryRecords(ctx, q)
	})(w, r)
}

// exportRecords streams the matching records as NDJSON (see
// domain.RecordExportLine). Until the first line is written a failure is
// an ordinary error answer; after it, an error line ends the stream.
func (a *API) exportRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := recordQuery(r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	deadline := a.renewWrites(w)
	started := false
	start := func(total int) error {
		started = true
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return enc.Encode(domain.RecordExportLine{Total: &total})
	}
	err = a.cfg.Queries.ExportRecords(r.Context(), q, func(rec domain.QueryRecord, _, total int) error {
		if !started {
			if err := start(total); err != nil {
				return err
			}
		}
		deadline.renew()
		return enc.Encode(domain.RecordExportLine{Record: &rec})
	})
	switch {
	case err != nil && !started:
		return err
	case err != nil:
		var de *domain.Error
		if a.clientClosed(r, err) {
			return nil
		}
		if !errors.As(err, &de) {
			a.log.ErrorContext(r.Context(), "export failed", slog.String("request_id", requestID(r.Context())), slog.Any("err", err))
			de = &domain.Error{Code: domain.CodeInternal, Message: domain.ErrorMessage(err)}
		}
		_ = enc.Encode(domain.RecordExportLine{Error: de})
		return nil
	case !started:
		_ = start(0)
	}
	deadline.renew()
	_ = enc.Encode(domain.RecordExportLine{Done: true})
	return nil
}

func (a *API) statistics(w http.ResponseWriter, r *http.Request) error {
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	return result(http.StatusOK, func(ctx context.Context) (domain.Stats, error) {
		return a.cfg.Queries.Statistics(ctx, year)
	})(w, r)
}
