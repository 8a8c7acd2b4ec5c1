package store_test

import (
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

func TestMigrationsAndReferenceSeedAreIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		tables := []string{"regions", "authorities", "dict_items", "requirements"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, db, "SELECT COUNT(*) FROM "+tb)
		}
		for i := 0; i < 2; i++ {
			if err := db.Prepare(t.Context()); err != nil {
				t.Fatalf("second run of migrations and seed: %v", err)
			}
		}
		for _, tb := range tables {
			if n := count(t, db, "SELECT COUNT(*) FROM "+tb); n != before[tb] {
				t.Errorf("%s: %d rows after rerun, %d before", tb, n, before[tb])
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM goose_db_version WHERE version_id = 1"); n != 1 {
			t.Errorf("migration 1 recorded %d times", n)
		}
	})
}

func TestReferenceData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ref, err := store.NewReferenceService(db).Reference(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		levels := map[int]int{}
		perCity := map[string]int{}
		byCode := map[string]domain.Region{}
		for _, r := range ref.Regions {
			levels[r.Level]++
			byCode[r.Code] = r
			if r.Level == 3 {
				perCity[r.ParentCode]++
			}
		}
		if levels[1] != 1 || levels[2] != 21 || levels[3] != 122 {
			t.Fatalf("regions by level: %v, want 1 province, 21 cities, 122 county-level divisions", levels)
		}
		// County-level divisions per city in the 2023 edition; 东莞 and 中山
		// have none.
		for city, want := range map[string]int{
			"440100": 11, "440200": 10, "440300": 9, "440400": 3, "440500": 7, "440600": 5, "440700": 7,
			"440800": 9, "440900": 5, "441200": 8, "441300": 5, "441400": 8, "441500": 4, "441600": 6,
			"441700": 4, "441800": 8, "441900": 0, "442000": 0, "445100": 3, "445200": 5, "445300": 5,
		} {
			if perCity[city] != want {
				t.Errorf("%s %s has %d county-level divisions, want %d", city, byCode[city].Name, perCity[city], want)
			}
		}
		for code, want := range map[string]string{
			"440604": "禅城区 440600", "441302": "惠城区 441300", "440981": "高州市 440900",
			"440106": "天河区 440100", "441403": "梅县区 441400", "440904": "电白区 440900",
			"440232": "乳源瑶族自治县 440200", "441825": "连山壮族瑶族自治县 441800", "441502": "城区 441500",
		} {
			if r := byCode[code]; r.Name+" "+r.ParentCode != want || r.Level != 3 {
				t.Errorf("region %s = %+v, want %s", code, r, want)
			}
		}
		for _, gone := range []string{"441421", "440923", "440903"} {
			if _, ok := byCode[gone]; ok {
				t.Errorf("retired code %s seeded", gone)
			}
		}
		// The province and every city have an authority; counties get
		// theirs when their first account is created.
		byRegion := map[string]string{}
		for _, a := range ref.Authorities {
			byRegion[a.RegionCode] = a.Name
		}
		if len(byRegion) != 22 {
			t.Fatalf("%d authorities, want the province's and 21 cities'", len(byRegion))
		}
		for code, want := range map[string]string{
			"440000": "广东省人力资源和社会保障厅",
			"440100": "广州市人力资源和社会保障局",
			"440600": "佛山市人力资源和社会保障局",
			"445300": "云浮市人力资源和社会保障局",
		} {
			if byRegion[code] != want {
				t.Errorf("authority of %s = %q, want %q", code, byRegion[code], want)
			}
		}
		wantDicts := map[string]string{
			domain.DictUnitType:       "企业 事业单位 机关 社会团体 其他",
			domain.DictCategory:       "公需科目 专业科目 选修科目",
			domain.DictForm:           "培训/研修/进修 学术会议 学术讲座 网络学习 实践活动 其他",
			domain.DictTitleLevel:     "初级 中级 副高级 正高级",
			domain.DictDishonestyType: "学时造假 证书造假 考试作弊 其他",
			domain.DictEducation:      "研究生 大学本科 大学专科 中专 高中及以下",
		}
		if len(ref.Dictionaries) != len(wantDicts) {
			t.Errorf("%d dictionaries, want %d", len(ref.Dictionaries), len(wantDicts))
		}
		for kind, want := range wantDicts {
			var labels []string
			for _, it := range ref.Dictionaries[kind] {
				labels = append(labels, it.Label)
			}
			if got := strings.Join(labels, " "); got != want {
				t.Errorf("dictionary %s = %q, want %q", kind, got, want)
			}
		}
		if codes := ref.Dictionaries[domain.DictCategory]; codes[0].Code != "public" || codes[1].Code != "professional" || codes[2].Code != "elective" {
			t.Errorf("category codes: %v", codes)
		}

		year := clock(t, db).Now().In(time.FixedZone("CST", 8*3600)).Year()
		if n := count(t, db, `SELECT COUNT(*) FROM requirements WHERE year BETWEEN $1 AND $2
			AND total_half_hours = 180 AND public_min_half_hours = 60
			AND professional_min_half_hours = 84 AND daily_cap_half_hours = 16`, year-2, year); n != 3 {
			t.Errorf("%d default requirements for %d-%d, want 3", n, year-2, year)
		}
	})
}

func TestRequirementsFollowTheClock(t *testing.T) {
	start := time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC)
	c := storetest.NewClock(start)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if storetest.ClockOf(db) != nil {
			t.Error("ClockOf returns a clock although an option set Now")
		}
		for _, y := range []int{2029, 2030, 2031} {
			if n := count(t, db, `SELECT COUNT(*) FROM requirements WHERE year = $1`, y); n != 1 {
				t.Errorf("no requirement for %d", y)
			}
		}
		// A new year brings its requirement at the next start.
		c.Set(time.Date(2031, 12, 31, 16, 0, 0, 0, time.UTC)) // 2032-01-01 00:00 in China
		if err := db.Prepare(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM requirements WHERE year = 2032`); n != 1 {
			t.Error("no requirement for the new year")
		}
	}, func(o *store.Options) {
		c.Set(start) // each database starts in 2031
		o.Now = c.Now
	})
}

func TestPlaceholdersBindByNumber(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var name string
		if err := db.QueryRow(t.Context(), `SELECT name FROM regions WHERE level = $2 AND code = $1`, "440100", 2).Scan(&name); err != nil || name != "广州市" {
			t.Fatalf("out-of-order $N: %q %v", name, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM regions WHERE code = $1 OR parent_code = $1`, "440100"); n != 12 {
			t.Fatalf("a repeated $1 matched %d regions, want 12", n)
		}
	})
}

func TestDialectAndPing(t *testing.T) {
	seen := map[string]bool{}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if err := db.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		d := db.Dialect()
		if d != store.DialectSQLite && d != store.DialectPostgres || seen[d] {
			t.Fatalf("dialect %q", d)
		}
		seen[d] = true
		if !strings.HasPrefix(t.Name(), "TestDialectAndPing/"+d) {
			t.Fatalf("subtest %s runs on %s", t.Name(), d)
		}
	})
}

// quiet keeps tests that open stores themselves from logging.
var quiet = store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

func TestSQLiteURLForms(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Chdir(dir)

	db, err := store.Open(ctx, "sqlite://data/rel.db", quiet)
	if err != nil {
		t.Fatalf("relative path: %v", err)
	}
	if err := noCaptcha(db).RegisterUnit(ctx, registration("rel-unit", "91440605MA4X12345")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	path := filepath.Join(dir, "data", "rel.db")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("relative URL did not create %s: %v", path, err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() != 0 {
		t.Errorf("WAL holds %d bytes after Close", st.Size())
	}

	db, err = store.Open(ctx, "sqlite://"+path, quiet)
	if err != nil {
		t.Fatalf("absolute path: %v", err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT COUNT(*) FROM users WHERE username = 'rel-unit'"); n != 1 {
		t.Fatal("data written before Close is gone after reopening")
	}

	for _, bad := range []string{"sqlite://", "sqlite:///tmp/x.db?_pragma=foreign_keys(0)", "mysql://root@localhost/jxjy", "/tmp/x.db"} {
		if db, err := store.Open(ctx, bad, quiet); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

func TestUnreachablePostgresFailsOpen(t *testing.T) {
	ctx := t.Context()
	_, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", quiet)
	if err == nil {
		t.Fatal("opened a database on port 1")
	}
}
