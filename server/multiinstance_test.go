package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// instances are two servers, each with its own connection pool, over one
// PostgreSQL schema: what two `jxjy serve` processes behind a load
// balancer are. sql reads the schema directly, as an operator would.
type instances struct {
	a, b string
	sql  *sql.DB
	// schema qualifies the tables sql reads.
	schema string
}

func startInstances(t *testing.T) *instances {
	t.Helper()
	base := strings.TrimSpace(os.Getenv(storetest.EnvPostgres))
	if base == "" {
		t.Skip(storetest.EnvPostgres + " not set: the multi-instance test needs PostgreSQL")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL unreachable: %v", err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "jxjy_multi_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	dbURL := base + sep + "search_path=" + url.QueryEscape(schema)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := server.Config{CaptchaEnabled: true, AnonymousPerMinute: -1, Logger: quiet}
	urls := make([]string, 2)
	for i := range urls {
		db, err := store.Open(ctx, dbURL, store.Options{Logger: quiet})
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if i == 0 {
			if _, err := db.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ts := httptest.NewServer(server.New(db, cfg).Handler())
		t.Cleanup(func() {
			ts.Close()
			db.Close()
		})
		urls[i] = ts.URL
	}
	return &instances{a: urls[0], b: urls[1], sql: admin, schema: schema}
}

// call sends a JSON request and decodes the answer into out on success;
// it returns the status and, on failure, the error code.
func call(t *testing.T, base, method, path, token string, in, out any) (int, domain.Code) {
	t.Helper()
	status, code, err := send(base, method, path, token, in, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status, code
}

func send(base, method, path, token string, in, out any) (int, domain.Code, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, "", err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+"/api/v1"+path, body)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error domain.Error `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return resp.StatusCode, e.Error.Code, nil
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, "", fmt.Errorf("decode %s: %w", raw, err)
		}
	}
	return resp.StatusCode, "", nil
}

// captchaFrom asks issuer for a captcha and reads its code from the
// database, where every instance looks it up.
func (in *instances) captchaFrom(t *testing.T, issuer string) (id, code string) {
	t.Helper()
	var c domain.Captcha
	if status, _ := call(t, issuer, "POST", "/captcha", "", nil, &c); status != 201 {
		t.Fatalf("captcha: %d", status)
	}
	if err := in.sql.QueryRowContext(t.Context(), `SELECT code FROM `+in.schema+`.captchas WHERE id = $1`, c.ID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return c.ID, code
}

// login solves a captcha issued by issuer at solver.
func (in *instances) login(t *testing.T, issuer, solver, username, password string) (domain.Session, int, domain.Code) {
	t.Helper()
	id, code := in.captchaFrom(t, issuer)
	var s domain.Session
	status, errCode := call(t, solver, "POST", "/session", "", domain.LoginRequest{
		Username: username, Password: password, CaptchaID: id, CaptchaCode: code}, &s)
	return s, status, errCode
}

func TestTwoInstancesShareSessionsCaptchasLockoutsAndNumbers(t *testing.T) {
	in := startInstances(t)

	t.Run("captcha issued by one is solved on the other, and only once", func(t *testing.T) {
		id, code := in.captchaFrom(t, in.a)
		req := domain.LoginRequest{Username: store.DemoUnit, Password: store.DemoPassword, CaptchaID: id, CaptchaCode: code}
		var s domain.Session
		if status, errCode := call(t, in.b, "POST", "/session", "", req, &s); status != 201 || s.Token == "" {
			t.Fatalf("login on B with A's captcha: %d %s", status, errCode)
		}
		if status, errCode := call(t, in.a, "POST", "/session", "", req, nil); errCode != domain.CodeInvalid {
			t.Fatalf("the same captcha again on A: %d %s, want it refused", status, errCode)
		}
	})

	t.Run("token issued by one works on the other until logged out on either", func(t *testing.T) {
		s, status, errCode := in.login(t, in.b, in.a, store.DemoProvince, store.DemoPassword)
		if status != 201 {
			t.Fatalf("login on A: %d %s", status, errCode)
		}
		for name, base := range map[string]string{"A": in.a, "B": in.b} {
			var me domain.Session
			if status, errCode := call(t, base, "GET", "/session", s.Token, nil, &me); status != 200 || me.User.Username != store.DemoProvince {
				t.Fatalf("A's token on %s: %d %s %+v", name, status, errCode, me.User)
			}
		}
		if status, errCode := call(t, in.b, "DELETE", "/session", s.Token, nil, nil); status >= 300 {
			t.Fatalf("logout on B: %d %s", status, errCode)
		}
		if status, errCode := call(t, in.a, "GET", "/session", s.Token, nil, nil); status != 401 || errCode != domain.CodeUnauthenticated {
			t.Fatalf("token logged out on B, used on A: %d %s", status, errCode)
		}
	})

	t.Run("a file validated on one is stored on the other, once", func(t *testing.T) {
		s, status, errCode := in.login(t, in.a, in.a, store.DemoUnit, store.DemoPassword)
		if status != 201 {
			t.Fatalf("login: %d %s", status, errCode)
		}
		var file bytes.Buffer
		if err := store.DemoImportWorkbook(&file, 40, time.Now().In(time.FixedZone("CST", 8*3600))); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", in.a+"/api/v1/record-import/validate?name=multi.xlsx", bytes.NewReader(file.Bytes()))
		req.Header.Set("Content-Type", domain.ContentTypeXLSX)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var rep domain.ImportReport
		err = json.NewDecoder(resp.Body).Decode(&rep)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || rep.ID == "" || rep.Valid == 0 {
			t.Fatalf("validate on A: %d %+v %v", resp.StatusCode, rep, err)
		}
		var res domain.ImportResult
		if status, errCode := call(t, in.b, "POST", "/record-import/validations/"+rep.ID, s.Token, nil, &res); status != 200 || res.Inserted != rep.Valid {
			t.Fatalf("store on B: %d %s, %d inserted of %d", status, errCode, res.Inserted, rep.Valid)
		}
		if status, errCode := call(t, in.a, "POST", "/record-import/validations/"+rep.ID, s.Token, nil, nil); status != 404 || errCode != domain.CodeNotFound {
			t.Fatalf("the same validation again on A: %d %s, want not_found", status, errCode)
		}
	})

	t.Run("failed logins on both count toward one lockout", func(t *testing.T) {
		const maxFailures = 5 // store.AuthConfig's default
		servers := []string{in.a, in.b}
		for i := 1; i <= maxFailures; i++ {
			solver := servers[i%2]
			_, status, errCode := in.login(t, servers[(i+1)%2], solver, store.DemoInstitution, "wrong-password")
			want := domain.CodeUnauthenticated
			if i == maxFailures {
				want = domain.CodeLocked
			}
			if errCode != want {
				t.Fatalf("failure %d: %d %s, want %s", i, status, errCode, want)
			}
		}
		for name, base := range map[string]string{"A": in.a, "B": in.b} {
			if _, status, errCode := in.login(t, base, base, store.DemoInstitution, store.DemoPassword); errCode != domain.CodeLocked {
				t.Fatalf("right password on %s after the lock: %d %s", name, status, errCode)
			}
		}
	})

	t.Run("certificates printed at once on both never share a number", func(t *testing.T) {
		year := time.Now().In(time.FixedZone("CST", 8*3600)).Year() - 1
		persons := in.makeEligible(t, year)
		if len(persons) < 4 {
			t.Fatalf("only %d demo-unit persons to print for", len(persons))
		}
		tokens := map[string]string{}
		for _, base := range []string{in.a, in.b} {
			s, status, errCode := in.login(t, base, base, store.DemoUnit, store.DemoPassword)
			if status != 201 {
				t.Fatalf("login demo-unit: %d %s", status, errCode)
			}
			tokens[base] = s.Token
		}
		type printed struct {
			person int64
			number string
			err    error
		}
		results := make(chan printed, 2*len(persons))
		var wg sync.WaitGroup
		// Each person is printed on both instances at once: the two must
		// agree on one certificate, and every person gets their own number.
		for _, id := range persons {
			for _, base := range []string{in.a, in.b} {
				wg.Go(func() {
					var c domain.Certificate
					status, errCode, err := send(base, "POST", "/certificates", tokens[base], domain.PrintRequest{PersonID: id, Year: year}, &c)
					if err == nil && status != 200 {
						err = fmt.Errorf("status %d %s", status, errCode)
					}
					results <- printed{id, c.Number, err}
				})
			}
		}
		wg.Wait()
		close(results)
		byPerson := map[int64]string{}
		byNumber := map[string]int64{}
		for r := range results {
			if r.err != nil {
				t.Fatalf("print person %d: %v", r.person, r.err)
			}
			if have, ok := byPerson[r.person]; ok && have != r.number {
				t.Errorf("person %d got two certificates: %s and %s", r.person, have, r.number)
			}
			byPerson[r.person] = r.number
			if other, ok := byNumber[r.number]; ok && other != r.person {
				t.Errorf("number %s given to persons %d and %d", r.number, other, r.person)
			}
			byNumber[r.number] = r.person
		}
		var dup int
		if err := in.sql.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM (SELECT number FROM `+in.schema+
			`.certificates GROUP BY number HAVING COUNT(*) > 1) d`).Scan(&dup); err != nil {
			t.Fatal(err)
		}
		if dup != 0 || len(byNumber) != len(persons) {
			t.Fatalf("%d duplicated numbers in the table; %d numbers for %d persons", dup, len(byNumber), len(persons))
		}
	})
}

// makeEligible gives demo-unit's confirmed persons without a certificate
// of year enough hours for one, by lowering the year's requirement to one
// half-hour and crediting each a half-hour record, and returns them.
func (in *instances) makeEligible(t *testing.T, year int) []int64 {
	t.Helper()
	ctx := t.Context()
	s := in.schema
	if _, err := in.sql.ExecContext(ctx, `INSERT INTO `+s+`.requirements
		(year, total_half_hours, public_min_half_hours, professional_min_half_hours, daily_cap_half_hours)
		VALUES ($1, 1, 0, 0, 16) ON CONFLICT (year) DO UPDATE SET total_half_hours = 1,
		public_min_half_hours = 0, professional_min_half_hours = 0`, year); err != nil {
		t.Fatal(err)
	}
	rows, err := in.sql.QueryContext(ctx, `SELECT p.id, p.unit_id FROM `+s+`.persons p
		JOIN `+s+`.users u ON u.unit_id = p.unit_id
		WHERE u.username = $1 AND p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM `+s+`.certificates c
			WHERE c.person_id = p.id AND c.year = $2 AND c.status = 'valid')`, store.DemoUnit, year)
	if err != nil {
		t.Fatal(err)
	}
	type person struct{ id, unit int64 }
	var found []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.unit); err != nil {
			t.Fatal(err)
		}
		found = append(found, p)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	day := fmt.Sprintf("%d-06-01", year)
	ids := make([]int64, 0, len(found))
	for _, p := range found {
		if _, err := in.sql.ExecContext(ctx, `INSERT INTO `+s+`.records (person_id, unit_id, category, form, title,
			start_date, end_date, year, half_hours, source, status, created_at, updated_at)
			VALUES ($1, $2, 'elective', 'lecture', '多实例测试讲座', $3, $3, $4, 1, 'unit', 'effective', $5, $5)`,
			p.id, p.unit, day, year, now); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.id)
	}
	return ids
}
