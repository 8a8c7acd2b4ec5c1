package client

import (
	"context"
	"net/http"
	"net/url"

	"jxjy/server/domain"
)

var _ domain.DictionaryAdmin = (*Client)(nil)

// Dictionaries implements domain.DictionaryAdmin.
func (c *Client) Dictionaries(ctx context.Context) ([]domain.Dictionary, error) {
	var out []domain.Dictionary
	err := c.do(ctx, call{method: http.MethodGet, path: "/admin/dictionaries", out: &out})
	return out, err
}

// AddDictItem implements domain.DictionaryAdmin.
func (c *Client) AddDictItem(ctx context.Context, kind string, item domain.NewDictItem) (domain.DictEntry, error) {
	var out domain.DictEntry
	err := c.do(ctx, call{method: http.MethodPost, path: "/admin/dictionaries/" + url.PathEscape(kind), in: item, out: &out})
	return out, err
}

// UpdateDictItem implements domain.DictionaryAdmin.
func (c *Client) UpdateDictItem(ctx context.Context, kind, code string, change domain.DictItemChange) (domain.DictEntry, error) {
	var out domain.DictEntry
	err := c.do(ctx, call{method: http.MethodPost, path: "/admin/dictionaries/" + url.PathEscape(kind) + "/" + url.PathEscape(code), in: change, out: &out})
	return out, err
}
