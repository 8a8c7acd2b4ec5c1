package store_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// cursorRange is how each engine shows the cursor bounding an index range:
// SQLite's EXPLAIN QUERY PLAN "SEARCH … USING … INDEX … (… id<?)", and
// PostgreSQL's "Index Cond: (… (id < '…'))" or, for the queue's
// (updated_at, id), a ROW comparison.
var cursorRange = map[string]*regexp.Regexp{
	store.DialectSQLite:   regexp.MustCompile(`SEARCH [rp] USING (COVERING )?INDEX \w+ \(.*(id<\?|rowid<\?|updated_at>\?)\)`),
	store.DialectPostgres: regexp.MustCompile(`Index Cond: .*(\bid < '|ROW\(updated_at, id\) > ROW\()`),
}

// Every converted list, asked for a page deep in a unit that is one of
// twelve, reads an index range that starts at the cursor (no sort of the
// unit's rows, no scan of a table). Plans are logged: go test -v -run
// TestKeysetPagesUseIndexRanges ./server/store (README "Query plans checked").
func TestKeysetPagesUseIndexRanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		year := clock(t, db).Now().Year()
		var load store.LoadUnit
		for i := range 12 {
			u, err := db.GenerateLoad(ctx, "单位"+strconv.Itoa(i), "91440106MA5DX"+strconv.Itoa(1000+i), "440106", 300, 1200, year)
			if err != nil {
				t.Fatal(err)
			}
			if i == 6 {
				load = u
			}
		}
		// A tenth of the records wait in the queues, submitted at
		// different instants.
		if err := db.Exec(ctx, `UPDATE records SET status = 'submitted', updated_at = updated_at + id % 7 WHERE id % 10 = 0`); err != nil {
			t.Fatal(err)
		}
		analyze := `ANALYZE`
		if db.Dialect() == store.DialectPostgres {
			analyze = `VACUUM ANALYZE records, persons, units`
		}
		if err := db.Exec(ctx, analyze); err != nil {
			t.Fatal(err)
		}
		// Cursors half-way down each list, as the pages before would
		// have issued them.
		var person, record, queuedAt, queued int64
		for _, q := range []struct {
			sql  string
			dest []any
		}{
			{`SELECT id FROM persons WHERE unit_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 150`, []any{&person}},
			{`SELECT id FROM records WHERE unit_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 600`, []any{&record}},
			{`SELECT updated_at, id FROM records WHERE unit_id = $1 AND status = 'submitted' ORDER BY updated_at, id LIMIT 1 OFFSET 60`, []any{&queuedAt, &queued}},
		} {
			if err := db.QueryRow(ctx, q.sql, load.ID).Scan(q.dest...); err != nil {
				t.Fatal(err)
			}
		}
		check := func(what string, l store.ListSQL, err error, cursorFiltered bool) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			for i, q := range []struct {
				sql  string
				args []any
			}{{l.Count, l.CountArgs}, {l.Page, l.PageArgs}} {
				plan, err := db.PlanOf(ctx, q.sql, q.args...)
				if err != nil {
					t.Fatalf("%s: %v\n%s", what, err, q.sql)
				}
				t.Logf("%s %s:\n%s", what, []string{"count", "page"}[i], plan)
				if strings.Contains(plan, "SCAN r") || strings.Contains(plan, "Seq Scan on records") {
					t.Errorf("%s scans the records table:\n%s", what, plan)
				}
				if i == 1 && !cursorFiltered && (!cursorRange[db.Dialect()].MatchString(plan) ||
					strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") || strings.Contains(plan, "SCAN p")) {
					t.Errorf("%s: the page is not an index range from the cursor:\n%s", what, plan)
				}
			}
		}
		pc := domain.PageRequest{After: domain.Cursor(person)}
		rc := domain.PageRequest{After: domain.Cursor(record)}
		for _, f := range []domain.PersonFilter{{PageRequest: pc}, {Name: "测试", PageRequest: pc},
			{Status: domain.AffiliationConfirmed, PageRequest: pc}, {Title: "工程师", PageRequest: pc}} {
			l, err := store.PersonListSQL(load.ID, f)
			check("persons "+f.Name+f.Title+string(f.Status), l, err, false)
		}
		for _, f := range []domain.RecordFilter{{PageRequest: rc}, {Source: domain.SourceUnit, PageRequest: rc},
			{Status: domain.RecordSubmitted, PageRequest: domain.PageRequest{After: domain.Cursor(queuedAt, queued)}},
			{Person: "测试", PageRequest: rc}, {Source: domain.SourceImport, Status: domain.RecordEffective, PageRequest: rc}} {
			l, err := store.UnitRecordListSQL(load.ID, f)
			check("records "+string(f.Source)+string(f.Status)+f.Person, l, err, false)
		}
		for _, q := range []domain.RecordQuery{{PageRequest: rc}, {Year: year, PageRequest: rc}, {Category: domain.CategoryPublic, PageRequest: rc}} {
			l, err := store.RecordQueryListSQL(load.ID, q)
			check("query "+strconv.Itoa(q.Year)+q.Category, l, err, false)
		}
		// A name picks the few matching persons first; their records are
		// then sorted, and the cursor filters them.
		l, err := store.RecordQueryListSQL(load.ID, domain.RecordQuery{Name: "测试人员12", PageRequest: rc})
		check("query by name", l, err, true)
	})
}
