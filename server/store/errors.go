package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"jxjy/server/domain"
)

// Messages for the errors mapDBError makes.
const (
	msgDuplicate   = "数据已存在，请勿重复提交"
	msgFieldsTaken = "信息已被占用，请按提示修改"
	msgReference   = "关联的数据不存在或仍在使用中，无法保存"
	msgUnavailable = "数据库暂时不可用，请稍后再试"
)

// uniqueKey names the form field behind a single-column UNIQUE constraint,
// so a violation the database catches (a concurrent request won the race
// past the pre-check) still reads as a field error.
type uniqueKey struct {
	table, column string
	field, msg    string
}

type violation int

const (
	noViolation violation = iota
	uniqueViolation
	foreignKeyViolation
	unavailable
	// badText: PostgreSQL refused a character (NUL, or bytes that are
	// not UTF-8). The API's text rule refuses them first; this is the
	// backstop for any path that reaches the database without it.
	badText
)

// mapDBError is the one place where driver errors of both databases become
// domain errors: unique and foreign-key violations turn into conflicts
// (with a field message when keys names the violated constraint), a busy or
// unreachable database into unavailable, a character PostgreSQL cannot
// store into invalid. Domain errors and everything else
// pass through unchanged.
func mapDBError(err error, keys ...uniqueKey) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	switch classify(err) {
	case uniqueViolation:
		for _, k := range keys {
			if violates(err, k) {
				return &domain.Error{Code: domain.CodeConflict, Message: msgFieldsTaken, Fields: map[string]string{k.field: k.msg}}
			}
		}
		return domain.Errorf(domain.CodeConflict, msgDuplicate)
	case foreignKeyViolation:
		return domain.Errorf(domain.CodeConflict, msgReference)
	case unavailable:
		return domain.Errorf(domain.CodeUnavailable, msgUnavailable)
	case badText:
		return domain.Errorf(domain.CodeInvalid, "输入%s", domain.TextControlMessage)
	}
	return err
}

func classify(err error) violation {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueViolation
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKeyViolation
		}
		// Extended codes keep the primary code in the low byte.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return unavailable
		}
		return noViolation
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return uniqueViolation
		case "23503":
			return foreignKeyViolation
		case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
			return badText
		}
		return noViolation
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return unavailable
	}
	return noViolation
}

// violates reports whether a unique violation is on k. SQLite names the
// columns ("UNIQUE constraint failed: users.username_key"); PostgreSQL names
// the constraint, which for an inline UNIQUE is <table>_<column>_key.
func violates(err error, k uniqueKey) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName == k.table+"_"+k.column+"_key"
	}
	msg, col := err.Error(), k.table+"."+k.column
	i := strings.Index(msg, "failed: "+col)
	if i < 0 {
		return false
	}
	rest := msg[i+len("failed: "+col):]
	return rest == "" || !isIdentChar(rest[0])
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
