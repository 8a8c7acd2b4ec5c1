package api

import (
	"context"
	"net/http"
	"strconv"

	"jxjy/server/domain"
)

// machineRoutes are what an institution's system calls with its API token:
// deliver 学时申报 records in batches and read back the units' decisions.
// No other route admits an API token, and no login session reaches these.
func (a *API) machineRoutes() []Route {
	machine := Access{Roles: []domain.Role{domain.RoleInstitution}, Machine: true}
	ms := a.cfg.Machine
	return []Route{
		{Method: "POST", Path: "/machine/records", Summary: "机构接口：批量学时申报（每批最多1000条，external_id 重复提交不重复入库）", Access: machine, handler: bodyResult(http.StatusOK, ms.DeliverRecords)},
		{Method: "GET", Path: "/machine/records", Summary: "机构接口：自 since 以来状态变化的记录（认定结果与意见）", Access: machine, handler: a.machineChanges},
	}
}

// tokenRoutes manage institutions' API tokens: an administrator for any
// institution, an institution for its own.
func (a *API) tokenRoutes() []Route {
	managers := Access{Roles: []domain.Role{domain.RoleAdmin, domain.RoleInstitution}}
	ts := a.cfg.Tokens
	return []Route{
		{Method: "GET", Path: "/api-tokens", Summary: "API 令牌列表（institution：管理员指定机构账号或编号）", Access: managers, handler: a.listTokens},
		{Method: "POST", Path: "/api-tokens", Summary: "创建 API 令牌（令牌只在应答中出现一次）", Access: managers, handler: bodyResult(http.StatusCreated, ts.CreateToken)},
		{Method: "POST", Path: "/api-tokens/{id}", Summary: "修改 API 令牌名称", Access: managers, handler: withIDBody(func(ctx context.Context, id int64, in struct {
			Name string `json:"name"`
		}) (domain.APIToken, error) {
			return ts.RenameToken(ctx, id, in.Name)
		})},
		{Method: "POST", Path: "/api-tokens/{id}/revoke", Summary: "吊销 API 令牌", Access: managers, handler: func(w http.ResponseWriter, r *http.Request) error {
			id, err := pathID(r)
			if err != nil {
				return err
			}
			if err := ts.RevokeToken(r.Context(), id); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
	}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	inst := r.URL.Query().Get("institution")
	return result(http.StatusOK, func(ctx context.Context) ([]domain.APIToken, error) {
		return a.cfg.Tokens.ListTokens(ctx, inst)
	})(w, r)
}

func (a *API) machineChanges(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	since := r.URL.Query().Get("since")
	return result(http.StatusOK, func(ctx context.Context) (domain.MachineChanges, error) {
		return a.cfg.Machine.RecordChanges(ctx, since, limit)
	})(w, r)
}

var (
	errMachineOnly    = domain.Errorf(domain.CodeForbidden, "此接口只接受施教机构的 API 令牌")
	errTokenElsewhere = domain.Errorf(domain.CodeForbidden, "API 令牌只能调用机构接口（/api/v1/machine/…）")
)

// serveMachine serves a request that is a machine route's or carries an
// API token. A login session on a machine route is forbidden (a forged
// one unauthenticated); an API token anywhere else is forbidden. Every
// call with a known token is written to the token's call log, and each
// token has its own rate budget. No captcha, no forced password change:
// the administrator issued the token for a machine.
func (a *API) serveMachine(w http.ResponseWriter, r *http.Request, rt Route) {
	tok := bearer(r)
	if !domain.IsAPIToken(tok) {
		// A session (or nothing) on a machine route.
		if _, err := a.authorize(r, Access{DuringPasswordChange: true, InactiveUnit: true}); err != nil {
			a.writeError(w, r, err)
			return
		}
		a.writeError(w, r, errMachineOnly)
		return
	}
	if a.cfg.TokenAuthn == nil {
		a.writeError(w, r, domain.Errorf(domain.CodeUnauthenticated, "本服务未启用 API 令牌"))
		return
	}
	p, err := a.cfg.TokenAuthn.AuthenticateToken(r.Context(), tok)
	rec := &statusRecorder{ResponseWriter: w}
	if p.APITokenID != 0 {
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			// The call log is written after the answer, on a context of its
			// own: a client that hung up is still a call.
			ctx := context.WithoutCancel(r.Context())
			if lerr := a.cfg.TokenAuthn.RecordTokenCall(ctx, p.APITokenID, r.Method, r.URL.Path, status, requestID(ctx)); lerr != nil {
				a.log.Warn("api token call log", "token", p.APITokenID, "err", lerr)
			}
		}()
	}
	switch {
	case err != nil:
		a.writeError(rec, r, err)
		return
	case !rt.Access.Machine:
		a.writeError(rec, r, errTokenElsewhere)
		return
	case p.User.Role != domain.RoleInstitution:
		a.writeError(rec, r, domain.Errorf(domain.CodeForbidden, "当前角色（%s）无权进行此操作", p.User.Role.Label()))
		return
	case a.tokenLimiter != nil && !a.tokenLimiter.allow("token:"+strconv.FormatInt(p.APITokenID, 10)):
		a.writeError(rec, r, domain.Errorf(domain.CodeRateLimited, "该 API 令牌调用过于频繁（每分钟最多%d次），请稍后再试", a.cfg.TokenPerMinute))
		return
	}
	a.serve(rec, r.WithContext(domain.WithPrincipal(r.Context(), p)), rt)
}
