package store_test

import (
	"strings"
	"testing"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

// A self-registered account in no unit is unverified: it never blocks the
// employer adding the ID number. Same name: the person joins the unit,
// login kept. Another name: a squatter's; the unit's record wins, the
// account is voided (audited, its sessions ended) and the real person
// gets the login the unit opens. A person in a unit, or claiming one, is
// still never moved.
func TestUnitAddsAnIDNumberASelfRegisteredAccountHolds(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newPersonnel(t, db)
		const pw = "Start2026a"

		// The real person registered first, under their own name.
		real := idWithCheck("44010319880303123")
		e.registerPerson(t, real, "林晓")
		p, err := e.persons.AddPerson(e.unit, domain.PersonInput{IDNumber: real, Name: "林晓", CreateAccount: true, Password: "Other2026a"})
		if err != nil {
			t.Fatalf("adding a self-registered person under the same name: %v", err)
		}
		if p.Status != domain.AffiliationConfirmed || p.UnitID != e.unitID || !p.HasAccount || !strings.Contains(p.Notice, "账号保留") {
			t.Fatalf("same name: %+v", p)
		}
		login(t, e.auth, real, pw) // their own password still opens it

		// A squatter registered someone else's number under another name.
		victim := idWithCheck("44010319900505123")
		e.registerPerson(t, victim, "冒名者")
		squatter := login(t, e.auth, victim, pw)
		p, err = e.persons.AddPerson(e.unit, domain.PersonInput{IDNumber: victim, Name: "周婷", CreateAccount: true, Password: "Real2026ab"})
		if err != nil {
			t.Fatalf("the employer adding a squatted ID number: %v", err)
		}
		if p.Name != "周婷" || p.Status != domain.AffiliationConfirmed || !strings.Contains(p.Notice, "冒名者") || !strings.Contains(p.Notice, "已停用") {
			t.Fatalf("squatted: %+v", p)
		}
		if _, err := e.auth.Login(t.Context(), domain.LoginRequest{Username: victim, Password: pw, CaptchaCode: "x"}); domain.ErrorCode(err) != domain.CodeUnauthenticated {
			t.Fatalf("the squatter's password still logs in: %v", err)
		}
		if _, err := e.auth.Authenticate(t.Context(), squatter.Token); err == nil {
			t.Fatal("the squatter's session survived")
		}
		login(t, e.auth, victim, "Real2026ab") // the real person's new login
		var comment string
		if err := db.QueryRow(t.Context(), `SELECT comment FROM audit_entries WHERE entity_type = 'person' AND entity_id = $1
			ORDER BY id DESC LIMIT 1`, p.ID).Scan(&comment); err != nil || !strings.Contains(comment, "冒名者") || !strings.Contains(comment, "已停用") {
			t.Fatalf("audit of the void: %q %v", comment, err)
		}

		// Already in a unit: the other unit cannot take the person.
		_, err = e.persons.AddPerson(e.other, domain.PersonInput{IDNumber: victim, Name: "周婷"})
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(domain.FieldErrorsOf(err)["id_number"], "其他单位") {
			t.Fatalf("another unit adding a member: %v", err)
		}
	})
}

func idWithCheck(first17 string) string { return first17 + string(domain.IDCheckChar(first17)) }
