package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"jxjy/server/domain"
	"jxjy/server/secret"
)

// APITokenService implements domain.APITokenService and
// domain.TokenAuthenticator: institution API tokens, stored as hashes.
type APITokenService struct{ db *DB }

var (
	_ domain.APITokenService    = (*APITokenService)(nil)
	_ domain.TokenAuthenticator = (*APITokenService)(nil)
)

// NewAPITokenService returns the API token service.
func NewAPITokenService(db *DB) *APITokenService { return &APITokenService{db: db} }

// EntityAPIToken is the audit entity type of API tokens.
const EntityAPIToken = "api_token"

var (
	errAPITokenInvalid  = domain.Errorf(domain.CodeUnauthenticated, "API 令牌无效、已吊销或已过期")
	errAPITokenNotFound = domain.Errorf(domain.CodeNotFound, "API 令牌不存在")
	errNoInstitution    = domain.Errorf(domain.CodeNotFound, "施教机构账号不存在")
)

// tokenOwner is the institution account a token acts as.
type tokenOwner struct {
	userID, institutionID int64
}

// tokenCaller admits an administrator (any institution) or an institution
// (its own); own is the institution's, 0 for an administrator.
func tokenCaller(ctx context.Context, q queryer) (domain.Principal, tokenOwner, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, tokenOwner{}, err
	}
	switch p.User.Role {
	case domain.RoleAdmin:
		return p, tokenOwner{}, nil
	case domain.RoleInstitution:
		a, err := actorOf(ctx, q, p)
		if err != nil {
			return p, tokenOwner{}, err
		}
		return p, tokenOwner{userID: p.User.ID, institutionID: a.institutionID}, nil
	}
	return p, tokenOwner{}, domain.Errorf(domain.CodeForbidden, "当前角色（%s）无权管理 API 令牌", p.User.Role.Label())
}

// resolveInstitution finds the institution account named by username or
// by the institution's id (its first account).
func resolveInstitution(ctx context.Context, q queryer, name string) (tokenOwner, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return tokenOwner{}, (domain.Fields{"institution": "请指定施教机构账号或编号"}).Err()
	}
	var o tokenOwner
	var err error
	if id, perr := strconv.ParseInt(name, 10, 64); perr == nil {
		err = q.QueryRowContext(ctx, `SELECT id, institution_id FROM users
			WHERE role = 'institution' AND institution_id = $1 ORDER BY id LIMIT 1`, id).Scan(&o.userID, &o.institutionID)
	} else {
		var inst sql.NullInt64
		err = q.QueryRowContext(ctx, `SELECT id, institution_id FROM users
			WHERE role = 'institution' AND username_key = $1`, usernameKey(name)).Scan(&o.userID, &inst)
		o.institutionID = inst.Int64
		if err == nil && !inst.Valid {
			err = sql.ErrNoRows
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return o, errNoInstitution
	}
	return o, err
}

// ownerFor is whose tokens the caller means: an institution always its
// own (naming another answers not_found), an administrator the one named.
func ownerFor(ctx context.Context, q queryer, own tokenOwner, name string) (tokenOwner, error) {
	if own.institutionID == 0 {
		return resolveInstitution(ctx, q, name)
	}
	if strings.TrimSpace(name) == "" {
		return own, nil
	}
	o, err := resolveInstitution(ctx, q, name)
	if err != nil || o.institutionID != own.institutionID {
		return own, errNoInstitution
	}
	return own, nil
}

const apiTokenSelect = `SELECT t.id, t.institution_id, COALESCE(i.name, ''), u.username, t.name, t.created_by,
	t.created_at, t.expires_at, t.revoked_at, t.last_used_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN institutions i ON i.id = t.institution_id`

func scanAPIToken(s recordScanner) (domain.APIToken, error) {
	var t domain.APIToken
	var created int64
	var expires, revoked, used sql.NullInt64
	err := s.Scan(&t.ID, &t.InstitutionID, &t.InstitutionName, &t.Username, &t.Name, &t.CreatedBy,
		&created, &expires, &revoked, &used)
	t.CreatedAt = fromMillis(created)
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = recordTime(expires), recordTime(revoked), recordTime(used)
	return t, err
}

func checkTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 50 {
		return name, (domain.Fields{"name": "名称不能超过50个字"}).Err()
	}
	return name, nil
}

// CreateToken issues a token for the institution; only its hash is kept.
func (s *APITokenService) CreateToken(ctx context.Context, req domain.NewAPIToken) (domain.CreatedAPIToken, error) {
	p, own, err := tokenCaller(ctx, s.db.read)
	if err != nil {
		return domain.CreatedAPIToken{}, err
	}
	name, err := checkTokenName(req.Name)
	if err != nil {
		return domain.CreatedAPIToken{}, err
	}
	now := s.db.now()
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		return domain.CreatedAPIToken{}, (domain.Fields{"expires_at": "有效期应晚于现在"}).Err()
	}
	token := domain.APITokenPrefix + secret.NewToken()
	var out domain.CreatedAPIToken
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		o, err := ownerFor(ctx, tx, own, req.Institution)
		if err != nil {
			return err
		}
		var expires any
		if req.ExpiresAt != nil {
			expires = millis(*req.ExpiresAt)
		}
		creator := p.User.Username
		if creator == "" {
			creator = p.User.DisplayName
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, institution_id, name, created_by,
			created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			secret.HashToken(token), o.userID, o.institutionID, name, creator, millis(now), expires).Scan(&id); err != nil {
			return err
		}
		e := s.db.auditBy(p, EntityAPIToken, id)
		e.To, e.Comment = "active", "创建 API 令牌 "+name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out.APIToken, err = scanAPIToken(tx.QueryRowContext(ctx, apiTokenSelect+` WHERE t.id = $1`, id))
		return err
	})
	out.Token = token
	if err != nil {
		return domain.CreatedAPIToken{}, err
	}
	return out, nil
}

// ListTokens lists an institution's tokens, newest first.
func (s *APITokenService) ListTokens(ctx context.Context, institution string) ([]domain.APIToken, error) {
	_, own, err := tokenCaller(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	q, args := apiTokenSelect, []any{}
	if own.institutionID != 0 || strings.TrimSpace(institution) != "" {
		o, err := ownerFor(ctx, s.db.read, own, institution)
		if err != nil {
			return nil, err
		}
		q, args = q+` WHERE t.institution_id = $1`, append(args, o.institutionID)
	}
	rows, err := s.db.read.QueryContext(ctx, q+` ORDER BY t.id DESC LIMIT 1000`, args...)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := []domain.APIToken{}
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, mapDBError(err)
		}
		out = append(out, t)
	}
	return out, mapDBError(rows.Err())
}

// ownedToken checks the caller may manage token id.
func ownedToken(ctx context.Context, tx *sql.Tx, own tokenOwner, id int64) (domain.APIToken, error) {
	t, err := scanAPIToken(tx.QueryRowContext(ctx, apiTokenSelect+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && own.institutionID != 0 && t.InstitutionID != own.institutionID {
		return t, errAPITokenNotFound
	}
	return t, err
}

// RevokeToken ends a token; revoking a revoked token changes nothing.
func (s *APITokenService) RevokeToken(ctx context.Context, id int64) error {
	p, own, err := tokenCaller(ctx, s.db.read)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		t, err := ownedToken(ctx, tx, own, id)
		if err != nil || t.RevokedAt != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, millis(s.db.now()), id); err != nil {
			return err
		}
		e := s.db.auditBy(p, EntityAPIToken, id)
		e.From, e.To, e.Comment = "active", "revoked", "吊销 API 令牌 "+t.Name
		return insertAudit(ctx, tx, e)
	})
}

// RenameToken changes a token's name.
func (s *APITokenService) RenameToken(ctx context.Context, id int64, name string) (domain.APIToken, error) {
	p, own, err := tokenCaller(ctx, s.db.read)
	if err != nil {
		return domain.APIToken{}, err
	}
	name, err = checkTokenName(name)
	if err != nil {
		return domain.APIToken{}, err
	}
	var out domain.APIToken
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		t, err := ownedToken(ctx, tx, own, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET name = $1 WHERE id = $2`, name, id); err != nil {
			return err
		}
		e := s.db.auditBy(p, EntityAPIToken, id)
		e.Comment = "API 令牌改名：" + t.Name + " → " + name
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
		out, err = scanAPIToken(tx.QueryRowContext(ctx, apiTokenSelect+` WHERE t.id = $1`, id))
		return err
	})
	return out, err
}

// AuthenticateToken resolves an API token to its institution account. A
// known token that is revoked or expired still names its id, so the
// refused call is audited against it.
func (s *APITokenService) AuthenticateToken(ctx context.Context, token string) (domain.Principal, error) {
	if !domain.IsAPIToken(token) {
		return domain.Principal{}, errAPITokenInvalid
	}
	var id, userID int64
	var expires, revoked, used sql.NullInt64
	err := s.db.read.QueryRowContext(ctx, `SELECT id, user_id, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE token_hash = $1`, secret.HashToken(token)).Scan(&id, &userID, &expires, &revoked, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Principal{}, errAPITokenInvalid
	}
	if err != nil {
		return domain.Principal{}, mapDBError(err)
	}
	now := s.db.now()
	if revoked.Valid || expires.Valid && expires.Int64 <= millis(now) {
		return domain.Principal{APITokenID: id}, errAPITokenInvalid
	}
	u, err := loadUser(ctx, s.db.read, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Principal{APITokenID: id}, errAPITokenInvalid
	}
	if err != nil {
		return domain.Principal{}, mapDBError(err)
	}
	if !used.Valid || millis(now)-used.Int64 >= touchInterval.Milliseconds() {
		if _, err := s.db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, millis(now), id); err != nil {
			return domain.Principal{}, mapDBError(err)
		}
	}
	return domain.Principal{User: u, APITokenID: id}, nil
}

// RecordTokenCall writes one line of the token's call log.
func (s *APITokenService) RecordTokenCall(ctx context.Context, tokenID int64, method, path string, status int, requestID string) error {
	if len(path) > 500 {
		path = path[:500]
	}
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO api_token_calls (token_id, at, method, path, status, request_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, tokenID, millis(s.db.now()), method, path, status, requestID)
	return mapDBError(err)
}

// TokenCalls returns the latest calls of a token, newest first (tests and
// operators).
func (db *DB) TokenCalls(ctx context.Context, tokenID int64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT method, path, status FROM api_token_calls
		WHERE token_id = $1 ORDER BY id DESC LIMIT 1000`, tokenID)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m, p string
		var st int
		if err := rows.Scan(&m, &p, &st); err != nil {
			return nil, err
		}
		out = append(out, m+" "+p+" "+strconv.Itoa(st))
	}
	return out, rows.Err()
}
