package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"jxjy/server/captcha"
	"jxjy/server/domain"
	"jxjy/server/secret"
)

// AuthConfig tunes login and sessions; zero durations and counts take the
// defaults noted.
type AuthConfig struct {
	// CaptchaEnabled makes Login check the captcha. Off only for automated
	// tests and scripted demos (`--captcha off`): then any code passes.
	CaptchaEnabled bool
	CaptchaTTL     time.Duration // default 3m
	IdleTTL        time.Duration // default 2h
	AbsoluteTTL    time.Duration // default 12h
	MaxFailures    int           // failed logins before a lock; default 5
	LockDuration   time.Duration // default 15m
	// AttemptsPerMinute budgets login attempts per account, whatever their
	// outcome (a wrong captcha or a right password too), so guesses at one
	// account stay slow however many addresses they come from: the lockout
	// counts only wrong passwords. Default 10; negative turns it off (load
	// tests logging many workers into one account).
	AttemptsPerMinute int
}

func (c AuthConfig) withDefaults() AuthConfig {
	setDuration := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	setDuration(&c.CaptchaTTL, 3*time.Minute)
	setDuration(&c.IdleTTL, 2*time.Hour)
	setDuration(&c.AbsoluteTTL, 12*time.Hour)
	setDuration(&c.LockDuration, 15*time.Minute)
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.AttemptsPerMinute == 0 {
		c.AttemptsPerMinute = 10
	}
	return c
}

// attemptWindow is the period AttemptsPerMinute counts over.
const attemptWindow = time.Minute

// touchInterval bounds how often Authenticate writes a session's last use:
// every request reads the session, but at most one a minute writes it, so
// the single SQLite writer is not spent on bookkeeping.
const touchInterval = time.Minute

// AuthService implements domain.AuthService and domain.Authenticator.
type AuthService struct {
	db  *DB
	cfg AuthConfig
	// lastPurge (Unix milliseconds) throttles the purge of past attempt
	// windows to one a window per process.
	lastPurge atomic.Int64
}

var (
	_ domain.AuthService   = (*AuthService)(nil)
	_ domain.Authenticator = (*AuthService)(nil)
)

// NewAuthService returns the login and session service.
func NewAuthService(db *DB, cfg AuthConfig) *AuthService {
	return &AuthService{db: db, cfg: cfg.withDefaults()}
}

var (
	errCaptcha = &domain.Error{
		Code:    domain.CodeInvalid,
		Message: "验证码错误或已过期，请刷新后重试",
		Fields:  map[string]string{"captcha_code": "验证码错误或已过期，请刷新后重试"},
	}
	errCredentials    = domain.Errorf(domain.CodeUnauthenticated, "用户名或密码错误")
	errSessionExpired = domain.Errorf(domain.CodeUnauthenticated, "登录已过期，请重新登录")
)

// dummyHash is compared against when a login names no account, so such a
// login takes as long as a wrong password and timing does not tell which
// usernames exist.
var dummyHash = sync.OnceValue(func() string { return secret.HashPassword("jxjy-timing-equaliser-0") })

// NewCaptcha issues a single-use code. Expired captchas are purged here, so
// the table holds only a few minutes' worth.
func (s *AuthService) NewCaptcha(ctx context.Context) (domain.Captcha, error) {
	now := s.db.now()
	c := domain.Captcha{ID: secret.NewToken(), ExpiresAt: now.Add(s.cfg.CaptchaTTL)}
	code := captcha.NewCode()
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM captchas WHERE expires_at <= $1`, millis(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO captchas (id, code, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
			c.ID, code, millis(c.ExpiresAt), millis(now))
		return err
	})
	if err != nil {
		return domain.Captcha{}, err
	}
	c.Art = captcha.Render(code)
	return c, nil
}

// Login counts the attempt against the account's budget and checks the
// captcha, then the lockout, then the credentials.
func (s *AuthService) Login(ctx context.Context, req domain.LoginRequest) (domain.Session, error) {
	f := domain.Fields{}
	f.Check(usernameKey(req.Username) == "", "username", "请填写用户名")
	f.Check(req.Password == "", "password", "请填写密码")
	if err := f.Err(); err != nil {
		return domain.Session{}, err
	}
	now := s.db.now()
	key := usernameKey(req.Username)
	if err := s.admit(ctx, key, req, now); err != nil {
		return domain.Session{}, err
	}
	locked, err := s.isLocked(ctx, key, now)
	if err != nil {
		return domain.Session{}, err
	}
	if locked {
		return domain.Session{}, s.lockedError()
	}
	cred, found, err := credentialsByUsername(ctx, s.db.read, key)
	if err != nil {
		return domain.Session{}, err
	}
	if !found {
		cred.hash = dummyHash()
	}
	if !secret.CheckPassword(cred.hash, req.Password) || !found {
		return domain.Session{}, s.recordFailure(ctx, key, now)
	}
	return s.startSession(ctx, cred.id, key, now)
}

// admit counts a login attempt against the account's budget and, within
// it, consumes the captcha before comparing it, so each captcha allows a
// single guess. Both are written in one transaction: one write per login
// for the single SQLite writer. The count lives in the database, so the
// budget holds across server instances.
func (s *AuthService) admit(ctx context.Context, key string, req domain.LoginRequest, now time.Time) error {
	limit := s.cfg.AttemptsPerMinute
	if limit < 0 && !s.cfg.CaptchaEnabled {
		return nil
	}
	s.purgeAttempts(ctx, now)
	var attempts int
	var windowStart int64
	code, found := "", false
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		if limit >= 0 {
			stale := millis(now.Add(-attemptWindow))
			err := tx.QueryRowContext(ctx, `INSERT INTO login_attempts (username_key, window_start, attempts)
				VALUES ($1, $2, 1)
				ON CONFLICT (username_key) DO UPDATE SET
					attempts = CASE WHEN login_attempts.window_start <= $3 THEN 1 ELSE login_attempts.attempts + 1 END,
					window_start = CASE WHEN login_attempts.window_start <= $3 THEN $2 ELSE login_attempts.window_start END
				RETURNING attempts, window_start`, key, millis(now), stale).Scan(&attempts, &windowStart)
			if err != nil || attempts > limit {
				return err
			}
		}
		if !s.cfg.CaptchaEnabled {
			return nil
		}
		err := tx.QueryRowContext(ctx, `UPDATE captchas SET used_at = $1
			WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING code`, millis(now), req.CaptchaID).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	switch {
	case err != nil:
		return err
	case limit >= 0 && attempts > limit:
		s.db.log.Warn("login attempts over the account's budget", "username", key)
		wait := fromMillis(windowStart).Add(attemptWindow).Sub(now)
		return domain.Errorf(domain.CodeRateLimited, "该账号登录尝试过于频繁（每分钟最多%d次），请%d秒后再试",
			limit, int(math.Ceil(wait.Seconds())))
	case s.cfg.CaptchaEnabled && (!found || !captcha.Equal(code, req.CaptchaCode)):
		return errCaptcha
	}
	return nil
}

// purgeAttempts forgets past windows, which carry no state. It runs on its
// own, outside admit's transaction, so that two logins never hold rows the
// other waits for; and at most once a window per process.
func (s *AuthService) purgeAttempts(ctx context.Context, now time.Time) {
	last := s.lastPurge.Load()
	if now.Sub(fromMillis(last)) < attemptWindow || !s.lastPurge.CompareAndSwap(last, millis(now)) {
		return
	}
	if _, err := s.db.write.ExecContext(ctx, `DELETE FROM login_attempts WHERE window_start <= $1`,
		millis(now.Add(-attemptWindow))); err != nil {
		s.db.log.Warn("purge login attempts", "err", err)
	}
}

func (s *AuthService) isLocked(ctx context.Context, key string, now time.Time) (bool, error) {
	var until int64
	err := s.db.read.QueryRowContext(ctx, `SELECT locked_until FROM login_failures WHERE username_key = $1`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapDBError(err)
	}
	return until > millis(now), nil
}

func (s *AuthService) lockedError() error {
	minutes := int(math.Ceil(s.cfg.LockDuration.Minutes()))
	return domain.Errorf(domain.CodeLocked, "登录失败次数过多，账号已锁定，请%d分钟后再试", minutes)
}

// recordFailure counts a failed login by username, whether or not the
// account exists, so the lock never tells. Failures older than a lock
// period are forgotten; the failure that reaches the limit locks at once.
func (s *AuthService) recordFailure(ctx context.Context, key string, now time.Time) error {
	var failures int
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		stale := millis(now.Add(-s.cfg.LockDuration))
		// Rows of guessed usernames would pile up otherwise.
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE updated_at < $1 AND locked_until < $2`,
			millis(now.Add(-24*time.Hour)), millis(now)); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (username_key, failures, locked_until, updated_at)
			VALUES ($1, 1, 0, $2)
			ON CONFLICT (username_key) DO UPDATE SET
				failures = CASE WHEN login_failures.updated_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
				updated_at = $2
			RETURNING failures`, key, millis(now), stale).Scan(&failures)
		if err != nil || failures < s.cfg.MaxFailures {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE login_failures SET failures = 0, locked_until = $1 WHERE username_key = $2`,
			millis(now.Add(s.cfg.LockDuration)), key)
		return err
	})
	if err != nil {
		return err
	}
	if failures >= s.cfg.MaxFailures {
		s.db.log.Warn("login locked after repeated failures", "username", key)
		return s.lockedError()
	}
	return errCredentials
}

// startSession forgets past failures and opens a session; only the token's
// hash is stored.
func (s *AuthService) startSession(ctx context.Context, userID int64, key string, now time.Time) (domain.Session, error) {
	token := secret.NewToken()
	sess := domain.Session{Token: token, IdleExpiresAt: now.Add(s.cfg.IdleTTL), ExpiresAt: now.Add(s.cfg.AbsoluteTTL)}
	if sess.IdleExpiresAt.After(sess.ExpiresAt) {
		sess.IdleExpiresAt = sess.ExpiresAt
	}
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username_key = $1`, key); err != nil {
			return err
		}
		// Finished sessions are useless once past either expiry.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR idle_expires_at <= $1`,
			millis(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, idle_expires_at, expires_at)
			VALUES ($1, $2, $3, $3, $4, $5)`,
			secret.HashToken(token), userID, millis(now), millis(sess.IdleExpiresAt), millis(sess.ExpiresAt)); err != nil {
			return err
		}
		u, err := loadUser(ctx, tx, userID)
		sess.User = u
		return err
	})
	if err != nil {
		return domain.Session{}, err
	}
	return sess, nil
}

// session is a stored session row, with its account as stored now.
type session struct {
	user                    domain.User
	lastSeen, idle, expires int64
	revoked                 bool
}

// loadSession reads a session and its account in one query: every
// authenticated request does this first.
func (db *DB) loadSession(ctx context.Context, id string) (session, error) {
	var s session
	var revoked sql.NullInt64
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`,
		s.last_seen_at, s.idle_expires_at, s.expires_at, s.revoked_at
		FROM sessions s JOIN users u ON u.id = s.user_id`+userJoins+`
		WHERE s.id = $1`, id), &s.lastSeen, &s.idle, &s.expires, &revoked)
	s.user, s.revoked = u, revoked.Valid
	return s, err
}

func (s session) live(now time.Time) bool {
	ms := millis(now)
	return !s.revoked && ms < s.idle && ms < s.expires
}

// Authenticate resolves a bearer token and extends its idle expiry.
func (s *AuthService) Authenticate(ctx context.Context, token string) (domain.Principal, error) {
	if token == "" {
		return domain.Principal{}, errSessionExpired
	}
	now := s.db.now()
	id := secret.HashToken(token)
	sess, err := s.db.loadSession(ctx, id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !sess.live(now) {
		return domain.Principal{}, errSessionExpired
	}
	if err != nil {
		return domain.Principal{}, mapDBError(err)
	}
	if millis(now)-sess.lastSeen >= touchInterval.Milliseconds() {
		idle := min(millis(now.Add(s.cfg.IdleTTL)), sess.expires)
		if _, err := s.db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2
			WHERE id = $3 AND revoked_at IS NULL`, millis(now), idle, id); err != nil {
			return domain.Principal{}, mapDBError(err)
		}
	}
	return domain.Principal{SessionID: id, User: sess.user}, nil
}

// principal returns the caller, or unauthenticated.
func principal(ctx context.Context) (domain.Principal, error) {
	p, ok := domain.PrincipalFrom(ctx)
	if !ok {
		return domain.Principal{}, errSessionExpired
	}
	return p, nil
}

// Logout revokes the caller's session.
func (s *AuthService) Logout(ctx context.Context) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	now := s.db.now()
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
			millis(now), p.SessionID)
		return err
	})
}

// Me returns the caller's session with the account as stored now.
func (s *AuthService) Me(ctx context.Context) (domain.Session, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Session{}, err
	}
	sess, err := s.db.loadSession(ctx, p.SessionID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !sess.live(s.db.now()) {
		return domain.Session{}, errSessionExpired
	}
	if err != nil {
		return domain.Session{}, mapDBError(err)
	}
	return domain.Session{User: sess.user, IdleExpiresAt: fromMillis(sess.idle), ExpiresAt: fromMillis(sess.expires)}, nil
}

// ChangePassword replaces the caller's password and clears the forced
// change. The caller's session stays; the account's other sessions end,
// since whoever knew the old password may hold them.
func (s *AuthService) ChangePassword(ctx context.Context, req domain.PasswordChange) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	var old string
	err = s.db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, p.User.ID).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return errSessionExpired
	}
	if err != nil {
		return mapDBError(err)
	}
	if !secret.CheckPassword(old, req.Old) {
		return (domain.Fields{"old": "原密码不正确"}).Err()
	}
	// Hashing happens outside the transaction so the writer is not held
	// for it; the update only applies if the hash is still the one checked.
	hash := secret.HashPassword(req.New)
	now := s.db.now()
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = FALSE,
			password_changed_at = $2 WHERE id = $3 AND password_hash = $4`, hash, millis(now), p.User.ID, old)
		if err != nil {
			return err
		}
		changed, err := changedOne(res)
		if err != nil {
			return err
		}
		if !changed {
			return domain.Errorf(domain.CodeConflict, "密码已被修改，请重新登录后再试")
		}
		return revokeSessions(ctx, tx, p.User.ID, p.SessionID, now)
	})
}

var usccTaken = uniqueKey{table: "units", column: "uscc", field: "uscc", msg: "该统一社会信用代码已注册"}

// RegisterUnit creates a unit account whose role application is a draft.
func (s *AuthService) RegisterUnit(ctx context.Context, req domain.UnitRegistration) error {
	if err := req.Validate(); err != nil {
		return err
	}
	hash := secret.HashPassword(req.Password)
	now := s.db.now()
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		taken := domain.Fields{}
		exists, err := usernameExists(ctx, tx, req.Username)
		if err != nil {
			return err
		}
		taken.Check(exists, usernameTaken.field, usernameTaken.msg)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE uscc = $1`, req.USCC).Scan(&n); err != nil {
			return err
		}
		taken.Check(n > 0, usccTaken.field, usccTaken.msg)
		if len(taken) > 0 {
			return &domain.Error{Code: domain.CodeConflict, Message: msgFieldsTaken, Fields: taken}
		}
		var unitID int64
		err = tx.QueryRowContext(ctx, `INSERT INTO units (name, uscc, mobile, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			req.UnitName, req.USCC, req.Mobile, string(domain.ApplicationDraft), millis(now)).Scan(&unitID)
		if err != nil {
			return mapDBError(err, usccTaken)
		}
		userID, err := insertUser(ctx, tx, domain.User{
			Username: req.Username, Role: domain.RoleUnit, DisplayName: req.UnitName,
			UnitID: unitID, MustChangePassword: true,
		}, hash, 0, now)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, domain.AuditEntry{
			EntityType: domain.EntityUnit, EntityID: unitID,
			ActorUserID: userID, ActorName: req.UnitName, ActorRole: domain.RoleUnit,
			At: now, To: string(domain.ApplicationDraft), Comment: "单位注册",
		})
	})
}
