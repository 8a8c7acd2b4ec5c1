package domain

import "context"

// WorkCounts is today's work of the caller, by menu module key
// (Module.Key): how many items wait in that module for the caller to act
// on. Modules with nothing waiting are left out.
type WorkCounts map[string]int

// Module keys whose work WorkService counts.
const (
	ModulePersonConfirm   = "person.confirm"       // claims waiting for 是/否
	ModuleRecordReview    = "record.review"        // records sent to the unit
	ModuleUnitReview      = "authority.unitreview" // role applications sent
	ModulePlanReview      = "authority.planreview" // plans sent to review
	ModulePersonDeclare   = "person.declare"       // the person's returned records
	ModuleInstitutionList = "institution.query"    // the institution's returned records
)

// WorkService counts what waits for the caller: the menu shows it beside
// each module. Each figure is one indexed count; roles without such work
// get an empty map. Errors: unauthenticated.
type WorkService interface {
	Work(ctx context.Context) (WorkCounts, error)
}
