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

func thisYear() int { return time.Now().In(domain.ChinaTime).Year() }

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
