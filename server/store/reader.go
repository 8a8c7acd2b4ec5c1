package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache: queries are built from
// a fixed set of filters, so the distinct texts are few, but a list of
// ids (IN ($1, $2, …)) makes one text per length.
const maxCachedStatements = 1000

// reader is the pool plain reads go to. On SQLite it prepares each
// statement text once and reuses it: parsing costs SQLite more than
// running a list page's queries (a third of the server's CPU under load),
// and database/sql keeps a statement prepared on each connection that
// has run it. pgx caches statements itself, so on PostgreSQL reader
// passes queries straight through.
type reader struct {
	*sql.DB
	cache bool

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newReader(pool *sql.DB, cache bool) *reader {
	return &reader{DB: pool, cache: cache, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement of query, or nil when statements
// are not cached (or the cache is full).
func (r *reader) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if !r.cache {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, ok := r.stmts[query]; ok {
		return st, nil
	}
	if len(r.stmts) >= maxCachedStatements {
		return nil, nil
	}
	// Prepared for the pool, not the request: the statement outlives ctx.
	st, err := r.DB.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	r.stmts[query] = st
	return st, nil
}

func (r *reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return r.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (r *reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, query)
	if st == nil || err != nil {
		// A statement that does not prepare fails the same way here,
		// where *sql.Row can carry the error.
		return r.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// Close closes the cached statements, then the pool.
func (r *reader) Close() error {
	r.mu.Lock()
	for q, st := range r.stmts {
		_ = st.Close()
		delete(r.stmts, q)
	}
	r.mu.Unlock()
	return r.DB.Close()
}
