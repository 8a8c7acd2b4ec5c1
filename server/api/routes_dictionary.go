package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// dictionaryRoutes are 字典维护. Items are named by their dictionary and
// code, the keys records store; an unknown dictionary is a bad request.
func (a *API) dictionaryRoutes() []Route {
	admin := Access{Roles: []domain.Role{domain.RoleAdmin}}
	ds := a.cfg.Dictionaries
	return []Route{
		{Method: "GET", Path: "/admin/dictionaries", Summary: "可维护的字典及其全部字典项", Access: admin, handler: result(http.StatusOK, ds.Dictionaries)},
		{Method: "POST", Path: "/admin/dictionaries/{kind}", Summary: "新增字典项", Access: admin, handler: addDictItem(ds)},
		{Method: "POST", Path: "/admin/dictionaries/{kind}/{code}", Summary: "修改字典项名称，启用或停用（version）", Access: admin, handler: updateDictItem(ds)},
	}
}

func addDictItem(ds domain.DictionaryAdmin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		kind := r.PathValue("kind")
		return bodyResult(http.StatusCreated, func(ctx context.Context, in domain.NewDictItem) (domain.DictEntry, error) {
			return ds.AddDictItem(ctx, kind, in)
		})(w, r)
	}
}

func updateDictItem(ds domain.DictionaryAdmin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		kind, code := r.PathValue("kind"), r.PathValue("code")
		return bodyResult(http.StatusOK, func(ctx context.Context, in domain.DictItemChange) (domain.DictEntry, error) {
			return ds.UpdateDictItem(ctx, kind, code, in)
		})(w, r)
	}
}
