package query

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/chart"
	"jxjy/tui/common"
	"jxjy/tui/export"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// statsView is 统计: one year's figures for the caller's scope (a unit's
// own persons, or an authority's region) as numbers and bar charts —
// persons meeting the requirement, hours by category, by month and, for
// authorities, by city or district — scrolled with the arrows; [ and ]
// change the year, x exports the same figures to .xlsx.
type statsView struct {
	c       *common.Common
	id      common.ScreenID
	year    int
	stats   domain.Stats
	loaded  bool
	seq     int
	scroll  scroller
	outcome pane.Outcome
	width   int
	height  int
}

type statsLoaded struct {
	seq   int
	stats domain.Stats
}

type statsSaved struct{ path string }

func newStatsView(st *pane.Stack) *statsView {
	c := st.C()
	return &statsView{c: c, id: c.NewID(), year: thisYear()}
}

func (v *statsView) Init() tea.Cmd { return v.load() }

func (v *statsView) load() tea.Cmd {
	v.seq++
	seq, year, svc := v.seq, v.year, v.c.Services.Queries
	v.outcome.Start()
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		s, err := svc.Statistics(ctx, year)
		return statsLoaded{seq, s}, err
	})
}

func (v *statsView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.key(msg)
	case common.Result:
		if msg.To != v.id {
			return nil
		}
		switch val := msg.Value.(type) {
		case statsLoaded:
			if val.seq != v.seq {
				return nil
			}
			if msg.Err != nil {
				v.outcome.Failed(msg.Err)
				return nil
			}
			v.stats, v.loaded = val.stats, true
			v.outcome.Clear()
		case statsSaved:
			if msg.Err != nil {
				v.outcome = pane.Outcome{Failure: "导出失败：" + common.ErrorText(msg.Err)}
				return nil
			}
			v.outcome.Done(v.c.Files.SavedMessage(val.path))
		}
	}
	return nil
}

func (v *statsView) key(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, keyPrevY):
		v.year--
		return v.load()
	case key.Matches(k, keyNextY):
		v.year++
		return v.load()
	case key.Matches(k, v.c.Keys.Reload):
		return v.load()
	case key.Matches(k, keyExport) && v.loaded && !v.outcome.Busy:
		return v.save()
	}
	v.scroll.key(k.String(), max(v.height-2, 1))
	return nil
}

// save writes the figures shown to a workbook among the operator's files.
func (v *statsView) save() tea.Cmd {
	st, files := v.stats, v.c.Files
	v.outcome.Start()
	name := "统计_" + st.ScopeName + "_" + strconv.Itoa(st.Year) + ".xlsx"
	return common.Call(v.id, func(context.Context) (any, error) {
		out, path, err := files.Create(name)
		if err != nil {
			return statsSaved{}, err
		}
		err = export.WriteStats(out, st)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		return statsSaved{path}, err
	})
}

// percent writes part of whole as 12.5%.
func percent(part, whole int) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.1f%%", float64(part)*100/float64(whole))
}

// hoursBars are items as bars of their hours.
func hoursBars(items []domain.StatItem, persons bool) []chart.Bar {
	out := make([]chart.Bar, len(items))
	for i, it := range items {
		text := it.Hours.String()
		if persons {
			text += " / " + strconv.Itoa(it.Persons) + "人"
		}
		out[i] = chart.Bar{Label: it.Label, Value: float64(it.Hours), Text: text}
	}
	return out
}

// lines is the whole report; the screen shows a window of it.
func (v *statsView) lines() []string {
	st, s, w := v.c.Styles, v.stats, v.width
	line := func(text string) string { return textwidth.Truncate(text, w, st.Ellipsis) }
	heading := func(text string) []string { return []string{"", st.Heading.Render(line("【" + text + "】"))} }
	title := st.Heading.Render(line(s.ScopeName))
	if !s.ComputedAt.IsZero() {
		// The server reuses an authority's figures for a short while, so
		// the operator sees how fresh they are.
		at := "  统计于 " + s.ComputedAt.In(domain.ChinaTime).Format("01-02 15:04:05")
		title += st.Muted.Render(textwidth.Truncate(at, max(w-textwidth.Width(title), 0), st.Ellipsis))
	}
	out := []string{
		title,
		line(fmt.Sprintf("单位 %d  人员 %d  有效记录 %d  学时 %s", s.Units, s.Persons, s.Records, s.Hours)),
		st.Muted.Render(line(fmt.Sprintf("年度要求：总学时不少于%s，公需不少于%s，专业不少于%s", s.RequiredTotal, s.RequiredPublic, s.RequiredProfessional))),
	}
	out = append(out, heading("达标情况（人）")...)
	out = append(out, chart.Bars(st, []chart.Bar{
		{Label: "已达标", Value: float64(s.Met), Text: fmt.Sprintf("%d  %s", s.Met, percent(s.Met, s.Persons))},
		{Label: "未达标", Value: float64(s.NotMet), Text: fmt.Sprintf("%d  %s", s.NotMet, percent(s.NotMet, s.Persons))},
	}, w))
	out = append(out, heading("按科目类别（学时）")...)
	out = append(out, chart.Bars(st, hoursBars(s.ByCategory, false), w))
	out = append(out, heading("按月份（学时，以结束日期计）")...)
	out = append(out, chart.Bars(st, hoursBars(s.ByMonth, false), w))
	if len(s.ByRegion) > 0 {
		out = append(out, heading("按"+s.RegionLevel+"（学时 / 人员）")...)
		out = append(out, chart.Bars(st, hoursBars(s.ByRegion, true), w))
	}
	return strings.Split(strings.Join(out, "\n"), "\n")
}

func (v *statsView) SetSize(w, h int) { v.width, v.height = w, h }

func (v *statsView) View() string {
	st := v.c.Styles
	// The year stays in sight however far the report is scrolled.
	year := st.Heading.Render(strconv.Itoa(v.year) + "年度统计")
	hint := "  [ ] 切换年度  x 导出  " + v.c.Keys.Choose.Help().Key + " 滚动"
	head := year + st.Muted.Render(textwidth.Truncate(hint, max(v.width-textwidth.Width(year), 0), st.Ellipsis))
	if !v.loaded {
		return textwidth.Block(head+"\n"+v.outcome.View(v.c, v.width), v.width, v.height)
	}
	body := v.scroll.window(v.lines(), max(v.height-2, 1))
	return textwidth.Block(head+"\n"+body, v.width, max(v.height-1, 1)) + "\n" + v.outcome.View(v.c, v.width)
}

func (v *statsView) Typing() bool { return false }

func (v *statsView) ShortHelp() []key.Binding {
	return []key.Binding{keyPrevY, keyNextY, keyExport, v.c.Keys.Choose}
}

func (v *statsView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.Keys.Reload}}
}
