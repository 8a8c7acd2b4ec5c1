package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"jxjy/server/domain"
)

// queryer is what both pools and transactions offer for single-row reads.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// usernameKey is the form usernames are unique and looked up in, so
// "Demo-Unit" and "demo-unit" are one account and an ID number's check
// character matches in either case.
func usernameKey(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

// userColumns and userJoins read a user with what its role's organisation
// tells about it; userSelect is the two together.
const (
	userColumns = `u.id, u.username, u.role, u.display_name, u.must_change_password,
	COALESCE(u.unit_id, 0), COALESCE(n.name, ''), COALESCE(n.status, ''), COALESCE(n.region_code, ''),
	COALESCE(u.authority_id, 0), COALESCE(a.name, ''), COALESCE(a.region_code, ''),
	COALESCE(i.name, ''), COALESCE(p.id, 0)`
	userJoins = `
	LEFT JOIN units n ON n.id = u.unit_id
	LEFT JOIN authorities a ON a.id = u.authority_id
	LEFT JOIN institutions i ON i.id = u.institution_id
	LEFT JOIN persons p ON p.user_id = u.id`
	userSelect = `SELECT ` + userColumns + ` FROM users u` + userJoins
)

// adminDisplayName names every admin account alike: admins act for the
// system, not for an organisation.
const adminDisplayName = "系统管理员"

// loadUser returns the user with id, or sql.ErrNoRows.
func loadUser(ctx context.Context, q queryer, id int64) (domain.User, error) {
	return scanUser(q.QueryRowContext(ctx, userSelect+` WHERE u.id = $1`, id))
}

// scanUser reads a row of userColumns followed by the extra columns, if
// any.
func scanUser(row *sql.Row, extra ...any) (domain.User, error) {
	var u domain.User
	var role, unitName, unitStatus, unitRegion, authorityName, authorityRegion, institutionName string
	err := row.Scan(append([]any{
		&u.ID, &u.Username, &role, &u.DisplayName, &u.MustChangePassword,
		&u.UnitID, &unitName, &unitStatus, &unitRegion,
		&u.AuthorityID, &authorityName, &authorityRegion,
		&institutionName, &u.PersonID}, extra...)...)
	if err != nil {
		return domain.User{}, err
	}
	u.Role = domain.Role(role)
	// Each role shows and scopes by its own organisation only, so a field
	// that belongs to another role never leaks into a tenancy check.
	switch u.Role {
	case domain.RoleUnit:
		u.DisplayName, u.UnitStatus, u.RegionCode = unitName, domain.ApplicationStatus(unitStatus), unitRegion
		u.AuthorityID = 0
	case domain.RoleAuthority:
		u.DisplayName, u.RegionCode = authorityName, authorityRegion
		u.UnitID = 0
	case domain.RoleInstitution:
		u.DisplayName = institutionName
		u.UnitID, u.AuthorityID = 0, 0
	case domain.RoleAdmin:
		u.DisplayName = adminDisplayName
		u.UnitID, u.AuthorityID = 0, 0
	default:
		u.UnitID, u.AuthorityID = 0, 0
	}
	return u, nil
}

// credentials is what a login compares against.
type credentials struct {
	id   int64
	hash string
}

// credentialsByUsername returns the account's id and password hash, or
// found=false.
func credentialsByUsername(ctx context.Context, q queryer, username string) (c credentials, found bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, password_hash FROM users WHERE username_key = $1`,
		usernameKey(username)).Scan(&c.id, &c.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return credentials{}, false, nil
	}
	if err != nil {
		return credentials{}, false, mapDBError(err)
	}
	return c, true, nil
}

// insertUser stores a new account and returns its id; a taken username is
// a conflict on the username field.
func insertUser(ctx context.Context, tx *sql.Tx, u domain.User, hash string, institutionID int64, at time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users
		(username, username_key, password_hash, role, display_name, unit_id, authority_id, institution_id,
		 must_change_password, created_at, password_changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		u.Username, usernameKey(u.Username), hash, string(u.Role), u.DisplayName,
		nullable(u.UnitID), nullable(u.AuthorityID), nullable(institutionID),
		u.MustChangePassword, millis(at)).Scan(&id)
	return id, mapDBError(err, usernameTaken)
}

var usernameTaken = uniqueKey{table: "users", column: "username_key", field: "username", msg: "用户名已被使用"}

// usernameExists is the pre-check that lets a form report every taken
// field at once.
func usernameExists(ctx context.Context, q queryer, username string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username_key = $1`, usernameKey(username)).Scan(&n)
	return n > 0, err
}

// revokeSessions ends the user's sessions but the one kept (may be "").
func revokeSessions(ctx context.Context, tx *sql.Tx, userID int64, keep string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1
		WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL`, millis(at), userID, keep)
	return err
}
