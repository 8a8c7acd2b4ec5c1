package records

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/keys"
	"jxjy/tui/pane"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// editor is 添加培训记录 and 修改: the record's fields as SPEC §5.6 lists
// them, checked as the operator types and again by the server, whose
// messages show at the fields. A failed save keeps what was typed.
type editor struct {
	c       *common.Common
	id      common.ScreenID // the owning list's: answers come back through it
	role    domain.Role
	record  *domain.Record // nil while adding
	form    *form.Form
	person  *personPicker
	forms   *form.Picker
	outcome pane.Outcome
	seq     int // the latest person search

	width, height int
}

type personsFound struct {
	seq  int
	page domain.Page[domain.RecordPerson]
}

type recordSaved struct{ record domain.Record }

func newEditor(c *common.Common, id common.ScreenID, role domain.Role, ref domain.Reference, r *domain.Record) *editor {
	km := c.Keys
	e := &editor{c: c, id: id, role: role, record: r}
	category := form.NewPicker(c.Styles, km, 3, "")
	category.SetOptions(dictOptions(ref, domain.DictCategory, e.stored().Category, []form.Option{
		{Value: domain.CategoryPublic, Label: "公需科目"}, {Value: domain.CategoryProfessional, Label: "专业科目"},
		{Value: domain.CategoryElective, Label: "选修科目"}}))
	e.forms = form.NewPicker(c.Styles, km, 3, "培训形式加载中"+c.Styles.Ellipsis)
	e.setReference(ref)
	var fields []form.Field
	switch role {
	case domain.RoleUnit:
		e.person = newPersonPicker(c.Styles, km)
		fields = append(fields, form.Field{Key: domain.RecordFieldPerson, Label: "人员", Control: e.person, Width: 48,
			Check: func(_ *form.Form, v string) string {
				if v == "" {
					return "请输入姓名或身份证号选择人员"
				}
				return ""
			}})
	case domain.RoleInstitution:
		fields = append(fields,
			form.Field{Key: domain.RecordFieldIDNumber, Label: "身份证号", Control: form.NewText(km, false, 18), Width: 22,
				Check: func(_ *form.Form, v string) string {
					_, msg := domain.ParseIDNumber(domain.NormalizeIDNumber(domain.NormalizeInput(v)), today())
					return msg
				}},
			form.Field{Key: domain.RecordFieldName, Label: "姓名", Control: form.NewText(km, false, 50), Width: 16,
				Check: func(_ *form.Form, v string) string { return domain.CheckText(v, 50, "姓名") }})
	}
	fields = append(fields,
		form.Field{Key: domain.RecordFieldCategory, Label: "科目类别", Control: category, Width: 32,
			Check: func(_ *form.Form, v string) string { return domain.CheckRecordCategory(v) }},
		form.Field{Key: domain.RecordFieldForm, Label: "培训形式", Control: e.forms, Width: 36,
			Check: func(_ *form.Form, v string) string {
				if v == "" {
					return "请选择培训形式"
				}
				return ""
			}},
		form.Field{Key: domain.RecordFieldTitle, Label: "培训内容", Control: form.NewText(km, false, domain.RecordTitleMax),
			Check: func(_ *form.Form, v string) string { return domain.CheckText(v, domain.RecordTitleMax, "培训内容") }},
		form.Field{Key: domain.RecordFieldOrganizer, Label: "主办单位", Control: form.NewText(km, false, domain.RecordOrganizerMax)},
		form.Field{Key: domain.RecordFieldStart, Label: "开始日期", Control: form.NewText(km, false, 10), Width: 14,
			Check: func(f *form.Form, v string) string {
				msg, _ := domain.CheckRecordDates(domain.NormalizeInput(v), domain.NormalizeInput(f.Value(domain.RecordFieldEnd)), today())
				return msg
			}},
		form.Field{Key: domain.RecordFieldEnd, Label: "结束日期", Control: form.NewText(km, false, 10), Width: 14,
			Check: func(f *form.Form, v string) string {
				_, msg := domain.CheckRecordDates(domain.NormalizeInput(f.Value(domain.RecordFieldStart)), domain.NormalizeInput(v), today())
				return msg
			}},
		form.Field{Key: domain.RecordFieldHours, Label: "学时", Control: form.NewText(km, false, 8), Width: 10,
			Check: func(f *form.Form, v string) string {
				h, msg := domain.ParseHours(v)
				if msg != "" {
					return msg
				}
				return domain.CheckRecordHours(h, "", "", 0)
			}},
		form.Field{Key: domain.RecordFieldRemark, Label: "备注", Control: form.NewText(km, false, domain.RecordRemarkMax)},
	)
	e.form = form.New(c.Styles, km, 40, fields...)
	if r != nil {
		e.fill(*r)
	}
	return e
}

// init lists the unit's first persons under the person field.
func (e *editor) init() tea.Cmd {
	if e.person == nil || e.record != nil {
		return nil
	}
	return e.search("")
}

// dictOptions are a dictionary's items a record may choose (keep, its
// current value, even if since disabled), or fallback while the reference
// data is not loaded.
func dictOptions(ref domain.Reference, kind, keep string, fallback []form.Option) []form.Option {
	if out := common.DictOptions(ref, kind, keep); len(out) > 0 {
		return out
	}
	return fallback
}

// stored is the record being changed, zero while adding.
func (e *editor) stored() domain.Record {
	if e.record == nil {
		return domain.Record{}
	}
	return *e.record
}

// setReference fills the pickers once the reference data arrives.
func (e *editor) setReference(ref domain.Reference) {
	e.forms.SetOptions(dictOptions(ref, domain.DictForm, e.stored().Form, nil))
}

func (e *editor) fill(r domain.Record) {
	f := e.form
	switch e.role {
	case domain.RoleUnit:
		e.person.preset(domain.RecordPerson{ID: r.PersonID, Name: r.PersonName, IDNumber: r.IDNumber})
	case domain.RoleInstitution:
		f.SetValue(domain.RecordFieldIDNumber, r.IDNumber)
		f.SetValue(domain.RecordFieldName, r.PersonName)
	}
	f.SetValue(domain.RecordFieldCategory, r.Category)
	f.SetValue(domain.RecordFieldForm, r.Form)
	f.SetValue(domain.RecordFieldTitle, r.Title)
	f.SetValue(domain.RecordFieldOrganizer, r.Organizer)
	f.SetValue(domain.RecordFieldStart, r.StartDate)
	f.SetValue(domain.RecordFieldEnd, r.EndDate)
	f.SetValue(domain.RecordFieldHours, r.Hours.String())
	f.SetValue(domain.RecordFieldRemark, r.Remark)
}

// update takes a key; it returns the call to make, if any.
func (e *editor) update(k tea.KeyMsg) tea.Cmd {
	if key.Matches(k, e.c.Keys.Save) {
		return e.save()
	}
	action := e.form.Update(k)
	if e.person != nil && e.person.takeQueryChanged() {
		return e.search(e.person.query())
	}
	if action == form.Submitted {
		return e.save()
	}
	return nil
}

// search asks for the unit's persons matching what was typed; only the
// latest answer is shown.
func (e *editor) search(q string) tea.Cmd {
	e.seq++
	seq, svc := e.seq, e.c.Services.Records
	return common.Call(e.id, func(ctx context.Context) (any, error) {
		p, err := svc.SearchRecordPersons(ctx, domain.RecordPersonSearch{Query: q, PageRequest: domain.PageRequest{Limit: 8}})
		return personsFound{seq: seq, page: p}, err
	})
}

func (e *editor) found(v personsFound, err error) {
	if v.seq != e.seq {
		return
	}
	if err != nil {
		e.outcome.Failed(err)
		return
	}
	e.person.setOptions(v.page.Items, v.page.Total)
}

func (e *editor) input() domain.RecordInput {
	f := e.form
	in := domain.RecordInput{
		Category: f.Value(domain.RecordFieldCategory), Form: f.Value(domain.RecordFieldForm),
		Title: f.Value(domain.RecordFieldTitle), Organizer: f.Value(domain.RecordFieldOrganizer),
		StartDate: f.Value(domain.RecordFieldStart), EndDate: f.Value(domain.RecordFieldEnd),
		Remark: f.Value(domain.RecordFieldRemark),
	}
	in.Hours, _ = domain.ParseHours(f.Value(domain.RecordFieldHours))
	switch e.role {
	case domain.RoleUnit:
		in.PersonID, _ = strconv.ParseInt(f.Value(domain.RecordFieldPerson), 10, 64)
	case domain.RoleInstitution:
		in.IDNumber, in.Name = f.Value(domain.RecordFieldIDNumber), f.Value(domain.RecordFieldName)
	}
	if e.record != nil {
		in.Version = e.record.Version
	}
	return in
}

func (e *editor) save() tea.Cmd {
	if e.outcome.Busy || !e.outcome.Validate(e.form) {
		return nil
	}
	e.outcome.Start()
	in, svc := e.input(), e.c.Services.Records
	var id int64
	if e.record != nil {
		id = e.record.ID
	}
	return common.Call(e.id, func(ctx context.Context) (any, error) {
		var r domain.Record
		var err error
		if id == 0 {
			r, err = svc.CreateRecord(ctx, in)
		} else {
			r, err = svc.UpdateRecord(ctx, id, in)
		}
		return recordSaved{record: r}, err
	})
}

// saveFailed shows the server's word at the fields; the input stays.
func (e *editor) saveFailed(err error) {
	e.outcome = pane.Outcome{Failure: pane.FormError(e.form, err)}
}

// rebase takes the record as it now stands after a stale save, keeping
// what was typed: saving again writes the operator's input over it.
func (e *editor) rebase(r domain.Record) {
	e.record = &r
	e.outcome.Failure = "记录已被他人修改（当前状态：" + r.Status.Label() + "）。您的输入已保留，再次保存将以此为准；按 esc 放弃。"
}

func (e *editor) setSize(w, h int) {
	e.width, e.height = w, h
	e.form.SetWidth(w)
}

func (e *editor) view() string {
	st := e.c.Styles
	title := "添加培训记录"
	switch {
	case e.record != nil:
		title = "修改培训记录"
		if e.record.Status == domain.RecordReturned {
			title += "（已退回：" + e.record.ReviewComment + "）"
		}
	case e.role != domain.RoleUnit:
		title = "新增学时申报"
	}
	head := st.Heading.Render(textwidth.Truncate(title, e.width, st.Ellipsis))
	hint := st.Muted.Render(textwidth.Truncate("ctrl+s 保存  esc 返回", e.width, st.Ellipsis))
	body := e.form.Window(max(e.height-4, 3))
	return textwidth.Block(head+"\n"+body+"\n"+hint+"\n"+e.outcome.ViewRows(e.c, e.width, 2), e.width, e.height)
}

func (e *editor) help() []key.Binding {
	save := e.c.Keys.Save
	return []key.Binding{save, e.c.Keys.Next, e.c.Keys.Choose}
}

// personPicker chooses one of the unit's confirmed persons: the operator
// types part of a name or an ID number, the server's matches show under
// the field and the arrows pick one.
type personPicker struct {
	st      *styles.Styles
	keys    *keys.KeyMap
	text    *form.Text
	options []domain.RecordPerson
	total   int
	sel     int
	chosen  *domain.RecordPerson
	focused bool
	changed bool
	width   int
}

func newPersonPicker(st *styles.Styles, km *keys.KeyMap) *personPicker {
	return &personPicker{st: st, keys: km, text: form.NewText(km, false, 18), sel: -1}
}

// preset shows the person a record is already about.
func (p *personPicker) preset(person domain.RecordPerson) {
	p.options, p.sel, p.chosen = []domain.RecordPerson{person}, 0, &person
}

func (p *personPicker) query() string { return strings.TrimSpace(p.text.Value()) }

func (p *personPicker) takeQueryChanged() bool {
	c := p.changed
	p.changed = false
	return c
}

// setOptions shows the matches; the chosen person stays chosen while it
// is among them, else the first match is once the operator has typed
// something (the unfiltered list only offers, it does not choose).
func (p *personPicker) setOptions(items []domain.RecordPerson, total int) {
	p.options, p.total, p.sel = items, total, -1
	for i, o := range items {
		if p.chosen != nil && o.ID == p.chosen.ID {
			p.sel = i
		}
	}
	if p.sel < 0 && len(items) > 0 && p.query() != "" {
		p.sel = 0
	}
	p.choose()
}

func (p *personPicker) choose() {
	if p.sel >= 0 && p.sel < len(p.options) {
		o := p.options[p.sel]
		p.chosen = &o
	} else {
		p.chosen = nil
	}
}

func (p *personPicker) Focus() { p.focused = true; p.text.Focus() }
func (p *personPicker) Blur()  { p.focused = false; p.text.Blur() }

func (p *personPicker) HandleKey(k tea.KeyMsg) bool {
	switch {
	case key.Matches(k, p.keys.ListUp):
		p.sel = max(p.sel-1, min(0, len(p.options)-1))
		p.choose()
		return true
	case key.Matches(k, p.keys.ListDown):
		p.sel = min(p.sel+1, len(p.options)-1)
		p.choose()
		return true
	}
	before := p.text.Value()
	if !p.text.HandleKey(k) {
		return false
	}
	if p.text.Value() != before {
		p.changed = true
	}
	return true
}

// Value is the chosen person's id, "" for none.
func (p *personPicker) Value() string {
	if p.chosen == nil {
		return ""
	}
	return strconv.FormatInt(p.chosen.ID, 10)
}

// SetValue keeps the choice when v names it and clears it otherwise.
func (p *personPicker) SetValue(v string) {
	if v == "" || v != p.Value() {
		p.chosen, p.sel = nil, -1
	}
}

func (p *personPicker) SetWidth(w int) {
	p.width = w
	p.text.SetWidth(min(w, 18))
}

func personLabel(o domain.RecordPerson) string { return o.Name + " " + o.IDNumber }

// View is the search field with a hint, the chosen person under it and,
// while focused, a window of the matches.
func (p *personPicker) View() string {
	fw := min(p.width, 18)
	room := max(p.width-fw-1, 0)
	hint := p.st.Muted.Render(textwidth.Truncate("按姓名/身份证号查找", room, p.st.Ellipsis))
	if p.query() != "" && len(p.options) == 0 {
		hint = p.st.Error.Render(textwidth.Truncate("无匹配人员", room, p.st.Ellipsis))
	}
	lines := []string{p.text.View() + " " + hint}
	if p.chosen != nil {
		lines = append(lines, textwidth.Truncate("已选："+personLabel(*p.chosen), p.width, p.st.Ellipsis))
	}
	if !p.focused || len(p.options) < 2 {
		return strings.Join(lines, "\n")
	}
	const rows = 3
	start := min(max(p.sel-rows/2, 0), max(len(p.options)-rows, 0))
	for i := start; i < min(start+rows, len(p.options)); i++ {
		text := textwidth.Fit(personLabel(p.options[i]), max(p.width-2, 1), p.st.Ellipsis)
		if i == p.sel {
			lines = append(lines, p.st.Pointer+" "+p.st.Selected.Render(text))
		} else {
			lines = append(lines, "  "+text)
		}
	}
	if p.total > len(p.options) {
		lines = append(lines, p.st.Muted.Render(textwidth.Truncate("  共 "+strconv.Itoa(p.total)+" 人，请输入更多字缩小范围", p.width, p.st.Ellipsis)))
	}
	return strings.Join(lines, "\n")
}
