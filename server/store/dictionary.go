package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"jxjy/server/domain"
)

// DictionaryService implements domain.DictionaryAdmin (字典维护).
type DictionaryService struct{ db *DB }

var _ domain.DictionaryAdmin = (*DictionaryService)(nil)

// NewDictionaryService returns the dictionary maintenance service.
func NewDictionaryService(db *DB) *DictionaryService { return &DictionaryService{db: db} }

var (
	errDictKindUnknown  = domain.Errorf(domain.CodeBadRequest, "字典不存在或不可维护")
	errDictItemNotFound = domain.Errorf(domain.CodeNotFound, "字典项不存在")
	errDictItemStale    = domain.Errorf(domain.CodeConflict, "数据已被他人修改，请刷新后重试")
	errDictFixed        = domain.Errorf(domain.CodeInvalid, "科目类别由系统规则使用，不能增删")
)

const (
	msgDictCodeTaken  = "该代码已存在"
	msgDictLabelTaken = "该名称已存在"
)

func init() {
	// The trail of an item is the administrators' business only.
	registerEntity(domain.EntityDictItem, entityAccess{
		check: func(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error {
			if p.User.Role != domain.RoleAdmin {
				return errDictItemNotFound
			}
			if write {
				return domain.Errorf(domain.CodeForbidden, "字典项不能添加附件")
			}
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dict_items WHERE id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errDictItemNotFound
			}
			return nil
		},
	})
}

const dictEntryColumns = `id, kind, code, label, sort, enabled, version`

func scanDictEntry(row interface{ Scan(...any) error }) (domain.DictEntry, error) {
	var e domain.DictEntry
	var enabled bool
	if err := row.Scan(&e.ID, &e.Kind, &e.Code, &e.Label, &e.Sort, &enabled, &e.Version); err != nil {
		return domain.DictEntry{}, err
	}
	e.Disabled = !enabled
	return e, nil
}

// Dictionaries lists every editable dictionary in domain.EditableDictKinds
// order; they are small (tens of items), so they come whole, unpaged.
func (s *DictionaryService) Dictionaries(ctx context.Context) ([]domain.Dictionary, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+dictEntryColumns+` FROM dict_items ORDER BY kind, sort, code`)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	byKind := map[string][]domain.DictEntry{}
	for rows.Next() {
		e, err := scanDictEntry(rows)
		if err != nil {
			return nil, err
		}
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	if err := rows.Err(); err != nil {
		return nil, mapDBError(err)
	}
	out := make([]domain.Dictionary, len(domain.EditableDictKinds))
	for i, k := range domain.EditableDictKinds {
		out[i] = domain.Dictionary{DictKindInfo: k, Items: append([]domain.DictEntry{}, byKind[k.Kind]...)}
	}
	return out, nil
}

// labelTaken reports whether another item of kind (not code) has label.
func labelTaken(ctx context.Context, tx *sql.Tx, kind, code, label string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dict_items WHERE kind = $1 AND label = $2 AND code <> $3`,
		kind, label, code).Scan(&n)
	return n > 0, err
}

// AddDictItem appends an enabled item at the end of its dictionary.
func (s *DictionaryService) AddDictItem(ctx context.Context, kind string, item domain.NewDictItem) (domain.DictEntry, error) {
	p, err := requireAdmin(ctx)
	if err != nil {
		return domain.DictEntry{}, err
	}
	info, ok := domain.EditableDictKind(kind)
	if !ok {
		return domain.DictEntry{}, errDictKindUnknown
	}
	if info.Fixed {
		return domain.DictEntry{}, errDictFixed
	}
	item.Normalize()
	if err := item.Validate(); err != nil {
		return domain.DictEntry{}, err
	}
	var out domain.DictEntry
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dict_items WHERE kind = $1 AND code = $2`,
			kind, item.Code).Scan(&n); err != nil {
			return err
		}
		taken := domain.Fields{}
		taken.Check(n > 0, "code", msgDictCodeTaken)
		if t, err := labelTaken(ctx, tx, kind, item.Code, item.Label); err != nil {
			return err
		} else if t {
			taken.Add("label", msgDictLabelTaken)
		}
		if len(taken) > 0 {
			return &domain.Error{Code: domain.CodeConflict, Message: msgFieldsTaken, Fields: taken}
		}
		row := tx.QueryRowContext(ctx, `INSERT INTO dict_items (kind, code, label, sort)
			VALUES ($1, $2, $3, (SELECT COALESCE(MAX(sort), 0) + 1 FROM dict_items WHERE kind = $1))
			RETURNING `+dictEntryColumns, kind, item.Code, item.Label)
		var err error
		if out, err = scanDictEntry(row); err != nil {
			return err
		}
		e := s.db.auditBy(p, domain.EntityDictItem, out.ID)
		e.To = out.State()
		e.Comment = "新增" + info.Name + " " + out.Code + "「" + out.Label + "」"
		return insertAudit(ctx, tx, e)
	})
	return out, err
}

// UpdateDictItem relabels an item and disables or enables it.
func (s *DictionaryService) UpdateDictItem(ctx context.Context, kind, code string, ch domain.DictItemChange) (domain.DictEntry, error) {
	p, err := requireAdmin(ctx)
	if err != nil {
		return domain.DictEntry{}, err
	}
	info, ok := domain.EditableDictKind(kind)
	if !ok {
		return domain.DictEntry{}, errDictKindUnknown
	}
	ch.Label = strings.TrimSpace(ch.Label)
	if msg := domain.CheckDictLabel(ch.Label); msg != "" {
		return domain.DictEntry{}, &domain.Error{Code: domain.CodeInvalid, Message: msg, Fields: map[string]string{"label": msg}}
	}
	var out domain.DictEntry
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		old, err := scanDictEntry(tx.QueryRowContext(ctx, `SELECT `+dictEntryColumns+` FROM dict_items
			WHERE kind = $1 AND code = $2`, kind, code))
		if errors.Is(err, sql.ErrNoRows) {
			return errDictItemNotFound
		}
		if err != nil {
			return err
		}
		if old.Version != ch.Version {
			return errDictItemStale
		}
		if info.Fixed && ch.Disabled {
			return domain.Errorf(domain.CodeInvalid, "科目类别由系统规则使用，不能停用")
		}
		if old.Label == ch.Label && old.Disabled == ch.Disabled {
			out = old
			return nil
		}
		if t, err := labelTaken(ctx, tx, kind, code, ch.Label); err != nil {
			return err
		} else if t {
			return &domain.Error{Code: domain.CodeConflict, Message: msgFieldsTaken, Fields: map[string]string{"label": msgDictLabelTaken}}
		}
		res, err := tx.ExecContext(ctx, `UPDATE dict_items SET label = $1, enabled = $2, version = version + 1
			WHERE id = $3 AND version = $4`, ch.Label, !ch.Disabled, old.ID, old.Version)
		if err != nil {
			return err
		}
		if one, err := changedOne(res); err != nil {
			return err
		} else if !one {
			return errDictItemStale
		}
		out = old
		out.Label, out.Disabled, out.Version = ch.Label, ch.Disabled, old.Version+1
		e := s.db.auditBy(p, domain.EntityDictItem, old.ID)
		e.Comment = info.Name + " " + code
		if old.Label != ch.Label {
			e.Comment += "：名称「" + old.Label + "」改为「" + ch.Label + "」"
		}
		if old.Disabled != ch.Disabled {
			e.From, e.To = old.State(), out.State()
		}
		return insertAudit(ctx, tx, e)
	})
	return out, err
}

// msgDictDisabled is the field error for an item 字典维护 has disabled.
const msgDictDisabled = "该选项已停用，请重新选择"

// checkDictItem tells, as a field message, why code may not be stored as
// an item of kind: invalid when the dictionary does not hold it,
// msgDictDisabled when the item is disabled. A disabled item the row
// already stores (stored) stays acceptable, so old data saves unchanged.
// An empty code is left to the caller's required-field rules.
func checkDictItem(ctx context.Context, q queryer, kind, code, stored, invalid string) (string, error) {
	if code == "" {
		return "", nil
	}
	var enabled bool
	err := q.QueryRowContext(ctx, `SELECT enabled FROM dict_items WHERE kind = $1 AND code = $2`, kind, code).Scan(&enabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return invalid, nil
	case err != nil:
		return "", err
	case !enabled && code != stored:
		return msgDictDisabled, nil
	}
	return "", nil
}
