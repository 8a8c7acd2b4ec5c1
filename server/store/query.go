package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"jxjy/server/domain"
)

// QueryService implements domain.QueryService: 专业课计划查询,
// 继续教育培训记录查询 with its export, and the statistics of units and
// authorities.
type QueryService struct{ db *DB }

var _ domain.QueryService = (*QueryService)(nil)

// NewQueryService returns the query and statistics service.
func NewQueryService(db *DB) *QueryService { return &QueryService{db: db} }

// queryUnit admits an approved unit; its id scopes every query.
func queryUnit(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.User.Role != domain.RoleUnit {
		return p, domain.Errorf(domain.CodeForbidden, "只有法人单位可以使用本查询")
	}
	if !p.User.UnitActive() {
		return p, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return p, nil
}

// conditions collects a WHERE clause and its arguments; "$?" in a
// condition takes the next argument's number.
type conditions struct {
	where []string
	args  []any
}

func (c *conditions) add(cond string, vals ...any) {
	for _, v := range vals {
		cond = strings.Replace(cond, "$?", c.arg(v), 1)
	}
	c.where = append(c.where, cond)
}

// arg adds an argument and returns its placeholder.
func (c *conditions) arg(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

// with is a copy of c with one more condition.
func (c *conditions) with(cond string, vals ...any) *conditions {
	out := &conditions{where: append([]string(nil), c.where...), args: append([]any(nil), c.args...)}
	out.add(cond, vals...)
	return out
}

func (c *conditions) sql() string { return " WHERE " + strings.Join(c.where, " AND ") }

// page is LIMIT and OFFSET numbered after the conditions' arguments.
func (c *conditions) page(pr domain.PageRequest) (string, []any) {
	n := len(c.args)
	return ` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2), append(c.args[:n:n], pr.Limit, pr.Offset)
}

// likeContains and likePrefix build LIKE patterns (with ESCAPE '\') that
// match operator input literally.
func likeContains(s string) string { return "%" + likeEscape(s) + "%" }

func likePrefix(s string) string { return likeEscape(s) + "%" }

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// dictLabels maps a dictionary's codes to their labels.
func dictLabels(ctx context.Context, q rowsQueryer, kind string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, label FROM dict_items WHERE kind = $1`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, label string
		if err := rows.Scan(&code, &label); err != nil {
			return nil, err
		}
		out[code] = label
	}
	return out, rows.Err()
}

// recordLabels fills in the category and form names of query rows.
type recordLabels struct{ category, form map[string]string }

func loadRecordLabels(ctx context.Context, q rowsQueryer) (recordLabels, error) {
	var l recordLabels
	var err error
	if l.category, err = dictLabels(ctx, q, domain.DictCategory); err != nil {
		return l, err
	}
	l.form, err = dictLabels(ctx, q, domain.DictForm)
	return l, err
}

func (l recordLabels) fill(r *domain.QueryRecord) {
	r.CategoryLabel, r.FormLabel = r.Category, r.Form
	if s, ok := l.category[r.Category]; ok {
		r.CategoryLabel = s
	}
	if s, ok := l.form[r.Form]; ok {
		r.FormLabel = s
	}
}

// queryRecordSelect reads an effective record with its person; the query
// screens never need the review columns.
const queryRecordSelect = `SELECT r.id, r.person_id, p.name, p.id_number, r.category, r.form, r.title,
	r.organizer, r.start_date, r.end_date, r.year, r.half_hours, r.source, r.remark,
	COALESCE(r.effective_at, r.updated_at)
	FROM records r JOIN persons p ON p.id = r.person_id`

func scanQueryRecord(s interface{ Scan(...any) error }) (domain.QueryRecord, error) {
	var r domain.QueryRecord
	var source string
	var halfHours, effective int64
	err := s.Scan(&r.ID, &r.PersonID, &r.PersonName, &r.IDNumber, &r.Category, &r.Form, &r.Title,
		&r.Organizer, &r.StartDate, &r.EndDate, &r.Year, &halfHours, &source, &r.Remark, &effective)
	r.Hours, r.Source, r.EffectiveAt = domain.Hours(halfHours), domain.RecordSource(source), fromMillis(effective)
	return r, err
}

// recordConditions is the unit's effective records under q's filters,
// on the records alone: the person filters pick the unit's persons in a
// subquery (few persons, then their records by index), so counting and
// paging never join persons row by row. Without a person filter unit_id
// and status lead, so each variant runs on one of the unit's index ranges
// (see 00010); with one, the persons' records are read by person_id.
func recordConditions(unitID int64, q domain.RecordQuery) *conditions {
	c := &conditions{}
	// With a person filter the few matching persons' records are the
	// place to start; the unary plus keeps SQLite from walking the unit's
	// whole index range instead, looking each row up to test its person.
	if q.Name != "" || q.IDNumber != "" {
		c.add(`+r.unit_id = $?`, unitID)
	} else {
		c.add(`r.unit_id = $?`, unitID)
	}
	c.add(`r.status = 'effective'`)
	var persons []string
	if q.Name != "" {
		persons = append(persons, `p.name LIKE `+c.arg(likeContains(q.Name))+` ESCAPE '\'`)
	}
	// A whole ID number is one index lookup; a part is a prefix.
	switch {
	case len(q.IDNumber) == 18:
		persons = append(persons, `p.id_number = `+c.arg(q.IDNumber))
	case q.IDNumber != "":
		persons = append(persons, `p.id_number LIKE `+c.arg(likePrefix(q.IDNumber))+` ESCAPE '\'`)
	}
	if len(persons) > 0 {
		c.add(`r.person_id IN (SELECT p.id FROM persons p WHERE p.unit_id = $1 AND ` + strings.Join(persons, " AND ") + `)`)
	}
	if q.Year != 0 {
		c.add(`r.year = $?`, q.Year)
	}
	if q.Category != "" {
		c.add(`r.category = $?`, q.Category)
	}
	if q.Source != "" {
		c.add(`r.source = $?`, string(q.Source))
	}
	if q.From != "" {
		c.add(`r.start_date >= $?`, q.From)
	}
	if q.To != "" {
		c.add(`r.end_date <= $?`, q.To)
	}
	return c
}

// recordCountSQL and recordPageSQL are the statements of one page: the
// page's ids are chosen on the records' indexes (after the cursor's id, or
// skipping offset index entries, not joined rows), then those rows are
// read with their persons. The page reads one row more (see keysetNext).
func recordCountSQL(c *conditions) string { return `SELECT COUNT(*) FROM records r` + c.sql() }

func recordPageSQL(c *conditions, pr domain.PageRequest, after []int64) (string, []any) {
	if after != nil {
		c, pr.Offset = c.with(`r.id < $?`, after[0]), 0
	}
	pr.Limit++
	limit, args := c.page(pr)
	return queryRecordSelect + ` WHERE r.id IN (SELECT r.id FROM records r` + c.sql() + ` ORDER BY r.id DESC` + limit +
		`) ORDER BY r.id DESC`, args
}

// QueryRecords pages the effective records of the unit's persons, newest
// first (by keyset on id when the request has a cursor), each person
// flagged when an entry of 失信信息 is in force.
func (s *QueryService) QueryRecords(ctx context.Context, q domain.RecordQuery) (domain.Page[domain.QueryRecord], error) {
	p, err := queryUnit(ctx)
	if err != nil {
		return domain.Page[domain.QueryRecord]{}, err
	}
	if err := q.Validate(); err != nil {
		return domain.Page[domain.QueryRecord]{}, err
	}
	pr := q.PageRequest.Normalize()
	after, err := pr.Key(1)
	if err != nil {
		return domain.Page[domain.QueryRecord]{}, err
	}
	c := recordConditions(p.User.UnitID, q)
	page := domain.Page[domain.QueryRecord]{Items: []domain.QueryRecord{}, Offset: pageOffset(pr)}
	if err := s.db.read.QueryRowContext(ctx, recordCountSQL(c), c.args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	labels, err := loadRecordLabels(ctx, s.db.read)
	if err != nil {
		return page, mapDBError(err)
	}
	query, args := recordPageSQL(c, pr, after)
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanQueryRecord(rows)
		if err != nil {
			return page, err
		}
		labels.fill(&r)
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return page, mapDBError(err)
	}
	page.Items, page.Next = keysetNext(page.Items, pr.Limit, func(r domain.QueryRecord) []int64 { return []int64{r.ID} })
	ids := make([]int64, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.PersonID
	}
	flagged, err := s.db.DishonestPersons(ctx, ids)
	if err != nil {
		return page, err
	}
	for i := range page.Items {
		page.Items[i].Dishonest = flagged[page.Items[i].PersonID]
	}
	return page, nil
}

// QueryRecord reads one effective record of the unit's persons.
func (s *QueryService) QueryRecord(ctx context.Context, id int64) (domain.QueryRecord, error) {
	p, err := queryUnit(ctx)
	if err != nil {
		return domain.QueryRecord{}, err
	}
	r, err := scanQueryRecord(s.db.read.QueryRowContext(ctx, queryRecordSelect+
		` WHERE r.id = $1 AND r.unit_id = $2 AND r.status = 'effective'`, id, p.User.UnitID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.Errorf(domain.CodeNotFound, "培训记录不存在")
	}
	if err != nil {
		return r, mapDBError(err)
	}
	labels, err := loadRecordLabels(ctx, s.db.read)
	if err != nil {
		return r, mapDBError(err)
	}
	labels.fill(&r)
	flagged, err := s.db.DishonestPersons(ctx, []int64{r.PersonID})
	r.Dishonest = flagged[r.PersonID]
	return r, err
}

// exportBatch is how many rows one read of an export fetches: each batch
// is its own short query, so an export never holds a read transaction (or
// a connection) for as long as the client takes to receive it.
const exportBatch = 1000

// ExportRecords walks every matching record newest first, a batch at a
// time by id (keyset paging: each batch is an index range, however deep
// into the result it is).
func (s *QueryService) ExportRecords(ctx context.Context, q domain.RecordQuery, each func(r domain.QueryRecord, n, total int) error) error {
	p, err := queryUnit(ctx)
	if err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	c := recordConditions(p.User.UnitID, q)
	var total int
	if err := s.db.read.QueryRowContext(ctx, recordCountSQL(c), c.args...).Scan(&total); err != nil {
		return mapDBError(err)
	}
	if total > domain.MaxExportRows {
		return domain.Errorf(domain.CodeInvalid, "符合条件的记录有%d条，超过一次导出的上限（%d条），请缩小查询范围", total, domain.MaxExportRows)
	}
	labels, err := loadRecordLabels(ctx, s.db.read)
	if err != nil {
		return mapDBError(err)
	}
	n := 0
	last := int64(0)
	for n < total {
		batch := c
		if last > 0 {
			batch = c.with(`r.id < $?`, last)
		}
		got, err := s.readBatch(ctx, batch, labels, func(r domain.QueryRecord) error {
			n++
			last = r.ID
			// Records that became effective during the export are not in
			// the count; the total stays what the operator was told.
			return each(r, n, max(total, n))
		})
		if err != nil {
			return err
		}
		if got < exportBatch {
			break
		}
	}
	return nil
}

// readBatch reads one batch and hands each row on; it returns how many
// rows the batch held.
func (s *QueryService) readBatch(ctx context.Context, c *conditions, labels recordLabels, each func(domain.QueryRecord) error) (int, error) {
	rows, err := s.db.read.QueryContext(ctx, queryRecordSelect+c.sql()+` ORDER BY r.id DESC LIMIT `+strconv.Itoa(exportBatch), c.args...)
	if err != nil {
		return 0, mapDBError(err)
	}
	batch := make([]domain.QueryRecord, 0, exportBatch)
	for rows.Next() {
		r, err := scanQueryRecord(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		labels.fill(&r)
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapDBError(err)
	}
	// The rows are read in full first, so the connection is back in the
	// pool before a slow receiver is handed anything.
	for _, r := range batch {
		if err := each(r); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}

// QueryPlans pages the unit's approved plans, newest year first.
func (s *QueryService) QueryPlans(ctx context.Context, q domain.PlanQuery) (domain.Page[domain.Plan], error) {
	p, err := queryUnit(ctx)
	if err != nil {
		return domain.Page[domain.Plan]{}, err
	}
	pr := q.PageRequest.Normalize()
	c := &conditions{}
	c.add(`p.unit_id = $?`, p.User.UnitID)
	c.add(`p.status = 'approved'`)
	if q.Year != 0 {
		c.add(`p.year = $?`, q.Year)
	}
	if q.CourseID != 0 {
		c.add(`p.course_id = $?`, q.CourseID)
	}
	if name := domain.NormalizeInput(q.Name); name != "" {
		c.add(`p.name LIKE $? ESCAPE '\'`, likeContains(name))
	}
	page := domain.Page[domain.Plan]{Items: []domain.Plan{}, Offset: pr.Offset}
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans p`+c.sql(), c.args...).Scan(&page.Total); err != nil {
		return page, mapDBError(err)
	}
	limit, args := c.page(pr)
	rows, err := s.db.read.QueryContext(ctx, planSelect+c.sql()+` ORDER BY p.year DESC, p.id DESC`+limit, args...)
	if err != nil {
		return page, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		plan, err := scanPlan(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, plan)
	}
	return page, mapDBError(rows.Err())
}

// QueryPlan reads one of the unit's approved plans in full: classes with
// their teachers and subjects, and the plan's attachments.
func (s *QueryService) QueryPlan(ctx context.Context, id int64) (domain.QueryPlanDetail, error) {
	p, err := queryUnit(ctx)
	if err != nil {
		return domain.QueryPlanDetail{}, err
	}
	var n int
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans WHERE id = $1 AND unit_id = $2 AND status = 'approved'`,
		id, p.User.UnitID).Scan(&n); err != nil {
		return domain.QueryPlanDetail{}, mapDBError(err)
	}
	if n == 0 {
		return domain.QueryPlanDetail{}, domain.Errorf(domain.CodeNotFound, "专业课计划不存在或尚未审核通过")
	}
	detail, err := loadPlanDetail(ctx, s.db.read, id)
	if err != nil {
		return domain.QueryPlanDetail{}, mapDBError(err)
	}
	out := domain.QueryPlanDetail{PlanDetail: detail, Files: []domain.Attachment{}}
	rows, err := s.db.read.QueryContext(ctx, attachmentSelect+` WHERE owner_type = $1 AND owner_id = $2 ORDER BY id`,
		domain.EntityPlan, id)
	if err != nil {
		return out, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return out, err
		}
		out.Files = append(out.Files, a)
	}
	return out, mapDBError(rows.Err())
}
