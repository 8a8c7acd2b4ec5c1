package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"jxjy/server/domain"
)

// demoSubject is a 科目内容; lecturer indexes demoTeachers.
type demoSubject struct {
	name      string
	halfHours int
	lecturer  int
	content   string
}

// demoSession is a 考勤时间 on the class's day-th day, with the exceptions
// to 普通考勤 by trainee position.
type demoSession struct {
	day        int
	start, end string
	exceptions map[int]domain.AttendanceMark
}

// demoClass is a class starting startIn days from the seeding day (negative:
// in the past). Trainees index demoPersons; scores follow them (-1: none),
// and a score of 60 or more passes.
type demoClass struct {
	name       string
	startIn    int
	days       int
	location   string
	capacity   int
	halfHours  int
	status     domain.ClassStatus
	lecturers  []int
	head       int
	subjects   []demoSubject
	trainees   []int
	scores     []int
	sessions   []demoSession
	cancelNote string
}

// demoPlan is one of demo-unit's plans, submitted and reviewed daysAgo
// days before the seeding day (a draft was only saved then).
type demoPlan struct {
	name, course, audience, description string
	status                              domain.PlanStatus
	daysAgo                             int
	comment                             string
	attachment                          string
	classes                             []demoClass
}

var aiSubjects = []demoSubject{
	{"人工智能发展概论", 8, 1, "人工智能发展历程、技术路线与产业政策。"},
	{"机器学习基础与实践", 12, 1, "监督学习、无监督学习与模型评估，配合上机实验。"},
	{"大模型应用开发", 12, 0, "提示工程、检索增强生成与企业应用案例。"},
}

// demoPlans put demo-unit's plans in every state and its classes in every
// class state, with trainees, attendance and results where the state has
// them.
var demoPlans = []demoPlan{
	{
		name: "2026年度人工智能技术应用专业技术人员培训计划", course: "GD-ZY-001",
		audience: "本单位从事软件研发、数据分析的专业技术人员", status: domain.PlanApproved, daysAgo: 60,
		description: "围绕人工智能技术在软件研发中的应用，分期开展集中培训。", comment: "计划安排合理，同意",
		attachment: "培训计划书.pdf",
		classes: []demoClass{
			{name: "人工智能技术应用第一期培训班", startIn: -40, days: 2, location: "本单位三楼培训室", capacity: 30,
				halfHours: 32, status: domain.ClassClosed, lecturers: []int{0, 1}, head: 4, subjects: aiSubjects,
				trainees: []int{0, 1, 2, 4, 6, 10}, scores: []int{92, 85, 78, 88, 55, 90},
				sessions: []demoSession{
					{0, "09:00", "17:00", map[int]domain.AttendanceMark{4: domain.MarkLate}},
					{1, "09:00", "17:00", map[int]domain.AttendanceMark{4: domain.MarkAbsent, 2: domain.MarkEarly}},
				}},
			{name: "人工智能技术应用第二期培训班", startIn: -2, days: 5, location: "本单位三楼培训室", capacity: 30,
				halfHours: 32, status: domain.ClassOpen, lecturers: []int{0, 1}, head: 4, subjects: aiSubjects,
				trainees: []int{3, 5, 7, 11, 13}, scores: []int{86, -1, 72, -1, -1},
				sessions: []demoSession{
					{0, "09:00", "12:00", map[int]domain.AttendanceMark{1: domain.MarkLeave}},
				}},
			{name: "人工智能技术应用第三期培训班", startIn: 30, days: 3, location: "天河区软件园会议中心", capacity: 40,
				halfHours: 32, status: domain.ClassPending, lecturers: []int{0, 1}, head: 4, subjects: aiSubjects},
			{name: "人工智能技术应用周末班", startIn: 10, days: 2, location: "本单位三楼培训室", capacity: 20,
				halfHours: 32, status: domain.ClassCancelled, lecturers: []int{0, 1}, head: 4, subjects: aiSubjects,
				cancelNote: "报名人数不足，取消"},
		},
	},
	{
		name: "2026年度网络与信息安全实务培训计划", course: "GD-ZY-003",
		audience: "运维、安全岗位专业技术人员", status: domain.PlanSubmitted, daysAgo: 3,
		description: "结合等级保护2.0要求开展安全运维实务培训。", attachment: "网络安全培训方案.pdf",
		classes: []demoClass{
			{name: "网络安全等级保护实务培训班", startIn: 20, days: 2, location: "本单位五楼会议室", capacity: 25,
				halfHours: 32, status: domain.ClassPending, lecturers: []int{2}, head: 4, subjects: []demoSubject{
					{"等级保护2.0标准解读", 12, 2, "定级备案、测评要求与整改要点。"},
					{"安全运维与应急响应", 20, 2, "日志审计、漏洞管理与应急演练。"},
				}},
		},
	},
	{
		name: "2026年度云计算架构与运维培训计划", course: "GD-ZY-004",
		audience: "平台研发与运维人员", status: domain.PlanReturned, daysAgo: 7,
		description: "提升云原生架构设计与运维能力。",
		comment:     "培训班科目安排过于笼统，请细化科目内容后重新送审",
		classes: []demoClass{
			{name: "云原生架构实践培训班", startIn: 25, days: 3, location: "本单位三楼培训室", capacity: 30,
				halfHours: 48, status: domain.ClassPending, lecturers: []int{4}, head: 5, subjects: []demoSubject{
					{"云计算综合实践", 48, 4, "云原生相关内容。"},
				}},
		},
	},
	{
		name: "2026年度软件工程质量管理培训计划", course: "GD-ZY-005",
		audience: "项目经理、测试工程师", status: domain.PlanDraft, daysAgo: 1,
		description: "建立覆盖需求、测试与交付的质量管理体系。",
		classes: []demoClass{
			{name: "软件质量管理培训班", startIn: 45, days: 2, location: "本单位三楼培训室", capacity: 30,
				halfHours: 32, status: domain.ClassPending, lecturers: []int{0}, head: 4},
		},
	},
}

// plans seeds demoPlans, after the persons and teachers they use.
func (d *demo) plans() error {
	actors, err := d.planActors()
	if err != nil {
		return err
	}
	// The catalog was seeded without a change time; it was set up at the
	// start of the demo's history.
	if _, err := d.tx.ExecContext(d.ctx, `UPDATE courses SET updated_at = $1 WHERE updated_at = 0`,
		millis(d.now.AddDate(0, -6, 0))); err != nil {
		return err
	}
	for _, p := range demoPlans {
		if err := d.plan(p, actors); err != nil {
			return fmt.Errorf("demo plan %s: %w", p.name, err)
		}
	}
	return nil
}

// planActors are the unit and demo-authority as their audit entries name them.
func (d *demo) planActors() (map[domain.Role]domain.AuditEntry, error) {
	var unitUser int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM users WHERE username_key = $1`, usernameKey(DemoUnit)).Scan(&unitUser); err != nil {
		return nil, err
	}
	return map[domain.Role]domain.AuditEntry{
		domain.RoleUnit:      {ActorUserID: unitUser, ActorName: demoUnit.name, ActorRole: domain.RoleUnit},
		domain.RoleAuthority: {ActorUserID: d.authorityUserID, ActorName: "周海峰", ActorRole: domain.RoleAuthority},
	}, nil
}

func (d *demo) audit(actor domain.AuditEntry, entity string, id int64, at time.Time, from, to, comment string) error {
	e := actor
	e.EntityType, e.EntityID, e.At, e.From, e.To, e.Comment = entity, id, at, from, to, comment
	return insertAudit(d.ctx, d.tx, e)
}

func (d *demo) plan(p demoPlan, actors map[domain.Role]domain.AuditEntry) error {
	unit := actors[domain.RoleUnit]
	created := d.now.AddDate(0, 0, -p.daysAgo-2)
	submitted, reviewed := d.now.AddDate(0, 0, -p.daysAgo), d.now.AddDate(0, 0, -p.daysAgo).Add(26*time.Hour)
	var courseID int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM courses WHERE code = $1`, p.course).Scan(&courseID); err != nil {
		return err
	}
	var submittedAt any
	if p.status != domain.PlanDraft {
		submittedAt = millis(submitted)
	}
	var planID int64
	if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO plans (unit_id, year, course_id, name, audience, description,
		status, review_comment, submitted_at, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 3, $10, $11) RETURNING id`,
		d.unitID, d.now.In(domain.ChinaTime).Year(), courseID, p.name, p.audience, p.description, string(p.status),
		p.comment, submittedAt, millis(created), millis(d.now.AddDate(0, 0, -p.daysAgo))).Scan(&planID); err != nil {
		return err
	}
	if err := d.audit(unit, domain.EntityPlan, planID, created, "", string(domain.PlanDraft), "新申请："+p.name); err != nil {
		return err
	}
	for i, c := range p.classes {
		if err := d.class(planID, c, unit, created.Add(time.Duration(i+1)*time.Hour)); err != nil {
			return fmt.Errorf("class %s: %w", c.name, err)
		}
	}
	if p.attachment != "" {
		pdf := demoPDF(p.name + " (demo)")
		sum := sha256.Sum256(pdf)
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO attachments
			(owner_type, owner_id, name, content_type, size, sha256, content, uploaded_by, uploader_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			domain.EntityPlan, planID, p.attachment, "application/pdf", len(pdf), hex.EncodeToString(sum[:]), pdf,
			unit.ActorUserID, unit.ActorName, millis(created.Add(12*time.Hour))); err != nil {
			return err
		}
		if err := d.audit(unit, domain.EntityPlan, planID, created.Add(12*time.Hour), "", "", "上传附件 "+p.attachment); err != nil {
			return err
		}
	}
	if p.status == domain.PlanDraft {
		return nil
	}
	if err := d.audit(unit, domain.EntityPlan, planID, submitted, string(domain.PlanDraft), string(domain.PlanSubmitted), "送审"); err != nil {
		return err
	}
	if p.status == domain.PlanSubmitted {
		return nil
	}
	decision := map[domain.PlanStatus]string{domain.PlanApproved: "同意：", domain.PlanReturned: "不同意并退案："}[p.status]
	return d.audit(actors[domain.RoleAuthority], domain.EntityPlan, planID, reviewed,
		string(domain.PlanSubmitted), string(p.status), decision+p.comment)
}

// teacherID finds demoTeachers[i] of demo-unit.
func (d *demo) teacherID(i int) (int64, error) {
	var id int64
	err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM teachers WHERE unit_id = $1 AND name = $2`,
		d.unitID, demoTeachers[i].name).Scan(&id)
	return id, err
}

func (d *demo) class(planID int64, c demoClass, unit domain.AuditEntry, at time.Time) error {
	today := d.now.In(domain.ChinaTime)
	start, end := today.AddDate(0, 0, c.startIn), today.AddDate(0, 0, c.startIn+c.days-1)
	var classID int64
	if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO classes (plan_id, unit_id, name, start_date, end_date, location,
		capacity, half_hours, status, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 2, $10, $10) RETURNING id`,
		planID, d.unitID, c.name, start.Format(domain.DateLayout), end.Format(domain.DateLayout), c.location,
		c.capacity, c.halfHours, string(c.status), millis(at)).Scan(&classID); err != nil {
		return err
	}
	if err := d.audit(unit, domain.EntityPlan, planID, at, "", "", "新增培训班："+c.name); err != nil {
		return err
	}
	head, err := d.teacherID(c.head)
	if err != nil {
		return err
	}
	if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO class_teachers (class_id, teacher_id, role) VALUES ($1, $2, 'head')`, classID, head); err != nil {
		return err
	}
	for _, l := range c.lecturers {
		id, err := d.teacherID(l)
		if err != nil {
			return err
		}
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO class_teachers (class_id, teacher_id, role) VALUES ($1, $2, 'lecturer')`, classID, id); err != nil {
			return err
		}
	}
	for _, s := range c.subjects {
		id, err := d.teacherID(s.lecturer)
		if err != nil {
			return err
		}
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO subjects (class_id, name, half_hours, lecturer_id, content, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, classID, s.name, s.halfHours, id, s.content, millis(at)); err != nil {
			return err
		}
	}
	return d.classLife(classID, c, unit, start)
}

// classLife runs the class through its states as the unit would have:
// opened on its first day, trainees enrolled and marked, closed after.
func (d *demo) classLife(classID int64, c demoClass, unit domain.AuditEntry, start time.Time) error {
	switch c.status {
	case domain.ClassPending:
		return nil
	case domain.ClassCancelled:
		return d.audit(unit, domain.EntityClass, classID, d.now.AddDate(0, 0, -1), string(domain.ClassPending),
			string(domain.ClassCancelled), "取消："+c.cancelNote)
	}
	opened := start.Add(-15 * time.Hour) // the evening before, in China
	if err := d.audit(unit, domain.EntityClass, classID, opened, string(domain.ClassPending), string(domain.ClassOpen), "开班"); err != nil {
		return err
	}
	enrollments := make([]int64, len(c.trainees))
	for i, t := range c.trainees {
		var personID int64
		if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM persons WHERE id_number = $1`, demoPersons[t].idNumber()).Scan(&personID); err != nil {
			return err
		}
		var score, result any
		if c.scores[i] >= 0 {
			score, result = c.scores[i], string(domain.ResultFail)
			if c.scores[i] >= 60 {
				result = string(domain.ResultPass)
			}
		}
		if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO enrollments (class_id, person_id, status, score, result, created_at, updated_at)
			VALUES ($1, $2, 'active', $3, $4, $5, $5) RETURNING id`, classID, personID, score, result,
			millis(opened.Add(time.Hour))).Scan(&enrollments[i]); err != nil {
			return err
		}
	}
	if err := d.audit(unit, domain.EntityClass, classID, opened.Add(time.Hour), "", "", fmt.Sprintf("录入培训人员：%d人", len(c.trainees))); err != nil {
		return err
	}
	for _, s := range c.sessions {
		day := start.AddDate(0, 0, s.day).Format(domain.DateLayout)
		var sessionID int64
		if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO attendance_sessions (class_id, date, start_time, end_time, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, classID, day, s.start, s.end, millis(opened.Add(2*time.Hour))).Scan(&sessionID); err != nil {
			return err
		}
		for i, e := range enrollments {
			mark, ok := s.exceptions[i]
			if !ok {
				mark = domain.MarkPresent
			}
			if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO attendance_marks (session_id, enrollment_id, mark) VALUES ($1, $2, $3)`,
				sessionID, e, string(mark)); err != nil {
				return err
			}
		}
	}
	if c.status != domain.ClassClosed {
		return nil
	}
	closed := start.AddDate(0, 0, c.days).Add(2 * time.Hour)
	k, err := scanClass(d.tx.QueryRowContext(d.ctx, classSelect+` WHERE k.id = $1`, classID))
	if err != nil {
		return err
	}
	actor := unit
	actor.At = closed
	credited, _, err := creditClass(d.ctx, d.tx, actor, k)
	if err != nil {
		return err
	}
	return d.audit(unit, domain.EntityClass, classID, closed, string(domain.ClassOpen), string(domain.ClassClosed),
		fmt.Sprintf("结班，%d名合格学员记入%s学时", credited, domain.Hours(c.halfHours)))
}
