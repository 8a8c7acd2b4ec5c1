package store

import (
	"fmt"

	"jxjy/server/domain"
)

// demoCreditPerson is the demo-unit member with an entry in force, so the
// 失信 mark shows in the unit's person lists and beside their effective
// records (黄思琪).
const demoCreditPerson = 5

// credit seeds 失信信息, after the persons: demo-unit's entry about one of
// its persons, and the Guangzhou authority's entry about demo-unit, both
// in force today.
func (d *demo) credit() error {
	today := d.now.In(domain.ChinaTime)
	date := func(months int) string { return today.AddDate(0, months, 0).Format(domain.DateLayout) }
	var personID, unitUserID, guangzhou int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM persons WHERE id_number = $1`,
		demoPersons[demoCreditPerson].idNumber()).Scan(&personID); err != nil {
		return fmt.Errorf("demo credit: %w", err)
	}
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM users WHERE username_key = $1`,
		usernameKey(DemoUnit)).Scan(&unitUserID); err != nil {
		return fmt.Errorf("demo credit: %w", err)
	}
	guangzhou, err := d.authorityID("440100")
	if err != nil {
		return fmt.Errorf("demo credit: %w", err)
	}
	entries := []struct {
		subject                                domain.CreditSubject
		personID, recUnit, recAuthority, actor int64
		actorName                              string
		actorRole                              domain.Role
		kind, description, handling, document  string
		occurred, from, to                     string
	}{
		{subject: domain.CreditPerson, personID: personID, recUnit: d.unitID, actor: unitUserID,
			actorName: demoUnit.name, actorRole: domain.RoleUnit, kind: "fake_hours",
			description: "职称申报材料所附继续教育学时证明与系统记录不符，虚报学时12学时。",
			handling:    "退回职称申报材料，单位内部通报批评，一年内不得参加评优评先。",
			document:    "天示科人〔" + today.Format("2006") + "〕3号",
			occurred:    date(-3), from: date(-2), to: date(10)},
		{subject: domain.CreditUnit, recAuthority: guangzhou, actor: d.authorityUserID,
			actorName: "广州市人力资源和社会保障局", actorRole: domain.RoleAuthority, kind: "fake_certificate",
			description: "为3名专业技术人员出具的培训证明与施教机构记录不一致，存在虚假证明材料。",
			handling:    "责令限期整改，暂停专业课计划申报资格六个月。",
			document:    "穗人社信〔" + today.Format("2006") + "〕12号",
			occurred:    date(-2), from: date(-1), to: date(11)},
	}
	for _, e := range entries {
		at := d.now.AddDate(0, -1, 0)
		var id int64
		if err := d.tx.QueryRowContext(d.ctx, `INSERT INTO credit_records (subject_type, person_id, unit_id,
			recorded_by_unit_id, recorded_by_authority_id, type, description, occurred_date, handling,
			valid_from, valid_to, document_number, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			string(e.subject), nullable(e.personID), d.unitID, nullable(e.recUnit), nullable(e.recAuthority),
			e.kind, e.description, e.occurred, e.handling, e.from, e.to, e.document, e.actor, millis(at)).Scan(&id); err != nil {
			return fmt.Errorf("demo credit: %w", err)
		}
		if err := insertAudit(d.ctx, d.tx, domain.AuditEntry{EntityType: domain.EntityCredit, EntityID: id,
			ActorUserID: e.actor, ActorName: e.actorName, ActorRole: e.actorRole, At: at, Comment: "录入失信信息"}); err != nil {
			return err
		}
	}
	return nil
}
