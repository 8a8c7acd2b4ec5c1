package client_test

import (
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// Every filter field reaches the server as typed (Chinese, dates, the
// year), and the server's field errors come back whole.
func TestRecordFilterRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := t.Context()
		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, store.DemoPassword)

		queue, err := unit.ListRecords(ctx, domain.RecordFilter{Status: domain.RecordSubmitted, Source: domain.SourcePerson,
			Person: "陈志明", Category: domain.CategoryElective})
		if err != nil || queue.Total != 1 {
			t.Fatalf("queue: %+v %v", queue, err)
		}
		r := queue.Items[0]
		narrow := domain.RecordFilter{Status: r.Status, Source: r.Source, Person: r.IDNumber[:10], Category: r.Category,
			Year: r.Year, From: r.StartDate, To: r.EndDate, PageRequest: domain.PageRequest{Limit: 1}}
		page, err := unit.ListRecords(ctx, narrow)
		if err != nil || page.Total != 1 || page.Items[0].ID != r.ID || len(page.Items) != 1 {
			t.Fatalf("narrowed: %+v %v", page, err)
		}
		for _, f := range []domain.RecordFilter{
			{Year: r.Year + 1}, {From: r.EndDate + "x"}, {To: "2000-01-01"},
		} {
			f.Status, f.Source, f.Person = r.Status, r.Source, "陈志明"
			page, err := unit.ListRecords(ctx, f)
			if err == nil && page.Total != 0 {
				t.Fatalf("%+v matched %+v", f, page.Items)
			}
		}
		_, err = unit.ListRecords(ctx, domain.RecordFilter{Status: "bogus"})
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["status"] == "" {
			t.Fatalf("field error lost: %v", err)
		}

		// A delete carries its version in the query; a stale one is refused.
		person := env.Client()
		mustLogin(t, person, store.DemoPerson, store.DemoPassword)
		mine, err := person.ListRecords(ctx, domain.RecordFilter{Status: domain.RecordDraft, Source: domain.SourcePerson})
		if err != nil || mine.Total == 0 {
			t.Fatalf("drafts: %+v %v", mine, err)
		}
		d := mine.Items[0]
		wantCode(t, person.DeleteRecord(ctx, d.ID, d.Version+1), domain.CodeConflict)
		if err := person.DeleteRecord(ctx, d.ID, d.Version); err != nil {
			t.Fatal(err)
		}
		_, err = person.GetRecord(ctx, d.ID)
		wantCode(t, err, domain.CodeNotFound)
	})
}
