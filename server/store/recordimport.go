package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"jxjy/server/domain"
	"jxjy/server/xlsximport"
)

// RecordImportService implements domain.RecordImportService: the unit's
// 继续教育记录批量申报. The workbook is parsed by xlsximport; the rules that
// need the database (who the person is, the dictionaries, the hour cap of
// the year, duplicates) are checked here, for all rows with a handful of
// queries rather than one per row. 上传校验 keeps the checked rows in the
// database (importvalidation.go), and 数据入库 stores those.
type RecordImportService struct {
	db     *DB
	limits xlsximport.Limits
	// pending bounds the validations kept for 数据入库.
	pending PendingLimits
	// parsing admits a few workbooks at a time: each may take up to
	// limits.MaxUnzipped of memory while it is read.
	parsing chan struct{}
	// working admits a few imports at a time past reading the upload: an
	// import holds its rows, their checks and its transaction, ≈ 15 MB
	// for 10,000 rows, so fifty at once would hold most of a gigabyte.
	working chan struct{}
}

// importKindRecords is the kind of validation this service keeps.
const importKindRecords = "records"

var _ domain.RecordImportService = (*RecordImportService)(nil)

// NewRecordImportService returns the batch import service.
func NewRecordImportService(db *DB) *RecordImportService {
	return &RecordImportService{db: db, limits: xlsximport.DefaultLimits(), pending: DefaultPendingLimits(),
		parsing: make(chan struct{}, maxParsing), working: make(chan struct{}, maxImporting)}
}

// WithPendingLimits sets the bounds of the validations kept for 数据入库.
func (s *RecordImportService) WithPendingLimits(lim PendingLimits) *RecordImportService {
	s.pending = lim
	return s
}

// maxParsing is how many workbooks one server reads at once, and
// maxImporting how many imports it checks and stores at once; more wait.
const (
	maxParsing   = 2
	maxImporting = 4
)

// importProgressEvery is how often, in rows, checking and storing report.
const importProgressEvery = 250

// Messages of the batch import.
const (
	msgImportNotMember = "该身份证号不是本单位的专业技术人员，请先在“专业技术人员信息维护”中添加"
	msgImportPending   = "该人员尚未确认为本单位人员，请先在“专业技术人员信息确认”中确认"
	msgImportExisting  = "已有相同记录（同一人员、培训内容和开始日期），入库时跳过"
	msgImportRace      = "入库期间有人新增了相同的记录，本次没有保存任何数据，请重新上传"
)

// ImportTemplate writes the template with the dictionaries' labels.
func (s *RecordImportService) ImportTemplate(ctx context.Context) ([]byte, error) {
	if _, err := personnelUnit(ctx); err != nil {
		return nil, err
	}
	d, err := loadImportDicts(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := xlsximport.Template(&buf, d.choices); err != nil {
		return nil, fmt.Errorf("store: import template: %w", err)
	}
	return buf.Bytes(), nil
}

// ValidateImport checks every row, stores no record, and keeps the
// checked rows as the caller's validation for ImportValidated.
func (s *RecordImportService) ValidateImport(ctx context.Context, up domain.ImportUpload) (domain.ImportReport, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.ImportReport{}, err
	}
	sheet, sum, done, err := s.parse(ctx, up)
	if err != nil {
		return domain.ImportReport{}, err
	}
	defer done()
	checked, err := s.check(ctx, s.db.read, p.User.UnitID, sheet, up.Progress)
	if err != nil {
		return domain.ImportReport{}, err
	}
	v := validatedImport{Report: importReport(up.Name, sheet, checked)}
	for _, c := range checked {
		switch {
		case !c.row.Valid():
			v.Bad = append(v.Bad, *c.row)
		case !c.existing:
			v.Rows = append(v.Rows, c.valid())
		}
	}
	payload, err := v.encode()
	if err != nil {
		return domain.ImportReport{}, err
	}
	v.Report.SHA256 = hex.EncodeToString(sum[:])
	saved, err := s.db.savePending(ctx, p, pendingMeta{kind: importKindRecords, fileName: importFileName(up.Name),
		sha256: v.Report.SHA256}, payload, s.pending)
	if err != nil {
		return domain.ImportReport{}, err
	}
	v.Report.ID, v.Report.ExpiresAt = saved.id, saved.expiresAt
	return v.Report, nil
}

// ImportValidated stores the rows the validation counted valid. Inside
// the transaction only what the database can have changed is checked
// again: that each row's person is still a confirmed member of the unit,
// and (by the unique index) that nobody stored one of the records.
func (s *RecordImportService) ImportValidated(ctx context.Context, id string, progress func(domain.ImportProgress)) (domain.ImportResult, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.ImportResult{}, err
	}
	select {
	case s.working <- struct{}{}:
		defer func() { <-s.working }()
	case <-ctx.Done():
		return domain.ImportResult{}, ctx.Err()
	}
	var out domain.ImportResult
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := lockImportingUnit(ctx, tx, p.User.UnitID); err != nil {
			return err
		}
		payload, err := s.db.takePending(ctx, tx, p, importKindRecords, id)
		if err != nil {
			return err
		}
		v, err := decodeValidated(payload)
		if err != nil {
			return err
		}
		if err := recheckPersons(ctx, tx, p.User.UnitID, v.Rows, progress); err != nil {
			return err
		}
		out = domain.ImportResult{Report: v.Report}
		out.Report.ID = id
		out.Inserted, err = s.store(ctx, tx, p, importFileName(v.Report.FileName), v.Rows, progress)
		return err
	})
	if err != nil {
		return domain.ImportResult{}, err
	}
	return out, nil
}

// lockImportingUnit makes two imports of one unit take turns on
// PostgreSQL, so the second sees the first one's records; SQLite has a
// single writer anyway.
func lockImportingUnit(ctx context.Context, tx *sql.Tx, unitID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE units SET version = version WHERE id = $1`, unitID)
	return err
}

// recheckPersons refuses the import when a row's person has left the
// unit or is no longer confirmed since the validation.
func recheckPersons(ctx context.Context, tx *sql.Tx, unitID int64, rows []validRow, progress func(domain.ImportProgress)) error {
	res, err := tx.QueryContext(ctx, `SELECT id FROM persons WHERE unit_id = $1 AND status = $2`, unitID, string(domain.AffiliationConfirmed))
	if err != nil {
		return err
	}
	confirmed := map[int64]bool{}
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			res.Close()
			return err
		}
		confirmed[id] = true
	}
	res.Close()
	if err := res.Err(); err != nil {
		return err
	}
	var changed []string
	for _, r := range rows {
		if !confirmed[r.PersonID] {
			changed = append(changed, fmt.Sprintf("第%d行", r.Number))
		}
	}
	total := int64(len(rows))
	report(progress, domain.StageValidate, total, total)
	if len(changed) == 0 {
		return nil
	}
	if len(changed) > 10 {
		changed = append(changed[:10], fmt.Sprintf("等%d行", len(changed)))
	}
	return domain.Errorf(domain.CodeConflict, "自上传校验以来，%s的人员已不是本单位已确认的专业技术人员，本次没有保存任何数据，请重新上传校验",
		strings.Join(changed, "、"))
}

// ImportRecords checks the rows inside the transaction that stores
// them, so what is stored is exactly what the check saw.
func (s *RecordImportService) ImportRecords(ctx context.Context, up domain.ImportUpload) (domain.ImportResult, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return domain.ImportResult{}, err
	}
	sheet, _, done, err := s.parse(ctx, up)
	if err != nil {
		return domain.ImportResult{}, err
	}
	defer done()
	name := importFileName(up.Name)
	var out domain.ImportResult
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		if err := lockImportingUnit(ctx, tx, p.User.UnitID); err != nil {
			return err
		}
		checked, err := s.check(ctx, tx, p.User.UnitID, sheet, up.Progress)
		if err != nil {
			return err
		}
		out = domain.ImportResult{Report: importReport(up.Name, sheet, checked)}
		var rows []validRow
		for _, c := range checked {
			if c.row.Valid() && !c.existing {
				rows = append(rows, c.valid())
			}
		}
		out.Inserted, err = s.store(ctx, tx, p, name, rows, up.Progress)
		return err
	})
	if err != nil {
		return domain.ImportResult{}, err
	}
	return out, nil
}

// validatedImport is what 上传校验 keeps for 数据入库: the report it
// answered, the rows it counted valid and the invalid rows as read.
type validatedImport struct {
	Report domain.ImportReport
	Rows   []validRow
	Bad    []xlsximport.Row
}

// validRow is a row ready to store.
type validRow struct {
	Number                                       int
	PersonID                                     int64
	Category, Form                               string
	Title, Organizer, StartDate, EndDate, Remark string
	Hours                                        domain.Hours
}

func (c checkedRow) valid() validRow {
	r := c.row
	return validRow{Number: r.Number, PersonID: c.personID, Category: c.category, Form: c.form, Title: r.Title,
		Organizer: r.Organizer, StartDate: r.StartDate, EndDate: r.EndDate, Remark: r.Remark, Hours: r.Hours}
}

func (v validatedImport) encode() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("store: encode validation: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeValidated(payload []byte) (validatedImport, error) {
	var v validatedImport
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&v); err != nil {
		return v, fmt.Errorf("store: decode validation: %w", err)
	}
	return v, nil
}

// importChunk is the rows one INSERT stores: a few statements instead of
// three per row. Each costs PostgreSQL a round trip, so its chunks are
// large; SQLite looks a numbered parameter up by a walk over all of them,
// which makes a statement's binding quadratic in its parameters, so its
// chunks are small.
func (s *RecordImportService) importChunk() int {
	if s.db.dialect == DialectSQLite {
		return 20
	}
	return 250
}

// store inserts the rows as effective records, with an audit entry
// each, a chunk of rows a statement, reporting progress every
// importProgressEvery rows. The
// rows were checked inside tx, duplicates of stored records and of each
// other removed; a record someone stored since then trips the
// duplicate key and rolls the whole import back.
func (s *RecordImportService) store(ctx context.Context, tx *sql.Tx, p domain.Principal, name string, rows []validRow,
	progress func(domain.ImportProgress)) (int, error) {
	now := s.db.now()
	today := s.db.idToday().Format(domain.DateLayout)
	for _, r := range rows {
		if err := notAfterToday(r.EndDate, today); err != nil {
			return 0, err
		}
	}
	audit := s.db.auditBy(p, domain.EntityRecord, 0)
	total := int64(len(rows))
	// Statements by chunk size: the full one, and the last.
	records, audits := map[int]*sql.Stmt{}, map[int]*sql.Stmt{}
	defer func() {
		for _, st := range records {
			st.Close()
		}
		for _, st := range audits {
			st.Close()
		}
	}()
	prepare := func(cache map[int]*sql.Stmt, n int, text func(int) string) (*sql.Stmt, error) {
		if st := cache[n]; st != nil {
			return st, nil
		}
		st, err := tx.PrepareContext(ctx, text(n))
		if err != nil {
			return nil, err
		}
		cache[n] = st
		return st, nil
	}
	stored, size := 0, s.importChunk()
	for start := 0; start < len(rows); start += size {
		chunk := rows[start:min(start+size, len(rows))]
		ins, err := prepare(records, len(chunk), importRecordsSQL)
		if err != nil {
			return 0, err
		}
		args := []any{p.User.UnitID, string(domain.SourceImport), string(domain.RecordEffective), nullable(p.User.ID), millis(now)}
		numbers := make(map[recordKey]int, len(chunk))
		for _, r := range chunk {
			args = append(args, r.PersonID, r.Category, r.Form, r.Title, r.Organizer, r.StartDate, r.EndDate,
				domain.RecordYear(r.EndDate), int(r.Hours), r.Remark)
			numbers[recordKey{r.PersonID, r.Title, r.StartDate}] = r.Number
		}
		ids, err := insertedIDs(ctx, ins, args, numbers)
		if classify(err) == uniqueViolation {
			return 0, domain.Errorf(domain.CodeConflict, msgImportRace)
		}
		if err != nil {
			return 0, err
		}
		entries, err := prepare(audits, len(chunk), importAuditsSQL)
		if err != nil {
			return 0, err
		}
		args = []any{domain.EntityRecord, nullable(audit.ActorUserID), audit.ActorName, string(audit.ActorRole),
			millis(now), string(domain.RecordEffective)}
		for _, id := range ids {
			args = append(args, id.id, fmt.Sprintf("批量申报入库（%s 第%d行）", name, id.row))
		}
		if _, err := entries.ExecContext(ctx, args...); err != nil {
			return 0, fmt.Errorf("store: audit: %w", err)
		}
		before := stored
		stored += len(chunk)
		if stored/importProgressEvery > before/importProgressEvery || stored == len(rows) {
			report(progress, domain.StageStore, int64(stored), total)
		}
	}
	if stored == 0 {
		report(progress, domain.StageStore, 0, 0)
	}
	return stored, nil
}

// importedID is a stored record's id and its row in the file.
type importedID struct {
	id  int64
	row int
}

// insertedIDs runs a chunk's INSERT and pairs each new id with its row in
// the file by the record's key: RETURNING promises no order.
func insertedIDs(ctx context.Context, ins *sql.Stmt, args []any, numbers map[recordKey]int) ([]importedID, error) {
	res, err := ins.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	out := make([]importedID, 0, len(numbers))
	for res.Next() {
		var id int64
		var k recordKey
		if err := res.Scan(&id, &k.personID, &k.title, &k.startDate); err != nil {
			return nil, err
		}
		out = append(out, importedID{id: id, row: numbers[k]})
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if len(out) != len(numbers) {
		return nil, fmt.Errorf("store: import stored %d of %d records", len(out), len(numbers))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].row < out[j].row })
	return out, nil
}

// importRecordsSQL inserts n records: $1 to $5 are what they share, then
// ten values a record.
func importRecordsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO records (person_id, unit_id, category, form, title, organizer, start_date, end_date, year,
		half_hours, remark, source, status, created_by, effective_at, created_at, updated_at) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		v := 6 + 10*i
		fmt.Fprintf(&b, "($%d, $1, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $2, $3, $4, $5, $5, $5)",
			v, v+1, v+2, v+3, v+4, v+5, v+6, v+7, v+8, v+9)
	}
	b.WriteString(` RETURNING id, person_id, title, start_date`)
	return b.String()
}

// importAuditsSQL inserts n audit entries: $1 to $6 are what they share,
// then the record's id and the comment.
func importAuditsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_entries (entity_type, actor_user_id, actor_name, actor_role, at, from_state, to_state,
		entity_id, comment) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		v := 7 + 2*i
		fmt.Fprintf(&b, "($1, $2, $3, $4, $5, '', $6, $%d, $%d)", v, v+1)
	}
	return b.String()
}

// ImportErrorReport writes the invalid rows with their problems.
func (s *RecordImportService) ImportErrorReport(ctx context.Context, up domain.ImportUpload) ([]byte, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return nil, err
	}
	sheet, _, done, err := s.parse(ctx, up)
	if err != nil {
		return nil, err
	}
	defer done()
	checked, err := s.check(ctx, s.db.read, p.User.UnitID, sheet, up.Progress)
	if err != nil {
		return nil, err
	}
	var bad []xlsximport.Row
	for _, c := range checked {
		if !c.row.Valid() {
			bad = append(bad, *c.row)
		}
	}
	return s.errorReport(ctx, bad)
}

// ValidationErrorReport writes the invalid rows of a validation, as 上传校验
// read them.
func (s *RecordImportService) ValidationErrorReport(ctx context.Context, id string) ([]byte, error) {
	p, err := personnelUnit(ctx)
	if err != nil {
		return nil, err
	}
	payload, err := s.db.pendingPayload(ctx, p, importKindRecords, id)
	if err != nil {
		return nil, err
	}
	v, err := decodeValidated(payload)
	if err != nil {
		return nil, err
	}
	return s.errorReport(ctx, v.Bad)
}

func (s *RecordImportService) errorReport(ctx context.Context, bad []xlsximport.Row) ([]byte, error) {
	if len(bad) == 0 {
		return nil, domain.Errorf(domain.CodeInvalid, "所有行均已通过校验，没有需要修改的行")
	}
	d, err := loadImportDicts(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := xlsximport.ErrorReport(&buf, d.choices, bad); err != nil {
		return nil, fmt.Errorf("store: error report: %w", err)
	}
	return buf.Bytes(), nil
}

// report calls progress, if set.
func report(progress func(domain.ImportProgress), stage domain.ImportStage, done, total int64) {
	if progress != nil {
		progress(domain.ImportProgress{Stage: stage, Done: done, Total: total})
	}
}

// importFileName is the uploaded name as the audit trail keeps it.
func importFileName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) {
		return "未命名文件"
	}
	if r := []rune(name); len(r) > domain.MaxAttachmentNameRunes {
		name = string(r[:domain.MaxAttachmentNameRunes])
	}
	return name
}

// parse reads the upload, within the size limit, waits for its turn
// among the imports at work and parses it; the caller calls done when it
// has finished with the sheet. sum is the file's SHA-256.
func (s *RecordImportService) parse(ctx context.Context, up domain.ImportUpload) (sheet *xlsximport.Sheet, sum [sha256.Size]byte,
	done func(), err error) {
	data, err := s.read(up)
	if err != nil {
		return nil, sum, nil, err
	}
	sum = sha256.Sum256(data)
	select {
	case s.working <- struct{}{}:
	case <-ctx.Done():
		return nil, sum, nil, ctx.Err()
	}
	done = func() { <-s.working }
	if sheet, err = s.parseData(ctx, up, data); err != nil {
		done()
		return nil, sum, nil, err
	}
	return sheet, sum, done, nil
}

// read reads the upload within the size limit.
func (s *RecordImportService) read(up domain.ImportUpload) ([]byte, error) {
	tooLarge := &domain.Error{Code: domain.CodeTooLarge,
		Message: fmt.Sprintf("文件超过%s，请删除多余的工作表、图片和格式，或分批导入", domain.FormatBytes(s.limits.MaxBytes))}
	if up.Size > s.limits.MaxBytes {
		return nil, tooLarge
	}
	if up.Body == nil {
		return nil, domain.Errorf(domain.CodeInvalid, "请选择要上传的文件")
	}
	data, err := io.ReadAll(io.LimitReader(up.Body, s.limits.MaxBytes+1))
	var overRoute *http.MaxBytesError
	switch {
	case errors.As(err, &overRoute) || int64(len(data)) > s.limits.MaxBytes:
		return nil, tooLarge
	case err != nil:
		return nil, domain.Errorf(domain.CodeBadRequest, "文件上传中断，请重试")
	}
	return data, nil
}

// parseData parses an upload's bytes.
func (s *RecordImportService) parseData(ctx context.Context, up domain.ImportUpload, data []byte) (*xlsximport.Sheet, error) {
	select {
	case s.parsing <- struct{}{}:
		defer func() { <-s.parsing }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return xlsximport.Parse(data, xlsximport.Options{
		Today:  s.db.idToday(),
		Limits: s.limits,
		Progress: func(n int) {
			report(up.Progress, domain.StageRead, int64(n), 0)
		},
	})
}

// importDicts are the category and form dictionaries: their labels for the
// template's drop-downs, and what a cell may say for each code. Disabled
// forms are neither offered nor accepted: an import only makes new data.
type importDicts struct {
	choices                    xlsximport.Choices
	categories, forms          map[string]string // label or code → code
	disabledForms              map[string]bool   // label or code
	categoryLabels, formLabels string            // for messages
}

func loadImportDicts(ctx context.Context, q rowsQueryer) (importDicts, error) {
	d := importDicts{categories: map[string]string{}, forms: map[string]string{}, disabledForms: map[string]bool{}}
	rows, err := q.QueryContext(ctx, `SELECT kind, code, label, enabled FROM dict_items WHERE kind IN ($1, $2) ORDER BY kind, sort, code`,
		domain.DictCategory, domain.DictForm)
	if err != nil {
		return d, mapDBError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, code, label string
		var enabled bool
		if err := rows.Scan(&kind, &code, &label, &enabled); err != nil {
			return d, err
		}
		// Cells are compared without spaces and in half-width forms.
		key := strings.ReplaceAll(domain.NormalizeInput(label), " ", "")
		switch {
		case kind == domain.DictCategory:
			d.choices.Categories = append(d.choices.Categories, label)
			d.categories[key], d.categories[code] = code, code
		case !enabled:
			d.disabledForms[key], d.disabledForms[code] = true, true
		default:
			d.choices.Forms = append(d.choices.Forms, label)
			d.forms[key], d.forms[code] = code, code
		}
	}
	d.categoryLabels, d.formLabels = strings.Join(d.choices.Categories, "、"), strings.Join(d.choices.Forms, "、")
	return d, mapDBError(rows.Err())
}

// checkedRow is a parsed row with what the database says about it.
type checkedRow struct {
	row            *xlsximport.Row
	personID       int64
	category, form string
	// existing: the row is valid and its record is already stored.
	existing bool
}

// importPerson is one of the unit's persons, confirmed or pending.
type importPerson struct {
	id     int64
	name   string
	status domain.Affiliation
}

// recordKey is what makes a record a duplicate (SPEC §5.6).
type recordKey struct {
	personID         int64
	title, startDate string
}

// check adds to each row the problems only the database can tell, in a
// fixed number of queries whatever the number of rows.
func (s *RecordImportService) check(ctx context.Context, q importQueryer, unitID int64, sheet *xlsximport.Sheet,
	progress func(domain.ImportProgress)) ([]checkedRow, error) {
	d, err := loadImportDicts(ctx, q)
	if err != nil {
		return nil, err
	}
	persons, err := unitPersons(ctx, q, unitID)
	if err != nil {
		return nil, err
	}
	caps, err := dailyCaps(ctx, q)
	if err != nil {
		return nil, err
	}
	var keys []recordKey
	for i := range sheet.Rows {
		r := &sheet.Rows[i]
		person, ok := persons[r.IDNumber]
		if ok && person.status == domain.AffiliationConfirmed && !r.Has(xlsximport.FieldIDNumber) &&
			!r.Has(xlsximport.FieldTitle) && !r.Has(xlsximport.FieldStart) {
			keys = append(keys, recordKey{person.id, r.Title, r.StartDate})
		}
	}
	existing, err := s.existingRecords(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	out := make([]checkedRow, len(sheet.Rows))
	firstRow := map[recordKey]int{}
	total := int64(len(sheet.Rows))
	for i := range sheet.Rows {
		r := &sheet.Rows[i]
		c := checkedRow{row: r}
		if r.Category != "" {
			c.category = d.categories[r.Category]
			r.Add(xlsximport.FieldCategory, unknownChoice(c.category, "科目类别", d.categoryLabels))
		}
		if r.Form != "" {
			c.form = d.forms[r.Form]
			if d.disabledForms[r.Form] {
				r.Add(xlsximport.FieldForm, fmt.Sprintf("培训形式已停用，请从下拉列表选择（%s）", d.formLabels))
			}
			r.Add(xlsximport.FieldForm, unknownChoice(c.form, "培训形式", d.formLabels))
		}
		if !r.Has(xlsximport.FieldIDNumber) {
			person, ok := persons[r.IDNumber]
			switch {
			case !ok:
				r.Add(xlsximport.FieldIDNumber, msgImportNotMember)
			case person.status != domain.AffiliationConfirmed:
				r.Add(xlsximport.FieldIDNumber, msgImportPending)
			default:
				c.personID = person.id
				if !r.Has(xlsximport.FieldName) && r.Name != removeAllSpaces(person.name) {
					r.Add(xlsximport.FieldName, fmt.Sprintf("姓名与系统中该身份证号的人员（%s）不一致", person.name))
				}
			}
		}
		if !r.Has(xlsximport.FieldStart) && !r.Has(xlsximport.FieldEnd) && !r.Has(xlsximport.FieldHours) {
			limit, ok := caps[domain.RecordYear(r.EndDate)]
			if !ok {
				limit = domain.DefaultDailyCap
			}
			r.Add(xlsximport.FieldHours, domain.CheckRecordHours(r.Hours, r.StartDate, r.EndDate, limit))
		}
		if c.personID != 0 && !r.Has(xlsximport.FieldTitle) && !r.Has(xlsximport.FieldStart) {
			key := recordKey{c.personID, r.Title, r.StartDate}
			if first, dup := firstRow[key]; dup {
				r.Add(xlsximport.FieldTitle, fmt.Sprintf("与第%d行重复（同一人员、培训内容和开始日期）", first))
			} else {
				firstRow[key] = r.Number
			}
			c.existing = existing[key]
		}
		sort.SliceStable(r.Problems, func(a, b int) bool { return r.Problems[a].Field < r.Problems[b].Field })
		out[i] = c
		if (i+1)%importProgressEvery == 0 {
			report(progress, domain.StageValidate, int64(i+1), total)
		}
	}
	report(progress, domain.StageValidate, total, total)
	return out, nil
}

func unknownChoice(code, label, choices string) string {
	if code != "" {
		return ""
	}
	return fmt.Sprintf("%s无效，请从下拉列表选择（%s）", label, choices)
}

// removeAllSpaces compares names as the parser reads them.
func removeAllSpaces(s string) string {
	return strings.Join(strings.Fields(domain.NormalizeInput(s)), "")
}

// unitPersons are the unit's persons by ID number.
func unitPersons(ctx context.Context, q rowsQueryer, unitID int64) (map[string]importPerson, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, id_number, name, status FROM persons WHERE unit_id = $1`, unitID)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := map[string]importPerson{}
	for rows.Next() {
		var p importPerson
		var idNumber, status string
		if err := rows.Scan(&p.id, &idNumber, &p.name, &status); err != nil {
			return nil, err
		}
		p.status = domain.Affiliation(status)
		out[idNumber] = p
	}
	return out, mapDBError(rows.Err())
}

// dailyCaps is every year's cap from the requirements; a year without one
// takes domain.DefaultDailyCap.
func dailyCaps(ctx context.Context, q rowsQueryer) (map[int]domain.Hours, error) {
	rows, err := q.QueryContext(ctx, `SELECT year, daily_cap_half_hours FROM requirements`)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := map[int]domain.Hours{}
	for rows.Next() {
		var year, halfHours int
		if err := rows.Scan(&year, &halfHours); err != nil {
			return nil, err
		}
		out[year] = domain.Hours(halfHours)
	}
	return out, mapDBError(rows.Err())
}

// importQueryer is the read pool or the import's transaction.
type importQueryer interface {
	rowsQueryer
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// existingRecords are those of keys that a stored record has (rejected
// ones do not count). The keys are joined to the records on their unique
// index, a chunk of keys a statement, so the work follows the file's rows
// and not how many records the unit has in the file's months.
func (s *RecordImportService) existingRecords(ctx context.Context, q importQueryer, keys []recordKey) (map[recordKey]bool, error) {
	out := map[recordKey]bool{}
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	// In the index's order, consecutive lookups mostly touch pages the
	// one before has just read.
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b recordKey) int {
		return cmp.Or(cmp.Compare(a.personID, b.personID), strings.Compare(a.title, b.title), strings.Compare(a.startDate, b.startDate))
	})
	size := 10 * s.importChunk()
	for start := 0; start < len(keys); start += size {
		chunk := keys[start:min(start+size, len(keys))]
		st := stmts[len(chunk)]
		if st == nil {
			var err error
			if st, err = q.PrepareContext(ctx, existingRecordsSQL(len(chunk))); err != nil {
				return nil, mapDBError(err)
			}
			stmts[len(chunk)] = st
		}
		args := make([]any, 0, 3*len(chunk))
		for _, k := range chunk {
			args = append(args, k.personID, k.title, k.startDate)
		}
		if err := scanRecordKeys(ctx, st, args, out); err != nil {
			return nil, mapDBError(err)
		}
	}
	return out, nil
}

// existingRecordsSQL looks n keys up, each on the unique index; the first
// row's casts type the parameters of the others on PostgreSQL.
func existingRecordsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`WITH k (person_id, title, start_date) AS (VALUES `)
	for i := range n {
		v := 3*i + 1
		if i == 0 {
			b.WriteString(`(CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS TEXT))`)
			continue
		}
		fmt.Fprintf(&b, ", ($%d, $%d, $%d)", v, v+1, v+2)
	}
	// CROSS JOIN keeps SQLite from scanning the whole index and looking
	// the keys up instead; PostgreSQL plans it as any join.
	b.WriteString(`) SELECT r.person_id, r.title, r.start_date FROM k CROSS JOIN records r
		WHERE r.person_id = k.person_id AND r.title = k.title AND r.start_date = k.start_date AND r.status <> 'rejected'`)
	return b.String()
}

func scanRecordKeys(ctx context.Context, st *sql.Stmt, args []any, out map[recordKey]bool) error {
	res, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var k recordKey
		if err := res.Scan(&k.personID, &k.title, &k.startDate); err != nil {
			return err
		}
		out[k] = true
	}
	return res.Err()
}

// importReport sums the checked rows up.
func importReport(fileName string, sheet *xlsximport.Sheet, checked []checkedRow) domain.ImportReport {
	rep := domain.ImportReport{FileName: fileName, Sheet: sheet.Name, Rows: len(checked), Problems: []domain.ImportProblem{}}
	for _, c := range checked {
		r := c.row
		switch {
		case !r.Valid():
			rep.Invalid++
			for _, p := range r.Problems {
				rep.Problems = append(rep.Problems, domain.ImportProblem{Row: r.Number, Column: p.Field.Label(), Message: p.Message})
			}
		case c.existing:
			rep.Existing++
			rep.Problems = append(rep.Problems, domain.ImportProblem{Row: r.Number, Message: msgImportExisting, Existing: true})
		default:
			rep.Valid++
		}
	}
	for _, sk := range sheet.Skipped {
		rep.Warnings++
		rep.Problems = append(rep.Problems, domain.ImportProblem{Row: sk.Number, Column: xlsximport.FieldRemark.Label(),
			Message: sk.Message, Warning: true})
	}
	// By row, as the sheet reads.
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Row < rep.Problems[j].Row })
	return rep
}
