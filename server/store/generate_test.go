package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

var tinyProvince = store.GenerateOptions{Seed: 7, Units: 25, Persons: 300, Records: 3000}

// Generate fills every city with approved units that can log in, persons
// with valid ID numbers, and records of three years in every state.
func TestGenerateTinyProvince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var steps int
		opts := tinyProvince
		opts.Progress = func(string, int, int) { steps++ }
		res, err := db.Generate(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Units != 25 || res.Persons != 300 || res.Records != 3000 || steps == 0 {
			t.Fatalf("%+v after %d progress steps", res, steps)
		}
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		const genUnits = `SELECT unit_id FROM users WHERE username_key LIKE 'gen-unit-%'`
		if n := count(`SELECT COUNT(DISTINCT region_code) FROM units WHERE id IN (` + genUnits + `)`); n != 21 {
			t.Errorf("units in %d cities, want 21", n)
		}
		if n := count(`SELECT COUNT(*) FROM units WHERE status = 'approved' AND authority_id IS NOT NULL AND id IN (` + genUnits + `)`); n != 25 {
			t.Errorf("%d approved units under an authority, want 25", n)
		}
		if n := count(`SELECT COUNT(*) FROM persons WHERE status = 'confirmed' AND unit_id IN (` + genUnits + `)`); n != 300 {
			t.Errorf("%d confirmed persons, want 300", n)
		}
		if n := count(`SELECT COUNT(DISTINCT year) FROM records`); n != 3 {
			t.Errorf("records over %d years, want 3", n)
		}
		total := 0
		for _, s := range []domain.RecordStatus{domain.RecordDraft, domain.RecordSubmitted, domain.RecordEffective,
			domain.RecordRejected, domain.RecordReturned} {
			n := count(`SELECT COUNT(*) FROM records WHERE status = $1`, string(s))
			if n == 0 || n != res.RecordsByStatus[s] {
				t.Errorf("%d records %s, reported %d", n, s, res.RecordsByStatus[s])
			}
			total += n
		}
		if total != 3000 {
			t.Errorf("%d records, want 3000", total)
		}
		if n := count(`SELECT COUNT(*) FROM records WHERE (status = 'effective') <> (effective_at IS NOT NULL)`); n != 0 {
			t.Errorf("%d records whose effective_at disagrees with their state", n)
		}

		first := count(`SELECT MIN(id) FROM persons WHERE unit_id IN (` + genUnits + `)`)
		for id := first; id < first+300; id++ {
			var number, gender string
			if err := db.QueryRow(ctx, `SELECT id_number, gender FROM persons WHERE id = $1`, id).Scan(&number, &gender); err != nil {
				t.Fatal(err)
			}
			info, msg := domain.ParseIDNumber(number, time.Now())
			if msg != "" || info.Gender != gender {
				t.Fatalf("person %d: %s %s: %q (%s)", id, number, gender, msg, info.Gender)
			}
		}
		firstUnit := count(`SELECT MIN(unit_id) FROM users WHERE username_key LIKE 'gen-unit-%'`)
		for id := firstUnit; id < firstUnit+25; id++ {
			var uscc string
			if err := db.QueryRow(ctx, `SELECT uscc FROM units WHERE id = $1`, id).Scan(&uscc); err != nil {
				t.Fatal(err)
			}
			if msg := domain.CheckUSCC(uscc); msg != "" {
				t.Fatalf("unit %d: %s: %s", id, uscc, msg)
			}
		}

		s := login(t, noCaptcha(db), store.GeneratedUnitPrefix+"00025", store.DemoPassword)
		if s.User.Role != domain.RoleUnit || !s.User.UnitActive() {
			t.Fatalf("generated unit logs in as %+v", s.User)
		}
		// The identity sequences moved past the explicit ids.
		if err := db.Exec(ctx, `INSERT INTO units (name, uscc, created_at, updated_at) VALUES ('后来的单位', 'X', 0, 0)`); err != nil {
			t.Fatalf("insert after generate: %v", err)
		}
		if _, err := db.Generate(ctx, tinyProvince); err == nil {
			t.Fatal("a second generate into the same database was allowed")
		}
	})
}

// The same seed and sizes give the same rows.
func TestGenerateIsDeterministic(t *testing.T) {
	digest := func() string {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "gen.db"),
			store.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Generate(ctx, tinyProvince); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		var first int
		if err := db.QueryRow(ctx, `SELECT MIN(id) FROM records`).Scan(&first); err != nil {
			t.Fatal(err)
		}
		for id := first; id < first+3000; id += 7 {
			var number, name, title, status, start string
			var halfHours int
			if err := db.QueryRow(ctx, `SELECT p.id_number, p.name, r.title, r.status, r.start_date, r.half_hours
				FROM records r JOIN persons p ON p.id = r.person_id WHERE r.id = $1`, id).
				Scan(&number, &name, &title, &status, &start, &halfHours); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, number, name, title, status, start, halfHours)
		}
		return fmt.Sprintf("%x", h.Sum(nil))
	}
	if a, b := digest(), digest(); a != b {
		t.Fatalf("two runs with one seed differ: %s and %s", a, b)
	}
}
