package personnel_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/server/store"
	"jxjy/server/store/storetest"
	"jxjy/tui/common"
)

// The menu shows today's work beside its module, from the server, and
// counts again when the operator comes back to it: confirming a claim
// leaves one fewer.
func TestMenuCountsTodaysWork(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		d, _ := start(t, db, func(s *common.Services) { s.Work = s.Persons.(domain.WorkService) })
		d.Login(store.DemoUnit, demoPassword)
		// The count follows the title: "│   7 专业技术人员信息确认    4 ││".
		count := func() string {
			for _, l := range strings.Split(d.View(), "\n") {
				tree, _, _ := strings.Cut(l, "││")
				f := strings.Fields(tree)
				for i := 0; i+1 < len(f); i++ {
					if strings.HasSuffix(f[i], "专业技术人员信息确认") {
						return f[i+1]
					}
				}
			}
			return ""
		}
		if count() != "4" {
			t.Fatalf("no count of the 4 pending claims:\n%s", d.View())
		}
		d.OpenModule("专业技术人员信息确认")
		d.MustSee("潘玉兰", "第 1–4 条，共 4 条")
		d.Type("y")
		d.MustSee("已确认：")
		d.Press(tea.KeyEsc)
		if count() != "3" {
			t.Fatalf("the count did not follow the confirmation:\n%s", d.View())
		}
	})
}
