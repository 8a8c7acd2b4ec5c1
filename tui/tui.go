// Package tui is the terminal UI of jxjy: a Bubble Tea program that talks to
// the server only through the domain service interfaces. The root model
// here owns the session, the title, help and status bars, and routes every
// other message to the current screen.
package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/admin"
	"jxjy/tui/application"
	"jxjy/tui/cert"
	"jxjy/tui/classes"
	"jxjy/tui/common"
	"jxjy/tui/course"
	"jxjy/tui/credit"
	"jxjy/tui/login"
	"jxjy/tui/menu"
	"jxjy/tui/pane"
	"jxjy/tui/password"
	"jxjy/tui/personnel"
	"jxjy/tui/plan"
	"jxjy/tui/query"
	"jxjy/tui/recordimport"
	"jxjy/tui/records"
	"jxjy/tui/register"
	"jxjy/tui/screen"
	"jxjy/tui/styles"
	"jxjy/tui/textwidth"
)

// Options configure one UI instance.
type Options struct {
	Services common.Services
	// ASCII picks the +-| theme for terminals that draw ambiguous-width
	// glyphs (box drawing, ●) two cells wide.
	ASCII bool
	// ServerURL is shown in the title bar.
	ServerURL string
	// Unencrypted warns on the status bar that passwords and data cross
	// the network in clear text (a remote http:// server the operator
	// accepted with --insecure-http).
	Unencrypted bool
	// Renderer styles the text (nil: lipgloss's default renderer); Run
	// uses screen.Renderer when none is given.
	Renderer *lipgloss.Renderer
	// Files is where file screens read and write; the zero value is the
	// operator's own disk.
	Files common.Files
	// Terminal is where Run shows the UI; nil for this process's own
	// terminal (standard input and output, in raw mode).
	Terminal *screen.Terminal
}

// Title is the system's name, on every screen.
const Title = "广东省专业技术人员继续教育管理系统"

// Notices the login screen shows after the root sends the operator back.
const (
	noticeExpired   = "登录已过期，请重新登录"
	noticeLoggedOut = "已退出登录"
)

const (
	pingInterval = 30 * time.Second
	pingTimeout  = 10 * time.Second
	// fullHelpRows is fixed so toggling help resizes the screen only once.
	fullHelpRows = 4
)

// reachability is what the status bar says about the server.
type reachability int

const (
	reachUnknown reachability = iota
	reachOnline
	reachOffline
)

// Model is the root model: a tea.Model.
type Model struct {
	c       *common.Common
	screen  common.Component
	session *domain.Session
	modules menu.Registry
	help    help.Model

	// ask is the root's question: quitting, or throwing unsaved input
	// away (logout, esc on a filled form).
	ask         pane.Confirm
	reach       reachability
	unencrypted bool
}

// modules is where each delivered module plugs into the menu by its key.
func modules() menu.Registry {
	return menu.Registry{
		admin.ModuleCreateAuthority:      admin.NewCreateAuthority,
		admin.ModuleResetPassword:        admin.NewResetPassword,
		admin.ModuleDictionaries:         admin.NewDictionaries,
		application.ModuleApply:          application.NewApply,
		application.ModuleInfo:           application.NewInfo,
		application.ModuleReview:         application.NewReview,
		personnel.ModuleConfirm:          personnel.NewConfirm,
		personnel.ModuleMaintain:         personnel.NewMaintain,
		personnel.ModuleProfile:          personnel.NewProfile,
		personnel.ModuleTeachers:         personnel.NewTeachers,
		records.ModuleDeclare:            records.NewDeclare,
		records.ModuleReview:             records.NewReview,
		records.ModulePersonDeclare:      records.NewPersonDeclare,
		records.ModuleHours:              records.NewHours,
		records.ModuleInstitutionDeclare: records.NewInstitutionDeclare,
		records.ModuleInstitutionQuery:   records.NewInstitutionQuery,
		plan.ModuleApply:                 plan.NewApply,
		plan.ModuleReview:                plan.NewReview,
		course.Module:                    course.New,
		classes.ModuleSetup:              classes.NewSetup,
		classes.ModuleAttendance:         classes.NewAttendance,
		classes.ModuleEnroll:             classes.NewEnroll,
		cert.ModulePrint:                 cert.NewPrint,
		cert.ModuleMine:                  cert.NewMine,
		cert.ModuleAuthorityRequires:     cert.NewRequirements,
		cert.ModuleAdminRequires:         cert.NewRequirements,
		recordimport.Module:              recordimport.New,
		credit.ModuleEntry:               credit.NewEntry,
		credit.ModuleView:                credit.NewView,
		credit.ModuleAuthority:           credit.NewAuthority,
		query.ModulePlans:                query.NewPlans,
		query.ModuleRecords:              query.NewRecords,
		query.ModuleStats:                query.NewStats,
	}
}

// New builds the UI, starting at the login screen.
func New(o Options) *Model {
	c := common.New(o.Services, o.ASCII, o.ServerURL)
	c.Styles = styles.NewWithRenderer(o.Renderer, o.ASCII)
	c.Files = o.Files
	c.Width, c.Height = 80, 24
	st := c.Styles
	h := help.New()
	h.ShortSeparator, h.Ellipsis = st.HelpSep, st.Ellipsis
	// help's default styles use adaptive colours, which query the terminal.
	h.Styles = help.Styles{
		ShortKey: st.HelpKey, ShortDesc: st.Muted, ShortSeparator: st.Muted, Ellipsis: st.Muted,
		FullKey: st.HelpKey, FullDesc: st.Muted, FullSeparator: st.Muted,
	}
	m := &Model{c: c, modules: modules(), help: h, unencrypted: o.Unencrypted}
	m.screen = login.New(c, "", "")
	m.resize(c.Width, c.Height)
	return m
}

// Run shows the UI full-screen on o.Terminal until the operator quits or
// ctx ends. Frames are drawn by tui/screen, which sends only the cells that
// changed (a keystroke costs bytes, not lines, on a slow link).
func Run(ctx context.Context, o Options, progOpts ...tea.ProgramOption) error {
	t := o.Terminal
	if t == nil {
		stdio, restore, err := screen.Stdio()
		if err != nil {
			return err
		}
		defer restore()
		t = &stdio
	}
	if o.Renderer == nil {
		o.Renderer = screen.Renderer()
	}
	return screen.NewProgram(ctx, New(o), *t, progOpts...).Run()
}

type pingDue struct{}

type pinged struct{ err error }

// loggedOut answers the logout call; no screen is waiting for it.
type loggedOut struct{}

// sessionRefreshed answers the session reload a screen asked for.
type sessionRefreshed struct{ session domain.Session }

// Where is who is logged in and which module or screen is open, for
// naming a session to its operator (jxjy ssh's detached sessions).
type Where struct {
	Role     string // the role's label, empty before login
	Username string
	Screen   string
}

// Where names the operator's place: the module open in the menu, or the
// screen. Call it on the program's goroutine (from Update).
func (m *Model) Where() Where {
	var w Where
	if m.session != nil {
		w.Role, w.Username = m.session.User.Role.Label(), m.session.User.Username
	}
	switch s := m.screen.(type) {
	case *menu.Model:
		w.Screen = s.OpenTitle()
	case *login.Model:
		w.Screen = "用户登录"
	case *password.Model:
		w.Screen = "修改密码"
	}
	return w
}

// Init loads the login screen and starts watching the server.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.screen.Init(), m.ping()) }

// Update keeps the root's own concerns here and delegates the rest.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case pingDue:
		return m, m.ping()
	case pinged:
		// Any failed ping is unreachable, whatever error type it carries.
		m.reach = reachOnline
		if msg.err != nil {
			m.reach = reachOffline
		}
		return m, tea.Tick(pingInterval, func(time.Time) tea.Msg { return pingDue{} })
	case common.Result:
		m.noteReach(msg.Err)
		if cmd, lost := m.sessionLost(msg.Err); lost {
			return m, cmd
		}
		if v, ok := msg.Value.(sessionRefreshed); ok {
			if msg.Err == nil && m.applySession(v.session) {
				return m, m.screen.Update(common.SessionChanged{User: v.session.User})
			}
			return m, nil
		}
	case common.SessionStale:
		if m.session != nil && msg.UnitStatus != "" && msg.UnitStatus == m.session.User.UnitStatus {
			return m, nil
		}
		return m, m.refreshSession()
	case common.SessionStarted:
		return m, m.startSession(msg.Session)
	case common.ShowLogin:
		return m, m.show(login.New(m.c, msg.Notice, msg.Username))
	case common.ShowRegister:
		return m, m.show(register.New(m.c))
	case common.ShowPersonRegister:
		return m, m.show(personnel.NewRegister(m.c))
	case common.ShowVerify:
		return m, m.show(cert.NewVerify(m.c))
	}
	return m, m.screen.Update(msg)
}

// handleKey answers the root's question, or takes the global keys, or
// passes the key on. Printable keys are text while a field has the
// keyboard. Unsaved input is never thrown away without a question: quit
// and logout ask when the screen is dirty, and a key the screen says
// would discard input (esc on a filled form) waits for y. On n nothing
// has moved, so the operator is back in the very field they left.
func (m *Model) handleKey(k tea.KeyMsg) tea.Cmd {
	km := m.c.Keys
	if cmd, asked := m.ask.Update(m.c, k); asked {
		return cmd
	}
	text := k.Type == tea.KeyRunes && m.screen.Typing()
	switch {
	case key.Matches(k, km.Quit) && !text:
		question := "确定退出吗？"
		if common.IsDirty(m.screen) {
			question = common.DiscardQuestion
		}
		m.ask.Ask(question, func() tea.Cmd { return tea.Quit })
	case key.Matches(k, km.Help) && !text:
		m.help.ShowAll = !m.help.ShowAll
		m.resize(m.c.Width, m.c.Height)
	case key.Matches(k, km.Logout) && m.session != nil:
		if common.IsDirty(m.screen) {
			m.ask.Ask(common.DiscardQuestion, m.logout)
			return nil
		}
		return m.logout()
	case common.Discards(m.screen, k):
		m.ask.Ask(common.DiscardQuestion, func() tea.Cmd { return m.screen.Update(k) })
	default:
		return m.screen.Update(k)
	}
	return nil
}

// noteReach reads server reachability off a call's outcome.
func (m *Model) noteReach(err error) {
	if common.Unreachable(err) {
		m.reach = reachOffline
	} else {
		m.reach = reachOnline
	}
}

// sessionLost sends the operator back to log in when the session expired,
// or to the password change when the server demands it.
func (m *Model) sessionLost(err error) (tea.Cmd, bool) {
	if m.session == nil {
		return nil, false
	}
	switch domain.ErrorCode(err) {
	case domain.CodeUnauthenticated:
		username := m.session.User.Username
		m.session = nil
		return m.show(login.New(m.c, noticeExpired, username)), true
	case domain.CodePasswordChange:
		if _, already := m.screen.(*password.Model); !already {
			return m.show(password.New(m.c)), true
		}
	}
	return nil, false
}

func (m *Model) startSession(s domain.Session) tea.Cmd {
	m.session = &s
	if s.User.MustChangePassword {
		return m.show(password.New(m.c))
	}
	return m.show(menu.New(m.c, s.User, m.modules))
}

// refreshSession reloads the account (common.SessionStale).
func (m *Model) refreshSession() tea.Cmd {
	if m.session == nil {
		return nil
	}
	auth := m.c.Services.Auth
	return common.Call(0, func(ctx context.Context) (any, error) {
		s, err := auth.Me(ctx)
		return sessionRefreshed{session: s}, err
	})
}

// applySession takes a reloaded session; when the account changed, the
// menu is rebuilt for it, keeping the module the operator is in, and it
// reports true.
func (m *Model) applySession(s domain.Session) bool {
	if m.session == nil || s.User == m.session.User {
		return false
	}
	m.session = &s
	old, ok := m.screen.(*menu.Model)
	if !ok {
		return true
	}
	rebuilt := menu.New(m.c, s.User, m.modules)
	rebuilt.Keep(old)
	m.screen = rebuilt
	m.resize(m.c.Width, m.c.Height)
	return true
}

// logout leaves at once; the server is told in the background, so an
// unreachable server does not keep the operator in.
func (m *Model) logout() tea.Cmd {
	auth := m.c.Services.Auth
	m.session = nil
	bye := common.Call(0, func(ctx context.Context) (any, error) {
		return loggedOut{}, auth.Logout(ctx)
	})
	return tea.Batch(m.show(login.New(m.c, noticeLoggedOut, "")), bye)
}

func (m *Model) ping() tea.Cmd {
	h := m.c.Services.Health
	if h == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		defer cancel()
		return pinged{err: h.Ping(ctx)}
	}
}

// show replaces the current screen; answers still on their way to the old
// one carry its id and will be dropped.
func (m *Model) show(s common.Component) tea.Cmd {
	m.screen = s
	m.resize(m.c.Width, m.c.Height)
	return s.Init()
}

func (m *Model) helpRows() int {
	if m.help.ShowAll {
		return fullHelpRows
	}
	return 1
}

// resize gives the screen everything but the title, help and status bars.
func (m *Model) resize(w, h int) {
	m.c.Width, m.c.Height = w, h
	m.help.Width = w
	m.screen.SetSize(w, max(h-2-m.helpRows(), 1))
}

// View is the title bar, the screen, the help (or the quit question) and
// the status bar: exactly the terminal's size.
func (m *Model) View() string {
	w, h := m.c.Width, m.c.Height
	if w < MinWidth || h < MinHeight {
		return tooSmall(m.c, w, h)
	}
	bodyH := max(h-2-m.helpRows(), 1)
	var bottom string
	if m.ask.Asking() {
		bottom = m.c.Styles.Confirm.Render(" " + m.ask.Question() + "(y/n)")
	} else {
		bottom = m.help.View(rootHelp{m})
		if !m.help.ShowAll {
			bottom = shortHelp(m.help, rootHelp{m}.ShortHelp())
		}
	}
	return textwidth.Block(lipgloss.JoinVertical(lipgloss.Left,
		m.titleBar(w),
		textwidth.Block(m.screen.View(), w, bodyH),
		textwidth.Block(bottom, w, m.helpRows()),
		m.statusBar(w),
	), w, h)
}

func (m *Model) titleBar(w int) string {
	st := m.c.Styles
	title := " " + Title
	room := w - textwidth.Width(title) - 3
	if m.c.ServerURL == "" || room < 8 {
		return st.TitleBar.Render(textwidth.Truncate(title, w, st.Ellipsis))
	}
	url := textwidth.Truncate(m.c.ServerURL, room, st.Ellipsis)
	gap := w - textwidth.Width(title) - textwidth.Width(url) - 1
	return st.TitleBar.Render(title) + textwidth.PadRight("", gap) + st.Muted.Render(url)
}

// statusBar is who is logged in and whether the server answers.
func (m *Model) statusBar(w int) string {
	st := m.c.Styles
	who := "未登录"
	if m.session != nil {
		u := m.session.User
		who = u.Role.Label() + " | " + u.Username
		if u.DisplayName != "" {
			who = u.DisplayName + " | " + who
		}
	}
	var reach string
	switch m.reach {
	case reachOnline:
		reach = st.Online + " 在线"
	case reachOffline:
		reach = st.Offline + " 离线"
	default:
		reach = st.Offline + " 连接中"
	}
	reach = " " + reach + " "
	if m.unencrypted {
		reach = " 未加密连接 |" + reach
	}
	left := textwidth.Fit(" "+who, max(w-textwidth.Width(reach), 0), st.Ellipsis)
	return st.StatusBar.Render(left + reach)
}

// rootHelp is the screen's keys followed by the global ones; keys that are
// letters are left out while a field takes letters as text.
type rootHelp struct{ m *Model }

func (r rootHelp) global() []key.Binding {
	km := r.m.c.Keys
	helpKey, quit := km.Help, km.Quit
	if r.m.screen.Typing() {
		helpKey.SetHelp("f1", "帮助")
		quit.SetHelp("ctrl+c", "退出")
	}
	out := []key.Binding{helpKey}
	if r.m.session != nil {
		out = append(out, km.Logout)
	}
	return append(out, quit)
}

func (r rootHelp) ShortHelp() []key.Binding {
	return append(r.m.screen.ShortHelp(), r.global()...)
}

func (r rootHelp) FullHelp() [][]key.Binding {
	return append(r.m.screen.FullHelp(), r.global())
}
