package store_test

import (
	"slices"
	"strconv"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// lister reads one page of a list.
type lister[T any] func(domain.PageRequest) (domain.Page[T], error)

// walkKeyset follows Next from the first page to the last, calling
// between after each page (to change the data meanwhile), and returns the
// ids in the order the pages gave them.
func walkKeyset[T any](t *testing.T, list lister[T], id func(T) int64, limit int, between func(page int, items []T)) []int64 {
	t.Helper()
	var ids []int64
	pr := domain.PageRequest{Limit: limit}
	for n := 1; ; n++ {
		page, err := list(pr)
		if err != nil {
			t.Fatalf("page %d (%+v): %v", n, pr, err)
		}
		if page.Offset != 0 || len(page.Items) > limit {
			t.Fatalf("page %d: offset %d, %d rows", n, page.Offset, len(page.Items))
		}
		for _, it := range page.Items {
			ids = append(ids, id(it))
		}
		if page.Next == "" {
			return ids
		}
		if len(page.Items) != limit {
			t.Fatalf("page %d has %d rows and a next page", n, len(page.Items))
		}
		if n > 1000 {
			t.Fatal("the cursor does not advance")
		}
		if between != nil {
			between(n, page.Items)
		}
		pr.After = page.Next
	}
}

// walkOffset lists every row the old way, in MaxPageSize pages: the order
// the keyset walk must reproduce when nothing changes.
func walkOffset[T any](t *testing.T, list lister[T], id func(T) int64) []int64 {
	t.Helper()
	var ids []int64
	for offset := 0; ; offset += domain.MaxPageSize {
		page, err := list(domain.PageRequest{Limit: domain.MaxPageSize, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			ids = append(ids, id(it))
		}
		if offset+domain.MaxPageSize >= page.Total {
			if len(ids) != page.Total {
				t.Fatalf("%d rows listed of %d", len(ids), page.Total)
			}
			return ids
		}
	}
}

// keysetWorld is a generated unit of 90 persons and 450 effective records
// (every source, two years), a third of the persons pending and a third
// of the records submitted, all submitted at the same instant (the
// queue's ties are broken by id).
func keysetWorld(t *testing.T, db *store.DB) (store.LoadUnit, int) {
	t.Helper()
	year := clock(t, db).Now().Year()
	load, err := db.GenerateLoad(t.Context(), "翻页测试单位", "91440106MA5DK0010", "440106", 90, 450, year)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE persons SET status = 'pending' WHERE unit_id = $1 AND id % 3 = 0`, load.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), `UPDATE records SET status = 'submitted' WHERE unit_id = $1 AND id % 3 = 0`, load.ID); err != nil {
		t.Fatal(err)
	}
	return load, year
}

func personID(p domain.Person) int64     { return p.ID }
func recordID(r domain.Record) int64     { return r.ID }
func queryID(r domain.QueryRecord) int64 { return r.ID }
func checkOnce(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the oracle lists nothing", what)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: keyset walk gave %d rows %v\nwant %d rows %v", what, len(got), got, len(want), want)
	}
}

// Walking a list page by page with the cursor yields every row exactly
// once, in the list's order, under every filter: the same rows as the
// offset pages, with a page size that does not divide the count.
func TestKeysetWalksEveryRowOnceInOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		load, year := keysetWorld(t, db)
		unit := domain.WithPrincipal(t.Context(), load.Principal)
		persons, records, queries := store.NewPersonService(db), store.NewRecordService(db), store.NewQueryService(db)
		for _, f := range []domain.PersonFilter{{}, {Name: "测试人员1"}, {Status: domain.AffiliationPending}, {Name: "人员", Status: domain.AffiliationConfirmed}} {
			list := func(pr domain.PageRequest) (domain.Page[domain.Person], error) {
				f.PageRequest = pr
				return persons.ListPersons(unit, f)
			}
			checkOnce(t, "persons "+f.Name+string(f.Status), walkKeyset(t, list, personID, 7, nil), walkOffset(t, list, personID))
		}
		for _, f := range []domain.RecordFilter{{}, {Source: domain.SourceUnit}, {Status: domain.RecordSubmitted},
			{Status: domain.RecordSubmitted, Source: domain.SourceImport}, {Person: "测试人员2"}, {Year: year, Category: domain.CategoryProfessional}} {
			list := func(pr domain.PageRequest) (domain.Page[domain.Record], error) {
				f.PageRequest = pr
				return records.ListRecords(unit, f)
			}
			checkOnce(t, "records "+string(f.Source)+string(f.Status)+f.Person, walkKeyset(t, list, recordID, 13, nil), walkOffset(t, list, recordID))
		}
		for _, q := range []domain.RecordQuery{{}, {Year: year}, {Name: "测试人员3"}, {Source: domain.SourcePerson, Year: year - 1}} {
			list := func(pr domain.PageRequest) (domain.Page[domain.QueryRecord], error) {
				q.PageRequest = pr
				return queries.QueryRecords(unit, q)
			}
			checkOnce(t, "query "+q.Name+string(q.Source), walkKeyset(t, list, queryID, 11, nil), walkOffset(t, list, queryID))
		}
	})
}

// Rows added or leaving between pages do not shift the pages after them:
// new persons and records (newest, so before the cursor) are not met
// again, and the queue keeps its place while the reviewer approves what
// the operator has seen — where offsets would skip the rows that moved up.
func TestKeysetPagesSurviveChangesBetweenPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		load, _ := keysetWorld(t, db)
		unit := domain.WithPrincipal(t.Context(), load.Principal)
		ctx := t.Context()
		persons, records := store.NewPersonService(db), store.NewRecordService(db)

		listPersons := func(pr domain.PageRequest) (domain.Page[domain.Person], error) {
			return persons.ListPersons(unit, domain.PersonFilter{PageRequest: pr})
		}
		want := walkOffset(t, listPersons, personID)
		added := 0
		got := walkKeyset(t, listPersons, personID, 10, func(n int, _ []domain.Person) {
			added++
			err := db.Exec(ctx, `INSERT INTO persons (id_number, name, gender, birth_date, unit_id, status, created_at, updated_at)
				VALUES ($1, $2, '男', '1990-01-01', $3, 'confirmed', 0, 0)`, "44010619900101"+strconv.Itoa(1000+n)+"", "新人"+strconv.Itoa(n), load.ID)
			if err != nil {
				t.Fatal(err)
			}
		})
		checkOnce(t, "persons with inserts", got, want)
		if after, _ := listPersons(domain.PageRequest{}); after.Total != len(want)+added {
			t.Fatalf("total %d after %d inserts", after.Total, added)
		}

		listUnit := func(pr domain.PageRequest) (domain.Page[domain.Record], error) {
			return records.ListRecords(unit, domain.RecordFilter{Source: domain.SourceUnit, PageRequest: pr})
		}
		want = walkOffset(t, listUnit, recordID)
		got = walkKeyset(t, listUnit, recordID, 10, func(n int, items []domain.Record) {
			err := db.Exec(ctx, `INSERT INTO records (person_id, unit_id, category, form, title, start_date, end_date, year,
				half_hours, source, status, created_at, updated_at)
				SELECT person_id, unit_id, category, form, title || '（补录）', start_date, end_date, year, half_hours, source, status, created_at, updated_at
				FROM records WHERE id = $1`, items[0].ID)
			if err != nil {
				t.Fatal(err)
			}
		})
		checkOnce(t, "unit records with inserts", got, want)

		// The queue: each page seen is approved before the next is asked
		// for, so the rows after it move up to the top of the queue.
		listQueue := func(pr domain.PageRequest) (domain.Page[domain.Record], error) {
			return records.ListRecords(unit, domain.RecordFilter{Status: domain.RecordSubmitted, PageRequest: pr})
		}
		want = walkOffset(t, listQueue, recordID)
		got = walkKeyset(t, listQueue, recordID, 10, func(_ int, items []domain.Record) {
			for _, r := range items {
				if err := db.Exec(ctx, `UPDATE records SET status = 'effective' WHERE id = $1`, r.ID); err != nil {
					t.Fatal(err)
				}
			}
		})
		checkOnce(t, "queue reviewed page by page", got, want)
	})
}

// A cursor that no page issued, or one of another list's shape (the
// queue's is its time and id), is a bad request; an offset still pages
// the converted lists, and its page carries the cursor of the next.
func TestKeysetCursorIsCheckedAndOffsetStillWorks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		load, _ := keysetWorld(t, db)
		unit := domain.WithPrincipal(t.Context(), load.Principal)
		persons, records, queries := store.NewPersonService(db), store.NewRecordService(db), store.NewQueryService(db)
		for _, after := range []string{"abc", "-5", "1.2", "99999999999999999999"} {
			_, err := persons.ListPersons(unit, domain.PersonFilter{PageRequest: domain.PageRequest{After: after}})
			wantCode(t, err, domain.CodeBadRequest)
			_, err = queries.QueryRecords(unit, domain.RecordQuery{PageRequest: domain.PageRequest{After: after}})
			wantCode(t, err, domain.CodeBadRequest)
		}
		queue, err := records.ListRecords(unit, domain.RecordFilter{Status: domain.RecordSubmitted, PageRequest: domain.PageRequest{Limit: 5}})
		if err != nil || queue.Next == "" {
			t.Fatalf("queue: %+v %v", queue, err)
		}
		_, err = records.ListRecords(unit, domain.RecordFilter{Source: domain.SourceUnit, PageRequest: domain.PageRequest{After: queue.Next}})
		wantCode(t, err, domain.CodeBadRequest)

		byOffset, err := persons.ListPersons(unit, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 10, Offset: 20}})
		if err != nil || byOffset.Offset != 20 || len(byOffset.Items) != 10 || byOffset.Next != domain.Cursor(byOffset.Items[9].ID) {
			t.Fatalf("offset page: %+v %v", byOffset, err)
		}
		// The offset wins no more once a cursor is given.
		byCursor, err := persons.ListPersons(unit, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 10, Offset: 50, After: byOffset.Next}})
		if err != nil || byCursor.Offset != 0 || byCursor.Items[0].ID >= byOffset.Items[9].ID {
			t.Fatalf("cursor page: %+v %v", byCursor, err)
		}
		last, err := persons.ListPersons(unit, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: 10, Offset: 80}})
		if err != nil || len(last.Items) != 10 || last.Next != "" {
			t.Fatalf("the last page (exactly full) offers a next one: %+v %v", last.Next, err)
		}
	})
}
