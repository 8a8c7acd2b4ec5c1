package tui

import (
	"context"

	"jxjy/server/domain"
)

// fakeQueries answers 继续教育培训记录查询's first call with an empty page;
// the menu tests open that module, the last of the unit's menu.
type fakeQueries struct{ domain.QueryService }

func (fakeQueries) QueryRecords(context.Context, domain.RecordQuery) (domain.Page[domain.QueryRecord], error) {
	return domain.Page[domain.QueryRecord]{Items: []domain.QueryRecord{}}, nil
}
