package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jxjy/server/domain"
)

// LoadUnit is a generated approved unit with confirmed persons and
// effective records, for tests and benchmarks at scale.
type LoadUnit struct {
	ID        int64
	Principal domain.Principal
	Persons   int
	Records   int
}

// loadCategories and loadSources are cycled through by generated records.
var (
	loadCategories = []string{domain.CategoryPublic, domain.CategoryProfessional, domain.CategoryProfessional, domain.CategoryElective}
	loadSources    = []domain.RecordSource{domain.SourceUnit, domain.SourceImport, domain.SourcePerson, domain.SourceInstitution}
	loadForms      = []string{"training", "online", "conference", "lecture", "practice"}
)

// GenerateLoad stores an approved unit in region with persons confirmed
// members and records effective records spread over year and the year
// before, every month, category and source. Person k's records are worth
// 6 to 32 hours each, varying with k, so some persons meet the year's
// requirement and some do not. Rows go in with multi-row INSERTs, a few
// transactions in all.
func (db *DB) GenerateLoad(ctx context.Context, name, usccFirst17, region string, persons, records, year int) (LoadUnit, error) {
	now := db.now()
	u := LoadUnit{Persons: persons, Records: records}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO units (name, uscc, status, unit_type, region_code, created_at, updated_at)
			VALUES ($1, $2, 'approved', 'enterprise', $3, $4, $4) RETURNING id`,
			name, usccFirst17+string(domain.USCCCheckChar(usccFirst17)), region, millis(now)).Scan(&u.ID)
	})
	if err != nil {
		return u, err
	}
	// The unit's operator is a real account: what they keep (a pending
	// import's validation) names them.
	var userID int64
	username := "load-" + strconv.FormatInt(u.ID, 10)
	if err := db.write.QueryRowContext(ctx, `INSERT INTO users (username, username_key, password_hash, role, display_name,
		unit_id, created_at, password_changed_at) VALUES ($1, $1, '!', 'unit', $2, $3, $4, $4) RETURNING id`,
		username, name, u.ID, millis(now)).Scan(&userID); err != nil {
		return u, err
	}
	u.Principal = domain.Principal{User: domain.User{ID: userID, Username: username, Role: domain.RoleUnit, DisplayName: name,
		UnitID: u.ID, UnitStatus: domain.ApplicationApproved, RegionCode: region}}

	born := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
	seq := fmt.Sprintf("%03d", u.ID%1000)
	gender := "女"
	if (u.ID%10)%2 == 1 {
		gender = "男"
	}
	personRows := make([][]any, persons)
	for k := range persons {
		birth := born.AddDate(0, 0, k)
		first17 := region + birth.Format("20060102") + seq
		personRows[k] = []any{first17 + string(domain.IDCheckChar(first17)), "测试人员" + strconv.Itoa(k),
			gender, birth.Format(domain.DateLayout), u.ID, "confirmed", millis(now), millis(now)}
	}
	if err := db.insertRows(ctx, `INSERT INTO persons (id_number, name, gender, birth_date, unit_id, status, created_at, updated_at) VALUES `,
		personRows); err != nil {
		return u, err
	}
	ids := make([]int64, 0, persons)
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM persons WHERE unit_id = $1 ORDER BY id`, u.ID)
	if err != nil {
		return u, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return u, err
		}
		ids = append(ids, id)
	}
	rows.Close()

	recordRows := make([][]any, records)
	for i := range records {
		// Record i is person k's j-th; a person's records alternate
		// between the two years and cycle through the categories within
		// each.
		k, j := i%persons, i/persons
		y := year - j%2
		end := time.Date(y, time.Month(i%12+1), i%28+1, 0, 0, 0, 0, time.UTC)
		halfHours := 12 + 12*(k%5) + 4*(i%2)
		start := end.AddDate(0, 0, -halfHours/16)
		recordRows[i] = []any{ids[k], u.ID, loadCategories[(k+j/2)%len(loadCategories)], loadForms[i%len(loadForms)],
			fmt.Sprintf("专业技术人员继续教育课程%06d", i), "广东省继续教育学院",
			start.Format(domain.DateLayout), end.Format(domain.DateLayout), y, halfHours,
			string(loadSources[i%len(loadSources)]), "effective", millis(now), millis(now), millis(now)}
	}
	return u, db.insertRows(ctx, `INSERT INTO records (person_id, unit_id, category, form, title, organizer,
		start_date, end_date, year, half_hours, source, status, effective_at, created_at, updated_at) VALUES `, recordRows)
}

// insertRows inserts rows with one prepared statement, 25,000 rows a
// transaction. (Multi-row VALUES lists are slower on SQLite, whose lookup
// of numbered parameters grows with their count.)
func (db *DB) insertRows(ctx context.Context, head string, rows [][]any) error {
	const perTx = 25000
	if len(rows) == 0 {
		return nil
	}
	marks := make([]string, len(rows[0]))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	stmt := head + "(" + strings.Join(marks, ", ") + ")"
	for start := 0; start < len(rows); start += perTx {
		chunk := rows[start:min(start+perTx, len(rows))]
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			ins, err := tx.PrepareContext(ctx, stmt)
			if err != nil {
				return err
			}
			defer ins.Close()
			for _, r := range chunk {
				if _, err := ins.ExecContext(ctx, r...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// RecordQuerySQL is the count and page statements of a record query and
// their arguments, as QueryRecords runs them.
func RecordQuerySQL(unitID int64, q domain.RecordQuery) (count, page string, args, pageArgs []any) {
	c := recordConditions(unitID, q)
	after, _ := q.PageRequest.Key(1)
	page, pageArgs = recordPageSQL(c, q.PageRequest.Normalize(), after)
	return recordCountSQL(c), page, c.args, pageArgs
}

// StatsSQL is the statements Statistics runs on records and persons for
// a unit, with their arguments for year (requirement 90/30/42 hours).
func StatsSQL(unitID int64, year int) map[string][]any {
	sc := statsScope{units: `$1`, arg: unitID}
	return map[string][]any{
		sc.personsSQL(): {unitID},
		sc.sumsSQL():    {unitID, year},
		sc.metSQL():     {unitID, year, 180, 60, 84},
	}
}

// Explain returns SQLite's query plan of a statement, one step a line.
func (db *DB) Explain(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n"), rows.Err()
}

// EffectiveRecordsForTest reads up to 500 effective records of a unit's
// year from offset, plainly, for tests that recompute the statistics.
func EffectiveRecordsForTest(ctx context.Context, db *DB, unitID int64, year, offset int) ([]domain.QueryRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT person_id, category, half_hours FROM records
		WHERE unit_id = $1 AND status = 'effective' AND year = $2 ORDER BY id LIMIT 500 OFFSET $3`, unitID, year, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.QueryRecord
	for rows.Next() {
		var r domain.QueryRecord
		var halfHours int
		if err := rows.Scan(&r.PersonID, &r.Category, &halfHours); err != nil {
			return nil, err
		}
		r.Hours = domain.Hours(halfHours)
		out = append(out, r)
	}
	return out, rows.Err()
}
