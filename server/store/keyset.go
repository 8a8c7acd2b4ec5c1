package store

import "jxjy/server/domain"

// Keyset paging (see domain.PageRequest): a page reads one row more than
// it shows; that row's presence says another page follows, whose cursor
// is the sort key of the last row shown.

// keysetNext trims the extra row of items read with LIMIT limit+1 and
// returns the cursor of the next page, "" when there is none.
func keysetNext[T any](items []T, limit int, key func(T) []int64) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, domain.Cursor(key(items[limit-1])...)
}

// pageOffset is the offset a page answers with: the request's, or 0 for a
// page asked for by cursor, whose position only the client knows.
func pageOffset(pr domain.PageRequest) int {
	if pr.After != "" {
		return 0
	}
	return pr.Offset
}
