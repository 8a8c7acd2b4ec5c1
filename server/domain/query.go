package domain

import (
	"context"
	"fmt"
	"time"
)

// QueryPlanDetail is 查看 in 专业课计划查询: an approved plan with its
// classes, their teachers and subjects, and the plan's attachments.
type QueryPlanDetail struct {
	PlanDetail
	Files []Attachment `json:"files"`
}

// PlanQuery filters 专业课计划查询: the year, the catalog course and part
// of the plan name; zero values do not filter.
type PlanQuery struct {
	Year     int    `json:"year"`
	CourseID int64  `json:"course_id"`
	Name     string `json:"name"`
	PageRequest
}

// QueryRecord is one effective record of 继续教育培训记录查询.
type QueryRecord struct {
	ID            int64        `json:"id"`
	PersonID      int64        `json:"person_id"`
	PersonName    string       `json:"person_name"`
	IDNumber      string       `json:"id_number"`
	Dishonest     bool         `json:"dishonest,omitempty"` // the person has an active 失信 entry
	Category      string       `json:"category"`
	CategoryLabel string       `json:"category_label"`
	Form          string       `json:"form"`
	FormLabel     string       `json:"form_label"`
	Title         string       `json:"title"`
	Organizer     string       `json:"organizer"`
	StartDate     string       `json:"start_date"`
	EndDate       string       `json:"end_date"`
	Year          int          `json:"year"`
	Hours         Hours        `json:"hours"`
	Source        RecordSource `json:"source"`
	Remark        string       `json:"remark,omitempty"`
	EffectiveAt   time.Time    `json:"effective_at"`
}

// RecordQuery filters 继续教育培训记录查询 (SPEC §5.9): part of the name,
// the start of the ID number, the year, category, source, and a date range
// the training lies within; zero values do not filter.
type RecordQuery struct {
	Name     string       `json:"name"`
	IDNumber string       `json:"id_number"`
	Year     int          `json:"year"`
	Category string       `json:"category"`
	Source   RecordSource `json:"source"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	PageRequest
}

// Normalize trims the filter as typed.
func (q *RecordQuery) Normalize() {
	q.Name = NormalizeInput(q.Name)
	q.IDNumber = NormalizeIDNumber(NormalizeInput(q.IDNumber))
	q.From, q.To = NormalizeInput(q.From), NormalizeInput(q.To)
}

// Validate normalises q and reports unusable filters as field errors.
func (q *RecordQuery) Validate() error {
	q.Normalize()
	f := Fields{}
	if q.From != "" {
		if _, msg := ParseDate(q.From); msg != "" {
			f.Add("from", msg)
		}
	}
	if q.To != "" {
		if _, msg := ParseDate(q.To); msg != "" {
			f.Add("to", msg)
		}
	}
	f.Check(q.From != "" && q.To != "" && q.To < q.From, "to", "结束日期不能早于开始日期")
	f.Check(q.Year != 0 && (q.Year < 1900 || q.Year > 9999), "year", "年度应为四位数字")
	switch q.Category {
	case "", CategoryPublic, CategoryProfessional, CategoryElective:
	default:
		f.Add("category", "未知的科目类别")
	}
	switch q.Source {
	case "", SourceUnit, SourcePerson, SourceInstitution, SourceClass, SourceImport:
	default:
		f.Add("source", "未知的记录来源")
	}
	return f.Err()
}

// RecordSources lists every source, for pickers.
var RecordSources = []RecordSource{SourceUnit, SourcePerson, SourceInstitution, SourceClass, SourceImport}

// MaxExportRows is the most records one export writes: an .xlsx sheet
// holds 1,048,576 rows, the header included.
const MaxExportRows = 1_000_000

// StatItem is one bar of a statistics chart.
type StatItem struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Hours   Hours  `json:"hours"`
	Records int    `json:"records"`
	// Persons counts persons in scope (only the region breakdown has it).
	Persons int `json:"persons,omitempty"`
}

// Stats are the figures of one year in the caller's scope: a unit's own
// persons (the unit summary) or an authority's region subtree (统计).
// Only effective records count.
type Stats struct {
	Year      int    `json:"year"`
	ScopeName string `json:"scope_name"`
	Units     int    `json:"units"` // approved units; 1 for a unit's summary
	Persons   int    `json:"persons"`
	Records   int    `json:"records"`
	Hours     Hours  `json:"hours"`
	// The year's requirement, against which Met and NotMet count persons.
	RequiredTotal        Hours `json:"required_total"`
	RequiredPublic       Hours `json:"required_public"`
	RequiredProfessional Hours `json:"required_professional"`
	Met                  int   `json:"met"`
	NotMet               int   `json:"not_met"`

	ByCategory []StatItem `json:"by_category"`
	ByMonth    []StatItem `json:"by_month"` // twelve, by the month of the end date
	// ByRegion breaks an authority's scope down one level: the cities of
	// the province, the districts of a city; RegionLevel names that level.
	ByRegion    []StatItem `json:"by_region,omitempty"`
	RegionLevel string     `json:"region_level,omitempty"`
	// ComputedAt is when the figures were summed: the server may reuse
	// them for a short while (jxjy serve --stats-cache).
	ComputedAt time.Time `json:"computed_at"`
}

// MetPercent is the share of persons meeting the requirement, 0 to 100.
func (s Stats) MetPercent() float64 {
	if s.Persons == 0 {
		return 0
	}
	return float64(s.Met) * 100 / float64(s.Persons)
}

// MonthLabel names month m (1–12) as the charts show it.
func MonthLabel(m int) string { return fmt.Sprintf("%d月", m) }

// QueryService is 查询统计: the unit's 专业课计划查询 and
// 继续教育培训记录查询 with its summary, and the authority's 统计.
// A unit sees only its own plans and its own persons' records; any other
// id answers not_found.
type QueryService interface {
	// QueryPlans pages the unit's approved plans, newest first.
	QueryPlans(ctx context.Context, q PlanQuery) (Page[Plan], error)
	// QueryPlan reads one approved plan with classes, subjects, teachers
	// and attachments. Errors: not_found.
	QueryPlan(ctx context.Context, id int64) (QueryPlanDetail, error)
	// QueryRecords pages the effective records of the unit's persons,
	// newest first. Errors: invalid (filters).
	QueryRecords(ctx context.Context, q RecordQuery) (Page[QueryRecord], error)
	// QueryRecord reads one of them. Errors: not_found.
	QueryRecord(ctx context.Context, id int64) (QueryRecord, error)
	// ExportRecords calls each with every record matching q (its paging
	// ignored) in list order, with the row's 1-based position and the total;
	// an error from each stops the export and is returned.
	// Errors: invalid (filters, or more than MaxExportRows rows).
	ExportRecords(ctx context.Context, q RecordQuery, each func(r QueryRecord, n, total int) error) error
	// Statistics returns year's figures for the caller's scope: a unit's
	// summary or an authority's region subtree. Errors: invalid (year).
	Statistics(ctx context.Context, year int) (Stats, error)
}

// RecordExportLine is one line of the record export as the API streams it
// (NDJSON): the total first, then one line per record, then Done — or
// Error, when the export fails part-way and the status line is long sent.
type RecordExportLine struct {
	Total  *int         `json:"total,omitempty"`
	Record *QueryRecord `json:"record,omitempty"`
	Done   bool         `json:"done,omitempty"`
	Error  *Error       `json:"error,omitempty"`
}
