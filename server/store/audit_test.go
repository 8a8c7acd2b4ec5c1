package store_test

import (
	"testing"
	"time"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
)

func TestAuditHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seeded(t, db)
		ctx := t.Context()
		var adminID int64
		if err := db.QueryRow(ctx, "SELECT id FROM users WHERE username = 'admin'").Scan(&adminID); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 1, 8, 30, 0, 123e6, time.UTC)
		entries := []domain.AuditEntry{
			{EntityType: "plan", EntityID: 7, ActorUserID: adminID, ActorName: "系统管理员", ActorRole: domain.RoleAdmin,
				At: at, From: "draft", To: "submitted", Comment: "送审"},
			{EntityType: "plan", EntityID: 8, ActorName: "other plan", ActorRole: domain.RoleUnit, At: at},
			{EntityType: "plan", EntityID: 7, ActorName: "jxjy-admin", ActorRole: domain.RoleAdmin,
				At: at.Add(time.Hour), From: "submitted", To: "returned", Comment: "材料不全"},
		}
		for _, e := range entries {
			if err := db.InsertAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		h, err := db.History(ctx, "plan", 7)
		if err != nil || len(h) != 2 {
			t.Fatalf("history: %+v %v", h, err)
		}
		for i, want := range []domain.AuditEntry{entries[0], entries[2]} {
			got := h[i]
			want.ID = got.ID
			if got != want {
				t.Errorf("entry %d:\n got %+v\nwant %+v", i, got, want)
			}
		}
		if h[0].ID >= h[1].ID {
			t.Error("history out of order")
		}
		if h, err := db.History(ctx, "plan", 9); err != nil || h == nil || len(h) != 0 {
			t.Fatalf("empty history must be an empty list: %#v %v", h, err)
		}
		err = db.InsertAudit(ctx, domain.AuditEntry{EntityType: "plan", EntityID: 7, ActorUserID: 999999, At: at})
		wantCode(t, err, domain.CodeConflict)
	})
}
