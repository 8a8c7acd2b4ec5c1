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
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// Mine is 我的证书: the person's certificates, voided ones kept for the
// record; a valid one is saved as a PDF.
type Mine struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	table   *table.Table
	certs   map[int64]domain.Certificate
	saver   *saver
	outcome pane.Outcome
	loading bool

	width, height int
}

type mineLoaded struct{ certs []domain.Certificate }

type mineDrawn struct {
	cert domain.Certificate
	pdf  []byte
}

// NewMine builds the module; Init loads it.
func NewMine(c *common.Common) common.Component {
	m := &Mine{c: c, km: newKeyMap(c.Keys), id: c.NewID(), certs: map[int64]domain.Certificate{}}
	m.table = table.New(c.Styles, c.Keys, "加载中"+c.Styles.Ellipsis,
		table.Column{Title: "年度", Width: 4}, table.Column{Title: "证书编号", Width: 18},
		table.Column{Title: "学时", Width: 5}, table.Column{Title: "状态", Width: 6, Flex: true})
	m.SetSize(52, 16)
	return m
}

// Init loads the certificates.
func (m *Mine) Init() tea.Cmd { return m.load() }

func (m *Mine) load() tea.Cmd {
	m.loading = true
	svc := m.c.Services.Certificates
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		l, err := svc.MyCertificates(ctx)
		return mineLoaded{certs: l}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *Mine) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		switch v := msg.Value.(type) {
		case mineLoaded:
			m.loaded(v, msg.Err)
		case mineDrawn:
			m.drawn(v, msg.Err)
		}
	}
	return nil
}

func (m *Mine) handleKey(k tea.KeyMsg) tea.Cmd {
	if m.saver != nil {
		done, msg, err := m.saver.update(k)
		if done {
			m.saver = nil
			switch {
			case err != nil:
				m.outcome.Failed(err)
			case msg != "":
				m.outcome.Done(msg)
			default:
				m.outcome.Clear()
			}
		}
		return nil
	}
	switch {
	case key.Matches(k, m.km.Reload):
		return m.load()
	case m.outcome.Busy:
	case key.Matches(k, m.km.Save):
		return m.draw()
	default:
		m.table.Update(k)
	}
	return nil
}

func (m *Mine) loaded(v mineLoaded, err error) {
	m.loading = false
	if err != nil {
		m.table.SetEmpty("加载失败，按 ctrl+r 重试")
		m.outcome.Failed(err)
		return
	}
	m.certs = map[int64]domain.Certificate{}
	rows := make([]table.Row, len(v.certs))
	for i, c := range v.certs {
		m.certs[c.ID] = c
		rows[i] = table.Row{ID: c.ID, Cells: []string{strconv.Itoa(c.Year), c.Number, c.Total.String(), c.Status.Label()}}
	}
	m.table.SetEmpty("暂无证书：达到年度学时要求后，由所在单位打印")
	m.table.SetRows(rows)
}

func (m *Mine) selected() (domain.Certificate, bool) {
	r, ok := m.table.Selected()
	if !ok {
		return domain.Certificate{}, false
	}
	c, ok := m.certs[r.ID]
	return c, ok
}

func (m *Mine) draw() tea.Cmd {
	c, ok := m.selected()
	if !ok {
		return nil
	}
	if c.Status != domain.CertificateValid {
		m.outcome = pane.Outcome{Failure: "证书" + c.Number + "已作废，不能保存；请使用新编号的证书"}
		return nil
	}
	m.outcome.Start()
	svc := m.c.Services.Certificates
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		pdf, err := svc.CertificatePDF(ctx, []int64{c.ID})
		return mineDrawn{cert: c, pdf: pdf}, err
	})
}

func (m *Mine) drawn(v mineDrawn, err error) {
	if err != nil {
		m.outcome.Failed(err)
		return
	}
	s, msg, err := newSaver(m.c, pdfName(strconv.Itoa(v.cert.Year), v.cert.Name, v.cert.Number), v.pdf, m.width)
	switch {
	case err != nil:
		m.outcome = pane.Outcome{Failure: "无法保存PDF：" + fileProblem(err)}
	case s == nil:
		m.outcome.Done(msg)
	default:
		m.outcome.Clear()
		m.saver = s
	}
}

// Nested reports the save dialog, which esc closes first.
func (m *Mine) Nested() bool { return m.saver != nil }

// Typing reports whether the path field has the keyboard.
func (m *Mine) Typing() bool { return m.saver != nil && m.saver.confirm == "" }

// SetSize fits the module into w×h cells.
func (m *Mine) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.saver != nil {
		m.saver.setWidth(w)
	}
}

// View is the list, the selected certificate's details and the message
// line (or the save dialog).
func (m *Mine) View() string {
	st, w := m.c.Styles, m.width
	var bottom string
	if m.saver != nil {
		bottom = m.saver.view()
	} else {
		var lines []string
		if c, ok := m.selected(); ok {
			lines = append(lines, textwidth.Truncate("验证码 "+c.VerificationCode+"  发证日期 "+c.IssuedAt.In(domain.ChinaTime).Format(domain.DateLayout), w, st.Ellipsis),
				textwidth.Truncate("发证机关 "+c.Issuer, w, st.Ellipsis))
			if c.Status == domain.CertificateVoided && c.ReplacedBy != "" {
				lines = append(lines, textwidth.Truncate("已作废，新编号 "+c.ReplacedBy, w, st.Ellipsis))
			}
		}
		switch {
		case m.outcome.Busy || m.outcome.Failure != "" || m.outcome.Success != "":
			lines = append(lines, m.outcome.View(m.c, w))
		case m.loading:
			lines = append(lines, st.Notice.Render(m.c.Busy()))
		}
		bottom = strings.Join(lines, "\n")
	}
	rows := max(m.height-lipgloss.Height(bottom)-1, 2)
	m.table.SetSize(w, rows)
	return textwidth.Block(m.table.View()+"\n\n"+bottom, w, m.height)
}

// ShortHelp lists the module's keys.
func (m *Mine) ShortHelp() []key.Binding {
	if m.saver != nil {
		return nil
	}
	return []key.Binding{m.km.Save, m.km.Reload}
}

// FullHelp adds navigation.
func (m *Mine) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), {m.km.Up, m.km.Down}}
}
