package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func (e *planEnv) setStatus(t *testing.T, action string, ids ...int64) domain.ClassStatusSummary {
	t.Helper()
	sum, err := e.classes.ChangeClassStatus(e.unit, domain.ClassStatusChange{IDs: ids, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func skipped(t *testing.T, sum domain.ClassStatusSummary, contains string) {
	t.Helper()
	if len(sum.Changed) != 0 || len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, contains) {
		t.Fatalf("want one skip ~ %q, got %+v", contains, sum)
	}
}

func classRecords(t *testing.T, db *store.DB, classID int64) int {
	return count(t, db, `SELECT COUNT(*) FROM records WHERE class_id = $1 AND source = 'class' AND status = 'effective'
		AND category = 'professional'`, classID)
}

func TestClassLifecycleCreditsPassingTraineesOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		_, class := e.approvedPlan(t, 30)
		people := e.confirmedPersons(t, 7)
		ctx := e.unit

		// Nothing happens in a pending class.
		_, err := e.classes.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: people[:1]})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.classes.AddSession(ctx, class.ID, domain.SessionInput{Date: class.StartDate, Start: "09:00", End: "12:00"})
		wantCode(t, err, domain.CodeConflict)
		skipped(t, e.setStatus(t, domain.ClassActionClose, class.ID), "尚未开班")

		sum := e.setStatus(t, domain.ClassActionOpen, class.ID)
		if len(sum.Changed) != 1 || sum.Changed[0].Status != domain.ClassOpen {
			t.Fatalf("open: %+v", sum)
		}
		skipped(t, e.setStatus(t, domain.ClassActionOpen, class.ID), "已开班")

		enrolled, err := e.classes.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: people[:5]})
		if err != nil || len(enrolled) != 5 {
			t.Fatalf("enroll: %+v %v", enrolled, err)
		}
		_, err = e.classes.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: people[4:6]})
		wantCode(t, err, domain.CodeConflict)
		cancelled, err := e.classes.CancelEnrollment(ctx, enrolled[4].ID, domain.VersionRef{Version: enrolled[4].Version})
		if err != nil || cancelled.Status != domain.EnrollmentCancelled {
			t.Fatalf("cancel: %+v %v", cancelled, err)
		}
		_, err = e.classes.CancelEnrollment(ctx, enrolled[4].ID, domain.VersionRef{Version: cancelled.Version})
		wantCode(t, err, domain.CodeConflict)
		// The cancelled trainee comes back with the sixth person.
		if _, err := e.classes.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: people[4:6]}); err != nil {
			t.Fatal(err)
		}
		trainees, err := e.classes.ListEnrollments(ctx, class.ID)
		if err != nil || len(trainees) != 6 {
			t.Fatalf("trainees: %+v %v", trainees, err)
		}
		candidates, err := e.classes.ListCandidates(ctx, class.ID, domain.CandidateFilter{})
		if err != nil || candidates.Total < 20 {
			t.Fatalf("candidates: %+v %v", candidates, err)
		}
		inClass := 0
		for _, c := range candidates.Items {
			if c.Enrolled {
				inClass++
			}
		}
		if inClass != 6 {
			t.Fatalf("%d candidates marked enrolled, want 6", inClass)
		}

		// Two sessions: 普通考勤, then exceptions.
		_, err = e.classes.AddSession(ctx, class.ID, domain.SessionInput{Date: today(t, db, 5), Start: "09:00", End: "12:00"})
		wantField(t, err, domain.CodeInvalid, "date", "培训期间")
		s1, err := e.classes.AddSession(ctx, class.ID, domain.SessionInput{Date: class.StartDate, Start: "09:00", End: "12:00"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.classes.AddSession(ctx, class.ID, domain.SessionInput{Date: class.StartDate, Start: "11:00", End: "12:30"})
		wantField(t, err, domain.CodeInvalid, "start", "重叠")
		s2, err := e.classes.AddSession(ctx, class.ID, domain.SessionInput{Date: class.StartDate, Start: "14:00", End: "17:00"})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []domain.AttendanceSession{s1, s2} {
			got, err := e.classes.SetNormalAttendance(ctx, s.ID)
			if err != nil || got.Marked != 6 {
				t.Fatalf("normal: %+v %v", got, err)
			}
		}
		if _, err := e.classes.MarkAttendance(ctx, s1.ID, domain.MarkRequest{EnrollmentIDs: []int64{trainees[0].ID}, Mark: domain.MarkLate}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.classes.MarkAttendance(ctx, s2.ID, domain.MarkRequest{EnrollmentIDs: []int64{trainees[1].ID}, Mark: domain.MarkAbsent}); err != nil {
			t.Fatal(err)
		}
		// 普通考勤 again keeps the exceptions.
		if _, err := e.classes.SetNormalAttendance(ctx, s2.ID); err != nil {
			t.Fatal(err)
		}
		sheet, err := e.classes.AttendanceSheet(ctx, class.ID)
		if err != nil || len(sheet.Sessions) != 2 || len(sheet.Rows) != 6 {
			t.Fatalf("sheet: %+v %v", sheet, err)
		}
		rates := map[int64]string{}
		for _, r := range sheet.Rows {
			rates[r.EnrollmentID] = r.Rate()
		}
		if rates[trainees[0].ID] != "100%" || rates[trainees[1].ID] != "50%" || sheet.Rows[1].Marks[1] != domain.MarkAbsent {
			t.Fatalf("rates %v, rows %+v", rates, sheet.Rows)
		}

		// Results: closing waits for every one of them.
		pass, fail := 88, 40
		var entries []domain.ResultEntry
		for i, tr := range trainees[:5] {
			entry := domain.ResultEntry{EnrollmentID: tr.ID, Score: &pass, Result: domain.ResultPass, Version: tr.Version}
			if i == 1 {
				entry.Score, entry.Result = &fail, domain.ResultFail
			}
			entries = append(entries, entry)
		}
		saved, err := e.classes.SaveResults(ctx, class.ID, domain.ResultSheet{Entries: entries})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.classes.SaveResults(ctx, class.ID, domain.ResultSheet{Entries: entries[:1]})
		wantCode(t, err, domain.CodeConflict)
		// Not before the class has ended: its records would be dated ahead.
		skipped(t, e.setStatus(t, domain.ClassActionClose, class.ID), "结束前不能结班")
		storetest.ClockOf(db).Advance(48 * time.Hour)
		skipped(t, e.setStatus(t, domain.ClassActionClose, class.ID), "有1名学员未录入考核结果")
		last := saved[5]
		if _, err := e.classes.SaveResults(ctx, class.ID, domain.ResultSheet{Entries: []domain.ResultEntry{
			{EnrollmentID: last.ID, Result: domain.ResultPass, Version: last.Version}}}); err != nil {
			t.Fatal(err)
		}

		sum = e.setStatus(t, domain.ClassActionClose, class.ID)
		if len(sum.Changed) != 1 || sum.Changed[0].Status != domain.ClassClosed || sum.Credited != 5 {
			t.Fatalf("close: %+v", sum)
		}
		if n := classRecords(t, db, class.ID); n != 5 {
			t.Fatalf("%d records, want 5", n)
		}
		failing := trainees[1].PersonID
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE class_id = $1 AND person_id = $2`, class.ID, failing); n != 0 {
			t.Fatal("a failing trainee was credited")
		}
		year := class.EndDate[:4]
		if n := count(t, db, `SELECT COUNT(*) FROM records WHERE class_id = $1 AND half_hours = $2 AND CAST(year AS TEXT) = $3`,
			class.ID, int(class.Hours), year); n != 5 {
			t.Fatalf("records carry the class hours and the end date's year: %d", n)
		}
		// A retried close changes nothing.
		skipped(t, e.setStatus(t, domain.ClassActionClose, class.ID), "已结班")
		if n := classRecords(t, db, class.ID); n != 5 {
			t.Fatalf("%d records after a second close", n)
		}
		_, err = e.classes.Enroll(ctx, class.ID, domain.EnrollRequest{PersonIDs: people[6:7]})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.classes.SaveResults(ctx, class.ID, domain.ResultSheet{Entries: entries[:1]})
		wantCode(t, err, domain.CodeConflict)
		_, err = e.classes.CancelEnrollment(ctx, trainees[0].ID, domain.VersionRef{Version: saved[0].Version})
		wantCode(t, err, domain.CodeConflict)
		skipped(t, e.setStatus(t, domain.ClassActionCancel, class.ID), "已结班")

		h, err := e.history.History(ctx, domain.EntityClass, class.ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		for _, x := range h {
			if x.To != "" {
				moves = append(moves, x.From+">"+x.To)
			}
		}
		if strings.Join(moves, " ") != "pending>open open>closed" {
			t.Fatalf("class history: %v", moves)
		}
	})
}

func TestClassRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		_, small := e.approvedPlan(t, 3)
		_, other := e.approvedPlan(t, 30)
		people := e.confirmedPersons(t, 4)
		e.setStatus(t, domain.ClassActionOpen, small.ID)

		_, err := e.classes.Enroll(e.unit, small.ID, domain.EnrollRequest{PersonIDs: people})
		wantCode(t, err, domain.CodeConflict)
		if _, err := e.classes.Enroll(e.unit, small.ID, domain.EnrollRequest{PersonIDs: people[:3]}); err != nil {
			t.Fatal(err)
		}
		_, err = e.classes.Enroll(e.unit, small.ID, domain.EnrollRequest{PersonIDs: people[3:]})
		if de := wantCode(t, err, domain.CodeConflict); !strings.Contains(de.Message, "名额不足") {
			t.Fatalf("over capacity: %v", de)
		}

		// Another unit's person, a pending claimant and an unknown id.
		stranger := e.id(t, `SELECT p.id FROM persons p WHERE p.status = 'pending' ORDER BY p.id LIMIT 1`)
		first17 := "44030519920202002"
		person, err := store.NewPersonService(db).AddPerson(e.other, domain.PersonInput{
			IDNumber: first17 + string(domain.IDCheckChar(first17)), Name: "深圳职员"})
		if err != nil {
			t.Fatal(err)
		}
		e.setStatus(t, domain.ClassActionOpen, other.ID)
		for _, id := range []int64{person.ID, stranger, 999999} {
			_, err = e.classes.Enroll(e.unit, other.ID, domain.EnrollRequest{PersonIDs: []int64{people[0], id}})
			wantCode(t, err, domain.CodeNotFound)
		}

		// A pending class may be cancelled too, and a cancelled class
		// stays cancelled; a foreign unit sees nothing.
		_, pending := e.approvedPlan(t, 10)
		if sum := e.setStatus(t, domain.ClassActionCancel, pending.ID); len(sum.Changed) != 1 || sum.Changed[0].Status != domain.ClassCancelled {
			t.Fatalf("cancel a pending class: %+v", sum)
		}
		sum := e.setStatus(t, domain.ClassActionCancel, other.ID, small.ID)
		if len(sum.Changed) != 2 {
			t.Fatalf("cancel both: %+v", sum)
		}
		skipped(t, e.setStatus(t, domain.ClassActionOpen, other.ID), "已取消")
		_, err = e.classes.Enroll(e.unit, other.ID, domain.EnrollRequest{PersonIDs: people[:1]})
		wantCode(t, err, domain.CodeConflict)

		sum, err = e.classes.ChangeClassStatus(e.other, domain.ClassStatusChange{IDs: []int64{small.ID}, Action: domain.ClassActionClose})
		if err != nil || len(sum.Skipped) != 1 || sum.Skipped[0].Reason != "培训班不存在" {
			t.Fatalf("another unit closing: %+v %v", sum, err)
		}
		for _, call := range []func(context.Context) error{
			func(ctx context.Context) error { _, err := e.classes.GetClass(ctx, small.ID); return err },
			func(ctx context.Context) error { _, err := e.classes.ListEnrollments(ctx, small.ID); return err },
			func(ctx context.Context) error { _, err := e.classes.AttendanceSheet(ctx, small.ID); return err },
			func(ctx context.Context) error {
				_, err := e.classes.ListCandidates(ctx, small.ID, domain.CandidateFilter{})
				return err
			},
			func(ctx context.Context) error {
				_, err := e.classes.Enroll(ctx, small.ID, domain.EnrollRequest{PersonIDs: []int64{person.ID}})
				return err
			},
		} {
			wantCode(t, call(e.other), domain.CodeNotFound)
		}
		page, err := e.classes.ListClasses(e.other, domain.ClassQuery{})
		if err != nil || page.Total != 0 {
			t.Fatalf("another unit's classes: %+v %v", page, err)
		}
		_, err = e.classes.ListClasses(e.city, domain.ClassQuery{})
		wantCode(t, err, domain.CodeForbidden)
	})
}

func TestDemoClassesCoverEveryState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		page, err := e.classes.ListClasses(e.unit, domain.ClassQuery{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[domain.ClassStatus]domain.Class{}
		for _, k := range page.Items {
			states[k.Status] = k
			if k.PlanStatus != domain.PlanApproved {
				t.Errorf("class %s of a %s plan listed", k.Name, k.PlanStatus)
			}
		}
		for _, s := range []domain.ClassStatus{domain.ClassPending, domain.ClassOpen, domain.ClassClosed, domain.ClassCancelled} {
			if _, ok := states[s]; !ok {
				t.Errorf("no demo class is %s", s)
			}
		}
		closed := states[domain.ClassClosed]
		if n := classRecords(t, db, closed.ID); n != 5 {
			t.Errorf("the closed demo class credited %d trainees, want 5", n)
		}
		sheet, err := e.classes.AttendanceSheet(e.unit, states[domain.ClassOpen].ID)
		if err != nil || len(sheet.Sessions) == 0 || len(sheet.Rows) != 5 {
			t.Fatalf("open demo class attendance: %+v %v", sheet, err)
		}
		open, err := e.classes.ListClasses(e.unit, domain.ClassQuery{Status: domain.ClassOpen, Name: "第二期"})
		if err != nil || open.Total != 1 || open.Items[0].Enrolled != 5 || open.Items[0].HeadName == "" {
			t.Fatalf("filter: %+v %v", open, err)
		}
	})
}

// TestCapacityHoldsUnderConcurrentEnrollment races single enrollments
// into a class with room for three: exactly three may win.
func TestCapacityHoldsUnderConcurrentEnrollment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPlanEnv(t, db)
		_, class := e.approvedPlan(t, 3)
		e.setStatus(t, domain.ClassActionOpen, class.ID)
		people := e.confirmedPersons(t, 8)
		var wg sync.WaitGroup
		errs := make([]error, len(people))
		for i, id := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.classes.Enroll(e.unit, class.ID, domain.EnrollRequest{PersonIDs: []int64{id}})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch domain.ErrorCode(err) {
			case "":
				won++
			case domain.CodeConflict, domain.CodeUnavailable:
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM enrollments WHERE class_id = $1 AND status = 'active'`, class.ID); n != 3 || won != 3 {
			t.Fatalf("%d enrolled, %d calls won; capacity 3", n, won)
		}
	})
}
