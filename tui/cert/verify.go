package cert

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
)

// Verify is 证书查验, open to anyone from the login screen: a certificate
// number and its verification code give the holder, the year, the total
// hours and whether the certificate is valid or voided.
type Verify struct {
	c       *common.Common
	id      common.ScreenID
	form    *form.Form
	result  *domain.Verification
	outcome pane.Outcome

	width, height int
}

type verified struct{ v domain.Verification }

// Field keys, as the server names them in field errors.
const (
	fieldNumber = "number"
	fieldCode   = "code"
)

// NewVerify builds the screen.
func NewVerify(c *common.Common) *Verify {
	km := c.Keys
	return &Verify{c: c, id: c.NewID(), form: form.New(c.Styles, km, 24,
		form.Field{Key: fieldNumber, Label: "证书编号", Control: form.NewText(km, false, 40), Check: form.Required("证书编号")},
		form.Field{Key: fieldCode, Label: "验证码", Control: form.NewText(km, false, 20), Check: form.Required("验证码")},
	)}
}

// Init has nothing to fetch.
func (m *Verify) Init() tea.Cmd { return nil }

// Update handles keys and the answer to the check.
func (m *Verify) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.Keys.Back) {
			return common.Send(common.ShowLogin{})
		}
		if m.form.Update(msg) == form.Submitted {
			return m.submit()
		}
	case common.Result:
		if v, ok := msg.Value.(verified); ok && msg.To == m.id {
			m.done(v.v, msg.Err)
		}
	}
	return nil
}

func (m *Verify) submit() tea.Cmd {
	if m.outcome.Busy || !m.form.Validate() {
		return nil
	}
	m.result = nil
	m.outcome.Start()
	req := domain.VerifyRequest{Number: m.form.Value(fieldNumber), Code: m.form.Value(fieldCode)}
	svc := m.c.Services.Certificates
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		v, err := svc.Verify(ctx, req)
		return verified{v: v}, err
	})
}

func (m *Verify) done(v domain.Verification, err error) {
	if err != nil {
		m.outcome.FailForm(m.form, err)
		return
	}
	m.outcome.Clear()
	m.result = &v
}

// SetSize fits the screen into w×h cells.
func (m *Verify) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetWidth(common.FrameInner(w))
}

// Typing is always true: one of the fields has the keyboard.
func (m *Verify) Typing() bool { return true }

// View is the framed form and the answer.
func (m *Verify) View() string {
	st := m.c.Styles
	inner := common.FrameInner(m.width)
	body := st.Muted.Render("输入证书上的编号和验证码，无需登录。") + "\n\n" + m.form.View()
	if out := m.outcome.View(m.c, inner); out != "" {
		body += "\n\n" + out
	}
	if v := m.result; v != nil {
		status := st.Success.Render("有效")
		if v.Status == domain.CertificateVoided {
			status = st.Error.Render("已作废")
			if v.VoidedAt != nil {
				status += st.Error.Render("（" + v.VoidedAt.In(domain.ChinaTime).Format(domain.DateLayout) + " 作废，请核对新证书）")
			}
		}
		lines := []string{
			"证书状态：" + status,
			"证书编号：" + v.Number,
			"持 证 人：" + v.Name + "（" + v.MaskedID + "）",
			"工作单位：" + v.UnitName,
			"年　　度：" + strconv.Itoa(v.Year) + "年度　总学时：" + v.Total.String(),
			"发证机关：" + v.Issuer,
			"发证日期：" + v.IssuedAt.In(domain.ChinaTime).Format(domain.DateLayout),
		}
		if v.ReplacedBy != "" {
			lines = append(lines, "现行证书："+v.ReplacedBy)
		}
		body += "\n\n" + lipgloss.NewStyle().Width(inner).Render(strings.Join(lines, "\n"))
	}
	return common.Frame(st, m.width, m.height, "证书查验", body)
}

// ShortHelp lists the screen's keys.
func (m *Verify) ShortHelp() []key.Binding {
	submit := m.c.Keys.Submit
	submit.SetHelp("enter", "下一项/查验")
	back := m.c.Keys.Back
	back.SetHelp("esc", "返回登录")
	return []key.Binding{submit, back}
}

// FullHelp adds field navigation.
func (m *Verify) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.c.Keys.Next, m.c.Keys.Prev}}
}
