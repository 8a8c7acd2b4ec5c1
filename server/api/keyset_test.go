package api_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// walkPages follows next from path's first page and returns the ids in
// the order the pages gave them.
func walkPages(t *testing.T, env *servertest.Env, tok, path string, limit int) []int64 {
	t.Helper()
	var ids []int64
	after := ""
	for n := 0; n < 100; n++ {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if after != "" {
			q.Set("after", after)
		}
		var page domain.Page[struct {
			ID int64 `json:"id"`
		}]
		wantStatus(t, call(t, env, "GET", path+"&"+q.Encode(), tok, nil, &page), 200, path+" after "+after)
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.Next == "" {
			return ids
		}
		after = page.Next
	}
	t.Fatalf("%s: next never ends", path)
	return nil
}

// The converted lists page by after/next over HTTP and give the rows of
// one big page, in its order; a cursor no page issued, or another list's,
// is a bad request with a Chinese message.
func TestKeysetPagingOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := token(t, env, store.DemoUnit)
		for _, path := range []string{"/persons?name=", "/records?source=", "/records?status=submitted", "/query/records?year="} {
			var all domain.Page[struct {
				ID int64 `json:"id"`
			}]
			wantStatus(t, call(t, env, "GET", path+"&limit=200", unit, nil, &all), 200, path)
			want := make([]int64, len(all.Items))
			for i, it := range all.Items {
				want[i] = it.ID
			}
			if len(want) < 3 || all.Next != "" {
				t.Fatalf("%s: %d rows, next %q", path, len(want), all.Next)
			}
			if got := walkPages(t, env, unit, path, 2); !slices.Equal(got, want) {
				t.Fatalf("%s: pages gave %v, want %v", path, got, want)
			}
		}

		var queue domain.Page[domain.Record]
		wantStatus(t, call(t, env, "GET", "/records?status=submitted&limit=1", unit, nil, &queue), 200, "queue")
		for _, path := range []string{"/persons?after=abc", "/persons?after=-1", "/query/records?after=1.2",
			"/records?after=" + url.QueryEscape(queue.Next), "/teachers?after=x"} {
			a := call(t, env, "GET", path, unit, nil, nil)
			wantStatus(t, a, 400, path)
			if e := a.err(t); e.Code != domain.CodeBadRequest || e.Message != "翻页位置无效，请回到第一页重新查询" {
				t.Fatalf("%s: %+v", path, e)
			}
		}
	})
}
