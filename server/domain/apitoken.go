package domain

import (
	"context"
	"strings"
	"time"
)

// APITokenPrefix starts every institution API token, so the server tells
// a machine's token from a login session's before looking either up.
const APITokenPrefix = "jxjyapi_"

// IsAPIToken reports whether a bearer token is an institution API token.
func IsAPIToken(token string) bool { return strings.HasPrefix(token, APITokenPrefix) }

// MaxMachineBatch is the most records one machine call delivers.
const MaxMachineBatch = 1000

// APIToken is an institution's API token as listed: never the secret,
// which is shown once when it is created.
type APIToken struct {
	ID              int64      `json:"id"`
	InstitutionID   int64      `json:"institution_id"`
	InstitutionName string     `json:"institution_name"`
	Username        string     `json:"username"`
	Name            string     `json:"name"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
	RevokedAt       *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt      *time.Time `json:"last_used_at,omitempty"`
}

// Active reports whether the token still authenticates at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// NewAPIToken asks for a token. Institution names the institution account
// (its username) or the institution's id; an institution creating its own
// token leaves it empty.
type NewAPIToken struct {
	Institution string     `json:"institution,omitempty"`
	Name        string     `json:"name"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// CreatedAPIToken is the answer to a creation: the token itself, once.
type CreatedAPIToken struct {
	APIToken
	Token string `json:"token"`
}

// APITokenService manages institution API tokens: an administrator for
// any institution, an institution for its own.
type APITokenService interface {
	// CreateToken issues a token. Errors: invalid, not_found (no such
	// institution account), forbidden.
	CreateToken(ctx context.Context, req NewAPIToken) (CreatedAPIToken, error)
	// ListTokens lists the tokens of an institution (an administrator may
	// give "" for every institution's), newest first.
	ListTokens(ctx context.Context, institution string) ([]APIToken, error)
	// RevokeToken ends a token at once. Errors: not_found, forbidden.
	RevokeToken(ctx context.Context, id int64) error
	// RenameToken changes a token's name. Errors: invalid, not_found.
	RenameToken(ctx context.Context, id int64, name string) (APIToken, error)
}

// TokenAuthenticator resolves an institution API token and records its
// calls. Errors: unauthenticated (unknown, revoked or expired).
type TokenAuthenticator interface {
	AuthenticateToken(ctx context.Context, token string) (Principal, error)
	// RecordTokenCall audits one call made with the token.
	RecordTokenCall(ctx context.Context, tokenID int64, method, path string, status int, requestID string) error
}

// MachineRecord is one record a machine delivers: the 学时申报 of an
// institution, with the institution's own id for it.
type MachineRecord struct {
	ExternalID string `json:"external_id"`
	RecordInput
}

// MachineBatch is one delivery of up to MaxMachineBatch records.
type MachineBatch struct {
	Records []MachineRecord `json:"records"`
}

// Outcomes of a delivered record.
const (
	MachineStored    = "stored"    // stored now, 已送审 in the person's unit's 认定 queue
	MachineDuplicate = "duplicate" // the external id was delivered before; RecordID is that record
	MachineError     = "error"     // refused; Fields says why
)

// MachineRecordResult is the answer for one delivered record, in order.
type MachineRecordResult struct {
	Index      int               `json:"index"`
	ExternalID string            `json:"external_id"`
	Result     string            `json:"result"`
	RecordID   int64             `json:"record_id,omitempty"`
	Message    string            `json:"message,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
}

// MachineBatchResult is the answer to a delivery.
type MachineBatchResult struct {
	Stored     int                   `json:"stored"`
	Duplicates int                   `json:"duplicates"`
	Errors     int                   `json:"errors"`
	Results    []MachineRecordResult `json:"results"`
}

// MachineRecordState is where a delivered record stands now.
type MachineRecordState struct {
	ExternalID    string       `json:"external_id"`
	RecordID      int64        `json:"record_id"`
	Status        RecordStatus `json:"status"`
	ReviewComment string       `json:"review_comment,omitempty"`
	ReviewedAt    *time.Time   `json:"reviewed_at,omitempty"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

// MachineChanges is a page of delivered records changed since a cursor;
// Next is the cursor of the following call (the same when nothing moved).
type MachineChanges struct {
	Items []MachineRecordState `json:"items"`
	Next  string               `json:"next"`
	More  bool                 `json:"more"`
}

// MachineService is what an institution's system does with its token.
type MachineService interface {
	// DeliverRecords stores each record as the institution's 学时申报,
	// 已送审; a record that fails is reported and the others still stored.
	// Errors: invalid (empty batch), too_large (over MaxMachineBatch).
	DeliverRecords(ctx context.Context, b MachineBatch) (MachineBatchResult, error)
	// RecordChanges lists the institution's delivered records changed
	// after cursor ("" from the start), oldest change first.
	RecordChanges(ctx context.Context, cursor string, limit int) (MachineChanges, error)
}
