package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// GeneratedUnitPrefix starts the username of every generated unit's
// account: gen-unit-00001 and so on, with DemoPassword.
const GeneratedUnitPrefix = "gen-unit-"

// GenerateOptions sizes a synthetic province for load tests.
type GenerateOptions struct {
	// Seed makes the data: the same seed and sizes give the same rows.
	Seed    uint64
	Units   int
	Persons int
	Records int
	// Progress, if set, hears how far a table has got.
	Progress func(table string, done, total int)
}

// GenerateResult counts what Generate stored.
type GenerateResult struct {
	Units, Persons, Records int
	// RecordsByStatus covers every record state.
	RecordsByStatus map[domain.RecordStatus]int
}

// generatedStatuses weights the record states as a working province has
// them: most effective, a queue under review, a few drafts, returns and
// rejections.
var generatedStatuses = []struct {
	status domain.RecordStatus
	weight int
}{
	{domain.RecordEffective, 80}, {domain.RecordSubmitted, 8}, {domain.RecordDraft, 4},
	{domain.RecordReturned, 4}, {domain.RecordRejected, 4},
}

var (
	genSurnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	genGiven      = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文海燕云飞晓东宇欣怡佳琪浩然子涵梓轩雨嘉俊")
	genCategories = []string{domain.CategoryPublic, domain.CategoryProfessional, domain.CategoryProfessional, domain.CategoryElective}
	genSources    = []domain.RecordSource{domain.SourceUnit, domain.SourceImport, domain.SourcePerson, domain.SourceInstitution}
	genForms      = []string{"training", "online", "conference", "lecture", "practice"}
	genUnitKind   = []string{"医院", "中学", "建筑设计院", "工程有限公司", "农业技术推广站", "会计师事务所", "信息技术有限公司", "研究院"}
)

// Generate adds a synthetic province to an otherwise demo-sized database:
// units spread over the 21 cities, each approved with an account, persons
// with valid ID numbers spread over the units, and records over this year
// and the two before in every state. Rows are bulk loaded: COPY on
// PostgreSQL, prepared inserts in large transactions on SQLite.
func (db *DB) Generate(ctx context.Context, o GenerateOptions) (GenerateResult, error) {
	res := GenerateResult{RecordsByStatus: map[domain.RecordStatus]int{}}
	if o.Units <= 0 || o.Persons < o.Units || o.Persons > bornDays*1000 || o.Records < 0 {
		return res, errors.New("store: generate needs 1 ≤ units ≤ persons ≤ 14,600,000")
	}
	var existing int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username_key LIKE $1`,
		GeneratedUnitPrefix+"%").Scan(&existing); err != nil {
		return res, err
	}
	if existing > 0 {
		return res, fmt.Errorf("store: this database already holds %d generated units; generate into a fresh one", existing)
	}
	authorities := map[string]int64{}
	rows, err := db.read.QueryContext(ctx, `SELECT id, region_code FROM authorities`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return res, err
		}
		authorities[code] = id
	}
	rows.Close()
	next := func(table string) (int64, error) {
		var id int64
		err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&id)
		return id, err
	}
	unitBase, err := next("units")
	if err != nil {
		return res, err
	}
	userBase, err := next("users")
	if err != nil {
		return res, err
	}
	personBase, err := next("persons")
	if err != nil {
		return res, err
	}

	rng := rand.New(rand.NewPCG(o.Seed, 0x6a786a79))
	thisYear := db.thisYear()
	epoch := time.Date(thisYear-3, 1, 1, 0, 0, 0, 0, chinaTime)
	stamp := millis(epoch)
	progress := func(table string) func(int) {
		return func(done int) {
			if o.Progress != nil {
				o.Progress(table, done, map[string]int{"units": o.Units, "users": o.Units, "persons": o.Persons, "records": o.Records}[table])
			}
		}
	}

	cityOf := func(u int) domain.Region { return cities[u%len(cities)] }
	err = db.bulk(ctx, "units", []string{"id", "name", "uscc", "status", "unit_type", "region_code", "authority_id",
		"contact_person", "created_at", "updated_at"}, o.Units, progress("units"), func(u int) []any {
		city := cityOf(u)
		first17 := "91" + city.Code + fmt.Sprintf("GN%07d", u)
		name := fmt.Sprintf("%s第%d%s", city.Name, u/len(cities)+1, genUnitKind[u%len(genUnitKind)])
		return []any{unitBase + int64(u), name, first17 + string(domain.USCCCheckChar(first17)), "approved", "enterprise",
			city.Code, authorities[city.Code], "联系人", stamp, stamp}
	})
	if err != nil {
		return res, fmt.Errorf("units: %w", err)
	}
	// One hash for every account: hashing is deliberately slow.
	hash := secret.HashPassword(DemoPassword)
	err = db.bulk(ctx, "users", []string{"id", "username", "username_key", "password_hash", "role", "display_name",
		"unit_id", "must_change_password", "created_at", "password_changed_at"}, o.Units, progress("users"), func(u int) []any {
		name := fmt.Sprintf("%s%05d", GeneratedUnitPrefix, u+1)
		return []any{userBase + int64(u), name, name, hash, string(domain.RoleUnit), "生成单位" + strconv.Itoa(u+1),
			unitBase + int64(u), false, stamp, stamp}
	})
	if err != nil {
		return res, fmt.Errorf("users: %w", err)
	}
	res.Units = o.Units

	// Person p belongs to unit p mod units, so every unit is the same size
	// give or take one. Its ID number is unique by construction: the
	// birth day (40 years from 1960) and sequence number spell p.
	unitOfPerson := func(p int) int { return p % o.Units }
	born := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.bulk(ctx, "persons", []string{"id", "id_number", "name", "gender", "birth_date", "unit_id", "status",
		"created_at", "updated_at"}, o.Persons, progress("persons"), func(p int) []any {
		u := unitOfPerson(p)
		birth := born.AddDate(0, 0, p%bornDays)
		seq := p / bornDays
		first17 := cityOf(u).Code + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
		gender := "女"
		if seq%2 == 1 {
			gender = "男"
		}
		name := string(genSurnames[rng.IntN(len(genSurnames))]) + string(genGiven[rng.IntN(len(genGiven))])
		if rng.IntN(2) == 0 {
			name += string(genGiven[rng.IntN(len(genGiven))])
		}
		return []any{personBase + int64(p), first17 + string(domain.IDCheckChar(first17)), name, gender,
			birth.Format(domain.DateLayout), unitBase + int64(u), "confirmed", stamp, stamp}
	})
	if err != nil {
		return res, fmt.Errorf("persons: %w", err)
	}
	res.Persons = o.Persons

	totalWeight := 0
	for _, s := range generatedStatuses {
		totalWeight += s.weight
	}
	err = db.bulk(ctx, "records", []string{"person_id", "unit_id", "category", "form", "title", "organizer",
		"start_date", "end_date", "year", "half_hours", "source", "status", "effective_at", "created_at", "updated_at"},
		o.Records, progress("records"), func(r int) []any {
			p := r % o.Persons
			year := thisYear - (r/o.Persons)%3
			end := time.Date(year, time.Month(rng.IntN(12)+1), rng.IntN(28)+1, 0, 0, 0, 0, time.UTC)
			halfHours := 4 + 2*rng.IntN(15)
			start := end.AddDate(0, 0, -halfHours/16)
			w := rng.IntN(totalWeight)
			status := generatedStatuses[0].status
			for _, s := range generatedStatuses {
				if w < s.weight {
					status = s.status
					break
				}
				w -= s.weight
			}
			res.RecordsByStatus[status]++
			at := millis(time.Date(end.Year(), end.Month(), end.Day(), 12, 0, 0, 0, chinaTime))
			var effectiveAt any
			if status == domain.RecordEffective {
				effectiveAt = at
			}
			return []any{personBase + int64(p), unitBase + int64(unitOfPerson(p)),
				genCategories[rng.IntN(len(genCategories))], genForms[rng.IntN(len(genForms))],
				fmt.Sprintf("专业技术人员继续教育课程%07d", r), "广东省继续教育学院",
				start.Format(domain.DateLayout), end.Format(domain.DateLayout), year, halfHours,
				string(genSources[rng.IntN(len(genSources))]), string(status), effectiveAt, at, at}
		})
	if err != nil {
		return res, fmt.Errorf("records: %w", err)
	}
	res.Records = o.Records
	return res, db.afterBulk(ctx)
}

// bornDays is the span of generated birth days (40 years from 1960); with
// a three-digit sequence number it bounds the persons Generate can make.
const bornDays = 40 * 365

// bulkBatch is the rows of one SQLite transaction and of one progress step.
const bulkBatch = 20_000

// bulk loads n rows made by row into table: COPY on PostgreSQL, a prepared
// insert in transactions of bulkBatch rows on SQLite. row is called in
// order, once per row, so a seeded generator stays deterministic.
func (db *DB) bulk(ctx context.Context, table string, cols []string, n int, progress func(int), row func(int) []any) error {
	if db.dialect == DialectPostgres {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			src := &copySource{n: n, row: row, progress: progress}
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
			return err
		})
	}
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	stmt := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`
	for start := 0; start < n; start += bulkBatch {
		end := min(start+bulkBatch, n)
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			ins, err := tx.PrepareContext(ctx, stmt)
			if err != nil {
				return err
			}
			defer ins.Close()
			for i := start; i < end; i++ {
				if _, err := ins.ExecContext(ctx, row(i)...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		progress(end)
	}
	return nil
}

// copySource feeds COPY one generated row at a time, so memory stays flat
// however many rows go in.
type copySource struct {
	n, i     int
	row      func(int) []any
	values   []any
	progress func(int)
}

func (s *copySource) Next() bool {
	if s.i >= s.n {
		s.progress(s.n)
		return false
	}
	s.values = s.row(s.i)
	s.i++
	if s.i%bulkBatch == 0 {
		s.progress(s.i)
	}
	return true
}

func (s *copySource) Values() ([]any, error) { return s.values, nil }
func (s *copySource) Err() error             { return nil }

// afterBulk moves PostgreSQL's identity sequences past the ids given
// explicitly, and refreshes the planner's statistics on both databases.
func (db *DB) afterBulk(ctx context.Context) error {
	if db.dialect == DialectPostgres {
		for _, t := range []string{"units", "users", "persons", "records"} {
			if _, err := db.write.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'),
				(SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
				return fmt.Errorf("sequence of %s: %w", t, err)
			}
		}
		_, err := db.write.ExecContext(ctx, `VACUUM ANALYZE units, users, persons, records`)
		return err
	}
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return err
}
