package store

import (
	"context"
	"database/sql"

	"jxjy/server/domain"
)

// Reference data is seeded at every Open, each row only if missing: a new
// release adds its new rows to existing databases, and an administrator's
// edits to seeded rows survive restarts. A deleted seeded row comes back at
// the next start, so retiring one takes a flag, not a delete (records keep
// referring to it anyway).

const provinceCode = "440000"

// seedRegions lists every region parent first: the province, its cities
// and their county-level divisions (regions_gd.go, generated from a named
// edition of the national codes). A release with a newer edition adds the
// new codes; existing rows are never renumbered or deleted, since units
// and certificates keep referring to them.
func seedRegions() []domain.Region {
	out := []domain.Region{{Code: provinceCode, Name: "广东省", Level: 1}}
	out = append(out, gdCities...)
	return append(out, gdCounties...)
}

// authorityName is the department of region r: the province has a 厅, a
// city or county a 局, a county's name carrying its city's.
func authorityName(r domain.Region, cityName string) string {
	switch r.Level {
	case 1:
		return r.Name + "人力资源和社会保障厅"
	case 3:
		return cityName + r.Name + "人力资源和社会保障局"
	}
	return r.Name + "人力资源和社会保障局"
}

type seedDict struct {
	kind  string
	items []domain.DictItem
}

var seedDicts = []seedDict{
	{domain.DictUnitType, []domain.DictItem{
		{Code: "enterprise", Label: "企业"}, {Code: "public_institution", Label: "事业单位"},
		{Code: "government", Label: "机关"}, {Code: "social_organization", Label: "社会团体"},
		{Code: "other", Label: "其他"},
	}},
	{domain.DictCategory, []domain.DictItem{
		{Code: "public", Label: "公需科目"}, {Code: "professional", Label: "专业科目"},
		{Code: "elective", Label: "选修科目"},
	}},
	{domain.DictForm, []domain.DictItem{
		{Code: "training", Label: "培训/研修/进修"}, {Code: "conference", Label: "学术会议"},
		{Code: "lecture", Label: "学术讲座"}, {Code: "online", Label: "网络学习"},
		{Code: "practice", Label: "实践活动"}, {Code: "other", Label: "其他"},
	}},
	{domain.DictTitleLevel, []domain.DictItem{
		{Code: "junior", Label: "初级"}, {Code: "intermediate", Label: "中级"},
		{Code: "associate_senior", Label: "副高级"}, {Code: "senior", Label: "正高级"},
	}},
	{domain.DictDishonestyType, []domain.DictItem{
		{Code: "fake_hours", Label: "学时造假"}, {Code: "fake_certificate", Label: "证书造假"},
		{Code: "exam_cheating", Label: "考试作弊"}, {Code: "other", Label: "其他"},
	}},
	{domain.DictEducation, []domain.DictItem{
		{Code: "postgraduate", Label: "研究生"}, {Code: "bachelor", Label: "大学本科"},
		{Code: "college", Label: "大学专科"}, {Code: "secondary_vocational", Label: "中专"},
		{Code: "high_school_or_below", Label: "高中及以下"},
	}},
}

// Default yearly requirement (SPEC §5.7), in half-hours.
const (
	defaultTotalHalfHours        = 90 * 2
	defaultPublicMinHalfHours    = 30 * 2
	defaultProfessionalHalfHours = 42 * 2
	defaultDailyCapHalfHours     = 8 * 2
)

func (db *DB) seedReference(ctx context.Context) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		regions := seedRegions()
		for _, r := range regions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, parent_code, level)
				VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`,
				r.Code, r.Name, nullable(r.ParentCode), r.Level); err != nil {
				return err
			}
		}
		// The province and each city have their authority from the start;
		// a county gets its own when an administrator creates its first
		// account (ensureAuthority), until then its city's is competent.
		for _, r := range regions[:1+len(gdCities)] {
			if _, err := tx.ExecContext(ctx, `INSERT INTO authorities (name, region_code, level)
				VALUES ($1, $2, $3) ON CONFLICT (region_code) DO NOTHING`,
				authorityName(r, ""), r.Code, r.Level); err != nil {
				return err
			}
		}
		for _, d := range seedDicts {
			for i, it := range d.items {
				// No conflict target: a label an administrator has given
				// another item keeps this one out too, rather than failing
				// the start.
				if _, err := tx.ExecContext(ctx, `INSERT INTO dict_items (kind, code, label, sort)
					VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
					d.kind, it.Code, it.Label, i+1); err != nil {
					return err
				}
			}
		}
		// The current year and the two before: certificates are printed for
		// past years too.
		year := db.now().In(domain.ChinaTime).Year()
		for y := year - 2; y <= year; y++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO requirements
				(year, total_half_hours, public_min_half_hours, professional_min_half_hours, daily_cap_half_hours)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO NOTHING`,
				y, defaultTotalHalfHours, defaultPublicMinHalfHours, defaultProfessionalHalfHours, defaultDailyCapHalfHours); err != nil {
				return err
			}
		}
		return nil
	})
}
