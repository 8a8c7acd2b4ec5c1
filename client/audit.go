package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jxjy/server/domain"
)

// History implements domain.HistoryService.
func (c *Client) History(ctx context.Context, entityType string, entityID int64) ([]domain.AuditEntry, error) {
	var out []domain.AuditEntry
	err := c.do(ctx, call{method: http.MethodGet, path: entityPath(entityType, entityID) + "/history", out: &out})
	return out, err
}

// entityPath is where an entity's shared resources (files, history) live.
func entityPath(entityType string, id int64) string {
	return "/entities/" + url.PathEscape(entityType) + "/" + strconv.FormatInt(id, 10)
}
