package client_test

import (
	"context"
	"slices"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// The client sends a page's cursor and brings back the next one: walking
// the unit's persons and its record query three rows at a time gives the
// rows of one big page.
func TestClientPagesByCursor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		c := env.Client()
		mustLogin(t, c, store.DemoUnit, store.DemoPassword)

		all, err := c.ListPersons(ctx, domain.PersonFilter{PageRequest: domain.PageRequest{Limit: domain.MaxPageSize}})
		if err != nil || len(all.Items) < 4 {
			t.Fatalf("all persons: %d %v", len(all.Items), err)
		}
		var got []domain.Person
		for pr := (domain.PageRequest{Limit: 3}); ; {
			page, err := c.ListPersons(ctx, domain.PersonFilter{PageRequest: pr})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Items...)
			if page.Next == "" {
				break
			}
			pr.After = page.Next
		}
		id := func(p domain.Person) int64 { return p.ID }
		if !slices.Equal(ids(got, id), ids(all.Items, id)) {
			t.Fatalf("pages gave %v, want %v", ids(got, id), ids(all.Items, id))
		}

		first, err := c.QueryRecords(ctx, domain.RecordQuery{PageRequest: domain.PageRequest{Limit: 3}})
		if err != nil || first.Next == "" {
			t.Fatalf("record query: %+v %v", first, err)
		}
		second, err := c.QueryRecords(ctx, domain.RecordQuery{PageRequest: domain.PageRequest{Limit: 3, After: first.Next}})
		if err != nil || len(second.Items) == 0 || second.Items[0].ID >= first.Items[2].ID {
			t.Fatalf("second page: %+v %v", second, err)
		}
		_, err = c.ListRecords(ctx, domain.RecordFilter{PageRequest: domain.PageRequest{After: "下一页"}})
		wantCode(t, err, domain.CodeBadRequest)
	})
}

func ids[T any](items []T, id func(T) int64) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}
