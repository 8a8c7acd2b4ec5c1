package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/server/xlsximport"
)

// bigUnitPersons and bigUnitRecords size the unit the recount and import
// benchmarks work on: the 5,000-person unit, ten records each.
const (
	bigUnitPersons = 5_000
	bigUnitRecords = 50_000
)

// benchUnit opens a database of each dialect (PostgreSQL when
// JXJY_TEST_POSTGRES is set) holding the demo data and one generated unit
// of the given persons and records, ANALYZEd, and runs b as that unit.
func benchUnit(b *testing.B, name, usccFirst17 string, persons, records int, run func(b *testing.B, db *store.DB, load store.LoadUnit)) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dialect, func(b *testing.B) {
			if dialect == store.DialectPostgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip(storetest.EnvPostgres + " not set")
			}
			db := openBenchDB(b, dialect)
			ctx := context.Background()
			if _, err := db.SeedDemo(ctx); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			load, err := db.GenerateLoad(ctx, name, usccFirst17, "440106", persons, records, time.Now().Year())
			if err != nil {
				b.Fatal(err)
			}
			// What autovacuum would have done by the time anyone queries:
			// statistics, and PostgreSQL's visibility map, without which an
			// index-only scan still visits the table.
			analyze := `ANALYZE`
			if dialect == store.DialectPostgres {
				analyze = `VACUUM ANALYZE records, persons, units`
			}
			if err := db.Exec(ctx, analyze); err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d persons and %d records in %s", persons, records, time.Since(start).Round(time.Millisecond))
			run(b, db, load)
		})
	}
}

// benchBigUnit is benchUnit with a unit of 5,000 persons.
func benchBigUnit(b *testing.B, run func(b *testing.B, db *store.DB, unit context.Context)) {
	benchUnit(b, "重新统计测试单位", "91440106MA5REC01X", bigUnitPersons, bigUnitRecords, func(b *testing.B, db *store.DB, load store.LoadUnit) {
		run(b, db, domain.WithPrincipal(context.Background(), load.Principal))
	})
}

// BenchmarkRecountUnit5000 is 重新统计学时 of a whole 5,000-person unit,
// batch after batch as the screen asks for them.
//
//	go test ./server/store -run '^$' -bench RecountUnit5000 -benchtime 10x
func BenchmarkRecountUnit5000(b *testing.B) {
	benchBigUnit(b, func(b *testing.B, db *store.DB, unit context.Context) {
		certs := store.NewCertificateService(db, nil)
		year := time.Now().Year()
		for b.Loop() {
			if n := recountAll(b, certs, unit, year); n != bigUnitPersons {
				b.Fatalf("recounted %d persons", n)
			}
		}
	})
}

func recountAll(b *testing.B, certs *store.CertificateService, unit context.Context, year int) int {
	var after int64
	n := 0
	for {
		res, err := certs.Recount(unit, domain.RecountRequest{Year: year, AfterID: after})
		if err != nil {
			b.Fatal(err)
		}
		n += len(res.Rows)
		if res.Done {
			return n
		}
		after = res.NextAfterID
	}
}

// BenchmarkImport10000 checks (上传校验) and then stores (数据入库) a
// 10,000-row file for the 5,000-person unit, a new file each time so
// every import stores its rows. excelize-ms is excelize alone reading the
// same files (xlsximport.ReadPlain), timed outside the benchmark's clock;
// x-excelize is the import's time over it.
//
//	go test ./server/store -run '^$' -bench Import10000 -benchtime 5x
func BenchmarkImport10000(b *testing.B) {
	benchBigUnit(b, func(b *testing.B, db *store.DB, unit context.Context) {
		persons := unitPersons(b, store.NewCertificateService(db, nil), unit)
		imports := store.NewRecordImportService(db)
		var plain time.Duration
		round := 0
		for b.Loop() {
			b.StopTimer()
			round++
			var buf bytes.Buffer
			if err := store.ImportWorkbook(&buf, persons, 10000, time.Now(), fmt.Sprintf("第%d轮", round)); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			t0 := time.Now()
			if _, err := xlsximport.ReadPlain(data); err != nil {
				b.Fatal(err)
			}
			plain += time.Since(t0)
			b.StartTimer()
			rep, err := imports.ValidateImport(unit, upload(data))
			if err != nil || rep.Valid != 10000 {
				b.Fatalf("validate: %d valid, %v", rep.Valid, err)
			}
			if res, err := imports.ImportValidated(unit, rep.ID, nil); err != nil || res.Inserted != 10000 {
				b.Fatalf("import: %d inserted, %v", res.Inserted, err)
			}
		}
		perRound := plain / time.Duration(round)
		b.ReportMetric(float64(perRound.Microseconds())/1000, "excelize-ms")
		b.ReportMetric(float64(b.Elapsed())/float64(round)/float64(perRound), "x-excelize")
	})
}

// unitPersons are the unit's confirmed persons as an import file names
// them, read as the recount lists them.
func unitPersons(b *testing.B, certs *store.CertificateService, unit context.Context) []store.ImportPerson {
	var out []store.ImportPerson
	var after int64
	for {
		res, err := certs.Recount(unit, domain.RecountRequest{Year: time.Now().Year(), AfterID: after})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res.Rows {
			out = append(out, store.ImportPerson{IDNumber: r.IDNumber, Name: r.Name})
		}
		if res.Done {
			return out
		}
		after = res.NextAfterID
	}
}
