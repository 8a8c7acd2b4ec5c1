package store

import (
	"context"
	"fmt"
	"time"

	"jxjy/server/domain"
)

// Records are dealt to persons in rounds: record r goes to person
// r mod persons in round r / persons (the big unit's follow the same
// pattern after them), and round j falls in year index genRoundYear[j%3]
// (0 this year, 1 last year, 2 the year before). The past years come
// first: at five records a person, each past year holds two and this
// year, still under way, one.
var genRoundYear = [3]int{1, 2, 0}

// genFirstRound is the first round falling in each year index.
var genFirstRound = [3]int{2, 0, 1}

// genQualifyPercent of persons with two or more records in a past year
// follow a training path that meets the requirement once its records are
// effective: their first record of the year is public (30 to 35 hours),
// their second professional (60 hours, or a class's hours). Like every
// record but a class credit, these are in any state, so about half the
// persons meet a past year's requirement.
const genQualifyPercent = 80

// genTitle starts a free record's title, by category.
var genTitle = map[string]string{
	domain.CategoryPublic:       "专业技术人员公需科目学习",
	domain.CategoryProfessional: "专业科目继续教育培训",
	domain.CategoryElective:     "专业技术人员选修课程",
}

func (l *genLayout) recordsOf(p int) int {
	if p >= l.persons {
		return bigUnitRecords
	}
	n := l.records / l.persons
	if p < l.records%l.persons {
		n++
	}
	return n
}

// slot places record r: its person and round.
func (l *genLayout) slot(r int) (p, round int) {
	if r < l.records {
		return r % l.persons, r / l.persons
	}
	r -= l.records
	return l.persons + r%l.big, r / l.big
}

// slots counts p's records of year index yi.
func (l *genLayout) slots(p, yi int) int {
	n, first := l.recordsOf(p), genFirstRound[yi]
	if n <= first {
		return 0
	}
	return (n - first + 2) / 3
}

// genRole is what a record is for.
type genRole int

const (
	roleFree         genRole = iota // category and hours drawn at random
	rolePublic                      // a qualifying path's public hours
	roleProfessional                // a qualifying path's professional hours
	roleClass                       // credited by a closed class, effective
)

// recordRole is the role of p's k-th record of year index yi: the last
// one of a year is the class credit of a trainee who passed a class that
// year; a qualifying person's first two make up the requirement.
func (l *genLayout) recordRole(p, yi, k int) genRole {
	n := l.slots(p, yi)
	switch {
	case k == n-1 && l.credited(p, yi):
		return roleClass
	case yi == 0 || n < 2 || l.roll(rollQualify, uint64(p), uint64(yi))%100 >= genQualifyPercent:
		return roleFree
	case k == 0:
		return rolePublic
	case k == 1:
		return roleProfessional
	}
	return roleFree
}

// recordStart draws the first day of a record of hours in year index yi:
// the whole record in its year and, this year, not after today.
func (l *genLayout) recordStart(yi, hours int) time.Time {
	year := l.thisYear - yi
	jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() - genSpan(hours)
	if yi == 0 {
		last = min(last, l.today.YearDay()-genSpan(hours))
	}
	return jan1.AddDate(0, 0, l.rng.IntN(max(last, 0)+1))
}

// genCategoryIndex orders the categories in a tally.
var genCategoryIndex = map[string]int{domain.CategoryPublic: 0, domain.CategoryProfessional: 1, domain.CategoryElective: 2}

// loadRecords loads the records and returns each person's effective
// hours by year index and category (tally[(p*3+yi)*3+category]), which
// the certificates copy.
func (l *genLayout) loadRecords(ctx context.Context, ld *genLoader, res *GenerateResult) ([]uint32, error) {
	tally := make([]uint32, l.allPersons()*9)
	totalWeight := 0
	for _, s := range generatedStatuses {
		totalWeight += s.weight
	}
	err := ld.bulk(ctx, "records", []string{"person_id", "unit_id", "category", "form", "title", "organizer",
		"start_date", "end_date", "year", "half_hours", "remark", "source", "status", "created_by", "class_id",
		"effective_at", "created_at", "updated_at"}, l.allRecords(), func(r int) []any {
		p, round := l.slot(r)
		yi, k := genRoundYear[round%3], round/3
		u := l.unitOf(p)
		category, form := domain.CategoryProfessional, "training"
		title := fmt.Sprintf("%s（第%07d期）", genTitle[category], r)
		organizer, remark := "广东省继续教育学院", ""
		status := domain.RecordEffective
		var source domain.RecordSource
		var start time.Time
		var hours int
		var createdBy, classID any
		switch l.recordRole(p, yi, k) {
		case roleClass:
			c := l.class(u, genGroupClass[l.group(p)])
			title, organizer, remark = c.name, l.unitName(u), "专业课计划“"+c.planName+"”培训班结班记入"
			source, start, hours, createdBy, classID = domain.SourceClass, c.start, c.hours, l.userID(u), c.id
		case rolePublic:
			category, form = domain.CategoryPublic, "online"
			title = fmt.Sprintf("%s（第%07d期）", genTitle[category], r)
			hours = 60 + 2*int(l.roll(rollPublic, uint64(p), uint64(yi))%6)
		case roleProfessional:
			hours = 120
		default:
			category, form = genCategories[l.rng.IntN(len(genCategories))], genForms[l.rng.IntN(len(genForms))]
			title = fmt.Sprintf("%s（第%07d期）", genTitle[category], r)
			hours = 4 + 2*l.rng.IntN(15)
		}
		if source == "" {
			source = genSources[l.rng.IntN(len(genSources))]
			start = l.recordStart(yi, hours)
			w := l.rng.IntN(totalWeight)
			for _, s := range generatedStatuses {
				if w < s.weight {
					status = s.status
					break
				}
				w -= s.weight
			}
		}
		end := start.AddDate(0, 0, genSpan(hours)-1)
		res.RecordsByStatus[status]++
		at := l.at(end, 12)
		if source == domain.SourceClass {
			at = l.closedAt(genClass{end: end})
		}
		var effectiveAt any
		if status == domain.RecordEffective {
			effectiveAt = at
			tally[(p*3+yi)*3+genCategoryIndex[category]] += uint32(hours)
		}
		return []any{l.personID(p), l.unitID(u), category, form, title, organizer,
			start.Format(domain.DateLayout), end.Format(domain.DateLayout), l.thisYear - yi, hours, remark,
			string(source), string(status), createdBy, classID, effectiveAt, at, at}
	})
	res.Records = l.allRecords()
	return tally, err
}
