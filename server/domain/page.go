package domain

import (
	"strconv"
	"strings"
)

// PageRequest asks for one page of a list; every list is paged on the
// server. Limit is clamped to [1, MaxPageSize]; 0 means DefaultPageSize.
//
// The lists that grow with the province (a unit's persons, records and
// review queue, 继续教育培训记录查询) also page by keyset: After is the
// Next of the page before, and the page starts after that row, however
// deep in the list it is, and without the skips and repeats an offset
// suffers when rows come and go between pages. Offset is then ignored.
// The other lists page by Offset only.
type PageRequest struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	After  string `json:"after,omitempty"`
}

const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// maxCursorLen bounds a cursor: a few int64s in decimal.
const maxCursorLen = 64

// Normalize clamps the request to sane bounds.
func (p PageRequest) Normalize() PageRequest {
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	if p.Limit > MaxPageSize {
		p.Limit = MaxPageSize
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Cursor is a row's sort key as After and Next carry it: its parts in
// decimal, joined by '.'. Clients treat it as opaque.
func Cursor(key ...int64) string {
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = strconv.FormatInt(k, 10)
	}
	return strings.Join(parts, ".")
}

// Key is After read as the sort key of a list whose key has n parts;
// nil when the request has no cursor.
func (p PageRequest) Key(n int) ([]int64, error) {
	if p.After == "" {
		return nil, nil
	}
	key, err := parseCursor(p.After)
	if err != nil || len(key) != n {
		return nil, badCursor()
	}
	return key, nil
}

// CheckCursor refuses an After that no list could have issued.
func (p PageRequest) CheckCursor() error {
	if p.After == "" {
		return nil
	}
	_, err := parseCursor(p.After)
	return err
}

func badCursor() error {
	return Errorf(CodeBadRequest, "翻页位置无效，请回到第一页重新查询")
}

func parseCursor(s string) ([]int64, error) {
	if len(s) > maxCursorLen {
		return nil, badCursor()
	}
	parts := strings.Split(s, ".")
	key := make([]int64, len(parts))
	for i, part := range parts {
		// Digits only: no sign, no spaces, no empty part.
		if part == "" || strings.TrimLeft(part, "0123456789") != "" {
			return nil, badCursor()
		}
		k, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, badCursor()
		}
		key[i] = k
	}
	return key, nil
}

// Page is one page of a list and the total matching the filter. Next is
// the cursor of the page after this one on a keyset-paged list, "" on
// its last page (and always on the other lists). Offset is the request's
// offset; 0 on a page asked for by cursor, whose position the client
// keeps.
type Page[T any] struct {
	Items  []T    `json:"items"`
	Total  int    `json:"total"`
	Offset int    `json:"offset"`
	Next   string `json:"next"`
}
