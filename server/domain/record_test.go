package domain

import (
	"strings"
	"testing"
	"time"
)

func TestRecordDatesAndHours(t *testing.T) {
	today := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		start, end       string
		startMsg, endMsg string
	}{
		{"2026-06-01", "2026-06-03", "", ""},
		{"2026-06-15", "2026-06-15", "", ""},
		{"2026-06-03", "2026-06-01", "", "不能早于开始日期"},
		{"2026-06-14", "2026-06-16", "", "不能晚于今天"},
		{"2026-06-16", "2026-06-16", "不能晚于今天", "不能晚于今天"},
		{"", "2026-06-01", "请填写开始日期", ""},
		{"2026-02-29", "2026-03-01", "开始日期应为有效", ""},
	} {
		s, e := CheckRecordDates(c.start, c.end, today)
		if (c.startMsg == "") != (s == "") || !strings.Contains(s, c.startMsg) ||
			(c.endMsg == "") != (e == "") || !strings.Contains(e, c.endMsg) {
			t.Errorf("%s..%s: %q %q, want %q %q", c.start, c.end, s, e, c.startMsg, c.endMsg)
		}
	}
	if d := RecordDays("2025-12-31", "2026-01-02"); d != 3 {
		t.Errorf("days across the new year = %d", d)
	}
	if d := RecordDays("2026-01-02", "2025-12-31"); d != 0 {
		t.Errorf("reversed days = %d", d)
	}
	if y := RecordYear("２０２５－１２－３１"); y != 2025 {
		t.Errorf("year of a full-width date = %d", y)
	}
	if y := RecordYear("soon"); y != 0 {
		t.Errorf("year of no date = %d", y)
	}
	for _, c := range []struct {
		h          Hours
		start, end string
		cap        Hours
		msg        string
	}{
		{HoursOf(16), "2026-06-01", "2026-06-02", DefaultDailyCap, ""},
		{HoursOf(16) + 1, "2026-06-01", "2026-06-02", DefaultDailyCap, "2天最多16学时"},
		{HoursOf(7), "2026-06-01", "2026-06-01", HoursOf(6), "每天最多6学时"},
		{1, "2026-06-01", "2026-06-01", DefaultDailyCap, ""},
		{0, "2026-06-01", "2026-06-01", DefaultDailyCap, "请填写学时"},
		{-2, "", "", 0, "大于0"},
		{HoursOf(100), "bad", "2026-06-01", DefaultDailyCap, ""},
	} {
		msg := CheckRecordHours(c.h, c.start, c.end, c.cap)
		if (c.msg == "") != (msg == "") || !strings.Contains(msg, c.msg) {
			t.Errorf("%s hours %s..%s cap %s: %q, want %q", c.h, c.start, c.end, c.cap, msg, c.msg)
		}
	}
}

func TestRecordInputValidate(t *testing.T) {
	today := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	in := RecordInput{IDNumber: " 11010519491231002x ", Category: CategoryPublic, Form: "online", Title: " 课程 ",
		StartDate: "２０２６-06-01", EndDate: "2026-06-01", Hours: HoursOf(8)}
	if err := in.Validate(today, DefaultDailyCap); err != nil {
		t.Fatal(err)
	}
	if in.IDNumber != "11010519491231002X" || in.Title != "课程" || in.StartDate != "2026-06-01" {
		t.Fatalf("not normalised: %+v", in)
	}
	bad := RecordInput{Category: "x", Title: strings.Repeat("长", RecordTitleMax+1), StartDate: "2026-06-02",
		EndDate: "2026-06-01", Hours: HoursOf(99), Remark: strings.Repeat("备", RecordRemarkMax+1)}
	fields := FieldErrorsOf(bad.Validate(today, DefaultDailyCap))
	for _, k := range []string{RecordFieldCategory, RecordFieldForm, RecordFieldTitle, RecordFieldEnd, RecordFieldRemark} {
		if fields[k] == "" {
			t.Errorf("no message at %s: %v", k, fields)
		}
	}
	// The cap is not judged over an invalid period; positivity is.
	if fields[RecordFieldHours] != "" {
		t.Errorf("hours judged over reversed dates: %v", fields)
	}
}

func TestRecordReviewAndBatchRules(t *testing.T) {
	for _, c := range []struct {
		r  RecordReview
		ok bool
	}{
		{RecordReview{Decision: RecordApprove}, true},
		{RecordReview{Decision: RecordReject, Comment: "重复"}, true},
		{RecordReview{Decision: RecordReturn, Comment: "  "}, false},
		{RecordReview{Decision: RecordReject}, false},
		{RecordReview{Decision: "maybe"}, false},
		{RecordReview{Decision: RecordApprove, Comment: strings.Repeat("长", RecordReviewCommentMax+1)}, false},
	} {
		if err := c.r.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.r, err)
		}
	}
	if err := (&RecordBatchApproval{}).Validate(); err == nil {
		t.Error("empty batch accepted")
	}
	if err := (&RecordBatchApproval{IDs: make([]int64, MaxBatch+1)}).Validate(); err == nil {
		t.Error("oversized batch accepted")
	}
	for _, f := range []RecordFilter{{Source: "mail"}, {Status: "lost"}, {Category: "x"}, {Year: -1}, {To: "2026-13-01"}} {
		if err := f.Validate(); err == nil {
			t.Errorf("filter %+v accepted", f)
		}
	}
}

func TestRecordWorkflowsBySource(t *testing.T) {
	for source, want := range map[RecordSource]bool{SourceUnit: true, SourcePerson: true, SourceInstitution: true,
		SourceClass: false, SourceImport: false} {
		if got := RecordMachineFor(source) != nil; got != want {
			t.Errorf("%s has a workflow: %v", source, got)
		}
	}
	if _, ok := RecordMachineFor(SourceUnit).Next(RecordDraft, ActionSubmit); ok {
		t.Error("a unit's record can be submitted")
	}
	if _, ok := RecordMachineFor(SourcePerson).Next(RecordDraft, ActionConfirm); ok {
		t.Error("a person's record can be confirmed")
	}
	y := YearHours{RequiredTotal: HoursOf(90), RequiredPublic: HoursOf(30), RequiredProfessional: HoursOf(42)}
	y.Add(CategoryPublic, HoursOf(30))
	y.Add(CategoryProfessional, HoursOf(42))
	if y.Met() {
		t.Error("72 of 90 met")
	}
	y.Add(CategoryElective, HoursOf(18))
	if !y.Met() || y.Total != HoursOf(90) {
		t.Errorf("90 of 90: %+v", y)
	}
}
