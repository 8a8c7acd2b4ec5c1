package domain

import (
	"strings"
	"testing"
)

func TestClassRefusalSaysWhyForEveryRefusedMove(t *testing.T) {
	allowed := map[ClassStatus]map[string]bool{
		ClassPending:   {ClassActionOpen: true, ClassActionCancel: true},
		ClassOpen:      {ClassActionClose: true, ClassActionCancel: true},
		ClassClosed:    {},
		ClassCancelled: {},
	}
	for s, ok := range allowed {
		for _, a := range []string{ClassActionOpen, ClassActionClose, ClassActionCancel, "reopen"} {
			why := ClassRefusal(s, a)
			if ok[a] != (why == "") {
				t.Errorf("%s %s: refusal %q, allowed %v", s, a, why, ok[a])
			}
		}
	}
	if why := ClassRefusal(ClassCancelled, ClassActionOpen); !strings.Contains(why, "已取消") {
		t.Errorf("opening a cancelled class: %q", why)
	}
	if why := ClassRefusal(ClassPending, ClassActionClose); !strings.Contains(why, "尚未开班") {
		t.Errorf("closing a pending class: %q", why)
	}
	if why := ClassRefusal(ClassClosed, ClassActionCancel); !strings.Contains(why, "已结班") {
		t.Errorf("cancelling a closed class: %q", why)
	}
}

func TestClassStatusChangeValidates(t *testing.T) {
	if err := (ClassStatusChange{IDs: []int64{1}, Action: ClassActionOpen}).Validate(); err != nil {
		t.Fatal(err)
	}
	f := FieldErrorsOf(ClassStatusChange{Action: "reopen"}.Validate())
	if f["ids"] == "" || f["action"] == "" {
		t.Fatalf("%v", f)
	}
}

func TestResultSheetReportsEveryEntry(t *testing.T) {
	ok, low, high := 75, -1, 101
	err := ResultSheet{Entries: []ResultEntry{
		{Score: &ok, Result: ResultPass},
		{Score: &low, Result: "good"},
		{Score: &high},
		{Result: ResultNone},
	}}.Validate()
	f := FieldErrorsOf(err)
	if len(f) != 3 || f["entries[1].score"] == "" || f["entries[1].result"] == "" || f["entries[2].score"] == "" {
		t.Fatalf("%v", f)
	}
	if (ResultSheet{}).Validate() == nil {
		t.Fatal("an empty sheet passed")
	}
}

func TestSessionInputAndMarks(t *testing.T) {
	in := SessionInput{Date: "2026-05-01", Start: "０９:００", End: "12:00"}
	if err := in.Validate(); err != nil || in.Start != "09:00" {
		t.Fatalf("%v %q", err, in.Start)
	}
	f := FieldErrorsOf((&SessionInput{Date: "2026-02-30", Start: "12:00", End: "09:00"}).Validate())
	if f["date"] == "" || f["end"] == "" {
		t.Fatalf("%v", f)
	}
	f = FieldErrorsOf((&SessionInput{Date: "2026-05-01", Start: "24:00", End: "9:00"}).Validate())
	if f["start"] == "" || f["end"] == "" {
		t.Fatalf("%v", f)
	}
	if (MarkRequest{EnrollmentIDs: []int64{1}, Mark: MarkNone}).Validate() == nil {
		t.Fatal("no mark passed")
	}
	if err := (MarkRequest{EnrollmentIDs: []int64{1}, Mark: MarkLate}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAttendanceRate(t *testing.T) {
	for _, c := range []struct {
		marks []AttendanceMark
		want  string
	}{
		{nil, "—"},
		{[]AttendanceMark{MarkNone, MarkNone}, "—"},
		{[]AttendanceMark{MarkPresent, MarkLate}, "100%"},
		{[]AttendanceMark{MarkPresent, MarkAbsent}, "50%"},
		{[]AttendanceMark{MarkPresent, MarkLeave, MarkEarly}, "66.7%"},
		{[]AttendanceMark{MarkAbsent, MarkNone}, "0%"},
	} {
		if got := (AttendanceRow{Marks: c.marks}).Rate(); got != c.want {
			t.Errorf("%v: %s, want %s", c.marks, got, c.want)
		}
	}
}
