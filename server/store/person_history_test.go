package store_test

import (
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestPersonnelHistoryIsScoped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		history := store.NewHistoryService(db)
		me, err := e.persons.MyPerson(e.person)
		if err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []struct {
			name string
			as   func() ([]domain.AuditEntry, error)
		}{
			{"the person", func() ([]domain.AuditEntry, error) { return history.History(e.person, domain.EntityPerson, me.ID) }},
			{"the unit", func() ([]domain.AuditEntry, error) { return history.History(e.unit, domain.EntityPerson, me.ID) }},
		} {
			h, err := ctx.as()
			if err != nil || len(h) != 3 || h[2].To != "confirmed" {
				t.Fatalf("%s reads the history: %+v %v", ctx.name, h, err)
			}
		}
		_, err = history.History(e.other, domain.EntityPerson, me.ID)
		wantCode(t, err, domain.CodeNotFound)
		others, _ := e.persons.ListPersons(e.unit, domain.PersonFilter{Name: "王建华"})
		_, err = history.History(e.person, domain.EntityPerson, others.Items[0].ID)
		wantCode(t, err, domain.CodeNotFound)

		teachers, _ := e.teachers.ListTeachers(e.unit, domain.TeacherFilter{State: domain.TeacherDisabled})
		tc := teachers.Items[0]
		h, err := history.History(e.unit, domain.EntityTeacher, tc.ID)
		if err != nil || len(h) != 2 || h[1].To != "disabled" {
			t.Fatalf("teacher history: %+v %v", h, err)
		}
		for _, ctx := range []struct {
			name string
			err  func() error
		}{
			{"another unit", func() error { _, err := history.History(e.other, domain.EntityTeacher, tc.ID); return err }},
			{"a person", func() error { _, err := history.History(e.person, domain.EntityTeacher, tc.ID); return err }},
		} {
			wantCode(t, ctx.err(), domain.CodeNotFound)
		}
	})
}
