package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"jxjy/server/store"
)

// runGen fills a database with a synthetic province for load tests: the
// demo data (its authority and province accounts), then generated units,
// teachers, plans and classes, persons, records and certificates. The
// defaults are small; the province's own size is --units 10000
// --persons 1000000 --records 5000000.
func runGen(ctx context.Context, args []string) error {
	fs := newFlagSet("gen")
	db := fs.String("db", envOr("JXJY_DB", ""), "database URL (a fresh one)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and sizes give the same data")
	units := fs.Int("units", 210, "units, spread over the counties of the 21 cities")
	persons := fs.Int("persons", 10_000, "persons, spread over the units")
	records := fs.Int("records", 50_000, "records over three years, in every state")
	big := fs.Int("big-unit", 0, "also one unit ("+store.GeneratedBigUnit+") with this many persons, on top of --persons")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("%w: gen needs --db", errUsage)
	}
	s, err := store.Open(ctx, *db, store.Options{Logger: newLogger(io.Discard)})
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if _, err := s.SeedDemo(ctx); err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	p := &progressLine{w: os.Stderr, start: start}
	res, err := s.Generate(ctx, store.GenerateOptions{Seed: *seed, Units: *units, Persons: *persons, Records: *records,
		BigUnit: *big, Progress: p.report})
	p.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "生成完成：%d 个单位，%d 名教师，%d 个计划（%v），%d 个培训班（%v），%d 名学员，"+
		"%d 名人员，%d 条记录（%v），证书 %v，用时 %s\n",
		res.Units, res.Teachers, res.Plans, res.PlansByStatus, res.Classes, res.ClassesByStatus, res.Enrollments,
		res.Persons, res.Records, res.RecordsByStatus, res.Certificates, time.Since(start).Round(100*time.Millisecond))
	for _, ph := range res.Phases {
		fmt.Fprintf(os.Stderr, "  %-20s %10d  %s\n", ph.Name, ph.Rows, ph.Took.Round(100*time.Millisecond))
	}
	return errors.Join(ctx.Err(), s.Close())
}

// progressLine redraws one status line, at most five times a second, and
// starts a new line when the table changes.
type progressLine struct {
	w     io.Writer
	start time.Time
	table string
	drawn time.Time
}

func (p *progressLine) report(table string, done, total int) {
	now := time.Now()
	if table == p.table && done < total && now.Sub(p.drawn) < 200*time.Millisecond {
		return
	}
	if table != p.table && p.table != "" {
		fmt.Fprintln(p.w)
	}
	p.table, p.drawn = table, now
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	fmt.Fprintf(p.w, "\r%-19s %9d / %-9d %5.1f%%  %s", table, done, total, pct, now.Sub(p.start).Round(100*time.Millisecond))
}

func (p *progressLine) finish() {
	if p.table != "" {
		fmt.Fprintln(p.w)
	}
}
