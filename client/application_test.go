package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"jxjy/client"
	"jxjy/server"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// fillApplication completes a unit's application form for 越秀区, whose
// competent authority is Guangzhou's.
func fillApplication(t *testing.T, a domain.UnitApplication) domain.ApplicationForm {
	t.Helper()
	f := domain.FormOf(a)
	f.UnitType, f.RegionCode, f.LegalRep, f.ContactPerson = "enterprise", "440104", "赵立新", "孙小梅"
	f.Mobile, f.Email, f.PostalCode, f.Address = "13711112222", "hr@xinchuang.cn", "510030", "广州市越秀区东风中路300号"
	return f
}

func TestApplicationRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		unit := env.Client()
		mustLogin(t, unit, store.DemoNewUnit, demoPassword)
		a, err := unit.MyApplication(ctx)
		if err != nil || a.Status != domain.ApplicationDraft {
			t.Fatalf("my application: %+v %v", a, err)
		}
		a, err = unit.SaveApplication(ctx, fillApplication(t, a))
		if err != nil || a.AuthorityName != "广州市人力资源和社会保障局" {
			t.Fatalf("save: %+v %v", a, err)
		}
		_, err = unit.SubmitApplication(ctx, domain.ApplicationSubmit{Version: a.Version})
		if de := domain.FieldErrorsOf(err); de[domain.FieldAttachments] == "" {
			t.Fatalf("submit without a file: %v", err)
		}

		pdf := store.DemoPDF("licence")
		var mu sync.Mutex
		var reports []int64
		att, err := unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "营业执照 扫描件.pdf", Size: int64(len(pdf)), Body: bytes.NewReader(pdf),
			Progress: func(done, total int64) {
				mu.Lock()
				reports = append(reports, done)
				mu.Unlock()
				if total != int64(len(pdf)) {
					t.Errorf("progress total %d", total)
				}
			}})
		sum := sha256.Sum256(pdf)
		if err != nil || att.Name != "营业执照 扫描件.pdf" || att.SHA256 != hex.EncodeToString(sum[:]) || att.ContentType != "application/pdf" {
			t.Fatalf("upload: %+v %v", att, err)
		}
		if len(reports) == 0 || reports[len(reports)-1] != int64(len(pdf)) {
			t.Fatalf("progress reports %v", reports)
		}
		list, err := unit.ListAttachments(ctx, domain.EntityUnit, a.ID)
		if err != nil || len(list) != 1 || list[0].ID != att.ID {
			t.Fatalf("list: %+v %v", list, err)
		}
		meta, rc, err := unit.OpenAttachment(ctx, att.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, pdf) || meta.Name != att.Name || meta.Size != att.Size || meta.SHA256 != att.SHA256 ||
			meta.ContentType != "application/pdf" || meta.ID != att.ID {
			t.Fatalf("download: %+v (%d bytes)", meta, len(got))
		}

		sub, err := unit.SubmitApplication(ctx, domain.ApplicationSubmit{Version: a.Version})
		if err != nil || sub.Status != domain.ApplicationSubmitted {
			t.Fatalf("submit: %+v %v", sub, err)
		}
		wantCode(t, unit.DeleteAttachment(ctx, att.ID), domain.CodeConflict)

		gz := env.Client()
		mustLogin(t, gz, store.DemoAuthority, demoPassword)
		page, err := gz.ListApplications(ctx, domain.ApplicationQuery{Status: domain.ApplicationSubmitted, Name: "新创",
			PageRequest: domain.PageRequest{Limit: 5}})
		if err != nil || page.Total != 1 || page.Items[0].ID != a.ID {
			t.Fatalf("queue: %+v %v", page, err)
		}
		if _, err := gz.GetApplication(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		ret, err := gz.ReviewApplication(ctx, a.ID, domain.ApplicationReview{Action: domain.ActionReturn, Version: sub.Version, Comment: "请补充法定代表人身份证明"})
		if err != nil || ret.ReturnReason != "请补充法定代表人身份证明" {
			t.Fatalf("return: %+v %v", ret, err)
		}
		h, err := unit.History(ctx, domain.EntityUnit, a.ID)
		if err != nil || len(h) != 4 || h[3].Comment != "请补充法定代表人身份证明" || h[3].To != string(domain.ApplicationReturned) {
			t.Fatalf("history: %+v %v", h, err)
		}

		again, err := unit.SubmitApplication(ctx, domain.ApplicationSubmit{Version: ret.Version})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gz.ReviewApplication(ctx, a.ID, domain.ApplicationReview{Action: domain.ActionApprove, Version: again.Version}); err != nil {
			t.Fatal(err)
		}
		me, err := unit.Me(ctx)
		if err != nil || !me.User.UnitActive() {
			t.Fatalf("unit not active after approval: %+v %v", me.User, err)
		}
		info := domain.InfoOf(again)
		info.Version++
		info.ContactPerson = "刘芳"
		updated, err := unit.UpdateUnitInfo(ctx, info)
		if err != nil || updated.ContactPerson != "刘芳" {
			t.Fatalf("info: %+v %v", updated, err)
		}
	})
}

func TestApplicationTenancyOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		admin := env.Client()
		mustLogin(t, admin, store.DemoAdmin, demoPassword)
		if _, err := admin.CreateAccount(ctx, domain.NewAccount{Username: "sz-hr", Password: "Start2026a",
			Role: domain.RoleAuthority, RegionCode: "440300"}); err != nil {
			t.Fatal(err)
		}
		sz := env.Client()
		mustLogin(t, sz, "sz-hr", "Start2026a")
		// An account made by the administrator changes its password first.
		if err := sz.ChangePassword(ctx, domain.PasswordChange{Old: "Start2026a", New: "Shenzhen2026a"}); err != nil {
			t.Fatal(err)
		}

		gz := env.Client()
		mustLogin(t, gz, store.DemoAuthority, demoPassword)
		queue, err := gz.ListApplications(ctx, domain.ApplicationQuery{Status: domain.ApplicationSubmitted})
		if err != nil || queue.Total == 0 {
			t.Fatalf("demo queue: %+v %v", queue, err)
		}
		id := queue.Items[0].ID
		files, err := gz.ListAttachments(ctx, domain.EntityUnit, id)
		if err != nil || len(files) != 1 {
			t.Fatalf("demo attachment: %+v %v", files, err)
		}

		_, err = sz.GetApplication(ctx, id)
		wantCode(t, err, domain.CodeNotFound)
		_, _, err = sz.OpenAttachment(ctx, files[0].ID)
		wantCode(t, err, domain.CodeNotFound)
		other := env.Client()
		mustLogin(t, other, store.DemoUnit, demoPassword)
		_, err = other.History(ctx, domain.EntityUnit, id)
		wantCode(t, err, domain.CodeNotFound)
		wantCode(t, other.DeleteAttachment(ctx, files[0].ID), domain.CodeNotFound)
		_, err = other.ListApplications(ctx, domain.ApplicationQuery{})
		wantCode(t, err, domain.CodeForbidden)
	})
}

// countingReader counts what the client reads of an upload body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestOversizedUploadIsRefusedBeforeItIsSent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.StartWith(t, db, server.Config{AnonymousPerMinute: -1, MaxUploadBytes: 64 << 10})
		ctx := context.Background()
		unit := env.Client()
		mustLogin(t, unit, store.DemoNewUnit, demoPassword)
		a, _ := unit.MyApplication(ctx)
		big := append(store.DemoPDF("big"), bytes.Repeat([]byte(" "), 1<<20)...)
		body := &countingReader{r: bytes.NewReader(big)}
		_, err := unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "big.pdf", Size: int64(len(big)), Body: body})
		wantCode(t, err, domain.CodeTooLarge)
		if !strings.Contains(domain.ErrorMessage(err), "64.0 KB") {
			t.Fatalf("message %q", domain.ErrorMessage(err))
		}
		if body.n > 0 {
			t.Fatalf("%d bytes sent of a file refused by its declared size", body.n)
		}
		// Undeclared, the server stops reading at the limit.
		_, err = unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "big.pdf", Size: -1, Body: io.MultiReader(bytes.NewReader(big))})
		wantCode(t, err, domain.CodeTooLarge)
		_, err = unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "a/b.pdf", Size: 3, Body: strings.NewReader("%PD")})
		if domain.FieldErrorsOf(err)["name"] == "" {
			t.Fatalf("bad name: %v", err)
		}
		_, err = unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "empty.pdf", Size: 0, Body: strings.NewReader("")})
		wantCode(t, err, domain.CodeInvalid)
	})
}

func TestRetriedUploadStoresOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		tr := &flaky{next: http.DefaultTransport}
		unit := client.New(env.URL, client.Options{Transport: tr, RetryWait: 1})
		tr.calls.Store(1) // the captcha goes through
		cap, err := unit.NewCaptcha(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tr.calls.Store(3) // and the login
		if _, err := unit.Login(ctx, domain.LoginRequest{Username: store.DemoNewUnit, Password: demoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
			t.Fatal(err)
		}
		tr.calls.Store(5)
		a, err := unit.MyApplication(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pdf := store.DemoPDF("retry")
		tr.calls.Store(6) // the upload's first attempt is lost after the server stored it
		att, err := unit.UploadAttachment(ctx, domain.AttachmentUpload{OwnerType: domain.EntityUnit, OwnerID: a.ID,
			Name: "a.pdf", Size: int64(len(pdf)), Body: bytes.NewReader(pdf)})
		if err != nil {
			t.Fatalf("retried upload: %v", err)
		}
		if tr.calls.Load() != 8 {
			t.Fatalf("attempts = %d, want 2", tr.calls.Load()-6)
		}
		list, _ := unit.ListAttachments(ctx, domain.EntityUnit, a.ID)
		if len(list) != 1 || list[0].ID != att.ID {
			t.Fatalf("stored %d times: %+v", len(list), list)
		}
	})
}
