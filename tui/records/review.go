package records

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// Field keys of the review form, as domain.RecordReview names them.
const (
	fieldDecision = "decision"
	fieldComment  = "comment"
)

// reviewForm is 审核 of one submitted record: 同意, 不同意并结案 or
// 不同意并退案, with the reason the last two need.
type reviewForm struct {
	c       *common.Common
	id      common.ScreenID // the owning list's
	record  domain.Record
	form    *form.Form
	outcome pane.Outcome
	ask     *pane.Confirm // the list's question line

	width, height int
}

type recordMoved struct {
	verb   string // what was done, for the message
	record domain.Record
}

func newReviewForm(c *common.Common, id common.ScreenID, r domain.Record, ask *pane.Confirm) *reviewForm {
	km := c.Keys
	decision := form.NewPicker(c.Styles, km, 3, "")
	opts := make([]form.Option, len(domain.RecordDecisions))
	for i, d := range domain.RecordDecisions {
		opts[i] = form.Option{Value: string(d), Label: d.Label()}
	}
	decision.SetOptions(opts)
	f := form.New(c.Styles, km, 40,
		form.Field{Key: fieldDecision, Label: "审核意见", Control: decision, Width: 36},
		form.Field{Key: fieldComment, Label: "理由", Control: form.NewText(km, false, domain.RecordReviewCommentMax),
			Check: func(f *form.Form, v string) string {
				if f.Value(fieldDecision) != string(domain.RecordApprove) && strings.TrimSpace(v) == "" {
					return "请填写不同意的理由"
				}
				return ""
			}})
	return &reviewForm{c: c, id: id, record: r, form: f, ask: ask}
}

func (v *reviewForm) update(k tea.KeyMsg) tea.Cmd {
	if v.form.Update(k) == form.Submitted || key.Matches(k, v.c.Keys.Save) {
		return v.submit()
	}
	return nil
}

// submit asks before the decision, which the declarer sees and which
// cannot be taken back.
func (v *reviewForm) submit() tea.Cmd {
	if v.outcome.Busy || !v.outcome.Validate(v.form) {
		return nil
	}
	d := domain.RecordDecision(v.form.Value(fieldDecision))
	v.ask.Ask(d.Label()+"：“"+v.record.Title+"”（"+v.record.PersonName+"）？", v.send)
	return nil
}

func (v *reviewForm) send() tea.Cmd {
	v.outcome.Start()
	d := domain.RecordDecision(v.form.Value(fieldDecision))
	r := domain.RecordReview{Decision: d, Comment: v.form.Value(fieldComment), Version: v.record.Version}
	id, svc := v.record.ID, v.c.Services.Records
	return common.Call(v.id, func(ctx context.Context) (any, error) {
		out, err := svc.ReviewRecord(ctx, id, r)
		return recordMoved{verb: "审核（" + d.Label() + "）", record: out}, err
	})
}

// failed shows the server's word at the fields; the choice and reason stay.
func (v *reviewForm) failed(err error) {
	others := v.form.SetServerErrors(domain.FieldErrorsOf(err))
	v.outcome.Failed(err)
	if len(others) > 0 {
		v.outcome.Failure = strings.Join(others, "；")
	}
}

func (v *reviewForm) setSize(w, h int) {
	v.width, v.height = w, h
	v.form.SetWidth(w)
}

func (v *reviewForm) view() string {
	st := v.c.Styles
	r := v.record
	lines := []string{
		st.Heading.Render(textwidth.Truncate("审核："+r.PersonName+" "+r.Title, v.width, st.Ellipsis)),
		textwidth.Truncate(r.Source.Label()+"  "+r.StartDate+" 至 "+r.EndDate+"  "+r.Hours.String()+" 学时  "+
			categoryLabel(r.Category), v.width, st.Ellipsis),
		"",
		v.form.View(),
		"",
		st.Muted.Render(textwidth.Truncate("enter 提交审核  esc 返回", v.width, st.Ellipsis)),
		v.outcome.ViewRows(v.c, v.width, 2),
	}
	if v.ask.Asking() {
		lines[len(lines)-1] = pane.Paragraph(v.c, v.ask.Question()+"(y/n)", st.Confirm, v.width, 2)
	}
	return textwidth.Block(strings.Join(lines, "\n"), v.width, v.height)
}

func (v *reviewForm) help() []key.Binding {
	submit := v.c.Keys.Submit
	submit.SetHelp("enter", "下一项/提交")
	return []key.Binding{submit, v.c.Keys.Choose}
}
