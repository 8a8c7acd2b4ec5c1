package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"jxjy/server/domain"
)

// Validations awaiting 数据入库: 上传校验 keeps what it checked in the
// database, so the store step takes exactly that, on whichever instance
// the call reaches. The payload is the import's own (kind names it); this
// file only keeps, bounds and hands it back, for any batch import.

// PendingLimits bound the validations kept at once over all operators:
// when a new one would pass either bound, the oldest are dropped first.
// Each operator keeps one validation per kind (a new upload replaces
// theirs), and each expires after domain.ImportValidationTTL.
type PendingLimits struct {
	Count int
	Bytes int64
}

// DefaultPendingLimits keep up to 200 validations and 256 MB of payload:
// a 10,000-row file's is ≈ 1.5 MB.
func DefaultPendingLimits() PendingLimits { return PendingLimits{Count: 200, Bytes: 256 << 20} }

// pendingMeta is what a validation records beside its payload.
type pendingMeta struct {
	kind     string
	fileName string
	sha256   string
}

// pendingSaved names a kept validation.
type pendingSaved struct {
	id        string
	expiresAt time.Time
}

// Messages of a validation that cannot be used.
const (
	msgPendingMissing = "未找到该校验结果（可能已过期、已被重新上传的文件替换，或不属于您），请重新上传校验"
	msgPendingExpired = "校验结果已过期（校验后2小时内有效），请重新上传校验"
	msgPendingStored  = "该校验报告中的有效记录已入库，无需再次入库；如需导入修改后的文件，请重新上传校验"
)

// savePending keeps payload as p's validation of meta.kind, replacing the
// one p had, then drops the expired and, beyond lim, the oldest.
func (db *DB) savePending(ctx context.Context, p domain.Principal, meta pendingMeta, payload []byte, lim PendingLimits) (pendingSaved, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return pendingSaved{}, err
	}
	now := db.now()
	out := pendingSaved{id: hex.EncodeToString(raw[:]), expiresAt: now.Add(domain.ImportValidationTTL)}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_validations
			(id, kind, user_id, unit_id, file_name, sha256, size_bytes, payload, created_at, expires_at, stored_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)
			ON CONFLICT (user_id, kind) DO UPDATE SET id = excluded.id, unit_id = excluded.unit_id,
				file_name = excluded.file_name, sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
				payload = excluded.payload, created_at = excluded.created_at, expires_at = excluded.expires_at, stored_at = NULL`,
			out.id, meta.kind, p.User.ID, nullable(p.User.UnitID), meta.fileName, meta.sha256, int64(len(payload)), payload,
			millis(now), millis(out.expiresAt)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_validations WHERE expires_at <= $1`, millis(now)); err != nil {
			return err
		}
		return dropOldestPending(ctx, tx, lim)
	})
	if err != nil {
		return pendingSaved{}, mapDBError(err)
	}
	return out, nil
}

// dropOldestPending deletes, newest first kept, what passes lim.
func dropOldestPending(ctx context.Context, tx *sql.Tx, lim PendingLimits) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, size_bytes FROM import_validations ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return err
	}
	var drop []string
	count, bytes := 0, int64(0)
	for rows.Next() {
		var id string
		var size int64
		if err := rows.Scan(&id, &size); err != nil {
			rows.Close()
			return err
		}
		count++
		bytes += size
		// The newest is always kept: it is the one just made.
		if count > 1 && (count > lim.Count || bytes > lim.Bytes) {
			drop = append(drop, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_validations WHERE id = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// takePending marks p's validation id of kind as stored, inside tx, and
// returns its payload; a validation is stored at most once. Unknown,
// another operator's, expired and already stored ones are not_found, the
// last two saying so.
func (db *DB) takePending(ctx context.Context, tx *sql.Tx, p domain.Principal, kind, id string) ([]byte, error) {
	now := millis(db.now())
	var payload []byte
	err := tx.QueryRowContext(ctx, `UPDATE import_validations SET stored_at = $1
		WHERE id = $2 AND user_id = $3 AND kind = $4 AND stored_at IS NULL AND expires_at > $1 RETURNING payload`,
		now, id, p.User.ID, kind).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.pendingRefusal(ctx, tx, p, kind, id)
	}
	return payload, err
}

// pendingPayload is p's live validation id of kind, stored or not, for the
// error report.
func (db *DB) pendingPayload(ctx context.Context, p domain.Principal, kind, id string) ([]byte, error) {
	var payload []byte
	err := db.read.QueryRowContext(ctx, `SELECT payload FROM import_validations
		WHERE id = $1 AND user_id = $2 AND kind = $3 AND expires_at > $4`, id, p.User.ID, kind, millis(db.now())).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.pendingRefusal(ctx, db.read, p, kind, id)
	}
	return payload, mapDBError(err)
}

// pendingRefusal says why p cannot use validation id.
func (db *DB) pendingRefusal(ctx context.Context, q queryer, p domain.Principal, kind, id string) error {
	var expires int64
	var stored sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT expires_at, stored_at FROM import_validations WHERE id = $1 AND user_id = $2 AND kind = $3`,
		id, p.User.ID, kind).Scan(&expires, &stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.Errorf(domain.CodeNotFound, msgPendingMissing)
	case err != nil:
		return mapDBError(err)
	case expires <= millis(db.now()):
		return domain.Errorf(domain.CodeNotFound, msgPendingExpired)
	case stored.Valid:
		return domain.Errorf(domain.CodeNotFound, msgPendingStored)
	}
	return domain.Errorf(domain.CodeNotFound, msgPendingMissing)
}
