package domain

import (
	"context"
	"time"
)

// Entity types recorded in the audit trail; later workflows add their own.
const (
	EntityUnit = "unit" // a unit's role application
	EntityUser = "user" // a login account (creation, password reset)
)

// AuditEntry is one recorded change: who (and in which role) moved an
// entity from one state to another, when, and why. Actor name and role are
// copied at the time of the change, so history reads as it happened.
type AuditEntry struct {
	ID          int64     `json:"id"`
	EntityType  string    `json:"entity_type"`
	EntityID    int64     `json:"entity_id"`
	ActorUserID int64     `json:"actor_user_id,omitempty"` // 0: the system (`jxjy admin`)
	ActorName   string    `json:"actor_name"`
	ActorRole   Role      `json:"actor_role"`
	At          time.Time `json:"at"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to,omitempty"`
	Comment     string    `json:"comment,omitempty"`
}

// HistoryService shows an entity's audit trail (the 历史 panel of every
// workflow). Each entity type decides who may see it, as for attachments.
type HistoryService interface {
	// History lists the entity's entries, oldest first.
	// Errors: not_found (unknown or out of scope), bad_request (unknown type).
	History(ctx context.Context, entityType string, entityID int64) ([]AuditEntry, error)
}
