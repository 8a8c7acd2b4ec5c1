package store

import (
	"context"

	"jxjy/server/domain"
)

// markDishonestRows sets the 失信 mark on a page of any list of persons'
// rows with one query for the page; person gives a row's person and where
// its mark goes.
func markDishonestRows[T any](ctx context.Context, db *DB, rows []T, person func(*T) (int64, *bool)) error {
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i], _ = person(&rows[i])
	}
	flagged, err := db.DishonestPersons(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		id, mark := person(&rows[i])
		*mark = flagged[id]
	}
	return nil
}

func candidatePerson(c *domain.Candidate) (int64, *bool)           { return c.PersonID, &c.Dishonest }
func enrollmentPerson(e *domain.Enrollment) (int64, *bool)         { return e.PersonID, &e.Dishonest }
func recordPerson(r *domain.Record) (int64, *bool)                 { return r.PersonID, &r.Dishonest }
func certificateRowPerson(r *domain.CertificateRow) (int64, *bool) { return r.PersonID, &r.Dishonest }
