// Package styles is the look of the terminal UI. It comes in two themes:
// Unicode (rounded borders, ● ○ …) and ASCII (+-| borders, * o ...) for
// terminals that draw East-Asian ambiguous-width glyphs two cells wide and
// would otherwise break every box.
package styles

import "github.com/charmbracelet/lipgloss"

// Styles holds every style and glyph the screens use; build it with New and
// pass it down, so one process can serve both themes at once (SSH).
type Styles struct {
	// Glyphs that differ between themes.
	Online   string // server reachable
	Offline  string // server unreachable or not yet known
	Pointer  string // marks the focused field or selected menu item
	Ellipsis string // tail of truncated text
	HelpSep  string // between short-help items

	TitleBar  lipgloss.Style // the system name at the top
	Box       lipgloss.Style // framed panel (login, forms)
	Pane      lipgloss.Style // menu and module panes, unfocused
	PaneFocus lipgloss.Style // the pane that has the keyboard
	Heading   lipgloss.Style // screen and menu-group headings
	Label     lipgloss.Style // form labels
	LabelOn   lipgloss.Style // label of the focused field
	Selected  lipgloss.Style // selected menu item / list row
	Error     lipgloss.Style // field and call errors
	Success   lipgloss.Style // completed actions
	Notice    lipgloss.Style // neutral information, "处理中…"
	Muted     lipgloss.Style // hints, secondary text
	HelpKey   lipgloss.Style // key names in the help bar
	StatusBar lipgloss.Style // bottom line
	Confirm   lipgloss.Style // the quit question
}

// New builds the Unicode theme, or the ASCII one when ascii is true.
func New(ascii bool) *Styles {
	border := lipgloss.RoundedBorder()
	s := &Styles{
		Online:   "●",
		Offline:  "○",
		Pointer:  "›",
		Ellipsis: "…",
		HelpSep:  " • ",
	}
	if ascii {
		border = lipgloss.ASCIIBorder()
		s.Online, s.Offline, s.Pointer, s.Ellipsis, s.HelpSep = "*", "o", ">", "...", " | "
	}
	// The 16 basic ANSI colours follow the terminal's own palette, so they
	// read on light and dark backgrounds without asking the terminal for
	// its background (a query whose reply can land in the input stream).
	accent := lipgloss.Color("12")
	dim := lipgloss.Color("8")
	red := lipgloss.Color("9")
	green := lipgloss.Color("10")

	s.TitleBar = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Box = lipgloss.NewStyle().Border(border).BorderForeground(dim).Padding(0, 1)
	s.Pane = lipgloss.NewStyle().Border(border).BorderForeground(dim)
	s.PaneFocus = lipgloss.NewStyle().Border(border).BorderForeground(accent)
	s.Heading = lipgloss.NewStyle().Bold(true)
	s.Label = lipgloss.NewStyle()
	s.LabelOn = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Error = lipgloss.NewStyle().Foreground(red)
	s.Success = lipgloss.NewStyle().Foreground(green)
	s.Notice = lipgloss.NewStyle().Foreground(accent)
	s.Muted = lipgloss.NewStyle().Foreground(dim)
	s.HelpKey = lipgloss.NewStyle().Bold(true)
	s.StatusBar = lipgloss.NewStyle().Reverse(true)
	s.Confirm = lipgloss.NewStyle().Bold(true).Foreground(red)
	return s
}
