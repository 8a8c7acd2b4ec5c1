package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/xlsximport"
)

// unitClient is one operator of --unit-account, logged in through the
// client the TUI uses: recount and import go through its real calls
// (batches, uploads, progress lines) as an operator's would.
func (b *loadBench) unitClient(ctx context.Context) (*client.Client, error) {
	// A whole-unit operation takes seconds; a slow one is measured, not
	// abandoned.
	c := client.New(b.server, client.Options{Timeout: 10 * time.Minute})
	if _, err := c.Login(ctx, domain.LoginRequest{Username: b.unitAccount, Password: store.DemoPassword, CaptchaCode: "x"}); err != nil {
		return nil, fmt.Errorf("login %s: %w (is the server running with --captcha off --anon-rate -1 --login-rate -1?)", b.unitAccount, err)
	}
	return c, nil
}

// recountAll is 重新统计学时 of the whole unit as the screen runs it
// (key S): batch after batch, each answer read before the next is asked
// for. each sees every person counted.
func recountAll(ctx context.Context, c *client.Client, year int, each func(domain.CertificateRow)) error {
	var after int64
	n := 0
	for {
		res, err := c.Recount(ctx, domain.RecountRequest{Year: year, AfterID: after})
		if err != nil {
			return err
		}
		for _, r := range res.Rows {
			each(r)
		}
		n += len(res.Rows)
		if res.Done {
			if n != res.Total {
				return fmt.Errorf("recounted %d of %d persons", n, res.Total)
			}
			return nil
		}
		after = res.NextAfterID
	}
}

// prepareRecount gives each worker an operator recounting the unit's
// current year; the note says how many persons one recount counts.
func (b *loadBench) prepareRecount(ctx context.Context, n int) ([]request, func() string, error) {
	year := time.Now().Year()
	out := make([]request, n)
	persons := 0
	for w := range n {
		c, err := b.unitClient(ctx)
		if err != nil {
			return nil, nil, err
		}
		if w == 0 {
			// Once untimed: the person count for the note, and the
			// caches warm as after any earlier use of the screen.
			if err := recountAll(ctx, c, year, func(domain.CertificateRow) { persons++ }); err != nil {
				return nil, nil, err
			}
		}
		out[w] = timed(func(ctx context.Context, _ *rand.Rand) bool {
			return recountAll(ctx, c, year, func(domain.CertificateRow) {}) == nil
		})
	}
	note := func() string {
		return fmt.Sprintf("recount: %s, year %d, %d persons in batches of %d, each batch answered before the next is asked for.",
			b.unitAccount, year, persons, domain.RecountBatch)
	}
	return out, note, nil
}

// importTimes are one import's parts.
type importTimes struct {
	plain, validate, store time.Duration
}

// prepareImport gives each worker an operator importing a new file of
// --import-rows rows naming the unit's persons: 上传校验 then 数据入库,
// the time of both being the request's. Every file is new (its course
// titles carry the run and the round), so every import stores all its
// rows. Before each upload, excelize alone reads the same file, untimed
// by the table; the note compares the two.
func (b *loadBench) prepareImport(ctx context.Context, n int) ([]request, func() string, error) {
	first, err := b.unitClient(ctx)
	if err != nil {
		return nil, nil, err
	}
	var persons []store.ImportPerson
	if err := recountAll(ctx, first, time.Now().Year(), func(r domain.CertificateRow) {
		persons = append(persons, store.ImportPerson{IDNumber: r.IDNumber, Name: r.Name})
	}); err != nil {
		return nil, nil, err
	}
	if len(persons) == 0 {
		return nil, nil, fmt.Errorf("%s has no confirmed persons to import records for", b.unitAccount)
	}
	run := time.Now().Format("0102150405")
	var mu sync.Mutex
	var times []importTimes
	var size, lines, rounds int
	out := make([]request, n)
	for w := range n {
		c := first
		if w > 0 {
			if c, err = b.unitClient(ctx); err != nil {
				return nil, nil, err
			}
		}
		out[w] = func(ctx context.Context, _ *rand.Rand) (time.Duration, bool) {
			mu.Lock()
			rounds++
			batch := fmt.Sprintf("压测%s-%d", run, rounds)
			mu.Unlock()
			var buf bytes.Buffer
			today := time.Now().In(domain.ChinaTime)
			if err := store.ImportWorkbook(&buf, persons, b.importRows, today, batch); err != nil {
				return 0, false
			}
			data := buf.Bytes()
			var t importTimes
			t0 := time.Now()
			if _, err := xlsximport.ReadPlain(data); err != nil {
				return 0, false
			}
			t.plain = time.Since(t0)
			// The upload's own progress is reported from the transport's
			// goroutine.
			var seen atomic.Int64
			up := func() domain.ImportUpload {
				return domain.ImportUpload{Name: "压测导入.xlsx", Size: int64(len(data)), Body: bytes.NewReader(data),
					Progress: func(domain.ImportProgress) { seen.Add(1) }}
			}
			t1 := time.Now()
			rep, err := c.ValidateImport(ctx, up())
			t.validate = time.Since(t1)
			if err != nil || rep.Valid != b.importRows {
				return time.Since(t1), false
			}
			t2 := time.Now()
			// 数据入库 stores the validation by its id; nothing is sent again.
			res, err := c.ImportValidated(ctx, rep.ID, func(domain.ImportProgress) { seen.Add(1) })
			t.store = time.Since(t2)
			good := err == nil && res.Inserted == b.importRows
			if good {
				mu.Lock()
				times = append(times, t)
				size, lines = len(data), lines+int(seen.Load())
				mu.Unlock()
			}
			return time.Since(t1), good
		}
	}
	note := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(times) == 0 {
			return "import: no import finished"
		}
		p50 := func(part func(importTimes) time.Duration) time.Duration {
			d := make([]time.Duration, len(times))
			for i, t := range times {
				d[i] = part(t)
			}
			slices.Sort(d)
			return d[(len(d)-1)/2]
		}
		plain := p50(func(t importTimes) time.Duration { return t.plain })
		validate := p50(func(t importTimes) time.Duration { return t.validate })
		stored := p50(func(t importTimes) time.Duration { return t.store })
		both := p50(func(t importTimes) time.Duration { return t.validate + t.store })
		return fmt.Sprintf("import: %s, %d files of %d rows (%s each) for %d persons, every row stored; %d progress lines a file on average.\n"+
			"p50: excelize alone reading the file %s · 上传校验 %s (%.1f×) · 数据入库 %s (%.1f×) · both, end to end %s (%.1f× excelize).",
			b.unitAccount, len(times), b.importRows, domain.FormatBytes(int64(size)), len(persons), lines/len(times),
			ms(plain), ms(validate), ratio(validate, plain), ms(stored), ratio(stored, plain), ms(both), ratio(both, plain))
	}
	return out, note, nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
