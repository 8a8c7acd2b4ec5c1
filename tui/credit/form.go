package credit

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// Field keys of the entry form, as the server's field errors name them.
const (
	fieldType        = "type"
	fieldDescription = "description"
	fieldOccurred    = "occurred_date"
	fieldHandling    = "handling"
	fieldFrom        = "valid_from"
	fieldTo          = "valid_to"
	fieldDocument    = "document_number"
)

func today() string { return time.Now().In(domain.ChinaTime).Format(domain.DateLayout) }

// entryForm is 录入失信信息, or 修改 of an entry (then existing is it).
type entryForm struct {
	c        *common.Common
	st       *pane.Stack
	id       common.ScreenID
	kind     kind
	existing domain.CreditRecord
	subject  chosen
	form     *form.Form
	types    *form.Picker
	outcome  pane.Outcome
	width    int
	height   int
}

type typesLoaded struct{ ref domain.Reference }

type entrySaved struct{ entry domain.CreditRecord }

// checkDate is the local rule of a date field; optional allows blank.
func checkDate(optional bool) func(*form.Form, string) string {
	return func(_ *form.Form, v string) string {
		v = domain.NormalizeInput(v)
		if v == "" && optional {
			return ""
		}
		_, msg := domain.ParseDate(v)
		return msg
	}
}

func newEntryForm(st *pane.Stack, k kind, existing domain.CreditRecord, subject chosen) *entryForm {
	c := st.C()
	km := c.Keys
	f := &entryForm{c: c, st: st, id: c.NewID(), kind: k, existing: existing, subject: subject}
	f.types = form.NewPicker(c.Styles, km, 4, "加载中"+c.Styles.Ellipsis)
	f.form = form.New(c.Styles, km, 40,
		form.Field{Key: fieldType, Label: "失信类型", Control: f.types, Check: func(_ *form.Form, v string) string {
			if v == "" {
				return "请选择失信类型"
			}
			return ""
		}},
		form.Field{Key: fieldDescription, Label: "失信内容", Control: form.NewText(km, false, 1000), Check: form.Required("失信内容")},
		form.Field{Key: fieldOccurred, Label: "发生日期", Control: form.NewText(km, false, 10), Width: 14, Check: func(ff *form.Form, v string) string {
			if msg := checkDate(false)(ff, v); msg != "" {
				return msg
			}
			if domain.NormalizeInput(v) > today() {
				return "发生日期不能晚于今天"
			}
			return ""
		}},
		form.Field{Key: fieldHandling, Label: "处理情况", Control: form.NewText(km, false, 500), Check: form.Required("处理情况")},
		form.Field{Key: fieldFrom, Label: "有效期起", Control: form.NewText(km, false, 10), Width: 14, Check: checkDate(false)},
		form.Field{Key: fieldTo, Label: "有效期止", Control: form.NewText(km, false, 10), Width: 14, Check: func(ff *form.Form, v string) string {
			if msg := checkDate(true)(ff, v); msg != "" {
				return msg
			}
			if to := domain.NormalizeInput(v); to != "" && to < domain.NormalizeInput(ff.Value(fieldFrom)) {
				return "有效期止不能早于有效期起"
			}
			return ""
		}},
		form.Field{Key: fieldDocument, Label: "文书编号", Control: form.NewText(km, false, 50)},
	)
	if existing.ID != 0 {
		for key, v := range map[string]string{fieldDescription: existing.Description, fieldOccurred: existing.OccurredDate,
			fieldHandling: existing.Handling, fieldFrom: existing.ValidFrom, fieldTo: existing.ValidTo, fieldDocument: existing.DocumentNumber} {
			f.form.SetValue(key, v)
		}
	} else {
		f.form.SetValue(fieldFrom, today())
	}
	return f
}

// Init loads the dishonesty types for the picker.
func (f *entryForm) Init() tea.Cmd {
	ref := f.c.Services.Ref
	return common.Call(f.id, func(ctx context.Context) (any, error) {
		r, err := ref.Reference(ctx)
		return typesLoaded{r}, err
	})
}

func (f *entryForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, f.c.Keys.Save) {
			return f.save()
		}
		if f.form.Update(msg) == form.Submitted {
			return f.save()
		}
	case common.Result:
		if msg.To != f.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case typesLoaded:
			if msg.Err != nil {
				f.types.SetEmpty("失信类型加载失败")
				f.outcome.Failed(msg.Err)
				return nil
			}
			// An entry keeps its type even if since disabled; new ones
			// choose among the enabled types.
			f.types.SetOptions(common.DictOptions(v.ref, domain.DictDishonestyType, f.existing.Type))
			if f.existing.Type != "" {
				f.types.SetValue(f.existing.Type)
			}
		case entrySaved:
			return f.saved(v.entry, msg.Err)
		}
	}
	return nil
}

func (f *entryForm) input() domain.CreditInput {
	v := func(key string) string { return strings.TrimSpace(f.form.Value(key)) }
	in := domain.CreditInput{Type: v(fieldType), Description: v(fieldDescription), OccurredDate: v(fieldOccurred),
		Handling: v(fieldHandling), ValidFrom: v(fieldFrom), ValidTo: v(fieldTo), DocumentNumber: v(fieldDocument),
		Version: f.existing.Version}
	if f.kind == unitEntries {
		in.PersonID = f.subject.id
	} else {
		in.UnitID = f.subject.id
	}
	return in
}

func (f *entryForm) save() tea.Cmd {
	if f.outcome.Busy {
		return nil
	}
	if !f.outcome.Validate(f.form) {
		return nil
	}
	f.outcome.Start()
	in, id, svc := f.input(), f.existing.ID, f.c.Services.Credit
	return common.Call(f.id, func(ctx context.Context) (any, error) {
		if id == 0 {
			r, err := svc.CreateCredit(ctx, in)
			return entrySaved{r}, err
		}
		r, err := svc.UpdateCredit(ctx, id, in)
		return entrySaved{r}, err
	})
}

// saved opens the entry, where its attachments go; a refusal keeps what
// was typed, each field's message at the field.
func (f *entryForm) saved(r domain.CreditRecord, err error) tea.Cmd {
	if err != nil {
		f.outcome.FailForm(f.form, err)
		return nil
	}
	note := "已保存。按 ctrl+n 到“附件”栏上传处理决定书等材料"
	if f.existing.ID != 0 {
		note = "已保存修改"
	}
	v := newEntryView(f.st, f.kind, r.ID)
	v.outcome.Done(note)
	return f.st.Replace(v)
}

func (f *entryForm) title() string {
	if f.existing.ID != 0 {
		return "修改失信信息：" + f.subject.String()
	}
	return "录入失信信息：" + f.subject.String()
}

func (f *entryForm) SetSize(w, h int) {
	f.width, f.height = w, h
	f.form.SetWidth(w)
}

func (f *entryForm) View() string {
	st := f.c.Styles
	head := st.Heading.Render(textwidth.Truncate(f.title(), f.width, st.Ellipsis))
	sub := st.Muted.Render(textwidth.Truncate("失信人类型："+f.kind.subject().Label()+"  有效期止留空为长期有效", f.width, st.Ellipsis))
	return textwidth.Block(head+"\n"+sub+"\n"+f.form.Window(max(f.height-5, 3)), f.width, max(f.height-2, 1)) +
		"\n" + f.outcome.View(f.c, f.width)
}

func (f *entryForm) Typing() bool { return true }

// Dirty reports an entry typed and not saved.
func (f *entryForm) Dirty() bool { return f.form.Dirty() }

func (f *entryForm) ShortHelp() []key.Binding {
	return []key.Binding{f.c.Keys.Save, f.c.Keys.Next, f.c.Keys.Choose}
}

func (f *entryForm) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.ShortHelp(), {f.c.Keys.Prev}}
}
