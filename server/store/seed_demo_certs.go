package store

import (
	"fmt"
	"time"

	"jxjy/server/domain"
)

// demoCertified are demo-unit's persons (indexes into demoPersons) who meet
// last year's requirement: the first two hold certificates (the second a
// regenerated one, its first number voided), the third is ready for 打印.
var demoCertified = []int{0, 2, 1}

// demoTopUp is the batch-imported training that brings a certified demo
// person up to last year's requirement: the hours lacking in each part,
// as one record per part.
var demoTopUp = []struct {
	category, form, title, organizer string
	month                            time.Month
	day                              int
}{
	{domain.CategoryPublic, "online", "专业技术人员公需科目网络学习", "广东省专业技术人员继续教育网", time.March, 3},
	{domain.CategoryProfessional, "training", "行业新技术专题研修班", "广东省继续教育学院", time.May, 12},
	{domain.CategoryElective, "lecture", "专业技术人员综合素养选修课程", "广东省继续教育学院", time.September, 8},
}

// certificates gives demoCertified enough hours of last year and issues
// the first two their certificates, after the records step.
func (d *demo) certificates() error {
	year := d.now.In(domain.ChinaTime).Year() - 1
	var unitUserID int64
	if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM users WHERE username_key = $1`, usernameKey(DemoUnit)).Scan(&unitUserID); err != nil {
		return err
	}
	unit := domain.AuditEntry{ActorUserID: unitUserID, ActorName: demoUnit.name, ActorRole: domain.RoleUnit}
	_, region, _, err := issuingUnit(d.ctx, d.tx, d.unitID)
	if err != nil {
		return err
	}
	for i, idx := range demoCertified {
		cp := certPerson{name: demoPersons[idx].name, idNumber: demoPersons[idx].idNumber()}
		if err := d.tx.QueryRowContext(d.ctx, `SELECT id FROM persons WHERE id_number = $1`, cp.idNumber).Scan(&cp.id); err != nil {
			return err
		}
		if err := d.topUp(cp.id, year, unit); err != nil {
			return fmt.Errorf("demo hours of %s: %w", cp.name, err)
		}
		if i >= 2 {
			continue
		}
		issuer := unit
		issuer.At = d.now.AddDate(0, 0, -20+i)
		c, err := issueCertificate(d.ctx, d.tx, issuer, d.unitID, cp, year, region, "打印证书")
		if err != nil {
			return fmt.Errorf("demo certificate of %s: %w", cp.name, err)
		}
		if i == 1 {
			issuer.At = d.now.AddDate(0, 0, -5)
			if _, err := reissue(d.ctx, d.tx, issuer, d.unitID, c, "证书打印时纸张卡纸损坏，作废重打", region); err != nil {
				return err
			}
		}
	}
	return nil
}

// topUp adds, per part of the requirement, one effective imported record
// of year with the hours the person still lacks, whatever the records
// step gave them.
func (d *demo) topUp(personID int64, year int, unit domain.AuditEntry) error {
	req, err := yearRequirement(d.ctx, d.tx, year)
	if err != nil {
		return err
	}
	hours, err := yearHours(d.ctx, d.tx, personID, year)
	if err != nil {
		return err
	}
	hours = hours.WithRequirement(req)
	lacking := map[string]domain.Hours{
		domain.CategoryPublic:       max(req.PublicMin-hours.Public, 0),
		domain.CategoryProfessional: max(req.ProfessionalMin-hours.Professional, 0),
	}
	lacking[domain.CategoryElective] = max(req.Total-hours.Total-lacking[domain.CategoryPublic]-lacking[domain.CategoryProfessional], 0)
	for _, t := range demoTopUp {
		h := lacking[t.category]
		if h == 0 {
			continue
		}
		// Long enough for the daily cap, and in the year.
		days := int((h+req.DailyCap-1)/req.DailyCap) + 1
		start := time.Date(year, t.month, t.day, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(0, 0, days-1)
		at := end.AddDate(0, 0, 3)
		id, err := insertRecord(d.ctx, d.tx, at, newRecord{
			PersonID: personID, UnitID: d.unitID, Category: t.category, Form: t.form,
			Title: fmt.Sprintf("%d年度%s", year, t.title), Organizer: t.organizer,
			StartDate: start.Format(domain.DateLayout), EndDate: end.Format(domain.DateLayout),
			Hours: h, Source: domain.SourceImport, Status: domain.RecordEffective, CreatedBy: unit.ActorUserID,
		})
		if err != nil {
			return err
		}
		e := unit
		e.EntityType, e.EntityID, e.At = domain.EntityRecord, id, at
		e.To, e.Comment = string(domain.RecordEffective), "继续教育记录批量申报入库"
		if err := insertAudit(d.ctx, d.tx, e); err != nil {
			return err
		}
	}
	return nil
}
