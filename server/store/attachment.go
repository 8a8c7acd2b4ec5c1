package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"

	"jxjy/server/domain"
)

// AttachmentService implements domain.AttachmentService for every entity
// type registered with registerEntity: the entity type's rule decides who
// sees and who changes its files, this service does the rest once.
type AttachmentService struct {
	db       *DB
	maxBytes int64
	maxCount int
}

var _ domain.AttachmentService = (*AttachmentService)(nil)

// NewAttachmentService returns the attachment service; files over maxBytes
// (0: domain.DefaultMaxUploadBytes) are refused.
func NewAttachmentService(db *DB, maxBytes int64) *AttachmentService {
	if maxBytes <= 0 {
		maxBytes = domain.DefaultMaxUploadBytes
	}
	return &AttachmentService{db: db, maxBytes: maxBytes, maxCount: domain.DefaultMaxAttachments}
}

// WithMaxCount sets how many files one owner may hold (0:
// domain.DefaultMaxAttachments).
func (s *AttachmentService) WithMaxCount(n int) *AttachmentService {
	if n > 0 {
		s.maxCount = n
	}
	return s
}

// MaxBytes is the size limit of one file.
func (s *AttachmentService) MaxBytes() int64 { return s.maxBytes }

// checkCount refuses a file the owner has no room for.
func (s *AttachmentService) checkCount(ctx context.Context, q queryer, ownerType string, ownerID int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE owner_type = $1 AND owner_id = $2`,
		ownerType, ownerID).Scan(&n); err != nil {
		return mapDBError(err)
	}
	if n >= s.maxCount {
		return domain.Errorf(domain.CodeConflict, "附件已达%d个的上限，请先删除不需要的附件再上传", s.maxCount)
	}
	return nil
}

var errAttachmentNotFound = domain.Errorf(domain.CodeNotFound, "附件不存在")

const attachmentSelect = `SELECT id, owner_type, owner_id, name, content_type, size, sha256, uploader_name, created_at
	FROM attachments`

func scanAttachment(r applicationScanner) (domain.Attachment, error) {
	var a domain.Attachment
	var created int64
	err := r.Scan(&a.ID, &a.OwnerType, &a.OwnerID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploaderName, &created)
	a.CreatedAt = fromMillis(created)
	return a, err
}

// loadAttachment returns attachment id if p may read (or, with write,
// change) it; an attachment of an owner p may not see is not_found.
func loadAttachment(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) (domain.Attachment, error) {
	a, err := scanAttachment(q.QueryRowContext(ctx, attachmentSelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errAttachmentNotFound
	}
	if err != nil {
		return a, mapDBError(err)
	}
	if err := checkEntity(ctx, q, p, a.OwnerType, a.OwnerID, write); err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return a, errAttachmentNotFound
		}
		return a, err
	}
	return a, nil
}

// ListAttachments lists an owner's files, oldest first.
func (s *AttachmentService) ListAttachments(ctx context.Context, ownerType string, ownerID int64) ([]domain.Attachment, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEntity(ctx, s.db.read, p, ownerType, ownerID, false); err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, attachmentSelect+` WHERE owner_type = $1 AND owner_id = $2 ORDER BY id`,
		ownerType, ownerID)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := []domain.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, mapDBError(rows.Err())
}

func (s *AttachmentService) tooLarge() error {
	return domain.Errorf(domain.CodeTooLarge, "文件超过%s的上限，请压缩或拆分后再上传", domain.FormatBytes(s.maxBytes))
}

var errEmptyFile = &domain.Error{Code: domain.CodeInvalid, Message: "文件为空，请选择有内容的文件",
	Fields: map[string]string{"file": "文件为空，请选择有内容的文件"}}

// UploadAttachment checks the name and the caller's right first, so a
// refused upload costs no transfer; then reads the file (bounded by the
// limit), checks its content against its extension and stores it with
// an entry in the owner's history.
func (s *AttachmentService) UploadAttachment(ctx context.Context, up domain.AttachmentUpload) (domain.Attachment, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Attachment{}, err
	}
	name, msg := domain.CheckAttachmentName(up.Name)
	if msg != "" {
		return domain.Attachment{}, &domain.Error{Code: domain.CodeInvalid, Message: msg, Fields: map[string]string{"name": msg}}
	}
	switch {
	case up.Size > s.maxBytes:
		return domain.Attachment{}, s.tooLarge()
	case up.Size == 0:
		return domain.Attachment{}, errEmptyFile
	}
	if err := checkEntity(ctx, s.db.read, p, up.OwnerType, up.OwnerID, true); err != nil {
		return domain.Attachment{}, err
	}
	if err := s.checkCount(ctx, s.db.read, up.OwnerType, up.OwnerID); err != nil {
		return domain.Attachment{}, err
	}
	var content bytes.Buffer
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(&content, sum), io.LimitReader(up.Body, s.maxBytes+1))
	switch {
	case err != nil:
		return domain.Attachment{}, domain.Errorf(domain.CodeBadRequest, "文件上传中断，请重试")
	case n > s.maxBytes:
		return domain.Attachment{}, s.tooLarge()
	case n == 0:
		return domain.Attachment{}, errEmptyFile
	}
	data := content.Bytes()
	contentType, msg := domain.AttachmentContentType(name, data[:min(len(data), 512)])
	if msg != "" {
		return domain.Attachment{}, domain.Errorf(domain.CodeUnsupportedContent, "%s", msg)
	}
	a := domain.Attachment{OwnerType: up.OwnerType, OwnerID: up.OwnerID, Name: name, ContentType: contentType,
		Size: n, SHA256: hex.EncodeToString(sum.Sum(nil))}
	err = s.db.withTx(ctx, func(tx *sql.Tx) error {
		// The owner may have moved on (been submitted) while the file came in.
		if err := checkEntity(ctx, tx, p, up.OwnerType, up.OwnerID, true); err != nil {
			return err
		}
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT name FROM attachments WHERE owner_type = $1 AND owner_id = $2 AND sha256 = $3`,
			a.OwnerType, a.OwnerID, a.SHA256).Scan(&existing)
		if err == nil {
			return domain.Errorf(domain.CodeConflict, "相同内容的文件已上传（%s）", existing)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Uploads that were all let in above may race for the last place.
		if err := s.checkCount(ctx, tx, a.OwnerType, a.OwnerID); err != nil {
			return err
		}
		e := s.db.auditBy(p, a.OwnerType, a.OwnerID)
		a.UploaderName, a.CreatedAt = e.ActorName, e.At
		if err := tx.QueryRowContext(ctx, `INSERT INTO attachments
			(owner_type, owner_id, name, content_type, size, sha256, content, uploaded_by, uploader_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			a.OwnerType, a.OwnerID, a.Name, a.ContentType, a.Size, a.SHA256, data, nullable(p.User.ID),
			a.UploaderName, millis(a.CreatedAt)).Scan(&a.ID); err != nil {
			return err
		}
		e.Comment = "上传附件 " + a.Name
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return domain.Attachment{}, err
	}
	return a, nil
}

// OpenAttachment returns a file the caller may see, with its content.
func (s *AttachmentService) OpenAttachment(ctx context.Context, id int64) (domain.Attachment, io.ReadCloser, error) {
	p, err := principal(ctx)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	a, err := loadAttachment(ctx, s.db.read, p, id, false)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	var content []byte
	err = s.db.read.QueryRowContext(ctx, `SELECT content FROM attachments WHERE id = $1`, id).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Attachment{}, nil, errAttachmentNotFound
	}
	if err != nil {
		return domain.Attachment{}, nil, mapDBError(err)
	}
	return a, io.NopCloser(bytes.NewReader(content)), nil
}

// DeleteAttachment removes a file while its owner may still change, with
// an entry in the owner's history.
func (s *AttachmentService) DeleteAttachment(ctx context.Context, id int64) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return s.db.withTx(ctx, func(tx *sql.Tx) error {
		a, err := loadAttachment(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, id); err != nil {
			return err
		}
		e := s.db.auditBy(p, a.OwnerType, a.OwnerID)
		e.Comment = "删除附件 " + a.Name
		return insertAudit(ctx, tx, e)
	})
}
