// Package application holds the unit-onboarding screens: 法人单位角色申请
// (the unit's application), 法人单位信息维护 (its details once approved)
// and the authority's 单位角色审核.
package application

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleApply  = domain.ModuleRoleApplication
	ModuleInfo   = "unit.info"
	ModuleReview = "authority.unitreview"
)

// section is one panel of an application's screen.
type section int

const (
	sectionDetails section = iota
	sectionFiles
	sectionHistory
	sectionCount
)

// cycle moves cur to the next (or, with back, previous) section.
func (s section) cycle(back bool) section {
	if back {
		return (s + sectionCount - 1) % sectionCount
	}
	return (s + 1) % sectionCount
}

// tabs is the line naming the sections, the current one marked.
func tabs(c *common.Common, first string, cur section, files int, w int) string {
	st := c.Styles
	names := []string{first, "附件(" + strconv.Itoa(files) + ")", "历史"}
	parts := make([]string, len(names))
	for i, n := range names {
		if section(i) == cur {
			parts[i] = st.Selected.Render(" " + n + " ")
		} else {
			parts[i] = st.Muted.Render(" " + n + " ")
		}
	}
	line := strings.Join(parts, " ")
	hint := st.Muted.Render(" " + c.Keys.NextSection.Help().Key + " 切换")
	if textwidth.Width(line+hint) <= w {
		line += hint
	}
	return line
}

// detail is one label and value of a read-only view.
type detail struct{ label, value string }

// detailLines lays details out with right-aligned labels and values
// wrapped under themselves.
func detailLines(c *common.Common, details []detail, w int) []string {
	st := c.Styles
	lw := 0
	for _, d := range details {
		lw = max(lw, textwidth.Width(d.label))
	}
	// The label column is the longest label and its full-width colon.
	room := max(w-lw-2, 6)
	wrap := lipgloss.NewStyle().Width(room)
	var out []string
	for _, d := range details {
		value := d.value
		if value == "" {
			value = st.Muted.Render("（未填写）")
		}
		for i, l := range strings.Split(wrap.Render(value), "\n") {
			prefix := strings.Repeat(" ", lw+2)
			if i == 0 {
				prefix = st.Label.Render(textwidth.PadLeft(d.label, lw) + "：")
			}
			out = append(out, prefix+strings.TrimRight(l, " "))
		}
	}
	return out
}

// applicationDetails is every field of an application, for reading.
func applicationDetails(a domain.UnitApplication, ref domain.Reference) []detail {
	region := a.RegionName
	if full := common.RegionLabel(ref, a.RegionCode); full != "" {
		region = full
	}
	return []detail{
		{"单位名称", a.Name}, {"统一社会信用代码", a.USCC}, {"单位类型", common.DictLabel(ref, domain.DictUnitType, a.UnitType)},
		{"所属地区", region}, {"主管部门", a.AuthorityName}, {"法定代表人", a.LegalRep},
		{"联系人", a.ContactPerson}, {"办公电话", a.OfficePhone}, {"移动电话", a.Mobile},
		{"电子邮箱", a.Email}, {"邮政编码", a.PostalCode}, {"单位通讯地址", a.Address}, {"职能简介", a.Summary},
	}
}

// scrolled is lines from offset, h of them, offset kept in range.
func scrolled(lines []string, offset *int, h int) string {
	*offset = max(min(*offset, len(lines)-h), 0)
	end := min(*offset+h, len(lines))
	return strings.Join(lines[*offset:end], "\n")
}
