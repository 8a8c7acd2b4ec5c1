package api

import (
	"context"
	"net/http"
	"strconv"

	"jxjy/server/domain"
)

// recordRoutes are continuing-education records: the unit's 继续教育记录申报
// and 认定, the person's 学时申报 and 我的学时, the institution's 学时申报 and
// 申报查询. Who sees which record is the service's rule; the routes admit
// the roles. Saves and transitions are POSTs, so a retried call replays
// its answer instead of meeting its own new version.
func (a *API) recordRoutes() []Route {
	declarers := Access{Roles: []domain.Role{domain.RoleUnit, domain.RolePerson, domain.RoleInstitution}}
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	submitters := Access{Roles: []domain.Role{domain.RolePerson, domain.RoleInstitution}}
	person := Access{Roles: []domain.Role{domain.RolePerson}}
	rs := a.cfg.Records
	return []Route{
		{Method: "GET", Path: "/records", Summary: "继续教育记录（person、source、status、category、year、from、to、limit、offset 或 after）", Access: declarers, handler: a.listRecords},
		{Method: "POST", Path: "/records", Summary: "添加培训记录（草稿）", Access: declarers, handler: bodyResult(http.StatusCreated, rs.CreateRecord)},
		{Method: "GET", Path: "/records/persons", Summary: "可选的本单位人员（q、limit、offset）", Access: unit, handler: a.recordPersons},
		{Method: "GET", Path: "/records/hours", Summary: "我的学时：各年度分类学时与要求", Access: person, handler: result(http.StatusOK, rs.MyHours)},
		{Method: "POST", Path: "/records/approvals", Summary: "批量审核施教机构提交的记录（同意）", Access: unit, handler: bodyResult(http.StatusOK, rs.ApproveRecords)},
		{Method: "GET", Path: "/records/{id}", Summary: "继续教育记录详情", Access: declarers, handler: withID(rs.GetRecord)},
		{Method: "POST", Path: "/records/{id}", Summary: "修改草稿或退回的记录", Access: declarers, handler: withIDBody(rs.UpdateRecord)},
		{Method: "DELETE", Path: "/records/{id}", Summary: "删除草稿（version）", Access: declarers, handler: a.deleteRecord},
		{Method: "POST", Path: "/records/{id}/confirm", Summary: "确认单位申报的记录（生效）", Access: unit, handler: recordTransition(rs.ConfirmRecord)},
		{Method: "POST", Path: "/records/{id}/submit", Summary: "送审个人或机构申报的记录", Access: submitters, handler: recordTransition(rs.SubmitRecord)},
		{Method: "POST", Path: "/records/{id}/review", Summary: "审核记录（同意、不同意并结案、不同意并退案）", Access: unit, handler: withIDBody(rs.ReviewRecord)},
	}
}

// recordTransition serves a move of the record in the path on the version
// in the body.
func recordTransition(call func(context.Context, int64, int64) (domain.Record, error)) handlerFunc {
	return withIDBody(func(ctx context.Context, id int64, v domain.VersionRef) (domain.Record, error) {
		return call(ctx, id, v.Version)
	})
}

func (a *API) listRecords(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.RecordFilter{Person: q.Get("person"), Source: domain.RecordSource(q.Get("source")),
		Status: domain.RecordStatus(q.Get("status")), Category: q.Get("category"), Year: year,
		From: q.Get("from"), To: q.Get("to"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Record], error) {
		return a.cfg.Records.ListRecords(ctx, f)
	})(w, r)
}

func (a *API) recordPersons(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := domain.RecordPersonSearch{Query: r.URL.Query().Get("q"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.RecordPerson], error) {
		return a.cfg.Records.SearchRecordPersons(ctx, q)
	})(w, r)
}

// deleteRecord takes the version read from the query: a DELETE has no body.
func (a *API) deleteRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil {
		return domain.Errorf(domain.CodeBadRequest, "参数 version 应为整数")
	}
	return noContent(func(ctx context.Context) error {
		return a.cfg.Records.DeleteRecord(ctx, id, version)
	})(w, r)
}
