package store_test

import (
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestSeedDemoOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for i, want := range []bool{true, false} {
			seeded, err := db.SeedDemo(ctx)
			if err != nil || seeded != want {
				t.Fatalf("seed %d: %v %v, want %v", i+1, seeded, err, want)
			}
		}
		// The person accounts beyond the demo person are checked with the
		// persons' demo data.
		if n := count(t, db, "SELECT COUNT(*) FROM users WHERE role <> 'person' OR username = $1", store.DemoPerson); n != 8 {
			t.Fatalf("%d demo users, want 8 (SPEC §8's and %s)", n, store.DemoSubmittedUnit)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM courses WHERE enabled = TRUE"); n < 18 {
			t.Fatalf("%d courses", n)
		}

		var unitID int64
		var uscc, region, unitType, legalRep, contact, phone, mobile, email, postal, address, summary string
		err := db.QueryRow(ctx, `SELECT id, uscc, region_code, unit_type, legal_rep, contact_person, office_phone,
			mobile, email, postal_code, address, summary FROM units WHERE status = 'approved'`).Scan(
			&unitID, &uscc, &region, &unitType, &legalRep, &contact, &phone, &mobile, &email, &postal, &address, &summary)
		if err != nil {
			t.Fatal(err)
		}
		if msg := domain.CheckUSCC(uscc); msg != "" {
			t.Errorf("demo USCC %s: %s", uscc, msg)
		}
		for field, msg := range map[string]string{
			"office_phone": domain.CheckPhone(phone), "mobile": domain.CheckMobile(mobile),
			"email": domain.CheckEmail(email), "postal_code": domain.CheckPostalCode(postal),
			"legal_rep": domain.CheckText(legalRep, 50, "法定代表人"), "contact": domain.CheckText(contact, 50, "联系人"),
			"address": domain.CheckText(address, 200, "地址"), "summary": domain.CheckText(summary, 1000, "职能简介"),
		} {
			if msg != "" {
				t.Errorf("demo unit %s: %s", field, msg)
			}
		}
		if region != "440106" || unitType != "enterprise" {
			t.Errorf("demo unit region %s type %s", region, unitType)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM units n JOIN authorities a ON a.id = n.authority_id
			WHERE n.id = $1 AND a.region_code = '440100'`, unitID); n != 1 {
			t.Error("demo unit is not under the Guangzhou authority")
		}
		if _, msg := domain.ParseIDNumber(store.DemoPerson, time.Now()); msg != "" {
			t.Errorf("demo person ID: %s", msg)
		}
		h, err := db.History(ctx, domain.EntityUnit, unitID)
		if err != nil || len(h) != 3 || h[2].To != string(domain.ApplicationApproved) || h[2].ActorRole != domain.RoleAuthority {
			t.Fatalf("demo unit history: %+v %v", h, err)
		}
	})
}

func TestSeedDemoLeavesUsedDatabasesAlone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if err := noCaptcha(db).RegisterUnit(t.Context(), registration("early-bird", "91440605MA4X12345")); err != nil {
			t.Fatal(err)
		}
		seeded, err := db.SeedDemo(t.Context())
		if err != nil || seeded {
			t.Fatalf("seeded a database with an account: %v %v", seeded, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM users"); n != 1 {
			t.Fatalf("%d users", n)
		}
	})
}
