// Package records holds the screens of continuing-education records: the
// unit's 继续教育记录申报 and 继续教育记录认定, the person's 学时申报 and
// 我的学时, the institution's 学时申报 and 申报查询.
package records

import (
	"time"

	"github.com/charmbracelet/bubbles/key"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/keys"
	"jxjy/tui/table"
)

// Module keys, as domain.MenuFor names them.
const (
	ModuleDeclare            = "record.declare"
	ModuleReview             = "record.review"
	ModulePersonDeclare      = "person.declare"
	ModuleHours              = "person.hours"
	ModuleInstitutionDeclare = "institution.declare"
	ModuleInstitutionQuery   = "institution.query"
)

// NewDeclare is 继续教育记录申报: the unit's own declarations.
func NewDeclare(c *common.Common) common.Component { return newList(c, unitDeclare) }

// NewReview is 继续教育记录认定: submissions awaiting the unit's review.
func NewReview(c *common.Common) common.Component { return newList(c, unitReview) }

// NewPersonDeclare is the person's 学时申报.
func NewPersonDeclare(c *common.Common) common.Component { return newList(c, personDeclare) }

// NewInstitutionDeclare is the institution's 学时申报.
func NewInstitutionDeclare(c *common.Common) common.Component {
	return newList(c, institutionDeclare)
}

// NewInstitutionQuery is 申报查询: the institution's submissions with
// their status and the units' comments.
func NewInstitutionQuery(c *common.Common) common.Component { return newList(c, institutionQuery) }

// mode is what one list module shows and lets the operator do.
type mode struct {
	role    domain.Role
	source  domain.RecordSource // the list's fixed source, "" for any
	status  domain.RecordStatus // the list's fixed status, "" for any
	declare bool                // 添加, 修改, 删除 and the role's transition
	review  bool                // 审核 and 批量审核
	empty   string
	// statuses and sources are the filter's choices ("" = 全部 first).
	statuses []domain.RecordStatus
	sources  []domain.RecordSource
	columns  func(r domain.Record) []string
	titles   []table.Column
}

var submittedStatuses = []domain.RecordStatus{"", domain.RecordDraft, domain.RecordSubmitted,
	domain.RecordReturned, domain.RecordEffective, domain.RecordRejected}

var (
	unitDeclare = mode{
		role: domain.RoleUnit, source: domain.SourceUnit, declare: true,
		empty:    "暂无单位申报的记录，按 n 添加培训记录",
		statuses: []domain.RecordStatus{"", domain.RecordDraft, domain.RecordEffective},
		titles: []table.Column{{Title: "姓名", Width: 7}, {Title: "培训内容", Width: 8, Flex: true},
			{Title: "学时", Width: 4}, {Title: "结束日期", Width: 10}, {Title: "状态", Width: 6}},
		columns: func(r domain.Record) []string {
			return []string{r.PersonName, r.Title, r.Hours.String(), r.EndDate, r.Status.Label()}
		},
	}
	unitReview = mode{
		role: domain.RoleUnit, status: domain.RecordSubmitted, review: true,
		empty:   "没有待认定的记录",
		sources: []domain.RecordSource{"", domain.SourcePerson, domain.SourceInstitution},
		titles: []table.Column{{Title: "姓名", Width: 7}, {Title: "培训内容", Width: 8, Flex: true},
			{Title: "学时", Width: 4}, {Title: "来源", Width: 8}},
		columns: func(r domain.Record) []string {
			return []string{r.PersonName, r.Title, r.Hours.String(), r.Source.Label()}
		},
	}
	personDeclare = mode{
		role: domain.RolePerson, source: domain.SourcePerson, declare: true,
		empty:    "暂无本人申报的记录，按 n 申报学时",
		statuses: submittedStatuses,
		titles: []table.Column{{Title: "培训内容", Width: 8, Flex: true}, {Title: "学时", Width: 4},
			{Title: "结束日期", Width: 10}, {Title: "状态", Width: 12}},
		columns: func(r domain.Record) []string {
			return []string{r.Title, r.Hours.String(), r.EndDate, r.Status.Label()}
		},
	}
	institutionDeclare = mode{
		role: domain.RoleInstitution, source: domain.SourceInstitution, declare: true,
		empty:    "暂无本机构申报的记录，按 n 申报学时",
		statuses: submittedStatuses,
		titles: []table.Column{{Title: "姓名", Width: 6}, {Title: "培训内容", Width: 8, Flex: true},
			{Title: "学时", Width: 4}, {Title: "结束日期", Width: 10}, {Title: "状态", Width: 12}},
		columns: func(r domain.Record) []string {
			return []string{r.PersonName, r.Title, r.Hours.String(), r.EndDate, r.Status.Label()}
		},
	}
	institutionQuery = mode{
		role: domain.RoleInstitution, source: domain.SourceInstitution,
		empty:    "暂无申报记录",
		statuses: submittedStatuses,
		titles: []table.Column{{Title: "姓名", Width: 6}, {Title: "培训内容", Width: 8, Flex: true},
			{Title: "状态", Width: 12}, {Title: "审核意见", Width: 8, Flex: true}},
		columns: func(r domain.Record) []string {
			return []string{r.PersonName, r.Title, r.Status.Label(), r.ReviewComment}
		},
	}
)

// keyMap is the keys of these screens. Lists and details have no text
// field focused, so their actions are letters, as on the menu.
type keyMap struct {
	*keys.KeyMap
	Add, Edit, Detail, Filter key.Binding
	Confirm, Submit, Delete   key.Binding
	Review, Batch             key.Binding
	Switch                    key.Binding
}

func newKeyMap(km *keys.KeyMap) *keyMap {
	return &keyMap{
		KeyMap:  km,
		Add:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "添加")),
		Edit:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "修改")),
		Detail:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "详情")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "筛选")),
		Confirm: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "确认")),
		Submit:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "送审")),
		Delete:  key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "删除")),
		Review:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "审核")),
		Batch:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "批量审核")),
		Switch:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "切换年度/记录")),
	}
}

// today is the date in China, as the server's rules read it.
func today() time.Time {
	y, m, d := time.Now().In(domain.ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// categoryLabel names a category without the reference data at hand.
func categoryLabel(code string) string {
	switch code {
	case domain.CategoryPublic:
		return "公需科目"
	case domain.CategoryProfessional:
		return "专业科目"
	case domain.CategoryElective:
		return "选修科目"
	}
	return code
}

// statusLabel names a record state for the history panel.
func statusLabel(s string) string { return domain.RecordStatus(s).Label() }
