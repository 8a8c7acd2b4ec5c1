package store

import (
	"context"
	"fmt"
	"time"

	"jxjy/server/domain"
)

// genTeachers is the teachers of each unit: two lecturers and a head
// teacher for every class.
const genTeachers = 3

var genTeacherTitles = []string{"高级工程师", "副教授", "高级讲师"}

// genPlanSpec is one of every unit's plans: of this year or yi years
// before, in status (empty: genVariedPlan by unit).
type genPlanSpec struct {
	yi     int
	status domain.PlanStatus
}

var genPlans = []genPlanSpec{{2, domain.PlanApproved}, {1, domain.PlanApproved}, {0, domain.PlanApproved}, {0, ""}}

// genVariedPlan is the status of each unit's last plan, by unit, so the
// authorities' queues hold every state.
var genVariedPlan = []domain.PlanStatus{domain.PlanDraft, domain.PlanSubmitted, domain.PlanReturned, domain.PlanRejected}

// genClassSpec is one of every unit's classes: of plan genPlans[plan], in
// status, taking trainee group group (-1: none).
type genClassSpec struct {
	plan   int
	status domain.ClassStatus
	group  int
}

// genClasses puts every class state in each unit: closed classes of the
// past two years (their passing trainees credited), one cancelled, one
// open now, and pending ones, including the class of the plan whose state
// varies (only an approved plan's classes move on from pending).
var genClasses = []genClassSpec{
	{0, domain.ClassClosed, 0}, {1, domain.ClassClosed, 1}, {1, domain.ClassClosed, 2}, {1, domain.ClassCancelled, -1},
	{2, domain.ClassOpen, 3}, {2, domain.ClassPending, -1}, {3, domain.ClassPending, -1},
}

// genGroupClass is the class of each trainee group.
var genGroupClass = []int{0, 1, 2, 4}

// genGroupMax bounds a trainee group: a unit's first persons, up to
// genGroupMax per class, each in one class at most.
const genGroupMax = 15

var genClassHours = []int{96, 112, 120, 128}

// groupSize is the trainees of each of unit u's classes that take any.
func (l *genLayout) groupSize(u int) int {
	return min(genGroupMax, l.unitSize(u)/len(genGroupClass))
}

// group is the trainee group of person p, -1 for none.
func (l *genLayout) group(p int) int {
	t := l.groupSize(l.unitOf(p))
	m := l.indexInUnit(p)
	if t == 0 || m >= t*len(genGroupClass) {
		return -1
	}
	return m / t
}

// course is the catalog course of unit u's plan i: its id (nil when the
// catalog is empty) and name.
func (l *genLayout) course(u, i int) (any, string) {
	if len(l.courses) == 0 {
		return nil, "专业科目"
	}
	c := l.courses[l.roll(rollCourse, uint64(u), uint64(i))%uint64(len(l.courses))]
	return c.id, c.name
}

func (l *genLayout) planStatus(u, i int) domain.PlanStatus {
	if s := genPlans[i].status; s != "" {
		return s
	}
	return genVariedPlan[u%len(genVariedPlan)]
}

func (l *genLayout) planName(u, i int) string {
	_, course := l.course(u, i)
	return fmt.Sprintf("%d年度%s培训计划", l.thisYear-genPlans[i].yi, course)
}

// genClass is one generated class.
type genClass struct {
	id             int64
	name, planName string
	start, end     time.Time // dates, at midnight UTC
	hours          int
	status         domain.ClassStatus
}

// class is unit u's class c. A past year's class runs between March and
// early November; this year's open class started yesterday and its
// pending ones start in the weeks ahead.
func (l *genLayout) class(u, c int) genClass {
	spec := genClasses[c]
	r := l.roll(rollClass, uint64(u), uint64(c))
	k := genClass{id: l.classID(u, c), planName: l.planName(u, spec.plan), status: spec.status,
		hours: genClassHours[r%uint64(len(genClassHours))]}
	_, course := l.course(u, spec.plan)
	year := l.thisYear - genPlans[spec.plan].yi
	k.name = fmt.Sprintf("%d年度%s第%d期培训班", year, course, c+1)
	switch {
	case genPlans[spec.plan].yi > 0:
		k.start = time.Date(year, time.March, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int((r>>8)%240))
	case spec.status == domain.ClassOpen:
		k.start = l.today.AddDate(0, 0, -1)
		if k.start.Year() < year {
			k.start = l.today
		}
	default:
		k.start = l.today.AddDate(0, 0, 20+int((r>>8)%40))
	}
	k.end = k.start.AddDate(0, 0, genSpan(k.hours)-1)
	return k
}

// genSpan is the days hours take at the daily cap of eight hours.
func genSpan(halfHours int) int { return (halfHours + 15) / 16 }

// at is a date's moment at hour o'clock in China, no later than now.
func (l *genLayout) at(date time.Time, hour int) int64 {
	t := time.Date(date.Year(), date.Month(), date.Day(), hour, 0, 0, 0, domain.ChinaTime)
	if t.After(l.now) {
		t = l.now
	}
	return millis(t)
}

// closedAt is when a closed class was closed: the day after its end.
func (l *genLayout) closedAt(k genClass) int64 { return l.at(k.end.AddDate(0, 0, 1), 10) }

// result is trainee p's score in group g's class, if entered. Closed
// classes have every result (a class cannot close without them); the open
// one about half. A trainee with no record slot in the class's year (only
// when records are fewer than three a person) failed, so every pass is
// credited.
func (l *genLayout) result(p, g int) (score int, entered bool) {
	spec := genClasses[genGroupClass[g]]
	if spec.status == domain.ClassOpen && l.roll(rollEntered, uint64(p), 0)%2 == 1 {
		return 0, false
	}
	r := l.roll(rollScore, uint64(p), 0)
	if spec.status == domain.ClassClosed && l.slots(p, genPlans[spec.plan].yi) == 0 {
		return 30 + int(r%30), true
	}
	return 50 + int(r%50), true
}

// credited reports whether p passed a closed class of year index yi.
func (l *genLayout) credited(p, yi int) bool {
	g := l.group(p)
	if g < 0 {
		return false
	}
	spec := genClasses[genGroupClass[g]]
	score, entered := l.result(p, g)
	return spec.status == domain.ClassClosed && genPlans[spec.plan].yi == yi && entered && score >= 60
}

func (l *genLayout) loadTeachers(ctx context.Context, ld *genLoader, res *GenerateResult) error {
	n := l.allUnits() * genTeachers
	stamp := millis(time.Date(l.thisYear-3, 1, 1, 0, 0, 0, 0, domain.ChinaTime))
	err := ld.bulk(ctx, "teachers", []string{"id", "unit_id", "name", "gender", "title", "specialty", "employer",
		"enabled", "created_at", "updated_at"}, n, func(i int) []any {
		u, t := i/genTeachers, i%genTeachers
		r := l.roll(rollTeacher, uint64(u), uint64(t))
		name := string(genSurnames[r%uint64(len(genSurnames))]) + string(genGiven[(r>>16)%uint64(len(genGiven))]) +
			string(genGiven[(r>>32)%uint64(len(genGiven))])
		gender := []string{"男", "女"}[(r>>48)%2]
		return []any{l.teacherID(u, t), l.unitID(u), name, gender, genTeacherTitles[t], "专业技术", l.unitName(u),
			true, stamp, stamp}
	})
	res.Teachers = n
	return err
}

// genEnrollment is one trainee of a unit's class.
type genEnrollment struct {
	person, unit int32
	group        int8
}

// loadPlans loads every unit's plans and classes with their teachers,
// subjects, trainees and attendance.
func (l *genLayout) loadPlans(ctx context.Context, ld *genLoader, res *GenerateResult) error {
	units := l.allUnits()
	planAt := func(u, i int) (created, submitted, reviewed int64) {
		first := l.class(u, firstClassOf(i)).start
		c := time.Date(first.Year(), first.Month(), first.Day(), 10, 0, 0, 0, domain.ChinaTime).AddDate(0, 0, -45)
		if latest := l.now.AddDate(0, 0, -5); c.After(latest) {
			c = latest
		}
		return millis(c), millis(c.AddDate(0, 0, 2)), millis(c.AddDate(0, 0, 4))
	}
	err := ld.bulk(ctx, "plans", []string{"id", "unit_id", "year", "course_id", "name", "audience", "description",
		"status", "review_comment", "submitted_at", "version", "created_at", "updated_at"}, units*len(genPlans), func(i int) []any {
		u, pl := i/len(genPlans), i%len(genPlans)
		status := l.planStatus(u, pl)
		res.PlansByStatus[status]++
		courseID, _ := l.course(u, pl)
		created, submitted, reviewed := planAt(u, pl)
		var submittedAt any = submitted
		version, updated := int64(3), reviewed
		switch status {
		case domain.PlanDraft:
			submittedAt, version, updated = nil, 1, created
		case domain.PlanSubmitted:
			version, updated = 2, submitted
		}
		comment := map[domain.PlanStatus]string{
			domain.PlanApproved: "计划安排合理，同意",
			domain.PlanReturned: "科目安排过于笼统，请细化科目内容后重新送审",
			domain.PlanRejected: "培训内容与本单位专业技术人员岗位不符，不予备案",
		}[status]
		return []any{l.planID(u, pl), l.unitID(u), l.thisYear - genPlans[pl].yi, courseID, l.planName(u, pl),
			"本单位专业技术人员", "结合本单位业务开展专业科目集中培训。", string(status), comment, submittedAt,
			version, created, updated}
	})
	if err != nil {
		return err
	}
	res.Plans = units * len(genPlans)

	classes := units * len(genClasses)
	err = ld.bulk(ctx, "classes", []string{"id", "plan_id", "unit_id", "name", "start_date", "end_date", "location",
		"capacity", "half_hours", "status", "version", "created_at", "updated_at"}, classes, func(i int) []any {
		u, c := i/len(genClasses), i%len(genClasses)
		k := l.class(u, c)
		res.ClassesByStatus[k.status]++
		created, _, _ := planAt(u, genClasses[c].plan)
		created += int64(time.Hour / time.Millisecond)
		version, updated := int64(1), created
		switch k.status {
		case domain.ClassOpen:
			version, updated = 2, l.at(k.start.AddDate(0, 0, -1), 17)
		case domain.ClassCancelled:
			version, updated = 2, l.at(k.start.AddDate(0, 0, -7), 10)
		case domain.ClassClosed:
			version, updated = 3, l.closedAt(k)
		}
		return []any{k.id, l.planID(u, genClasses[c].plan), l.unitID(u), k.name, k.start.Format(domain.DateLayout),
			k.end.Format(domain.DateLayout), "本单位培训室", 30, k.hours, string(k.status), version, created, updated}
	})
	if err != nil {
		return err
	}
	res.Classes = classes

	// Two subjects whose hours add up to the class's, each taught by one
	// of the class's lecturers; the third teacher is the head teacher.
	err = ld.bulk(ctx, "subjects", []string{"class_id", "name", "half_hours", "lecturer_id", "content", "created_at"},
		classes*2, func(i int) []any {
			u, c, s := i/2/len(genClasses), i/2%len(genClasses), i%2
			k := l.class(u, c)
			hours := k.hours / 2
			name, content := "专业理论与政策法规", "行业政策、标准规范与专业理论。"
			if s == 1 {
				hours = k.hours - hours
				name, content = "实务操作与案例分析", "典型案例研讨与现场实务操作。"
			}
			created, _, _ := planAt(u, genClasses[c].plan)
			return []any{k.id, name, hours, l.teacherID(u, s), content, created}
		})
	if err != nil {
		return err
	}
	err = ld.bulk(ctx, "class_teachers", []string{"class_id", "teacher_id", "role"}, classes*genTeachers, func(i int) []any {
		u, c, t := i/genTeachers/len(genClasses), i/genTeachers%len(genClasses), i%genTeachers
		role := "lecturer"
		if t == genTeachers-1 {
			role = "head"
		}
		return []any{l.classID(u, c), l.teacherID(u, t), role}
	})
	if err != nil {
		return err
	}

	var trainees []genEnrollment
	for u := range units {
		size := l.groupSize(u)
		for g := range genGroupClass {
			for t := range size {
				trainees = append(trainees, genEnrollment{person: int32(l.personAt(u, g*size+t)), unit: int32(u), group: int8(g)})
			}
		}
	}
	enrollBase := l.base["enrollments"]
	err = ld.bulk(ctx, "enrollments", []string{"id", "class_id", "person_id", "status", "score", "result", "version",
		"created_at", "updated_at"}, len(trainees), func(i int) []any {
		e := trainees[i]
		k := l.class(int(e.unit), genGroupClass[e.group])
		created := l.at(k.start.AddDate(0, 0, -1), 11)
		var score, result any
		version, updated := int64(1), created
		if s, ok := l.result(int(e.person), int(e.group)); ok {
			score, result, version = s, string(domain.ResultFail), 2
			if s >= 60 {
				result = string(domain.ResultPass)
			}
			updated = l.at(k.end, 16)
		}
		return []any{enrollBase + int64(i), k.id, l.personID(int(e.person)), "active", score, result, version, created, updated}
	})
	if err != nil {
		return err
	}
	res.Enrollments = len(trainees)

	// One attendance session on the first day of each class with
	// trainees, everyone marked.
	sessionBase := l.base["attendance_sessions"]
	sessionID := func(u, g int) int64 { return sessionBase + int64(u*len(genGroupClass)+g) }
	err = ld.bulk(ctx, "attendance_sessions", []string{"id", "class_id", "date", "start_time", "end_time", "created_at"},
		units*len(genGroupClass), func(i int) []any {
			u, g := i/len(genGroupClass), i%len(genGroupClass)
			k := l.class(u, genGroupClass[g])
			return []any{sessionID(u, g), k.id, k.start.Format(domain.DateLayout), "09:00", "17:00", l.at(k.start.AddDate(0, 0, -1), 12)}
		})
	if err != nil {
		return err
	}
	marks := []domain.AttendanceMark{domain.MarkLate, domain.MarkEarly, domain.MarkLeave, domain.MarkAbsent}
	return ld.bulk(ctx, "attendance_marks", []string{"session_id", "enrollment_id", "mark"}, len(trainees), func(i int) []any {
		e := trainees[i]
		mark := domain.MarkPresent
		if r := l.roll(rollMark, uint64(e.person), 0) % 40; r < uint64(len(marks)) {
			mark = marks[r]
		}
		return []any{sessionID(int(e.unit), int(e.group)), enrollBase + int64(i), string(mark)}
	})
}

// firstClassOf is the first of genClasses belonging to plan i.
func firstClassOf(i int) int {
	for c, spec := range genClasses {
		if spec.plan == i {
			return c
		}
	}
	return 0
}
