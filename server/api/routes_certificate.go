package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// certificateRoutes are 学时要求设置, 继续教育证书打印, 我的证书 and the public
// certificate check. Who may edit requirements and whose certificates a
// caller sees are the services' rules; the routes admit the roles.
func (a *API) certificateRoutes() []Route {
	editors := Access{Roles: []domain.Role{domain.RoleAuthority, domain.RoleAdmin}}
	unit := Access{Roles: []domain.Role{domain.RoleUnit}}
	holders := Access{Roles: []domain.Role{domain.RoleUnit, domain.RolePerson}}
	person := Access{Roles: []domain.Role{domain.RolePerson}}
	// The check is a door anyone may knock on: budgeted per address like
	// login, and never stored for replay.
	check := Access{Public: true, RateLimited: true, NoIdempotency: true}
	rq, cs := a.cfg.Requirements, a.cfg.Certificates
	return []Route{
		{Method: "GET", Path: "/requirements", Summary: "各年度学时要求", Access: Access{}, handler: result(http.StatusOK, rq.Requirements)},
		{Method: "POST", Path: "/requirements", Summary: "设置新年度学时要求（省级主管部门、管理员）", Access: editors, handler: bodyResult(http.StatusCreated, rq.CreateRequirement)},
		{Method: "POST", Path: "/requirements/{year}", Summary: "修改年度学时要求（version；已发放证书的年度须以 confirm_issued 确认证书张数，证书仍按发放时有效）", Access: editors, handler: a.updateRequirement},
		{Method: "GET", Path: "/certificates", Summary: "证书打印名单：本单位人员的年度学时与证书（year、name、id_number、state、limit、offset）", Access: unit, handler: a.listCertificates},
		{Method: "POST", Path: "/certificates", Summary: "打印：取得或发放证书编号", Access: unit, handler: bodyResult(http.StatusOK, cs.Print)},
		{Method: "POST", Path: "/certificates/batch", Summary: "批量打印勾选人员的证书", Access: unit, handler: bodyResult(http.StatusOK, cs.PrintBatch)},
		{Method: "POST", Path: "/certificates/recount", Summary: "重新统计学时（一人或分批统计全单位）", Access: unit, handler: bodyResult(http.StatusOK, cs.Recount)},
		{Method: "GET", Path: "/certificates/history", Summary: "某人某年度的证书，含已作废（person_id、year）", Access: unit, handler: a.certificateHistory},
		{Method: "POST", Path: "/certificates/{id}/regenerate", Summary: "重新生成证书：作废原编号并发放新编号（version、reason）", Access: unit, handler: a.regenerateCertificate},
		{Method: "GET", Path: "/certificates/pdf", Summary: "证书PDF，每份一页（ids=1,2,3）", Access: holders, handler: a.certificatePDF},
		{Method: "GET", Path: "/certificates/mine", Summary: "我的证书", Access: person, handler: result(http.StatusOK, cs.MyCertificates)},
		{Method: "POST", Path: "/certificates/verify", Summary: "证书查验（证书编号与验证码，无需登录）", Access: check, handler: bodyResult(http.StatusOK, cs.Verify)},
	}
}

// certificateQueryInt reads an integer query parameter; a missing one is 0.
func certificateQueryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, domain.Errorf(domain.CodeBadRequest, "参数 %s 应为整数", name)
	}
	return n, nil
}

func (a *API) updateRequirement(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return domain.Errorf(domain.CodeNotFound, "该年度尚未设置学时要求")
	}
	return bodyResult(http.StatusOK, func(ctx context.Context, in domain.RequirementInput) (domain.Requirement, error) {
		in.Year = year
		return a.cfg.Requirements.UpdateRequirement(ctx, in)
	})(w, r)
}

func (a *API) listCertificates(w http.ResponseWriter, r *http.Request) error {
	if err := pageBounds(r); err != nil {
		return err
	}
	var n [3]int64
	for i, name := range []string{"year", "limit", "offset"} {
		v, err := certificateQueryInt(r, name)
		if err != nil {
			return err
		}
		n[i] = v
	}
	q := r.URL.Query()
	query := domain.CertificateQuery{Year: int(n[0]), Name: q.Get("name"), IDNumber: q.Get("id_number"),
		State: domain.CertificateState(q.Get("state")), PageRequest: domain.PageRequest{Limit: int(n[1]), Offset: int(n[2])}}
	return result(http.StatusOK, func(ctx context.Context) (domain.CertificateList, error) {
		return a.cfg.Certificates.ListCertificates(ctx, query)
	})(w, r)
}

func (a *API) certificateHistory(w http.ResponseWriter, r *http.Request) error {
	person, err := certificateQueryInt(r, "person_id")
	if err != nil {
		return err
	}
	year, err := certificateQueryInt(r, "year")
	if err != nil {
		return err
	}
	req := domain.CertificateHistoryRequest{PersonID: person, Year: int(year)}
	return result(http.StatusOK, func(ctx context.Context) ([]domain.Certificate, error) {
		return a.cfg.Certificates.CertificateHistory(ctx, req)
	})(w, r)
}

func (a *API) regenerateCertificate(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return domain.Errorf(domain.CodeNotFound, "证书不存在")
	}
	return bodyResult(http.StatusCreated, func(ctx context.Context, in domain.RegenerateRequest) (domain.Certificate, error) {
		in.CertificateID = id
		return a.cfg.Certificates.Regenerate(ctx, in)
	})(w, r)
}

// certificatePDF answers with the certificates ids as one PDF.
func (a *API) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, part := range strings.Split(r.URL.Query().Get("ids"), ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return domain.Errorf(domain.CodeBadRequest, "参数 ids 应为以逗号分隔的证书编号")
		}
		ids = append(ids, id)
	}
	pdf, err := a.cfg.Certificates.CertificatePDF(r.Context(), ids)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", domain.ContentTypePDF)
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Content-Disposition", `attachment; filename="certificates.pdf"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
	return nil
}
