package store_test

import (
	"strconv"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// TestUnitListsFlagDishonestPersons: every list of the unit's persons
// beyond 专业技术人员信息维护 shows the 失信 mark of a person with an entry
// in force, of that person only, and not once the entry has expired.
func TestUnitListsFlagDishonestPersons(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newCreditWorld(t, db)
		classes := store.NewClassService(db)
		records := store.NewRecordService(db)
		certs := store.NewCertificateService(db, &fakeRenderer{})

		// Two trainees of an open demo class, neither flagged by the seed.
		open, err := classes.ListClasses(w.unit, domain.ClassQuery{Status: domain.ClassOpen})
		if err != nil || len(open.Items) == 0 {
			t.Fatalf("open classes: %+v %v", open, err)
		}
		classID := open.Items[0].ID
		trainees, err := classes.ListEnrollments(w.unit, classID)
		if err != nil {
			t.Fatal(err)
		}
		var picked []domain.Enrollment
		for _, e := range trainees {
			if !e.Dishonest && e.Status == domain.EnrollmentActive {
				picked = append(picked, e)
			}
		}
		if len(picked) < 2 {
			t.Fatalf("class %d has %d unflagged trainees", classID, len(picked))
		}
		target, control := picked[0], picked[1]
		year, _ := strconv.Atoi(w.today[:4])

		// marks reads, list by list, the mark of target and control.
		marks := func(t *testing.T) map[string]map[int64]bool {
			t.Helper()
			out := map[string]map[int64]bool{}
			put := func(list string, personID int64, mark bool) {
				if out[list] == nil {
					out[list] = map[int64]bool{}
				}
				out[list][personID] = mark
			}
			for _, e := range []domain.Enrollment{target, control} {
				cands, err := classes.ListCandidates(w.unit, classID, domain.CandidateFilter{IDNumber: e.IDNumber})
				if err != nil || len(cands.Items) != 1 {
					t.Fatalf("candidates %s: %+v %v", e.PersonName, cands, err)
				}
				put("培训人员录入 candidates", e.PersonID, cands.Items[0].Dishonest)
				recs, err := records.ListRecords(w.unit, domain.RecordFilter{Person: e.IDNumber})
				if err != nil || len(recs.Items) == 0 {
					t.Fatalf("records %s: %+v %v", e.PersonName, recs, err)
				}
				put("继续教育记录 list", e.PersonID, recs.Items[0].Dishonest)
				own, err := records.ListRecords(w.person, domain.RecordFilter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range own.Items {
					if r.Dishonest {
						t.Fatalf("a person's own list carries the unit's mark: %+v", r)
					}
				}
				list, err := certs.ListCertificates(w.unit, domain.CertificateQuery{Year: year, IDNumber: e.IDNumber})
				if err != nil || len(list.Rows.Items) != 1 {
					t.Fatalf("certificates %s: %+v %v", e.PersonName, list, err)
				}
				put("继续教育证书打印", e.PersonID, list.Rows.Items[0].Dishonest)
			}
			enrolled, err := classes.ListEnrollments(w.unit, classID)
			if err != nil {
				t.Fatal(err)
			}
			sheet, err := classes.AttendanceSheet(w.unit, classID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range enrolled {
				if e.ID == target.ID || e.ID == control.ID {
					put("培训人员 enrollments", e.PersonID, e.Dishonest)
				}
			}
			for _, r := range sheet.Rows {
				if r.EnrollmentID == target.ID {
					put("考勤查看", target.PersonID, r.Dishonest)
				}
				if r.EnrollmentID == control.ID {
					put("考勤查看", control.PersonID, r.Dishonest)
				}
			}
			return out
		}
		expect := func(t *testing.T, when string, flagged bool) {
			t.Helper()
			got := marks(t)
			if len(got) != 5 {
				t.Fatalf("%s: read %d lists: %v", when, len(got), got)
			}
			for list, m := range got {
				if m[target.PersonID] != flagged || m[control.PersonID] {
					t.Errorf("%s: %s marks %s=%v %s=%v", when, list, target.PersonName, m[target.PersonID],
						control.PersonName, m[control.PersonID])
				}
			}
		}

		expect(t, "before", false)
		in := w.entry(target.PersonID, 0)
		in.ValidTo = w.today
		if _, err := w.credit.CreateCredit(w.unit, in); err != nil {
			t.Fatal(err)
		}
		expect(t, "in force", true)
		clock(t, db).Advance(48 * time.Hour)
		expect(t, "expired", false)
	})
}
