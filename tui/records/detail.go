package records

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/history"
	"jxjy/tui/textwidth"
)

// section is one panel of a record's screen.
type section int

const (
	sectionInfo section = iota
	sectionFiles
	sectionHistory
	sectionCount
)

// detail is one record: its fields, its attachments and its history, one
// panel at a time. What the operator may do with it is the list's.
type detail struct {
	c       *common.Common
	record  domain.Record
	ref     domain.Reference
	section section
	files   *attachment.Panel
	history *history.Panel
	offset  int
	actions func(domain.Record) []key.Binding

	width, height int
}

func newDetail(c *common.Common, ref domain.Reference, actions func(domain.Record) []key.Binding) *detail {
	return &detail{c: c, ref: ref, actions: actions,
		files:   attachment.New(c, domain.EntityRecord),
		history: history.New(c, domain.EntityRecord, statusLabel)}
}

// show loads r's attachments and history; editable lets the operator
// change the attachments.
func (d *detail) show(r domain.Record, editable bool) tea.Cmd {
	if r.ID != d.record.ID {
		d.offset = 0
	}
	d.record = r
	return tea.Batch(d.files.Load(r.ID, editable), d.history.Load(r.ID))
}

// nested reports whether a panel has a prompt open, which esc closes.
func (d *detail) nested() bool { return d.section == sectionFiles && d.files.Nested() }

func (d *detail) typing() bool { return d.section == sectionFiles && d.files.Typing() }

// update takes the panels' answers, and keys for the panel showing; it
// reports whether it used the key. Record actions are taken on the
// 记录信息 panel only, so the attachments' letters never touch the record.
func (d *detail) update(msg tea.Msg) (tea.Cmd, bool) {
	k, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return tea.Batch(d.files.Update(msg, false), d.history.Update(msg, false)), false
	}
	km := d.c.Keys
	switch {
	case d.nested():
		return d.files.Update(k, true), true
	case key.Matches(k, km.NextSection):
		d.section = (d.section + 1) % sectionCount
	case key.Matches(k, km.PrevSection):
		d.section = (d.section + sectionCount - 1) % sectionCount
	case d.section == sectionFiles:
		return d.files.Update(k, true), true
	case d.section == sectionHistory:
		return d.history.Update(k, true), true
	case key.Matches(k, km.Up):
		d.offset--
	case key.Matches(k, km.Down):
		d.offset++
	default:
		return nil, false
	}
	return nil, true
}

// filesChanged reports, once, that an attachment was added or removed.
func (d *detail) filesChanged() bool { return d.files.TakeChanged() }

func (d *detail) setSize(w, h int) {
	d.width, d.height = w, h
	body := max(h-3, 3)
	d.files.SetSize(w, body)
	d.history.SetSize(w, body)
}

// info is the record's fields, label and value.
func (d *detail) info() [][2]string {
	r := d.record
	days := domain.RecordDays(r.StartDate, r.EndDate)
	rows := [][2]string{
		{"人员", r.PersonName + "（" + r.IDNumber + "）"},
		{"所在单位", r.UnitName},
		{"科目类别", common.DictLabel(d.ref, domain.DictCategory, r.Category)},
		{"培训形式", common.DictLabel(d.ref, domain.DictForm, r.Form)},
		{"培训内容", r.Title},
		{"主办单位", r.Organizer},
		{"培训时间", r.StartDate + " 至 " + r.EndDate + "（" + strconv.Itoa(days) + "天）"},
		{"学时", r.Hours.String() + "（" + strconv.Itoa(r.Year) + "年度）"},
		{"来源", r.Source.Label()},
	}
	if r.InstitutionName != "" {
		rows = append(rows, [2]string{"施教机构", r.InstitutionName})
	}
	rows = append(rows, [2]string{"状态", r.Status.Label()})
	if r.ReviewComment != "" {
		rows = append(rows, [2]string{"审核意见", r.ReviewComment})
	}
	if r.EffectiveAt != nil {
		rows = append(rows, [2]string{"生效时间", r.EffectiveAt.In(domain.ChinaTime).Format("2006-01-02 15:04")})
	}
	return append(rows, [2]string{"备注", r.Remark})
}

func (d *detail) infoLines() []string {
	st := d.c.Styles
	rows := d.info()
	lw := 0
	for _, r := range rows {
		lw = max(lw, textwidth.Width(r[0]))
	}
	wrap := lipgloss.NewStyle().Width(max(d.width-lw-2, 6))
	var out []string
	for _, r := range rows {
		value := r[1]
		if strings.TrimSpace(value) == "" {
			value = st.Muted.Render("（未填写）")
		}
		for i, l := range strings.Split(wrap.Render(value), "\n") {
			prefix := strings.Repeat(" ", lw+2)
			if i == 0 {
				prefix = st.Label.Render(textwidth.PadLeft(r[0], lw) + "：")
			}
			out = append(out, prefix+strings.TrimRight(l, " "))
		}
	}
	return out
}

func (d *detail) tabs() string {
	st := d.c.Styles
	names := []string{"记录信息", "附件(" + strconv.Itoa(d.files.Len()) + ")", "历史"}
	parts := make([]string, len(names))
	for i, n := range names {
		if section(i) == d.section {
			parts[i] = st.Selected.Render(" " + n + " ")
		} else {
			parts[i] = st.Muted.Render(" " + n + " ")
		}
	}
	line := strings.Join(parts, " ")
	if hint := st.Muted.Render(" " + d.c.Keys.NextSection.Help().Key + " 切换"); textwidth.Width(line+hint) <= d.width {
		line += hint
	}
	return line
}

// view is the tabs, the panel showing and the actions line; the list adds
// its outcome line under it.
func (d *detail) view() string {
	st := d.c.Styles
	body := max(d.height-3, 3)
	var panel string
	switch d.section {
	case sectionInfo:
		lines := d.infoLines()
		d.offset = max(min(d.offset, len(lines)-body), 0)
		panel = strings.Join(lines[d.offset:min(d.offset+body, len(lines))], "\n")
	case sectionFiles:
		panel = d.files.View()
	case sectionHistory:
		panel = d.history.View()
	}
	var hints []string
	if d.section == sectionInfo {
		for _, b := range d.actions(d.record) {
			hints = append(hints, b.Help().Key+" "+b.Help().Desc)
		}
	}
	actions := st.Muted.Render(textwidth.Truncate(strings.Join(hints, "  "), d.width, st.Ellipsis))
	return textwidth.Block(d.tabs(), d.width, 1) + "\n" + textwidth.Block(panel, d.width, body) + "\n" + actions
}

func (d *detail) help() []key.Binding {
	switch d.section {
	case sectionFiles:
		return append(d.files.Help(), d.c.Keys.NextSection)
	case sectionHistory:
		return append(d.history.Help(), d.c.Keys.NextSection)
	}
	return append(d.actions(d.record), d.c.Keys.NextSection)
}
