package client_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jxjy/client"
	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/server/xlsximport"
)

// sampleWorkbook is demo-unit's sample import with rows data rows.
func sampleWorkbook(t *testing.T, rows int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := store.DemoImportWorkbook(&buf, rows, time.Now().In(time.FixedZone("CST", 8*3600))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func importUpload(data []byte, progress func(domain.ImportProgress)) domain.ImportUpload {
	return domain.ImportUpload{Name: "样例.xlsx", Size: int64(len(data)), Body: bytes.NewReader(data), Progress: progress}
}

// stages records the progress a call reports, safely across goroutines.
type stages struct {
	mu   sync.Mutex
	seen map[domain.ImportStage]domain.ImportProgress
}

func (s *stages) report(p domain.ImportProgress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[domain.ImportStage]domain.ImportProgress{}
	}
	s.seen[p.Stage] = p
}

func TestImportRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, demoPassword)

		tpl, err := unit.ImportTemplate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(tpl))
		if err != nil {
			t.Fatal(err)
		}
		header, _ := f.GetRows(xlsximport.DataSheet)
		f.Close()
		if len(header) != 2 || header[0][1] != "姓名" {
			t.Fatalf("template %v", header)
		}

		data := sampleWorkbook(t, 600)
		var seen stages
		rep, err := unit.ValidateImport(ctx, importUpload(data, seen.report))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows == 0 || rep.Invalid == 0 || rep.Valid+rep.Invalid != rep.Rows || len(rep.Problems) < rep.Invalid {
			t.Fatalf("report %d rows, %d valid, %d invalid", rep.Rows, rep.Valid, rep.Invalid)
		}
		up := seen.seen[domain.StageUpload]
		if up.Done != int64(len(data)) || up.Total != int64(len(data)) {
			t.Errorf("upload progress %+v of %d bytes", up, len(data))
		}
		if v := seen.seen[domain.StageValidate]; v.Done != int64(rep.Rows) {
			t.Errorf("validate progress %+v", v)
		}

		var stored stages
		res, err := unit.ImportRecords(ctx, importUpload(data, stored.report))
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != rep.Valid || stored.seen[domain.StageStore].Done != int64(rep.Valid) {
			t.Fatalf("inserted %d of %d valid, store progress %+v", res.Inserted, rep.Valid, stored.seen[domain.StageStore])
		}
		again, err := unit.ImportRecords(ctx, importUpload(data, nil))
		if err != nil || again.Inserted != 0 || again.Report.Existing != rep.Valid {
			t.Fatalf("second import %+v, %v", again, err)
		}

		report, err := unit.ImportErrorReport(ctx, importUpload(data, nil))
		if err != nil {
			t.Fatal(err)
		}
		f, err = excelize.OpenReader(bytes.NewReader(report))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(xlsximport.DataSheet)
		if len(rows) != rep.Invalid+1 {
			t.Fatalf("error report has %d rows, want %d bad ones", len(rows)-1, rep.Invalid)
		}
	})
}

func TestImportRetriedAfterALostAnswerStoresOnce(t *testing.T) {
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
		if _, err := unit.Login(ctx, domain.LoginRequest{Username: store.DemoUnit, Password: demoPassword, CaptchaID: cap.ID, CaptchaCode: "x"}); err != nil {
			t.Fatal(err)
		}
		data := sampleWorkbook(t, 30)
		tr.calls.Store(4) // the import's first answer is lost after the server stored the rows
		res, err := unit.ImportRecords(ctx, importUpload(data, nil))
		if err != nil {
			t.Fatalf("retried import: %v", err)
		}
		if tr.calls.Load() != 6 || res.Inserted == 0 {
			t.Fatalf("attempts %d, inserted %d", tr.calls.Load()-4, res.Inserted)
		}
		tr.calls.Store(6)
		rep, err := unit.ValidateImport(ctx, importUpload(data, nil))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Existing != res.Inserted || rep.Valid != 0 {
			t.Fatalf("after the retried import: %d existing, %d valid; %d inserted", rep.Existing, rep.Valid, res.Inserted)
		}
	})
}

func TestImportOversizedFileIsNotSent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, demoPassword)
		body := &countingReader{r: bytes.NewReader(make([]byte, 16))}
		_, err := unit.ValidateImport(context.Background(), domain.ImportUpload{Name: "大.xlsx", Size: domain.MaxImportBytes + 1, Body: body})
		wantCode(t, err, domain.CodeTooLarge)
		if body.n != 0 {
			t.Fatalf("%d bytes sent", body.n)
		}
		// A file that is not a workbook is refused by the server, plainly.
		_, err = unit.ImportRecords(context.Background(), importUpload([]byte("not a workbook"), nil))
		wantCode(t, err, domain.CodeUnsupportedContent)
	})
}

// lingering fails the first import upload at once while something goes
// on reading its body — as http.Transport's write loop may after it has
// given up on an attempt — and passes everything else.
type lingering struct {
	next     http.RoundTripper
	uploads  atomic.Int32
	drained  chan struct{}
	stolenMu sync.Mutex
	stolen   int
}

func (l *lingering) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Path, "/record-import/") || l.uploads.Add(1) > 1 {
		return l.next.RoundTrip(r)
	}
	go func() {
		defer close(l.drained)
		n, _ := io.Copy(io.Discard, r.Body)
		l.stolenMu.Lock()
		l.stolen = int(n)
		l.stolenMu.Unlock()
	}()
	return nil, errors.New("connection reset by peer")
}

// A retried upload sends the whole file again even when the abandoned
// attempt's body is still being read: attempts do not share the reader.
func TestRetriedUploadIsWholeWhileTheLostAttemptStillReads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		tr := &lingering{next: http.DefaultTransport, drained: make(chan struct{})}
		flaky := client.New(env.URL, client.Options{Transport: tr, RetryWait: 1})
		mustLogin(t, flaky, store.DemoUnit, demoPassword)
		data := sampleWorkbook(t, 30)
		rep, err := flaky.ValidateImport(t.Context(), importUpload(data, nil))
		if err != nil {
			t.Fatalf("retried upload: %v", err)
		}
		<-tr.drained
		tr.stolenMu.Lock()
		defer tr.stolenMu.Unlock()
		if tr.stolen != len(data) || rep.Rows != 30 {
			t.Fatalf("lost attempt read %d of %d bytes; report %+v", tr.stolen, len(data), rep)
		}
	})
}
