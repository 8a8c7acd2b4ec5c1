// Package api is jxjy's HTTP/JSON interface: stdlib net/http with method and
// path patterns, plain middleware, log/slog. Every route declares who may
// call it; the declaration is enforced here and listed in the route index.
package api

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"jxjy/server/domain"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Idempotency stores answers to POSTs that carried an Idempotency-Key, so a
// retry after a dropped link replays the answer instead of repeating the write.
type Idempotency interface {
	// Begin claims scope+key for a request whose body and query hash to
	// requestHash. A finished earlier request is returned for replay; one
	// still running gives a conflict (domain.ErrRequestInProgress), one
	// with another hash domain.ErrKeyReused.
	Begin(ctx context.Context, scope, key, requestHash string) (*StoredResponse, error)
	Finish(ctx context.Context, scope, key string, resp StoredResponse) error
	// Abort releases a claim whose request failed without a definite answer.
	Abort(ctx context.Context, scope, key string) error
}

// StoredResponse is a replayable answer.
type StoredResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// Config wires the services behind the API.
type Config struct {
	Auth        domain.AuthService
	Authn       domain.Authenticator
	Reference   domain.ReferenceService
	Admin       domain.AdminService
	Idempotency Idempotency
	// Applications, Attachments and History serve unit onboarding and the
	// attachments and audit trail every workflow shares.
	Applications domain.UnitApplicationService
	Attachments  domain.AttachmentService
	History      domain.HistoryService
	// Persons and Teachers serve 专业技术人员信息管理 and 师资管理.
	Persons  domain.PersonService
	Teachers domain.TeacherService
	// Credit and Queries serve 信用管理 and 查询统计 (with the authority's
	// 单位失信信息录入 and 统计).
	Credit  domain.CreditService
	Queries domain.QueryService
	// Records serves 继续教育记录申报 and 认定, and the person's and
	// institution's 学时申报.
	Records domain.RecordService
	// Courses, Plans and Classes serve 专业课程目录, 专业课计划申报 and
	// 审核, and the 培训班 modules.
	Courses domain.CourseService
	Plans   domain.PlanService
	Classes domain.ClassService
	// RecordImport serves 继续教育记录批量申报.
	RecordImport domain.RecordImportService
	// Requirements and Certificates serve 学时要求设置, 继续教育证书打印,
	// 我的证书 and the public certificate check.
	Requirements domain.RequirementService
	Certificates domain.CertificateService
	// Work counts what waits for the caller, for the menu.
	Work domain.WorkService
	// Dictionaries serves the administrator's 字典维护.
	Dictionaries domain.DictionaryAdmin
	// Tokens, TokenAuthn and Machine serve institutions' API tokens and
	// the machine routes those tokens reach (and nothing else).
	Tokens     domain.APITokenService
	TokenAuthn domain.TokenAuthenticator
	Machine    domain.MachineService
	// TokenPerMinute and TokenBurst budget each API token's calls (default
	// 120 per minute, burst 30); negative TokenPerMinute turns it off.
	TokenPerMinute int
	TokenBurst     int
	// PoolStats reports the database connection pools for the metrics page.
	PoolStats func() map[string]sql.DBStats
	// Ready reports whether the server can serve (its database answers).
	Ready  func(context.Context) error
	Logger *slog.Logger
	// MaxBodyBytes caps JSON request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxUploadBytes caps the file body of an upload route (default
	// domain.DefaultMaxUploadBytes); give the attachment service the same
	// limit, which refuses with the clearer message.
	MaxUploadBytes int64
	// AnonymousPerMinute and AnonymousBurst budget each client address on
	// the rate-limited anonymous routes (default 30 per minute, burst 20);
	// a negative AnonymousPerMinute turns the limit off (load tests).
	AnonymousPerMinute int
	AnonymousBurst     int
	// TrustedProxies are gateways whose X-Forwarded-For names the client
	// (`jxjy serve --trusted-proxy`; `jxjy ssh` trusts its embedded server's
	// loopback), so per-address limits see each operator behind them.
	TrustedProxies []netip.Prefix
	// Now is the clock of the rate limiter (default time.Now).
	Now func() time.Time
	// WriteTimeout is the HTTP server's; the record export renews it while
	// the client keeps reading (0: the server has none).
	WriteTimeout time.Duration
}

// API is the HTTP handler.
type API struct {
	cfg     Config
	log     *slog.Logger
	routes  []Route
	mux     *http.ServeMux
	limiter *ipLimiter
	// tokenLimiter budgets each API token's calls.
	tokenLimiter *ipLimiter
	metrics      metrics
}

// Access says who may call a route.
type Access struct {
	// Public routes need no session.
	Public bool
	// Roles that may call the route; empty with Public false means any
	// logged-in role.
	Roles []domain.Role
	// DuringPasswordChange lets a session that must change its password
	// call the route; every other route refuses it until it has.
	DuringPasswordChange bool
	// InactiveUnit lets a unit whose role application is not approved call
	// the route; every other unit route is locked for it.
	InactiveUnit bool
	// NoIdempotency opts a POST out of Idempotency-Key replay (login: its
	// answer holds a secret and must never be stored).
	NoIdempotency bool
	// RateLimited budgets calls per client address (captcha, login,
	// registration: the doors an attacker knocks on).
	RateLimited bool
	// Machine routes are reached only with an institution's API token
	// (and API tokens reach nothing else): Roles then names institution.
	Machine bool
}

// Route is one entry of the route table.
type Route struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Summary string `json:"summary"`
	Access  Access `json:"-"`
	// Upload routes take a file as their raw body, up to MaxUploadBytes,
	// instead of a JSON body up to MaxBodyBytes.
	Upload bool `json:"-"`
	// Page routes are HTML pages for people outside the system (the
	// certificate check a QR code opens): served at the server's root,
	// not under Prefix, and answering refusals as a page.
	Page    bool `json:"-"`
	handler func(w http.ResponseWriter, r *http.Request) error
}

// New builds the handler with every route registered.
func New(cfg Config) *API {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = domain.DefaultMaxUploadBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AnonymousPerMinute == 0 {
		cfg.AnonymousPerMinute = 30
	}
	if cfg.AnonymousBurst <= 0 {
		cfg.AnonymousBurst = 20
	}
	if cfg.TokenPerMinute == 0 {
		cfg.TokenPerMinute = 120
	}
	if cfg.TokenBurst <= 0 {
		cfg.TokenBurst = 30
	}
	a := &API{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	if cfg.AnonymousPerMinute > 0 {
		a.limiter = newIPLimiter(cfg.AnonymousPerMinute, cfg.AnonymousBurst, cfg.Now)
	}
	if cfg.TokenPerMinute > 0 {
		a.tokenLimiter = newIPLimiter(cfg.TokenPerMinute, cfg.TokenBurst, cfg.Now)
	}
	a.routes = a.routeTable()
	for _, rt := range a.routes {
		a.mux.Handle(rt.Method+" "+rt.URLPath(), a.wrap(rt))
	}
	a.mux.HandleFunc("GET /healthz", a.live)
	a.mux.HandleFunc("GET /readyz", a.ready)
	a.mux.HandleFunc("GET "+Prefix, a.index)
	a.mux.HandleFunc("GET "+Prefix+"/{$}", a.index)
	a.mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, domain.Errorf(domain.CodeNotFound, "接口不存在：%s %s", r.Method, r.URL.Path))
	})
	return a
}

// URLPath is where the route is served: under Prefix, or at the root for
// a page.
func (rt Route) URLPath() string {
	if rt.Page {
		return rt.Path
	}
	return Prefix + rt.Path
}

// Routes returns the route table, for the index and the authorization tests.
func (a *API) Routes() []Route { return append([]Route(nil), a.routes...) }

// Handler returns the full middleware chain around the routes.
func (a *API) Handler() http.Handler {
	h := a.withMetrics(a.mux)
	h = withGzip(h)
	h = a.withRecover(h)
	h = withAccessLog(a.log)(h)
	h = withRequestID(h)
	return h
}

// wrap applies the route's access rules, then idempotency, then the handler.
func (a *API) wrap(rt Route) http.Handler {
	writeError := a.writeError
	if rt.Page {
		writeError = a.writePageError
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.limitBody(w, r, rt)
		if rt.Access.RateLimited {
			if err := a.limited(r); err != nil {
				w.Header().Set("Retry-After", a.limiter.retryAfter())
				a.writeError(w, r, err)
				return
			}
		}
		if rt.Access.Machine || domain.IsAPIToken(bearer(r)) {
			a.serveMachine(w, r, rt)
			return
		}
		ctx, err := a.authorize(r, rt.Access)
		if err != nil {
			writeError(w, r, err)
			return
		}
		r = r.WithContext(ctx)
		a.serve(w, r, rt)
	})
}

// serve runs an authorized request: idempotency, then the handler.
func (a *API) serve(w http.ResponseWriter, r *http.Request, rt Route) {
	if err := checkParamText(r, rt); err != nil {
		a.writeError(w, r, err)
		return
	}
	if r.Method == http.MethodPost && !rt.Access.NoIdempotency && a.cfg.Idempotency != nil {
		if key := r.Header.Get("Idempotency-Key"); key != "" {
			a.idempotent(w, r, rt, key)
			return
		}
	}
	if err := rt.handler(w, r); err != nil {
		a.writeError(w, r, err)
	}
}

// authorize resolves the bearer token and checks the route's role rules.
// The checks here are coarse (role, activation); tenant scope is checked by
// the services, which answer not_found for another tenant's ids.
func (a *API) authorize(r *http.Request, acc Access) (context.Context, error) {
	ctx := r.Context()
	token := bearer(r)
	if acc.Public && token == "" {
		return ctx, nil
	}
	if token == "" {
		return ctx, domain.Errorf(domain.CodeUnauthenticated, "请先登录")
	}
	p, err := a.cfg.Authn.Authenticate(ctx, token)
	if err != nil {
		if acc.Public {
			return ctx, nil
		}
		return ctx, err
	}
	ctx = domain.WithPrincipal(ctx, p)
	if acc.Public {
		return ctx, nil
	}
	u := p.User
	if u.MustChangePassword && !acc.DuringPasswordChange {
		return ctx, domain.Errorf(domain.CodePasswordChange, "首次登录或密码被重置，请先修改密码")
	}
	if len(acc.Roles) > 0 && !hasRole(acc.Roles, u.Role) {
		return ctx, domain.Errorf(domain.CodeForbidden, "当前角色（%s）无权进行此操作", u.Role.Label())
	}
	if u.Role == domain.RoleUnit && !u.UnitActive() && !acc.InactiveUnit {
		return ctx, domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return ctx, nil
}

func hasRole(roles []domain.Role, r domain.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// index lists the routes: the API's own table of contents.
func (a *API) index(w http.ResponseWriter, r *http.Request) {
	type entry struct {
		Method  string   `json:"method"`
		Path    string   `json:"path"`
		Summary string   `json:"summary"`
		Roles   []string `json:"roles"`
	}
	out := make([]entry, 0, len(a.routes))
	for _, rt := range a.routes {
		out = append(out, entry{rt.Method, rt.URLPath(), rt.Summary, accessLabel(rt.Access)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": "jxjy", "version": "v1", "routes": out})
}

func accessLabel(acc Access) []string {
	if acc.Public {
		return []string{"public"}
	}
	if len(acc.Roles) == 0 {
		return []string{"any"}
	}
	out := make([]string, len(acc.Roles))
	for i, r := range acc.Roles {
		out[i] = string(r)
	}
	return out
}
