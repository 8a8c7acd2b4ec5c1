package api

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"jxjy/server/domain"
)

// Headers of an attachment download beside Content-Type, -Length and
// -Disposition (which carries the name).
const (
	HeaderAttachmentID     = "X-Attachment-ID"
	HeaderAttachmentSHA256 = "X-Attachment-SHA256"
)

// attachmentRoutes serve every workflow's files. An owner is any entity
// type the store registered; whether the caller may see or change an
// owner's files is the store's per-type rule (another tenant's answer
// not_found). A unit applying for its role needs them before approval.
func (a *API) attachmentRoutes() []Route {
	anyRole := Access{InactiveUnit: true}
	return []Route{
		{Method: "GET", Path: "/entities/{type}/{id}/attachments", Summary: "附件列表", Access: anyRole, handler: a.listAttachments},
		{Method: "POST", Path: "/entities/{type}/{id}/attachments", Summary: "上传附件（请求体为文件内容，name 为文件名）", Access: anyRole, Upload: true, handler: a.uploadAttachment},
		{Method: "GET", Path: "/attachments/{id}", Summary: "下载附件", Access: anyRole, handler: a.downloadAttachment},
		{Method: "DELETE", Path: "/attachments/{id}", Summary: "删除附件", Access: anyRole, handler: a.deleteAttachment},
	}
}

func (a *API) listAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	owner := r.PathValue("type")
	return result(http.StatusOK, func(ctx context.Context) ([]domain.Attachment, error) {
		return a.cfg.Attachments.ListAttachments(ctx, owner, id)
	})(w, r)
}

// uploadAttachment takes the file as the raw body, its name from the
// query (percent-encoded, as any query value) and its size from
// Content-Length, which lets the service refuse an oversized file before
// the client sends it (the client waits for "100 Continue").
func (a *API) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	up := domain.AttachmentUpload{OwnerType: r.PathValue("type"), OwnerID: id,
		Name: r.URL.Query().Get("name"), Size: r.ContentLength, Body: r.Body}
	att, err := a.cfg.Attachments.UploadAttachment(r.Context(), up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, att)
	return nil
}

// downloadAttachment streams the file. The name travels in
// Content-Disposition (RFC 2231 encoded when not ASCII).
func (a *API) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	att, content, err := a.cfg.Attachments.OpenAttachment(r.Context(), id)
	if err != nil {
		return err
	}
	defer content.Close()
	// As for uploads: a big file may take minutes to reach a county office.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTimeout))
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(HeaderAttachmentID, strconv.FormatInt(att.ID, 10))
	h.Set(HeaderAttachmentSHA256, att.SHA256)
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, content); err != nil {
		a.log.WarnContext(r.Context(), "attachment download cut", "id", id, "err", err)
	}
	return nil
}

func (a *API) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := applicationPathID(r, "id")
	if err != nil {
		return err
	}
	return noContent(func(ctx context.Context) error {
		return a.cfg.Attachments.DeleteAttachment(ctx, id)
	})(w, r)
}
