package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// BenchmarkQueries runs the record query, the statistics and the export at
// the scale the issue sets: one unit of 10,000 persons with 100,000
// effective records, beside the demo data. Run with
//
//	go test ./server/store -run '^$' -bench Queries -benchtime 20x
//
// (and JXJY_TEST_POSTGRES set for PostgreSQL too).
const (
	benchPersons = 10_000
	benchRecords = 100_000
)

func BenchmarkQueries(b *testing.B) {
	benchUnit(b, "规模测试单位", "91440106MA5BEN01X", benchPersons, benchRecords, func(b *testing.B, db *store.DB, load store.LoadUnit) {
		year := time.Now().Year()
		unit := domain.WithPrincipal(context.Background(), load.Principal)
		q := store.NewQueryService(db)
		benchRecordPages(b, q, unit, year)
		benchStatistics(b, q, db, unit, year)
		b.Run("export", func(b *testing.B) {
			for b.Loop() {
				n := 0
				if err := q.ExportRecords(unit, domain.RecordQuery{}, func(domain.QueryRecord, int, int) error {
					n++
					return nil
				}); err != nil || n != benchRecords {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
		})
	})
}

func benchRecordPages(b *testing.B, q *store.QueryService, unit context.Context, year int) {
	month := func(m time.Month, d int) string {
		return time.Date(year, m, d, 0, 0, 0, 0, time.UTC).Format(domain.DateLayout)
	}
	for _, c := range []struct {
		name string
		q    domain.RecordQuery
	}{
		{"page/all", domain.RecordQuery{}},
		{"page/year+category", domain.RecordQuery{Year: year, Category: domain.CategoryProfessional}},
		{"page/source", domain.RecordQuery{Source: domain.SourceImport}},
		{"page/name", domain.RecordQuery{Name: "测试人员4321"}},
		{"page/id-prefix", domain.RecordQuery{IDNumber: "4401061990"}},
		{"page/dates", domain.RecordQuery{From: month(3, 1), To: month(3, 31)}},
		{"page/deep", domain.RecordQuery{PageRequest: domain.PageRequest{Limit: 20, Offset: 90_000}}},
		{"page/year-deep", domain.RecordQuery{Year: year, PageRequest: domain.PageRequest{Limit: 20, Offset: 40_000}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				page, err := q.QueryRecords(unit, c.q)
				if err != nil || len(page.Items) == 0 {
					b.Fatalf("%d of %d, %v", len(page.Items), page.Total, err)
				}
			}
		})
	}
}

func benchStatistics(b *testing.B, q *store.QueryService, db *store.DB, unit context.Context, year int) {
	auth := noCaptcha(db)
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{
		{"stats/unit", unit},
		{"stats/city", asB(b, auth, store.DemoAuthority)},
		{"stats/province", asB(b, auth, store.DemoProvince)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st, err := q.Statistics(c.ctx, year)
				if err != nil || st.Persons < benchPersons {
					b.Fatalf("%+v %v", st, err)
				}
			}
		})
	}
}

// openBenchDB opens a SQLite file in a temporary folder, or a fresh
// PostgreSQL schema dropped when the benchmark ends.
func openBenchDB(b *testing.B, dialect string) *store.DB {
	b.Helper()
	opts := store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(b.TempDir(), "bench.db")
	if dialect == store.DialectPostgres {
		base := os.Getenv(storetest.EnvPostgres)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { admin.Close() })
		var r [6]byte
		_, _ = rand.Read(r[:])
		schema := "jxjy_bench_" + hex.EncodeToString(r[:])
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
				b.Errorf("drop %s: %v", schema, err)
			}
		})
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		url = base + sep + "search_path=" + schema
	}
	db, err := store.Open(ctx, url, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func asB(b *testing.B, auth *store.AuthService, username string) context.Context {
	b.Helper()
	s, err := auth.Login(context.Background(), domain.LoginRequest{Username: username, Password: store.DemoPassword, CaptchaCode: "x"})
	if err != nil {
		b.Fatal(err)
	}
	p, err := auth.Authenticate(context.Background(), s.Token)
	if err != nil {
		b.Fatal(err)
	}
	return domain.WithPrincipal(context.Background(), p)
}
