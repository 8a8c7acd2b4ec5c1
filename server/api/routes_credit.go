package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// creditRoutes are 信用管理: a unit's 失信信息录入 and 单位失信信息查看,
// and an authority's 单位失信信息录入. Saves are POSTs, so a retried call
// replays its answer.
func (a *API) creditRoutes() []Route {
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	keeper := Access{Roles: []domain.Role{domain.RoleUnit, domain.RoleAuthority}}
	authority := Access{Roles: []domain.Role{domain.RoleAuthority}}
	cs := a.cfg.Credit
	return []Route{
		{Method: "GET", Path: "/credit", Summary: "本单位录入的人员失信信息，或本辖区单位的失信信息（name、type、active、limit、offset）", Access: keeper, handler: a.listCredit(cs.ListCredit)},
		{Method: "POST", Path: "/credit", Summary: "录入失信信息", Access: keeper, handler: bodyResult(http.StatusCreated, cs.CreateCredit)},
		{Method: "GET", Path: "/credit/{id}", Summary: "失信信息详情", Access: keeper, handler: withID(cs.GetCredit)},
		{Method: "POST", Path: "/credit/{id}", Summary: "修改失信信息", Access: keeper, handler: withIDBody(cs.UpdateCredit)},
		{Method: "GET", Path: "/unit/credit", Summary: "单位失信信息查看（name、type、active、limit、offset）", Access: unit, handler: a.listCredit(cs.ListUnitCredit)},
		{Method: "GET", Path: "/credit-units", Summary: "查询本辖区已通过审核的单位（q、limit、offset）", Access: authority, handler: a.creditUnits},
	}
}

func (a *API) listCredit(list func(context.Context, domain.CreditFilter) (domain.Page[domain.CreditRecord], error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		page, err := pageParams(r)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		f := domain.CreditFilter{Name: q.Get("name"), Type: q.Get("type"), ActiveOnly: q.Get("active") == "true", PageRequest: page}
		return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.CreditRecord], error) { return list(ctx, f) })(w, r)
	}
}

func (a *API) creditUnits(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := domain.UnitSearch{Query: r.URL.Query().Get("q"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.UnitBrief], error) {
		return a.cfg.Credit.CreditUnits(ctx, q)
	})(w, r)
}
