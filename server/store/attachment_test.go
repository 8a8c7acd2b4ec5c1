package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// failingReader breaks off after some bytes, like a dropped upload.
type failingReader struct{ left int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left == 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.left)
	copy(p, bytes.Repeat([]byte("%"), n))
	f.left -= n
	return n, nil
}

func TestAttachmentRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		files := store.NewAttachmentService(db, 4096)
		a, _ := w.apps.MyApplication(w.newUnit)
		up := func(name string, size int64, body io.Reader) error {
			_, err := files.UploadAttachment(w.newUnit, domain.AttachmentUpload{OwnerType: domain.EntityUnit,
				OwnerID: a.ID, Name: name, Size: size, Body: body})
			return err
		}
		pdf := store.DemoPDF("ok")
		big := append(append([]byte{}, pdf...), bytes.Repeat([]byte(" "), 4096)...)

		err := up("big.pdf", int64(len(big)), strings.NewReader("never read"))
		if de := wantCode(t, err, domain.CodeTooLarge); !strings.Contains(de.Message, "4.0 KB") {
			t.Fatalf("limit not named: %s", de.Message)
		}
		// A size not declared up front is caught while reading.
		wantCode(t, up("big.pdf", -1, bytes.NewReader(big)), domain.CodeTooLarge)
		wantField(t, up("empty.pdf", 0, strings.NewReader("")), domain.CodeInvalid, "file", "文件为空")
		wantField(t, up("empty.pdf", -1, strings.NewReader("")), domain.CodeInvalid, "file", "文件为空")
		for _, name := range []string{"../../etc/passwd.pdf", `dir\x.pdf`, "a\x00b.pdf", "..pdf", "", "setup.exe"} {
			wantCode(t, up(name, int64(len(pdf)), bytes.NewReader(pdf)), domain.CodeInvalid)
		}
		wantCode(t, up("photo.jpg", int64(len(pdf)), bytes.NewReader(pdf)), domain.CodeUnsupportedContent)
		wantCode(t, up("cut.pdf", -1, &failingReader{left: 100}), domain.CodeBadRequest)
		_, err = files.UploadAttachment(w.newUnit, domain.AttachmentUpload{OwnerType: "spaceship", OwnerID: a.ID,
			Name: "a.pdf", Size: -1, Body: bytes.NewReader(pdf)})
		wantCode(t, err, domain.CodeBadRequest)
		if n := count(t, db, `SELECT COUNT(*) FROM attachments WHERE owner_type = 'unit' AND owner_id = $1`, a.ID); n != 0 {
			t.Fatalf("%d attachments stored by refused uploads", n)
		}

		// A good file is stored with its digest and sniffed type, and comes back whole.
		got, err := files.UploadAttachment(w.newUnit, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: " 营业执照 正本.PDF ", Size: int64(len(pdf)), Body: bytes.NewReader(pdf)})
		sum := sha256.Sum256(pdf)
		if err != nil || got.Name != "营业执照 正本.PDF" || got.ContentType != "application/pdf" ||
			got.Size != int64(len(pdf)) || got.SHA256 != hex.EncodeToString(sum[:]) || got.UploaderName != "广州市越秀区新创信息技术有限公司" {
			t.Fatalf("upload: %+v %v", got, err)
		}
		wantCode(t, up("again.pdf", -1, bytes.NewReader(pdf)), domain.CodeConflict)
		meta, rc, err := files.OpenAttachment(w.newUnit, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(content, pdf) || meta != got {
			t.Fatalf("download: %+v, %d bytes", meta, len(content))
		}
		list, err := files.ListAttachments(w.newUnit, domain.EntityUnit, a.ID)
		if err != nil || len(list) != 1 || list[0] != got {
			t.Fatalf("list: %+v %v", list, err)
		}
		mine, _ := w.apps.MyApplication(w.newUnit)
		if mine.Attachments != 1 {
			t.Fatalf("application counts %d attachments", mine.Attachments)
		}

		if err := files.DeleteAttachment(w.newUnit, got.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, files.DeleteAttachment(w.newUnit, got.ID), domain.CodeNotFound)
		_, _, err = files.OpenAttachment(w.newUnit, got.ID)
		wantCode(t, err, domain.CodeNotFound)
		h, _ := w.history.History(w.newUnit, domain.EntityUnit, a.ID)
		if n := len(h); n < 2 || h[n-2].Comment != "上传附件 营业执照 正本.PDF" || h[n-1].Comment != "删除附件 营业执照 正本.PDF" {
			t.Fatalf("attachment history: %+v", h)
		}
	})
}

// An approved unit's attachments are read-only, and a unit whose
// application is not approved reaches no other owner type.
func TestAttachmentsFollowTheOwnersState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newAppWorld(t, db)
		a, _ := w.apps.MyApplication(w.unit)
		_, err := w.files.UploadAttachment(w.unit, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "late.pdf", Size: -1, Body: bytes.NewReader(store.DemoPDF("late"))})
		de := wantCode(t, err, domain.CodeConflict)
		if !strings.Contains(de.Message, "已通过") {
			t.Fatalf("message %q", de.Message)
		}
		if _, err := w.files.ListAttachments(w.unit, domain.EntityUnit, a.ID); err != nil {
			t.Fatalf("an approved unit still reads its files: %v", err)
		}
		_, err = w.history.History(w.newUnit, domain.EntityUser, 1)
		wantCode(t, err, domain.CodeBadRequest)
	})
}
