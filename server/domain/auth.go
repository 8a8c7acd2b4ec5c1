package domain

import (
	"context"
	"strings"
	"time"
)

// Role is what a login account is.
type Role string

const (
	RoleUnit        Role = "unit"        // 法人单位
	RoleAuthority   Role = "authority"   // 人社主管部门
	RolePerson      Role = "person"      // 专业技术人员
	RoleInstitution Role = "institution" // 施教机构
	RoleAdmin       Role = "admin"       // 系统管理员
)

// Roles lists every role, in menu order.
var Roles = []Role{RoleUnit, RoleAuthority, RolePerson, RoleInstitution, RoleAdmin}

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case RoleUnit:
		return "法人单位"
	case RoleAuthority:
		return "人社主管部门"
	case RolePerson:
		return "专业技术人员"
	case RoleInstitution:
		return "施教机构"
	case RoleAdmin:
		return "系统管理员"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// ApplicationStatus is the state of a unit's role application (SPEC §5.1).
type ApplicationStatus string

const (
	ApplicationDraft     ApplicationStatus = "draft"
	ApplicationSubmitted ApplicationStatus = "submitted"
	ApplicationApproved  ApplicationStatus = "approved"
	ApplicationReturned  ApplicationStatus = "returned"
)

// Label is the status's Chinese name.
func (s ApplicationStatus) Label() string {
	switch s {
	case ApplicationDraft:
		return "草稿"
	case ApplicationSubmitted:
		return "已送审"
	case ApplicationApproved:
		return "已通过"
	case ApplicationReturned:
		return "已退回"
	}
	return string(s)
}

// User is a login account as the rest of the system sees it; secrets never
// leave the store.
type User struct {
	ID                 int64             `json:"id"`
	Username           string            `json:"username"`
	Role               Role              `json:"role"`
	DisplayName        string            `json:"display_name"`
	UnitID             int64             `json:"unit_id,omitempty"`
	UnitStatus         ApplicationStatus `json:"unit_status,omitempty"`
	AuthorityID        int64             `json:"authority_id,omitempty"`
	RegionCode         string            `json:"region_code,omitempty"`
	MustChangePassword bool              `json:"must_change_password"`
	PersonID           int64             `json:"person_id,omitempty"` // a person account's own record
}

// UnitActive reports whether a unit account's role application is approved,
// which unlocks every unit module but 法人单位角色申请.
func (u User) UnitActive() bool { return u.Role == RoleUnit && u.UnitStatus == ApplicationApproved }

// Session is a logged-in session. Token is only ever filled in the answer to
// Login: the server keeps only its hash.
type Session struct {
	Token         string    `json:"token,omitempty"`
	User          User      `json:"user"`
	IdleExpiresAt time.Time `json:"idle_expires_at"`
	ExpiresAt     time.Time `json:"expires_at"`
}

// Captcha is a single-use login code drawn as plain-ASCII art.
type Captcha struct {
	ID        string    `json:"id"`
	Art       string    `json:"art"`
	ExpiresAt time.Time `json:"expires_at"`
}

// LoginRequest is what the login screen sends.
type LoginRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	CaptchaID   string `json:"captcha_id"`
	CaptchaCode string `json:"captcha_code"`
}

// UnitRegistration is a unit's self-registration (1.1.1).
type UnitRegistration struct {
	Username string `json:"username"`
	Password string `json:"password"`
	UnitName string `json:"unit_name"`
	USCC     string `json:"uscc"`
	Mobile   string `json:"mobile"`
}

// Normalize trims the fields and upper-cases the USCC.
func (r *UnitRegistration) Normalize() {
	r.Username = strings.TrimSpace(r.Username)
	r.UnitName = strings.TrimSpace(r.UnitName)
	r.USCC = NormalizeUSCC(r.USCC)
	r.Mobile = strings.TrimSpace(r.Mobile)
}

// Validate normalises r and reports every field problem at once.
func (r *UnitRegistration) Validate() error {
	r.Normalize()
	f := Fields{}
	f.Add("username", CheckUsername(r.Username))
	f.Add("password", CheckPassword(r.Password))
	f.Add("unit_name", CheckText(r.UnitName, 100, "单位名称"))
	f.Add("uscc", CheckUSCC(r.USCC))
	f.Add("mobile", CheckMobile(r.Mobile))
	return f.Err()
}

// PasswordChange is the forced (or voluntary) change of one's own password.
type PasswordChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Validate checks the new password against the policy.
func (p PasswordChange) Validate() error {
	f := Fields{}
	f.Check(p.Old == "", "old", "请填写原密码")
	f.Add("new", CheckPassword(p.New))
	f.Check(p.New != "" && p.New == p.Old, "new", "新密码不能与原密码相同")
	return f.Err()
}

// AuthService is login, registration and the caller's own session.
// Calls other than NewCaptcha, Login and RegisterUnit need a session.
type AuthService interface {
	// NewCaptcha issues a single-use code valid for a few minutes.
	// Errors: rate_limited.
	NewCaptcha(ctx context.Context) (Captcha, error)
	// Login checks the captcha, then the credentials. Errors: invalid (field
	// captcha_code: wrong, used or expired), unauthenticated (wrong username
	// or password — the same message for both), locked (too many failures).
	Login(ctx context.Context, req LoginRequest) (Session, error)
	// Logout revokes the caller's session. Errors: unauthenticated.
	Logout(ctx context.Context) error
	// Me returns the caller's session with fresh account data.
	// Errors: unauthenticated.
	Me(ctx context.Context) (Session, error)
	// ChangePassword sets a new password and clears the forced-change flag.
	// Errors: invalid (field old when it does not match), unauthenticated.
	ChangePassword(ctx context.Context, req PasswordChange) error
	// RegisterUnit creates a unit account whose role application is an
	// empty draft; the first login forces a password change.
	// Errors: invalid, conflict (username or USCC taken, as a field error).
	RegisterUnit(ctx context.Context, req UnitRegistration) error
}

// Principal is the authenticated caller inside the server.
type Principal struct {
	SessionID string // hash of the token, never the token itself
	User      User
	// APITokenID is the institution's API token the call came with (0
	// for a login session): such a caller reaches only the machine routes.
	APITokenID int64
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p; the server's authentication
// middleware sets it and services read it.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller, if ctx carries one.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Authenticator resolves a bearer token to its principal and extends the
// session's idle expiry. Errors: unauthenticated (unknown, expired, revoked).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

// NewAccount is an account created by an administrator (or `jxjy admin`).
// It is made for someone else, so it always starts with a forced password
// change: the creator cannot choose otherwise.
type NewAccount struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	Role        Role   `json:"role"`
	DisplayName string `json:"display_name"`
	// RegionCode picks the authority organisation for authority accounts.
	RegionCode string `json:"region_code,omitempty"`
}

// Validate reports every field problem at once.
func (a *NewAccount) Validate() error {
	a.Username = strings.TrimSpace(a.Username)
	f := Fields{}
	f.Add("username", CheckUsername(a.Username))
	f.Add("password", CheckPassword(a.Password))
	switch a.Role {
	case RoleAuthority:
		f.Check(a.RegionCode == "", "region_code", "请选择主管部门所在地区")
	case RoleAdmin, RoleInstitution:
	default:
		f.Add("role", "只能创建主管部门、施教机构或管理员账号")
	}
	f.Check(a.Role == RoleInstitution && strings.TrimSpace(a.DisplayName) == "", "display_name", "请填写机构名称")
	return f.Err()
}

// PasswordReset sets someone else's password; they must change it at their
// next login.
type PasswordReset struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// AdminService is account administration. Callers must be admins, except
// that the `jxjy admin` command runs it with a system principal.
type AdminService interface {
	// CreateAccount creates an authority, institution or admin account.
	// Errors: forbidden, invalid, conflict (username taken), not_found (region).
	CreateAccount(ctx context.Context, a NewAccount) (User, error)
	// ResetPassword sets a new password, forces a change at next login,
	// clears any lockout and revokes the user's sessions.
	// Errors: forbidden, invalid, not_found (no such user).
	ResetPassword(ctx context.Context, r PasswordReset) error
}
