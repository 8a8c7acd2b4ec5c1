package client_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/servertest"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestCertificateRoundTrips(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		env := servertest.Start(t, db, false)
		ctx := context.Background()
		year := time.Now().In(time.FixedZone("CST", 8*3600)).Year() - 1

		admin := env.Client()
		mustLogin(t, admin, store.DemoAdmin, demoPassword)
		reqs, err := admin.Requirements(ctx)
		if err != nil || len(reqs) != 3 {
			t.Fatalf("requirements: %+v %v", reqs, err)
		}
		in := domain.RequirementInput{Year: year + 2, Total: domain.HoursOf(90), PublicMin: domain.HoursOf(30),
			ProfessionalMin: domain.HoursOf(42), DailyCap: 15}
		created, err := admin.CreateRequirement(ctx, in)
		if err != nil || created.DailyCap != 15 || created.DailyCap.String() != "7.5" {
			t.Fatalf("create: %+v %v", created, err)
		}
		in.Total, in.Version = domain.HoursOf(60), created.Version
		_, err = admin.UpdateRequirement(ctx, in)
		wantCode(t, err, domain.CodeInvalid)
		if domain.FieldErrorsOf(err)["professional_min"] == "" {
			t.Fatalf("field error lost on the way: %v", err)
		}

		unit := env.Client()
		mustLogin(t, unit, store.DemoUnit, demoPassword)
		list, err := unit.ListCertificates(ctx, domain.CertificateQuery{Year: year, State: domain.StateUnissued, Name: "李"})
		if err != nil || list.Rows.Total != 1 || list.Rows.Items[0].Name != "李晓红" || list.Requirement.Total != domain.HoursOf(90) {
			t.Fatalf("list: %+v %v", list, err)
		}
		ready := list.Rows.Items[0]
		short, err := unit.ListCertificates(ctx, domain.CertificateQuery{Year: year, State: domain.StateShort, Name: "张丽娟"})
		if err != nil || short.Rows.Total != 1 {
			t.Fatalf("short: %+v %v", short, err)
		}
		_, err = unit.Print(ctx, domain.PrintRequest{PersonID: short.Rows.Items[0].PersonID, Year: year})
		wantCode(t, err, domain.CodeConflict)
		if domain.FieldErrorsOf(err)[domain.ShortfallTotal] == "" || !strings.Contains(domain.ErrorMessage(err), "还差") {
			t.Fatalf("shortfall lost on the way: %v", err)
		}

		batch, err := unit.PrintBatch(ctx, domain.BatchPrintRequest{Year: year, PersonIDs: []int64{ready.PersonID, short.Rows.Items[0].PersonID}})
		if err != nil || len(batch.Issued) != 1 || len(batch.Refused) != 1 || len(batch.Refused[0].Shortfalls) == 0 {
			t.Fatalf("batch: %+v %v", batch, err)
		}
		c := batch.Issued[0]
		again, err := unit.Print(ctx, domain.PrintRequest{PersonID: ready.PersonID, Year: year})
		if err != nil || again.Number != c.Number {
			t.Fatalf("reprint: %+v %v", again, err)
		}
		pdf, err := unit.CertificatePDF(ctx, []int64{c.ID})
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("pdf: %v", err)
		}
		fresh, err := unit.Regenerate(ctx, domain.RegenerateRequest{CertificateID: c.ID, Version: c.Version, Reason: "重新打印"})
		if err != nil || fresh.Number == c.Number {
			t.Fatalf("regenerate: %+v %v", fresh, err)
		}
		_, err = unit.CertificatePDF(ctx, []int64{c.ID})
		wantCode(t, err, domain.CodeConflict)
		hist, err := unit.CertificateHistory(ctx, domain.CertificateHistoryRequest{PersonID: ready.PersonID, Year: year})
		if err != nil || len(hist) != 2 || hist[1].ReplacedBy != fresh.Number || hist[1].VoidedAt == nil {
			t.Fatalf("history: %+v %v", hist, err)
		}
		rc, err := unit.Recount(ctx, domain.RecountRequest{Year: year, PersonID: ready.PersonID})
		if err != nil || len(rc.Rows) != 1 || !rc.Rows[0].Met || rc.Rows[0].Certificate.Number != fresh.Number {
			t.Fatalf("recount: %+v %v", rc, err)
		}

		anon := env.Client()
		v, err := anon.Verify(ctx, domain.VerifyRequest{Number: c.Number, Code: c.VerificationCode})
		if err != nil || v.Status != domain.CertificateVoided || v.Name != "李晓红" {
			t.Fatalf("verify old: %+v %v", v, err)
		}
		_, err = anon.Verify(ctx, domain.VerifyRequest{Number: "GD", Code: "x"})
		wantCode(t, err, domain.CodeInvalid)

		person := env.Client()
		mustLogin(t, person, store.DemoPerson, demoPassword)
		mine, err := person.MyCertificates(ctx)
		if err != nil || len(mine) != 1 {
			t.Fatalf("mine: %+v %v", mine, err)
		}
		if pdf, err := person.CertificatePDF(ctx, []int64{mine[0].ID}); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("own pdf: %v", err)
		}
		_, err = person.CertificatePDF(ctx, []int64{fresh.ID})
		wantCode(t, err, domain.CodeNotFound)
	})
}
