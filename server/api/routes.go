package api

import (
	"net/http"

	"jxjy/server/domain"
)

// routeTable is every route with its access rule. Later modules append
// their own routes here; the authorization tests walk this table.
func (a *API) routeTable() []Route {
	public := Access{Public: true}
	door := Access{Public: true, RateLimited: true}
	anyUser := Access{DuringPasswordChange: true, InactiveUnit: true}
	admin := Access{Roles: []domain.Role{domain.RoleAdmin}}
	auth, adm := a.cfg.Auth, a.cfg.Admin
	routes := []Route{
		{Method: "GET", Path: "/healthz", Summary: "服务与数据库状态", Access: public, handler: a.healthz},
		{Method: "GET", Path: "/reference", Summary: "地区、主管部门与字典", Access: public, handler: a.reference},
		{Method: "POST", Path: "/captcha", Summary: "获取验证码", Access: door, handler: result(http.StatusCreated, auth.NewCaptcha)},
		{Method: "POST", Path: "/session", Summary: "登录", Access: Access{Public: true, RateLimited: true, NoIdempotency: true}, handler: bodyResult(http.StatusCreated, auth.Login)},
		{Method: "GET", Path: "/session", Summary: "当前会话", Access: anyUser, handler: result(http.StatusOK, auth.Me)},
		{Method: "DELETE", Path: "/session", Summary: "退出登录", Access: anyUser, handler: noContent(auth.Logout)},
		{Method: "POST", Path: "/session/password", Summary: "修改密码", Access: anyUser, handler: body(http.StatusNoContent, auth.ChangePassword)},
		{Method: "POST", Path: "/units", Summary: "单位注册", Access: door, handler: body(http.StatusCreated, auth.RegisterUnit)},
		{Method: "POST", Path: "/admin/accounts", Summary: "创建主管部门、施教机构或管理员账号", Access: admin, handler: bodyResult(http.StatusCreated, adm.CreateAccount)},
		{Method: "GET", Path: "/work", Summary: "今日待办：各模块待处理的条数（菜单显示）", Access: Access{InactiveUnit: true}, handler: result(http.StatusOK, a.cfg.Work.Work)},
		{Method: "POST", Path: "/admin/password-resets", Summary: "重置他人密码", Access: admin, handler: body(http.StatusNoContent, adm.ResetPassword)},
	}
	routes = append(routes, a.applicationRoutes()...)
	routes = append(routes, a.attachmentRoutes()...)
	routes = append(routes, a.auditRoutes()...)
	routes = append(routes, a.personRoutes()...)
	routes = append(routes, a.teacherRoutes()...)
	routes = append(routes, a.creditRoutes()...)
	routes = append(routes, a.queryRoutes()...)
	routes = append(routes, a.recordRoutes()...)
	routes = append(routes, a.planRoutes()...)
	routes = append(routes, a.recordImportRoutes()...)
	routes = append(routes, a.certificateRoutes()...)
	routes = append(routes, a.verifyRoutes()...)
	routes = append(routes, a.dictionaryRoutes()...)
	routes = append(routes, a.tokenRoutes()...)
	routes = append(routes, a.machineRoutes()...)
	return routes
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Ready != nil {
		if err := a.cfg.Ready(r.Context()); err != nil {
			a.log.ErrorContext(r.Context(), "not ready", "err", err)
			return domain.Errorf(domain.CodeUnavailable, "数据库暂不可用")
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (a *API) reference(w http.ResponseWriter, r *http.Request) error {
	ref, err := a.cfg.Reference.Reference(r.Context())
	if err != nil {
		return err
	}
	// Reference data changes rarely; let the client keep it for a while.
	w.Header().Set("Cache-Control", "private, max-age=300")
	writeJSON(w, http.StatusOK, ref)
	return nil
}
