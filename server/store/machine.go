package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"jxjy/server/domain"
)

// MachineService implements domain.MachineService: an institution's system
// delivers 学时申报 records with its API token. Each record goes the way
// the institution's one-by-one declaration goes (the same validation, the
// same person match, insertRecord), straight to 已送审.
type MachineService struct{ db *DB }

var _ domain.MachineService = (*MachineService)(nil)

// NewMachineService returns the machine records service.
func NewMachineService(db *DB) *MachineService { return &MachineService{db: db} }

// msgNoUnit is the machine's answer for a person who belongs to no unit
// (the one-by-one form's words are for a person at a screen).
const msgNoUnit = "该人员尚未归属单位"

func checkExternalID(id string) string {
	switch {
	case id == "":
		return "请填写 external_id（机构自己的记录编号）"
	case utf8.RuneCountInString(id) > 64:
		return "external_id 不能超过64个字符"
	case strings.ContainsAny(id, "\r\n\t"):
		return "external_id 不能含换行或制表符"
	}
	return ""
}

// DeliverRecords stores the batch in one transaction, each record behind a
// savepoint so that one refused by the database leaves the others.
func (s *MachineService) DeliverRecords(ctx context.Context, b domain.MachineBatch) (domain.MachineBatchResult, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleInstitution)
	if err != nil {
		return domain.MachineBatchResult{}, err
	}
	switch n := len(b.Records); {
	case n == 0:
		return domain.MachineBatchResult{}, (domain.Fields{"records": "请至少提交一条记录"}).Err()
	case n > domain.MaxMachineBatch:
		return domain.MachineBatchResult{}, domain.Errorf(domain.CodeTooLarge,
			"每批最多 %d 条记录，本批 %d 条，请分批提交", domain.MaxMachineBatch, n)
	}
	comment := "机构接口送审"
	if a.p.APITokenID != 0 {
		var name string
		if err := s.db.read.QueryRowContext(ctx, `SELECT name FROM api_tokens WHERE id = $1`, a.p.APITokenID).Scan(&name); err != nil {
			return domain.MachineBatchResult{}, mapDBError(err)
		}
		comment = fmt.Sprintf("机构接口送审（令牌 #%d %s）", a.p.APITokenID, name)
	}
	var out domain.MachineBatchResult
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		out = domain.MachineBatchResult{Results: make([]domain.MachineRecordResult, 0, len(b.Records))}
		for i, mr := range b.Records {
			res, err := s.deliverOne(ctx, tx, a, mr, comment)
			if err != nil {
				return err
			}
			res.Index = i
			switch res.Result {
			case domain.MachineStored:
				out.Stored++
			case domain.MachineDuplicate:
				out.Duplicates++
			default:
				out.Errors++
			}
			out.Results = append(out.Results, res)
		}
		return nil
	})
	if err != nil {
		return domain.MachineBatchResult{}, err
	}
	return out, nil
}

// storedRef is the record an external id was delivered as, if any.
func storedRef(ctx context.Context, tx *sql.Tx, institutionID int64, externalID string) (int64, bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT record_id FROM institution_record_refs
		WHERE institution_id = $1 AND external_id = $2`, institutionID, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// deliverOne stores one record; a refusal is its result, an error fails
// the batch.
func (s *MachineService) deliverOne(ctx context.Context, tx *sql.Tx, a recordActor, mr domain.MachineRecord, comment string) (domain.MachineRecordResult, error) {
	ext := strings.TrimSpace(mr.ExternalID)
	res := domain.MachineRecordResult{ExternalID: ext}
	refuse := func(err error) (domain.MachineRecordResult, error) {
		var de *domain.Error
		if !errors.As(err, &de) || de.Code == domain.CodeInternal || de.Code == domain.CodeUnavailable {
			return res, err
		}
		res.Result, res.Message, res.Fields = domain.MachineError, de.Message, de.Fields
		if de.Message == "该人员尚未确认所在单位，暂不能申报" {
			res.Message, res.Fields = msgNoUnit, map[string]string{domain.RecordFieldIDNumber: msgNoUnit}
		}
		return res, nil
	}
	if msg := checkExternalID(ext); msg != "" {
		return refuse((domain.Fields{"external_id": msg}).Err())
	}
	if id, found, err := storedRef(ctx, tx, a.institutionID, ext); err != nil || found {
		res.Result, res.RecordID = domain.MachineDuplicate, id
		return res, err
	}
	in := mr.RecordInput
	in.PersonID, in.Version = 0, 0
	if err := s.checkRecordInput(ctx, tx, a, &in); err != nil {
		return refuse(err)
	}
	subj, err := recordSubjectOf(ctx, tx, a, in)
	if err != nil {
		return refuse(mapDBError(err))
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT machine_record`); err != nil {
		return res, err
	}
	id, err := s.storeOne(ctx, tx, a, subj, in, ext, comment)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT machine_record`); rerr != nil {
			return res, rerr
		}
		// Another call stored the same external id meanwhile.
		if classify(err) == uniqueViolation {
			if id, found, ferr := storedRef(ctx, tx, a.institutionID, ext); ferr != nil || found {
				res.Result, res.RecordID = domain.MachineDuplicate, id
				return res, ferr
			}
		}
		return refuse(mapDBError(err))
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT machine_record`); err != nil {
		return res, err
	}
	res.Result, res.RecordID = domain.MachineStored, id
	return res, nil
}

func (s *MachineService) checkRecordInput(ctx context.Context, tx *sql.Tx, a recordActor, in *domain.RecordInput) error {
	return (&RecordService{db: s.db}).checkRecordInput(ctx, tx, a, in, "")
}

// storeOne inserts the record 已送审, its external id and its audit entry.
func (s *MachineService) storeOne(ctx context.Context, tx *sql.Tx, a recordActor, subj recordSubject, in domain.RecordInput, ext, comment string) (int64, error) {
	now := s.db.now()
	id, err := insertRecord(ctx, tx, now, newRecord{
		PersonID: subj.personID, UnitID: subj.unitID, Category: in.Category, Form: in.Form,
		Title: in.Title, Organizer: in.Organizer, StartDate: in.StartDate, EndDate: in.EndDate,
		Hours: in.Hours, Remark: in.Remark, Source: domain.SourceInstitution, Status: domain.RecordSubmitted,
		CreatedBy: a.p.User.ID, InstitutionID: a.institutionID,
	})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO institution_record_refs (institution_id, external_id, record_id, token_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, a.institutionID, ext, id, nullable(a.p.APITokenID), millis(now)); err != nil {
		return 0, err
	}
	e := s.db.auditBy(a.p, domain.EntityRecord, id)
	e.To, e.Comment = string(domain.RecordSubmitted), comment+"，机构编号 "+ext
	return id, insertAudit(ctx, tx, e)
}

// parseMachineCursor reads the cursor, the id of the last audit entry a
// page reported; "" is the start.
func parseMachineCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Errorf(domain.CodeBadRequest, "参数 since 无效：应为上次应答的 next")
	}
	return n, nil
}

// RecordChanges pages the institution's delivered records by their audit
// trail: every change of a record (its delivery, each review) writes an
// audit entry, whose id orders the changes one by one, however many fall
// in the same millisecond. A record changed twice within a page is
// reported once, where it last changed, with its state now.
func (s *MachineService) RecordChanges(ctx context.Context, cursor string, limit int) (domain.MachineChanges, error) {
	a, err := recordCaller(ctx, s.db.read, domain.RoleInstitution)
	if err != nil {
		return domain.MachineChanges{}, err
	}
	after, err := parseMachineCursor(cursor)
	if err != nil {
		return domain.MachineChanges{}, err
	}
	if limit <= 0 || limit > domain.MaxMachineBatch {
		limit = domain.MaxMachineBatch
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT e.id, f.external_id, r.id, r.status, r.review_comment, r.reviewed_at, r.updated_at
		FROM audit_entries e
		JOIN institution_record_refs f ON f.record_id = e.entity_id
		JOIN records r ON r.id = e.entity_id
		WHERE e.entity_type = 'record' AND e.id > $1 AND f.institution_id = $2
		ORDER BY e.id LIMIT $3`, after, a.institutionID, limit+1)
	if err != nil {
		return domain.MachineChanges{}, mapDBError(err)
	}
	defer rows.Close()
	out := domain.MachineChanges{Items: []domain.MachineRecordState{}, Next: cursor}
	at := map[int64]int{}
	n := 0
	for rows.Next() {
		var st domain.MachineRecordState
		var entry, updated int64
		var status string
		var reviewed sql.NullInt64
		if err := rows.Scan(&entry, &st.ExternalID, &st.RecordID, &status, &st.ReviewComment, &reviewed, &updated); err != nil {
			return domain.MachineChanges{}, mapDBError(err)
		}
		if n == limit {
			out.More = true
			break
		}
		n++
		st.Status, st.ReviewedAt, st.UpdatedAt = domain.RecordStatus(status), recordTime(reviewed), fromMillis(updated)
		if i, seen := at[st.RecordID]; seen {
			out.Items = append(out.Items[:i], out.Items[i+1:]...)
			for id, j := range at {
				if j > i {
					at[id] = j - 1
				}
			}
		}
		at[st.RecordID] = len(out.Items)
		out.Items = append(out.Items, st)
		out.Next = strconv.FormatInt(entry, 10)
	}
	return out, mapDBError(rows.Err())
}
