package common

import (
	"strings"

	"jxjy/server/domain"
	"jxjy/tui/form"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// RegionPicker is the filterable region picker of every screen that picks
// a region (角色申请, 创建主管部门账号). An option reads "佛山市禅城区
// 440604", so typing part of a county's name, its code or its city's name
// finds it. With a note set, the line under the choice says something
// about the chosen region (the competent authority, on the unit's form),
// wrapped to the picker's width so it is read whole.
type RegionPicker struct {
	*form.Picker
	st    *styles.Styles
	ref   domain.Reference
	note  func(ref domain.Reference, code string) string
	width int
}

// NewRegionPicker makes a picker showing rows matches at a time; it offers
// nothing until SetReference.
func NewRegionPicker(c *Common, rows int) *RegionPicker {
	return &RegionPicker{Picker: form.NewPicker(c.Styles, c.Keys, rows, "地区加载中"+c.Styles.Ellipsis), st: c.Styles}
}

// SetNote sets what the line under the choice says about the chosen
// region; "" leaves the line out.
func (p *RegionPicker) SetNote(note func(ref domain.Reference, code string) string) { p.note = note }

// SetReference offers the regions of ref from level minLevel down (1 the
// province, 2 cities, 3 counties), after the lead options.
func (p *RegionPicker) SetReference(ref domain.Reference, minLevel int, lead ...form.Option) {
	p.ref = ref
	opts := append([]form.Option{}, lead...)
	for _, r := range ref.Regions {
		if r.Level >= minLevel {
			opts = append(opts, form.Option{Value: r.Code, Label: RegionLabel(ref, r.Code) + " " + r.Code})
		}
	}
	p.SetOptions(opts)
}

// SetWidth sets the room for the picker and its note.
func (p *RegionPicker) SetWidth(w int) {
	p.width = w
	p.Picker.SetWidth(w)
}

// View is the picker with the note under its first line.
func (p *RegionPicker) View() string {
	v := p.Picker.View()
	if p.note == nil {
		return v
	}
	note := p.note(p.ref, p.Value())
	if note == "" {
		return v
	}
	first, rest, _ := strings.Cut(v, "\n")
	lines := []string{first}
	for _, l := range textwidth.Wrap(note, max(p.width, 1)) {
		lines = append(lines, p.st.Muted.Render(l))
	}
	if rest != "" {
		lines = append(lines, rest)
	}
	return strings.Join(lines, "\n")
}

// RegionLabel names a region with its city ("佛山市禅城区"), "" when ref
// does not know code.
func RegionLabel(ref domain.Reference, code string) string {
	var r, parent domain.Region
	for _, x := range ref.Regions {
		if x.Code == code {
			r = x
		}
	}
	if r.Code == "" {
		return ""
	}
	if r.Level != 3 {
		return r.Name
	}
	for _, x := range ref.Regions {
		if x.Code == r.ParentCode {
			parent = x
		}
	}
	return parent.Name + r.Name
}

// CompetentAuthorityNote names the authority a unit of region code would
// answer to (domain.CompetentAuthority), for the unit's form.
func CompetentAuthorityNote(ref domain.Reference, code string) string {
	if code == "" {
		return ""
	}
	if a, ok := domain.CompetentAuthority(ref.Authorities, code); ok {
		return "主管部门：" + a.Name
	}
	return ""
}
