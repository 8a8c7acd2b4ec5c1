package store

import (
	"context"

	"jxjy/server/domain"
)

// WorkService implements domain.WorkService from the lists the modules
// page: each figure is the Total of a one-row page, so it is counted by
// the same indexed query, under the same access rules, as the list the
// operator then opens.
type WorkService struct {
	persons *PersonService
	records *RecordService
	apps    *ApplicationService
	plans   *PlanService
}

var _ domain.WorkService = (*WorkService)(nil)

// NewWorkService returns the service counting today's work.
func NewWorkService(db *DB) *WorkService {
	return &WorkService{persons: &PersonService{db: db}, records: &RecordService{db: db},
		apps: &ApplicationService{db: db}, plans: &PlanService{db: db}}
}

var onePage = domain.PageRequest{Limit: 1}

// Work counts the caller's waiting items by module.
func (s *WorkService) Work(ctx context.Context) (domain.WorkCounts, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	out := domain.WorkCounts{}
	add := func(module string, total int, err error) error {
		if err == nil && total > 0 {
			out[module] = total
		}
		return err
	}
	switch u := p.User; {
	case u.Role == domain.RoleUnit && u.UnitActive():
		ps, err := s.persons.ListPersons(ctx, domain.PersonFilter{Status: domain.AffiliationPending, PageRequest: onePage})
		if err := add(domain.ModulePersonConfirm, ps.Total, err); err != nil {
			return nil, err
		}
		rs, err := s.records.ListRecords(ctx, domain.RecordFilter{Status: domain.RecordSubmitted, PageRequest: onePage})
		if err := add(domain.ModuleRecordReview, rs.Total, err); err != nil {
			return nil, err
		}
	case u.Role == domain.RoleAuthority:
		as, err := s.apps.ListApplications(ctx, domain.ApplicationQuery{Status: domain.ApplicationSubmitted, PageRequest: onePage})
		if err := add(domain.ModuleUnitReview, as.Total, err); err != nil {
			return nil, err
		}
		pl, err := s.plans.ListPlanReviews(ctx, domain.PlanFilter{Status: domain.PlanSubmitted, PageRequest: onePage})
		if err := add(domain.ModulePlanReview, pl.Total, err); err != nil {
			return nil, err
		}
	case u.Role == domain.RolePerson, u.Role == domain.RoleInstitution:
		module := domain.ModulePersonDeclare
		if u.Role == domain.RoleInstitution {
			module = domain.ModuleInstitutionList
		}
		rs, err := s.records.ListRecords(ctx, domain.RecordFilter{Status: domain.RecordReturned, PageRequest: onePage})
		if err := add(module, rs.Total, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}
