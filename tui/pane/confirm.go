package pane

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/tui/common"
)

// Confirm is the one y/n question of the UI. Actions others see or the
// operator cannot undo (送审, 同意/退回/结案, 结班/取消, 取消录入, 否,
// 重新生成证书, 删除) ask it first, naming what they act on; reversible
// edits do not. While it asks, y runs the action, n or esc drops it, and
// every other key is held back so nothing acts behind the question.
type Confirm struct {
	question string
	yes      func() tea.Cmd
}

// Ask puts question (without "(y/n)") to the operator; yes runs on y.
func (q *Confirm) Ask(question string, yes func() tea.Cmd) {
	q.question, q.yes = question, yes
}

// Asking reports whether a question waits for its answer; a screen
// reports itself Nested meanwhile, so esc answers no instead of leaving.
func (q *Confirm) Asking() bool { return q.yes != nil }

// Question is the text asked, "" when none.
func (q *Confirm) Question() string { return q.question }

// Update answers the question with k; it reports false when no question
// is asked, so the screen handles k itself.
func (q *Confirm) Update(c *common.Common, k tea.KeyMsg) (tea.Cmd, bool) {
	if !q.Asking() {
		return nil, false
	}
	switch {
	case key.Matches(k, c.Keys.Yes):
		yes := q.yes
		q.Cancel()
		return yes(), true
	case key.Matches(k, c.Keys.No):
		q.Cancel()
	}
	return nil, true
}

// Cancel drops the question.
func (q *Confirm) Cancel() { q.question, q.yes = "", nil }

// View is the question wrapped to w cells, "" when none.
func (q *Confirm) View(c *common.Common, w int) string {
	if !q.Asking() {
		return ""
	}
	return c.Styles.Confirm.Render(lipgloss.NewStyle().Width(max(w, 1)).Render(q.question + "(y/n)"))
}

// Help is the answers' keys, for the help bar while the question asks.
func (q *Confirm) Help(c *common.Common) []key.Binding {
	return []key.Binding{c.Keys.Yes, c.Keys.No}
}
