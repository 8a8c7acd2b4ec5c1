package store

import (
	"context"
	"strings"

	"jxjy/server/domain"
)

// PersonListPlans returns SQLite's plans for the count and the page query
// of a unit's person list, one line per plan step.
func (db *DB) PersonListPlans(ctx context.Context, unitID int64, f domain.PersonFilter) ([]string, error) {
	cond, args := personListFilter(unitID, f)
	after, err := f.PageRequest.Key(1)
	if err != nil {
		return nil, err
	}
	page, pageArgs := personPageSQL(cond, args, f.PageRequest.Normalize(), after)
	var plans []string
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT COUNT(*) FROM persons p` + cond, args},
		{page, pageArgs},
	} {
		rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			return nil, err
		}
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			steps = append(steps, detail)
		}
		rows.Close()
		plans = append(plans, strings.Join(steps, "; "))
	}
	return plans, nil
}
