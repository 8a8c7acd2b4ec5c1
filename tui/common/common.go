// Package common is what every screen of the terminal UI receives: the
// terminal size, styles, key map and the domain services, passed explicitly
// (no globals), plus the small protocol screens use to call services and to
// ask the root model to navigate.
package common

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/keys"
	"jxjy/tui/styles"
)

// Pinger tells whether the server answers at all.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Services are the domain interfaces the UI talks to; it never sees HTTP.
type Services struct {
	Auth   domain.AuthService
	Ref    domain.ReferenceService
	Admin  domain.AdminService
	Health Pinger

	Applications domain.UnitApplicationService
	Attachments  domain.AttachmentService
	History      domain.HistoryService

	Persons  domain.PersonService
	Teachers domain.TeacherService

	Records domain.RecordService
	// RecordImport is 继续教育记录批量申报.
	RecordImport domain.RecordImportService

	Courses domain.CourseService
	Plans   domain.PlanService
	Classes domain.ClassService

	Requirements domain.RequirementService
	Certificates domain.CertificateService
	// Dictionaries is the administrator's 字典维护.
	Dictionaries domain.DictionaryAdmin

	// Credit and Queries are 信用管理 and 查询统计.
	Credit  domain.CreditService
	Queries domain.QueryService
	// Work is today's work the menu counts beside its modules.
	Work domain.WorkService
}

// Common is shared by every component of one UI instance.
type Common struct {
	Width, Height int
	Styles        *styles.Styles
	Keys          *keys.KeyMap
	Services      Services
	ServerURL     string
	Files         Files // where file screens read and write (local or SSH inbox/outbox)

	lastID ScreenID
}

// New builds the shared state for one UI instance.
func New(services Services, ascii bool, serverURL string) *Common {
	return &Common{
		Styles:    styles.New(ascii),
		Keys:      keys.New(ascii),
		Services:  services,
		ServerURL: serverURL,
	}
}

// ScreenID names one opened screen; answers to service calls carry it so a
// screen that has been closed, or replaced by a new one, ignores them.
type ScreenID uint64

// NewID returns an id no other screen of this UI has had. It is called from
// Update only, which Bubble Tea runs on one goroutine.
func (c *Common) NewID() ScreenID {
	c.lastID++
	return c.lastID
}

// Component is a screen, or a module inside the menu screen. Update mutates
// the component in place; commands it returns must not touch it.
type Component interface {
	help.KeyMap
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Typing reports whether a text field has the keyboard, so printable
	// keys (q, ?, j, k) are text and not commands.
	Typing() bool
}

// CallTimeout bounds every service call made from the UI.
const CallTimeout = 20 * time.Second

// Result is the answer to a service call, addressed to the screen that made
// it. Value is the caller's own payload type, set even when Err is not nil,
// so the screen knows which call answered.
type Result struct {
	To    ScreenID
	Value any
	Err   error
}

// Call runs fn off the UI goroutine with a timeout. fn must capture copies
// of what it needs, never the component.
func Call(to ScreenID, fn func(ctx context.Context) (any, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), CallTimeout)
		defer cancel()
		v, err := fn(ctx)
		return Result{To: to, Value: v, Err: err}
	}
}

// SessionStarted asks the root to enter a session: the forced password
// change when the account must change it, else the menu.
type SessionStarted struct{ Session domain.Session }

// ShowLogin asks the root for a fresh login screen.
type ShowLogin struct {
	Notice   string // shown above the form
	Username string // prefilled
}

// ShowRegister asks the root for the unit registration screen.
type ShowRegister struct{}

// ShowPersonRegister asks the root for the person registration screen.
type ShowPersonRegister struct{}

// ShowVerify asks the root for 证书查验, which needs no login.
type ShowVerify struct{}

// SessionStale tells the root that the account may have changed (a
// unit's role application submitted, returned or approved): the root
// reloads the session and, if it changed, rebuilds the menu around the
// open module, so an approved unit gets its full menu without logging in
// again. A screen that saw the unit's status sets UnitStatus, and the
// root reloads only when the session holds another.
type SessionStale struct {
	UnitStatus domain.ApplicationStatus
}

// SessionChanged tells the open screen that the root reloaded the
// session and found the account changed (the unit's application
// approved or returned); a screen showing what the account's state
// decides reloads it.
type SessionChanged struct{ User domain.User }

// Send is a command that delivers msg.
func Send(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}

// Unreachable reports whether err means the server did not answer, as
// opposed to answering with a refusal.
func Unreachable(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || domain.ErrorCode(err) == domain.CodeUnavailable
}

// ErrorText is the operator-facing message for a failed call.
func ErrorText(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "服务器响应超时，请稍后再试"
	case domain.ErrorCode(err) == domain.CodeUnavailable && domain.ErrorMessage(err) == "":
		return "无法连接服务器，请检查网络后重试"
	}
	return domain.ErrorMessage(err)
}

// Busy is the static text shown while a call is running (no spinner: an
// idle terminal must not be redrawn).
func (c *Common) Busy() string { return "处理中" + c.Styles.Ellipsis }
