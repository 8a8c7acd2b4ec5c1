package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// GeneratedUnitPrefix starts the username of every generated unit's
// account: gen-unit-00001 and so on, with DemoPassword.
const GeneratedUnitPrefix = "gen-unit-"

// GeneratedBigUnit is the account (password DemoPassword) of the one big
// unit GenerateOptions.BigUnit adds, for measuring work over a whole large
// unit (重新统计学时 of thousands of persons).
const GeneratedBigUnit = "gen-big-unit"

// GenerateOptions sizes a synthetic province for load tests.
type GenerateOptions struct {
	// Seed makes the data: the same seed and sizes give the same rows.
	Seed    uint64
	Units   int
	Persons int
	Records int
	// BigUnit, when positive, adds one more unit (account
	// GeneratedBigUnit, in Guangzhou) with that many persons on top of
	// Persons, each with bigUnitRecords records on top of Records.
	BigUnit int
	// Progress, if set, hears how far a table (or "indexes") has got.
	Progress func(table string, done, total int)
}

// GeneratePhase is one step of Generate: a table loaded, the indexes
// rebuilt, the statistics refreshed.
type GeneratePhase struct {
	Name string
	Rows int
	Took time.Duration
}

// GenerateResult counts what Generate stored.
type GenerateResult struct {
	Units, Persons, Records int
	// RecordsByStatus covers every record state.
	RecordsByStatus map[domain.RecordStatus]int

	Teachers, Plans, Classes, Enrollments int
	PlansByStatus                         map[domain.PlanStatus]int
	ClassesByStatus                       map[domain.ClassStatus]int
	Certificates                          map[domain.CertificateStatus]int

	Phases []GeneratePhase
}

// generatedStatuses weights the states of the records other than class
// credits (which are effective): most effective, a queue under review, a
// few drafts, returns and rejections.
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

// Generate adds a synthetic province to a database that holds no
// generated data yet: units spread over the counties (genRegions), each approved with
// an account, three teachers and plans of three years whose classes run
// through every state with trainees, attendance and results; persons
// with valid ID numbers spread over the units; records over this year and
// the two before in every state, closed classes crediting their passing
// trainees; and certificates for most persons who met a past year's
// requirement. Rows are bulk loaded (COPY on PostgreSQL, multi-row
// inserts in large transactions on SQLite) with the loaded tables'
// secondary indexes and constraints set aside and rebuilt afterwards.
func (db *DB) Generate(ctx context.Context, o GenerateOptions) (GenerateResult, error) {
	res := GenerateResult{RecordsByStatus: map[domain.RecordStatus]int{}, PlansByStatus: map[domain.PlanStatus]int{},
		ClassesByStatus: map[domain.ClassStatus]int{}, Certificates: map[domain.CertificateStatus]int{}}
	if o.Units <= 0 || o.Persons < o.Units || o.BigUnit < 0 || o.Persons+o.BigUnit > bornDays*1000 || o.Records < 0 {
		return res, errors.New("store: generate needs 1 ≤ units ≤ persons, persons + big unit ≤ 14,600,000")
	}
	var existing int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username_key LIKE $1 OR username_key = $2`,
		GeneratedUnitPrefix+"%", GeneratedBigUnit).Scan(&existing); err != nil {
		return res, err
	}
	if existing > 0 {
		return res, fmt.Errorf("store: this database already holds %d generated units; generate into a fresh one", existing)
	}
	l, err := db.newGenLayout(ctx, o)
	if err != nil {
		return res, err
	}
	ld, err := db.newGenLoader(ctx, o.Progress)
	if err != nil {
		return res, err
	}
	err = ld.setAside(ctx, genIndexedTables)
	if err == nil {
		err = l.load(ctx, ld, &res)
	}
	// The schema is put back even after a failure or an interrupt, so a
	// half-filled database is still one the server can open.
	err = errors.Join(err, ld.finish(context.WithoutCancel(ctx), err == nil))
	res.Phases = ld.phases
	return res, err
}

// genIndexedTables are the tables whose secondary indexes and
// constraints are dropped for the load and rebuilt after it; units and
// users are small.
var genIndexedTables = []string{"teachers", "persons", "plans", "classes", "subjects", "class_teachers",
	"enrollments", "attendance_sessions", "attendance_marks", "records", "certificates"}

// genIDTables get explicit ids, so rows can reference each other without
// reading them back; PostgreSQL's identity sequences are moved past them.
var genIDTables = []string{"units", "users", "teachers", "persons", "plans", "classes", "enrollments",
	"attendance_sessions", "certificates"}

// bornDays is the span of generated birth days (40 years from 1960); with
// a three-digit sequence number it bounds the persons Generate can make.
const bornDays = 40 * 365

// bigUnitRecords is the records of each of the big unit's persons: two
// a year.
const bigUnitRecords = 6

// genLayout places every generated row. Everything a row is made of is a
// pure function of the seed and the row's position, except the free
// details of records (drawn from rng in load order), so any table can
// name rows of another without reading them back.
type genLayout struct {
	seed                    uint64
	units, persons, records int // the ordinary province
	big                     int // persons of the big unit (0: none)
	rng                     *rand.Rand

	now      time.Time // the store's clock
	today    time.Time // today's date in China, at midnight UTC
	thisYear int

	authorities map[string]genAuthority
	courses     []genCourse
	reqs        [3]domain.Requirement // by year index

	base map[string]int64 // first id of each table in genIDTables
	hash string           // the one password hash of every account
}

type genAuthority struct {
	id   int64
	name string
}

type genCourse struct {
	id   int64
	name string
}

func (db *DB) newGenLayout(ctx context.Context, o GenerateOptions) (*genLayout, error) {
	now := db.now()
	china := now.In(domain.ChinaTime)
	l := &genLayout{seed: o.Seed, units: o.Units, persons: o.Persons, records: o.Records, big: o.BigUnit,
		rng: rand.New(rand.NewPCG(o.Seed, 0x6a786a79)), now: now, thisYear: china.Year(),
		today:       time.Date(china.Year(), china.Month(), china.Day(), 0, 0, 0, 0, time.UTC),
		authorities: map[string]genAuthority{}, base: map[string]int64{}}
	rows, err := db.read.QueryContext(ctx, `SELECT id, region_code, name FROM authorities`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a genAuthority
		var code string
		if err := rows.Scan(&a.id, &code, &a.name); err != nil {
			rows.Close()
			return nil, err
		}
		l.authorities[code] = a
	}
	rows.Close()
	// Plans name a course of the catalog when there is one (the demo data
	// seeds it); without, they name none, as a draft may.
	rows, err = db.read.QueryContext(ctx, `SELECT id, name FROM courses WHERE enabled ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c genCourse
		if err := rows.Scan(&c.id, &c.name); err != nil {
			rows.Close()
			return nil, err
		}
		l.courses = append(l.courses, c)
	}
	rows.Close()
	for yi := range l.reqs {
		if l.reqs[yi], err = yearRequirement(ctx, db.read, l.thisYear-yi); err != nil {
			return nil, err
		}
	}
	for _, t := range genIDTables {
		var next int64
		if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+t).Scan(&next); err != nil {
			return nil, err
		}
		l.base[t] = next
	}
	// One hash for every account: hashing is deliberately slow.
	l.hash = secret.HashPassword(DemoPassword)
	return l, nil
}

// roll is a pseudo-random number fixed by the seed and its arguments:
// kind names what is drawn, a and b which row it is for.
func (l *genLayout) roll(kind, a, b uint64) uint64 {
	h := l.seed*0x9e3779b97f4a7c15 + kind
	h = splitmix(h ^ a)
	return splitmix(h ^ (b + 0x632be59bd9b4e019))
}

// splitmix is SplitMix64's finaliser: every input bit reaches every
// output bit.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// What roll draws.
const (
	rollName uint64 = iota + 1
	rollTeacher
	rollCourse
	rollClass
	rollScore
	rollEntered
	rollMark
	rollQualify
	rollPublic
	rollIssue
	rollReissue
	rollCode
	rollIssuedAt
)

// allUnits counts the big unit too.
func (l *genLayout) allUnits() int {
	if l.big > 0 {
		return l.units + 1
	}
	return l.units
}

func (l *genLayout) allPersons() int { return l.persons + l.big }
func (l *genLayout) allRecords() int { return l.records + l.big*bigUnitRecords }

// isBig reports whether unit u is the big unit (the last one).
func (l *genLayout) isBig(u int) bool { return u == l.units }

// Person p belongs to unit p mod units (the big unit's follow the
// others), so every ordinary unit is the same size give or take one.
func (l *genLayout) unitOf(p int) int {
	if p >= l.persons {
		return l.units
	}
	return p % l.units
}

// indexInUnit is p's position among its unit's persons.
func (l *genLayout) indexInUnit(p int) int {
	if p >= l.persons {
		return p - l.persons
	}
	return p / l.units
}

// personAt is the m-th person of unit u.
func (l *genLayout) personAt(u, m int) int {
	if l.isBig(u) {
		return l.persons + m
	}
	return u + m*l.units
}

func (l *genLayout) unitSize(u int) int {
	if l.isBig(u) {
		return l.big
	}
	n := l.persons / l.units
	if u < l.persons%l.units {
		n++
	}
	return n
}

// genRegions are the regions units are generated in: every county-level
// division, and the cities that have none (东莞, 中山), in turns across
// the cities — each city's first county, then each city's second, … — so
// a few units already cover every city and many units spread over the
// counties in proportion (each county the same share).
var genRegions = func() []genRegion {
	byCity := map[string][]domain.Region{}
	for _, c := range gdCounties {
		byCity[c.ParentCode] = append(byCity[c.ParentCode], c)
	}
	var out []genRegion
	for turn := 0; len(out) < len(gdCounties)+2; turn++ {
		for _, city := range gdCities {
			counties := byCity[city.Code]
			switch {
			case len(counties) == 0 && turn == 0:
				out = append(out, genRegion{Region: city, label: city.Name})
			case turn < len(counties):
				out = append(out, genRegion{Region: counties[turn], label: city.Name + counties[turn].Name})
			}
		}
	}
	return out
}()

// genRegion is a region units are generated in, labelled with its city.
type genRegion struct {
	domain.Region
	label string // 佛山市禅城区
}

// regionOf is unit u's region; the big unit is in 广州市 itself.
func (l *genLayout) regionOf(u int) genRegion {
	if l.isBig(u) {
		return genRegion{Region: gdCities[0], label: gdCities[0].Name}
	}
	return genRegions[u%len(genRegions)]
}

// authorityOf is unit u's competent authority, the nearest up its tree.
func (l *genLayout) authorityOf(u int) genAuthority {
	for _, code := range domain.RegionChain(l.regionOf(u).Code) {
		if a, ok := l.authorities[code]; ok {
			return a
		}
	}
	return genAuthority{}
}

func (l *genLayout) unitID(u int) int64       { return l.base["units"] + int64(u) }
func (l *genLayout) userID(u int) int64       { return l.base["users"] + int64(u) }
func (l *genLayout) personID(p int) int64     { return l.base["persons"] + int64(p) }
func (l *genLayout) teacherID(u, t int) int64 { return l.base["teachers"] + int64(u*genTeachers+t) }
func (l *genLayout) planID(u, i int) int64    { return l.base["plans"] + int64(u*len(genPlans)+i) }
func (l *genLayout) classID(u, c int) int64   { return l.base["classes"] + int64(u*len(genClasses)+c) }

func (l *genLayout) unitName(u int) string {
	region := l.regionOf(u)
	if l.isBig(u) {
		return region.label + "生成大型综合医院"
	}
	return fmt.Sprintf("%s第%d%s", region.label, u/len(genRegions)+1, genUnitKind[u%len(genUnitKind)])
}

func (l *genLayout) username(u int) string {
	if l.isBig(u) {
		return GeneratedBigUnit
	}
	return fmt.Sprintf("%s%05d", GeneratedUnitPrefix, u+1)
}

// personName is a surname and one or two given characters.
func (l *genLayout) personName(p int) string {
	r := l.roll(rollName, uint64(p), 0)
	name := string(genSurnames[r%uint64(len(genSurnames))]) + string(genGiven[(r>>16)%uint64(len(genGiven))])
	if (r>>32)%2 == 0 {
		name += string(genGiven[(r>>40)%uint64(len(genGiven))])
	}
	return name
}

// idNumber is unique by construction: the birth day (40 years from 1960)
// and the sequence number spell p. The gender follows the sequence
// number, as in a real ID number.
func (l *genLayout) idNumber(p int) (number, gender string, birth time.Time) {
	birth = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p%bornDays)
	seq := p / bornDays
	first17 := l.regionOf(l.unitOf(p)).Code + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	gender = "女"
	if seq%2 == 1 {
		gender = "男"
	}
	return first17 + string(domain.IDCheckChar(first17)), gender, birth
}

// load fills every table in reference order.
func (l *genLayout) load(ctx context.Context, ld *genLoader, res *GenerateResult) error {
	stamp := millis(time.Date(l.thisYear-3, 1, 1, 0, 0, 0, 0, domain.ChinaTime))
	units := l.allUnits()
	err := ld.bulk(ctx, "units", []string{"id", "name", "uscc", "status", "unit_type", "region_code", "authority_id",
		"contact_person", "created_at", "updated_at"}, units, func(u int) []any {
		region := l.regionOf(u)
		first17 := "91" + region.Code + fmt.Sprintf("GN%07d", u)
		if l.isBig(u) {
			first17 = "91" + region.Code + "GB0000001"
		}
		return []any{l.unitID(u), l.unitName(u), first17 + string(domain.USCCCheckChar(first17)), "approved", "enterprise",
			region.Code, l.authorityOf(u).id, "联系人", stamp, stamp}
	})
	if err != nil {
		return err
	}
	err = ld.bulk(ctx, "users", []string{"id", "username", "username_key", "password_hash", "role", "display_name",
		"unit_id", "must_change_password", "created_at", "password_changed_at"}, units, func(u int) []any {
		name := l.username(u)
		return []any{l.userID(u), name, usernameKey(name), l.hash, string(domain.RoleUnit), "生成单位" + strconv.Itoa(u+1),
			l.unitID(u), false, stamp, stamp}
	})
	if err != nil {
		return err
	}
	res.Units = units
	if err := l.loadTeachers(ctx, ld, res); err != nil {
		return err
	}
	err = ld.bulk(ctx, "persons", []string{"id", "id_number", "name", "gender", "birth_date", "unit_id", "status",
		"created_at", "updated_at"}, l.allPersons(), func(p int) []any {
		number, gender, birth := l.idNumber(p)
		return []any{l.personID(p), number, l.personName(p), gender, birth.Format(domain.DateLayout),
			l.unitID(l.unitOf(p)), "confirmed", stamp, stamp}
	})
	if err != nil {
		return err
	}
	res.Persons = l.allPersons()
	if err := l.loadPlans(ctx, ld, res); err != nil {
		return err
	}
	tally, err := l.loadRecords(ctx, ld, res)
	if err != nil {
		return err
	}
	return l.loadCertificates(ctx, ld, tally, res)
}
