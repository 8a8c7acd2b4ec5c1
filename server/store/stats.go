package store

import (
	"context"
	"fmt"
	"strconv"

	"jxjy/server/domain"
)

// statsScope is whose figures a statistics call sums: one unit, or the
// approved units of an authority's region subtree. units is SQL for the
// ids of the units in scope, taking arg as $1.
type statsScope struct {
	name       string
	units      string
	arg        any
	regionCode string // the authority's region; "" for a unit
	level      int    // the authority's level: 1 province, 2 city, 3 district
}

func statsScopeOf(ctx context.Context, q queryer, p domain.Principal) (statsScope, error) {
	switch p.User.Role {
	case domain.RoleUnit:
		if !p.User.UnitActive() {
			return statsScope{}, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
		}
		return statsScope{name: p.User.DisplayName, units: `$1`, arg: p.User.UnitID}, nil
	case domain.RoleAuthority:
		if p.User.RegionCode == "" {
			break
		}
		s := statsScope{
			name:       p.User.DisplayName,
			units:      `SELECT id FROM units WHERE status = 'approved' AND region_code LIKE $1`,
			arg:        domain.ScopePrefix(p.User.RegionCode) + "%",
			regionCode: p.User.RegionCode,
		}
		if err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, s.regionCode).Scan(&s.level); err != nil {
			return s, mapDBError(err)
		}
		return s, nil
	}
	return statsScope{}, domain.Errorf(domain.CodeForbidden, "只有法人单位或人社主管部门可以查看统计")
}

// breakdown reports whether the scope is broken down by region: a
// province by city, a city by district.
func (sc statsScope) breakdown() bool { return sc.regionCode != "" && sc.level < 3 }

// regionKey is the SQL naming the region row a unit u counts under, and
// the join that brings u in; without a breakdown every row is one.
func (sc statsScope) regionKey() (key, join string) {
	switch {
	case !sc.breakdown():
		return `''`, ``
	case sc.level == 1:
		return `SUBSTR(u.region_code, 1, 4) || '00'`, ` JOIN units u ON u.id = r.unit_id`
	}
	return `u.region_code`, ` JOIN units u ON u.id = r.unit_id`
}

// effectiveIn is the condition on records r of the scope's units in one
// year; the scope's argument is $1 and the year $2.
func (sc statsScope) effectiveIn() string {
	return ` r.unit_id IN (` + sc.units + `) AND r.status = 'effective' AND r.year = $2`
}

// The statements of Statistics, kept apart so tests can read their plans.
// Each reads records through records_query_idx (00010), whose columns
// cover all they need.

func (sc statsScope) personsSQL() string {
	key, join := sc.regionKey()
	if join == "" {
		return `SELECT ` + key + `, COUNT(*) FROM persons p WHERE p.unit_id IN (` + sc.units + `) AND p.status = 'confirmed'`
	}
	return `SELECT ` + key + `, COUNT(*) FROM persons p JOIN units u ON u.id = p.unit_id
		WHERE p.unit_id IN (` + sc.units + `) AND p.status = 'confirmed' GROUP BY ` + key
}

// sumsSQL sums the year's records by region, category and end date in
// one pass (grouping by the plain column sorts faster than by its month);
// every total is added up from its rows.
func (sc statsScope) sumsSQL() string {
	key, join := sc.regionKey()
	group := `r.category, r.end_date`
	if join != "" {
		group = key + `, ` + group
	}
	return `SELECT ` + key + `, r.category, r.end_date, COUNT(*), CAST(SUM(r.half_hours) AS BIGINT)
		FROM records r` + join + ` WHERE` + sc.effectiveIn() + ` GROUP BY ` + group
}

// metSQL counts persons whose year meets the requirement ($3 total, $4
// public, $5 professional half-hours): the rule of domain.YearHours.Met,
// summed per person in the database so a province of persons is never
// read row by row.
func (sc statsScope) metSQL() string {
	return `SELECT COUNT(*) FROM (SELECT r.person_id FROM records r WHERE` + sc.effectiveIn() + ` GROUP BY r.person_id
		HAVING SUM(r.half_hours) >= $3
		AND SUM(CASE WHEN r.category = 'public' THEN r.half_hours ELSE 0 END) >= $4
		AND SUM(CASE WHEN r.category = 'professional' THEN r.half_hours ELSE 0 END) >= $5) met`
}

// statsSums is what sumsSQL returns, added up three ways.
type statsSums struct {
	byCategory, byMonth, byRegion map[string]domain.StatItem
}

func addStat(m map[string]domain.StatItem, key string, records int, hours domain.Hours) {
	it := m[key]
	it.Records += records
	it.Hours += hours
	m[key] = it
}

// Statistics sums year's effective records in the caller's scope.
func (s *QueryService) Statistics(ctx context.Context, year int) (domain.Stats, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Stats{}, err
	}
	if year == 0 {
		year = s.db.now().In(domain.ChinaTime).Year()
	}
	if year < 1900 || year > 9999 {
		return domain.Stats{}, (domain.Fields{"year": "年度应为四位数字"}).Err()
	}
	sc, err := statsScopeOf(ctx, s.db.read, p)
	if err != nil {
		return domain.Stats{}, err
	}
	compute := func() (domain.Stats, error) {
		// Computed for whoever waits on it, not only this request.
		ctx := context.WithoutCancel(ctx)
		st := domain.Stats{Year: year, ScopeName: sc.name, Units: 1, ComputedAt: s.db.now()}
		req, err := yearRequirement(ctx, s.db.read, year)
		if err != nil {
			return st, mapDBError(err)
		}
		st.RequiredTotal, st.RequiredPublic, st.RequiredProfessional = req.Total, req.PublicMin, req.ProfessionalMin
		if err := s.statsFill(ctx, sc, &st); err != nil {
			return st, mapDBError(err)
		}
		st.NotMet = max(st.Persons-st.Met, 0)
		return st, nil
	}
	// A unit's own summary is cheap, and its clerk expects to see a review
	// just made: only an authority's region figures are reused.
	if sc.regionCode == "" {
		return compute()
	}
	return s.db.stats.get(fmt.Sprint(sc.regionCode, "|", year), s.db.now(), compute)
}

func (s *QueryService) statsFill(ctx context.Context, sc statsScope, st *domain.Stats) error {
	if sc.regionCode != "" {
		if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE status = 'approved' AND region_code LIKE $1`,
			sc.arg).Scan(&st.Units); err != nil {
			return err
		}
	}
	persons, err := s.statsPersons(ctx, sc)
	if err != nil {
		return err
	}
	for _, n := range persons {
		st.Persons += n
	}
	if err := s.db.read.QueryRowContext(ctx, sc.metSQL(), sc.arg, st.Year,
		int(st.RequiredTotal), int(st.RequiredPublic), int(st.RequiredProfessional)).Scan(&st.Met); err != nil {
		return err
	}
	sums, err := s.statsSums(ctx, sc, st.Year)
	if err != nil {
		return err
	}
	for _, it := range sums.byCategory {
		st.Records += it.Records
		st.Hours += it.Hours
	}
	if st.ByCategory, err = s.statsCategories(ctx, sums.byCategory); err != nil {
		return err
	}
	st.ByMonth = make([]domain.StatItem, 12)
	for m := 1; m <= 12; m++ {
		key := strconv.Itoa(m)
		if m < 10 {
			key = "0" + key
		}
		it := sums.byMonth[key]
		it.Key, it.Label = key, domain.MonthLabel(m)
		st.ByMonth[m-1] = it
	}
	if sc.breakdown() {
		return s.statsRegions(ctx, sc, sums.byRegion, persons, st)
	}
	return nil
}

// statsPersons counts the confirmed persons in scope by region key.
func (s *QueryService) statsPersons(ctx context.Context, sc statsScope) (map[string]int, error) {
	rows, err := s.db.read.QueryContext(ctx, sc.personsSQL(), sc.arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		out[key] = n
	}
	return out, rows.Err()
}

func (s *QueryService) statsSums(ctx context.Context, sc statsScope, year int) (statsSums, error) {
	out := statsSums{byCategory: map[string]domain.StatItem{}, byMonth: map[string]domain.StatItem{}, byRegion: map[string]domain.StatItem{}}
	rows, err := s.db.read.QueryContext(ctx, sc.sumsSQL(), sc.arg, year)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var region, category, end string
		var records int
		var halfHours int64
		if err := rows.Scan(&region, &category, &end, &records, &halfHours); err != nil {
			return out, err
		}
		h := domain.Hours(halfHours)
		addStat(out.byCategory, category, records, h)
		if len(end) == len(domain.DateLayout) {
			addStat(out.byMonth, end[5:7], records, h)
		}
		addStat(out.byRegion, region, records, h)
	}
	return out, rows.Err()
}

// statsCategories lists every category in dictionary order, zeros kept.
func (s *QueryService) statsCategories(ctx context.Context, sums map[string]domain.StatItem) ([]domain.StatItem, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT code, label FROM dict_items WHERE kind = $1 ORDER BY sort, code`, domain.DictCategory)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.StatItem{}
	for rows.Next() {
		var code, label string
		if err := rows.Scan(&code, &label); err != nil {
			return nil, err
		}
		it := sums[code]
		it.Key, it.Label = code, label
		out = append(out, it)
	}
	return out, rows.Err()
}

// statsRegions lists a province's cities or a city's districts in code
// order, zeros kept; units registered at the authority's own level form
// the 本级 row, first, when there are any.
func (s *QueryService) statsRegions(ctx context.Context, sc statsScope, sums map[string]domain.StatItem, persons map[string]int, st *domain.Stats) error {
	item := func(code, label string) domain.StatItem {
		it := sums[code]
		it.Key, it.Label, it.Persons = code, label, persons[code]
		return it
	}
	st.RegionLevel = "区县"
	if sc.level == 1 {
		st.RegionLevel = "城市"
	}
	if _, ok := sums[sc.regionCode]; ok || persons[sc.regionCode] > 0 {
		st.ByRegion = append(st.ByRegion, item(sc.regionCode, "本级"))
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT code, name FROM regions WHERE parent_code = $1 ORDER BY code`, sc.regionCode)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return err
		}
		st.ByRegion = append(st.ByRegion, item(code, name))
	}
	return rows.Err()
}
