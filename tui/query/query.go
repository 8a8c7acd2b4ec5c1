// Package query is 查询统计: a unit's 专业课计划查询 and
// 继续教育培训记录查询 (with 导出 to .xlsx and the unit's 统计 summary), and
// an authority's 统计 of its region. Each module is a stack of screens
// closed with esc.
package query

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// Module keys, as domain.MenuFor names them.
const (
	ModulePlans   = "query.plan"
	ModuleRecords = "query.record"
	ModuleStats   = "authority.stats"
)

// Keys of screens without text fields, where letters are commands.
var (
	keyView   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "查看"))
	keyFilter = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "查询条件"))
	keyExport = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "导出"))
	keyStats  = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "统计"))
	keyPrevY  = key.NewBinding(key.WithKeys("["), key.WithHelp("[", "上一年"))
	keyNextY  = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "下一年"))
)

// NewPlans builds 专业课计划查询.
func NewPlans(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newPlanList(s) })
}

// NewRecords builds 继续教育培训记录查询.
func NewRecords(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newRecordList(s) })
}

// NewStats builds the authority's 统计.
func NewStats(c *common.Common) common.Component {
	return pane.NewStack(c, func(s *pane.Stack) common.Component { return newStatsView(s) })
}

// chinaZone is the calendar of dates shown (China has no DST).
var chinaZone = time.FixedZone("CST", 8*60*60)

func thisYear() int { return time.Now().In(chinaZone).Year() }

// labelled lays label：value rows out with the labels aligned and long
// values wrapped under themselves.
func labelled(c *common.Common, rows [][2]string, w int) []string {
	st := c.Styles
	lw := 0
	for _, r := range rows {
		lw = max(lw, textwidth.Width(r[0]))
	}
	room := max(w-lw-2, 6)
	var out []string
	for _, r := range rows {
		lines := wrap(r[1], room)
		if r[1] == "" {
			lines = []string{st.Muted.Render("（无）")}
		}
		for i, line := range lines {
			prefix := strings.Repeat(" ", lw+2)
			if i == 0 {
				prefix = st.Label.Render(textwidth.PadLeft(r[0], lw) + "：")
			}
			out = append(out, prefix+line)
		}
	}
	return out
}

// wrap cuts plain text into lines of at most w cells, by characters
// (Chinese has no spaces to break at).
func wrap(text string, w int) []string {
	var lines []string
	var b strings.Builder
	used := 0
	for _, r := range text {
		rw := textwidth.Width(string(r))
		if used+rw > w && used > 0 {
			lines = append(lines, b.String())
			b.Reset()
			used = 0
		}
		b.WriteRune(r)
		used += rw
	}
	return append(lines, b.String())
}

// scroller shows a window of lines that up, down, pgup and pgdn move.
type scroller struct {
	offset int
}

// window is h lines from the offset, the offset kept in range.
func (s *scroller) window(lines []string, h int) string {
	s.offset = max(min(s.offset, len(lines)-h), 0)
	return strings.Join(lines[s.offset:min(s.offset+h, len(lines))], "\n")
}

// key moves the window; it reports whether k was a scrolling key.
func (s *scroller) key(k string, page int) bool {
	switch k {
	case "up", "k":
		s.offset = max(s.offset-1, 0)
	case "down", "j":
		s.offset++
	case "pgup":
		s.offset = max(s.offset-page, 0)
	case "pgdown", " ":
		s.offset += page
	case "home":
		s.offset = 0
	default:
		return false
	}
	return true
}

// sourceLabel names a source filter, "" being every source.
func sourceLabel(s domain.RecordSource) string {
	if s == "" {
		return "全部"
	}
	return s.Label()
}
