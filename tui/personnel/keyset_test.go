package personnel_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/common"
	"jxjy/tui/tuitest"
)

// askedPages records the page requests of the person list.
type askedPages struct {
	domain.PersonService
	mu    sync.Mutex
	pages []domain.PageRequest
}

func (a *askedPages) ListPersons(ctx context.Context, f domain.PersonFilter) (domain.Page[domain.Person], error) {
	a.mu.Lock()
	a.pages = append(a.pages, f.PageRequest)
	a.mu.Unlock()
	return a.PersonService.ListPersons(ctx, f)
}

func (a *askedPages) last() domain.PageRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pages[len(a.pages)-1]
}

// 信息维护 pages by the server's cursors: pgdn turns by the 12 rows on
// screen and fetches the next page of 20 by cursor at the seam; a person
// added meanwhile does not push a row from one page onto the next (as an
// offset would); ctrl+r fetches the page under the cursor again.
func TestPersonListPagesByCursorForwardAndBack(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		asked := &askedPages{}
		d, env := start(t, db, func(s *common.Services) {
			asked.PersonService = s.Persons
			s.Persons = asked
		})
		api := tuitest.APIAs(t, env, store.DemoUnit)
		// Person i's ID number: the list shows it in full.
		person := func(i int) string { return idOf(fmt.Sprintf("44010619710305%03d", i)) }
		add := func(i int) {
			t.Helper()
			if _, err := api.AddPerson(context.Background(), domain.PersonInput{IDNumber: person(i), Name: "翻页人员"}); err != nil {
				t.Fatal(err)
			}
		}
		// With the 30 demo persons: 100, five pages of 20, newest first.
		for i := 1; i <= 70; i++ {
			add(i)
		}
		d.Login(store.DemoUnit, demoPassword)
		d.OpenModule("专业技术人员信息维护")
		d.MustSee("第 1–12 条，共 100 条", person(70), person(59))
		d.Press(tea.KeyPgDown)
		d.MustSee("第 13–24 条，共 100 条", person(58), person(47))
		d.MustNotSee(person(59))
		if pr := asked.last(); pr.After == "" || pr.Offset != 0 {
			t.Fatalf("page 2 asked by %+v, not by cursor", pr)
		}

		add(900) // 插队: the newest
		d.Press(tea.KeyPgDown)
		d.MustSee("第 25–36 条，共 100 条", person(46), person(35))
		d.Press(tea.KeyPgDown)
		d.MustSee("第 37–48 条，共 101 条", person(34), person(23))
		d.MustNotSee(person(35), person(900))

		d.Press(tea.KeyPgUp, tea.KeyPgUp, tea.KeyPgUp)
		d.MustSee("第 1–12 条，共 101 条", person(70))
		d.Press(tea.KeyCtrlR)
		d.MustSee("第 1–12 条，共 101 条", person(900))
		if pr := asked.last(); pr.After != "" || pr.Offset != 0 {
			t.Fatalf("page 1 asked by %+v", pr)
		}
	})
}
