package records

import (
	"testing"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// The requirement line names what each part lacks, as the certificate
// refusal counts it, and fits the module at 80×24 (58 cells wide), Chinese
// counted double: whole when it fits, the shortfall alone when not.
func TestRequirementLineNamesEachShortfall(t *testing.T) {
	const width = 58
	m := NewHours(common.New(common.Services{}, false, "")).(*Hours)
	m.SetSize(width, 17)
	for _, c := range []struct {
		public, professional, elective domain.Hours
		want                           string
	}{
		{domain.HoursOf(24), domain.HoursOf(48), 0, "2026年度要求 总90 公需30 专业42；还差 公需6 总18"},
		{domain.HoursOf(30), domain.HoursOf(42), domain.HoursOf(10), "2026年度要求 总90 公需30 专业42；还差 总8"},
		{0, 0, 0, "2026年度要求 总90 公需30 专业42；还差 公需30 专业42 总90"},
		{1, 1, 0, "2026年度还差 公需29.5 专业41.5 总89"},
		{domain.HoursOf(30), domain.HoursOf(50), domain.HoursOf(10), "2026年度要求 总90 公需30 专业42；已达标"},
	} {
		y := domain.YearHours{Year: 2026, Public: c.public, Professional: c.professional, Elective: c.elective,
			Total: c.public + c.professional + c.elective}.WithRequirement(domain.Requirement{
			Total: domain.HoursOf(90), PublicMin: domain.HoursOf(30), ProfessionalMin: domain.HoursOf(42)})
		m.answer(common.Result{To: m.id, Value: hoursLoaded{years: []domain.YearHours{y}}})
		got := m.requirementLine()
		if got != c.want || textwidth.Width(got) > width {
			t.Errorf("%+v: %q (%d cells), want %q", y, got, textwidth.Width(got), c.want)
		}
	}
}
