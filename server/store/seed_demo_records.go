package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"jxjy/server/domain"
)

// demoRecord is one continuing-education record of demo-unit's persons,
// dated relative to the day the demo is seeded: it ends endDaysAgo days
// before and lasts days days. comment is the unit's review, if any.
type demoRecord struct {
	person         int // index into demoPersons
	source         domain.RecordSource
	status         domain.RecordStatus
	category, form string
	title          string
	organizer      string
	endDaysAgo     int
	days           int
	halfHours      int
	comment        string
}

// demoRecords cover every source but classes (a closing class credits its
// trainees itself) in every state its workflow reaches. The demo person
// (陈志明, index 0) has one of each of their own, so 学时申报 and 我的学时
// show everything; the institution has three awaiting review for 批量审核.
var demoRecords = []demoRecord{
	{0, domain.SourceUnit, domain.RecordEffective, "professional", "training", "人工智能技术应用与发展研修班", "广东省人工智能产业协会", 40, 3, 48, ""},
	{0, domain.SourceImport, domain.RecordEffective, "public", "online", "专业技术人员职业道德与诚信建设", "广东省专业技术人员继续教育网", 60, 4, 24, ""},
	{0, domain.SourcePerson, domain.RecordEffective, "professional", "conference", "粤港澳大湾区大数据技术研讨会", "广东省计算机学会", 30, 2, 16, ""},
	{0, domain.SourcePerson, domain.RecordSubmitted, "elective", "lecture", "网络与信息安全实务讲座", "广州市网络安全协会", 12, 1, 8, ""},
	{0, domain.SourcePerson, domain.RecordReturned, "professional", "online", "云计算架构与运维在线课程", "华南理工大学继续教育学院", 20, 5, 32, "请上传课程结业证明后重新送审"},
	{0, domain.SourcePerson, domain.RecordRejected, "public", "conference", "广州软件行业年度发展大会", "广州市软件行业协会", 50, 1, 16, "年会不属于继续教育学时认定范围"},
	{0, domain.SourcePerson, domain.RecordDraft, "professional", "training", "软件工程质量管理研修", "广东省软件行业协会", 8, 2, 24, ""},
	{0, domain.SourceInstitution, domain.RecordEffective, "public", "training", "习近平新时代中国特色社会主义思想专题培训", "广东省继续教育学院", 90, 2, 24, ""},

	{1, domain.SourceUnit, domain.RecordEffective, "professional", "training", "软件测试技术提升培训", "广州市天河区示范科技有限公司", 45, 2, 32, ""},
	{1, domain.SourceUnit, domain.RecordDraft, "elective", "lecture", "前端工程化实践讲座", "广州市天河区示范科技有限公司", 5, 1, 6, ""},
	{2, domain.SourceUnit, domain.RecordEffective, "public", "online", "数字经济与产业转型专题", "广东省专业技术人员继续教育网", 70, 3, 30, ""},
	{3, domain.SourceUnit, domain.RecordDraft, "professional", "training", "政府会计准则与实务培训", "广州市财会培训中心", 6, 2, 32, ""},
	{4, domain.SourceImport, domain.RecordEffective, "professional", "practice", "5G网络规划实践项目", "广州市天河区示范科技有限公司", 100, 10, 80, ""},
	{5, domain.SourceImport, domain.RecordEffective, "public", "online", "专业技术人员职业道德与诚信建设", "广东省专业技术人员继续教育网", 60, 4, 24, ""},

	{1, domain.SourceInstitution, domain.RecordSubmitted, "public", "training", "专业技术人员创新能力建设", "广东省继续教育学院", 15, 2, 24, ""},
	{2, domain.SourceInstitution, domain.RecordSubmitted, "professional", "training", "智能制造与工业互联网高级研修班", "广东省继续教育学院", 14, 3, 40, ""},
	{6, domain.SourceInstitution, domain.RecordSubmitted, "professional", "online", "网络安全等级保护2.0实务", "广东省继续教育学院", 13, 2, 24, ""},
	{7, domain.SourceInstitution, domain.RecordReturned, "elective", "lecture", "人力资源数字化管理讲座", "广东省继续教育学院", 25, 1, 6, "学员身份证号对应单位有误，请核实后重新提交"},
	{8, domain.SourceInstitution, domain.RecordDraft, "professional", "training", "工程项目管理实务培训", "广东省继续教育学院", 4, 2, 24, ""},
	{9, domain.SourcePerson, domain.RecordSubmitted, "professional", "online", "计算机应用技术在线提升课程", "中国大学MOOC", 10, 6, 40, ""},
}

// demoRecordFiles attaches a scan to some demo records, by title.
var demoRecordFiles = map[string]string{
	"人工智能技术应用与发展研修班": "结业证书.pdf",
	"网络与信息安全实务讲座":    "讲座签到表.pdf",
	"专业技术人员创新能力建设":   "培训学员名单.pdf",
	"前端工程化实践讲座":      "讲座通知.pdf",
}

// records seeds demoRecords with their histories, after the persons.
func (d *demo) records() error {
	actors := map[domain.RecordSource]domain.AuditEntry{}
	var institutionID int64
	for _, a := range []struct {
		username string
		source   domain.RecordSource
		role     domain.Role
		name     string
	}{
		{DemoUnit, domain.SourceUnit, domain.RoleUnit, demoUnit.name},
		{DemoPerson, domain.SourcePerson, domain.RolePerson, demoPersons[0].name},
		{DemoInstitution, domain.SourceInstitution, domain.RoleInstitution, "广东省继续教育学院"},
	} {
		var userID, instID int64
		if err := d.tx.QueryRowContext(d.ctx, `SELECT id, COALESCE(institution_id, 0) FROM users WHERE username_key = $1`,
			usernameKey(a.username)).Scan(&userID, &instID); err != nil {
			return fmt.Errorf("demo records: %s: %w", a.username, err)
		}
		if a.source == domain.SourceInstitution {
			institutionID = instID
		}
		actors[a.source] = domain.AuditEntry{ActorUserID: userID, ActorName: a.name, ActorRole: a.role}
	}
	actors[domain.SourceImport] = actors[domain.SourceUnit]
	today := d.now.In(domain.ChinaTime)
	for _, r := range demoRecords {
		if err := d.record(r, today, actors, institutionID); err != nil {
			return fmt.Errorf("demo record %s: %w", r.title, err)
		}
	}
	return nil
}

func (d *demo) record(r demoRecord, today time.Time, actors map[domain.RecordSource]domain.AuditEntry, institutionID int64) error {
	var personID int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM persons WHERE id_number = $1`,
		demoPersons[r.person].idNumber()).Scan(&personID); err != nil {
		return err
	}
	end := today.AddDate(0, 0, -r.endDaysAgo)
	start := end.AddDate(0, 0, 1-r.days)
	declarer := actors[r.source]
	// The history runs from the day after the training, an hour a step,
	// so every entry lies in the past.
	at := d.now.AddDate(0, 0, 1-r.endDaysAgo)
	created := r.status
	if r.source.Reviewed() || r.source == domain.SourceUnit {
		created = domain.RecordDraft
	}
	nr := newRecord{
		PersonID: personID, UnitID: d.unitID, Category: r.category, Form: r.form, Title: r.title,
		Organizer: r.organizer, StartDate: start.Format(domain.DateLayout), EndDate: end.Format(domain.DateLayout),
		Hours: domain.Hours(r.halfHours), Source: r.source, Status: created, CreatedBy: declarer.ActorUserID,
	}
	if r.source == domain.SourceInstitution {
		nr.InstitutionID = institutionID
	}
	id, err := insertRecord(d.ctx, d.tx, at, nr)
	if err != nil {
		return err
	}
	first := declarer
	first.To, first.Comment = string(created), "新增记录"
	if r.source == domain.SourceImport {
		first.Comment = "继续教育记录批量申报入库"
	}
	trail := []domain.AuditEntry{first}
	if file, ok := demoRecordFiles[r.title]; ok {
		pdf := demoPDF(r.title + " (demo)")
		sum := sha256.Sum256(pdf)
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO attachments
			(owner_type, owner_id, name, content_type, size, sha256, content, uploaded_by, uploader_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			domain.EntityRecord, id, file, "application/pdf", len(pdf), hex.EncodeToString(sum[:]), pdf,
			declarer.ActorUserID, declarer.ActorName, millis(at)); err != nil {
			return err
		}
		e := declarer
		e.Comment = "上传附件 " + file
		trail = append(trail, e)
	}
	unit := actors[domain.SourceUnit]
	switch {
	case r.source == domain.SourceUnit && r.status == domain.RecordEffective:
		e := unit
		e.From, e.To, e.Comment = string(domain.RecordDraft), string(domain.RecordEffective), "确认"
		trail = append(trail, e)
	case r.source.Reviewed() && r.status != domain.RecordDraft:
		e := declarer
		e.From, e.To, e.Comment = string(domain.RecordDraft), string(domain.RecordSubmitted), "送审"
		trail = append(trail, e)
		if r.status != domain.RecordSubmitted {
			decision := map[domain.RecordStatus]domain.RecordDecision{
				domain.RecordEffective: domain.RecordApprove, domain.RecordRejected: domain.RecordReject,
				domain.RecordReturned: domain.RecordReturn,
			}[r.status]
			e := unit
			e.From, e.To, e.Comment = string(domain.RecordSubmitted), string(r.status), decision.Label()
			if r.comment != "" {
				e.Comment += "：" + r.comment
			}
			trail = append(trail, e)
		}
	}
	for i := range trail {
		trail[i].EntityType, trail[i].EntityID, trail[i].At = domain.EntityRecord, id, at.Add(time.Duration(i)*time.Hour)
		if err := insertAudit(d.ctx, d.tx, trail[i]); err != nil {
			return err
		}
	}
	if r.status == created {
		return nil
	}
	last, version := millis(trail[len(trail)-1].At), 0
	for _, e := range trail {
		if e.To != "" {
			version++
		}
	}
	var effectiveAt, reviewedBy, reviewedAt any
	if r.status == domain.RecordEffective {
		effectiveAt = last
	}
	if r.source.Reviewed() && r.status != domain.RecordSubmitted {
		reviewedBy, reviewedAt = unit.ActorUserID, last
	}
	_, err = d.tx.ExecContext(d.ctx, `UPDATE records SET status = $1, review_comment = $2, reviewed_by = $3,
		reviewed_at = $4, effective_at = $5, version = $6, updated_at = $7 WHERE id = $8`,
		string(r.status), r.comment, reviewedBy, reviewedAt, effectiveAt, version, last, id)
	return err
}
