package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
)

// benchScenarios are the requests `jxjy bench` can drive: each of the
// first five is one operator's page; recount and import are a big unit's
// whole-unit operations (loadbench_unit.go).
var benchScenarios = []string{"login", "persons", "records", "queue", "stats", "work", "recount", "import"}

// unitScenarios run as --unit-account with --unit-concurrency operators
// (default one: an office runs one recount or import at once), whatever
// --concurrency the page scenarios run with.
var unitScenarios = []string{"recount", "import"}

// runBench drives the real HTTP API with a fixed number of clients for a
// fixed time and prints latency percentiles, throughput and the server's
// resident memory, as Markdown table rows. The server must run with the
// captcha and the login rate limits off (`jxjy serve --captcha off
// --anon-rate -1 --login-rate -1`) over a database from `jxjy gen`: workers
// log into one account more often than an operator would.
func runBench(ctx context.Context, args []string) error {
	fs := newFlagSet("bench")
	server := fs.String("server", envOr("JXJY_SERVER", "http://127.0.0.1:8080"), "server URL")
	scenario := fs.String("scenario", "persons", "login|persons|records|queue|stats|work|recount|import, or several joined by commas, or all")
	duration := fs.Duration("duration", 30*time.Second, "how long each scenario runs")
	concurrency := fs.Int("concurrency", 50, "clients at once on the page scenarios (login, persons, records, queue, stats)")
	unitConcurrency := fs.Int("unit-concurrency", 1, "operators at once on recount and import")
	units := fs.Int("units", 210, "generated units to spread the clients over (as given to jxjy gen)")
	pid := fs.Int("pid", 0, "server process id, to sample its resident memory from /proc")
	unitAccount := fs.String("unit-account", store.GeneratedBigUnit, "the unit recount and import run as (jxjy gen --big-unit makes it)")
	importRows := fs.Int("import-rows", 10_000, "rows of each file the import scenario uploads")
	if err := parse(fs, args); err != nil {
		return err
	}
	names := strings.Split(*scenario, ",")
	if *scenario == "all" {
		names = benchScenarios
	}
	for _, n := range names {
		if !slices.Contains(benchScenarios, n) {
			return fmt.Errorf("%w: unknown scenario %q", errUsage, n)
		}
		if slices.Contains(unitScenarios, n) && *unitAccount == "" {
			return fmt.Errorf("%w: %s needs --unit-account, a unit with many confirmed persons", errUsage, n)
		}
	}
	if *concurrency < 1 || *unitConcurrency < 1 || *duration <= 0 || *units < 1 || *importRows < 1 || *importRows > domain.MaxImportRows {
		return fmt.Errorf("%w: concurrency, duration and units must be positive, import rows 1 to %d", errUsage, domain.MaxImportRows)
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	b := &loadBench{server: *server, base: strings.TrimRight(*server, "/") + "/api/v1", http: hc,
		unitAccount: *unitAccount, importRows: *importRows}
	fmt.Println("| 场景 | 并发 | 请求数 | 请求/秒 | p50 | p99 | 最大 | 失败 | 服务器RSS峰值 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	failed := 0
	var notes []string
	for _, name := range names {
		clients := *concurrency
		if slices.Contains(unitScenarios, name) {
			clients = *unitConcurrency
		}
		workers, setupFailed, note, err := b.prepare(ctx, name, clients, *units)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r := b.run(ctx, workers, *duration, *pid, slices.Contains(unitScenarios, name))
		// A worker that could not log in is a failed request of the run,
		// not the end of it: the other workers' numbers still stand.
		r.failures += setupFailed
		fmt.Printf("| %s | %d | %d | %s | %s | %s | %s | %d | %s |\n", name, clients, len(r.latencies),
			r.rate(), ms(r.percentile(50)), ms(r.percentile(99)), ms(r.percentile(100)), r.failures, rssText(r.maxRSS))
		if note != nil {
			notes = append(notes, note())
		}
		failed += r.failures
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	for _, n := range notes {
		fmt.Println()
		fmt.Println(n)
	}
	if failed > 0 {
		return fmt.Errorf("%d requests failed: the numbers above are not a clean measurement", failed)
	}
	return nil
}

type loadBench struct {
	server, base string
	http         *http.Client
	unitAccount  string
	importRows   int
}

// request is one operation a worker repeats; it returns how long it took
// and whether the answers were the ones expected.
type request func(ctx context.Context, rng *rand.Rand) (time.Duration, bool)

// timed makes a request of a call timed as a whole.
func timed(call func(ctx context.Context, rng *rand.Rand) bool) request {
	return func(ctx context.Context, rng *rand.Rand) (time.Duration, bool) {
		t0 := time.Now()
		ok := call(ctx, rng)
		return time.Since(t0), ok
	}
}

func (b *loadBench) do(ctx context.Context, method, path, token string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func (b *loadBench) login(ctx context.Context, username string) (string, error) {
	var s domain.Session
	status, err := b.do(ctx, "POST", "/session", "", domain.LoginRequest{Username: username, Password: store.DemoPassword, CaptchaCode: "x"}, &s)
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("login %s: status %d (is the server running with --captcha off --anon-rate -1 --login-rate -1?)", username, status)
	}
	return s.Token, err
}

func genUnit(i int) string { return fmt.Sprintf("%s%05d", store.GeneratedUnitPrefix, i+1) }

// benchSurnames are common surnames: a name filter a clerk would type.
var benchSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"}

// prepare logs each worker in (a unit of its own where the scenario is a
// unit's page) and returns each worker's request, and for some scenarios
// a note to print under the table once they have run.
func (b *loadBench) prepare(ctx context.Context, scenario string, n, units int) (workers []request, setupFailed int, note func() string, err error) {
	switch scenario {
	case "recount":
		workers, note, err = b.prepareRecount(ctx, n)
		return workers, 0, note, err
	case "import":
		workers, note, err = b.prepareImport(ctx, n)
		return workers, 0, note, err
	}
	workers, setupFailed, err = b.preparePages(ctx, scenario, n, units)
	return workers, setupFailed, nil, err
}

// preparePages prepares the scenarios of one page each. A worker whose
// login fails is left out and counted in failed; only when none can log
// in is the scenario refused.
func (b *loadBench) preparePages(ctx context.Context, scenario string, n, units int) (out []request, failed int, err error) {
	out = make([]request, n)
	var lastErr error
	defer func() {
		out = slices.DeleteFunc(out, func(r request) bool { return r == nil })
		if err == nil && len(out) == 0 {
			err = fmt.Errorf("no worker could log in: %w", lastErr)
		}
	}()
	year := time.Now().Year()
	for w := range n {
		unit := genUnit(w % units)
		ok := func(status int, err error) bool { return err == nil && status == http.StatusOK }
		switch scenario {
		case "login":
			out[w] = timed(func(ctx context.Context, rng *rand.Rand) bool {
				var s domain.Session
				status, err := b.do(ctx, "POST", "/session", "", domain.LoginRequest{Username: genUnit(rng.IntN(units)),
					Password: store.DemoPassword, CaptchaCode: "x"}, &s)
				return err == nil && status == http.StatusCreated
			})
			continue
		case "stats":
			token, err := b.login(ctx, store.DemoAuthority)
			if err != nil {
				failed, lastErr = failed+1, err
				continue
			}
			out[w] = timed(func(ctx context.Context, _ *rand.Rand) bool {
				return ok(b.do(ctx, "GET", "/stats?year="+strconv.Itoa(year-1), token, nil, nil))
			})
			continue
		}
		token, err := b.login(ctx, unit)
		if err != nil {
			failed, lastErr = failed+1, err
			continue
		}
		switch scenario {
		case "persons":
			out[w] = timed(func(ctx context.Context, rng *rand.Rand) bool {
				q := "/persons?limit=20&name=" + url.QueryEscape(benchSurnames[rng.IntN(len(benchSurnames))])
				return ok(b.do(ctx, "GET", q, token, nil, nil))
			})
		case "queue":
			out[w] = timed(func(ctx context.Context, _ *rand.Rand) bool {
				return ok(b.do(ctx, "GET", "/records?status=submitted&limit=20", token, nil, nil))
			})
		case "work":
			// The menu's count of today's work, asked each time it shows.
			out[w] = timed(func(ctx context.Context, _ *rand.Rand) bool {
				return ok(b.do(ctx, "GET", "/work", token, nil, nil))
			})
		case "records":
			var page domain.Page[domain.Person]
			if status, err := b.do(ctx, "GET", "/persons?limit=100", token, nil, &page); err != nil || status != http.StatusOK || len(page.Items) == 0 {
				return nil, failed, fmt.Errorf("persons of %s: status %d, %d persons, %v", unit, status, len(page.Items), err)
			}
			ids := make([]string, len(page.Items))
			for i, p := range page.Items {
				ids[i] = p.IDNumber
			}
			out[w] = timed(func(ctx context.Context, rng *rand.Rand) bool {
				return ok(b.do(ctx, "GET", "/query/records?limit=20&id_number="+ids[rng.IntN(len(ids))], token, nil, nil))
			})
		}
	}
	return out, failed, nil
}

type loadResult struct {
	latencies []time.Duration
	failures  int
	elapsed   time.Duration
	maxRSS    int64
}

// rate is the requests per second, with a decimal when there are few.
func (r loadResult) rate() string {
	v := float64(len(r.latencies)) / r.elapsed.Seconds()
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func (r loadResult) percentile(p int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := (len(r.latencies)*p + 99) / 100
	return r.latencies[max(0, min(i, len(r.latencies))-1)]
}

// run runs every worker's request in a loop until duration is over,
// sampling the server's memory meanwhile. A request running at the end
// is cut off and not counted, except the whole-unit operations, which
// take seconds each and are let finish.
func (b *loadBench) run(ctx context.Context, workers []request, duration time.Duration, pid int, finish bool) loadResult {
	stop, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	if !finish {
		ctx = stop
	}
	done := make(chan struct{})
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	sampled := make(chan int64)
	go func() {
		var peak int64
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := processRSS(pid); rss > peak {
				peak = rss
			}
			select {
			case <-done:
				sampled <- peak
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	for w, req := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			var mine []time.Duration
			failed := 0
			for stop.Err() == nil {
				took, good := req(ctx, rng)
				if ctx.Err() != nil {
					break // cut off by the deadline, not answered
				}
				mine = append(mine, took)
				if !good {
					failed++
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, mine...)
			res.failures += failed
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	close(done)
	res.maxRSS = <-sampled
	slices.Sort(res.latencies)
	return res
}

// processRSS reads a process's resident set size from /proc, 0 when pid
// is not given or not readable.
func processRSS(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

func rssText(b int64) string {
	if b == 0 {
		return "—"
	}
	return strconv.FormatInt(b>>20, 10) + " MB"
}
