package store_test

import (
	"context"
	"slices"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// BenchmarkDeepPages compares page 5,000 (20 rows a page) asked for by
// offset with the same page asked for by the cursor the page before gave,
// in a unit of 10,000 persons and 100,020 records beside the demo data:
// the unit's record list (newest first), 继续教育培训记录查询, and the
// person list at its page 500 (the last). A call also counts the matching
// rows (the pager's total), which costs the same either way; the "page"
// variants time the page statement alone.
//
//	go test ./server/store -run '^$' -bench DeepPages -benchtime 20x
//
// (and JXJY_TEST_POSTGRES set for PostgreSQL too).
func BenchmarkDeepPages(b *testing.B) {
	const persons, records, limit = 10_000, 100_020, 20
	benchUnit(b, "翻页基准单位", "91440106MA5BEN02X", persons, records, func(b *testing.B, db *store.DB, load store.LoadUnit) {
		ctx := context.Background()
		unit := domain.WithPrincipal(ctx, load.Principal)
		ps, rs, qs := store.NewPersonService(db), store.NewRecordService(db), store.NewQueryService(db)

		// The cursor of the row just before the deep page: what the
		// page before it would have answered as Next.
		cursor := func(query string, offset int) string {
			var id int64
			if err := db.QueryRow(ctx, query, load.ID, offset-1).Scan(&id); err != nil {
				b.Fatal(err)
			}
			return domain.Cursor(id)
		}
		const deep = (5000 - 1) * limit
		recordAfter := cursor(`SELECT id FROM records WHERE unit_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2`, deep)
		queryAfter := cursor(`SELECT id FROM records WHERE unit_id = $1 AND status = 'effective' ORDER BY id DESC LIMIT 1 OFFSET $2`, deep)
		personAfter := cursor(`SELECT id FROM persons WHERE unit_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2`, (500-1)*limit)

		deepPageSQL(b, db, "records-page", func(pr domain.PageRequest) (store.ListSQL, error) {
			return store.UnitRecordListSQL(load.ID, domain.RecordFilter{PageRequest: pr})
		}, deep, recordAfter)
		deepPageSQL(b, db, "query-page", func(pr domain.PageRequest) (store.ListSQL, error) {
			return store.RecordQueryListSQL(load.ID, domain.RecordQuery{PageRequest: pr})
		}, deep, queryAfter)
		deepPage(b, "records", func(pr domain.PageRequest) ([]int64, error) {
			p, err := rs.ListRecords(unit, domain.RecordFilter{PageRequest: pr})
			return pageIDs(p, recordID), err
		}, deep, recordAfter)
		deepPage(b, "query", func(pr domain.PageRequest) ([]int64, error) {
			p, err := qs.QueryRecords(unit, domain.RecordQuery{PageRequest: pr})
			return pageIDs(p, queryID), err
		}, deep, queryAfter)
		deepPage(b, "persons-page-500", func(pr domain.PageRequest) ([]int64, error) {
			p, err := ps.ListPersons(unit, domain.PersonFilter{PageRequest: pr})
			return pageIDs(p, personID), err
		}, (500-1)*limit, personAfter)
	})
}

func pageIDs[T any](p domain.Page[T], id func(T) int64) []int64 {
	out := make([]int64, len(p.Items))
	for i, it := range p.Items {
		out[i] = id(it)
	}
	return out
}

// deepPage times one list's deep page by offset and by cursor, having
// checked once that both give the same full page.
func deepPage(b *testing.B, name string, list func(domain.PageRequest) ([]int64, error), offset int, after string) {
	byOffset := domain.PageRequest{Limit: 20, Offset: offset}
	byCursor := domain.PageRequest{Limit: 20, After: after}
	a, err := list(byOffset)
	if err != nil {
		b.Fatal(err)
	}
	c, err := list(byCursor)
	if err != nil || len(a) != 20 || !slices.Equal(a, c) {
		b.Fatalf("%s: offset page %v, cursor page %v, %v", name, a, c, err)
	}
	for _, v := range []struct {
		how string
		pr  domain.PageRequest
	}{{"offset", byOffset}, {"cursor", byCursor}} {
		b.Run(name+"/"+v.how, func(b *testing.B) {
			for b.Loop() {
				if _, err := list(v.pr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// deepPageSQL times the page statement of a list alone, by offset and by
// cursor, and logs both plans.
func deepPageSQL(b *testing.B, db *store.DB, name string, statements func(domain.PageRequest) (store.ListSQL, error), offset int, after string) {
	ctx := context.Background()
	for _, v := range []struct {
		how string
		pr  domain.PageRequest
	}{{"offset", domain.PageRequest{Limit: 20, Offset: offset}}, {"cursor", domain.PageRequest{Limit: 20, After: after}}} {
		l, err := statements(v.pr)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := db.PlanOf(ctx, l.Page, l.PageArgs...)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s by %s:\n%s", name, v.how, plan)
		b.Run(name+"/"+v.how, func(b *testing.B) {
			for b.Loop() {
				if n, err := db.ReadAll(ctx, l.Page, l.PageArgs...); err != nil || n != 21 {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
		})
	}
}
