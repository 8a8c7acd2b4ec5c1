package credit

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/attachment"
	"jxjy/tui/common"
	"jxjy/tui/history"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// section is one panel of an entry's screen.
type section int

const (
	sectionEntry section = iota
	sectionFiles
	sectionHistory
	sectionCount
)

// entryView is 查看 of an entry: its fields, its attachments (changed here
// by whoever recorded it) and its history.
type entryView struct {
	c       *common.Common
	st      *pane.Stack
	id      common.ScreenID
	kind    kind
	entryID int64
	entry   domain.CreditRecord
	loaded  bool
	files   *attachment.Panel
	history *history.Panel
	section section
	offset  int
	outcome pane.Outcome
	width   int
	height  int
}

type entryLoaded struct{ entry domain.CreditRecord }

func newEntryView(st *pane.Stack, k kind, id int64) *entryView {
	c := st.C()
	return &entryView{c: c, st: st, id: c.NewID(), kind: k, entryID: id,
		files:   attachment.New(c, domain.EntityCredit),
		history: history.New(c, domain.EntityCredit, func(s string) string { return s })}
}

func (v *entryView) Init() tea.Cmd { return v.load() }

// Resume reloads after 修改.
func (v *entryView) Resume() tea.Cmd { return v.load() }

func (v *entryView) load() tea.Cmd {
	svc, id := v.c.Services.Credit, v.entryID
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		r, err := svc.GetCredit(ctx, id)
		return entryLoaded{r}, err
	})
}

// writable is whether this module may change the entry; the server has
// the last word (an authority changes only its own entries).
func (v *entryView) writable() bool { return v.kind != aboutUnit }

func (v *entryView) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.key(k)
	}
	cmds := []tea.Cmd{v.files.Update(msg, false), v.history.Update(msg, false)}
	if r, ok := msg.(common.Result); ok && r.To == v.id {
		if val, ok := r.Value.(entryLoaded); ok {
			if r.Err != nil {
				v.outcome.Failed(r.Err)
			} else {
				v.entry, v.loaded = val.entry, true
				cmds = append(cmds, v.files.Load(v.entryID, v.writable()))
			}
		}
	}
	return tea.Batch(cmds...)
}

func (v *entryView) key(k tea.KeyMsg) tea.Cmd {
	km := v.c.Keys
	if v.section == sectionFiles && v.files.Nested() {
		return v.files.Update(k, true)
	}
	switch {
	case key.Matches(k, km.NextSection), key.Matches(k, km.PrevSection):
		if key.Matches(k, km.PrevSection) {
			v.section = (v.section + sectionCount - 1) % sectionCount
		} else {
			v.section = (v.section + 1) % sectionCount
		}
		if v.section == sectionHistory {
			return v.history.Load(v.entryID)
		}
		return nil
	case v.section == sectionFiles:
		return v.files.Update(k, true)
	case v.section == sectionHistory:
		return v.history.Update(k, true)
	case key.Matches(k, km.Reload):
		return v.load()
	case key.Matches(k, keyEdit) && v.loaded:
		if !v.writable() {
			v.outcome = pane.Outcome{Failure: "单位失信信息由主管部门录入，单位只能查看"}
			return nil
		}
		v.outcome.Clear()
		return v.st.Push(newEntryForm(v.st, v.kind, v.entry, subjectOf(v.entry)))
	case key.Matches(k, km.Up):
		v.offset = max(v.offset-1, 0)
	case key.Matches(k, km.Down):
		v.offset++
	}
	return nil
}

// details are the entry's fields as label and value.
func (v *entryView) details() [][2]string {
	e := v.entry
	rows := [][2]string{{"失信人类型", e.Subject.Label()}}
	if e.Subject == domain.CreditPerson {
		rows = append(rows, [2]string{"姓名", e.PersonName}, [2]string{"身份证号", e.PersonIDNumber}, [2]string{"所在单位", e.UnitName})
	} else {
		rows = append(rows, [2]string{"单位名称", e.UnitName})
	}
	return append(rows,
		[2]string{"失信类型", e.TypeLabel}, [2]string{"失信内容", e.Description}, [2]string{"发生日期", e.OccurredDate},
		[2]string{"处理情况", e.Handling}, [2]string{"有效期", e.Validity() + "（" + state(e) + "）"},
		[2]string{"文书编号", e.DocumentNumber}, [2]string{"录入单位", e.RecorderName},
		[2]string{"录入时间", e.CreatedAt.In(domain.ChinaTime).Format("2006-01-02 15:04")},
	)
}

func (v *entryView) tabs() string {
	st := v.c.Styles
	names := []string{"失信信息", "附件(" + strconv.Itoa(v.files.Len()) + ")", "历史"}
	parts := make([]string, len(names))
	for i, n := range names {
		if section(i) == v.section {
			parts[i] = st.Selected.Render(" " + n + " ")
		} else {
			parts[i] = st.Muted.Render(" " + n + " ")
		}
	}
	line := strings.Join(parts, " ")
	if hint := st.Muted.Render(" " + v.c.Keys.NextSection.Help().Key + " 切换"); textwidth.Width(line+hint) <= v.width {
		line += hint
	}
	return line
}

func (v *entryView) bodyHeight() int { return max(v.height-3, 3) }

func (v *entryView) View() string {
	st := v.c.Styles
	if !v.loaded {
		if v.outcome.Failure != "" {
			return v.outcome.View(v.c, v.width)
		}
		return st.Notice.Render(v.c.Busy())
	}
	var body string
	switch v.section {
	case sectionFiles:
		body = v.files.View()
	case sectionHistory:
		body = v.history.View()
	default:
		lines := pane.Labelled(v.c, v.details(), v.width)
		h := v.bodyHeight()
		v.offset = max(min(v.offset, len(lines)-h), 0)
		body = strings.Join(lines[v.offset:min(v.offset+h, len(lines))], "\n")
	}
	return textwidth.Block(v.tabs()+"\n"+body, v.width, max(v.height-2, 1)) + "\n" + v.outcome.View(v.c, v.width)
}

func (v *entryView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.files.SetSize(w, v.bodyHeight())
	v.history.SetSize(w, v.bodyHeight())
}

// Nested keeps esc for the attachment panel's prompts.
func (v *entryView) Nested() bool { return v.section == sectionFiles && v.files.Nested() }

func (v *entryView) Typing() bool { return v.section == sectionFiles && v.files.Typing() }

func (v *entryView) ShortHelp() []key.Binding {
	km := v.c.Keys
	switch v.section {
	case sectionFiles:
		return append(v.files.Help(), km.NextSection)
	case sectionHistory:
		return append(v.history.Help(), km.NextSection)
	}
	if v.writable() {
		return []key.Binding{keyEdit, km.NextSection}
	}
	return []key.Binding{km.NextSection}
}

func (v *entryView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.Keys.Up, v.c.Keys.Down, v.c.Keys.PrevSection, v.c.Keys.Reload}}
}
