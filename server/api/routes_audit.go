package api

import (
	"context"
	"net/http"

	"jxjy/server/domain"
)

// auditRoutes show any entity's history (the 历史 panel) to those who may
// see the entity, by the same per-type rule as its attachments.
func (a *API) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/entities/{type}/{id}/history", Summary: "操作历史", Access: Access{InactiveUnit: true}, handler: a.history},
	}
}

func (a *API) history(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	entity := r.PathValue("type")
	return result(http.StatusOK, func(ctx context.Context) ([]domain.AuditEntry, error) {
		return a.cfg.History.History(ctx, entity, id)
	})(w, r)
}
