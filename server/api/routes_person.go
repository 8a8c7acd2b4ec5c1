package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// personRoutes are a person's own record and claim, and the unit's
// 专业技术人员信息确认 and 维护. Saves and decisions are POSTs so a retried
// call replays its answer instead of meeting its own new version.
func (a *API) personRoutes() []Route {
	door := Access{Public: true, RateLimited: true}
	person := Access{Roles: []domain.Role{domain.RolePerson}}
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	ps := a.cfg.Persons
	return []Route{
		{Method: "POST", Path: "/person-registrations", Summary: "专业技术人员注册（登录名为身份证号）", Access: door, handler: body(http.StatusCreated, ps.RegisterPerson)},
		{Method: "GET", Path: "/person/profile", Summary: "个人信息", Access: person, handler: result(http.StatusOK, ps.MyPerson)},
		{Method: "POST", Path: "/person/profile/contact", Summary: "修改本人联系方式", Access: person, handler: bodyResult(http.StatusOK, ps.UpdateMyContact)},
		{Method: "GET", Path: "/person/units", Summary: "查找可申请加入的单位（q、limit、offset）", Access: person, handler: a.searchUnits},
		{Method: "POST", Path: "/person/profile/claim", Summary: "申请加入单位", Access: person, handler: bodyResult(http.StatusOK, ps.ClaimUnit)},
		{Method: "POST", Path: "/person/profile/withdraw", Summary: "撤回加入单位申请", Access: person, handler: bodyResult(http.StatusOK, ps.WithdrawClaim)},
		{Method: "GET", Path: "/persons", Summary: "本单位专业技术人员（name、id_number、title、status、limit、offset 或 after）", Access: unit, handler: a.listPersons},
		{Method: "POST", Path: "/persons", Summary: "新增专业技术人员", Access: unit, handler: bodyResult(http.StatusCreated, ps.AddPerson)},
		{Method: "POST", Path: "/persons/decisions", Summary: "人员确认（批量是/否）", Access: unit, handler: bodyResult(http.StatusOK, ps.DecideAffiliations)},
		{Method: "GET", Path: "/persons/{id}", Summary: "专业技术人员详情", Access: unit, handler: withID(ps.GetPerson)},
		{Method: "POST", Path: "/persons/{id}", Summary: "修改专业技术人员", Access: unit, handler: withIDBody(ps.UpdatePerson)},
		{Method: "POST", Path: "/persons/{id}/decision", Summary: "确认人员是否属于本单位（是/否）", Access: unit, handler: withIDBody(ps.DecideAffiliation)},
	}
}

func (a *API) searchUnits(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := domain.UnitSearch{Query: r.URL.Query().Get("q"), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.UnitBrief], error) {
		return a.cfg.Persons.SearchUnits(ctx, q)
	})(w, r)
}

func (a *API) listPersons(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.PersonFilter{Name: q.Get("name"), IDNumber: q.Get("id_number"), Title: q.Get("title"),
		Status: domain.Affiliation(q.Get("status")), PageRequest: page}
	return result(http.StatusOK, func(ctx context.Context) (domain.Page[domain.Person], error) {
		return a.cfg.Persons.ListPersons(ctx, f)
	})(w, r)
}
