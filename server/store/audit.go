package store

import (
	"context"
	"database/sql"
	"fmt"

	"jxjy/server/domain"
)

// insertAudit records e in the caller's transaction, so the entry exists
// exactly when the change it describes does. ActorUserID 0 (the system
// principal of `jxjy admin`) is stored as no user.
func insertAudit(ctx context.Context, tx *sql.Tx, e domain.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_entries
		(entity_type, entity_id, actor_user_id, actor_name, actor_role, at, from_state, to_state, comment)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.EntityType, e.EntityID, nullable(e.ActorUserID), e.ActorName, string(e.ActorRole),
		millis(e.At), e.From, e.To, e.Comment)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// auditBy is the entry for a change p makes now; callers fill in the rest.
// The system principal has no display name, so its username stands in.
func (db *DB) auditBy(p domain.Principal, entityType string, entityID int64) domain.AuditEntry {
	name := p.User.DisplayName
	if name == "" {
		name = p.User.Username
	}
	return domain.AuditEntry{
		EntityType:  entityType,
		EntityID:    entityID,
		ActorUserID: p.User.ID,
		ActorName:   name,
		ActorRole:   p.User.Role,
		At:          db.now(),
	}
}

// History returns the audit trail of one entity, oldest first. Scope checks
// are the caller's: it must already have shown the entity is visible.
func (db *DB) History(ctx context.Context, entityType string, entityID int64) ([]domain.AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, entity_type, entity_id, COALESCE(actor_user_id, 0),
		actor_name, actor_role, at, from_state, to_state, comment
		FROM audit_entries WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`, entityType, entityID)
	if err != nil {
		return nil, mapDBError(err)
	}
	defer rows.Close()
	out := []domain.AuditEntry{}
	for rows.Next() {
		var e domain.AuditEntry
		var role string
		var at int64
		if err := rows.Scan(&e.ID, &e.EntityType, &e.EntityID, &e.ActorUserID,
			&e.ActorName, &role, &at, &e.From, &e.To, &e.Comment); err != nil {
			return nil, err
		}
		e.ActorRole, e.At = domain.Role(role), fromMillis(at)
		out = append(out, e)
	}
	return out, mapDBError(rows.Err())
}

// entityAccess is how one entity type guards its attachments and history;
// every workflow registers its own with registerEntity, from its own file.
type entityAccess struct {
	// beforeApproval opens the entity to a unit whose role application is
	// not approved yet; every other entity is locked for such a unit.
	beforeApproval bool
	// check answers nil when p may read the entity (write false) or change
	// its attachments now (write true), not_found when p may not see it at
	// all, and conflict or forbidden when p may see it but not change it.
	check func(ctx context.Context, q queryer, p domain.Principal, id int64, write bool) error
}

// entityAccesses holds the registered entity types; filled by init
// functions only, so it is read without locking.
var entityAccesses = map[string]entityAccess{}

// registerEntity plugs an entity type into attachments and history.
func registerEntity(entityType string, a entityAccess) { entityAccesses[entityType] = a }

// checkEntity applies the entity type's rule for p.
func checkEntity(ctx context.Context, q queryer, p domain.Principal, entityType string, id int64, write bool) error {
	a, ok := entityAccesses[entityType]
	if !ok {
		return domain.Errorf(domain.CodeBadRequest, "未知的业务类型：%s", entityType)
	}
	if p.User.Role == domain.RoleUnit && !p.User.UnitActive() && !a.beforeApproval {
		return domain.Errorf(domain.CodeModuleLocked, "法人单位角色申请审核通过后才能使用本功能")
	}
	return a.check(ctx, q, p, id, write)
}

// HistoryService implements domain.HistoryService over the audit trail.
type HistoryService struct{ db *DB }

var _ domain.HistoryService = (*HistoryService)(nil)

// NewHistoryService returns the history service.
func NewHistoryService(db *DB) *HistoryService { return &HistoryService{db: db} }

// History returns the trail of an entity the caller may see.
func (s *HistoryService) History(ctx context.Context, entityType string, entityID int64) ([]domain.AuditEntry, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEntity(ctx, s.db.read, p, entityType, entityID, false); err != nil {
		return nil, err
	}
	return s.db.History(ctx, entityType, entityID)
}
