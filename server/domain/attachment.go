package domain

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachment is a file kept with an entity (its owner): licence scans of a
// role application, a plan's documents, a record's certificates. Files live
// in the database, so every server instance serves them.
type Attachment struct {
	ID           int64     `json:"id"`
	OwnerType    string    `json:"owner_type"` // an audit entity type, e.g. EntityUnit
	OwnerID      int64     `json:"owner_id"`
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"` // hex
	UploaderName string    `json:"uploader_name"`
	CreatedAt    time.Time `json:"created_at"`
}

// DefaultMaxUploadBytes is the size limit of one attachment unless the
// server is configured otherwise.
const DefaultMaxUploadBytes = 20 << 20

// DefaultMaxAttachments is how many files one owner (an application, a
// record…) may hold unless the server is configured otherwise.
const DefaultMaxAttachments = 20

// MaxAttachmentNameRunes bounds a file name.
const MaxAttachmentNameRunes = 100

// attachmentTypes are the accepted file types by extension, with the
// content types sniffing (http.DetectContentType) may report for them:
// a file whose content does not match its extension is refused, so a
// renamed executable is not served as a PDF.
var attachmentTypes = map[string]struct {
	contentType string
	sniffed     []string
}{
	".pdf":  {"application/pdf", []string{"application/pdf"}},
	".jpg":  {"image/jpeg", []string{"image/jpeg"}},
	".jpeg": {"image/jpeg", []string{"image/jpeg"}},
	".png":  {"image/png", []string{"image/png"}},
	".ofd":  {"application/ofd", []string{"application/zip"}},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{"application/zip"}},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{"application/zip"}},
	// The old binary Office formats have no signature the sniffer knows.
	".doc": {"application/msword", []string{"application/octet-stream"}},
	".xls": {"application/vnd.ms-excel", []string{"application/octet-stream"}},
}

// AttachmentExtensions lists the accepted extensions, for messages.
const AttachmentExtensions = "PDF、JPG、PNG、OFD、DOC、DOCX、XLS、XLSX"

// CheckAttachmentName validates a file name as the operator's machine gave
// it: a bare name (no directories), printable, with an accepted extension.
// It returns the trimmed name, or a Chinese message.
func CheckAttachmentName(name string) (string, string) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", "请提供文件名"
	case !utf8.ValidString(name):
		return "", "文件名编码无效"
	case strings.ContainsAny(name, `/\`):
		return "", "文件名不能包含路径分隔符（/ 或 \\）"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", "文件名不能包含控制字符"
	case strings.Contains(name, ".."):
		return "", "文件名不能包含“..”"
	case strings.HasPrefix(name, "."):
		return "", "文件名不能以“.”开头"
	case utf8.RuneCountInString(name) > MaxAttachmentNameRunes:
		return "", fmt.Sprintf("文件名不能超过%d个字符", MaxAttachmentNameRunes)
	}
	if _, ok := attachmentTypes[strings.ToLower(path.Ext(name))]; !ok {
		return "", "只能上传 " + AttachmentExtensions + " 文件"
	}
	return name, ""
}

// AttachmentContentType sniffs the start of a file (up to 512 bytes) and
// returns the content type to serve it with, or a Chinese message when the
// content does not match the name's extension. The name must have passed
// CheckAttachmentName.
func AttachmentContentType(name string, head []byte) (string, string) {
	t, ok := attachmentTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return "", "只能上传 " + AttachmentExtensions + " 文件"
	}
	sniffed := http.DetectContentType(head)
	if i := strings.IndexByte(sniffed, ';'); i >= 0 {
		sniffed = sniffed[:i]
	}
	for _, s := range t.sniffed {
		if s == sniffed {
			return t.contentType, ""
		}
	}
	return "", "文件内容与扩展名不符，请确认文件格式"
}

// FormatBytes writes a size for people: 512 B, 1.5 KB, 20.0 MB.
func FormatBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// AttachmentUpload is one file on its way to an owner.
type AttachmentUpload struct {
	OwnerType string
	OwnerID   int64
	Name      string
	// Size is the file's length, or -1 when unknown; a size over the
	// limit is refused before any byte is sent.
	Size int64
	Body io.Reader
	// Progress, if set, is called by the HTTP client as it sends Body,
	// with the bytes sent so far and Size; the store has no use for it.
	Progress func(done, total int64)
}

// AttachmentService keeps attachments. What a caller may do depends on the
// owner: each owner type decides who may see its attachments (others get
// not_found) and whether they may still change (a submitted application's
// attachments are frozen: conflict).
type AttachmentService interface {
	// ListAttachments lists an owner's attachments, oldest first.
	// Errors: not_found, bad_request (unknown owner type).
	ListAttachments(ctx context.Context, ownerType string, ownerID int64) ([]Attachment, error)
	// UploadAttachment stores a file. Errors: invalid (field "name", or
	// "file" when empty), too_large, unsupported_content (content does not
	// match the extension), conflict (owner no longer editable, same file
	// already attached), not_found, forbidden.
	UploadAttachment(ctx context.Context, up AttachmentUpload) (Attachment, error)
	// OpenAttachment returns a file's details and its content; the caller
	// closes the reader. Errors: not_found.
	OpenAttachment(ctx context.Context, id int64) (Attachment, io.ReadCloser, error)
	// DeleteAttachment removes a file while its owner is editable.
	// Errors: not_found, conflict, forbidden.
	DeleteAttachment(ctx context.Context, id int64) error
}
