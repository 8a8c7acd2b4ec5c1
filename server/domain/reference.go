package domain

import "context"

// Region is an administrative division (GB/T 2260); Level 1 province,
// 2 prefecture city, 3 county or district.
type Region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	Level      int    `json:"level"`
}

// Authority is an HR & social-security department; its scope is its region
// and every region below it.
type Authority struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	Level      int    `json:"level"`
}

// DictItem is one entry of a dictionary (unit types, categories, ...).
// A disabled item still names what old data refers to, but new data should
// not choose it.
type DictItem struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Disabled bool   `json:"disabled,omitempty"`
}

// Dictionary kinds seeded by the server; later modules add their own.
const (
	DictUnitType       = "unit_type"       // 企业/事业单位/机关/社会团体/其他
	DictCategory       = "category"        // 公需科目/专业科目/选修科目
	DictForm           = "form"            // 培训/研修/进修 ...
	DictTitleLevel     = "title_level"     // 初级/中级/副高级/正高级
	DictDishonestyType = "dishonesty_type" // 学时造假/证书造假/考试作弊/其他
	DictEducation      = "education"
)

// Reference is the read-only reference data every screen may need; it is
// public (the registration screen needs it before login) and small.
type Reference struct {
	Regions      []Region              `json:"regions"`
	Authorities  []Authority           `json:"authorities"`
	Dictionaries map[string][]DictItem `json:"dictionaries"`
}

// InScope reports whether region code lies within scope code, comparing
// GB/T 2260 prefixes: 440000 ⊃ 440100 ⊃ 440106.
func InScope(scope, code string) bool {
	if len(scope) != 6 || len(code) != 6 {
		return false
	}
	switch {
	case scope[2:] == "0000":
		return code[:2] == scope[:2]
	case scope[4:] == "00":
		return code[:4] == scope[:4]
	}
	return code == scope
}

// RegionChain is code and the regions above it, nearest first:
// 440604 → 440604, 440600, 440000. A malformed code has no chain.
func RegionChain(code string) []string {
	if len(code) != 6 {
		return nil
	}
	var out []string
	for _, c := range []string{code, code[:4] + "00", code[:2] + "0000"} {
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return out
}

// CompetentAuthority is the authority a unit of region code answers to:
// the nearest one up the tree that exists (the county's, else the
// city's, else the province's).
func CompetentAuthority(authorities []Authority, code string) (Authority, bool) {
	for _, c := range RegionChain(code) {
		for _, a := range authorities {
			if a.RegionCode == c {
				return a, true
			}
		}
	}
	return Authority{}, false
}

// ReferenceService serves reference data.
type ReferenceService interface {
	// Reference returns regions, authorities and dictionaries. Errors: none
	// beyond unavailable.
	Reference(ctx context.Context) (Reference, error)
}
