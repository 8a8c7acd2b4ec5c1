package personnel

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/form"
	"jxjy/tui/pane"
	"jxjy/tui/table"
	"jxjy/tui/textwidth"
)

// profileMode is which screen of 个人信息 shows.
type profileMode int

const (
	profileView profileMode = iota
	profileContact
	profileSearch
)

const fieldQuery = "q"

// Profile is the person's 个人信息: the record and its affiliation, the
// contact fields the person may change, and finding a unit to claim.
type Profile struct {
	c       *common.Common
	km      *keyMap
	id      common.ScreenID
	mode    profileMode
	person  domain.Person
	loaded  bool
	ref     domain.Reference
	contact *form.Form
	query   *form.Form
	units   *pane.Feed[domain.UnitBrief]
	asked   string // the query the results answer
	// claiming and withdrawing ask "确定…？(y/n)" first.
	ask     pane.Confirm
	outcome pane.Outcome

	width, height int
}

type profileLoaded struct{ person domain.Person }

type profileChanged struct {
	person domain.Person
	what   string // what the change did, for the message
}

// NewProfile builds the module; Init loads the person's record.
func NewProfile(c *common.Common) common.Component {
	m := &Profile{c: c, km: newKeyMap(c.Keys), id: c.NewID()}
	tb := table.New(c.Styles, c.Keys, "",
		table.Column{Title: "单位名称", Width: 16, Flex: true}, table.Column{Title: "统一社会信用代码", Width: 18},
		table.Column{Title: "地区", Width: 6})
	persons := c.Services.Persons
	m.units = pane.NewFeed(m.id, tb, func(u domain.UnitBrief) table.Row {
		return table.Row{ID: u.ID, Cells: []string{u.Name, u.USCC, u.RegionName}}
	}, func(page domain.PageRequest) func(context.Context) (domain.Page[domain.UnitBrief], error) {
		q := domain.UnitSearch{Query: m.asked, PageRequest: page}
		return func(ctx context.Context) (domain.Page[domain.UnitBrief], error) { return persons.SearchUnits(ctx, q) }
	})
	m.SetSize(58, 17)
	return m
}

// Init loads the record and the dictionaries (for the title level).
func (m *Profile) Init() tea.Cmd {
	return tea.Batch(m.load(), m.c.LoadReference(m.id))
}

func (m *Profile) load() tea.Cmd {
	persons := m.c.Services.Persons
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		p, err := persons.MyPerson(ctx)
		return profileLoaded{person: p}, err
	})
}

// Update handles keys and the answers to this module's calls.
func (m *Profile) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case m.ask.Asking():
			cmd, _ := m.ask.Update(m.c, msg)
			return cmd
		case m.mode == profileContact:
			return m.contactKey(msg)
		case m.mode == profileSearch:
			return m.searchKey(msg)
		}
		return m.viewKey(msg)
	case common.Result:
		if msg.To != m.id {
			return nil
		}
		if cmd, ok := m.units.Result(msg); ok {
			m.unitsDone()
			return cmd
		}
		switch v := msg.Value.(type) {
		case profileLoaded:
			if msg.Err != nil {
				m.outcome.Failed(msg.Err)
				return nil
			}
			m.person, m.loaded = v.person, true
		case common.ReferenceLoaded:
			if msg.Err == nil {
				m.ref = v.Ref
			}
		case profileChanged:
			return m.changed(v, msg.Err)
		}
	}
	return nil
}

func (m *Profile) viewKey(k tea.KeyMsg) tea.Cmd {
	km, st := m.km, m.person.Status
	switch {
	case key.Matches(k, km.Reload):
		return m.load()
	case !m.loaded || m.outcome.Busy:
	case key.Matches(k, km.Edit):
		m.openContact()
	case key.Matches(k, km.Claim) && st == domain.AffiliationNone:
		m.mode, m.outcome = profileSearch, pane.Outcome{}
		m.query = form.New(m.c.Styles, m.c.Keys, 30,
			form.Field{Key: fieldQuery, Label: "单位名称或信用代码", Control: form.NewText(m.c.Keys, false, 50)})
		m.query.SetWidth(m.width)
		m.units.Clear()
		m.units.Table().SetEmpty("输入单位名称或统一社会信用代码后按 enter 查找")
		m.asked = ""
	case key.Matches(k, km.Withdraw) && st == domain.AffiliationPending:
		m.outcome = pane.Outcome{}
		m.ask.Ask("确定撤回加入 "+m.person.UnitName+" 的申请？", m.withdraw)
	}
	return nil
}

func (m *Profile) openContact() {
	km := m.c.Keys
	m.contact = form.New(m.c.Styles, km, 24,
		form.Field{Key: fieldMobile, Label: "手机号码", Control: form.NewText(km, false, 11), Check: func(_ *form.Form, v string) string {
			return domain.CheckMobile(strings.TrimSpace(v))
		}},
		form.Field{Key: fieldEmail, Label: "电子邮箱", Control: form.NewText(km, false, 100), Check: optional(domain.CheckEmail)},
	)
	m.contact.SetValue(fieldMobile, m.person.Mobile)
	m.contact.SetValue(fieldEmail, m.person.Email)
	m.contact.SetWidth(m.width)
	m.mode, m.outcome = profileContact, pane.Outcome{}
}

func (m *Profile) contactKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.km.Back):
		m.mode, m.outcome = profileView, pane.Outcome{}
		return nil
	case key.Matches(k, m.km.Save):
	case m.contact.Update(k) != form.Submitted:
		return nil
	}
	if m.outcome.Busy || !m.outcome.Validate(m.contact) {
		return nil
	}
	m.outcome.Start()
	u := domain.ContactUpdate{Mobile: m.contact.Value(fieldMobile), Email: m.contact.Value(fieldEmail), Version: m.person.Version}
	persons := m.c.Services.Persons
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		p, err := persons.UpdateMyContact(ctx, u)
		return profileChanged{person: p, what: "联系方式已保存"}, err
	})
}

func (m *Profile) searchKey(k tea.KeyMsg) tea.Cmd {
	km := m.km
	switch {
	case key.Matches(k, km.Back):
		m.mode, m.outcome = profileView, pane.Outcome{}
	case k.Type == tea.KeyUp || k.Type == tea.KeyDown, key.Matches(k, pane.KeyPrevPage, pane.KeyNextPage):
		cmd, _ := m.units.Key(k)
		return cmd
	case key.Matches(k, km.Submit):
		q := strings.TrimSpace(m.query.Value(fieldQuery))
		if u, ok := m.units.Selected(); ok && q == m.asked {
			m.ask.Ask("确定申请加入 "+u.Name+"？", func() tea.Cmd { return m.claim(u) })
			return nil
		}
		return m.search()
	default:
		m.query.Update(k)
	}
	return nil
}

func (m *Profile) search() tea.Cmd {
	m.asked = strings.TrimSpace(m.query.Value(fieldQuery))
	m.units.Table().SetEmpty("查找中" + m.c.Styles.Ellipsis)
	return m.units.First()
}

func (m *Profile) unitsDone() {
	if err := m.units.Failure(); err != nil {
		m.units.Table().SetEmpty("查找失败，请重试")
		m.outcome.Failed(err)
		return
	}
	if !m.units.Loading() {
		m.units.Table().SetEmpty("没有找到已通过审核的单位")
	}
}

// withdraw takes back the pending claim.
func (m *Profile) withdraw() tea.Cmd {
	m.outcome.Start()
	persons, version := m.c.Services.Persons, m.person.Version
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		p, err := persons.WithdrawClaim(ctx, domain.Withdrawal{Version: version})
		return profileChanged{person: p, what: "已撤回加入单位的申请，可重新选择单位"}, err
	})
}

// claim asks unit u to confirm the person.
func (m *Profile) claim(u domain.UnitBrief) tea.Cmd {
	m.outcome.Start()
	persons, version := m.c.Services.Persons, m.person.Version
	return common.Call(m.id, func(ctx context.Context) (any, error) {
		p, err := persons.ClaimUnit(ctx, domain.Claim{UnitID: u.ID, Version: version})
		return profileChanged{person: p, what: "已申请加入 " + u.Name + "，请等待单位确认"}, err
	})
}

func (m *Profile) changed(v profileChanged, err error) tea.Cmd {
	if err != nil {
		if m.mode == profileContact {
			m.outcome.FailForm(m.contact, err)
			return nil
		}
		m.outcome.Failed(err)
		return m.load()
	}
	m.person, m.mode = v.person, profileView
	m.outcome.Done(v.what)
	return nil
}

// SetSize fits the module into w×h cells.
func (m *Profile) SetSize(w, h int) {
	m.width, m.height = w, h
	m.units.Table().SetSize(w, max(h-5, 2))
	for _, f := range []*form.Form{m.contact, m.query} {
		if f != nil {
			f.SetWidth(w)
		}
	}
}

// Typing is true while a field has the keyboard.
func (m *Profile) Typing() bool {
	return !m.ask.Asking() && m.mode != profileView
}

// Nested keeps esc inside the module while a form or a question shows.
func (m *Profile) Nested() bool {
	return m.mode != profileView || m.ask.Asking()
}

// Dirty reports contact details typed and not saved.
func (m *Profile) Dirty() bool { return m.mode == profileContact && m.contact.Dirty() }

// Discards reports whether k closes the contact form with its changes.
func (m *Profile) Discards(k tea.KeyMsg) bool {
	return !m.ask.Asking() && key.Matches(k, m.km.Back) && m.Dirty()
}

// statusHint says what the person can do about the affiliation.
func (m *Profile) statusHint() string {
	switch m.person.Status {
	case domain.AffiliationNone:
		return "您尚未归属任何单位：按 u 查找并申请加入单位。"
	case domain.AffiliationPending:
		return "已申请加入 " + m.person.UnitName + "，等待单位确认；按 w 可撤回申请。"
	}
	return ""
}

// View draws the current screen of the module in exactly its size.
func (m *Profile) View() string {
	st, w, h := m.c.Styles, m.width, m.height
	var body string
	bottom := m.outcome.ViewRows(m.c, w, 2)
	if m.ask.Asking() {
		bottom = pane.Paragraph(m.c, m.ask.Question()+"(y/n)", st.Confirm, w, 2)
	}
	switch {
	case !m.loaded:
		body = m.outcome.ViewRows(m.c, w, 2)
		if body == "" {
			body = st.Muted.Render("加载中" + st.Ellipsis)
		}
	case m.mode == profileContact:
		body = st.Heading.Render("修改联系方式") + "\n" + m.contact.View() + "\n\n" + bottom
	case m.mode == profileSearch:
		hint := "enter 查找；↑/↓ 选择后再按 enter 申请加入"
		body = m.query.View() + "\n" + st.Muted.Render(textwidth.Truncate(hint, w, st.Ellipsis)) + "\n" +
			m.units.Table().View() + "\n" + st.Muted.Render(m.units.Position()) + "\n" + bottom
	default:
		p := m.person
		title := p.Title
		if p.TitleLevel != "" {
			title += "（" + common.DictLabel(m.ref, domain.DictTitleLevel, p.TitleLevel) + "）"
		}
		unit := p.UnitName
		if unit == "" {
			unit = "无"
		}
		body = labelled(m.c, [][2]string{
			{"姓名", p.Name}, {"身份证号", p.IDNumber}, {"性别", p.Gender + "    出生日期：" + p.BirthDate},
			{"职称", title}, {"所属单位", unit}, {"归属状态", p.Status.Label()},
			{"手机号码", p.Mobile}, {"电子邮箱", p.Email},
		}, w)
		if hint := m.statusHint(); hint != "" {
			body += "\n\n" + st.Notice.Render(wrap(hint, w, 3))
		}
		body += "\n\n" + bottom
	}
	return textwidth.Block(body, w, h)
}

// ShortHelp lists the keys of the current screen.
func (m *Profile) ShortHelp() []key.Binding {
	km := m.km
	switch {
	case m.ask.Asking():
		return []key.Binding{withHelp(km.Yes, "y", "确定"), withHelp(km.No, "n", "取消")}
	case m.mode == profileContact:
		return []key.Binding{km.Save, km.Next}
	case m.mode == profileSearch:
		return []key.Binding{withHelp(km.Submit, "enter", "查找/申请加入"), km.Choose}
	}
	out := []key.Binding{withHelp(km.Edit, "e", "修改联系方式")}
	switch m.person.Status {
	case domain.AffiliationNone:
		out = append(out, km.Claim)
	case domain.AffiliationPending:
		out = append(out, km.Withdraw)
	}
	return out
}

// FullHelp adds reloading and navigation.
func (m *Profile) FullHelp() [][]key.Binding {
	km := m.km
	if m.mode == profileView {
		return [][]key.Binding{m.ShortHelp(), {km.Reload}}
	}
	return [][]key.Binding{m.ShortHelp(), {pane.KeyPrevPage, pane.KeyNextPage, withHelp(km.Back, "esc", "返回")}}
}
