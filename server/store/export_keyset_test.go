package store

import (
	"context"
	"strings"

	"jxjy/server/domain"
)

// ListSQL is a list's count and page statements with their arguments, as
// the service runs them.
type ListSQL struct {
	Count, Page         string
	CountArgs, PageArgs []any
}

// PersonListSQL is a unit's person list under f.
func PersonListSQL(unitID int64, f domain.PersonFilter) (ListSQL, error) {
	cond, args := personListFilter(unitID, f)
	after, err := f.PageRequest.Key(1)
	if err != nil {
		return ListSQL{}, err
	}
	page, pageArgs := personPageSQL(cond, args, f.PageRequest.Normalize(), after)
	return ListSQL{`SELECT COUNT(*) FROM persons p` + cond, page, args, pageArgs}, nil
}

// UnitRecordListSQL is a unit's record list (ListRecords) under f.
func UnitRecordListSQL(unitID int64, f domain.RecordFilter) (ListSQL, error) {
	if err := f.Validate(); err != nil {
		return ListSQL{}, err
	}
	a := recordActor{p: domain.Principal{User: domain.User{Role: domain.RoleUnit, UnitID: unitID}}, unitID: unitID}
	l := recordList(a, f)
	after, err := f.PageRequest.Key(len(l.key(domain.Record{})))
	if err != nil {
		return ListSQL{}, err
	}
	page, pageArgs := l.pageSQL(f.PageRequest.Normalize(), after)
	return ListSQL{l.countSQL(), page, l.c.args, pageArgs}, nil
}

// RecordQueryListSQL is 继续教育培训记录查询 (QueryRecords) under q.
func RecordQueryListSQL(unitID int64, q domain.RecordQuery) (ListSQL, error) {
	if err := q.Validate(); err != nil {
		return ListSQL{}, err
	}
	after, err := q.PageRequest.Key(1)
	if err != nil {
		return ListSQL{}, err
	}
	c := recordConditions(unitID, q)
	page, pageArgs := recordPageSQL(c, q.PageRequest.Normalize(), after)
	return ListSQL{recordCountSQL(c), page, c.args, pageArgs}, nil
}

// PlanOf is the engine's plan of a statement, one step a line: SQLite's
// EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN (with the arguments bound, so
// it is the plan the statement gets when run).
func (db *DB) PlanOf(ctx context.Context, query string, args ...any) (string, error) {
	if db.Dialect() == DialectSQLite {
		return db.Explain(ctx, query, args...)
	}
	rows, err := db.read.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var step string
		if err := rows.Scan(&step); err != nil {
			return "", err
		}
		steps = append(steps, step)
	}
	return strings.Join(steps, "\n"), rows.Err()
}

// ReadAll runs a statement on the reader pool and reads its rows through,
// as a page read does; it returns how many there were.
func (db *DB) ReadAll(ctx context.Context, query string, args ...any) (int, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(any)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
