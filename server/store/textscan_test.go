package store_test

import (
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// Rows written before the text rule: scan-text reports them with the
// offending characters visible, --clean repairs them, and a second scan
// finds nothing. (NUL cannot be planted on PostgreSQL, which refuses it.)
func TestScanTextFindsAndCleansHostileRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		ctx := t.Context()
		clean, err := db.ScanText(ctx, false)
		if err != nil || len(clean.Findings) != 0 || clean.Rows["persons"] == 0 {
			t.Fatalf("demo data: %+v %v", clean, err)
		}
		chen := personByName(t, db, "陈志明")
		if err := db.Exec(ctx, `UPDATE persons SET name = $1 WHERE id = $2`, "陈\x1b[2J志\u202e明", chen); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, `UPDATE units SET summary = $1 WHERE uscc = (SELECT MIN(uscc) FROM units)`, "一行\r\n二行\t"); err != nil {
			t.Fatal(err)
		}
		scan, err := db.ScanText(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		var name, summary bool
		for _, f := range scan.Findings {
			switch {
			case f.Table == "persons" && f.Column == "name":
				name = f.Value == `陈␛[2J志\u202e明` && f.Problem == domain.TextControlMessage
			case f.Table == "units" && f.Column == "summary":
				summary = true
			default:
				t.Errorf("unexpected finding %+v", f)
			}
		}
		if !name || !summary {
			t.Fatalf("findings %+v", scan.Findings)
		}
		if scan.Cleaned != 0 {
			t.Fatal("a report cleaned")
		}
		fixed, err := db.ScanText(ctx, true)
		if err != nil || fixed.Cleaned != len(scan.Findings) {
			t.Fatalf("clean: %+v %v", fixed, err)
		}
		var got, gotSummary string
		if err := db.QueryRow(ctx, `SELECT name FROM persons WHERE id = $1`, chen).Scan(&got); err != nil || got != "陈[2J志明" {
			t.Fatalf("cleaned name %q %v", got, err)
		}
		if err := db.QueryRow(ctx, `SELECT summary FROM units WHERE uscc = (SELECT MIN(uscc) FROM units)`).Scan(&gotSummary); err != nil || gotSummary != "一行\n二行" {
			t.Fatalf("cleaned summary %q %v", gotSummary, err)
		}
		if again, err := db.ScanText(ctx, false); err != nil || len(again.Findings) != 0 {
			t.Fatalf("after clean: %+v %v", again.Findings, err)
		}
	})
}
