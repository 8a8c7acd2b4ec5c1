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

// cities are Guangdong's prefecture-level cities (SPEC §9).
var cities = []domain.Region{
	{Code: "440100", Name: "广州市"}, {Code: "440200", Name: "韶关市"}, {Code: "440300", Name: "深圳市"},
	{Code: "440400", Name: "珠海市"}, {Code: "440500", Name: "汕头市"}, {Code: "440600", Name: "佛山市"},
	{Code: "440700", Name: "江门市"}, {Code: "440800", Name: "湛江市"}, {Code: "440900", Name: "茂名市"},
	{Code: "441200", Name: "肇庆市"}, {Code: "441300", Name: "惠州市"}, {Code: "441400", Name: "梅州市"},
	{Code: "441500", Name: "汕尾市"}, {Code: "441600", Name: "河源市"}, {Code: "441700", Name: "阳江市"},
	{Code: "441800", Name: "清远市"}, {Code: "441900", Name: "东莞市"}, {Code: "442000", Name: "中山市"},
	{Code: "445100", Name: "潮州市"}, {Code: "445200", Name: "揭阳市"}, {Code: "445300", Name: "云浮市"},
}

// guangzhouDistricts are the county level the demo needs (SPEC §9).
var guangzhouDistricts = []domain.Region{
	{Code: "440103", Name: "荔湾区"}, {Code: "440104", Name: "越秀区"}, {Code: "440105", Name: "海珠区"},
	{Code: "440106", Name: "天河区"}, {Code: "440111", Name: "白云区"}, {Code: "440112", Name: "黄埔区"},
	{Code: "440113", Name: "番禺区"}, {Code: "440114", Name: "花都区"}, {Code: "440115", Name: "南沙区"},
	{Code: "440117", Name: "从化区"}, {Code: "440118", Name: "增城区"},
}

// seedRegions lists every region parent first, with its level filled in.
func seedRegions() []domain.Region {
	out := []domain.Region{{Code: provinceCode, Name: "广东省", Level: 1}}
	for _, c := range cities {
		out = append(out, domain.Region{Code: c.Code, Name: c.Name, ParentCode: provinceCode, Level: 2})
	}
	for _, d := range guangzhouDistricts {
		out = append(out, domain.Region{Code: d.Code, Name: d.Name, ParentCode: "440100", Level: 3})
	}
	return out
}

// authorityName is the department of region r: the province has a 厅, a
// city or district a 局, a district's name carrying its city's.
func authorityName(r domain.Region, names map[string]string) string {
	switch r.Level {
	case 1:
		return r.Name + "人力资源和社会保障厅"
	case 3:
		return names[r.ParentCode] + r.Name + "人力资源和社会保障局"
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
		names := make(map[string]string, len(regions))
		for _, r := range regions {
			names[r.Code] = r.Name
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, parent_code, level)
				VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`,
				r.Code, r.Name, nullable(r.ParentCode), r.Level); err != nil {
				return err
			}
		}
		for _, r := range regions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO authorities (name, region_code, level)
				VALUES ($1, $2, $3) ON CONFLICT (region_code) DO NOTHING`,
				authorityName(r, names), r.Code, r.Level); err != nil {
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
