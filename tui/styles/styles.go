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
	Flag     string // marks a person with a 失信 entry in force
	// BarCells are the glyphs of chart bars: BarCells[0] a whole cell, the
	// rest its eighths from ⅞ down (the Unicode theme only).
	BarCells []string

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
	// Cursor is the insertion point of the focused text field: reverse
	// video, plus the blink attribute, which the screen (tui/screen) reads
	// as "put the terminal's own cursor here" and never sends on, so an
	// input method opens its candidate window at the field.
	Cursor lipgloss.Style
}

// New builds the Unicode theme, or the ASCII one when ascii is true, with
// lipgloss's default renderer.
func New(ascii bool) *Styles { return NewWithRenderer(nil, ascii) }

// NewWithRenderer builds the theme with r (nil: the default renderer). Each
// SSH session passes its own, so that its text is not styled for the
// server's standard output.
func NewWithRenderer(r *lipgloss.Renderer, ascii bool) *Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	border := lipgloss.RoundedBorder()
	s := &Styles{
		Online:   "●",
		Offline:  "○",
		Pointer:  "›",
		Ellipsis: "…",
		HelpSep:  " • ",
		Flag:     "⚠",
		BarCells: []string{"█", "▉", "▊", "▋", "▌", "▍", "▎", "▏"},
	}
	if ascii {
		border = lipgloss.ASCIIBorder()
		s.Online, s.Offline, s.Pointer, s.Ellipsis, s.HelpSep = "*", "o", ">", "...", " | "
		s.Flag, s.BarCells = "!", []string{"#"}
	}
	// The 16 basic ANSI colours follow the terminal's own palette, so they
	// read on light and dark backgrounds without asking the terminal for
	// its background (a query whose reply can land in the input stream).
	accent := lipgloss.Color("12")
	dim := lipgloss.Color("8")
	red := lipgloss.Color("9")
	green := lipgloss.Color("10")

	s.TitleBar = r.NewStyle().Bold(true).Foreground(accent)
	s.Box = r.NewStyle().Border(border).BorderForeground(dim).Padding(0, 1)
	s.Pane = r.NewStyle().Border(border).BorderForeground(dim)
	s.PaneFocus = r.NewStyle().Border(border).BorderForeground(accent)
	s.Heading = r.NewStyle().Bold(true)
	s.Label = r.NewStyle()
	s.LabelOn = r.NewStyle().Bold(true).Foreground(accent)
	s.Selected = r.NewStyle().Reverse(true)
	s.Error = r.NewStyle().Foreground(red)
	s.Success = r.NewStyle().Foreground(green)
	s.Notice = r.NewStyle().Foreground(accent)
	s.Muted = r.NewStyle().Foreground(dim)
	s.HelpKey = r.NewStyle().Bold(true)
	s.StatusBar = r.NewStyle().Reverse(true)
	s.Confirm = r.NewStyle().Bold(true).Foreground(red)
	s.Cursor = r.NewStyle().Reverse(true).Blink(true)
	return s
}
