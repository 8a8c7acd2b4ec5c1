package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"jxjy/server/domain"
)

// EntityRecord is the audit entity type of continuing-education records,
// for the store code of other features that create them.
const EntityRecord = domain.EntityRecord

// newRecord is a record about to be stored. Every way a record comes into
// being goes through insertRecord: a unit's declaration, a person's or an
// institution's submission, a closing class, a batch import.
type newRecord struct {
	PersonID  int64
	UnitID    int64
	Category  string
	Form      string
	Title     string
	Organizer string
	StartDate string // YYYY-MM-DD, already validated
	EndDate   string // YYYY-MM-DD, already validated; its year is the record's
	Hours     domain.Hours
	Remark    string
	Source    domain.RecordSource
	Status    domain.RecordStatus
	// CreatedBy, InstitutionID and ClassID are 0 when they do not apply.
	CreatedBy     int64
	InstitutionID int64
	ClassID       int64
}

// errDuplicateRecord is the answer when the same person, title and start
// date are declared twice (SPEC §5.6).
var errDuplicateRecord = &domain.Error{
	Code:    domain.CodeConflict,
	Message: "该人员已有相同培训内容和开始日期的记录",
	Fields:  map[string]string{"title": "该人员已有相同培训内容和开始日期的记录"},
}

// insertRecord stores r in tx and returns its id. A duplicate (same person,
// title and start date, not rejected) is refused with errDuplicateRecord;
// the database's unique index backs the check against concurrent inserts.
// The audit entry is the caller's: it knows who acted and why.
func insertRecord(ctx context.Context, tx *sql.Tx, at time.Time, r newRecord) (int64, error) {
	if len(r.EndDate) < 4 {
		return 0, fmt.Errorf("store: record end date %q", r.EndDate)
	}
	year, err := strconv.Atoi(r.EndDate[:4])
	if err != nil {
		return 0, fmt.Errorf("store: record end date %q", r.EndDate)
	}
	if r.Status == domain.RecordEffective {
		if err := notAfterToday(r.EndDate, at.In(domain.ChinaTime).Format(domain.DateLayout)); err != nil {
			return 0, err
		}
	}
	var dup int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM records
		WHERE person_id = $1 AND title = $2 AND start_date = $3 AND status <> 'rejected'`,
		r.PersonID, r.Title, r.StartDate).Scan(&dup); err != nil {
		return 0, err
	}
	if dup > 0 {
		return 0, errDuplicateRecord
	}
	var effectiveAt any
	if r.Status == domain.RecordEffective {
		effectiveAt = millis(at)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO records (person_id, unit_id, category, form, title, organizer,
		start_date, end_date, year, half_hours, remark, source, status, created_by, institution_id, class_id,
		effective_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id`,
		r.PersonID, r.UnitID, r.Category, r.Form, r.Title, r.Organizer, r.StartDate, r.EndDate, year,
		int(r.Hours), r.Remark, string(r.Source), string(r.Status), nullable(r.CreatedBy),
		nullable(r.InstitutionID), nullable(r.ClassID), effectiveAt, millis(at)).Scan(&id)
	if classify(err) == uniqueViolation {
		return 0, errDuplicateRecord
	}
	return id, err
}

// notAfterToday refuses an effective record ending after today (China
// time, YYYY-MM-DD): hours are credited for training that has happened.
// Every path that makes a record effective passes here.
func notAfterToday(endDate, today string) error {
	if endDate > today {
		return &domain.Error{Code: domain.CodeConflict,
			Message: fmt.Sprintf("记录的结束日期%s晚于今天（%s），培训结束后才能记入学时", endDate, today)}
	}
	return nil
}
