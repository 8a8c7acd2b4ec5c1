package client_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// exportServer answers the export route with body, as a server (or a
// link cut half-way) would.
func exportServer(t *testing.T, status int, body string) *client.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query/record-export" || r.URL.Query().Get("year") != "2026" {
			t.Errorf("asked for %s", r.URL)
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return client.New(ts.URL, client.Options{RetryWait: 1})
}

func collect(c *client.Client, t *testing.T) ([]string, error) {
	var got []string
	err := c.ExportRecords(t.Context(), domain.RecordQuery{Year: 2026}, func(r domain.QueryRecord, n, total int) error {
		got = append(got, fmt.Sprintf("%s:%d/%d", r.PersonName, n, total))
		return nil
	})
	return got, err
}

func TestExportReadsTheStreamToItsEnd(t *testing.T) {
	c := exportServer(t, 200, `{"total":2}
{"record":{"id":2,"person_name":"甲"}}
{"record":{"id":1,"person_name":"乙"}}
{"done":true}
`)
	got, err := collect(c, t)
	if err != nil || strings.Join(got, ",") != "甲:1/2,乙:2/2" {
		t.Fatalf("%v %v", got, err)
	}
}

func TestExportCutShortIsAnError(t *testing.T) {
	c := exportServer(t, 200, `{"total":3}
{"record":{"id":3,"person_name":"甲"}}
`)
	got, err := collect(c, t)
	if domain.ErrorCode(err) != domain.CodeUnavailable || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
}

func TestExportFailingPartWayCarriesTheServersError(t *testing.T) {
	c := exportServer(t, 200, `{"total":3}
{"error":{"code":"unavailable","message":"数据库暂时不可用，请稍后再试"}}
`)
	_, err := collect(c, t)
	if domain.ErrorCode(err) != domain.CodeUnavailable || domain.ErrorMessage(err) != "数据库暂时不可用，请稍后再试" {
		t.Fatalf("%v", err)
	}
}

func TestExportRefusedBeforeStreaming(t *testing.T) {
	c := exportServer(t, 422, `{"error":{"code":"invalid","message":"输入有误","fields":{"from":"日期应为有效的 YYYY-MM-DD"}}}`)
	_, err := collect(c, t)
	if domain.FieldErrorsOf(err)["from"] == "" {
		t.Fatalf("%v", err)
	}
}

// Credit and query calls round-trip over HTTP: a unit's entry is changed
// at its version, a stale version is a conflict, and the record query's
// detail and export agree with its list.
func TestCreditAndQueryRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		c := env.Client()
		mustLogin(t, c, store.DemoUnit, store.DemoPassword)
		entries, err := c.ListCredit(t.Context(), domain.CreditFilter{ActiveOnly: true})
		if err != nil || entries.Total != 1 {
			t.Fatalf("%+v %v", entries, err)
		}
		e := entries.Items[0]
		in := domain.CreditInput{Type: e.Type, Description: e.Description + "（已核实）", OccurredDate: e.OccurredDate,
			Handling: e.Handling, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo, DocumentNumber: e.DocumentNumber, Version: e.Version}
		updated, err := c.UpdateCredit(t.Context(), e.ID, in)
		if err != nil || updated.Version != e.Version+1 || updated.Description != in.Description {
			t.Fatalf("%+v %v", updated, err)
		}
		_, err = c.UpdateCredit(t.Context(), e.ID, in)
		wantCode(t, err, domain.CodeConflict)
		got, err := c.GetCredit(t.Context(), e.ID)
		if err != nil || got.Description != in.Description {
			t.Fatalf("%+v %v", got, err)
		}

		page, err := c.QueryRecords(t.Context(), domain.RecordQuery{Category: domain.CategoryPublic, PageRequest: domain.PageRequest{Limit: 2}})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("%+v %v", page, err)
		}
		one, err := c.QueryRecord(t.Context(), page.Items[0].ID)
		if err != nil || one.Title != page.Items[0].Title || one.CategoryLabel != "公需科目" {
			t.Fatalf("%+v %v", one, err)
		}
		n := 0
		if err := c.ExportRecords(t.Context(), domain.RecordQuery{Category: domain.CategoryPublic}, func(r domain.QueryRecord, i, total int) error {
			n++
			if total != page.Total {
				t.Fatalf("total %d, want %d", total, page.Total)
			}
			return nil
		}); err != nil || n != page.Total {
			t.Fatalf("exported %d of %d: %v", n, page.Total, err)
		}
		plans, err := c.QueryPlans(t.Context(), domain.PlanQuery{})
		if err != nil || len(plans.Items) == 0 {
			t.Fatalf("%+v %v", plans, err)
		}
		if d, err := c.QueryPlan(t.Context(), plans.Items[0].ID); err != nil || d.ID != plans.Items[0].ID {
			t.Fatalf("%+v %v", d, err)
		}
		st, err := c.Statistics(t.Context(), 0)
		if err != nil || st.Persons == 0 || len(st.ByMonth) != 12 {
			t.Fatalf("%+v %v", st, err)
		}
		_, err = c.ListUnitCredit(t.Context(), domain.CreditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CreditUnits(t.Context(), domain.UnitSearch{})
		wantCode(t, err, domain.CodeForbidden)
	})
}
