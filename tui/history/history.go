// Package history is the 历史 panel every workflow screen embeds: an
// entity's audit trail (who, in which role, when, from which state to
// which, and why), oldest first, scrolled with the arrow keys.
package history

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/textwidth"
)

// Panel shows one entity's history. Its owner passes it every message; it
// takes the answers to its own calls and the scrolling keys.
type Panel struct {
	c          *common.Common
	id         common.ScreenID
	entityType string
	entityID   int64
	label      func(state string) string

	entries []domain.AuditEntry
	loaded  bool
	loading bool
	failure string
	offset  int

	width, height int
}

type loaded struct {
	entityID int64
	entries  []domain.AuditEntry
}

// New makes a panel for entities of entityType; label names a state
// ("submitted" → "已送审").
func New(c *common.Common, entityType string, label func(state string) string) *Panel {
	return &Panel{c: c, id: c.NewID(), entityType: entityType, label: label, width: 40, height: 5}
}

// Load shows entity id's history, fetching it afresh.
func (p *Panel) Load(id int64) tea.Cmd {
	if id != p.entityID {
		p.entries, p.loaded, p.offset = nil, false, 0
	}
	p.entityID, p.loading, p.failure = id, true, ""
	svc, entity := p.c.Services.History, p.entityType
	return common.Call(p.id, func(ctx context.Context) (any, error) {
		e, err := svc.History(ctx, entity, id)
		return loaded{entityID: id, entries: e}, err
	})
}

// Update takes the panel's answers and, when keys is true (the panel is
// showing), the scrolling keys.
func (p *Panel) Update(msg tea.Msg, keys bool) tea.Cmd {
	switch msg := msg.(type) {
	case common.Result:
		v, ok := msg.Value.(loaded)
		if !ok || msg.To != p.id || v.entityID != p.entityID {
			return nil
		}
		p.loading = false
		if msg.Err != nil {
			p.failure = common.ErrorText(msg.Err)
			return nil
		}
		p.entries, p.loaded = v.entries, true
		// The newest entry is what the operator came for.
		p.offset = max(len(p.lines())-p.height, 0)
	case tea.KeyMsg:
		if !keys {
			return nil
		}
		km := p.c.Keys
		switch {
		case key.Matches(msg, km.Up):
			p.offset--
		case key.Matches(msg, km.Down):
			p.offset++
		case msg.Type == tea.KeyPgUp:
			p.offset -= p.height
		case msg.Type == tea.KeyPgDown:
			p.offset += p.height
		}
		p.offset = max(min(p.offset, len(p.lines())-p.height), 0)
	}
	return nil
}

// SetSize gives the panel w×h cells.
func (p *Panel) SetSize(w, h int) {
	p.width, p.height = max(w, 8), max(h, 1)
	p.offset = max(min(p.offset, len(p.lines())-p.height), 0)
}

// Len is how many entries are shown.
func (p *Panel) Len() int { return len(p.entries) }

// lines is every entry laid out: a line with when and who, then what
// happened, indented and wrapped.
func (p *Panel) lines() []string {
	st := p.c.Styles
	var out []string
	wrap := lipgloss.NewStyle().Width(max(p.width-2, 6))
	for _, e := range p.entries {
		who := e.ActorName
		if e.ActorRole != "" {
			who += "（" + e.ActorRole.Label() + "）"
		}
		head := e.At.In(domain.ChinaTime).Format("2006-01-02 15:04") + "  " + who
		out = append(out, st.Heading.Render(textwidth.Truncate(head, p.width, st.Ellipsis)))
		for _, l := range strings.Split(wrap.Render(p.what(e)), "\n") {
			out = append(out, "  "+strings.TrimRight(l, " "))
		}
	}
	return out
}

// what says what an entry did, in words.
func (p *Panel) what(e domain.AuditEntry) string {
	var parts []string
	switch {
	case e.From != "" && e.To != "":
		parts = append(parts, "状态由「"+p.label(e.From)+"」改为「"+p.label(e.To)+"」")
	case e.To != "":
		parts = append(parts, "状态：「"+p.label(e.To)+"」")
	}
	if e.Comment != "" {
		parts = append(parts, e.Comment)
	}
	return strings.Join(parts, "；")
}

// View is the visible part of the trail, or why there is none.
func (p *Panel) View() string {
	st := p.c.Styles
	switch {
	case p.failure != "":
		return st.Error.Render(lipgloss.NewStyle().Width(p.width).Render(p.failure + "（ctrl+r 重试）"))
	case !p.loaded && p.loading:
		return st.Notice.Render(p.c.Busy())
	case len(p.entries) == 0:
		return st.Muted.Render("暂无历史记录")
	}
	lines := p.lines()
	end := min(p.offset+p.height, len(lines))
	return textwidth.Block(strings.Join(lines[p.offset:end], "\n"), p.width, p.height)
}

// Help is the panel's keys.
func (p *Panel) Help() []key.Binding {
	scroll := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp(p.c.Keys.Choose.Help().Key, "滚动"))
	return []key.Binding{scroll}
}
