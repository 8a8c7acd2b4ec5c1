package api

import (
	"context"
	"net/http"
	"strconv"

	"jxjy/server/domain"
)

// applicationRoutes are the unit's role application and information, and
// the authority's review. Saves are POSTs so a retried save replays its
// answer instead of meeting its own new version as a conflict.
func (a *API) applicationRoutes() []Route {
	applying := Access{Roles: []domain.Role{domain.RoleUnit}, InactiveUnit: true}
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	authority := Access{Roles: []domain.Role{domain.RoleAuthority}}
	apps := a.cfg.Applications
	return []Route{
		{Method: "GET", Path: "/unit/application", Summary: "本单位的角色申请", Access: applying, handler: result(http.StatusOK, apps.MyApplication)},
		{Method: "POST", Path: "/unit/application", Summary: "保存角色申请（草稿）", Access: applying, handler: bodyResult(http.StatusOK, apps.SaveApplication)},
		{Method: "POST", Path: "/unit/application/submit", Summary: "角色申请送审", Access: applying, handler: bodyResult(http.StatusOK, apps.SubmitApplication)},
		{Method: "POST", Path: "/unit/info", Summary: "法人单位信息维护", Access: unit, handler: bodyResult(http.StatusOK, apps.UpdateUnitInfo)},
		{Method: "GET", Path: "/unit-applications", Summary: "单位角色审核队列（status、name、limit、offset）", Access: authority, handler: a.listApplications},
		{Method: "GET", Path: "/unit-applications/{id}", Summary: "单位角色申请详情", Access: authority, handler: a.getApplication},
		{Method: "POST", Path: "/unit-applications/{id}/review", Summary: "审核单位角色申请（同意或退回）", Access: authority, handler: a.reviewApplication},
	}
}

// applicationPathID reads a positive id from the path.
func applicationPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.CodeBadRequest, "编号无效：%s", r.PathValue(name))
	}
	return id, nil
}

func (a *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := domain.ApplicationQuery{
		Status:      domain.ApplicationStatus(r.URL.Query().Get("status")),
		Name:        r.URL.Query().Get("name"),
		PageRequest: page,
	}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.UnitApplication], error) {
		return a.cfg.Applications.ListApplications(ctx, q)
	})(w, r)
}

func (a *API) getApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	return result(http.StatusOK, func(ctx context.Context) (domain.UnitApplication, error) {
		return a.cfg.Applications.GetApplication(ctx, id)
	})(w, r)
}

func (a *API) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	return bodyResult(http.StatusOK, func(ctx context.Context, rv domain.ApplicationReview) (domain.UnitApplication, error) {
		return a.cfg.Applications.ReviewApplication(ctx, id, rv)
	})(w, r)
}
