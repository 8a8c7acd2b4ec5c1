package domain

// PageRequest asks for one page of a list; every list is paged on the
// server. Limit is clamped to [1, MaxPageSize]; 0 means DefaultPageSize.
type PageRequest struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

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

// Page is one page of a list and the total matching the filter.
type Page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
}
