package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// AdminService implements domain.AdminService.
type AdminService struct{ db *DB }

var _ domain.AdminService = (*AdminService)(nil)

// NewAdminService returns the account administration service.
func NewAdminService(db *DB) *AdminService { return &AdminService{db: db} }

// requireAdmin admits admins, including the system principal (ID 0) that
// `jxjy admin` runs with.
func requireAdmin(ctx context.Context) (domain.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Principal{}, err
	}
	if p.User.Role != domain.RoleAdmin {
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "只有系统管理员可以执行此操作")
	}
	return p, nil
}

// CreateAccount creates an authority, institution or admin account; the
// first authority account of a county creates the county's authority.
func (s *AdminService) CreateAccount(ctx context.Context, a domain.NewAccount) (domain.User, error) {
	p, err := requireAdmin(ctx)
	if err != nil {
		return domain.User{}, err
	}
	if err := a.Validate(); err != nil {
		return domain.User{}, err
	}
	a.DisplayName = strings.TrimSpace(a.DisplayName)
	hash := secret.HashPassword(a.Password)
	now := s.db.now()
	var user domain.User
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		u := domain.User{Username: a.Username, Role: a.Role, DisplayName: a.DisplayName, MustChangePassword: true}
		var institutionID int64
		switch a.Role {
		case domain.RoleAuthority:
			var err error
			if u.AuthorityID, err = ensureAuthority(ctx, tx, a.RegionCode); err != nil {
				return err
			}
		case domain.RoleInstitution:
			if err := tx.QueryRowContext(ctx, `INSERT INTO institutions (name) VALUES ($1) RETURNING id`,
				a.DisplayName).Scan(&institutionID); err != nil {
				return err
			}
		}
		id, err := insertUser(ctx, tx, u, hash, institutionID, now)
		if err != nil {
			return err
		}
		if user, err = loadUser(ctx, tx, id); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityUser, id)
		e.Comment = "创建" + a.Role.Label() + "账号 " + a.Username
		return insertAudit(ctx, tx, e)
	})
	return user, err
}

// ResetPassword sets a new password that must be changed at next login,
// clears any lockout and ends the user's sessions.
func (s *AdminService) ResetPassword(ctx context.Context, r domain.PasswordReset) error {
	p, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	f := domain.Fields{}
	f.Check(usernameKey(r.Username) == "", "username", "请填写用户名")
	f.Add("password", domain.CheckPassword(r.Password))
	if err := f.Err(); err != nil {
		return err
	}
	hash := secret.HashPassword(r.Password)
	now := s.db.now()
	key := usernameKey(r.Username)
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = TRUE,
			password_changed_at = $2 WHERE username_key = $3 RETURNING id`, hash, millis(now), key).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.CodeNotFound, "用户不存在")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username_key = $1`, key); err != nil {
			return err
		}
		if err := revokeSessions(ctx, tx, id, "", now); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityUser, id)
		e.Comment = "重置密码"
		return insertAudit(ctx, tx, e)
	})
}
